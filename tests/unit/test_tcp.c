/* The TCP provider: instances of one world in one process, each progressed in
 * turn, plus raw sockets playing foreign or dying peers. No sleeps: every wait
 * loops progress until a condition holds, with a generous cap. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <mpi.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/tcp/tcp.h"

#define MAXI 3
#define CAP 5000000L /* progress rounds before a wait gives up */
#define KEYLEN 32

typedef struct th { /* the p2p-like header every test message carries */
    uint32_t seq;
    uint32_t src;
} th_t;

typedef struct inst {
    tn_tp_t *tp;
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t bloblen;
    uint8_t key[KEYLEN];
    tn_am_handler_t h[TN_AM_MAX];
    uint32_t expect[MAXI]; /* next seq from each source */
    long got;
    int verify; /* check payloads handed to deliver() */
    size_t last_len;
    int last_null;
    /* what place() hands out for am 1 */
    struct iovec piov[4];
    int piovcnt, place_calls;
} inst_t;

static inst_t g[MAXI];

/* The progress engine is not linked in: its hook records the last report. */
static int reported_peer = -1, lost_code;
void tn_progress_peer_lost(int peer, int code)
{
    reported_peer = peer;
    lost_code = code;
}
static uint32_t sent[MAXI][MAXI];
static const uint8_t job_key[KEYLEN] = "tern unit test job key 0123456";

typedef struct counted {
    tn_tp_completion_t c;
    int calls, status;
} counted_t;

static void counted_cb(tn_tp_completion_t *c, int status)
{
    counted_t *k = (counted_t *)c;
    k->calls++;
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

static void check_pat(const uint8_t *b, size_t len, int src, uint32_t seq, size_t off)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] != pat(src, seq, off + i))
            ck_abort_msg("byte %zu of message %u from %d is %u, not %u", off + i, seq, src, b[i],
                         pat(src, seq, off + i));
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
    in->expect[peer]++;
    in->got++;
    in->last_len = len;
    in->last_null = data == NULL;
    if (data && in->verify)
        check_pat(data, len, peer, h.seq, 0);
}

static int on_place(void *arg, int peer, const void *hdr, size_t hdr_len, size_t len,
                    const struct iovec **iov, int *iovcnt)
{
    inst_t *in = arg;
    (void)peer, (void)hdr, (void)hdr_len, (void)len;
    in->place_calls++;
    *iov = in->piov;
    *iovcnt = in->piovcnt;
    return 1;
}

static int on_noplace(void *arg, int peer, const void *hdr, size_t hdr_len, size_t len,
                      const struct iovec **iov, int *iovcnt)
{
    inst_t *in = arg;
    (void)peer, (void)hdr, (void)hdr_len, (void)len, (void)iov, (void)iovcnt;
    in->place_calls++;
    return 0;
}

static int peer_addr(void *arg, int peer, void *buf, size_t *len)
{
    (void)arg;
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
    in->h[1].deliver = on_deliver;
    in->h[1].place = on_place;
    in->h[2].deliver = on_deliver;
    in->h[2].place = on_noplace;
    in->verify = 1;
    /* a different key until after open: the provider must read it late */
    memset(in->key, 0xa0 + i, KEYLEN);
    rc = tn_tcp_ops.open(&p, &in->tp);
    ck_assert_msg(rc == MPI_SUCCESS, "open: %s", tn_err_string(rc));
    ck_assert_int_eq(in->tp->caps, TN_TP_CAP_STREAM);
    ck_assert_uint_eq(in->tp->eager_max, tn_config.tcp_eager_max);
    ck_assert_int_ge(in->tp->wait_fd, 0);
    ck_assert_int_eq(in->tp->ops->addr(in->tp, in->blob, &in->bloblen), MPI_SUCCESS);
}

static void open_world(int n)
{
    for (int i = 0; i < n; i++)
        open_inst(i, n);
    for (int i = 0; i < n; i++)
        memcpy(g[i].key, job_key, KEYLEN);
}

