/* Groups: construction, rank lookup, set algebra, ranges, translation. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "core/error.h"
#include "core/group.h"

static tn_group_t *make(int n, const int *wr)
{
    tn_group_t *g;
    ck_assert_int_eq(tn_group_create(wr, n, &g), MPI_SUCCESS);
    return g;
}

static tn_group_t *range_group(int first, int n)
{
    int *wr = malloc((size_t)n * sizeof *wr);
    for (int i = 0; i < n; i++)
        wr[i] = first + i;
    tn_group_t *g = make(n, wr);
    free(wr);
    return g;
}

static void assert_members(const tn_group_t *g, int n, const int *expect)
{
    ck_assert_int_eq(g->size, n);
    for (int i = 0; i < n; i++)
        ck_assert_msg(g->world_ranks[i] == expect[i], "member %d: %d != %d", i,
                      g->world_ranks[i], expect[i]);
}

/* Error class of rc, checking the message names the call. */
static int err_class(int rc, const char *fname)
{
    ck_assert_int_ne(rc, MPI_SUCCESS);
    ck_assert_msg(strstr(tn_err_string(rc), fname), "message '%s' lacks '%s'",
                  tn_err_string(rc), fname);
    return tn_err_class(rc);
}

START_TEST(rank_of_contiguous_and_scattered)
{
    tn_group_t *c = range_group(10, 5);
    ck_assert_int_eq(tn_group_rank_of(c, 12), 2);
    ck_assert_int_eq(tn_group_rank_of(c, 9), MPI_UNDEFINED);
    ck_assert_int_eq(tn_group_rank_of(c, 15), MPI_UNDEFINED);

    int small[] = {5, 3, 9};
    tn_group_t *s = make(3, small);
    ck_assert_int_eq(tn_group_rank_of(s, 9), 2);
    ck_assert_int_eq(tn_group_rank_of(s, 4), MPI_UNDEFINED);

    int big[100];
    for (int i = 0; i < 100; i++)
        big[i] = (i * 37) % 101; /* a permutation of part of 0..100 */
    tn_group_t *b = make(100, big);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(tn_group_rank_of(b, big[i]), i);
    ck_assert_int_eq(tn_group_rank_of(b, 1000), MPI_UNDEFINED);
    tn_group_release(c);
    tn_group_release(s);
    tn_group_release(b);
}
END_TEST

START_TEST(own_rank)
{
    /* tn_rt.world_rank is 0 outside MPI_Init. */
    int wr[] = {4, 0, 2};
    tn_group_t *g = make(3, wr);
    ck_assert_int_eq(g->rank, 1);
    tn_group_t *h = range_group(1, 3);
    ck_assert_int_eq(h->rank, MPI_UNDEFINED);
    tn_group_release(g);
    tn_group_release(h);
}
END_TEST

START_TEST(empty_group_is_builtin)
{
    tn_group_t *e = make(0, NULL);
    ck_assert_ptr_eq(e, tn_group_get(MPI_GROUP_EMPTY));
    ck_assert_int_eq(e->size, 0);
    ck_assert_int_eq(e->rank, MPI_UNDEFINED);
    tn_group_release(e); /* never freed */
    ck_assert_int_eq(tn_group_get(MPI_GROUP_EMPTY)->size, 0);
    ck_assert_ptr_null(tn_group_get(MPI_GROUP_NULL));
}
END_TEST

START_TEST(handles_and_refs)
{
    tn_group_t *g = range_group(0, 4), *p;
    MPI_Group h, h2;
    ck_assert_int_eq(tn_group_handle(g, &h), MPI_SUCCESS);
    ck_assert_int_eq(tn_group_handle(g, &h2), MPI_SUCCESS);
    ck_assert_int_eq(h, h2);
    ck_assert_ptr_eq(tn_group_get(h), g);
    ck_assert_int_eq(tn_group_check("MPI_Group_size", "group", h, &p), MPI_SUCCESS);
    ck_assert_ptr_eq(p, g);
    tn_group_ref(g);
    tn_group_release(g);
    ck_assert_ptr_eq(tn_group_get(h), g);
    tn_group_release(g);
    ck_assert_ptr_null(tn_group_get(h));
    ck_assert_int_eq(err_class(tn_group_check("MPI_Group_size", "group", h, &p), "MPI_Group_size"),
                     MPI_ERR_GROUP);
    ck_assert_int_eq(err_class(tn_group_check("MPI_Group_rank", "group", MPI_GROUP_NULL, &p),
                               "MPI_GROUP_NULL"),
                     MPI_ERR_GROUP);
}
END_TEST

