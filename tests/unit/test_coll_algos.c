/* The collective algorithms of src/coll, run by p threads standing for p ranks
 * over a small in-process p2p layer defined here (FIFO matching per receiver,
 * non-overtaking). Sends complete either at once (eager) or only once matched
 * (rendezvous), the strictest case for deadlocks; a wait that sees no progress
 * for a long time reports a deadlock instead of hanging. Datatypes are built by
 * hand: int, a strided vector and a type with a negative lb, so scratch buffers
 * must respect lb and extent. Ops: integer sum (commutative) and composition of
 * affine maps (associative, not commutative), checked against a fold in rank order. */
#include <check.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "coll/util.h"
#include "coll/sched.h"
#include "core/error.h"

/* ---- datatypes ---- */

static tn_dtype_seg_t seg_byte[] = {{0, 1}}, seg_int[] = {{0, 4}};
static tn_dtype_seg_t seg_vec[] = {{0, 4}, {12, 4}}, seg_shift[] = {{4, 4}};
static tn_datatype_t t_byte = {.size = 1,
                               .lb = 0,
                               .ub = 1,
                               .extent = 1,
                               .true_lb = 0,
                               .true_ub = 1,
                               .contig = 1,
                               .nsegs = 1,
                               .segs = seg_byte};
static tn_datatype_t t_int = {.size = 4,
                              .lb = 0,
                              .ub = 4,
                              .extent = 4,
                              .true_lb = 0,
                              .true_ub = 4,
                              .contig = 1,
                              .nsegs = 1,
                              .segs = seg_int};
/* Two ints 12 bytes apart, extent 16. */
static tn_datatype_t t_vec = {.size = 8,
                              .lb = 0,
                              .ub = 16,
                              .extent = 16,
                              .true_lb = 0,
                              .true_ub = 16,
                              .nsegs = 2,
                              .segs = seg_vec};
/* One int at offset 4, lb -4, extent 16. */
static tn_datatype_t t_shift = {.size = 4,
                                .lb = -4,
                                .ub = 12,
                                .extent = 16,
                                .true_lb = 4,
                                .true_ub = 8,
                                .nsegs = 1,
                                .segs = seg_shift};

/* Empty: every handle takes the slow path below. */
tn_datatype_t tn_dtype_builtins[256];

tn_datatype_t *tn_datatype_get_slow(MPI_Datatype handle)
{
    return handle == MPI_BYTE ? &t_byte : NULL;
}

tn_datatype_t *tn_datatype_ref(tn_datatype_t *dt)
{
    return dt;
}

/* Walks the packed bytes [offset, offset + max) of count elements; pack copies
 * out of buf, unpack into it. */
static size_t walk(const tn_datatype_t *dt, char *buf, MPI_Aint count, size_t offset, char *io,
                   size_t max, int pack)
{
    size_t pos = 0, done = 0;
    for (MPI_Aint i = 0; i < count; i++) {
        for (int s = 0; s < dt->nsegs; s++) {
            size_t len = (size_t)dt->segs[s].len;
            char *at = buf + i * dt->extent + dt->segs[s].disp;
            for (size_t b = 0; b < len; b++, pos++) {
                if (pos < offset || pos >= offset + max)
                    continue;
                if (pack)
                    io[pos - offset] = at[b];
                else
                    at[b] = io[pos - offset];
                done++;
            }
        }
    }
    return done;
}

size_t tn_dtype_pack(const tn_datatype_t *dt, const void *buf, MPI_Aint count, size_t offset,
                     void *out, size_t max)
{
    return walk(dt, (char *)buf, count, offset, out, max, 1);
}

size_t tn_dtype_unpack(const tn_datatype_t *dt, void *buf, MPI_Aint count, size_t offset,
                       const void *in, size_t len)
{
    return walk(dt, buf, count, offset, (char *)in, len, 0);
}

int tn_dtype_is_contig(const tn_datatype_t *dt, MPI_Aint count, const void *buf, const void **start)
{
    if (!dt->contig)
        return 0;
    (void)count;
    *start = (const char *)buf + dt->true_lb;
    return 1;
}

int tn_dtype_copy(const void *sbuf, MPI_Aint scount, const tn_datatype_t *stype, void *rbuf,
                  MPI_Aint rcount, const tn_datatype_t *rtype)
{
    size_t sb = (size_t)scount * (size_t)stype->size, rb = (size_t)rcount * (size_t)rtype->size;
    if (sb > rb)
        return tn_err_set(MPI_ERR_TRUNCATE, "copy of %zu bytes into %zu", sb, rb);
    char *tmp = malloc(sb + 1);
    tn_dtype_pack(stype, sbuf, scount, 0, tmp, sb);
    tn_dtype_unpack(rtype, rbuf, rcount, 0, tmp, sb);
    free(tmp);
    return MPI_SUCCESS;
}

/* ---- ops on the ints the data is made of ---- */

static tn_op_t op_sum = {.commute = 1}, op_affine = {.commute = 0};

/* An affine map x -> a x + b mod 2^16, stored as a << 16 | b. x op y is "x, then y". */
static uint32_t affine(uint32_t x, uint32_t y)
{
    uint32_t ax = x >> 16, bx = x & 0xffff, ay = y >> 16, by = y & 0xffff;
    return ((ax * ay) & 0xffff) << 16 | ((ay * bx + by) & 0xffff);
}

static uint32_t combine(const tn_op_t *op, uint32_t x, uint32_t y)
{
    return op == &op_sum ? x + y : affine(x, y);
}

