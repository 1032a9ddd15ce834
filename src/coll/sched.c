/* The schedule engine (see sched.h).
 *
 * A schedule is an array of steps and a cursor. Advancing runs steps from the
 * cursor: sends and receives are posted, local steps run, and a fence stops
 * the run while any operation posted in the round is still pending. The p2p
 * requests of a round count down s->pending through their on_done hook; the
 * hook only counts (it may run inside a provider's progress call), so the next
 * round is posted by tn_sched_run's loop (blocking) or tn_sched_progress
 * (started schedules, called by the progress engine after a transport pass).
 *
 * Schedules are recycled through a small free list and carry their first
 * steps, requests and scratch inline, so a short blocking collective
 * allocates nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/progress.h"
#include "coll/util.h"
#include "p2p/p2p.h"

enum step_kind { ST_SEND, ST_RECV, ST_REDUCE, ST_COPY, ST_FENCE };

struct step {
    enum step_kind kind;
    int peer;               /* send, recv */
    int local;              /* send, recv: in the local group of an intercommunicator */
    const void *src;        /* send buffer, reduce/copy input */
    void *dst;              /* recv buffer, reduce inout, copy output */
    MPI_Aint count, dcount; /* dcount: copy output count */
    tn_datatype_t *dt;
    union {
        tn_datatype_t *ddt; /* copy output type */
        tn_op_t *op;        /* reduce */
    };
};

/* A malloc'd scratch block. */
struct mem {
    void *p;
    size_t len;
};

/* A reference kept by tn_sched_hold. */
struct hold {
    tn_datatype_t *dt;
    tn_op_t *op;
};

#define SCHED_INLINE_STEPS 16
#define SCHED_INLINE_REQS 8
#define SCHED_INLINE_SCRATCH 512
#define SCHED_FREE_MAX 4
/* Tags of schedules: 1 .. SCHED_TAG_MASK + 1, cycling. Other internal traffic
 * on the collective context uses tags above this range. */
#define SCHED_TAG_MASK 0x0fffffffu

struct tn_sched {
    tn_comm_t *comm;
    const char *fname;
    int tag;
    int ltag;  /* intercommunicators: the tag of steps in the local group */
    int local; /* building steps in the local group (tn_sched_local) */
    int rc; /* first error */
    struct step *steps;
    int nsteps, cap, next; /* next: the first step not run yet */
    tn_request_t **reqs;   /* the current round's requests */
    int nreqs, reqcap;
    int pending; /* of reqs, those not complete yet */
    struct mem *mems; /* malloc'd scratch */
    int nmems, memcap;
    struct hold *holds;
    int nholds, holdcap;
    int ran; /* run or started at least once */
    size_t inl_used;
    tn_request_t *req;     /* started: the request that completes with s */
    tn_request_t *persist; /* persistent: the owning request */
    int orphan;            /* persistent request freed while running */
    int started;           /* on the active list */
    struct tn_sched *prev, *nextq;
    union { /* aligned for any element type */
        max_align_t align;
        char bytes[SCHED_INLINE_SCRATCH];
    } inl;
    struct step inl_steps[SCHED_INLINE_STEPS];
    tn_request_t *inl_reqs[SCHED_INLINE_REQS];
};

static tn_sched_t *free_scheds;
static int nfree;

/* DESIGN: scratch outlives its schedule in a small cache. Freed at once, a
 * large block went back to the kernel (glibc trims the heap) and the next
 * call faulted its pages in again: a 1 MiB MPI_Reduce at 2 ranks took 620 us,
 * 80 us with the cache. It keeps the SCRATCH_KEEP largest blocks of at most
 * SCRATCH_KEEP_MAX bytes (beyond, the copy dwarfs the page faults). */
#define SCRATCH_KEEP 4
#define SCRATCH_KEEP_MAX (16u << 20)
static struct mem kept[SCRATCH_KEEP];