START_TEST(incl_and_excl)
{
    int wr[] = {10, 11, 12, 13, 14};
    tn_group_t *g = make(5, wr), *r;
    int ranks[] = {3, 0, 4};
    ck_assert_int_eq(tn_group_incl("MPI_Group_incl", g, 3, ranks, &r), MPI_SUCCESS);
    assert_members(r, 3, (int[]){13, 10, 14});
    tn_group_release(r);

    ck_assert_int_eq(tn_group_excl("MPI_Group_excl", g, 3, ranks, &r), MPI_SUCCESS);
    assert_members(r, 2, (int[]){11, 12});
    tn_group_release(r);

    ck_assert_int_eq(tn_group_incl("MPI_Group_incl", g, 0, NULL, &r), MPI_SUCCESS);
    ck_assert_ptr_eq(r, tn_group_get(MPI_GROUP_EMPTY));
    ck_assert_int_eq(tn_group_excl("MPI_Group_excl", g, 0, NULL, &r), MPI_SUCCESS);
    assert_members(r, 5, wr);
    tn_group_release(r);
    int all[] = {0, 1, 2, 3, 4};
    ck_assert_int_eq(tn_group_excl("MPI_Group_excl", g, 5, all, &r), MPI_SUCCESS);
    ck_assert_int_eq(r->size, 0);
    tn_group_release(g);
}
END_TEST

START_TEST(incl_errors)
{
    tn_group_t *g = range_group(0, 4), *r = NULL;
    int bad[] = {0, 1, 7};
    int rc = tn_group_incl("MPI_Group_incl", g, 3, bad, &r);
    ck_assert_int_eq(err_class(rc, "MPI_Group_incl"), MPI_ERR_RANK);
    ck_assert_str_eq(tn_err_string(rc),
                     "MPI_Group_incl: ranks[2] = 7 is out of range for a group of size 4");
    ck_assert_ptr_null(r);
    int dup[] = {1, 2, 1};
    ck_assert_int_eq(err_class(tn_group_excl("MPI_Group_excl", g, 3, dup, &r), "appears more"),
                     MPI_ERR_RANK);
    int neg[] = {-1};
    ck_assert_int_eq(err_class(tn_group_incl("MPI_Group_incl", g, 1, neg, &r), "ranks[0] = -1"),
                     MPI_ERR_RANK);
    ck_assert_int_eq(err_class(tn_group_incl("MPI_Group_incl", g, 5, bad, &r), "n = 5"),
                     MPI_ERR_ARG);
    ck_assert_int_eq(err_class(tn_group_incl("MPI_Group_incl", g, -1, bad, &r), "n = -1"),
                     MPI_ERR_ARG);
    ck_assert_ptr_null(r);
    tn_group_release(g);
}
END_TEST

START_TEST(ranges)
{
    tn_group_t *g = range_group(100, 10), *r;
    int rg[][3] = {{0, 6, 3}, {9, 7, -1}, {1, 1, 1}};
    ck_assert_int_eq(tn_group_range_incl("MPI_Group_range_incl", g, 3, rg, &r), MPI_SUCCESS);
    assert_members(r, 7, (int[]){100, 103, 106, 109, 108, 107, 101});
    tn_group_release(r);
    ck_assert_int_eq(tn_group_range_excl("MPI_Group_range_excl", g, 3, rg, &r), MPI_SUCCESS);
    assert_members(r, 3, (int[]){102, 104, 105});
    tn_group_release(r);

    /* last need not be reached: (0, 8, 3) names 0, 3, 6. */
    int rg2[][3] = {{0, 8, 3}};
    ck_assert_int_eq(tn_group_range_incl("MPI_Group_range_incl", g, 1, rg2, &r), MPI_SUCCESS);
    assert_members(r, 3, (int[]){100, 103, 106});
    tn_group_release(r);

    ck_assert_int_eq(tn_group_range_incl("MPI_Group_range_incl", g, 0, NULL, &r), MPI_SUCCESS);
    ck_assert_int_eq(r->size, 0);
    tn_group_release(g);
}
END_TEST

START_TEST(range_errors)
{
    tn_group_t *g = range_group(0, 10), *r = NULL;
    int zero[][3] = {{0, 5, 0}};
    ck_assert_int_eq(err_class(tn_group_range_incl("MPI_Group_range_incl", g, 1, zero, &r),
                               "stride 0"),
                     MPI_ERR_ARG);
    int backwards[][3] = {{5, 1, 2}};
    ck_assert_int_eq(err_class(tn_group_range_excl("MPI_Group_range_excl", g, 1, backwards, &r),
                               "names no rank"),
                     MPI_ERR_ARG);
    int out[][3] = {{8, 12, 2}};
    ck_assert_int_eq(err_class(tn_group_range_incl("MPI_Group_range_incl", g, 1, out, &r),
                               "rank 12"),
                     MPI_ERR_RANK);
    int overlap[][3] = {{0, 4, 2}, {4, 5, 1}};
    ck_assert_int_eq(err_class(tn_group_range_incl("MPI_Group_range_incl", g, 2, overlap, &r),
                               "rank 4 is named twice"),
                     MPI_ERR_RANK);
    int many[][3] = {{0, 9, 1}, {0, 0, 1}};
    ck_assert_int_eq(err_class(tn_group_range_excl("MPI_Group_range_excl", g, 2, many, &r),
                               "named twice"),
                     MPI_ERR_RANK);
    ck_assert_ptr_null(r);
    tn_group_release(g);
}
END_TEST

