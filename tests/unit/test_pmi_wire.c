/* PMI-1 wire parsing/building (src/pmi/pmi_wire.c) and the hex codec
 * (src/pmi/pmi_codec.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "pmi/pmi.h"
#include "pmi/pmi_wire.h"

/* Parses a copy of text; returns the parser's result and keeps the message. */
static char line[TN_PMI_WIRE_LINE_MAX];
static tn_pmi_msg_t msg;
static const char *why;

static int parse(const char *text)
{
    snprintf(line, sizeof line, "%s", text);
    why = NULL;
    return tn_pmi_wire_parse(line, &msg, &why);
}

static void expect_malformed(const char *text, const char *reason_part)
{
    ck_assert_int_eq(parse(text), -1);
    ck_assert_ptr_nonnull(why);
    ck_assert_msg(strstr(why, reason_part), "'%s': reason '%s' lacks '%s'", text, why, reason_part);
}

START_TEST(parse_put)
{
    ck_assert_int_eq(parse("cmd=put kvsname=kvs_1 key=addr-3 value=00ff\n"), 0);
    ck_assert_str_eq(msg.cmd, "put");
    ck_assert_int_eq(msg.nargs, 3);
    ck_assert_str_eq(tn_pmi_wire_find(&msg, "kvsname"), "kvs_1");
    ck_assert_str_eq(tn_pmi_wire_find(&msg, "key"), "addr-3");
    ck_assert_str_eq(tn_pmi_wire_find(&msg, "value"), "00ff");
    ck_assert_ptr_null(tn_pmi_wire_find(&msg, "rc"));
}
END_TEST

START_TEST(parse_spacing)
{
    ck_assert_int_eq(parse("  cmd=barrier_out   rc=0  \r\n"), 0);
    ck_assert_str_eq(msg.cmd, "barrier_out");
    ck_assert_int_eq(msg.nargs, 1);
    ck_assert_str_eq(tn_pmi_wire_find(&msg, "rc"), "0");
    ck_assert_int_eq(parse("cmd=finalize"), 0); /* no newline, no arguments */
    ck_assert_str_eq(msg.cmd, "finalize");
    ck_assert_int_eq(msg.nargs, 0);
}
END_TEST

START_TEST(parse_value_with_equals)
{
    /* only the first '=' separates; mapping values hold commas and parentheses */
    ck_assert_int_eq(parse("cmd=get_result rc=0 value=a=b,(vector,(0,1,4))"), 0);
    ck_assert_str_eq(tn_pmi_wire_find(&msg, "value"), "a=b,(vector,(0,1,4))");
}
END_TEST

START_TEST(parse_unknown_command)
{
    /* any command name parses; deciding what to do with it is the server's job */
    ck_assert_int_eq(parse("cmd=frobnicate x=1"), 0);
    ck_assert_str_eq(msg.cmd, "frobnicate");
}
END_TEST

START_TEST(malformed_lines)
{
    expect_malformed("", "empty");
    expect_malformed("   \n", "empty");
    expect_malformed("cmd", "no '='");
    expect_malformed("cmd=put key", "no '='");
    expect_malformed("put key=a", "no '='");
    expect_malformed("key=a cmd=put", "does not start with cmd=");
    expect_malformed("mcmd=spawn nprocs=2", "does not start with cmd=");
    expect_malformed("cmd=put =value", "empty key");
    expect_malformed("cmd=put key=", "empty value");
    expect_malformed("cmd=", "empty value");
    expect_malformed("cmd=put k!y=1", "character");
    expect_malformed("cmd=put key=a key=b", "twice");
    expect_malformed("cmd=put cmd=get", "twice");
    /* PMI-1 has no quoting: a space ends a value */
    expect_malformed("cmd=abort exitcode=1 message=it broke", "no '='");
}
END_TEST