int tn_op_apply(const tn_op_t *op, const void *in, void *inout, MPI_Aint count,
                const tn_datatype_t *dt)
{
    size_t n = (size_t)count * (size_t)dt->size / 4;
    uint32_t *a = malloc(n * 4 + 4), *b = malloc(n * 4 + 4);
    tn_dtype_pack(dt, in, count, 0, a, n * 4);
    tn_dtype_pack(dt, inout, count, 0, b, n * 4);
    for (size_t i = 0; i < n; i++)
        b[i] = combine(op, a[i], b[i]);
    tn_dtype_unpack(dt, inout, count, 0, b, n * 4);
    free(a);
    free(b);
    return MPI_SUCCESS;
}

int tn_err_set(int err_class, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return err_class;
}

/* ---- simulated p2p ----
 *
 * Every rank thread holds `mu` while it runs and gives it up only while it
 * waits (in tn_progress_wait), so the engine's state (sched.c's list of
 * started schedules) is only ever touched by one thread at a time, as in a
 * real single-threaded rank; a completion run by another rank's thread calls
 * the request's on_done hook just as a provider's progress call would. */

#define MAXP 17

struct msg {
    int src, tag, ctx;
    tn_request_t *sreq; /* rendezvous: the send, completed when matched */
    char *data; /* eager: a copy of the payload */
    size_t bytes;
    struct msg *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct msg *unexpected[MAXP];
static tn_request_t *posted[MAXP];
static int eager;
static unsigned long progress; /* bumped on every completion */

tn_request_t *tn_request_alloc(enum tn_req_kind kind)
{
    tn_request_t *r = calloc(1, sizeof(*r));
    r->kind = kind;
    return r;
}

void tn_request_free(tn_request_t *r)
{
    free(r);
}

void tn_request_complete(tn_request_t *r)
{
    r->done = 1;
    progress++;
    pthread_cond_broadcast(&cv);
    if (r->on_done)
        r->on_done(r);
    if (r->freed)
        free(r);
}

void tn_status_set_empty(MPI_Status *st)
{
    st->MPI_SOURCE = MPI_PROC_NULL;
    st->MPI_TAG = MPI_ANY_TAG;
}

void tn_datatype_release(tn_datatype_t *dt)
{
    (void)dt;
}

tn_op_t *tn_op_ref(tn_op_t *op)
{
    return op;
}

void tn_op_release(tn_op_t *op)
{
    (void)op;
}

static void deliver(tn_request_t *r, const char *data, size_t bytes)
{
    size_t room = (size_t)r->count * (size_t)r->dt->size;
    if (bytes > room) {
        r->status.MPI_ERROR =
            tn_err_set(MPI_ERR_TRUNCATE, "receive truncated: %zu > %zu", bytes, room);
        bytes = room;
    }
    tn_dtype_unpack(r->dt, r->buf, r->count, 0, data, bytes);
    tn_request_complete(r);
}

static int matches(const tn_request_t *r, int src, int tag, int ctx)
{
    return r->peer == src && r->tag == tag && r->ctx_off == ctx;
}

int tn_p2p_isend(const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest, int tag,
                 tn_comm_t *comm, int ctx_off, int mode, tn_request_t **req)
{
    (void)mode;
    tn_request_t *s = tn_request_alloc(TN_REQ_SEND);
    s->buf = (void *)buf, s->count = count, s->dt = dt, s->peer = dest, s->tag = tag;
    *req = s;
    if (dest == MPI_PROC_NULL) {
        s->done = 1;
        return MPI_SUCCESS;
    }
    size_t bytes = (size_t)count * (size_t)dt->size;
    char *data = malloc(bytes + 1);
    tn_dtype_pack(dt, buf, count, 0, data, bytes);
    tn_request_t **pp = &posted[dest];
    while (*pp && !matches(*pp, comm->rank, tag, ctx_off))
        pp = &(*pp)->next;
    if (*pp) {
        tn_request_t *r = *pp;
        *pp = r->next;
        deliver(r, data, bytes);
        free(data);
        s->done = 1;
    } else {
        struct msg *m = calloc(1, sizeof(*m)), **mp = &unexpected[dest];
        *m = (struct msg){comm->rank, tag, ctx_off, eager ? NULL : s, data, bytes, NULL};
        while (*mp)
            mp = &(*mp)->next;
        *mp = m;
        s->done = eager;
    }
    pthread_cond_broadcast(&cv);
    return MPI_SUCCESS;
}

int tn_p2p_irecv(void *buf, MPI_Aint count, tn_datatype_t *dt, int src, int tag, tn_comm_t *comm,
                 int ctx_off, tn_request_t **req)
{
    tn_request_t *r = tn_request_alloc(TN_REQ_RECV);
    r->buf = buf, r->count = count, r->dt = dt, r->peer = src, r->tag = tag;
    r->ctx_off = ctx_off;
    *req = r;
    if (src == MPI_PROC_NULL) {
        r->done = 1;
        return MPI_SUCCESS;
    }
    struct msg **mp = &unexpected[comm->rank];
    while (*mp && !((*mp)->src == src && (*mp)->tag == tag && (*mp)->ctx == ctx_off))
        mp = &(*mp)->next;
    if (*mp) {
        struct msg *m = *mp;
        *mp = m->next;
        deliver(r, m->data, m->bytes);
        if (m->sreq)
            tn_request_complete(m->sreq);
        free(m->data);
        free(m);
    } else {
        tn_request_t **pp = &posted[comm->rank];
        while (*pp)
            pp = &(*pp)->next;
        *pp = r;
    }
    pthread_cond_broadcast(&cv);
    return MPI_SUCCESS;
}

int tn_p2p_cancel(tn_request_t *req)
{
    (void)req; /* schedules only cancel after a failed step, which never happens here */
    return MPI_SUCCESS;
}

/* Waits (giving up mu) until done(arg); started schedules advance meanwhile. */
int tn_progress_wait(int (*done)(void *arg), void *arg)
{
    for (;;) {
        if (tn_sched_nready)
            tn_sched_progress();
        if (done(arg))
            return MPI_SUCCESS;
        unsigned long seen = progress;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 20;
        if (pthread_cond_timedwait(&cv, &mu, &ts) && seen == progress) {
            fprintf(stderr, "deadlock: no progress for 20 s\n");
            abort();
        }
    }
}

static int request_done(void *arg)
{
    return ((tn_request_t *)arg)->done;
}

/* Waits for a started collective and frees its request; returns its error. */
static int wait_coll(tn_request_t *r)
{
    tn_progress_wait(request_done, r);
    int rc = r->status.MPI_ERROR;
    free(r);
    return rc;
}

/* ---- running p ranks ---- */

typedef void (*rank_fn)(tn_comm_t *comm, const void *arg);

struct thread_arg {
    tn_comm_t comm;
    rank_fn fn;
    const void *arg;
};

static int failures;
static char first_failure[256];

/* Called with mu held, by the rank threads. */
static void report(const char *fmt, ...)
{
    if (!failures++) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(first_failure, sizeof(first_failure), fmt, ap);
        va_end(ap);
    }
}

