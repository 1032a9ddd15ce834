/* Process topologies: MPI_Dims_create's factorization and Cartesian
 * coordinate arithmetic. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "core/error.h"
#include "core/topo.h"

static void dims(int nnodes, int ndims, const int *given, const int *expect)
{
    int d[8];
    memcpy(d, given, (size_t)ndims * sizeof *d);
    ck_assert_int_eq(tn_dims_create("MPI_Dims_create", nnodes, ndims, d), MPI_SUCCESS);
    for (int i = 0; i < ndims; i++)
        ck_assert_msg(d[i] == expect[i], "Dims_create(%d, %d): dims[%d] = %d, expected %d",
                      nnodes, ndims, i, d[i], expect[i]);
}

START_TEST(dims_balanced)
{
    dims(6, 2, (int[]){0, 0}, (int[]){3, 2});
    dims(7, 2, (int[]){0, 0}, (int[]){7, 1});
    dims(16, 2, (int[]){0, 0}, (int[]){4, 4});
    dims(12, 3, (int[]){0, 0, 0}, (int[]){3, 2, 2});
    dims(24, 3, (int[]){0, 0, 0}, (int[]){4, 3, 2});
    dims(36, 3, (int[]){0, 0, 0}, (int[]){4, 3, 3});
    dims(64, 3, (int[]){0, 0, 0}, (int[]){4, 4, 4});
    dims(1, 4, (int[]){0, 0, 0, 0}, (int[]){1, 1, 1, 1});
    dims(30, 1, (int[]){0}, (int[]){30});
    dims(1048576, 2, (int[]){0, 0}, (int[]){1024, 1024});
}
END_TEST

START_TEST(dims_with_fixed_entries)
{
    dims(12, 3, (int[]){0, 3, 0}, (int[]){2, 3, 2});
    dims(24, 3, (int[]){2, 0, 0}, (int[]){2, 4, 3});
    dims(8, 2, (int[]){2, 4}, (int[]){2, 4});
    dims(1, 0, (int[]){0}, (int[]){0});
}
END_TEST

START_TEST(dims_errors)
{
    int d[3] = {0, 5, 0};
    ck_assert_int_eq(tn_err_class(tn_dims_create("MPI_Dims_create", 12, 3, d)), MPI_ERR_DIMS);
    ck_assert_int_eq(d[0], 0); /* untouched */
    int e[2] = {2, 3};
    ck_assert_int_eq(tn_err_class(tn_dims_create("MPI_Dims_create", 12, 2, e)), MPI_ERR_DIMS);
    int f[2] = {-1, 0};
    ck_assert_int_eq(tn_err_class(tn_dims_create("MPI_Dims_create", 4, 2, f)), MPI_ERR_DIMS);
    ck_assert_int_eq(tn_err_class(tn_dims_create("MPI_Dims_create", 0, 2, e)), MPI_ERR_ARG);
}
END_TEST

START_TEST(cart_coords_and_rank)
{
    int dimv[] = {3, 4, 2}, per[] = {0, 1, 0};
    tn_cart_t t = {.ndims = 3, .dims = dimv, .periods = per};
    int c[3];
    for (int r = 0; r < 24; r++) {
        tn_cart_coords(&t, r, c);
        ck_assert_int_eq(c[0] * 8 + c[1] * 2 + c[2], r); /* row-major */
        ck_assert_int_eq(tn_cart_rank(&t, c), r);
    }
    ck_assert_int_eq(tn_cart_rank(&t, (int[]){1, -1, 0}), 1 * 8 + 3 * 2);  /* periodic wrap */
    ck_assert_int_eq(tn_cart_rank(&t, (int[]){1, 9, 1}), 1 * 8 + 1 * 2 + 1);
    ck_assert_int_eq(tn_cart_rank(&t, (int[]){3, 0, 0}), MPI_PROC_NULL);  /* off the edge */
    ck_assert_int_eq(tn_cart_rank(&t, (int[]){0, 0, -1}), MPI_PROC_NULL);
}
END_TEST

static Suite *topo_suite(void)
{
    Suite *s = suite_create("topo");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dims_balanced);
    tcase_add_test(tc, dims_with_fixed_entries);
    tcase_add_test(tc, dims_errors);
    tcase_add_test(tc, cart_coords_and_rank);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(topo_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