START_TEST(key_length)
{
    char text[128], key[TN_PMI_WIRE_NAME_MAX + 1];
    memset(key, 'k', sizeof key - 1);
    key[TN_PMI_WIRE_NAME_MAX - 1] = '\0'; /* longest allowed */
    snprintf(text, sizeof text, "cmd=x %s=1", key);
    ck_assert_int_eq(parse(text), 0);
    key[TN_PMI_WIRE_NAME_MAX - 1] = 'k';
    key[TN_PMI_WIRE_NAME_MAX] = '\0';
    snprintf(text, sizeof text, "cmd=x %s=1", key);
    expect_malformed(text, "key is too long");
}
END_TEST

START_TEST(value_length)
{
    static char text[TN_PMI_WIRE_LINE_MAX];
    int n = snprintf(text, sizeof text, "cmd=put key=a value=");
    memset(text + n, 'v', TN_PMI_VALUE_MAX - 1);
    text[n + TN_PMI_VALUE_MAX - 1] = '\0';
    ck_assert_int_eq(parse(text), 0);
    ck_assert_uint_eq(strlen(tn_pmi_wire_find(&msg, "value")), TN_PMI_VALUE_MAX - 1);
    text[n + TN_PMI_VALUE_MAX - 1] = 'v';
    text[n + TN_PMI_VALUE_MAX] = '\0';
    expect_malformed(text, "value is too long");
}
END_TEST

START_TEST(too_many_args)
{
    char text[512];
    int n = snprintf(text, sizeof text, "cmd=x");
    for (int i = 0; i < TN_PMI_WIRE_ARGS_MAX; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, " k%d=%d", i, i);
    ck_assert_int_eq(parse(text), 0);
    ck_assert_int_eq(msg.nargs, TN_PMI_WIRE_ARGS_MAX);
    snprintf(text + n, sizeof text - (size_t)n, " one=more");
    expect_malformed(text, "too many");
}
END_TEST

START_TEST(int_values)
{
    int v = 42;
    ck_assert_int_eq(parse("cmd=r rc=-1 size=16 bad=12x big=99999999999 empty=x"), 0);
    ck_assert_int_eq(tn_pmi_wire_int(&msg, "rc", &v), 0);
    ck_assert_int_eq(v, -1);
    ck_assert_int_eq(tn_pmi_wire_int(&msg, "size", &v), 0);
    ck_assert_int_eq(v, 16);
    ck_assert_int_eq(tn_pmi_wire_int(&msg, "bad", &v), -1);
    ck_assert_int_eq(tn_pmi_wire_int(&msg, "big", &v), -1);
    ck_assert_int_eq(tn_pmi_wire_int(&msg, "empty", &v), -1);
    ck_assert_int_eq(tn_pmi_wire_int(&msg, "absent", &v), -1);
    ck_assert_int_eq(v, 16); /* untouched by the failures */
}
END_TEST

START_TEST(build_line)
{
    tn_pmi_line_t l;
    const char *err = NULL;
    tn_pmi_wire_start(&l, "put");
    tn_pmi_wire_add(&l, "kvsname", "kvs_7");
    tn_pmi_wire_add(&l, "key", "k");
    tn_pmi_wire_add_int(&l, "rc", -3);
    ck_assert_int_eq(tn_pmi_wire_finish(&l, &err), 0);
    ck_assert_str_eq(l.buf, "cmd=put kvsname=kvs_7 key=k rc=-3\n");
    ck_assert_uint_eq(l.len, strlen(l.buf));

    /* what is built parses back */
    ck_assert_int_eq(parse(l.buf), 0);
    ck_assert_str_eq(msg.cmd, "put");
    ck_assert_str_eq(tn_pmi_wire_find(&msg, "rc"), "-3");
}
END_TEST

START_TEST(build_rejects_bad_values)
{
    const char *bad[] = {"two words", "", "new\nline", "tab\there"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tn_pmi_line_t l;
        const char *err = NULL;
        tn_pmi_wire_start(&l, "put");
        tn_pmi_wire_add(&l, "value", bad[i]);
        ck_assert_int_eq(tn_pmi_wire_finish(&l, &err), -1);
        ck_assert_ptr_nonnull(err);
    }
    ck_assert_int_eq(tn_pmi_wire_value_ok("abc"), 1);
    ck_assert_int_eq(tn_pmi_wire_value_ok("a b"), 0);
}
END_TEST