/* Checks in the rank threads only record failures; run() asserts afterwards. */
static void expect_ok(int rc, const char *what, int rank)
{
    if (rc)
        report("%s: rank %d got error %d", what, rank, rc);
}

static void *thread_main(void *p)
{
    struct thread_arg *t = p;
    pthread_mutex_lock(&mu);
    t->fn(&t->comm, t->arg);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void run(int p, rank_fn fn, const void *arg)
{
    pthread_t th[MAXP];
    struct thread_arg ta[MAXP];
    for (int r = 0; r < p; r++) {
        ta[r] = (struct thread_arg){.comm = {.rank = r, .size = p}, .fn = fn, .arg = arg};
        pthread_create(&th[r], NULL, thread_main, &ta[r]);
    }
    for (int r = 0; r < p; r++)
        pthread_join(th[r], NULL);
    for (int r = 0; r < p; r++) {
        ck_assert_msg(!unexpected[r], "rank %d: unmatched message left (p=%d)", r, p);
        ck_assert_msg(!posted[r], "rank %d: unmatched receive left (p=%d)", r, p);
    }
    ck_assert_msg(!failures, "p=%d eager=%d: %d failures, first: %s", p, eager, failures,
                  first_failure);
}

/* ---- buffers described by (count, type), filled from and read into ints ---- */

struct buf {
    void *mem;
    char *at;
};

static struct buf buf_new(MPI_Aint count, const tn_datatype_t *dt)
{
    MPI_Aint lo, hi;
    tn_coll_span(count, dt, &lo, &hi);
    struct buf b = {calloc(1, (size_t)(hi - lo) + 64), NULL};
    memset(b.mem, 0xee, (size_t)(hi - lo) + 64);
    b.at = (char *)b.mem + 32 - lo;
    return b;
}

static void put(char *at, MPI_Aint count, const tn_datatype_t *dt, const uint32_t *v)
{
    tn_dtype_unpack(dt, at, count, 0, v, (size_t)count * (size_t)dt->size);
}

static void get(const char *at, MPI_Aint count, const tn_datatype_t *dt, uint32_t *v)
{
    tn_dtype_pack(dt, at, count, 0, v, (size_t)count * (size_t)dt->size);
}

/* The value rank r contributes at int position j (valid for both ops). */
static uint32_t val(int r, MPI_Aint j)
{
    return (uint32_t)((2 * r + 3 + 2 * (j % 7)) << 16 | ((r * 31 + j) & 0xffff));
}

static int ints_of(MPI_Aint count, const tn_datatype_t *dt)
{
    return (int)((size_t)count * (size_t)dt->size / 4);
}

static void check_ints(const char *what, int rank, const uint32_t *got, const uint32_t *want, int n)
{
    for (int j = 0; j < n; j++) {
        if (got[j] != want[j]) {
            report("%s: rank %d int %d is 0x%x, expected 0x%x", what, rank, j, got[j], want[j]);
            return;
        }
    }
}

static const int sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17};
#define NSIZES (int)(sizeof(sizes) / sizeof(sizes[0]))
static tn_datatype_t *const types[] = {&t_int, &t_vec, &t_shift};

/* Forces algorithm algo of each of the n operations ops (those with fewer
 * algorithms keep their last) for the next runs. Returns 0, forcing nothing
 * any more, once algo is past the algorithms of all of them. */
static int force_algo(int algo, int n, const enum tn_coll_op *ops)
{
    int more = 0;
    for (int i = 0; i < n; i++)
        more |= algo < tn_coll_nalgos(ops[i]);
    for (int i = 0; i < n; i++) {
        int na = tn_coll_nalgos(ops[i]);
        tn_coll_force(ops[i], !more ? -1 : algo < na ? algo : na - 1);
    }
    return more;
}

#define FORCE_ALGO(algo, ...)                                                                      \
    force_algo(algo, (int)(sizeof((enum tn_coll_op[]){__VA_ARGS__}) / sizeof(enum tn_coll_op)),    \
               (enum tn_coll_op[]){__VA_ARGS__})

/* ---- barrier ---- */

static int arrived;

static void do_barrier(tn_comm_t *comm, const void *arg)
{
    (void)arg;
    for (int round = 1; round <= 3; round++) {
        __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
        expect_ok(tn_coll_barrier(comm), "barrier", comm->rank);
        if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < round * comm->size)
            report("barrier: rank %d left round %d early", comm->rank, round);
        expect_ok(tn_coll_barrier(comm), "barrier", comm->rank);
    }
}

START_TEST(barrier)
{
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_BARRIER); algo++) {
        for (int s = 0; s < NSIZES; s++) {
            arrived = 0;
            run(sizes[s], do_barrier, NULL);
        }
    }
}
END_TEST

