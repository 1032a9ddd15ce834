/* The shared-memory provider: instances of one node in one process sharing a
 * segment (start() runs in threads, since it waits for every local rank),
 * and forked processes for waking a sleeper and for killed ranks. No sleeps:
 * every wait loops progress until a condition holds, with a generous cap. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <mpi.h>
#include "core/config.h"
#include "core/error.h"
#include "core/progress.h"
#include "providers/shm/shm.h"

#define MAXI 3
#define CAP 20000000L /* progress rounds before a wait gives up */
#define AM_PLAIN 0    /* deliver only */
#define AM_PLACE 1    /* place() into the instance's piov */
#define AM_NOPLACE 2  /* place() that declines */
#define AM_ECHO 3     /* deliver answers with an injected AM_PLAIN message */

typedef struct th { /* the p2p-like header every test message carries */
    uint32_t seq;
    uint32_t src;
} th_t;

typedef struct inst {
    tn_tp_t *tp;
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t bloblen;
    tn_am_handler_t h[TN_AM_MAX];
    uint32_t expect[MAXI]; /* next seq from each source */
    long got;
    size_t last_len;
    int last_null;
    struct iovec piov[4]; /* what place() hands out */
    int piovcnt, place_calls;
    int start_rc;
} inst_t;

static inst_t g[MAXI];
static uint32_t sent[MAXI][MAXI];
static int node_of[MAXI];

/* The progress engine is not linked in: its hook records the last report. */
static int lost_peer = -1, lost_code;
void tn_progress_peer_lost(int peer, int code)
{
    lost_peer = peer;
    lost_code = code;
}

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

static void send_pat(int from, int to, unsigned am, size_t len);

static void on_deliver(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                       size_t len)
{
    inst_t *in = arg;
    int me = (int)(in - g);
    th_t h;

    ck_assert_uint_eq(hdr_len, sizeof(h));
    memcpy(&h, hdr, sizeof(h));
    ck_assert_int_eq((int)h.src, peer);
    ck_assert_msg(h.seq == in->expect[peer], "%d from %d: got seq %u, expected %u", me, peer,
                  h.seq, in->expect[peer]);
    in->expect[peer]++;
    in->got++;
    in->last_len = len;
    in->last_null = data == NULL;
    if (data)
        check_pat(data, len, peer, h.seq, 0);
}

static void on_echo(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                    size_t len)
{
    inst_t *in = arg;
    on_deliver(arg, peer, hdr, hdr_len, data, len);
    send_pat((int)(in - g), peer, AM_PLAIN, 1000);
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

static tn_tp_params_t params(int i, int n)
{
    return (tn_tp_params_t){
        .rank = i,
        .size = n,
        .handlers = g[i].h,
        .handler_arg = &g[i],
        .peer_addr = peer_addr,
        .node_of = node_of,
        .local_rank = i,
        .local_size = n,
    };
}

static void open_inst(int i, int n)
{
    inst_t *in = &g[i];
    tn_tp_params_t p = params(i, n);
    int rc;

    in->h[AM_PLAIN].deliver = on_deliver;
    in->h[AM_PLACE].deliver = on_deliver;
    in->h[AM_PLACE].place = on_place;
    in->h[AM_NOPLACE].deliver = on_deliver;
    in->h[AM_NOPLACE].place = on_noplace;
    in->h[AM_ECHO].deliver = on_echo;
    rc = tn_shm_ops.open(&p, &in->tp);
    ck_assert_msg(rc == MPI_SUCCESS, "open: %s", tn_err_string(rc));
    ck_assert_int_ge(in->tp->wait_fd, 0);
    ck_assert_uint_eq(in->tp->hdr_max, TN_SHM_HDR_MAX);
    ck_assert_int_eq(in->tp->ops->addr(in->tp, in->blob, &in->bloblen), MPI_SUCCESS);
}

static void *start_thread(void *arg)
{
    inst_t *in = arg;
    in->start_rc = in->tp->ops->start(in->tp);
    return NULL;
}

static tn_shm_t *shm(int i)
{
    return (tn_shm_t *)g[i].tp;
}

static int seg_exists(const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "/dev/shm%s", name);
    return access(path, F_OK) == 0;
}