/* The smallest kept block of at least n bytes, else a new one. */
static struct mem scratch_take(size_t n)
{
    int best = -1;
    for (int i = 0; i < SCRATCH_KEEP; i++)
        if (kept[i].p && kept[i].len >= n && (best < 0 || kept[i].len < kept[best].len))
            best = i;
    if (best < 0)
        return (struct mem){malloc(n ? n : 1), n};
    struct mem m = kept[best];
    kept[best].p = NULL;
    return m;
}

/* Keeps m in place of a free entry or of a smaller block, or frees it. */
static void scratch_give(struct mem m)
{
    int small = 0;
    for (int i = 0; i < SCRATCH_KEEP; i++) {
        if (!kept[i].p) {
            small = i;
            break;
        }
        if (kept[i].len < kept[small].len)
            small = i;
    }
    if (m.len <= SCRATCH_KEEP_MAX && (!kept[small].p || kept[small].len < m.len)) {
        free(kept[small].p);
        kept[small] = m;
    } else {
        free(m.p);
    }
}

void *tn_sched_scratch_take(size_t n, size_t *len)
{
    struct mem m = scratch_take(n);
    *len = m.len;
    return m.p;
}

void tn_sched_scratch_give(void *p, size_t len)
{
    if (p)
        scratch_give((struct mem){p, len});
}
static tn_sched_t *active; /* started schedules */
int tn_sched_nready;       /* started schedules whose round is complete */

int tn_sched_create(tn_comm_t *comm, const char *fname, tn_sched_t **out)
{
    tn_sched_t *s = free_scheds;
    if (s) {
        free_scheds = s->nextq;
        nfree--;
    } else if (!(s = malloc(sizeof(*s)))) {
        return TN_ERR_SETMEM(fname);
    }
    s->comm = comm;
    s->fname = fname;
    s->tag = (int)(comm->coll_tag++ & SCHED_TAG_MASK) + 1;
    /* every member of the local group draws it, used or not, to stay in step */
    s->ltag = comm->local_comm ? (int)(comm->local_comm->coll_tag++ & SCHED_TAG_MASK) + 1 : 0;
    s->local = 0;
    s->rc = MPI_SUCCESS;
    s->steps = s->inl_steps;
    s->nsteps = s->next = 0;
    s->cap = SCHED_INLINE_STEPS;
    s->reqs = s->inl_reqs;
    s->nreqs = s->pending = 0;
    s->reqcap = SCHED_INLINE_REQS;
    s->mems = NULL;
    s->nmems = s->memcap = 0;
    s->holds = NULL;
    s->nholds = s->holdcap = s->ran = 0;
    s->inl_used = 0;
    s->req = s->persist = NULL;
    s->orphan = s->started = 0;
    s->prev = s->nextq = NULL;
    *out = s;
    return MPI_SUCCESS;
}

tn_comm_t *tn_sched_comm(const tn_sched_t *s)
{
    return s->local ? s->comm->local_comm : s->comm;
}

void tn_sched_local(tn_sched_t *s, int on)
{
    s->local = on && s->comm->local_comm;
}

void tn_sched_free(tn_sched_t *s)
{
    if (!s->ran) {
        s->comm->coll_tag--;
        if (s->comm->local_comm)
            s->comm->local_comm->coll_tag--;
    }
    for (int i = 0; i < s->nholds; i++) {
        if (s->holds[i].dt)
            tn_datatype_release(s->holds[i].dt);
        if (s->holds[i].op)
            tn_op_release(s->holds[i].op);
    }
    if (s->holds)
        free(s->holds);
    if (s->mems) {
        for (int i = 0; i < s->nmems; i++)
            scratch_give(s->mems[i]);
        free(s->mems);
    }
    if (s->steps != s->inl_steps)
        free(s->steps);
    if (s->reqs != s->inl_reqs)
        free(s->reqs);
    if (nfree < SCHED_FREE_MAX) {
        s->nextq = free_scheds;
        free_scheds = s;
        nfree++;
    } else {
        free(s);
    }
}

/* ---- building ---- */