START_TEST(build_overflow)
{
    static char value[TN_PMI_VALUE_MAX];
    memset(value, 'v', sizeof value - 1);
    tn_pmi_line_t l;
    const char *err = NULL;
    tn_pmi_wire_start(&l, "put");
    for (int i = 0; i < 5; i++) /* five values of 1023 bytes exceed 4096 */
        tn_pmi_wire_add(&l, "value", value);
    ck_assert_int_eq(tn_pmi_wire_finish(&l, &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "too long"));
    ck_assert_uint_lt(l.len, sizeof l.buf);
}
END_TEST

START_TEST(hex_round_trip)
{
    unsigned char data[256], back[256];
    char hex[2 * sizeof data + 1];
    for (int i = 0; i < 256; i++)
        data[i] = (unsigned char)i;
    ck_assert_int_eq(tn_pmi_encode(data, sizeof data, hex, sizeof hex), MPI_SUCCESS);
    ck_assert_uint_eq(strlen(hex), 2 * sizeof data);
    ck_assert(strncmp(hex, "000102", 6) == 0);
    ck_assert_str_eq(hex + 2 * 255, "ff");
    ck_assert_int_eq(tn_pmi_wire_value_ok(hex + 2 * 128), 1); /* usable as a PMI value */

    size_t len = sizeof back;
    ck_assert_int_eq(tn_pmi_decode(hex, back, &len), MPI_SUCCESS);
    ck_assert_uint_eq(len, sizeof data);
    ck_assert(memcmp(data, back, sizeof data) == 0);

    len = 2;
    ck_assert_int_eq(tn_pmi_decode("aBcD", back, &len), MPI_SUCCESS); /* either case */
    ck_assert_uint_eq(len, 2);
    ck_assert_int_eq(back[0], 0xab);
    ck_assert_int_eq(back[1], 0xcd);

    len = 0;
    ck_assert_int_eq(tn_pmi_encode(data, 0, hex, 1), MPI_SUCCESS);
    ck_assert_str_eq(hex, "");
    ck_assert_int_eq(tn_pmi_decode("", back, &len), MPI_SUCCESS);
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(hex_errors)
{
    unsigned char back[4] = {9, 9, 9, 9};
    char hex[8] = "keep";
    ck_assert_int_ne(tn_pmi_encode("abcd", 4, hex, 8), MPI_SUCCESS); /* needs 9 */
    ck_assert_str_eq(hex, "keep");

    const char *bad[] = {"abc", "zz", "0g", "12 4"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = sizeof back;
        ck_assert_int_ne(tn_pmi_decode(bad[i], back, &len), MPI_SUCCESS);
        ck_assert_uint_eq(len, sizeof back);
    }
    size_t len = 1;
    ck_assert_int_ne(tn_pmi_decode("0102", back, &len), MPI_SUCCESS); /* no room */
    ck_assert_uint_eq(len, 1);
    ck_assert_int_eq(back[0], 9); /* nothing written on failure */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pmi_wire");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, parse_put);
    tcase_add_test(tc, parse_spacing);
    tcase_add_test(tc, parse_value_with_equals);
    tcase_add_test(tc, parse_unknown_command);
    tcase_add_test(tc, malformed_lines);
    tcase_add_test(tc, key_length);
    tcase_add_test(tc, value_length);
    tcase_add_test(tc, too_many_args);
    tcase_add_test(tc, int_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("build");
    tcase_add_test(tc, build_line);
    tcase_add_test(tc, build_rejects_bad_values);
    tcase_add_test(tc, build_overflow);
    suite_add_tcase(s, tc);
    tc = tcase_create("hex");
    tcase_add_test(tc, hex_round_trip);
    tcase_add_test(tc, hex_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
