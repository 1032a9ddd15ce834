/* The matching engine: wildcards, ordering, the unexpected queue, cancel. */
#include <check.h>
#include <stdlib.h>
#include "p2p/proto.h"

static tn_request_t *posted(uint16_t ctx, int src, int tag)
{
    tn_request_t *r = calloc(1, sizeof(*r));
    r->context_id = ctx;
    r->peer = src;
    r->tag = tag;
    tn_match_post(r);
    return r;
}

static tn_p2p_match_hdr_t hdr(uint16_t ctx, int src, int tag)
{
    return (tn_p2p_match_hdr_t){.context_id = ctx, .src = src, .tag = tag};
}

static struct tn_p2p_msg *unexpected(uint16_t ctx, int src, int tag, uint64_t id)
{
    struct tn_p2p_msg *m = calloc(1, sizeof(*m));
    m->hdr = hdr(ctx, src, tag);
    m->hdr.sreq = id;
    tn_match_add_unexpected(m);
    return m;
}

START_TEST(posted_in_order_of_posting)
{
    tn_request_t *a = posted(0, 1, 5), *b = posted(0, 1, 5);
    tn_p2p_match_hdr_t h = hdr(0, 1, 5);
    ck_assert_ptr_eq(tn_match_posted(&h), a);
    ck_assert_ptr_eq(tn_match_posted(&h), b);
    ck_assert_ptr_null(tn_match_posted(&h));
    free(a), free(b);
}
END_TEST

START_TEST(wildcards_match_any_source_and_tag)
{
    tn_request_t *any_src = posted(4, MPI_ANY_SOURCE, 7), *any_tag = posted(4, 2, MPI_ANY_TAG);
    tn_p2p_match_hdr_t h1 = hdr(4, 3, 7), h2 = hdr(4, 2, 99), h3 = hdr(4, 3, 8);
    ck_assert_ptr_null(tn_match_posted(&h3));
    ck_assert_ptr_eq(tn_match_posted(&h2), any_tag);
    ck_assert_ptr_eq(tn_match_posted(&h1), any_src);
    free(any_src), free(any_tag);
}
END_TEST

START_TEST(any_tag_never_matches_negative_internal_tags)
{
    tn_request_t *r = posted(6, 0, MPI_ANY_TAG);
    tn_p2p_match_hdr_t h = hdr(6, 0, -5);
    ck_assert_ptr_null(tn_match_posted(&h));
    ck_assert(tn_match_cancel(r));
    free(r);
}
END_TEST

START_TEST(contexts_are_isolated)
{
    tn_request_t *r = posted(2, 0, 1);
    tn_p2p_match_hdr_t other = hdr(66, 0, 1), same = hdr(2, 0, 1); /* 66 shares 2's bucket */
    ck_assert_ptr_null(tn_match_posted(&other));
    ck_assert_ptr_eq(tn_match_posted(&same), r);
    free(r);
}
END_TEST

START_TEST(earlier_wildcard_receive_wins)
{
    tn_request_t *wild = posted(8, MPI_ANY_SOURCE, MPI_ANY_TAG), *exact = posted(8, 1, 1);
    tn_p2p_match_hdr_t h = hdr(8, 1, 1);
    ck_assert_ptr_eq(tn_match_posted(&h), wild);
    ck_assert_ptr_eq(tn_match_posted(&h), exact);
    free(wild), free(exact);
}
END_TEST

START_TEST(unexpected_in_arrival_order)
{
    unexpected(10, 1, 3, 1);
    unexpected(10, 2, 3, 2);
    unexpected(10, 1, 4, 3);
    struct tn_p2p_msg *m = tn_match_unexpected(10, 1, MPI_ANY_TAG, 0);
    ck_assert_uint_eq(m->hdr.sreq, 1); /* probe leaves it in place */
    m = tn_match_unexpected(10, MPI_ANY_SOURCE, 3, 1);
    ck_assert_uint_eq(m->hdr.sreq, 1);
    free(m);
    m = tn_match_unexpected(10, MPI_ANY_SOURCE, 3, 1);
    ck_assert_uint_eq(m->hdr.sreq, 2);
    free(m);
    ck_assert_ptr_null(tn_match_unexpected(10, 2, MPI_ANY_TAG, 1));
    m = tn_match_unexpected(10, MPI_ANY_SOURCE, MPI_ANY_TAG, 1);
    ck_assert_uint_eq(m->hdr.sreq, 3);
    free(m);
    ck_assert_ptr_null(tn_match_unexpected(10, MPI_ANY_SOURCE, MPI_ANY_TAG, 1));
}
END_TEST

START_TEST(unexpected_tail_survives_removal_of_last)
{
    unexpected(12, 0, 0, 1);
    struct tn_p2p_msg *m = tn_match_unexpected(12, 0, 0, 1);
    free(m);
    unexpected(12, 0, 0, 2);
    unexpected(12, 0, 0, 3);
    m = tn_match_unexpected(12, 0, 0, 1);
    ck_assert_uint_eq(m->hdr.sreq, 2);
    free(m);
    m = tn_match_unexpected(12, 0, 0, 1);
    ck_assert_uint_eq(m->hdr.sreq, 3);
    free(m);
}
END_TEST

START_TEST(cancel_removes_only_posted)
{
    tn_request_t *a = posted(14, 0, 0), *b = posted(14, 0, 0), *c = posted(14, 0, 0);
    ck_assert(tn_match_cancel(b));
    ck_assert(!tn_match_cancel(b));
    tn_p2p_match_hdr_t h = hdr(14, 0, 0);
    ck_assert_ptr_eq(tn_match_posted(&h), a);
    ck_assert_ptr_eq(tn_match_posted(&h), c);
    ck_assert(!tn_match_cancel(a));
    free(a), free(b), free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, posted_in_order_of_posting);
    tcase_add_test(tc, wildcards_match_any_source_and_tag);
    tcase_add_test(tc, any_tag_never_matches_negative_internal_tags);
    tcase_add_test(tc, contexts_are_isolated);
    tcase_add_test(tc, earlier_wildcard_receive_wins);
    tcase_add_test(tc, unexpected_in_arrival_order);
    tcase_add_test(tc, unexpected_tail_survives_removal_of_last);
    tcase_add_test(tc, cancel_removes_only_posted);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