/* Grows *arr (inline at first) to hold one more element of size sz. */
static int grow(void **arr, int *cap, int n, size_t sz, const void *inl, const char *fname)
{
    if (n < *cap)
        return MPI_SUCCESS;
    int ncap = *cap ? 2 * *cap : 8;
    int was_inline = inl && *arr == inl;
    void *a = was_inline ? malloc((size_t)ncap * sz) : realloc(*arr, (size_t)ncap * sz);
    if (!a)
        return TN_ERR_SETMEM(fname);
    if (was_inline)
        memcpy(a, inl, (size_t)n * sz);
    *arr = a;
    *cap = ncap;
    return MPI_SUCCESS;
}

/* A new step at the end of s; NULL when out of memory. */
static inline struct step *add(tn_sched_t *s)
{
    if (__builtin_expect(s->nsteps == s->cap, 0) &&
        grow((void **)&s->steps, &s->cap, s->nsteps, sizeof(struct step), s->inl_steps, s->fname))
        return NULL;
    return &s->steps[s->nsteps++];
}

/* The step adders: add() has recorded the out-of-memory message. */

int tn_sched_send(tn_sched_t *s, const void *buf, MPI_Aint count, tn_datatype_t *dt, int peer)
{
    struct step *st;
    if (peer == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (!(st = add(s)))
        return MPI_ERR_NO_MEM;
    st->kind = ST_SEND;
    st->peer = peer;
    st->local = s->local;
    st->src = buf;
    st->count = count;
    st->dt = dt;
    return MPI_SUCCESS;
}

int tn_sched_recv(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt, int peer)
{
    struct step *st;
    if (peer == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (!(st = add(s)))
        return MPI_ERR_NO_MEM;
    st->kind = ST_RECV;
    st->peer = peer;
    st->local = s->local;
    st->dst = buf;
    st->count = count;
    st->dt = dt;
    return MPI_SUCCESS;
}

int tn_sched_reduce(tn_sched_t *s, const void *in, void *inout, MPI_Aint count, tn_datatype_t *dt,
                    tn_op_t *op)
{
    struct step *st;
    if (count == 0)
        return MPI_SUCCESS;
    if (!(st = add(s)))
        return MPI_ERR_NO_MEM;
    st->kind = ST_REDUCE;
    st->src = in;
    st->dst = inout;
    st->count = count;
    st->dt = dt;
    st->op = op;
    return MPI_SUCCESS;
}

int tn_sched_copy(tn_sched_t *s, const void *src, MPI_Aint scount, tn_datatype_t *sdt, void *dst,
                  MPI_Aint dcount, tn_datatype_t *ddt)
{
    struct step *st;
    if (src == dst && sdt == ddt && scount == dcount)
        return MPI_SUCCESS;
    if (!(st = add(s)))
        return MPI_ERR_NO_MEM;
    st->kind = ST_COPY;
    st->src = src;
    st->count = scount;
    st->dt = sdt;
    st->dst = dst;
    st->dcount = dcount;
    st->ddt = ddt;
    return MPI_SUCCESS;
}

int tn_sched_fence(tn_sched_t *s)
{
    /* A fence after nothing, or after another fence, has no effect. */
    struct step *st;
    if (s->nsteps == 0 || s->steps[s->nsteps - 1].kind == ST_FENCE)
        return MPI_SUCCESS;
    if (!(st = add(s)))
        return MPI_ERR_NO_MEM;
    st->kind = ST_FENCE;
    return MPI_SUCCESS;
}

int tn_sched_hold(tn_sched_t *s, tn_datatype_t *dt, tn_op_t *op)
{
    int rc = grow((void **)&s->holds, &s->holdcap, s->nholds, sizeof(*s->holds), NULL, s->fname);
    if (rc)
        return rc;
    s->holds[s->nholds++] =
        (struct hold){dt ? tn_datatype_ref(dt) : NULL, op ? tn_op_ref(op) : NULL};
    return MPI_SUCCESS;
}

int tn_sched_scratch_bytes(tn_sched_t *s, size_t nbytes, void **buf)
{
    size_t al = sizeof(max_align_t), at = (s->inl_used + al - 1) / al * al;
    if (at + nbytes <= sizeof(s->inl.bytes)) {
        *buf = s->inl.bytes + at;
        s->inl_used = at + nbytes;
        return MPI_SUCCESS;
    }
    int rc = grow((void **)&s->mems, &s->memcap, s->nmems, sizeof(*s->mems), NULL, s->fname);
    if (rc)
        return rc;
    struct mem m = scratch_take(nbytes);
    if (!m.p)
        return tn_err_set(MPI_ERR_NO_MEM, "%s: out of memory for a %zu-byte temporary buffer",
                          s->fname, nbytes);
    s->mems[s->nmems++] = m;
    *buf = m.p;
    return MPI_SUCCESS;
}

int tn_sched_scratch(tn_sched_t *s, MPI_Aint count, const tn_datatype_t *dt, void **buf)
{
    MPI_Aint lo, hi;
    void *start;
    tn_coll_span(count, dt, &lo, &hi);
    int rc = tn_sched_scratch_bytes(s, (size_t)(hi - lo), &start);
    if (!rc)
        *buf = (char *)start - lo;
    return rc;
}

/* ---- running ---- */

static void step_done(tn_request_t *r)
{
    tn_sched_t *s = r->cb_arg;
    if (--s->pending == 0 && s->started)
        tn_sched_nready++;
}

/* Frees the finished requests of the round; the first error goes to s->rc. */
static void round_end(tn_sched_t *s)
{
    for (int i = 0; i < s->nreqs; i++) {
        tn_request_t *r = s->reqs[i];
        if (!s->rc && r->status.MPI_ERROR)
            s->rc = r->status.MPI_ERROR;
        tn_request_free(r);
    }
    s->nreqs = 0;
}

static int post(tn_sched_t *s, const struct step *st)
{
    tn_request_t *r;
    int rc;
    if (__builtin_expect(s->nreqs == s->reqcap, 0) &&
        (rc = grow((void **)&s->reqs, &s->reqcap, s->nreqs, sizeof(r), s->inl_reqs, s->fname)))
        return rc;
    tn_comm_t *c = st->local ? s->comm->local_comm : s->comm;
    int tag = st->local ? s->ltag : s->tag;
    rc = st->kind == ST_SEND ? tn_p2p_isend(st->src, st->count, st->dt, st->peer, tag, c,
                                            TN_CTX_COLL, TN_SEND_STD, &r)
                             : tn_p2p_irecv(st->dst, st->count, st->dt, st->peer, tag, c,
                                            TN_CTX_COLL, &r);
    if (rc)
        return rc;
    s->reqs[s->nreqs++] = r;
    if (!r->done) {
        r->on_done = step_done;
        r->cb_arg = s;
        s->pending++;
    }
    return MPI_SUCCESS;
}

/* Runs steps until a fence must wait or the schedule ends. Returns 1 when
 * the schedule has ended (s->rc says how), 0 when it waits. */
static int advance(tn_sched_t *s)
{
    int i = s->next, n = s->nsteps;
    for (; i < n && !s->rc; i++) {
        const struct step *st = &s->steps[i];
        int rc = MPI_SUCCESS;
        switch (st->kind) {
        case ST_SEND:
        case ST_RECV:
            rc = post(s, st);
            break;
        case ST_REDUCE:
            rc = tn_op_apply(st->op, st->src, st->dst, st->count, st->dt);
            break;
        case ST_COPY:
            rc = tn_dtype_copy(st->src, st->count, st->dt, st->dst, st->dcount, st->ddt);
            break;
        case ST_FENCE:
            if (s->pending) {
                s->next = i;
                return 0;
            }
            round_end(s);
            break;
        }
        if (rc && !s->rc)
            s->rc = rc;
    }
    s->next = i;
    if (s->rc && s->pending) {
        /* Failed: cancel what can be cancelled, then wait for the rest. */
        for (int k = 0; k < s->nreqs; k++)
            if (!s->reqs[k]->done)
                tn_p2p_cancel(s->reqs[k]);
        s->next = n;
    }
    if (s->pending)
        return 0;
    round_end(s);
    return 1;
}

static int round_done(void *arg)
{
    return ((tn_sched_t *)arg)->pending == 0;
}

int tn_sched_run(tn_sched_t *s)
{
    s->ran = 1;
    while (!advance(s)) {
        int rc = tn_progress_wait(round_done, s);
        if (rc) {
            /* A transport failed: the requests may never complete; leave them. */
            for (int i = 0; i < s->nreqs; i++)
                if (s->reqs[i]->done)
                    tn_request_free(s->reqs[i]);
                else
                    s->reqs[i]->on_done = NULL, s->reqs[i]->freed = 1;
            s->nreqs = s->pending = 0;
            tn_sched_free(s);
            return rc;
        }
    }
    int rc = s->rc;
    tn_sched_free(s);
    return rc;
}

/* ---- started schedules ---- */

static void unlink_active(tn_sched_t *s)
{
    if (s->prev)
        s->prev->nextq = s->nextq;
    else
        active = s->nextq;
    if (s->nextq)
        s->nextq->prev = s->prev;
    s->prev = s->nextq = NULL;
    s->started = 0;
}

/* s has ended: completes its request; frees s unless a persistent request keeps it. */
static void finish(tn_sched_t *s)
{
    tn_request_t *r = s->req;
    unlink_active(s);
    s->req = NULL;
    tn_status_set_empty(&r->status);
    r->status.MPI_ERROR = s->rc;
    if (!s->persist || s->orphan)
        tn_sched_free(s);
    tn_request_complete(r);
}

/* Puts s on the active list and runs its first round. */
static int launch(tn_sched_t *s, tn_request_t **req)
{
    tn_request_t *r = tn_request_alloc(TN_REQ_COLL);
    if (!r)
        return TN_ERR_SETMEM(s->fname);
    r->comm = tn_comm_ref(s->comm);
    s->req = r;
    s->ran = 1;
    s->next = 0;
    s->rc = MPI_SUCCESS;
    s->started = 1;
    s->nextq = active;
    if (active)
        active->prev = s;
    active = s;
    *req = r;
    if (advance(s))
        finish(s);
    return MPI_SUCCESS;
}

int tn_sched_start(tn_sched_t *s, tn_request_t **req)
{
    int rc = launch(s, req);
    if (rc)
        tn_sched_free(s);
    return rc;
}

int tn_sched_persist(tn_sched_t *s, tn_request_t **req)
{
    tn_request_t *r = tn_request_alloc(TN_REQ_PERSISTENT);
    if (!r) {
        int rc = TN_ERR_SETMEM(s->fname);
        tn_sched_free(s);
        return rc;
    }
    r->comm = tn_comm_ref(s->comm);
    r->ctx_off = TN_CTX_COLL;
    r->cb_arg = s;
    s->persist = r;
    s->ran = 1; /* the tag is the request's now */
    *req = r;
    return MPI_SUCCESS;
}

int tn_sched_restart(tn_request_t *req)
{
    tn_sched_t *s = req->cb_arg;
    tn_request_t *op;
    int rc = launch(s, &op);
    if (rc)
        return rc;
    req->inner = op;
    req->active = 1;
    return MPI_SUCCESS;
}

void tn_sched_persist_free(tn_request_t *req)
{
    tn_sched_t *s = req->cb_arg;
    if (s->started)
        s->orphan = 1; /* freed by finish() */
    else
        tn_sched_free(s);
    req->cb_arg = NULL;
}

int tn_sched_progress(void)
{
    static int busy; /* a user op that progresses must not re-enter */
    int n = 0;
    if (busy)
        return 0;
    busy = 1;
    while (tn_sched_nready) {
        tn_sched_nready = 0;
        /* finish() unlinks s, and advancing may complete further rounds at once. */
        for (tn_sched_t *s = active, *nx; s; s = nx) {
            nx = s->nextq;
            if (s->pending)
                continue;
            n++;
            if (advance(s))
                finish(s);
        }
    }
    busy = 0;
    return n;
}