/* ---- bcast ---- */

struct case_arg {
    MPI_Aint count;
    tn_datatype_t *dt, *dt2;
    int root;
    tn_op_t *op;
    int in_place;
};

static void do_bcast(tn_comm_t *comm, const void *arg)
{
    const struct case_arg *a = arg;
    int n = ints_of(a->count, a->dt);
    uint32_t *want = malloc(n * 4 + 4), *got = malloc(n * 4 + 4);
    for (int j = 0; j < n; j++)
        want[j] = val(a->root, j);
    struct buf b = buf_new(a->count, a->dt);
    if (comm->rank == a->root)
        put(b.at, a->count, a->dt, want);
    expect_ok(tn_coll_bcast(b.at, a->count, a->dt, a->root, comm), "bcast", comm->rank);
    get(b.at, a->count, a->dt, got);
    check_ints("bcast", comm->rank, got, want, n);
    free(b.mem), free(want), free(got);
}

START_TEST(bcast)
{
    static const MPI_Aint counts[] = {0, 1, 7, 5000};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_BCAST); algo++) {
        for (int s = 0; s < NSIZES; s++)
            for (int c = 0; c < 4; c++)
                for (int t = 0; t < 3; t++)
                    for (int root = 0; root < sizes[s]; root += 2) {
                        struct case_arg a = {.count = counts[c], .dt = types[t], .root = root};
                        run(sizes[s], do_bcast, &a);
                    }
        for (int s = 0; s < NSIZES; s++) {
            /* 1.2 MB: ten pieces of the pipeline, uneven chunks of the scatter. */
            struct case_arg a = {.count = 300000, .dt = &t_int, .root = sizes[s] - 1};
            run(sizes[s], do_bcast, &a);
        }
    }
}
END_TEST

/* ---- reductions ---- */

/* want[j] = v(0, j) op ... op v(last, j). */
static void fold(const tn_op_t *op, int last, int first_int, int n, uint32_t *want)
{
    for (int j = 0; j < n; j++) {
        uint32_t acc = val(0, first_int + j);
        for (int r = 1; r <= last; r++)
            acc = combine(op, acc, val(r, first_int + j));
        want[j] = acc;
    }
}

static void mine(int rank, int first_int, int n, uint32_t *v)
{
    for (int j = 0; j < n; j++)
        v[j] = val(rank, first_int + j);
}

enum red_kind { RED_REDUCE, RED_ALLREDUCE, RED_SCAN, RED_EXSCAN };

struct red_arg {
    struct case_arg c;
    enum red_kind kind;
};

static void do_reduction(tn_comm_t *comm, const void *arg)
{
    const struct red_arg *ra = arg;
    const struct case_arg *a = &ra->c;
    int n = ints_of(a->count, a->dt), rank = comm->rank, rc = MPI_SUCCESS;
    uint32_t *v = malloc(n * 4 + 4), *want = malloc(n * 4 + 4), *got = malloc(n * 4 + 4);
    struct buf sb = buf_new(a->count, a->dt), rb = buf_new(a->count, a->dt);
    int in_place = a->in_place && (ra->kind != RED_REDUCE || rank == a->root);
    mine(rank, 0, n, v);
    put(in_place ? rb.at : sb.at, a->count, a->dt, v);
    const void *s = in_place ? MPI_IN_PLACE : sb.at;
    switch (ra->kind) {
    case RED_REDUCE:
        rc = tn_coll_reduce(s, rb.at, a->count, a->dt, a->op, a->root, comm);
        break;
    case RED_ALLREDUCE:
        rc = tn_coll_allreduce(s, rb.at, a->count, a->dt, a->op, comm);
        break;
    case RED_SCAN:
        rc = tn_coll_scan(s, rb.at, a->count, a->dt, a->op, comm);
        break;
    case RED_EXSCAN:
        rc = tn_coll_exscan(s, rb.at, a->count, a->dt, a->op, comm);
        break;
    }
    expect_ok(rc, "reduction", rank);
    int last = ra->kind == RED_SCAN ? rank : ra->kind == RED_EXSCAN ? rank - 1 : comm->size - 1;
    int checked = ra->kind == RED_REDUCE ? rank == a->root : ra->kind != RED_EXSCAN || rank > 0;
    if (checked) {
        fold(a->op, last, 0, n, want);
        get(rb.at, a->count, a->dt, got);
        check_ints("reduction", rank, got, want, n);
    }
    if (!in_place) { /* the input is left alone */
        get(sb.at, a->count, a->dt, got);
        check_ints("reduction input", rank, got, v, n);
    }
    free(sb.mem), free(rb.mem), free(v), free(want), free(got);
}

static void reductions(enum red_kind kind, const MPI_Aint *counts, int ncounts)
{
    tn_op_t *ops[] = {&op_sum, &op_affine};
    for (int s = 0; s < NSIZES; s++)
        for (int c = 0; c < ncounts; c++)
            for (int t = 0; t < 3; t++)
                for (int o = 0; o < 2; o++)
                    for (int ip = 0; ip < 2; ip++)
                        for (int root = 0; root < sizes[s]; root += 3) {
                            struct red_arg a = {{.count = counts[c],
                                                 .dt = types[t],
                                                 .root = root,
                                                 .op = ops[o],
                                                 .in_place = ip},
                                                kind};
                            run(sizes[s], do_reduction, &a);
                            if (kind != RED_REDUCE)
                                break;
                        }
}

START_TEST(reduce)
{
    static const MPI_Aint counts[] = {0, 1, 7, 1000};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_REDUCE); algo++) {
        reductions(RED_REDUCE, counts, 4);
    }
}
END_TEST

START_TEST(allreduce)
{
    /* 3000 ints: Rabenseifner for the commutative op. */
    static const MPI_Aint counts[] = {0, 1, 7, 3000};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_ALLREDUCE); algo++) {
        reductions(RED_ALLREDUCE, counts, 4);
    }
}
END_TEST

