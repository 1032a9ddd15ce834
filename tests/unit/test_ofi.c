/* The libfabric provider over libfabric's tcp (tcp;ofi_rxm) and shm providers,
 * one test case each; a case whose provider is not usable here says so and
 * passes. Instances of one world live in one process and are progressed in
 * turn. No sleeps: every wait loops progress until a condition holds, with a
 * generous cap.
 *
 * Closing: an instance waits for its BYEs to be delivered or for its peers'
 * BYEs. Over tcp, instances are closed one after the other: the first one's
 * BYE completes at once, and the next one finds it and needs to send none.
 * libfabric shm (1.17) reaches an endpoint of the same process through that
 * endpoint's own memory, and crashes once it is closed; so over shm each
 * instance but the first is closed in a child process of its own, like the
 * separate ranks they stand for, and a closed peer is tried over tcp only. */
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mpi.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/ofi/ofi.h"

#define MAXI 3
#define CAP 20000000L /* progress rounds before a wait gives up */
#define KEYLEN 16
#define EAGER (16 * 1024)

typedef struct th { /* the p2p-like header every test message carries */
    uint32_t seq;
    uint32_t src;
    uint64_t pad[3];
} th_t;

typedef struct inst {
    tn_tp_t *tp;
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t bloblen;
    uint8_t key[KEYLEN];
    tn_am_handler_t h[TN_AM_MAX];
    uint32_t expect[MAXI]; /* next seq from each source */
    long got;
} inst_t;

static inst_t g[MAXI];
static tn_tp_t *left_alone[MAXI]; /* instances closed in a child (teardown) */
static int nopen;

/* The progress engine is not linked in: its hook records the last report. */
static int lost_peer = -1, lost_code;
void tn_progress_peer_lost(int peer, int code)
{
    lost_peer = peer;
    lost_code = code;
}
static const char *prov; /* the libfabric provider of the running case */
static int usable;

typedef struct counted {
    tn_tp_completion_t c;
    int calls, status;
} counted_t;

static void counted_cb(tn_tp_completion_t *c, int status)
{
    counted_t *k = (counted_t *)c;
    k->calls++;
    if (status != MPI_SUCCESS)
        k->status = status;
}

static uint8_t pat(int src, uint32_t seq, size_t i)
{
    return (uint8_t)(src * 29u + seq * 13u + i + (i >> 11));
}

static void fill(uint8_t *b, size_t len, int src, uint32_t seq)
{
    for (size_t i = 0; i < len; i++)
        b[i] = pat(src, seq, i);
}

static void on_deliver(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                       size_t len)
{
    inst_t *in = arg;
    th_t h;

    ck_assert_uint_eq(hdr_len, sizeof(h));
    memcpy(&h, hdr, sizeof(h));
    ck_assert_int_eq((int)h.src, peer);
    ck_assert_msg(h.seq == in->expect[peer], "from %d: got seq %u, expected %u", peer, h.seq,
                  in->expect[peer]);
    ck_assert_ptr_nonnull(data);
    for (size_t i = 0; i < len; i++)
        if (((const uint8_t *)data)[i] != pat(peer, h.seq, i))
            ck_abort_msg("byte %zu of message %u from %d is wrong", i, h.seq, peer);
    in->expect[peer]++;
    in->got++;
}

static int peer_addr(void *arg, int peer, void *buf, size_t *len)
{
    (void)arg;
    ck_assert_uint_le(g[peer].bloblen, *len);
    memcpy(buf, g[peer].blob, g[peer].bloblen);
    *len = g[peer].bloblen;
    return MPI_SUCCESS;
}

static void open_inst(int i, int n)
{
    inst_t *in = &g[i];
    tn_tp_params_t p = {
        .rank = i,
        .size = n,
        .job_key = in->key,
        .job_key_len = KEYLEN,
        .handlers = in->h,
        .handler_arg = in,
        .peer_addr = peer_addr,
    };
    int rc;

    in->h[0].deliver = on_deliver;
    in->h[3].deliver = on_deliver;
    rc = tn_ofi_ops.open(&p, &in->tp);
    ck_assert_msg(rc == MPI_SUCCESS, "open: %s", tn_err_string(rc));
    in->bloblen = sizeof(in->blob);
    rc = tn_ofi_ops.addr(in->tp, in->blob, &in->bloblen);
    ck_assert_int_eq(rc, MPI_SUCCESS);
}