static void setup(void)
{
    memset(g, 0, sizeof(g));
    memset(sent, 0, sizeof(sent));
    tn_config.tcp_eager_max = 64 * 1024;
    tn_config.tcp_if = NULL;
}

static void teardown(void)
{
    for (int i = 0; i < MAXI; i++)
        if (g[i].tp)
            g[i].tp->ops->close(g[i].tp);
}

static tn_tcp_t *tcp(int i)
{
    return (tn_tcp_t *)g[i].tp;
}

static tn_tcp_conn_t *conn(int i, int peer)
{
    return tcp(i)->conns[peer];
}

static void progress_ok(int i)
{
    int r = g[i].tp->ops->progress(g[i].tp);
    ck_assert_msg(r >= 0, "rank %d progress: %s", i, tn_err_string(-r));
}

static void pump(void)
{
    for (int i = 0; i < MAXI; i++)
        if (g[i].tp)
            progress_ok(i);
}

#define UNTIL(step, cond)                                                                      \
    do {                                                                                       \
        long it_;                                                                              \
        for (it_ = 0; it_ < CAP && !(cond); it_++)                                             \
            step;                                                                              \
        ck_assert_msg((cond), "gave up waiting for %s", #cond);                                \
    } while (0)
#define PUMP_UNTIL(cond) UNTIL(pump(), cond)

static int am_send(int from, int to, unsigned am, const void *buf, size_t len,
                   tn_tp_completion_t *comp)
{
    th_t h = {sent[from][to]++, (uint32_t)from};
    struct iovec iov = {(void *)buf, len};
    return g[from].tp->ops->am_send(g[from].tp, to, am, &h, sizeof(h), &iov, len ? 1 : 0, comp);
}

static void send_ok(int from, int to, unsigned am, const void *buf, size_t len,
                    tn_tp_completion_t *comp)
{
    int rc = am_send(from, to, am, buf, len, comp);
    ck_assert_msg(rc == MPI_SUCCESS, "am_send %d->%d: %s", from, to, tn_err_string(rc));
}

/* Sends a patterned message of len bytes (buffer freed once it is out). */
static void send_pat(int from, int to, unsigned am, size_t len)
{
    uint8_t *b = malloc(len + 1);
    fill(b, len, from, sent[from][to]);
    send_ok(from, to, am, b, len, NULL);
    free(b);
}

/* Small send buffers make partial writes the rule. (Not a small receive
 * buffer: its window updates can wait for TCP's persist timer.) */
static void shrink_buffers(int i, int peer)
{
    int small = 8192, fd = conn(i, peer)->fd;
    ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
}

static int all_up(int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j && (!conn(i, j) || conn(i, j)->state != TN_TCP_UP))
                return 0;
    return 1;
}

/* The two ends of the pair's connection are one socket pair, and nothing else is left. */
static void check_one_socket(int a, int b)
{
    struct sockaddr_storage s1, s2;
    socklen_t l1 = sizeof(s1), l2 = sizeof(s2);

    ck_assert_int_eq(conn(a, b)->state, TN_TCP_UP);
    ck_assert_int_eq(conn(b, a)->state, TN_TCP_UP);
    ck_assert_int_eq(getsockname(conn(a, b)->fd, (struct sockaddr *)&s1, &l1), 0);
    ck_assert_int_eq(getpeername(conn(b, a)->fd, (struct sockaddr *)&s2, &l2), 0);
    ck_assert_int_eq(l1, l2);
    ck_assert_int_eq(memcmp(&s1, &s2, l1), 0);
}

static int wait_fd_ready(int i, int timeout_ms)
{
    struct pollfd p = {.fd = g[i].tp->wait_fd, .events = POLLIN};
    return poll(&p, 1, timeout_ms);
}

/* ---- raw peers ---------------------------------------------------------------- */

static int raw_connect(int to)
{
    tn_tcp_addr_t a;
    struct sockaddr_storage ss;
    socklen_t len;
    int fd;

    memcpy(&a, g[to].blob, sizeof(a));
    len = tn_tcp_addr_to_sockaddr(&a, &ss);
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    /* the kernel completes it from the backlog, before any accept() */
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&ss, len), 0);
    return fd;
}