START_TEST(scan)
{
    static const MPI_Aint counts[] = {0, 1, 5, 300};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_SCAN, TN_COLL_EXSCAN); algo++) {
        reductions(RED_SCAN, counts, 4);
        reductions(RED_EXSCAN, counts, 4);
    }
}
END_TEST

/* ---- gather, scatter (and v) ---- */

/* The count of elements of dt that make up `ints` ints. */
static MPI_Aint count_for(const tn_datatype_t *dt, int ints)
{
    return ints / (MPI_Aint)(dt->size / 4);
}

/* Rank r's block in the v-variants: its int count (even) and its displacement
 * in elements of the receive type (blocks in reverse rank order, with gaps). */
static int v_ints(int r, int base)
{
    return base ? 2 * ((r * 3 + base) % 5) : 0;
}

static MPI_Aint v_disp(int r, int p, int base, const tn_datatype_t *dt)
{
    MPI_Aint d = 1;
    for (int i = p - 1; i > r; i--)
        d += count_for(dt, v_ints(i, base)) + 2;
    return d;
}

struct gs_arg {
    int ints; /* per-rank block, in ints (even) */
    tn_datatype_t *st, *rt;
    int root, in_place, v;
};

static void do_gather(tn_comm_t *comm, const void *arg)
{
    const struct gs_arg *a = arg;
    int p = comm->size, rank = comm->rank, is_root = rank == a->root;
    int my_ints = a->v ? v_ints(rank, a->ints) : a->ints;
    MPI_Aint sc = count_for(a->st, my_ints), rc = count_for(a->rt, a->ints);
    MPI_Aint rcounts[MAXP], displs[MAXP], total = 0;
    for (int i = 0; i < p; i++) {
        rcounts[i] = a->v ? count_for(a->rt, v_ints(i, a->ints)) : rc;
        displs[i] = a->v ? v_disp(i, p, a->ints, a->rt) : i * rc;
        if (displs[i] + rcounts[i] > total)
            total = displs[i] + rcounts[i];
    }
    struct buf sb = buf_new(sc, a->st), rb = buf_new(total, a->rt);
    uint32_t *v = malloc(my_ints * 4 + 4);
    mine(rank, 0, my_ints, v);
    int in_place = a->in_place && is_root;
    char *my_block = rb.at + displs[rank] * a->rt->extent;
    if (in_place)
        put(my_block, rcounts[rank], a->rt, v);
    else
        put(sb.at, sc, a->st, v);
    const void *s = in_place ? MPI_IN_PLACE : sb.at;
    int err = a->v ? tn_coll_gatherv(s, sc, a->st, rb.at, rcounts, displs, a->rt, a->root, comm)
                   : tn_coll_gather(s, sc, a->st, rb.at, rc, a->rt, a->root, comm);
    expect_ok(err, "gather", comm->rank);
    if (is_root) {
        for (int i = 0; i < p; i++) {
            int n = ints_of(rcounts[i], a->rt);
            uint32_t *want = malloc(n * 4 + 4), *g = malloc(n * 4 + 4);
            mine(i, 0, n, want);
            get(rb.at + displs[i] * a->rt->extent, rcounts[i], a->rt, g);
            check_ints(a->v ? "gatherv" : "gather", i, g, want, n);
            free(want), free(g);
        }
    }
    free(sb.mem), free(rb.mem), free(v);
}

static void do_scatter(tn_comm_t *comm, const void *arg)
{
    const struct gs_arg *a = arg;
    int p = comm->size, rank = comm->rank, is_root = rank == a->root;
    int my_ints = a->v ? v_ints(rank, a->ints) : a->ints;
    MPI_Aint rc = count_for(a->rt, my_ints), sc = count_for(a->st, a->ints);
    MPI_Aint scounts[MAXP], displs[MAXP], total = 0;
    for (int i = 0; i < p; i++) {
        scounts[i] = a->v ? count_for(a->st, v_ints(i, a->ints)) : sc;
        displs[i] = a->v ? v_disp(i, p, a->ints, a->st) : i * sc;
        if (displs[i] + scounts[i] > total)
            total = displs[i] + scounts[i];
    }
    struct buf sb = buf_new(total, a->st), rb = buf_new(rc, a->rt);
    if (is_root) {
        for (int i = 0; i < p; i++) {
            int n = ints_of(scounts[i], a->st);
            uint32_t *v = malloc(n * 4 + 4);
            mine(i, 0, n, v);
            put(sb.at + displs[i] * a->st->extent, scounts[i], a->st, v);
            free(v);
        }
    }
    int in_place = a->in_place && is_root;
    void *r = in_place ? MPI_IN_PLACE : rb.at;
    int err = a->v ? tn_coll_scatterv(sb.at, scounts, displs, a->st, r, rc, a->rt, a->root, comm)
                   : tn_coll_scatter(sb.at, sc, a->st, r, rc, a->rt, a->root, comm);
    expect_ok(err, "scatter", comm->rank);
    if (!in_place) {
        uint32_t *want = malloc(my_ints * 4 + 4), *got = malloc(my_ints * 4 + 4);
        mine(rank, 0, my_ints, want);
        get(rb.at, rc, a->rt, got);
        check_ints(a->v ? "scatterv" : "scatter", rank, got, want, my_ints);
        free(want), free(got);
    }
    free(sb.mem), free(rb.mem);
}