/* Opens n instances and starts them all at once; the segment's name is gone after. */
static void open_world_raw(int n)
{
    pthread_t t[MAXI];
    char name[TN_SHM_NAME_MAX];

    for (int i = 0; i < n; i++)
        if (!g[i].tp)
            open_inst(i, n);
    strcpy(name, shm(0)->seg_name);
    ck_assert(seg_exists(name));
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, start_thread, &g[i]), 0);
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        ck_assert_msg(g[i].start_rc == MPI_SUCCESS, "start %d: %s", i,
                      tn_err_string(g[i].start_rc));
    }
    ck_assert_msg(!seg_exists(name), "%s is still in /dev/shm after start", name);
    for (int i = 0; i < n; i++)
        ck_assert(g[i].tp->caps & TN_TP_CAP_INTRA_NODE);
}

/* Opens and starts n instances; every one can be woken by every other. */
static void open_world(int n)
{
    open_world_raw(n);
    for (int i = 0; i < n; i++) {
        ck_assert_int_ge(g[i].tp->wait_fd, 0);
        for (int j = 0; j < n; j++)
            ck_assert(i == j || shm(i)->tx[j].wake_fd >= 0);
    }
}

static void setup(void)
{
    memset(g, 0, sizeof(g));
    memset(sent, 0, sizeof(sent));
    memset(node_of, 0, sizeof(node_of));
    tn_config.shm_cma = 1;
    tn_config.shm_eager_max = 16 * 1024;
    tn_config.spin_count = 1000;
}

static void teardown(void)
{
    for (int i = 0; i < MAXI; i++)
        if (g[i].tp)
            g[i].tp->ops->close(g[i].tp);
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

/* Sends a patterned message of len bytes, injected (the buffer is freed at once). */
static void send_pat(int from, int to, unsigned am, size_t len)
{
    uint8_t *b = malloc(len + 1);
    fill(b, len, from, sent[from][to]);
    send_ok(from, to, am, b, len, NULL);
    free(b);
}

static int readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1;
}

/* ---- tests -------------------------------------------------------------------- */

START_TEST(small_messages_in_order)
{
    const int n = 3, per = 3000;
    open_world(n);
    for (int k = 0; k < per; k++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j)
                    send_pat(i, j, AM_PLAIN, (size_t)(k * 7 + i) % 300);
    PUMP_UNTIL(g[0].got + g[1].got + g[2].got == (long)n * (n - 1) * per);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (i != j)
                ck_assert_uint_eq(g[j].expect[i], (uint32_t)per);
}
END_TEST

/* Every size class: one line, one record, the largest single record, and
 * several records assembled (no place()) or placed. */
START_TEST(sizes_and_multi_record_messages)
{
    open_world(2);
    tn_shm_t *s = shm(0);
    size_t big = 3 * s->chunk + 5;
    size_t sizes[] = {0, 1, 39, 40, 41, 63, 64, 4096, g[0].tp->eager_max, s->single_max,
                      s->single_max + 1, big, 1u << 20};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        long before = g[1].got;
        send_pat(0, 1, AM_NOPLACE, sizes[k]);
        PUMP_UNTIL(g[1].got == before + 1);
        ck_assert_uint_eq(g[1].last_len, sizes[k]);
        ck_assert(!g[1].last_null);
    }
    /* place() with a short iovec: the tail is dropped, deliver gets NULL */
    uint8_t *a = calloc(1, 1000), *b = calloc(1, 70000), *c = calloc(1, 100);
    g[1].piov[0] = (struct iovec){a, 1000};
    g[1].piov[1] = (struct iovec){b, 70000};
    g[1].piov[2] = (struct iovec){c, 100};
    g[1].piovcnt = 3;
    ck_assert_int_eq(g[1].place_calls, 3); /* the multi-record ones above asked */
    g[1].place_calls = 0;
    uint32_t seq = sent[0][1];
    send_pat(0, 1, AM_PLACE, big);
    PUMP_UNTIL(g[1].expect[0] == seq + 1);
    ck_assert_int_eq(g[1].place_calls, 1);
    ck_assert(g[1].last_null);
    ck_assert_uint_eq(g[1].last_len, big);
    check_pat(a, 1000, 0, seq, 0);
    check_pat(b, 70000, 0, seq, 1000);
    check_pat(c, 100, 0, seq, 71000);
    free(a), free(b), free(c);
}
END_TEST