START_TEST(set_algebra)
{
    int wa[] = {1, 3, 5, 7}, wb[] = {7, 6, 5, 4};
    tn_group_t *a = make(4, wa), *b = make(4, wb), *r;
    ck_assert_int_eq(tn_group_union(a, b, &r), MPI_SUCCESS);
    assert_members(r, 6, (int[]){1, 3, 5, 7, 6, 4});
    tn_group_release(r);
    ck_assert_int_eq(tn_group_intersection(a, b, &r), MPI_SUCCESS);
    assert_members(r, 2, (int[]){5, 7});
    tn_group_release(r);
    ck_assert_int_eq(tn_group_intersection(b, a, &r), MPI_SUCCESS);
    assert_members(r, 2, (int[]){7, 5});
    tn_group_release(r);
    ck_assert_int_eq(tn_group_difference(a, b, &r), MPI_SUCCESS);
    assert_members(r, 2, (int[]){1, 3});
    tn_group_release(r);
    ck_assert_int_eq(tn_group_difference(a, a, &r), MPI_SUCCESS);
    ck_assert_ptr_eq(r, tn_group_get(MPI_GROUP_EMPTY));

    tn_group_t *e = tn_group_get(MPI_GROUP_EMPTY);
    ck_assert_int_eq(tn_group_union(e, b, &r), MPI_SUCCESS);
    assert_members(r, 4, wb);
    tn_group_release(r);
    ck_assert_int_eq(tn_group_union(e, e, &r), MPI_SUCCESS);
    ck_assert_int_eq(r->size, 0);
    ck_assert_int_eq(tn_group_intersection(a, e, &r), MPI_SUCCESS);
    ck_assert_int_eq(r->size, 0);
    tn_group_release(a);
    tn_group_release(b);
}
END_TEST

START_TEST(translate)
{
    int wa[] = {1, 3, 5, 7}, wb[] = {7, 6, 5, 4};
    tn_group_t *a = make(4, wa), *b = make(4, wb);
    int in[] = {0, 1, 2, 3, MPI_PROC_NULL}, out[5];
    ck_assert_int_eq(tn_group_translate("MPI_Group_translate_ranks", a, 5, in, b, out),
                     MPI_SUCCESS);
    ck_assert_int_eq(out[0], MPI_UNDEFINED);
    ck_assert_int_eq(out[1], MPI_UNDEFINED);
    ck_assert_int_eq(out[2], 2);
    ck_assert_int_eq(out[3], 0);
    ck_assert_int_eq(out[4], MPI_PROC_NULL);
    int bad[] = {0, 4};
    out[0] = -99;
    ck_assert_int_eq(err_class(tn_group_translate("MPI_Group_translate_ranks", a, 2, bad, b, out),
                               "ranks1[1] = 4"),
                     MPI_ERR_RANK);
    ck_assert_int_eq(out[0], -99); /* outputs untouched on error */
    tn_group_release(a);
    tn_group_release(b);
}
END_TEST

START_TEST(compare)
{
    int wa[] = {1, 3, 5}, wb[] = {5, 1, 3}, wc[] = {1, 3, 6};
    tn_group_t *a = make(3, wa), *a2 = make(3, wa), *b = make(3, wb), *c = make(3, wc);
    ck_assert_int_eq(tn_group_compare(a, a2), MPI_IDENT);
    ck_assert_int_eq(tn_group_compare(a, b), MPI_SIMILAR);
    ck_assert_int_eq(tn_group_compare(a, c), MPI_UNEQUAL);
    tn_group_t *e = tn_group_get(MPI_GROUP_EMPTY);
    ck_assert_int_eq(tn_group_compare(e, e), MPI_IDENT);
    ck_assert_int_eq(tn_group_compare(a, e), MPI_UNEQUAL);
    tn_group_release(a);
    tn_group_release(a2);
    tn_group_release(b);
    tn_group_release(c);
}
END_TEST

static Suite *group_suite(void)
{
    Suite *s = suite_create("group");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rank_of_contiguous_and_scattered);
    tcase_add_test(tc, own_rank);
    tcase_add_test(tc, empty_group_is_builtin);
    tcase_add_test(tc, handles_and_refs);
    tcase_add_test(tc, incl_and_excl);
    tcase_add_test(tc, incl_errors);
    tcase_add_test(tc, ranges);
    tcase_add_test(tc, range_errors);
    tcase_add_test(tc, set_algebra);
    tcase_add_test(tc, translate);
    tcase_add_test(tc, compare);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(group_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