static void gather_scatter(rank_fn fn, int v)
{
    static const int ints[] = {0, 2, 6, 1400};
    static tn_datatype_t *const pairs[][2] = {
        {&t_int, &t_int}, {&t_int, &t_vec}, {&t_vec, &t_shift}, {&t_shift, &t_vec}};
    for (int s = 0; s < NSIZES; s++)
        for (int c = 0; c < 4; c++)
            for (int t = 0; t < 4; t++)
                for (int ip = 0; ip < 2; ip++)
                    for (int root = 0; root < sizes[s]; root += 2) {
                        struct gs_arg a = {ints[c], pairs[t][0], pairs[t][1], root, ip, v};
                        run(sizes[s], fn, &a);
                    }
}

START_TEST(gather)
{
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_GATHER, TN_COLL_GATHERV); algo++) {
        gather_scatter(do_gather, 0);
        gather_scatter(do_gather, 1);
    }
}
END_TEST

START_TEST(scatter)
{
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_SCATTER, TN_COLL_SCATTERV); algo++) {
        gather_scatter(do_scatter, 0);
        gather_scatter(do_scatter, 1);
    }
}
END_TEST

/* ---- allgather(v) ---- */

static void do_allgather(tn_comm_t *comm, const void *arg)
{
    const struct gs_arg *a = arg;
    int p = comm->size, rank = comm->rank;
    int my_ints = a->v ? v_ints(rank, a->ints) : a->ints;
    MPI_Aint sc = count_for(a->st, my_ints), rc = count_for(a->rt, a->ints);
    MPI_Aint rcounts[MAXP], displs[MAXP], total = 0;
    for (int i = 0; i < p; i++) {
        rcounts[i] = a->v ? count_for(a->rt, v_ints(i, a->ints)) : rc;
        displs[i] = a->v ? v_disp(i, p, a->ints, a->rt) : i * rc;
        if (displs[i] + rcounts[i] > total)
            total = displs[i] + rcounts[i];
    }
    struct buf sb = buf_new(sc, a->st), rb = buf_new(total, a->rt);
    uint32_t *v = malloc(my_ints * 4 + 4);
    mine(rank, 0, my_ints, v);
    if (a->in_place)
        put(rb.at + displs[rank] * a->rt->extent, rcounts[rank], a->rt, v);
    else
        put(sb.at, sc, a->st, v);
    const void *s = a->in_place ? MPI_IN_PLACE : sb.at;
    int err = a->v ? tn_coll_allgatherv(s, sc, a->st, rb.at, rcounts, displs, a->rt, comm)
                   : tn_coll_allgather(s, sc, a->st, rb.at, rc, a->rt, comm);
    expect_ok(err, "allgather", comm->rank);
    for (int i = 0; i < p; i++) {
        int n = ints_of(rcounts[i], a->rt);
        uint32_t *want = malloc(n * 4 + 4), *g = malloc(n * 4 + 4);
        mine(i, 0, n, want);
        get(rb.at + displs[i] * a->rt->extent, rcounts[i], a->rt, g);
        check_ints(a->v ? "allgatherv" : "allgather", rank, g, want, n);
        free(want), free(g);
    }
    free(sb.mem), free(rb.mem), free(v);
}

START_TEST(allgather)
{
    /* 20000 ints: ring (p >= 8, or non-power-of-two p >= 2); 2 and 6: Bruck or doubling. */
    static const int ints[] = {0, 2, 6, 20000};
    static tn_datatype_t *const pairs[][2] = {
        {&t_int, &t_int}, {&t_int, &t_vec}, {&t_vec, &t_shift}};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_ALLGATHER, TN_COLL_ALLGATHERV); algo++) {
        for (int s = 0; s < NSIZES; s++)
            for (int c = 0; c < 4; c++)
                for (int t = 0; t < 3; t++)
                    for (int ip = 0; ip < 2; ip++)
                        for (int v = 0; v < 2; v++) {
                            struct gs_arg a = {ints[c], pairs[t][0], pairs[t][1], 0, ip, v};
                            run(sizes[s], do_allgather, &a);
                        }
    }
}
END_TEST

/* ---- alltoall(v, w) ---- */

/* Ints rank r sends to rank d (even): fixed `base` for alltoall, varying for v/w
 * (the same both ways in place, where a block is sent and received at once). */
static int a2a_ints(int r, int d, int base, int v, int in_place)
{
    return !v ? base : in_place ? 2 * ((r + d + r * d + base) % 4) : 2 * ((r + 2 * d + base) % 4);
}

/* Value j of the block from r to d. */
static uint32_t a2a_val(int r, int d, int j)
{
    return val(r, j) ^ (uint32_t)(d << 8);
}

enum a2a_kind { A2A, A2AV, A2AW };

struct a2a_arg {
    int ints;
    tn_datatype_t *st, *rt;
    int in_place;
    enum a2a_kind kind;
};

/* Block layout of one side: counts and displacements (elements; bytes for w)
 * of the block exchanged with each peer, in reverse order with gaps for v/w. */
static MPI_Aint layout(const struct a2a_arg *a, int me, int p, int send, MPI_Aint *counts,
                       MPI_Aint *displs, tn_datatype_t **types)
{
    MPI_Aint end = 0, pos = 1;
    for (int k = p - 1; k >= 0; k--) {
        int ints = send ? a2a_ints(me, k, a->ints, a->kind != A2A, a->in_place)
                        : a2a_ints(k, me, a->ints, a->kind != A2A, a->in_place);
        /* alltoallw: alternate the types per peer. */
        tn_datatype_t *dt = send ? a->st : a->rt;
        if (a->kind == A2AW && k % 2)
            dt = send ? a->rt : a->st;
        types[k] = dt;
        counts[k] = count_for(dt, ints);
        if (a->kind == A2A) {
            displs[k] = k * counts[k];
        } else if (a->kind == A2AV) {
            displs[k] = pos;
            pos += counts[k] + 1;
        } else {
            displs[k] = pos * 16;
            pos += counts[k] + 1;
        }
        MPI_Aint e = a->kind == A2AW ? displs[k] / 16 + counts[k] : displs[k] + counts[k];
        if (e > end)
            end = e;
    }
    return end;
}

