/* Handle tables: MPICH's encoding, reuse, and rejection of foreign handles. */
#include <check.h>
#include <stdlib.h>
#include <mpi.h>
#include "core/handle.h"

START_TEST(encoding_matches_mpich)
{
    ck_assert_uint_eq(TN_HANDLE_KIND(MPI_COMM_WORLD), TN_KIND_COMM);
    ck_assert_uint_eq(TN_HANDLE_TIER(MPI_COMM_WORLD), TN_HANDLE_TIER_BUILTIN);
    ck_assert_uint_eq(TN_HANDLE_KIND(MPI_INT), TN_KIND_DATATYPE);
    ck_assert_uint_eq(TN_HANDLE_KIND(MPI_SUM), TN_KIND_OP);
    ck_assert_uint_eq(TN_HANDLE_TIER(MPI_REQUEST_NULL), TN_HANDLE_TIER_NULL);
    ck_assert_uint_eq(TN_HANDLE_KIND(MPI_REQUEST_NULL), TN_KIND_REQUEST);
    ck_assert_int_eq(TN_HANDLE_MAKE(1, TN_KIND_COMM, 0), MPI_COMM_WORLD);
}
END_TEST

START_TEST(insert_lookup_remove)
{
    tn_htab_t t = TN_HTAB_INIT(TN_KIND_GROUP);
    int objs[200], h[200];
    for (int i = 0; i < 200; i++) {
        h[i] = tn_htab_insert(&t, &objs[i]);
        ck_assert_int_ne(h[i], 0);
        ck_assert_uint_eq(TN_HANDLE_KIND(h[i]), TN_KIND_GROUP);
        ck_assert_uint_eq(TN_HANDLE_TIER(h[i]), TN_HANDLE_TIER_DYNAMIC);
    }
    for (int i = 0; i < 200; i++)
        ck_assert_ptr_eq(tn_htab_lookup(&t, h[i]), &objs[i]);
    ck_assert_int_eq(tn_htab_count(&t), 200);
    tn_htab_remove(&t, h[7]);
    ck_assert_ptr_null(tn_htab_lookup(&t, h[7]));
    tn_htab_remove(&t, h[7]); /* twice is harmless */
    ck_assert_int_eq(tn_htab_count(&t), 199);
    int again = tn_htab_insert(&t, &objs[7]);
    ck_assert_ptr_eq(tn_htab_lookup(&t, again), &objs[7]);
    tn_htab_destroy(&t);
}
END_TEST

START_TEST(foreign_handles_are_rejected)
{
    tn_htab_t t = TN_HTAB_INIT(TN_KIND_COMM);
    int obj;
    int h = tn_htab_insert(&t, &obj);
    ck_assert_ptr_null(tn_htab_lookup(&t, MPI_COMM_WORLD));  /* builtin tier */
    ck_assert_ptr_null(tn_htab_lookup(&t, MPI_COMM_NULL));
    ck_assert_ptr_null(tn_htab_lookup(&t, h ^ (int)(TN_KIND_COMM << 26) ^ (int)(TN_KIND_GROUP << 26)));
    ck_assert_ptr_null(tn_htab_lookup(&t, h + 1000));        /* beyond the table */
    ck_assert_ptr_null(tn_htab_lookup(&t, 12345));
    tn_htab_destroy(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("handle");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, encoding_matches_mpich);
    tcase_add_test(tc, insert_lookup_remove);
    tcase_add_test(tc, foreign_handles_are_rejected);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
