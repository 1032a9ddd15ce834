/* Node-local collectives (node.h) through the node memory of the provider.
 *
 * Node memory holds up to TN_COLL_NODE_AREAS areas, each claimed by one
 * communicator at a time: on a communicator's first call that qualifies,
 * its rank 0 claims a free area (an atomic flag in the area's control line)
 * and the members agree on it, or on doing without, by an allreduce over
 * p2p; the last member to free the communicator clears the area and gives it
 * back. An area is two sets of slots, one slot per rank; each call is a
 * generation g (counted by every member alike) and uses set g % 2. A rank
 * publishes g by storing it (release) in the sequence word of its slot of
 * that set, after the data:
 *   allreduce  every rank writes its contribution, publishes, waits until
 *              all have published g and reduces the slots in rank order
 *              (every rank gets the same bits, whatever the op);
 *   reduce     the same, but only the root waits and reduces;
 *   bcast      the root writes and publishes; the others wait for it, copy
 *              out and publish g as an acknowledgement;
 *   barrier    every rank publishes, then waits for all.
 * Every rank publishes every generation, and a rank publishes g + 1 only
 * when it is done with g, so before writing data for g into a slot last
 * used for g - 2 a rank waits until every member has published g - 1
 * ("clear" remembers how far that is known). A rank that waits runs the
 * progress engine (other traffic moves on; it spins, yields and sleeps as
 * any wait does), and is woken through the provider after every publish. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coll/node.h"
#include "coll/coll.h"
#include "coll/sched.h"
#include "coll/select.h"
#include "coll/util.h"
#include "core/error.h"
#include "core/progress.h"
#include "p2p/p2p.h"
#include "transport/transport.h"

#define TN_COLL_NODE_AREAS 16
#define LINE 64

typedef struct area_ctl {
    uint32_t claimed; /* atomic: 1 while a communicator has the area */
    uint32_t refs;    /* atomic: its members that have not freed it yet */
    unsigned char pad[LINE - 8];
} area_ctl_t;

/* The sequence word ends the line before the data: a small message and its
 * word lie in one 128-byte pair of lines, which the hardware fetches together. */
typedef struct slot {
    unsigned char pad[LINE - 8];
    uint64_t seq; /* the last generation this rank published in this set */
    unsigned char data[TN_COLL_NODE_MAX];
    unsigned char tail[LINE]; /* slots start on 128-byte boundaries */
} slot_t;
_Static_assert(sizeof(slot_t) % (2 * LINE) == 0, "slot layout");

struct tn_coll_node {
    tn_tp_t *tp;
    area_ctl_t *ctl;
    slot_t *slots; /* set s, rank r: slots[s * p + r] */
    int p, me;
    uint64_t gen;   /* calls made */
    uint64_t clear; /* every member is known to have published this generation */
    int *local;     /* local index of each rank, for node_wake */
};

/* c->node of communicators that do without node memory. */
static struct tn_coll_node no_node;

/* Node memory for nlocal ranks: area control lines, then the areas. */
static size_t area_bytes(int nlocal)
{
    return 2 * (size_t)nlocal * sizeof(slot_t);
}

/* The control lines of every possible area come first. */
#define CTL_BYTES (TN_COLL_NODE_AREAS * sizeof(area_ctl_t))

static int area_count(size_t len, int nlocal)
{
    size_t n = len > CTL_BYTES ? (len - CTL_BYTES) / area_bytes(nlocal) : 0;
    return n < TN_COLL_NODE_AREAS ? (int)n : TN_COLL_NODE_AREAS;
}

/* Rank 0: a free area, marked claimed for p ranks; -1 when all are taken. */
static int area_claim(area_ctl_t *ctl, int nareas, int p)
{
    for (int a = 0; a < nareas; a++) {
        uint32_t free_flag = 0;
        if (__atomic_compare_exchange_n(&ctl[a].claimed, &free_flag, 1, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED)) {
            /* the members see it after the agreement's messages */
            __atomic_store_n(&ctl[a].refs, (uint32_t)p, __ATOMIC_RELAXED);
            return a;
        }
    }
    return -1;
}

static void area_free(area_ctl_t *ctl, slot_t *slots, int p)
{
    for (int i = 0; i < 2 * p; i++)
        slots[i].seq = 0;
    __atomic_store_n(&ctl->claimed, 0, __ATOMIC_RELEASE);
}

/* First qualifying call on c: sets c->node to the area the members agree
 * on, or to &no_node. Collective over c; p2p carries the agreement. */