static void raw_write(int fd, const void *p, size_t n)
{
    ck_assert_int_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static void raw_hello(int fd, int from, int to, const uint8_t *key)
{
    const tn_tcp_hello_t h = {TN_TCP_MAGIC, TN_TCP_VERSION, KEYLEN, from, to};
    raw_write(fd, &h, sizeof(h));
    raw_write(fd, key, KEYLEN);
}

/* Was fd closed by the other side, without a reply? */
static int raw_closed(int fd)
{
    char b;
    ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);
    ck_assert_int_ne(n, 1);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static int raw_readable(int fd, size_t n)
{
    char b[64];
    return recv(fd, b, n, MSG_PEEK | MSG_DONTWAIT) == (ssize_t)n;
}

/* A raw peer that passes as rank `as` of instance to's world. */
static int raw_peer(int to, int as)
{
    int fd = raw_connect(to);
    tn_tcp_reply_t r;

    raw_hello(fd, as, to, job_key);
    UNTIL(progress_ok(to), raw_readable(fd, sizeof(r)));
    ck_assert_int_eq(recv(fd, &r, sizeof(r), 0), (ssize_t)sizeof(r));
    ck_assert_uint_eq(r.magic, TN_TCP_MAGIC);
    ck_assert_int_eq(r.rank, to);
    ck_assert_int_eq(r.verdict, 1);
    return fd;
}

static void raw_frame(int fd, unsigned am, uint32_t seq, int src, size_t len)
{
    const th_t h = {seq, (uint32_t)src};
    const tn_tcp_frame_t f = {.am_id = (uint8_t)am, .hdr_len = sizeof(h), .data_len = len};
    uint8_t *b = malloc(len + 1);
    fill(b, len, src, seq);
    raw_write(fd, &f, sizeof(f));
    raw_write(fd, &h, sizeof(h));
    if (len)
        raw_write(fd, b, len);
    free(b);
}

/* ---- tests -------------------------------------------------------------------- */

START_TEST(small_messages_in_order)
{
    enum { N = 2000 };
    static counted_t comp[2][N];
    static uint8_t b[2][N][300]; /* the caller's until the completion runs */

    open_world(2);
    /* all sent before any progress: held until the connections are confirmed */
    for (int k = 0; k < N; k++)
        for (int i = 0; i < 2; i++) {
            size_t len = (size_t)(k * 7 + i) % sizeof(b[i][k]);
            comp[i][k].c.cb = counted_cb;
            fill(b[i][k], len, i, sent[i][1 - i]);
            send_ok(i, 1 - i, 0, b[i][k], len, &comp[i][k].c);
        }
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 0);
    PUMP_UNTIL(g[0].got == N && g[1].got == N);
    PUMP_UNTIL(g[0].tp->ops->flush(g[0].tp) && g[1].tp->ops->flush(g[1].tp));
    for (int k = 0; k < N; k++)
        for (int i = 0; i < 2; i++) {
            ck_assert_int_eq(comp[i][k].calls, 1);
            ck_assert_int_eq(comp[i][k].status, MPI_SUCCESS);
        }
    check_one_socket(0, 1);

    /* connected and idle: a small send completes inside am_send */
    counted_t now = {.c.cb = counted_cb};
    uint8_t one[100];
    fill(one, sizeof(one), 0, sent[0][1]);
    send_ok(0, 1, 0, one, sizeof(one), &now.c);
    ck_assert_int_eq(now.calls, 1);
    /* ... and the receiver's wait fd becomes readable */
    ck_assert_int_eq(wait_fd_ready(1, -1), 1);
    UNTIL(progress_ok(1), g[1].got == N + 1);
    /* nothing left: neither wait fd is readable */
    pump();
    ck_assert_int_eq(wait_fd_ready(0, 0), 0);
    ck_assert_int_eq(wait_fd_ready(1, 0), 0);
}
END_TEST