static char *block_at(const struct a2a_arg *a, char *buf, MPI_Aint displ, const tn_datatype_t *dt)
{
    return a->kind == A2AW ? buf + displ : buf + displ * dt->extent;
}

static void do_alltoall(tn_comm_t *comm, const void *arg)
{
    const struct a2a_arg *a = arg;
    int p = comm->size, rank = comm->rank;
    MPI_Aint sc[MAXP], sd[MAXP], rc[MAXP], rd[MAXP];
    tn_datatype_t *stypes[MAXP], *rtypes[MAXP];
    /* For alltoallw every element is 16 bytes apart at most: size buffers in vec elements. */
    MPI_Aint send_n = layout(a, rank, p, 1, sc, sd, stypes);
    MPI_Aint recv_n = layout(a, rank, p, 0, rc, rd, rtypes);
    tn_datatype_t *sbt = a->kind == A2AW ? &t_vec : a->st, *rbt = a->kind == A2AW ? &t_vec : a->rt;
    struct buf sb = buf_new(send_n + 1, sbt), rb = buf_new(recv_n + 1, rbt);
    char *fill = a->in_place ? rb.at : sb.at;
    for (int d = 0; d < p; d++) {
        /* In place, the send blocks are the receive blocks. */
        MPI_Aint cnt = a->in_place ? rc[d] : sc[d], dsp = a->in_place ? rd[d] : sd[d];
        tn_datatype_t *dt = a->in_place ? rtypes[d] : stypes[d];
        int n = ints_of(cnt, dt);
        uint32_t *v = malloc(n * 4 + 4);
        for (int j = 0; j < n; j++)
            v[j] = a2a_val(rank, d, j);
        put(block_at(a, fill, dsp, dt), cnt, dt, v);
        free(v);
    }
    const void *s = a->in_place ? MPI_IN_PLACE : sb.at;
    int err = MPI_SUCCESS;
    if (a->kind == A2A)
        err = tn_coll_alltoall(s, sc[0], a->st, rb.at, rc[0], a->rt, comm);
    else if (a->kind == A2AV)
        err = tn_coll_alltoallv(s, sc, sd, a->st, rb.at, rc, rd, a->rt, comm);
    else
        err = tn_coll_alltoallw(s, sc, sd, stypes, rb.at, rc, rd, rtypes, comm);
    expect_ok(err, "alltoall", comm->rank);
    for (int k = 0; k < p; k++) {
        int n = ints_of(rc[k], rtypes[k]);
        uint32_t *want = malloc(n * 4 + 4), *g = malloc(n * 4 + 4);
        for (int j = 0; j < n; j++)
            want[j] = a2a_val(k, rank, j);
        get(block_at(a, rb.at, rd[k], rtypes[k]), rc[k], rtypes[k], g);
        check_ints("alltoall", rank, g, want, n);
        free(want), free(g);
    }
    free(sb.mem), free(rb.mem);
}

START_TEST(alltoall)
{
    /* 9000 ints = 36000-byte blocks: pairwise exchange. */
    static const int ints[] = {0, 2, 6, 9000};
    static tn_datatype_t *const pairs[][2] = {
        {&t_int, &t_int}, {&t_int, &t_vec}, {&t_vec, &t_shift}};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_ALLTOALL, TN_COLL_ALLTOALLV, TN_COLL_ALLTOALLW);
         algo++) {
        for (int s = 0; s < NSIZES; s++)
            for (int c = 0; c < 4; c++)
                for (int t = 0; t < 3; t++)
                    for (int ip = 0; ip < 2; ip++)
                        for (int k = A2A; k <= A2AW; k++) {
                            if (ip && pairs[t][0] != pairs[t][1])
                                continue; /* in place, one type describes both sides */
                            struct a2a_arg a = {ints[c], pairs[t][0], pairs[t][1], ip, k};
                            if (k != A2A && ints[c] > 6)
                                continue;
                            run(sizes[s], do_alltoall, &a);
                        }
    }
}
END_TEST

/* ---- reduce_scatter(_block) ---- */

static void do_reduce_scatter(tn_comm_t *comm, const void *arg)
{
    const struct case_arg *a = arg;
    int p = comm->size, rank = comm->rank, block = a->root; /* root: 1 for the _block form */
    MPI_Aint counts[MAXP], total = 0, first = 0;
    for (int i = 0; i < p; i++) {
        counts[i] = block ? a->count : a->count * (i % 3);
        if (i < rank)
            first += counts[i];
        total += counts[i];
    }
    int n = ints_of(total, a->dt), per = (int)(a->dt->size / 4);
    int mn = ints_of(counts[rank], a->dt);
    uint32_t *v = malloc(n * 4 + 4), *want = malloc(mn * 4 + 4), *got = malloc(mn * 4 + 4);
    struct buf sb = buf_new(total, a->dt), rb = buf_new(total, a->dt);
    mine(rank, 0, n, v);
    put(a->in_place ? rb.at : sb.at, total, a->dt, v);
    const void *s = a->in_place ? MPI_IN_PLACE : sb.at;
    int err = block ? tn_coll_reduce_scatter_block(s, rb.at, a->count, a->dt, a->op, comm)
                    : tn_coll_reduce_scatter(s, rb.at, counts, a->dt, a->op, comm);
    expect_ok(err, "reduce_scatter", comm->rank);
    fold(a->op, p - 1, (int)first * per, mn, want);
    get(rb.at, counts[rank], a->dt, got);
    check_ints("reduce_scatter", rank, got, want, mn);
    free(sb.mem), free(rb.mem), free(v), free(want), free(got);
}

