/* PMI_process_mapping parsing: which node each rank is on. */
#include <check.h>
#include <stdlib.h>
#include "pmi/pmi.h"

static void expect(const char *mapping, int size, const int *want)
{
    int got[64];
    ck_assert_int_eq(tn_pmi_parse_mapping(mapping, size, got), 0);
    for (int r = 0; r < size; r++)
        ck_assert_msg(got[r] == want[r], "%s: rank %d on node %d, expected %d", mapping, r, got[r],
                      want[r]);
}

START_TEST(one_node)
{
    expect("(vector,(0,1,4))", 4, (int[]){0, 0, 0, 0});
}
END_TEST

START_TEST(block_over_nodes)
{
    expect("(vector,(0,2,3))", 6, (int[]){0, 0, 0, 1, 1, 1});
    expect("(vector,(0,2,2),(2,1,1))", 5, (int[]){0, 0, 1, 1, 2});
}
END_TEST

START_TEST(pattern_repeats_cyclically)
{
    expect("(vector,(0,2,1))", 5, (int[]){0, 1, 0, 1, 0});
}
END_TEST

START_TEST(spaces_allowed)
{
    expect(" (vector, (0,1,2))", 2, (int[]){0, 0});
}
END_TEST

START_TEST(malformed_rejected)
{
    int got[4];
    const char *bad[] = {"", "(vector)", "(vector,(0,1))", "(vector,(0,0,4))", "(vector,(0,1,-1))",
                         "(list,(0,1,2))", "(vector,(0,1,2)", "garbage"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(tn_pmi_parse_mapping(bad[i], 4, got) == -1, "accepted '%s'", bad[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pmi_mapping");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, one_node);
    tcase_add_test(tc, block_over_nodes);
    tcase_add_test(tc, pattern_repeats_cyclically);
    tcase_add_test(tc, spaces_allowed);
    tcase_add_test(tc, malformed_rejected);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
