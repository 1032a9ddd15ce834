/* Info objects: set/replace/delete, order, limits, dup and MPI_INFO_ENV. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "core/error.h"
#include "core/info.h"

static tn_info_t *fresh(void)
{
    tn_info_t *i;
    ck_assert_int_eq(tn_info_create(&i), MPI_SUCCESS);
    return i;
}

START_TEST(set_get_replace_order)
{
    tn_info_t *i = fresh();
    ck_assert_int_eq(tn_info_set("t", i, "b", "1"), MPI_SUCCESS);
    ck_assert_int_eq(tn_info_set("t", i, "a", "2"), MPI_SUCCESS);
    ck_assert_int_eq(tn_info_set("t", i, "b", "3"), MPI_SUCCESS); /* replaces in place */
    ck_assert_int_eq(i->n, 2);
    ck_assert_str_eq(i->keys[0], "b");
    ck_assert_str_eq(i->keys[1], "a");
    ck_assert_str_eq(tn_info_lookup(i, "b"), "3");
    ck_assert_str_eq(tn_info_lookup(i, "a"), "2");
    ck_assert_ptr_null(tn_info_lookup(i, "c"));
    tn_info_release(i);
}
END_TEST

START_TEST(delete_keys)
{
    tn_info_t *i = fresh();
    tn_info_set("t", i, "x", "1");
    tn_info_set("t", i, "y", "2");
    tn_info_set("t", i, "z", "3");
    ck_assert_int_eq(tn_info_delete("MPI_Info_delete", i, "y"), MPI_SUCCESS);
    ck_assert_int_eq(i->n, 2);
    ck_assert_str_eq(i->keys[1], "z");
    int rc = tn_info_delete("MPI_Info_delete", i, "y");
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_INFO_NOKEY);
    ck_assert_ptr_nonnull(strstr(tn_err_string(rc), "MPI_Info_delete: key \"y\""));
    tn_info_release(i);
}
END_TEST

START_TEST(limits)
{
    tn_info_t *i = fresh();
    char key[MPI_MAX_INFO_KEY + 1], val[MPI_MAX_INFO_VAL + 2];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    memset(val, 'v', sizeof val - 1);
    val[sizeof val - 1] = '\0';
    ck_assert_int_eq(tn_err_class(tn_info_set("t", i, key, "x")), MPI_ERR_INFO_KEY);
    key[MPI_MAX_INFO_KEY - 1] = '\0'; /* the longest allowed */
    ck_assert_int_eq(tn_info_set("t", i, key, "x"), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_class(tn_info_set("t", i, "", "x")), MPI_ERR_INFO_KEY);
    ck_assert_int_eq(tn_err_class(tn_info_set("t", i, "k", val)), MPI_ERR_INFO_VALUE);
    val[MPI_MAX_INFO_VAL] = '\0';
    ck_assert_int_eq(tn_info_set("t", i, "k", val), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_class(tn_info_set("t", i, "k", NULL)), MPI_ERR_INFO_VALUE);
    tn_info_release(i);
}
END_TEST

START_TEST(dup_is_deep)
{
    tn_info_t *i = fresh(), *d;
    tn_info_set("t", i, "a", "1");
    ck_assert_int_eq(tn_info_dup(i, &d), MPI_SUCCESS);
    tn_info_set("t", i, "a", "2");
    ck_assert_str_eq(tn_info_lookup(d, "a"), "1");
    tn_info_release(i);
    tn_info_release(d);
    ck_assert_int_eq(tn_info_dup(NULL, &d), MPI_SUCCESS);
    ck_assert_int_eq(d->n, 0);
    tn_info_release(d);
}
END_TEST

START_TEST(handles)
{
    tn_info_t *i = fresh(), *p;
    MPI_Info h;
    ck_assert_int_eq(tn_info_handle(i, &h), MPI_SUCCESS);
    ck_assert_ptr_eq(tn_info_get(h), i);
    ck_assert_int_eq(tn_info_check("MPI_Info_set", h, 0, &p), MPI_SUCCESS);
    ck_assert_int_eq(tn_info_check("MPI_Info_set", MPI_INFO_NULL, 1, &p), MPI_SUCCESS);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(tn_err_class(tn_info_check("MPI_Info_set", MPI_INFO_NULL, 0, &p)),
                     MPI_ERR_INFO);
    tn_info_release(i);
    ck_assert_ptr_null(tn_info_get(h));
}
END_TEST

START_TEST(env)
{
    tn_info_t *e = tn_info_get(MPI_INFO_ENV);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(tn_info_lookup(e, "command"));
    ck_assert_ptr_nonnull(tn_info_lookup(e, "wdir"));
    ck_assert_int_eq(tn_err_class(tn_info_set("MPI_Info_set", e, "a", "b")), MPI_ERR_INFO);
    tn_info_release(e); /* builtin: stays */
    ck_assert_ptr_eq(tn_info_get(MPI_INFO_ENV), e);

    char *argv[] = {"prog", "-x", "7"};
    tn_info_t *i;
    ck_assert_int_eq(tn_info_create_env(3, argv, &i), MPI_SUCCESS);
    ck_assert_str_eq(tn_info_lookup(i, "command"), "prog");
    ck_assert_str_eq(tn_info_lookup(i, "argv"), "-x 7");
    tn_info_release(i);
}
END_TEST

static Suite *info_suite(void)
{
    Suite *s = suite_create("info");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, set_get_replace_order);
    tcase_add_test(tc, delete_keys);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, dup_is_deep);
    tcase_add_test(tc, handles);
    tcase_add_test(tc, env);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(info_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