START_TEST(large_messages_with_partial_io)
{
    const size_t big = 32u << 20;
    uint8_t *a = malloc(big), *b = malloc(big);
    counted_t ca = {.c.cb = counted_cb};

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    open_world(2);
    send_pat(0, 1, 0, 10);
    send_pat(1, 0, 0, 10);
    PUMP_UNTIL(g[0].got == 1 && g[1].got == 1);
    shrink_buffers(0, 1);
    shrink_buffers(1, 0);

    /* 0 -> 1 with a completion: the payload stays the caller's until it runs */
    fill(a, big, 0, sent[0][1]);
    send_ok(0, 1, 0, a, big, &ca.c);
    ck_assert_int_eq(ca.calls, 0);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 0);
    /* 1 -> 0 inject: the caller reuses the buffer at once */
    fill(b, big, 1, sent[1][0]);
    send_ok(1, 0, 0, b, big, NULL);
    memset(b, 0xee, big);
    /* small ones behind the large ones keep their place */
    send_pat(0, 1, 0, 5);
    send_pat(1, 0, 0, 5);
    PUMP_UNTIL(g[0].got == 3 && g[1].got == 3);
    PUMP_UNTIL(g[0].tp->ops->flush(g[0].tp) && g[1].tp->ops->flush(g[1].tp));
    ck_assert_int_eq(ca.calls, 1);
    ck_assert_int_eq(ca.status, MPI_SUCCESS);
    free(a);
    free(b);
}
END_TEST

START_TEST(place_into_user_buffers)
{
    static uint8_t u1[100], u2[50], big1[64 << 10], big2[64 << 10], whole[2000];
    inst_t *r = &g[1];
    uint32_t s;

    open_world(2);
    /* shorter than the payload: the rest is discarded, the next message intact */
    r->piov[0] = (struct iovec){u1, sizeof(u1)};
    r->piov[1] = (struct iovec){NULL, 0};
    r->piov[2] = (struct iovec){u2, sizeof(u2)};
    r->piovcnt = 3;
    s = sent[0][1];
    send_pat(0, 1, 1, 1000);
    PUMP_UNTIL(r->got == 1);
    ck_assert_int_eq(r->place_calls, 1);
    ck_assert(r->last_null);
    ck_assert_uint_eq(r->last_len, 1000);
    check_pat(u1, sizeof(u1), 0, s, 0);
    check_pat(u2, sizeof(u2), 0, s, sizeof(u1));
    send_pat(0, 1, 0, 300);
    PUMP_UNTIL(r->got == 2);
    ck_assert_uint_eq(r->last_len, 300);

    /* beyond the stage: 200 KiB sent, 128 KiB land, partial reads on the way */
    shrink_buffers(0, 1);
    shrink_buffers(1, 0);
    r->piov[0] = (struct iovec){big1, sizeof(big1)};
    r->piov[1] = (struct iovec){big2, sizeof(big2)};
    r->piovcnt = 2;
    s = sent[0][1];
    send_pat(0, 1, 1, 200 << 10);
    send_pat(0, 1, 0, 77);
    PUMP_UNTIL(r->got == 4);
    ck_assert_int_eq(r->place_calls, 2);
    check_pat(big1, sizeof(big1), 0, s, 0);
    check_pat(big2, sizeof(big2), 0, s, sizeof(big1));
    ck_assert_uint_eq(r->last_len, 77);

    /* larger than the payload: only the payload's bytes are written */
    memset(whole, 0x5a, sizeof(whole));
    r->piov[0] = (struct iovec){whole, sizeof(whole)};
    r->piovcnt = 1;
    s = sent[0][1];
    send_pat(0, 1, 1, 1500);
    PUMP_UNTIL(r->got == 5);
    check_pat(whole, 1500, 0, s, 0);
    for (size_t i = 1500; i < sizeof(whole); i++)
        ck_assert_uint_eq(whole[i], 0x5a);

    /* an empty payload is placed too */
    send_pat(0, 1, 1, 0);
    PUMP_UNTIL(r->got == 6);
    ck_assert(r->last_null);
    ck_assert_uint_eq(r->last_len, 0);

    /* place() declining: deliver() gets the data, small or large */
    send_pat(0, 1, 2, 700);
    send_pat(0, 1, 2, 300 << 10);
    PUMP_UNTIL(r->got == 8);
    ck_assert(!r->last_null);
    ck_assert_uint_eq(r->last_len, 300 << 10);
    ck_assert_int_eq(r->place_calls, 6);
}
END_TEST