/* A ring that is full never makes am_send fail: sends queue in order and go
 * out from progress; every completion runs once, after its bytes are out. */
START_TEST(full_ring_queues_in_order)
{
    enum { N = 5000, LEN = 1000 };
    open_world(2);
    counted_t *k = calloc(N, sizeof(*k));
    uint8_t *bufs = malloc((size_t)N * LEN);
    for (int i = 0; i < N; i++) {
        k[i].c.cb = counted_cb;
        fill(bufs + (size_t)i * LEN, LEN, 0, (uint32_t)i);
        send_ok(0, 1, AM_PLAIN, bufs + (size_t)i * LEN, LEN, &k[i].c);
    }
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 0);
    ck_assert_int_eq(k[N - 1].calls, 0);
    /* an inject behind them is copied, and still comes last */
    send_pat(0, 1, AM_PLAIN, 77);
    PUMP_UNTIL(g[1].got == N + 1);
    ck_assert_uint_eq(g[1].last_len, 77);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 1);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(k[i].calls, 1);
        ck_assert_int_eq(k[i].status, MPI_SUCCESS);
    }
    free(bufs);
    free(k);
}
END_TEST

/* Both rings full both ways, and every message answered from its handler:
 * progress on each side moves both directions, nothing deadlocks. */
START_TEST(both_directions_full_no_deadlock)
{
    enum { N = 2000 };
    open_world(2);
    for (int i = 0; i < N; i++) {
        send_pat(0, 1, AM_ECHO, 2000);
        send_pat(1, 0, AM_ECHO, 2000);
    }
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 0);
    ck_assert_int_eq(g[1].tp->ops->flush(g[1].tp), 0);
    PUMP_UNTIL(g[0].got == 2 * N && g[1].got == 2 * N);
    PUMP_UNTIL(g[0].tp->ops->flush(g[0].tp) && g[1].tp->ops->flush(g[1].tp));
}
END_TEST

/* get() reads a registered region of a peer at an offset; its completion
 * runs from progress, not from inside get(). */
START_TEST(get_reads_peer_memory)
{
    tn_config.shm_cma = 2; /* advertised however many CPUs there are */
    open_world(2);
    ck_assert(g[0].tp->caps & TN_TP_CAP_GET);
    ck_assert(g[1].tp->caps & TN_TP_CAP_GET);
    size_t len = 3u << 20, off = 12345, n = len - off - 7;
    uint8_t *src = malloc(len), *dst = calloc(1, n);
    unsigned char rkey[TN_TP_RKEY_MAX], lkey[TN_TP_RKEY_MAX];
    size_t rkey_len = sizeof(rkey), lkey_len = sizeof(lkey);
    struct tn_tp_mr *mr, *lmr;
    counted_t k = {.c.cb = counted_cb};

    fill(src, len, 0, 5);
    ck_assert_int_eq(g[0].tp->ops->mem_reg(g[0].tp, src, len, &mr, rkey, &rkey_len), 0);
    ck_assert_int_eq(g[1].tp->ops->mem_reg(g[1].tp, dst, n, &lmr, lkey, &lkey_len), 0);
    ck_assert_int_eq(g[1].tp->ops->get(g[1].tp, 0, dst, n, lmr, rkey, rkey_len, off, &k.c), 0);
    ck_assert_int_eq(k.calls, 0);
    progress_ok(1);
    ck_assert_int_eq(k.calls, 1);
    ck_assert_int_eq(k.status, MPI_SUCCESS);
    check_pat(dst, n, 0, 5, off);
    /* beyond the region: an error, no completion */
    ck_assert_int_ne(g[1].tp->ops->get(g[1].tp, 0, dst, n, lmr, rkey, rkey_len, off + 8, &k.c),
                     MPI_SUCCESS);
    progress_ok(1);
    ck_assert_int_eq(k.calls, 1);
    ck_assert_int_eq(g[0].tp->ops->mem_dereg(g[0].tp, mr), 0);
    ck_assert_int_eq(g[1].tp->ops->mem_dereg(g[1].tp, lmr), 0);
    free(src);
    free(dst);
}
END_TEST