static void node_setup(tn_comm_t *c)
{
    struct tn_coll_node *nd = calloc(1, sizeof(*nd));
    int *local = malloc((size_t)c->size * sizeof(int));
    tn_tp_t *tp = local ? tn_transport_node(c->group->world_ranks, c->size, local) : NULL;
    void *base = NULL;
    size_t len = 0;
    int area = -1, nlocal = 0, agreed;

    c->node = &no_node; /* also while agreeing: that allreduce must not come back here */
    if (local && !tp)
        for (int i = 0; i < c->size; i++)
            if (local[i] < 0) /* spans nodes: every member sees it, no need to agree */
                goto out;
    if (nd && tp && tp->ops->node_mem(tp, &base, &len) == MPI_SUCCESS) {
        nlocal = (int)(len / TN_TP_NODE_MEM_PER_RANK);
        area = c->rank == 0 ? area_claim(base, area_count(len, nlocal), c->size) : INT32_MAX;
    }
    agreed = area;
    if (tn_coll_allreduce(MPI_IN_PLACE, &agreed, 1, tn_datatype_get(MPI_INT), tn_op_get(MPI_MIN),
                          c) != MPI_SUCCESS)
        agreed = -1;
    if (agreed < 0) {
        if (c->rank == 0 && area >= 0) /* claimed, but a member can not use it */
            area_free((area_ctl_t *)base + area, NULL, 0);
        goto out;
    }
    *nd = (struct tn_coll_node){
        .tp = tp,
        .ctl = (area_ctl_t *)base + agreed,
        .slots = (slot_t *)((unsigned char *)base + CTL_BYTES + (size_t)agreed * area_bytes(nlocal)),
        .p = c->size,
        .me = c->rank,
        .local = local,
    };
    c->node = nd;
    return;
out:
    free(local);
    free(nd);
}

void tn_coll_node_release(tn_comm_t *c)
{
    struct tn_coll_node *nd = c->node;
    c->node = NULL;
    if (!nd || nd == &no_node)
        return;
    /* every other member is done with the area once it has freed it too */
    if (__atomic_sub_fetch(&nd->ctl->refs, 1, __ATOMIC_ACQ_REL) == 0)
        area_free(nd->ctl, nd->slots, nd->p);
    free(nd->local);
    free(nd);
}

/* c's node state for a call of op, or NULL when node algorithms may not serve it. */
static struct tn_coll_node *node_of(tn_comm_t *c, enum tn_coll_op op)
{
    if (c->remote_group || c->size < 2 || !tn_coll_node_wanted(op))
        return NULL;
    if (__builtin_expect(c->node == NULL, 0))
        node_setup(c);
    return c->node == &no_node ? NULL : c->node;
}

/* Whether a broadcast of bytes bytes goes by reading the root's buffer (see
 * below). */
static int bcast_by_get(const struct tn_coll_node *nd, size_t bytes)
{
    return bytes > TN_COLL_NODE_MAX && (nd->tp->caps & TN_TP_CAP_GET);
}

static slot_t *slot(const struct tn_coll_node *nd, uint64_t g, int r)
{
    return &nd->slots[(size_t)(g & 1) * (size_t)nd->p + (size_t)r];
}

/* Waiting until ranks [next, last) have published g. */
struct wait {
    const struct tn_coll_node *nd;
    const int *world;
    uint64_t g;
    int next, last;
    int rc; /* the error a rank waited for was lost with */
};

static int published(void *arg)
{
    struct wait *w = arg;
    while (w->next < w->last &&
           __atomic_load_n(&slot(w->nd, w->g, w->next)->seq, __ATOMIC_ACQUIRE) >= w->g)
        w->next++;
    if (w->next == w->last)
        return 1;
    /* a member that is gone ends the wait, whoever it is still waits for */
    for (int r = w->next; tn_p2p_lost_codes && r < w->last; r++)
        if ((w->rc = tn_p2p_lost(w->world[r])) != MPI_SUCCESS)
            return 1;
    return 0;
}

static int wait_for(const tn_comm_t *c, uint64_t g, int first, int last)
{
    struct wait w = {c->node, c->group->world_ranks, g, first, last, MPI_SUCCESS};
    if (!published(&w)) {
        int rc = tn_progress_wait(published, &w);
        if (rc)
            return rc;
    }
    return w.rc;
}

/* Before writing data for g: nobody still reads what this rank wrote for g - 2. */
static int writable(const tn_comm_t *c, struct tn_coll_node *nd, uint64_t g)
{
    if (nd->clear + 1 >= g)
        return MPI_SUCCESS;
    int rc = wait_for(c, g - 1, 0, nd->p);
    if (!rc)
        nd->clear = g - 1;
    return rc;
}

