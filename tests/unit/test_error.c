/* Error codes: the message ring, class strings, user-added classes and codes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "core/error.h"

START_TEST(set_records_message)
{
    int code = tn_err_set(MPI_ERR_RANK, "MPI_Send: dest %d is out of range for size %d", 7, 4);
    ck_assert_int_ne(code, MPI_ERR_RANK);
    ck_assert_int_eq(tn_err_class(code), MPI_ERR_RANK);
    ck_assert_int_le(code, MPI_ERR_LASTCODE);
    ck_assert_str_eq(tn_err_string(code), "MPI_Send: dest 7 is out of range for size 4");
    ck_assert(tn_err_is_valid(code));
}
END_TEST

START_TEST(codes_are_distinct)
{
    int a = tn_err_set(MPI_ERR_ARG, "first");
    int b = tn_err_set(MPI_ERR_ARG, "second");
    ck_assert_int_ne(a, b);
    ck_assert_str_eq(tn_err_string(a), "first");
    ck_assert_str_eq(tn_err_string(b), "second");
}
END_TEST

START_TEST(ring_overwrite_falls_back_to_class_text)
{
    int old = tn_err_set(MPI_ERR_TAG, "old message");
    for (int i = 0; i < 1000; i++)
        tn_err_set(MPI_ERR_OTHER, "filler %d", i);
    ck_assert_int_eq(tn_err_class(old), MPI_ERR_TAG);
    ck_assert_str_eq(tn_err_string(old), tn_err_string(MPI_ERR_TAG));
}
END_TEST

START_TEST(long_message_truncated)
{
    char big[2 * MPI_MAX_ERROR_STRING];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    int code = tn_err_set(MPI_ERR_OTHER, "%s", big);
    ck_assert_uint_eq(strlen(tn_err_string(code)), MPI_MAX_ERROR_STRING - 1);
}
END_TEST

START_TEST(every_class_has_text)
{
    static const int classes[] = {
        MPI_SUCCESS, MPI_ERR_BUFFER, MPI_ERR_COUNT, MPI_ERR_TYPE, MPI_ERR_TAG, MPI_ERR_COMM,
        MPI_ERR_RANK, MPI_ERR_ROOT, MPI_ERR_GROUP, MPI_ERR_OP, MPI_ERR_TOPOLOGY, MPI_ERR_DIMS,
        MPI_ERR_ARG, MPI_ERR_UNKNOWN, MPI_ERR_TRUNCATE, MPI_ERR_OTHER, MPI_ERR_INTERN,
        MPI_ERR_IN_STATUS, MPI_ERR_PENDING, MPI_ERR_REQUEST, MPI_ERR_ACCESS, MPI_ERR_AMODE,
        MPI_ERR_BAD_FILE, MPI_ERR_CONVERSION, MPI_ERR_DUP_DATAREP, MPI_ERR_FILE_EXISTS,
        MPI_ERR_FILE_IN_USE, MPI_ERR_FILE, MPI_ERR_INFO, MPI_ERR_INFO_KEY, MPI_ERR_INFO_VALUE,
        MPI_ERR_INFO_NOKEY, MPI_ERR_IO, MPI_ERR_NAME, MPI_ERR_NO_MEM, MPI_ERR_NOT_SAME,
        MPI_ERR_NO_SPACE, MPI_ERR_NO_SUCH_FILE, MPI_ERR_PORT, MPI_ERR_QUOTA, MPI_ERR_READ_ONLY,
        MPI_ERR_SERVICE, MPI_ERR_SPAWN, MPI_ERR_UNSUPPORTED_DATAREP,
        MPI_ERR_UNSUPPORTED_OPERATION, MPI_ERR_WIN, MPI_ERR_BASE, MPI_ERR_LOCKTYPE,
        MPI_ERR_KEYVAL, MPI_ERR_RMA_CONFLICT, MPI_ERR_RMA_SYNC, MPI_ERR_SIZE, MPI_ERR_DISP,
        MPI_ERR_ASSERT, MPI_ERR_RMA_RANGE, MPI_ERR_RMA_ATTACH, MPI_ERR_RMA_SHARED,
        MPI_ERR_RMA_FLAVOR, MPI_T_ERR_MEMORY, MPI_T_ERR_INVALID, MPI_ERR_SESSION,
        MPI_ERR_PROC_ABORTED, MPI_ERR_VALUE_TOO_LARGE, MPI_T_ERR_NOT_SUPPORTED,
        MPI_ERR_ERRHANDLER,
    };
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        ck_assert_msg(tn_err_is_valid(classes[i]), "class %d", classes[i]);
        ck_assert_int_eq(tn_err_class(classes[i]), classes[i]);
        ck_assert_str_ne(tn_err_string(classes[i]), "Unknown error code");
    }
    ck_assert(!tn_err_is_valid(54)); /* unused by MPICH */
    ck_assert(!tn_err_is_valid(-5));
}
END_TEST