/* By default get() is advertised only when local ranks outnumber the CPUs
 * (else the rings are faster), but it works either way. */
START_TEST(get_advertised_when_crowded)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t word = 42, got = 0;
    unsigned char rkey[TN_TP_RKEY_MAX];
    size_t rkey_len = sizeof(rkey);
    struct tn_tp_mr *mr;
    counted_t k = {.c.cb = counted_cb};

    open_world(2);
    ck_assert_int_eq(!!(g[0].tp->caps & TN_TP_CAP_GET), 2 > cpus);
    ck_assert_int_eq(g[0].tp->ops->mem_reg(g[0].tp, &word, 8, &mr, rkey, &rkey_len), 0);
    ck_assert_int_eq(g[1].tp->ops->get(g[1].tp, 0, &got, 8, NULL, rkey, rkey_len, 0, &k.c), 0);
    progress_ok(1);
    ck_assert_int_eq(k.calls, 1);
    ck_assert_uint_eq(got, 42);
}
END_TEST

/* TERN_SHM_CMA=0 (on any local rank): no GET anywhere; large payloads stream
 * through the rings, landing where place() says. */
START_TEST(cma_disabled_streams)
{
    tn_config.shm_cma = 0;
    open_world(3);
    for (int i = 0; i < 3; i++) {
        ck_assert(!(g[i].tp->caps & TN_TP_CAP_GET));
        ck_assert(g[i].tp->caps & TN_TP_CAP_STREAM);
    }
    size_t len = (5u << 20) + 3;
    uint8_t *dst = calloc(1, len), *src = malloc(len);
    counted_t k = {.c.cb = counted_cb};
    g[2].piov[0] = (struct iovec){dst, len};
    g[2].piovcnt = 1;
    uint32_t seq = sent[0][2];
    fill(src, len, 0, seq);
    send_ok(0, 2, AM_PLACE, src, len, &k.c);
    /* meanwhile rank 1 sends to 2 too, on its own ring */
    for (int i = 0; i < 100; i++)
        send_pat(1, 2, AM_PLAIN, 5000);
    PUMP_UNTIL(g[2].expect[0] == seq + 1 && g[2].expect[1] == 100);
    ck_assert_int_eq(k.calls, 1);
    ck_assert(g[2].last_null || g[2].expect[1] == 100);
    check_pat(dst, len, 0, seq, 0);
    unsigned char rkey[TN_TP_RKEY_MAX];
    size_t rkey_len = sizeof(rkey);
    struct tn_tp_mr *mr;
    ck_assert_int_eq(g[0].tp->ops->mem_reg(g[0].tp, src, len, &mr, rkey, &rkey_len), 0);
    ck_assert_int_ne(g[2].tp->ops->get(g[2].tp, 0, dst, len, mr, rkey, rkey_len, 0, &k.c), 0);
    free(src);
    free(dst);
}
END_TEST

/* A receiver arms its flag after spin_count idle progress calls; only then
 * does a sender make its wait fd readable, once; progress drains it. */
START_TEST(sleeping_receiver_is_woken)
{
    tn_config.spin_count = 3;
    open_world(2);
    int fd = g[1].tp->wait_fd;
    progress_ok(1);
    send_pat(0, 1, AM_PLAIN, 8); /* receiver not asleep yet: no wake-up */
    ck_assert(!readable(fd));
    progress_ok(1);
    ck_assert_int_eq(g[1].got, 1);
    for (int i = 0; i < 3; i++)
        progress_ok(1);
    ck_assert(!readable(fd));
    send_pat(0, 1, AM_PLAIN, 8);
    ck_assert(readable(fd));
    send_pat(0, 1, AM_PLAIN, 8); /* the first sender took the flag: no second datagram */
    progress_ok(1);
    ck_assert_int_eq(g[1].got, 3);
    for (int i = 0; i < 3; i++)
        progress_ok(1);
    ck_assert(!readable(fd));
}
END_TEST