static void publish(const struct tn_coll_node *nd, uint64_t g)
{
    __atomic_store_n(&slot(nd, g, nd->me)->seq, g, __ATOMIC_RELEASE);
    nd->tp->ops->node_wake(nd->tp, nd->local, nd->p);
}

/* ---- large broadcasts: reading the root's buffer (the provider's get) ----
 * Where the provider can read local peers' memory, a broadcast too large for
 * a slot does not go as messages either: the root publishes its buffer's
 * registration key in its slot and the others read the data directly, one
 * synchronisation instead of a rendezvous round per tree level (the provider
 * offers get where ranks outnumber cores: reads by the receiver alone are
 * then the cheaper copy). Reduces and allreduces the same way (every rank
 * reducing its block read from everyone, then gathering) measured slower
 * than the binomial and Rabenseifner schedules here. */

/* A buffer's registration key, as published in a slot. */
typedef struct buf_key {
    uint32_t len;
    unsigned char rkey[TN_TP_RKEY_MAX];
} buf_key_t;

/* One of this rank's buffers, registered. */
struct reg {
    struct tn_tp_mr *mr;
    buf_key_t key;
};

static int reg_buf(const struct tn_coll_node *nd, const void *addr, size_t len, struct reg *r)
{
    size_t klen = sizeof(r->key.rkey);
    int rc = nd->tp->ops->mem_reg(nd->tp, (void *)addr, len, &r->mr, r->key.rkey, &klen);
    r->key.len = rc ? 0 : (uint32_t)klen;
    if (rc)
        r->mr = NULL;
    return rc;
}

static void unreg_buf(const struct tn_coll_node *nd, struct reg *r)
{
    if (r->mr)
        nd->tp->ops->mem_dereg(nd->tp, r->mr);
    r->mr = NULL;
}

struct got {
    tn_tp_completion_t comp;
    int done, rc;
};

static void got_cb(tn_tp_completion_t *comp, int status)
{
    struct got *g = (struct got *)comp;
    g->done = 1;
    g->rc = status;
}

static int got_done(void *arg)
{
    return ((struct got *)arg)->done;
}

/* Reads the len bytes of rank r's buffer k into local (registered as mr). */
static int read_peer(const tn_comm_t *c, const struct tn_coll_node *nd, int r, const buf_key_t *k,
                     void *local, size_t len, struct tn_tp_mr *mr)
{
    struct got *g;
    int rc;
    if (!len)
        return MPI_SUCCESS;
    if (!(g = malloc(sizeof(*g))))
        return TN_ERR_SETMEM("node-local collective");
    *g = (struct got){{got_cb}, 0, MPI_SUCCESS};
    rc = nd->tp->ops->get(nd->tp, c->group->world_ranks[r], local, len, mr, k->rkey, k->len, 0,
                          &g->comp);
    if (rc) {
        free(g);
        return rc;
    }
    if (!g->done && (rc = tn_progress_wait(got_done, g)))
        return rc; /* the provider failed: g may still complete, so it stays */
    rc = g->rc;
    free(g);
    return rc;
}

/* Publishes k in this rank's slot for generation g. */
static void publish_key(const struct tn_coll_node *nd, uint64_t g, const buf_key_t *k)
{
    memcpy(slot(nd, g, nd->me)->data, k, sizeof(*k));
    publish(nd, g);
}

static const buf_key_t *key_of(const struct tn_coll_node *nd, uint64_t g, int r)
{
    return (const buf_key_t *)(const void *)slot(nd, g, r)->data;
}

/* Bcast: the others read the root's buffer, then acknowledge; the root
 * returns once all have (its buffer is the user's again). start NULL: this
 * rank could not get a buffer ready (rc), but takes its part all the same. */
static int bcast_read(tn_comm_t *c, struct tn_coll_node *nd, void *start, size_t bytes, int root,
                      int rc)
{
    uint64_t g = ++nd->gen;
    struct reg mine = {0};
    if (c->rank == root) {
        int rc1 = writable(c, nd, g);
        if (rc1)
            return rc1;
        if (start) /* else, or on failure, an empty key: the others fail */
            rc = reg_buf(nd, start, bytes, &mine);
        publish_key(nd, g, &mine.key);
        int rc2 = wait_for(c, g, 0, nd->p);
        if (!rc2)
            nd->clear = g;
        unreg_buf(nd, &mine);
        return rc ? rc : rc2;
    }
    int rc1 = wait_for(c, g, root, root + 1);
    if (rc1)
        return rc1;
    if (start && !(rc = reg_buf(nd, start, bytes, &mine)))
        rc = read_peer(c, nd, root, key_of(nd, g, root), start, bytes, mine.mr);
    unreg_buf(nd, &mine);
    publish(nd, g); /* also after a failure: the root must not wait for ever */
    return rc;
}