START_TEST(reduce_scatter)
{
    /* About 300000 ints in all: pairwise exchange for the commutative op. */
    tn_op_t *ops[] = {&op_sum, &op_affine};
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_REDUCE_SCATTER, TN_COLL_REDUCE_SCATTER_BLOCK);
         algo++) {
        for (int s = 0; s < NSIZES; s++)
            for (int big = 0; big < 2; big++)
                for (int t = 0; t < 3; t++)
                    for (int o = 0; o < 2; o++)
                        for (int ip = 0; ip < 2; ip++)
                            for (int block = 0; block < 2; block++) {
                                MPI_Aint count = big ? 300000 / sizes[s] : 3;
                                if (big && t)
                                    continue;
                                struct case_arg a = {.count = count,
                                                     .dt = types[t],
                                                     .root = block,
                                                     .op = ops[o],
                                                     .in_place = ip};
                                run(sizes[s], do_reduce_scatter, &a);
                            }
    }
}
END_TEST

/* ---- several schedules in flight, persistent schedules ---- */

/* Each rank starts an allreduce (non-commutative op), a bcast, a barrier, an
 * allgather and an allreduce with the sum, then completes them in reverse
 * order; then runs a persistent allreduce three times on new inputs. */
static void do_nonblocking(tn_comm_t *comm, const void *arg)
{
    enum { N1 = 7, N2 = 3000, NB = 1000 };
    int p = comm->size, rank = comm->rank, root = p / 2;
    (void)arg;
    uint32_t in1[N1], out1[N1], want[N2], *in2 = malloc(N2 * 4), *out2 = malloc(N2 * 4);
    uint32_t *bc = malloc(NB * 4), ag[MAXP * 2];
    for (int j = 0; j < N1; j++)
        in1[j] = val(rank, j);
    for (int j = 0; j < N2; j++)
        in2[j] = val(rank, j);
    for (int j = 0; j < NB; j++)
        bc[j] = rank == root ? val(root, j) : 0;
    uint32_t mine2[2] = {val(rank, 0), val(rank, 1)};
    tn_request_t *reqs[5];
    tn_sched_t *s;
    int err = 0;
    for (int i = 0; i < 5; i++) {
        err |= tn_sched_create(comm, "test", &s);
        switch (i) {
        case 0:
            err |= tn_coll_allreduce_sched(s, in1, out1, N1, &t_int, &op_affine);
            break;
        case 1:
            err |= tn_coll_bcast_sched(s, bc, NB, &t_int, root);
            break;
        case 2:
            err |= tn_coll_barrier_sched(s);
            break;
        case 3:
            err |= tn_coll_allgather_sched(s, mine2, 2, &t_int, ag, 2, &t_int);
            break;
        default:
            err |= tn_coll_allreduce_sched(s, in2, out2, N2, &t_int, &op_sum);
        }
        err |= tn_sched_start(s, &reqs[i]);
    }
    for (int i = 4; i >= 0; i--)
        err |= wait_coll(reqs[i]);
    expect_ok(err, "nonblocking", rank);
    fold(&op_affine, p - 1, 0, N1, want);
    check_ints("iallreduce (affine)", rank, out1, want, N1);
    fold(&op_sum, p - 1, 0, N2, want);
    check_ints("iallreduce (sum)", rank, out2, want, N2);
    for (int j = 0; j < NB; j++)
        want[j] = val(root, j);
    check_ints("ibcast", rank, bc, want, NB);
    for (int r = 0; r < p; r++) {
        uint32_t w[2] = {val(r, 0), val(r, 1)};
        check_ints("iallgather", rank, ag + 2 * r, w, 2);
    }

    tn_request_t *preq;
    err = tn_sched_create(comm, "test", &s);
    err |= tn_coll_allreduce_sched(s, in2, out2, N2, &t_int, &op_sum);
    err |= tn_sched_persist(s, &preq);
    for (int round = 0; round < 3; round++) {
        for (int j = 0; j < N2; j++)
            in2[j] = val(rank, j) + (uint32_t)round;
        err |= tn_sched_restart(preq);
        tn_progress_wait(request_done, preq->inner);
        err |= preq->inner->status.MPI_ERROR;
        free(preq->inner);
        preq->inner = NULL;
        fold(&op_sum, p - 1, 0, N2, want);
        for (int j = 0; j < N2; j++)
            want[j] += (uint32_t)(round * p);
        check_ints("persistent allreduce", rank, out2, want, N2);
    }
    tn_sched_persist_free(preq);
    free(preq);
    expect_ok(err, "persistent", rank);
    free(in2), free(out2), free(bc);
}

START_TEST(nonblocking)
{
    eager = _i;
    for (int algo = 0; FORCE_ALGO(algo, TN_COLL_ALLREDUCE, TN_COLL_BCAST); algo++)
        for (int s = 0; s < NSIZES; s++)
            run(sizes[s], do_nonblocking, NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("coll_algos");
    TCase *tc = tcase_create("algorithms");
    tcase_set_timeout(tc, 600);
    /* Loop index 0: rendezvous sends, 1: eager sends. */
    tcase_add_loop_test(tc, barrier, 0, 2);
    tcase_add_loop_test(tc, bcast, 0, 2);
    tcase_add_loop_test(tc, reduce, 0, 2);
    tcase_add_loop_test(tc, allreduce, 0, 2);
    tcase_add_loop_test(tc, scan, 0, 2);
    tcase_add_loop_test(tc, gather, 0, 2);
    tcase_add_loop_test(tc, scatter, 0, 2);
    tcase_add_loop_test(tc, allgather, 0, 2);
    tcase_add_loop_test(tc, alltoall, 0, 2);
    tcase_add_loop_test(tc, reduce_scatter, 0, 2);
    tcase_add_loop_test(tc, nonblocking, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tn_coll_select_init(0); /* before the tests force algorithms */
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