static void exchange(int n, int rounds)
{
    long want[MAXI];

    for (int i = 0; i < n; i++)
        want[i] = g[i].got;
    for (int k = 0; k < rounds; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) {
                    send_pat(i, j, k % 3 == 1 ? 2 : 0, (size_t)(k * 37 + i) % 5000);
                    want[j]++;
                }
    for (int i = 0; i < n; i++)
        PUMP_UNTIL(g[i].got == want[i]);
}

START_TEST(simultaneous_connect_lower_hello_first)
{
    tn_tcp_reply_t r;
    int out0;

    open_world(2);
    for (int k = 0; k < 20; k++) { /* queued both ways while the connections settle */
        send_pat(0, 1, 0, (size_t)k * 100);
        send_pat(1, 0, 2, (size_t)k * 5000);
    }
    ck_assert_int_eq(conn(0, 1)->state, TN_TCP_CONNECTING);
    ck_assert_int_eq(conn(1, 0)->state, TN_TCP_CONNECTING);
    /* 0's hello goes out while 1 sits still */
    UNTIL(progress_ok(0), conn(0, 1)->hs == TN_TCP_HS_REPLY);
    out0 = conn(0, 1)->fd;
    /* 1, connecting itself, takes the lower rank's connection */
    UNTIL(progress_ok(1), raw_readable(out0, sizeof(r)));
    ck_assert_int_eq(recv(out0, &r, sizeof(r), MSG_PEEK), (ssize_t)sizeof(r));
    ck_assert_int_eq(r.verdict, 1);
    ck_assert_int_eq(conn(1, 0)->state, TN_TCP_UP);
    PUMP_UNTIL(g[0].got == 20 && g[1].got == 20);
    exchange(2, 50);
    check_one_socket(0, 1);
    PUMP_UNTIL(tcp(0)->npending == 0 && tcp(1)->npending == 0);
}
END_TEST

START_TEST(simultaneous_connect_higher_hello_first)
{
    tn_tcp_reply_t r;
    int out1;

    open_world(2);
    for (int k = 0; k < 20; k++) { /* queued both ways while the connections settle */
        send_pat(0, 1, 0, (size_t)k * 100);
        send_pat(1, 0, 2, (size_t)k * 5000);
    }
    UNTIL(progress_ok(1), conn(1, 0)->hs == TN_TCP_HS_REPLY);
    out1 = conn(1, 0)->fd;
    /* 0, connecting itself, turns the higher rank's connection down */
    UNTIL(progress_ok(0), raw_readable(out1, sizeof(r)));
    ck_assert_int_eq(recv(out1, &r, sizeof(r), MSG_PEEK), (ssize_t)sizeof(r));
    ck_assert_int_eq(r.verdict, 0);
    ck_assert_int_eq(conn(0, 1)->state, TN_TCP_CONNECTING);
    PUMP_UNTIL(g[0].got == 20 && g[1].got == 20);
    exchange(2, 50);
    check_one_socket(0, 1);
    PUMP_UNTIL(tcp(0)->npending == 0 && tcp(1)->npending == 0);
}
END_TEST

START_TEST(three_ranks_all_at_once)
{
    open_world(3);
    exchange(3, 200);
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            check_one_socket(i, j);
    ck_assert(all_up(3));
    exchange(3, 20);
}
END_TEST