static void open_world(int n)
{
    for (int i = 0; i < n; i++)
        memset(g[i].key, 0x5a, KEYLEN);
    for (int i = 0; i < n; i++)
        open_inst(i, n);
    nopen = n;
}

static void setup(const char *name)
{
    struct fi_info *info;
    const char *why;

    memset(g, 0, sizeof(g));
    nopen = 0;
    tn_config.ofi_provider = prov = name;
    tn_config.ofi_eager_max = EAGER;
    tn_config.spin_count = 1;
    usable = tn_ofi_pick(&info, &why);
    if (usable)
        tn_ofi_lib.freeinfo(info);
    else
        fprintf(stderr, "test_ofi: libfabric %s not usable here, case skipped: %s\n", name, why);
}

static void setup_tcp(void)
{
    setup("tcp");
}

static void setup_shm(void)
{
    setup("shm");
}

static void close_inst(inst_t *in)
{
    tn_ofi_ops.close(in->tp);
    in->tp = NULL;
}

static void teardown(void)
{
    pid_t kid[MAXI] = {0};

    for (int i = 1; i < nopen && strcmp(prov, "shm") == 0; i++) {
        if (!g[i].tp)
            continue;
        kid[i] = fork();
        ck_assert_int_ge(kid[i], 0);
        if (kid[i] == 0) {
            close_inst(&g[i]);
            _exit(0);
        }
        /* closed there; this copy is left alone, but kept reachable so that
         * LeakSanitizer does not report it */
        left_alone[i] = g[i].tp;
        g[i].tp = NULL;
    }
    for (int i = 0; i < nopen; i++)
        if (g[i].tp)
            close_inst(&g[i]);
    for (int i = 1; i < nopen; i++) {
        int status;
        if (kid[i] > 0)
            ck_assert_msg(waitpid(kid[i], &status, 0) == kid[i] && WIFEXITED(status) &&
                              WEXITSTATUS(status) == 0,
                          "closing instance %d failed", i);
    }
}

#define NEED_PROVIDER()                                                                            \
    do {                                                                                           \
        if (!usable)                                                                               \
            return;                                                                                \
    } while (0)

/* One progress pass over every open instance; a failure fails the test. */
static void pump(void)
{
    for (int i = 0; i < nopen; i++) {
        if (!g[i].tp)
            continue;
        int n = g[i].tp->ops->progress(g[i].tp);
        ck_assert_msg(n >= 0, "progress of %d: %s", i, tn_err_string(-n));
    }
}