START_TEST(user_classes_and_codes)
{
    int cls, cls2, code, code2, cls_other;
    ck_assert_int_ge(tn_err_lastused(), MPI_ERR_LASTCODE);
    ck_assert_int_eq(tn_err_add_class(&cls), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_add_class(&cls2), MPI_SUCCESS);
    ck_assert_int_ne(cls, cls2);
    ck_assert_int_eq(tn_err_class(cls), cls);
    ck_assert_int_ge(tn_err_lastused(), cls2);

    ck_assert_int_eq(tn_err_add_code(cls, &code), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_add_code(MPI_ERR_OTHER, &cls_other), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_add_code(cls, &code2), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_class(code), cls);
    ck_assert_int_eq(tn_err_class(code2), cls);
    ck_assert_int_eq(tn_err_class(cls_other), MPI_ERR_OTHER);
    ck_assert_int_ge(tn_err_lastused(), code2);

    /* No string yet: the empty string, as the standard says. */
    ck_assert_str_eq(tn_err_string(code), "");
    ck_assert_int_eq(tn_err_set_string(code, "my code"), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_set_string(cls, "my class"), MPI_SUCCESS);
    ck_assert_str_eq(tn_err_string(code), "my code");
    ck_assert_str_eq(tn_err_string(cls), "my class");
    ck_assert_int_eq(tn_err_set_string(code, "replaced"), MPI_SUCCESS);
    ck_assert_str_eq(tn_err_string(code), "replaced");

    /* Strings of predefined codes are fixed; a code needs an existing class. */
    ck_assert_int_eq(tn_err_class(tn_err_set_string(MPI_ERR_ARG, "no")), MPI_ERR_ARG);
    ck_assert_int_eq(tn_err_class(tn_err_add_code(code, &code2)), MPI_ERR_ARG);
    ck_assert_int_eq(tn_err_class(tn_err_add_code(54, &code2)), MPI_ERR_ARG);
}
END_TEST

START_TEST(remove_user_codes)
{
    int cls, code;
    ck_assert_int_eq(tn_err_add_class(&cls), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_add_code(cls, &code), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_set_string(code, "s"), MPI_SUCCESS);
    /* A class with codes can not go; a code is not a class. */
    ck_assert_int_eq(tn_err_class(tn_err_remove(cls, TN_ERR_REMOVE_CLASS)), MPI_ERR_ARG);
    ck_assert_int_eq(tn_err_class(tn_err_remove(code, TN_ERR_REMOVE_CLASS)), MPI_ERR_ARG);
    ck_assert_int_eq(tn_err_remove(code, TN_ERR_REMOVE_STRING), MPI_SUCCESS);
    ck_assert_str_eq(tn_err_string(code), "");
    ck_assert_int_eq(tn_err_class(tn_err_remove(code, TN_ERR_REMOVE_STRING)), MPI_ERR_ARG);
    ck_assert_int_eq(tn_err_remove(code, TN_ERR_REMOVE_CODE), MPI_SUCCESS);
    ck_assert(!tn_err_is_valid(code));
    ck_assert_int_eq(tn_err_remove(cls, TN_ERR_REMOVE_CLASS), MPI_SUCCESS);
    ck_assert(!tn_err_is_valid(cls));
    ck_assert_int_eq(tn_err_class(tn_err_remove(MPI_ERR_ARG, TN_ERR_REMOVE_CLASS)), MPI_ERR_ARG);
}
END_TEST

START_TEST(user_class_set_is_passed_through)
{
    int cls;
    ck_assert_int_eq(tn_err_add_class(&cls), MPI_SUCCESS);
    ck_assert_int_eq(tn_err_set(cls, "ignored"), cls);
    ck_assert_int_eq(tn_err_set(MPI_SUCCESS, "ignored"), MPI_SUCCESS);
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, set_records_message);
    tcase_add_test(tc, codes_are_distinct);
    tcase_add_test(tc, ring_overwrite_falls_back_to_class_text);
    tcase_add_test(tc, long_message_truncated);
    tcase_add_test(tc, every_class_has_text);
    tcase_add_test(tc, user_classes_and_codes);
    tcase_add_test(tc, remove_user_codes);
    tcase_add_test(tc, user_class_set_is_passed_through);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(error_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