START_TEST(foreign_connections_are_rejected)
{
    FILE *log = tmpfile();
    int saved = dup(2), junk, wrong, liar, misdial, lines = 0;
    uint8_t bad[KEYLEN];
    char line[512];

    ck_assert_ptr_nonnull(log);
    open_world(2);
    dup2(fileno(log), 2);
    junk = raw_connect(0);
    raw_write(junk, "GET / HTTP/1.0\r\n\r\n", 18);
    PUMP_UNTIL(raw_closed(junk));
    memcpy(bad, job_key, KEYLEN);
    bad[KEYLEN - 1] ^= 1;
    wrong = raw_connect(0);
    raw_hello(wrong, 1, 0, bad);
    liar = raw_connect(0);
    raw_hello(liar, 7, 0, job_key); /* the key, but no such rank */
    misdial = raw_connect(0);
    raw_hello(misdial, 1, 1, job_key); /* meant for rank 1 */
    send_pat(0, 1, 0, 100);
    send_pat(1, 0, 0, 100);
    PUMP_UNTIL(raw_closed(wrong) && raw_closed(liar) && raw_closed(misdial));
    PUMP_UNTIL(g[0].got == 1 && g[1].got == 1);
    exchange(2, 20);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);

    rewind(log);
    while (fgets(line, sizeof(line), log))
        if (strstr(line, "rejected a TCP connection")) {
            lines++;
            ck_assert_msg(strncmp(line, "[tern] rank 0: rejected a TCP connection from ", 46) == 0,
                          "%s", line);
            ck_assert_msg(strstr(line, "without the job key"), "%s", line);
        }
    ck_assert_int_eq(lines, 1); /* once per source */
    fclose(log);
    close(junk);
    close(wrong);
    close(liar);
    close(misdial);
}
END_TEST

START_TEST(silent_connections_do_not_block)
{
    const tn_tcp_hello_t h = {TN_TCP_MAGIC, TN_TCP_VERSION, KEYLEN, 0, 1};
    int mute, half;

    open_world(2);
    mute = raw_connect(1);
    half = raw_connect(1);
    raw_write(half, &h, 8);
    send_pat(0, 1, 0, 100);
    send_pat(1, 0, 0, 100);
    PUMP_UNTIL(g[0].got == 1 && g[1].got == 1);
    ck_assert_int_eq(tcp(1)->npending, 2);
    exchange(2, 20);
    close(mute);
    close(half);
    PUMP_UNTIL(tcp(1)->npending == 0);
}
END_TEST

START_TEST(completions_run_once)
{
    enum { N = 300 };
    static counted_t c[N];
    static uint8_t b[N][20000];

    open_world(2);
    send_pat(0, 1, 0, 1);
    PUMP_UNTIL(g[1].got == 1);
    shrink_buffers(0, 1);
    shrink_buffers(1, 0);
    /* the receiver sits still: most of these queue */
    for (int k = 0; k < N; k++) {
        c[k].c.cb = counted_cb;
        fill(b[k], sizeof(b[k]), 0, sent[0][1]);
        send_ok(0, 1, 0, b[k], sizeof(b[k]), &c[k].c);
    }
    ck_assert_int_eq(c[N - 1].calls, 0);
    PUMP_UNTIL(g[1].got == N + 1);
    PUMP_UNTIL(g[0].tp->ops->flush(g[0].tp));
    for (int k = 0; k < N; k++) {
        ck_assert_int_eq(c[k].calls, 1);
        ck_assert_int_eq(c[k].status, MPI_SUCCESS);
    }
}
END_TEST

START_TEST(inject_copies_what_it_queues)
{
    uint8_t b[10000];

    open_world(2);
    send_pat(0, 1, 0, 1);
    PUMP_UNTIL(g[1].got == 1);
    shrink_buffers(0, 1);
    shrink_buffers(1, 0);
    for (int k = 0; k < 200; k++) {
        fill(b, sizeof(b), 0, sent[0][1]);
        send_ok(0, 1, 0, b, sizeof(b), NULL);
        memset(b, 0xee, sizeof(b));
    }
    ck_assert_uint_gt(tcp(0)->nqueued, 0);
    PUMP_UNTIL(g[1].got == 201);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 1);
}
END_TEST