#define WAIT_FOR(cond)                                                                             \
    do {                                                                                           \
        long rounds_ = 0;                                                                          \
        while (!(cond)) {                                                                          \
            ck_assert_msg(++rounds_ < CAP, "gave up waiting for " #cond);                          \
            pump();                                                                                \
        }                                                                                          \
    } while (0)

static uint32_t sent[MAXI][MAXI];

/* Sends message number sent[from][to] of len bytes on am id 0. */
static int send_msg(int from, int to, size_t len, tn_tp_completion_t *comp, uint8_t *buf)
{
    th_t h = {.seq = sent[from][to], .src = (uint32_t)from};
    struct iovec iov = {buf, len};
    fill(buf, len, from, h.seq);
    int rc = g[from].tp->ops->am_send(g[from].tp, to, 0, &h, sizeof(h), &iov, len ? 1 : 0, comp);
    if (rc == MPI_SUCCESS)
        sent[from][to]++;
    return rc;
}

static uint8_t *big_alloc(size_t len)
{
    uint8_t *p = malloc(len);
    ck_assert_ptr_nonnull(p);
    return p;
}

START_TEST(messages_in_order)
{
    static const size_t sizes[] = {0, 1, 8, 24, 100, 1000, 4096, 4097, 9000, EAGER};
    enum { N = 3000 };
    static counted_t done[2][N];
    static uint8_t *bufs[2][N];

    NEED_PROVIDER();
    open_world(2);
    ck_assert_uint_ge(g[0].tp->hdr_max, 160);
    ck_assert_uint_eq(g[0].tp->eager_max, EAGER);
    ck_assert(g[0].tp->caps & TN_TP_CAP_GET);
    for (int i = 0; i < N; i++) {
        for (int from = 0; from < 2; from++) {
            done[from][i].c.cb = counted_cb;
            bufs[from][i] = big_alloc(sizes[i % 10] + 1);
            int rc = send_msg(from, 1 - from, sizes[i % 10], &done[from][i].c, bufs[from][i]);
            ck_assert_msg(rc == MPI_SUCCESS, "am_send: %s", tn_err_string(rc));
        }
        if (i % 64 == 0)
            pump();
    }
    WAIT_FOR(g[0].got == N && g[1].got == N);
    for (int from = 0; from < 2; from++)
        for (int i = 0; i < N; i++) {
            WAIT_FOR(done[from][i].calls > 0);
            ck_assert_int_eq(done[from][i].calls, 1);
            ck_assert_int_eq(done[from][i].status, MPI_SUCCESS);
            free(bufs[from][i]);
        }
    WAIT_FOR(g[0].tp->ops->flush(g[0].tp) && g[1].tp->ops->flush(g[1].tp));
}
END_TEST

START_TEST(sends_without_completion_copy_the_payload)
{
    static const size_t sizes[] = {0, 16, 3000, EAGER};
    uint8_t *buf = malloc(EAGER);

    NEED_PROVIDER();
    open_world(2);
    for (int r = 0; r < 200; r++) {
        size_t len = sizes[r % 4];
        ck_assert_int_eq(send_msg(0, 1, len, NULL, buf), MPI_SUCCESS);
        memset(buf, 0xee, EAGER); /* the provider must have its own copy by now */
    }
    WAIT_FOR(g[1].got == 200);
    free(buf);
}
END_TEST

/* Far more sends than the provider queues take, before the receiver runs:
 * refused posts wait in order and nothing is lost. */
START_TEST(many_sends_queue_in_order)
{
    enum { N = 20000, LEN = 6000 };
    uint8_t *buf = malloc(LEN);

    NEED_PROVIDER();
    open_world(2);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(send_msg(0, 1, i % 2 ? LEN : 8, NULL, buf), MPI_SUCCESS);
    WAIT_FOR(g[1].got == N);
    WAIT_FOR(g[0].tp->ops->flush(g[0].tp));
    free(buf);
}
END_TEST

START_TEST(large_get_and_put)
{
    const size_t len = 64u << 20;
    uint8_t *src = big_alloc(len), *dst = big_alloc(len);
    uint8_t rkey[TN_TP_RKEY_MAX], lkey[TN_TP_RKEY_MAX];
    size_t rkey_len = sizeof(rkey), lkey_len = sizeof(lkey);
    struct tn_tp_mr *rmr, *lmr;
    counted_t c = {.c.cb = counted_cb};
    tn_tp_t *a, *b;

    NEED_PROVIDER();
    open_world(2);
    a = g[0].tp;
    b = g[1].tp;
    fill(src, len, 1, 7);
    memset(dst, 0, len);
    ck_assert_int_eq(b->ops->mem_reg(b, src, len, &rmr, rkey, &rkey_len), MPI_SUCCESS);
    ck_assert_int_eq(a->ops->mem_reg(a, dst, len, &lmr, lkey, &lkey_len), MPI_SUCCESS);
    ck_assert_int_eq(a->ops->get(a, 1, dst, len, lmr, rkey, rkey_len, 0, &c.c), MPI_SUCCESS);
    WAIT_FOR(c.calls);
    ck_assert_msg(c.status == MPI_SUCCESS, "get: %s", tn_err_string(c.status));
    ck_assert(memcmp(src, dst, len) == 0);

    /* a piece from an offset */
    memset(dst, 0, len);
    c.calls = 0;
    ck_assert_int_eq(a->ops->get(a, 1, dst + 3, 1000001, lmr, rkey, rkey_len, 12345, &c.c),
                     MPI_SUCCESS);
    WAIT_FOR(c.calls);
    ck_assert_int_eq(c.status, MPI_SUCCESS);
    ck_assert(memcmp(src + 12345, dst + 3, 1000001) == 0);
    ck_assert_uint_eq(dst[2], 0);
    ck_assert_uint_eq(dst[3 + 1000001], 0);

    if (a->caps & TN_TP_CAP_PUT) { /* and back into the peer's region */
        fill(dst, len, 0, 9);
        c.calls = 0;
        ck_assert_int_eq(a->ops->put(a, 1, dst, len, lmr, rkey, rkey_len, 0, &c.c),
                         MPI_SUCCESS);
        WAIT_FOR(c.calls);
        ck_assert_int_eq(c.status, MPI_SUCCESS);
        ck_assert(memcmp(src, dst, len) == 0);
    }
    ck_assert_int_eq(a->ops->mem_dereg(a, lmr), MPI_SUCCESS);
    ck_assert_int_eq(b->ops->mem_dereg(b, rmr), MPI_SUCCESS);
    free(src);
    free(dst);
}
END_TEST

START_TEST(many_gets_at_once)
{
    enum { N = 200, LEN = 300000 };
    uint8_t *src = big_alloc((size_t)N * LEN), *dst = big_alloc((size_t)N * LEN);
    uint8_t rkey[TN_TP_RKEY_MAX], lkey[TN_TP_RKEY_MAX];
    size_t rkey_len = sizeof(rkey), lkey_len = sizeof(lkey);
    struct tn_tp_mr *rmr, *lmr;
    static counted_t c[N];
    tn_tp_t *a, *b;

    NEED_PROVIDER();
    open_world(2);
    a = g[0].tp;
    b = g[1].tp;
    fill(src, (size_t)N * LEN, 1, 3);
    memset(dst, 0, (size_t)N * LEN);
    ck_assert_int_eq(b->ops->mem_reg(b, src, (size_t)N * LEN, &rmr, rkey, &rkey_len),
                     MPI_SUCCESS);
    ck_assert_int_eq(a->ops->mem_reg(a, dst, (size_t)N * LEN, &lmr, lkey, &lkey_len),
                     MPI_SUCCESS);
    for (int i = 0; i < N; i++) {
        c[i] = (counted_t){.c.cb = counted_cb};
        ck_assert_int_eq(a->ops->get(a, 1, dst + (size_t)i * LEN, LEN, lmr, rkey, rkey_len,
                                     (uint64_t)i * LEN, &c[i].c),
                         MPI_SUCCESS);
    }
    for (int i = 0; i < N; i++) {
        WAIT_FOR(c[i].calls);
        ck_assert_int_eq(c[i].calls, 1);
        ck_assert_int_eq(c[i].status, MPI_SUCCESS);
    }
    ck_assert(memcmp(src, dst, (size_t)N * LEN) == 0);
    a->ops->mem_dereg(a, lmr);
    b->ops->mem_dereg(b, rmr);
    free(src);
    free(dst);
}
END_TEST

static int progress_rc(tn_tp_t *tp)
{
    int n = tp->ops->progress(tp);
    return n < 0 ? -n : MPI_SUCCESS;
}

/* An error message names the provider and the peer. */
static void check_error_text(int code, int peer)
{
    char who[16];
    const char *s = tn_err_string(code);

    snprintf(who, sizeof(who), "rank %d", peer);
    ck_assert_msg(strstr(s, "libfabric") && strstr(s, prov) && strstr(s, who),
                  "error text lacks provider or peer: %s", s);
}

START_TEST(get_with_a_bad_key_is_an_error)
{
    uint8_t *dst = big_alloc(1 << 20), lkey[TN_TP_RKEY_MAX];
    size_t lkey_len = sizeof(lkey);
    struct tn_tp_mr *lmr;
    tn_ofi_rkey_t bad = {.addr = 0x1000, .key = 0xdeadbeef};
    counted_t c = {.c.cb = counted_cb};
    tn_tp_t *a;
    int rc;

    NEED_PROVIDER();
    open_world(2);
    a = g[0].tp;
    ck_assert_int_eq(a->ops->mem_reg(a, dst, 1 << 20, &lmr, lkey, &lkey_len), MPI_SUCCESS);
    rc = a->ops->get(a, 1, dst, 1 << 20, lmr, &bad, sizeof(bad), 0, &c.c);
    for (long rounds = 0; rc == MPI_SUCCESS && !c.calls; rounds++) {
        rc = progress_rc(a); /* shm reports it without saying which read failed */
        if (rc == MPI_SUCCESS)
            rc = progress_rc(g[1].tp);
        ck_assert_msg(rounds < CAP, "a read with a bad key never fails");
    }
    if (c.calls) {
        rc = c.status;
        check_error_text(rc, 1);
    }
    ck_assert_int_ne(rc, MPI_SUCCESS);
    ck_assert_msg(strstr(tn_err_string(rc), prov), "%s", tn_err_string(rc));
    a->ops->mem_dereg(a, lmr);
    free(dst);
}
END_TEST

/* Once a peer is gone, reads from it and sends to it fail, with text naming
 * the provider and the peer, instead of hanging. (A send may still complete
 * before the transport notices; later ones fail.) */
START_TEST(a_closed_peer_is_an_error)
{
    uint8_t buf[100], rkey[TN_TP_RKEY_MAX], lkey[TN_TP_RKEY_MAX];
    size_t rkey_len = sizeof(rkey), lkey_len = sizeof(lkey);
    uint8_t *src, *dst;
    struct tn_tp_mr *rmr, *lmr;
    counted_t c = {.c.cb = counted_cb};
    tn_tp_t *a;
    int rc;

    NEED_PROVIDER();
    if (strcmp(prov, "tcp") != 0)
        return; /* see the top */
    src = big_alloc(1 << 20);
    dst = big_alloc(1 << 20);
    open_world(2);
    a = g[0].tp;
    ck_assert_int_eq(send_msg(0, 1, 100, NULL, buf), MPI_SUCCESS);
    WAIT_FOR(g[1].got == 1);
    ck_assert_int_eq(g[1].tp->ops->mem_reg(g[1].tp, src, 1 << 20, &rmr, rkey, &rkey_len),
                     MPI_SUCCESS);
    ck_assert_int_eq(a->ops->mem_reg(a, dst, 1 << 20, &lmr, lkey, &lkey_len), MPI_SUCCESS);
    g[1].tp->ops->mem_dereg(g[1].tp, rmr);
    close_inst(&g[1]);

    rc = a->ops->get(a, 1, dst, 1 << 20, lmr, rkey, rkey_len, 0, &c.c);
    for (long rounds = 0; rc == MPI_SUCCESS && !c.calls; rounds++) {
        rc = progress_rc(a);
        ck_assert_msg(rounds < CAP, "a read from a closed peer never fails");
    }
    if (rc == MPI_SUCCESS)
        rc = c.status;
    ck_assert_int_ne(rc, MPI_SUCCESS);
    check_error_text(rc, 1);
    /* the peer is lost: reported once, with text saying so */
    ck_assert_int_eq(lost_peer, 1);
    ck_assert_msg(strstr(tn_err_string(lost_code), "lost rank 1"), "%s",
                  tn_err_string(lost_code));

    /* every completion lands in c; an error sticks */
    c = (counted_t){.c.cb = counted_cb};
    rc = MPI_SUCCESS;
    for (long rounds = 0; rc == MPI_SUCCESS; rounds++) {
        rc = send_msg(0, 1, sizeof(buf), &c.c, buf);
        for (int i = 0; rc == MPI_SUCCESS && i < 100; i++)
            rc = progress_rc(a);
        if (rc == MPI_SUCCESS)
            rc = c.status;
        ck_assert_msg(rounds < 1000000, "sends to a closed peer never fail");
    }
    check_error_text(rc, 1);
    a->ops->mem_dereg(a, lmr);
    free(src);
    free(dst);
}
END_TEST

/* A rank with another job key is not heard; the sender's own peers are. */
START_TEST(other_jobs_are_not_heard)
{
    uint8_t buf[64];

    NEED_PROVIDER();
    memset(g[0].key, 1, KEYLEN);
    memset(g[1].key, 1, KEYLEN);
    memset(g[2].key, 2, KEYLEN);
    for (int i = 0; i < 3; i++)
        open_inst(i, 3);
    nopen = 3;
    ck_assert_int_eq(send_msg(2, 0, 10, NULL, buf), MPI_SUCCESS);
    ck_assert_int_eq(send_msg(2, 0, 10, NULL, buf), MPI_SUCCESS);
    ck_assert_int_eq(send_msg(1, 0, 10, NULL, buf), MPI_SUCCESS);
    WAIT_FOR(g[0].got == 1);
    WAIT_FOR(g[2].tp->ops->flush(g[2].tp));
    for (int i = 0; i < 1000; i++)
        pump();
    ck_assert_int_eq(g[0].got, 1);
    ck_assert_uint_eq(g[0].expect[2], 0);
}
END_TEST

START_TEST(bad_arguments)
{
    uint8_t hdr[TN_OFI_HDR_MAX + 1] = {0}, *big = big_alloc(EAGER + 1);
    struct iovec iov = {big, EAGER + 1};
    counted_t c = {.c.cb = counted_cb};
    tn_tp_t *a;
    int rc;

    NEED_PROVIDER();
    open_world(2);
    a = g[0].tp;
    ck_assert_int_ne(a->ops->am_send(a, 2, 0, hdr, 8, NULL, 0, NULL), MPI_SUCCESS);
    ck_assert_int_ne(a->ops->am_send(a, -1, 0, hdr, 8, NULL, 0, NULL), MPI_SUCCESS);
    ck_assert_int_ne(a->ops->am_send(a, 1, TN_AM_MAX, hdr, 8, NULL, 0, NULL), MPI_SUCCESS);
    ck_assert_int_ne(a->ops->am_send(a, 1, 0, hdr, sizeof(hdr), NULL, 0, NULL), MPI_SUCCESS);
    rc = a->ops->am_send(a, 1, 0, hdr, 8, &iov, 1, &c.c);
    ck_assert_int_ne(rc, MPI_SUCCESS);
    ck_assert_msg(strstr(tn_err_string(rc), "eager_max"), "%s", tn_err_string(rc));
    ck_assert_int_ne(a->ops->get(a, 1, big, 10, NULL, hdr, 3, 0, &c.c), MPI_SUCCESS);
    ck_assert_int_eq(c.calls, 0);
    free(big);
}
END_TEST

static int wrong_addr(void *arg, int peer, void *buf, size_t *len)
{
    tn_ofi_addr_t a;
    int rc = peer_addr(arg, peer, buf, len);

    memcpy(&a, buf, sizeof(a));
    strcpy(a.prov, "elsewhere");
    memcpy(buf, &a, sizeof(a));
    return rc;
}

START_TEST(a_peer_on_another_provider_is_named)
{
    uint8_t hdr[8] = {0};
    tn_ofi_t *a;
    int rc;

    NEED_PROVIDER();
    open_world(2);
    a = (tn_ofi_t *)g[0].tp;
    a->params.peer_addr = wrong_addr;
    rc = a->base.ops->am_send(&a->base, 1, 0, hdr, 8, NULL, 0, NULL);
    ck_assert_int_ne(rc, MPI_SUCCESS);
    ck_assert_msg(strstr(tn_err_string(rc), "elsewhere") && strstr(tn_err_string(rc), prov),
                  "%s", tn_err_string(rc));
}
END_TEST

/* When the provider has a wait fd: after progress has gone idle, a message on
 * its way makes the fd readable, and progress then delivers it. */
START_TEST(wait_fd_wakes_for_messages)
{
    uint8_t buf[64];
    tn_tp_t *b;
    long rounds = 0;

    NEED_PROVIDER();
    open_world(2);
    b = g[1].tp;
    if (b->wait_fd < 0)
        return;
    ck_assert_int_eq(send_msg(0, 1, 10, NULL, buf), MPI_SUCCESS); /* connects */
    WAIT_FOR(g[1].got == 1);
    while (b->ops->progress(b) != 0) /* idle: fi_trywait agreed */
        ck_assert(++rounds < CAP);
    ck_assert_int_eq(send_msg(0, 1, 10, NULL, buf), MPI_SUCCESS);
    for (rounds = 0;; rounds++) {
        struct pollfd p = {.fd = b->wait_fd, .events = POLLIN};
        ck_assert_int_ge(g[0].tp->ops->progress(g[0].tp), 0);
        if (poll(&p, 1, 0) == 1)
            break;
        ck_assert_msg(rounds < CAP, "wait fd never became readable");
    }
    WAIT_FOR(g[1].got == 2);
}
END_TEST

static TCase *make_case(const char *name, void (*setup_fn)(void))
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, setup_fn, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, messages_in_order);
    tcase_add_test(tc, sends_without_completion_copy_the_payload);
    tcase_add_test(tc, many_sends_queue_in_order);
    tcase_add_test(tc, large_get_and_put);
    tcase_add_test(tc, many_gets_at_once);
    tcase_add_test(tc, get_with_a_bad_key_is_an_error);
    tcase_add_test(tc, a_closed_peer_is_an_error);
    tcase_add_test(tc, other_jobs_are_not_heard);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, a_peer_on_another_provider_is_named);
    tcase_add_test(tc, wait_fd_wakes_for_messages);
    return tc;
}

int main(void)
{
    Suite *s = suite_create("ofi");
    SRunner *sr;
    int failed;

    suite_add_tcase(s, make_case("tcp", setup_tcp));
    suite_add_tcase(s, make_case("shm", setup_shm));
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