/* A sender about to sleep with sends queued behind a full ring leaves a WAKE
 * record; the consumer wakes it once it has taken everything before it. */
START_TEST(blocked_sender_is_woken)
{
    tn_config.spin_count = 3;
    open_world(2);
    int fd = g[0].tp->wait_fd;
    for (int i = 0; i < 1000; i++)
        send_pat(0, 1, AM_PLAIN, 2000);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 0);
    for (int i = 0; i < 3; i++)
        progress_ok(0);
    ck_assert(!readable(fd));
    long before = g[1].got;
    UNTIL(progress_ok(1), readable(fd));
    ck_assert_int_gt(g[1].got, before);
    PUMP_UNTIL(g[1].got == 1000);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 1);
}
END_TEST

/* When one rank can not hand out its eventfd, no rank sleeps (wait_fd -1,
 * the progress engine yields) and messages still flow. */
START_TEST(no_wakeups_without_the_fd_exchange)
{
    tn_config.spin_count = 1;
    for (int i = 0; i < 3; i++)
        open_inst(i, 3);
    close(shm(2)->sock_fd); /* its sends of the eventfd fail */
    shm(2)->sock_fd = -1;
    open_world_raw(3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(g[i].tp->wait_fd, -1);
    for (int k = 0; k < 100; k++)
        for (int i = 0; i < 3; i++)
            send_pat(i, (i + 1) % 3, AM_PLAIN, 100);
    PUMP_UNTIL(g[0].got + g[1].got + g[2].got == 300);
}
END_TEST

/* Each side in its own process: the child sleeps in poll() on its wait fd
 * until the parent's message wakes it, then answers. */
START_TEST(wake_across_processes)
{
    int pipefd[2];
    tn_config.spin_count = 1;
    ck_assert_int_eq(pipe(pipefd), 0);
    open_inst(0, 2);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char c;
        alarm(60);
        open_inst(1, 2);
        if (start_thread(&g[1]), g[1].start_rc)
            _exit(2);
        for (int round = 0; round < 20; round++) {
            while (g[1].got == round) {
                struct pollfd p = {.fd = g[1].tp->wait_fd, .events = POLLIN};
                if (g[1].tp->ops->progress(g[1].tp) < 0)
                    _exit(3);
                if (g[1].got == round)
                    (void)poll(&p, 1, -1);
            }
            send_pat(1, 0, AM_PLAIN, 8);
        }
        while (!g[1].tp->ops->flush(g[1].tp))
            g[1].tp->ops->progress(g[1].tp);
        (void)read(pipefd[0], &c, 1); /* the parent has the last answer */
        g[1].tp->ops->close(g[1].tp);
        _exit(0);
    }
    start_thread(&g[0]);
    ck_assert_int_eq(g[0].start_rc, MPI_SUCCESS);
    for (int round = 0; round < 20; round++) {
        send_pat(0, 1, AM_PLAIN, 8);
        UNTIL(progress_ok(0), g[0].got == round + 1);
    }
    ck_assert_int_eq(write(pipefd[1], "x", 1), 1);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* Ranks killed while they hold ring slots (and queued sends) leave no
 * segment behind: its name went once every local rank had mapped it. */
START_TEST(killed_ranks_leave_no_segment)
{
    int up[2], to_parent[2], to_child1[2];
    pid_t pid[2];
    tn_shm_addr_t a;
    char c;

    ck_assert_int_eq(pipe(up), 0);
    ck_assert_int_eq(pipe(to_parent), 0);
    ck_assert_int_eq(pipe(to_child1), 0);
    for (int i = 0; i < 2; i++) {
        pid[i] = fork();
        ck_assert_int_ge(pid[i], 0);
        if (pid[i])
            continue;
        alarm(60);
        if (i == 1) { /* rank 0's blob names the segment */
            if (read(to_child1[0], g[0].blob, sizeof(a)) != (ssize_t)sizeof(a))
                _exit(2);
            g[0].bloblen = sizeof(a);
        }
        open_inst(i, 2);
        if (i == 0 && (write(to_parent[1], g[0].blob, sizeof(a)) != (ssize_t)sizeof(a) ||
                       write(to_child1[1], g[0].blob, sizeof(a)) != (ssize_t)sizeof(a)))
            _exit(2);
        if (start_thread(&g[i]), g[i].start_rc)
            _exit(2);
        for (int k = 0; k < 5000; k++) /* fills the ring, queues the rest */
            send_pat(i, 1 - i, AM_PLAIN, 900);
        if (write(up[1], "x", 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    ck_assert_int_eq(read(to_parent[0], &a, sizeof(a)), (ssize_t)sizeof(a));
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(read(up[0], &c, 1), 1);
    for (int i = 0; i < 2; i++) {
        int st;
        kill(pid[i], SIGKILL);
        ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
        ck_assert(WIFSIGNALED(st));
    }
    ck_assert_msg(!seg_exists(a.seg_name), "%s was left in /dev/shm", a.seg_name);
}
END_TEST

/* A peer killed while we have sends queued for it: what it sent before is
 * delivered, then it is reported lost (to the progress engine) by an idle
 * progress call, with a message naming it; the queued send fails with that
 * error, and later sends to it fail at once. */
START_TEST(dead_peer_is_reported)
{
    int up[2];
    char c;
    counted_t k = {.c.cb = counted_cb};
    uint8_t buf[900] = {0};

    tn_config.spin_count = 1;
    lost_peer = -1;
    ck_assert_int_eq(pipe(up), 0);
    open_inst(0, 2);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        alarm(60);
        open_inst(1, 2);
        if (start_thread(&g[1]), g[1].start_rc)
            _exit(2);
        for (int i = 0; i < 3; i++)
            send_pat(1, 0, AM_PLAIN, 100);
        if (write(up[1], "x", 1) != 1)
            _exit(2);
        for (;;)
            pause();
    }
    start_thread(&g[0]);
    ck_assert_int_eq(g[0].start_rc, MPI_SUCCESS);
    ck_assert_int_eq(read(up[0], &c, 1), 1);
    for (int i = 0; i < 5000 && k.calls == 0 && shm(0)->nqueued == 0; i++)
        send_ok(0, 1, AM_PLAIN, buf, sizeof(buf), NULL); /* fills the ring */
    send_ok(0, 1, AM_PLAIN, buf, sizeof(buf), &k.c);
    ck_assert_int_eq(k.calls, 0);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    UNTIL(progress_ok(0), lost_peer == 1);
    ck_assert_int_eq(g[0].got, 3);
    char want[128];
    snprintf(want, sizeof(want), "rank 0: lost rank 1 (process %d exited) on the shared-memory "
             "transport", (int)pid);
    ck_assert_str_eq(tn_err_string(lost_code), want);
    ck_assert_int_eq(k.calls, 1);
    ck_assert_int_eq(k.status, lost_code);
    ck_assert_int_eq(g[0].tp->ops->flush(g[0].tp), 1);
    ck_assert_int_eq(am_send(0, 1, AM_PLAIN, buf, 8, NULL), lost_code);
    lost_peer = -1;
    for (int i = 0; i < 1000; i++)
        progress_ok(0);
    ck_assert_int_eq(lost_peer, -1); /* reported once */
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}
END_TEST

/* A segment /dev/shm can not hold: the error names the size and the space
 * left, and nothing stays behind. */
START_TEST(segment_too_large_is_a_clear_error)
{
    enum { HUGE = 100000 };
    int *nodes = calloc(HUGE, sizeof(int));
    inst_t in = {0};
    tn_tp_t *tp;
    tn_tp_params_t p = {.rank = 0, .size = HUGE, .handlers = in.h, .peer_addr = peer_addr,
                        .node_of = nodes, .local_rank = 0, .local_size = HUGE};
    uint64_t ring;
    size_t bytes;
    char want[64];

    tn_shm_seg_layout(HUGE, &ring, &bytes);
    snprintf(want, sizeof(want), "%zu-byte segment", bytes);
    int rc = tn_shm_ops.open(&p, &tp);
    ck_assert_int_eq(tn_err_class(rc), MPI_ERR_OTHER);
    const char *msg = tn_err_string(rc);
    ck_assert_msg(strstr(msg, want) && strstr(msg, "/dev/shm has"), "message: %s", msg);
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "tern-%u-%d-", tn_config.job_id, (int)getpid());
    DIR *d = opendir("/dev/shm");
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        ck_assert_msg(strncmp(e->d_name, prefix, strlen(prefix)) != 0, "%s left behind",
                      e->d_name);
    closedir(d);
    free(nodes);
}
END_TEST

START_TEST(bad_sends_are_errors)
{
    th_t h = {0, 0};
    uint8_t big[TN_SHM_HDR_MAX + 1] = {0};
    pthread_t t;

    node_of[2] = 1; /* a world of 3; rank 2 lives on another node */
    for (int i = 0; i < 2; i++) {
        tn_tp_params_t p = params(i, 3);
        p.local_size = 2;
        g[i].h[AM_PLAIN].deliver = on_deliver;
        ck_assert_int_eq(tn_shm_ops.open(&p, &g[i].tp), MPI_SUCCESS);
        ck_assert_int_eq(g[i].tp->ops->addr(g[i].tp, g[i].blob, &g[i].bloblen), MPI_SUCCESS);
    }
    ck_assert_int_ne(g[0].tp->ops->am_send(g[0].tp, 1, 0, &h, sizeof(h), NULL, 0, NULL), 0);
    ck_assert_int_eq(pthread_create(&t, NULL, start_thread, &g[1]), 0);
    start_thread(&g[0]);
    pthread_join(t, NULL);
    ck_assert_int_eq(g[0].start_rc, MPI_SUCCESS);
    ck_assert_int_eq(g[1].start_rc, MPI_SUCCESS);
    ck_assert_int_ne(g[0].tp->ops->am_send(g[0].tp, 2, 0, &h, sizeof(h), NULL, 0, NULL), 0);
    ck_assert_int_ne(g[0].tp->ops->am_send(g[0].tp, 0, 0, &h, sizeof(h), NULL, 0, NULL), 0);
    ck_assert_int_ne(g[0].tp->ops->am_send(g[0].tp, 5, 0, &h, sizeof(h), NULL, 0, NULL), 0);
    ck_assert_int_ne(g[0].tp->ops->am_send(g[0].tp, 1, TN_AM_MAX, &h, sizeof(h), NULL, 0, NULL),
                     0);
    ck_assert_int_ne(g[0].tp->ops->am_send(g[0].tp, 1, 0, big, sizeof(big), NULL, 0, NULL), 0);
    ck_assert_int_eq(g[0].tp->ops->am_send(g[0].tp, 1, 0, &h, sizeof(h), NULL, 0, NULL), 0);
    UNTIL(progress_ok(1), g[1].got == 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("shm");
    TCase *t = tcase_create("provider");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, small_messages_in_order);
    tcase_add_test(t, sizes_and_multi_record_messages);
    tcase_add_test(t, full_ring_queues_in_order);
    tcase_add_test(t, both_directions_full_no_deadlock);
    tcase_add_test(t, get_reads_peer_memory);
    tcase_add_test(t, get_advertised_when_crowded);
    tcase_add_test(t, cma_disabled_streams);
    tcase_add_test(t, sleeping_receiver_is_woken);
    tcase_add_test(t, blocked_sender_is_woken);
    tcase_add_test(t, no_wakeups_without_the_fd_exchange);
    tcase_add_test(t, wake_across_processes);
    tcase_add_test(t, killed_ranks_leave_no_segment);
    tcase_add_test(t, dead_peer_is_reported);
    tcase_add_test(t, segment_too_large_is_a_clear_error);
    tcase_add_test(t, bad_sends_are_errors);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