START_TEST(many_iovecs)
{
    enum { N = 3000 };
    static struct iovec v[N];
    static uint8_t b[N * 13];
    counted_t c[2] = {{.c.cb = counted_cb}, {.c.cb = counted_cb}};
    size_t total = 0;

    for (int i = 0; i < N; i++) {
        v[i] = (struct iovec){b + total, (size_t)(i % 13)}; /* some empty */
        total += (size_t)(i % 13);
    }
    open_world(2);
    for (int k = 0; k < 2; k++) { /* queued for the connection, then straight out */
        th_t h = {sent[0][1], 0};
        fill(b, total, 0, sent[0][1]++);
        ck_assert_int_eq(g[0].tp->ops->am_send(g[0].tp, 1, 0, &h, sizeof(h), v, N, &c[k].c),
                         MPI_SUCCESS);
        PUMP_UNTIL(g[1].got == k + 1 && c[k].calls == 1);
        ck_assert_uint_eq(g[1].last_len, total);
    }
}
END_TEST

/* Progresses instance i (without errors) until it reports a lost peer. */
static int until_lost(int i)
{
    for (long it = 0; it < CAP && reported_peer < 0; it++)
        ck_assert_int_ge(g[i].tp->ops->progress(g[i].tp), 0);
    ck_assert_msg(reported_peer >= 0, "rank %d reported no lost peer", i);
    return lost_code;
}

static void lost_peer(int reset)
{
    const size_t big = 32u << 20;
    uint8_t *a = calloc(1, big);
    counted_t ca = {.c.cb = counted_cb};
    int fd, code, rc;

    open_inst(0, 2);
    memcpy(g[0].key, job_key, KEYLEN);
    fd = raw_peer(0, 1);
    send_ok(0, 1, 0, a, big, &ca.c); /* the raw peer reads none of it */
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 0);
    raw_frame(fd, 0, 0, 1, 10);
    if (reset) {
        UNTIL(progress_ok(0), g[0].got == 1);
        close(fd); /* with unread input: a reset */
    } else {
        shutdown(fd, SHUT_WR); /* EOF without BYE */
    }
    code = until_lost(0);
    ck_assert_int_eq(reported_peer, 1);
    ck_assert_int_eq(tn_err_class(code), MPI_ERR_OTHER);
    ck_assert_msg(strstr(tn_err_string(code), "tcp provider") &&
                      strstr(tn_err_string(code), "lost rank 1 ("),
                  "%s", tn_err_string(code));
    ck_assert_int_eq(g[0].got, 1);
    ck_assert_int_eq(ca.calls, 1);
    ck_assert_int_ne(ca.status, MPI_SUCCESS);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 1);
    progress_ok(0); /* reported once */
    rc = am_send(0, 1, 0, a, 10, NULL);
    ck_assert_int_eq(rc, code); /* later sends fail with the same error */
    if (!reset)
        close(fd);
    free(a);
}

START_TEST(peer_eof_without_bye_is_an_error)
{
    lost_peer(0);
}
END_TEST

START_TEST(peer_reset_is_an_error)
{
    lost_peer(1);
}
END_TEST

START_TEST(bye_then_eof_is_normal)
{
    const tn_tcp_frame_t bye = {.am_id = TN_TCP_AM_BYE};
    int fd, rc;

    open_inst(0, 2);
    memcpy(g[0].key, job_key, KEYLEN);
    fd = raw_peer(0, 1);
    raw_frame(fd, 0, 0, 1, 10);
    raw_write(fd, &bye, sizeof(bye));
    close(fd);
    UNTIL(progress_ok(0), conn(0, 1)->state == TN_TCP_CLOSED);
    ck_assert_int_eq(g[0].got, 1);
    rc = am_send(0, 1, 0, "x", 1, NULL);
    ck_assert_int_ne(rc, MPI_SUCCESS);
    ck_assert_msg(strstr(tn_err_string(rc), "closed"), "%s", tn_err_string(rc));

    /* two instances: close() says BYE */
    g[0].tp->ops->close(g[0].tp);
    memset(g, 0, sizeof(g));
    memset(sent, 0, sizeof(sent));
    open_world(2);
    exchange(2, 10);
    g[1].tp->ops->close(g[1].tp);
    g[1].tp = NULL;
    UNTIL(progress_ok(0), conn(0, 1)->state == TN_TCP_CLOSED);
}
END_TEST