/* ---- the operations ---- */

int tn_coll_node_barrier(tn_comm_t *c)
{
    struct tn_coll_node *nd = node_of(c, TN_COLL_BARRIER);
    if (!nd)
        return TN_COLL_NODE_NO;
    uint64_t g = ++nd->gen;
    publish(nd, g);
    int rc = wait_for(c, g, 0, nd->p);
    if (!rc)
        nd->clear = g;
    return rc;
}

int tn_coll_node_bcast(tn_comm_t *c, void *buf, MPI_Aint count, tn_datatype_t *dt, int root)
{
    size_t bytes = (size_t)count * (size_t)dt->size;
    struct tn_coll_node *nd = node_of(c, TN_COLL_BCAST);
    const void *start;
    if (!nd)
        return TN_COLL_NODE_NO;
    if (bcast_by_get(nd, bytes)) {
        /* each rank's own layout: types may differ, only the signature agrees */
        if (tn_dtype_is_contig(dt, count, buf, &start))
            return bcast_read(c, nd, (void *)start, bytes, root, MPI_SUCCESS);
        size_t len;
        unsigned char *tmp = tn_sched_scratch_take(bytes, &len);
        if (tmp && c->rank == root)
            tn_dtype_pack(dt, buf, count, 0, tmp, bytes);
        int rc = bcast_read(c, nd, tmp, bytes, root, tmp ? MPI_SUCCESS : TN_ERR_SETMEM("MPI_Bcast"));
        if (!rc && c->rank != root)
            tn_dtype_unpack(dt, buf, count, 0, tmp, bytes);
        tn_sched_scratch_give(tmp, len);
        return rc;
    }
    if (bytes > TN_COLL_NODE_MAX)
        return TN_COLL_NODE_NO;
    uint64_t g = ++nd->gen;
    int rc;
    if (c->rank == root) {
        if ((rc = writable(c, nd, g)))
            return rc;
        tn_dtype_pack(dt, buf, count, 0, slot(nd, g, root)->data, bytes);
    } else {
        if ((rc = wait_for(c, g, root, root + 1)))
            return rc;
        tn_dtype_unpack(dt, buf, count, 0, slot(nd, g, root)->data, bytes);
    }
    publish(nd, g);
    return MPI_SUCCESS;
}

/* Reduce (root >= 0) or allreduce (root < 0). Contiguous data only: the
 * slots then hold elements laid out as in the user's buffers. */
static int node_reduce(tn_comm_t *c, const void *sbuf, void *rbuf, MPI_Aint count,
                       tn_datatype_t *dt, tn_op_t *op, int root)
{
    size_t bytes = (size_t)count * (size_t)dt->size;
    const void *mine = sbuf == MPI_IN_PLACE ? rbuf : sbuf, *start;
    struct tn_coll_node *nd;
    if (bytes > TN_COLL_NODE_MAX || !tn_dtype_is_contig(dt, count, mine, &start) ||
        !(nd = node_of(c, root < 0 ? TN_COLL_ALLREDUCE : TN_COLL_REDUCE)))
        return TN_COLL_NODE_NO;
    MPI_Aint off = (const char *)start - (const char *)mine; /* the data's first byte */
    uint64_t g = ++nd->gen;
    int rc = writable(c, nd, g);
    if (rc)
        return rc;
    memcpy(slot(nd, g, nd->me)->data, start, bytes);
    publish(nd, g);
    if (root >= 0 && c->rank != root)
        return MPI_SUCCESS;
    if ((rc = wait_for(c, g, 0, nd->p)))
        return rc;
    nd->clear = g;
    /* rbuf = a0 op (a1 op (... op a[p-1])): the standard's rank order */
    memcpy((char *)rbuf + off, slot(nd, g, nd->p - 1)->data, bytes);
    for (int r = nd->p - 2; r >= 0 && !rc; r--)
        rc = tn_op_apply(op, slot(nd, g, r)->data - off, rbuf, count, dt);
    return rc;
}

int tn_coll_node_reduce(tn_comm_t *c, const void *sbuf, void *rbuf, MPI_Aint count,
                        tn_datatype_t *dt, tn_op_t *op, int root)
{
    return node_reduce(c, sbuf, rbuf, count, dt, op, root);
}

int tn_coll_node_allreduce(tn_comm_t *c, const void *sbuf, void *rbuf, MPI_Aint count,
                           tn_datatype_t *dt, tn_op_t *op)
{
    return node_reduce(c, sbuf, rbuf, count, dt, op, -1);
}