START_TEST(interface_choice)
{
    tn_tp_params_t p = {.rank = 0, .size = 1, .peer_addr = peer_addr};
    tn_tcp_addr_t a;
    tn_tp_t *tp = NULL;
    const char *why = NULL;
    int rc;

    ck_assert_str_eq(tn_tcp_ops.name, "tcp");
    ck_assert_int_eq(tn_tcp_ops.probe(&why), 1);
    tn_config.tcp_if = "lo";
    open_inst(0, 1);
    memcpy(&a, g[0].blob, sizeof(a));
    ck_assert_uint_eq(g[0].bloblen, sizeof(a));
    ck_assert_uint_eq(a.family, TN_TCP_FAMILY_IPV4);
    ck_assert_uint_eq(a.ip[0], 127);
    ck_assert_uint_ne(a.port, 0);
    g[0].tp->ops->close(g[0].tp);
    g[0].tp = NULL;

    tn_config.tcp_if = "tern-nosuch0";
    p.handlers = g[0].h;
    rc = tn_tcp_ops.open(&p, &tp);
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_OTHER);
    ck_assert_ptr_null(tp);
    ck_assert_msg(strstr(tn_err_string(rc), "TERN_TCP_IF=tern-nosuch0"), "%s", tn_err_string(rc));
}
END_TEST

START_TEST(bad_arguments)
{
    th_t h = {0, 0};
    int rc;

    open_world(2);
    rc = g[0].tp->ops->am_send(g[0].tp, 0, 0, &h, sizeof(h), NULL, 0, NULL);
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_RANK);
    rc = g[0].tp->ops->am_send(g[0].tp, 2, 0, &h, sizeof(h), NULL, 0, NULL);
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_RANK);
    rc = g[0].tp->ops->am_send(g[0].tp, 1, TN_AM_MAX, &h, sizeof(h), NULL, 0, NULL);
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_ARG);
    rc = g[0].tp->ops->am_send(g[0].tp, 1, 0, &h, g[0].tp->hdr_max + 1, NULL, 0, NULL);
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_ARG);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 1);
}
END_TEST

START_TEST(multi_gib_payload)
{
    const size_t huge = (3ul << 30) + 12345;
    uint8_t head[4096];
    counted_t c = {.c.cb = counted_cb};
    /* only the first page gets memory; the rest reads as zeros */
    uint8_t *src = mmap(NULL, huge, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    ck_assert(src != MAP_FAILED);
    fill(src, sizeof(head), 0, 0);
    open_world(2);
    g[1].piov[0] = (struct iovec){head, sizeof(head)};
    g[1].piovcnt = 1;
    send_ok(0, 1, 1, src, huge, &c.c);
    PUMP_UNTIL(g[1].got == 1);
    ck_assert_uint_eq(g[1].last_len, huge);
    ck_assert(g[1].last_null);
    check_pat(head, sizeof(head), 0, 0, 0);
    PUMP_UNTIL(c.calls == 1);
    ck_assert_int_eq(c.status, MPI_SUCCESS);
    munmap(src, huge);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s = suite_create("tcp");
    TCase *tc = tcase_create("provider");
    SRunner *sr;
    int failed;

#define ADD(t)                                                                                 \
    if (argc < 2 || strcmp(argv[1], #t) == 0)                                                  \
    tcase_add_test(tc, t)
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    ADD(small_messages_in_order);
    ADD(large_messages_with_partial_io);
    ADD(place_into_user_buffers);
    ADD(simultaneous_connect_lower_hello_first);
    ADD(simultaneous_connect_higher_hello_first);
    ADD(three_ranks_all_at_once);
    ADD(foreign_connections_are_rejected);
    ADD(silent_connections_do_not_block);
    ADD(completions_run_once);
    ADD(inject_copies_what_it_queues);
    ADD(many_iovecs);
    ADD(peer_eof_without_bye_is_an_error);
    ADD(peer_reset_is_an_error);
    ADD(bye_then_eof_is_normal);
    ADD(interface_choice);
    ADD(bad_arguments);
    ADD(multi_gib_payload);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
