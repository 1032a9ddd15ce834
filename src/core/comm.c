/* Communicators: the builtin ones, context ids, the object's life, and the
 * intracommunicator constructors (dup, split, create, create_group). */
#include <stdlib.h>
#include <string.h>
#include "coll/coll.h"
#include "coll/node.h"
#include "core/comm.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/info.h"
#include "core/runtime.h"
#include "core/topo.h"
#include "p2p/p2p.h"

tn_comm_t *tn_comm_world, *tn_comm_self;

static tn_comm_t world_obj, self_obj;
static tn_htab_t comm_tab = TN_HTAB_INIT(TN_KIND_COMM);
static uint32_t ctx_free[TN_CTX_WORDS];

#define TN_CTX_WORLD 0
#define TN_CTX_SELF 2

tn_comm_t *tn_comm_get_slow(MPI_Comm handle)
{
    if (handle == MPI_COMM_WORLD)
        return tn_comm_world;
    if (handle == MPI_COMM_SELF)
        return tn_comm_self;
    return tn_htab_lookup(&comm_tab, handle);
}

static void ctx_set(uint16_t id, int free)
{
    uint32_t bit = 1u << (id / 2 % 32);
    if (free)
        ctx_free[id / 64] |= bit;
    else
        ctx_free[id / 64] &= ~bit;
}

void tn_comm_ctx_mask(uint32_t mask[TN_CTX_WORDS])
{
    memcpy(mask, ctx_free, sizeof ctx_free);
}

void tn_comm_ctx_release(uint16_t id)
{
    ctx_set(id, 1);
}

int tn_comm_ctx_take(const char *fname, const uint32_t mask[TN_CTX_WORDS], int n, uint16_t *ids)
{
    int got = 0;
    for (int w = 0; w < TN_CTX_WORDS && got < n; w++)
        for (uint32_t m = mask[w]; m && got < n; m &= m - 1)
            ids[got++] = (uint16_t)(2 * (32 * w + __builtin_ctz(m)));
    if (got < n)
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: no free context id is common to all processes (at most %d "
                          "communicators can exist at once)",
                          fname, TN_CTX_MAX / 2);
    for (int i = 0; i < n; i++)
        ctx_set(ids[i], 0);
    return MPI_SUCCESS;
}

/* Builtin communicators: static objects with fixed context ids. */
static int builtin_init(tn_comm_t *c, MPI_Comm handle, uint16_t ctx, const int *wr, int n,
                        const char *name)
{
    *c = (tn_comm_t){.handle = handle, .refs = 1, .context_id = ctx, .topo = MPI_UNDEFINED};
    int rc = tn_group_create(wr, n, &c->group);
    if (rc)
        return rc;
    c->rank = c->group->rank;
    c->size = n;
    c->errhandler = tn_errhandler_get(MPI_ERRORS_ARE_FATAL);
    strcpy(c->name, name);
    ctx_set(ctx, 0);
    return MPI_SUCCESS;
}

int tn_comm_init_builtins(void)
{
    int n = tn_rt.world_size, *wr = malloc((size_t)n * sizeof *wr);
    if (!wr)
        return TN_ERR_SETMEM("MPI_Init");
    for (int i = 0; i < n; i++)
        wr[i] = i;
    memset(ctx_free, 0xff, sizeof ctx_free);
    int rc = builtin_init(&world_obj, MPI_COMM_WORLD, TN_CTX_WORLD, wr, n, "MPI_COMM_WORLD");
    free(wr);
    if (rc)
        return rc;
    if ((rc = builtin_init(&self_obj, MPI_COMM_SELF, TN_CTX_SELF, &tn_rt.world_rank, 1,
                           "MPI_COMM_SELF"))) {
        tn_group_release(world_obj.group);
        return rc;
    }
    tn_comm_world = &world_obj;
    tn_comm_self = &self_obj;
    return MPI_SUCCESS;
}

void tn_comm_finalize_builtins(void)
{
    /* MPI 4.1 §11.2.4: as if MPI_COMM_SELF were freed first. Errors of the
     * callbacks can not be reported to anyone here. */
    tn_attr_delete_all(TN_KIND_COMM, MPI_COMM_SELF, &self_obj.attrs);
    tn_attr_delete_all(TN_KIND_COMM, MPI_COMM_WORLD, &world_obj.attrs);
    tn_comm_world = tn_comm_self = NULL;
    tn_comm_release(&self_obj);
    tn_comm_release(&world_obj);
}

void tn_comm_release(tn_comm_t *c)
{
    if (--c->refs > 0)
        return;
    tn_coll_node_release(c);
    tn_topo_free(c);
    tn_info_release(c->info);
    if (c->local_comm)
        tn_comm_release(c->local_comm);
    tn_errhandler_release(c->errhandler);
    tn_group_release(c->remote_group);
    tn_group_release(c->group);
    ctx_set(c->context_id, 1);
    if (c == &world_obj || c == &self_obj)
        return;
    /* tn_comm_free already dropped the handle; it may name another comm now. */
    if (tn_htab_lookup(&comm_tab, c->handle) == c)
        tn_htab_remove(&comm_tab, c->handle);
    free(c);
}

int tn_comm_new(uint16_t ctx, tn_group_t *group, tn_group_t *remote, const tn_comm_t *parent,
                tn_comm_t **out)
{
    tn_comm_t *c = malloc(sizeof *c);
    if (c)
        *c = (tn_comm_t){.refs = 1, .context_id = ctx, .topo = MPI_UNDEFINED};
    if (!c || !(c->handle = tn_htab_insert(&comm_tab, c))) {
        free(c);
        tn_group_release(group);
        tn_group_release(remote);
        ctx_set(ctx, 1);
        return TN_ERR_SETMEM("communicator creation");
    }
    c->group = group;
    c->remote_group = remote;
    c->rank = group->rank;
    c->size = group->size;
    c->errhandler = tn_errhandler_ref(parent->errhandler);
    *out = c;
    return MPI_SUCCESS;
}

/* Agrees on one context id over the intracommunicator parent; ranks that do
 * not take part in the new communicator pass member = 0. */
static int ctx_agree(const char *fname, tn_comm_t *parent, int member, uint16_t *id)
{
    uint32_t mine[TN_CTX_WORDS], all[TN_CTX_WORDS];
    if (member)
        tn_comm_ctx_mask(mine);
    else
        memset(mine, 0xff, sizeof mine);
    int rc = tn_coll_allreduce(mine, all, TN_CTX_WORDS, tn_datatype_get(MPI_UNSIGNED),
                               tn_op_get(MPI_BAND), parent);
    if (rc)
        return rc;
    if (!member)
        return MPI_SUCCESS;
    return tn_comm_ctx_take(fname, all, 1, id);
}

int tn_comm_create_from(tn_comm_t *parent, tn_group_t *group, tn_comm_t **out)
{
    uint16_t id;
    int rc = ctx_agree("communicator creation", parent, group != NULL, &id);
    if (rc)
        return rc;
    if (!group) {
        *out = NULL;
        return MPI_SUCCESS;
    }
    return tn_comm_new(id, tn_group_ref(group), NULL, parent, out);
}

int tn_comm_free(tn_comm_t *c)
{
    int rc = tn_attr_delete_all(TN_KIND_COMM, c->handle, &c->attrs);
    if (rc)
        return rc;
    tn_htab_remove(&comm_tab, c->handle);
    tn_comm_release(c);
    return MPI_SUCCESS;
}

/* Gives the new communicator what MPI_Comm_dup copies besides the groups. */
static int dup_extras(tn_comm_t *c, struct tn_info *info, tn_comm_t *n)
{
    int rc = tn_info_dup(info ? info : c->info, &n->info);
    if (!rc)
        rc = tn_topo_dup(c, n);
    if (!rc)
        rc = tn_attr_copy_list(TN_KIND_COMM, c->handle, c->attrs, &n->attrs);
    return rc;
}

int tn_comm_dup(const char *fname, tn_comm_t *c, struct tn_info *info, tn_comm_t **out)
{
    tn_comm_t *n;
    int rc = c->remote_group ? tn_comm_intercomm_dup(fname, c, &n)
                             : tn_comm_create_from(c, c->group, &n);
    if (rc)
        return rc;
    if ((rc = dup_extras(c, info, n))) {
        tn_comm_release(n);
        return rc;
    }
    *out = n;
    return MPI_SUCCESS;
}

struct split_entry {
    int key, rank;
};

static int split_cmp(const void *a, const void *b)
{
    const struct split_entry *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Splits c by a 64-bit color: ranks with equal colors form a communicator,
 * ordered by key, then by rank in c. */
static int split_by(tn_comm_t *c, int undefined, uint64_t color, int key, tn_comm_t **out)
{
    int n = c->size, mine[4] = {undefined, (int)(color >> 32), (int)(uint32_t)color, key};
    int *all = malloc((size_t)n * sizeof mine);
    struct split_entry *e = malloc((size_t)n * sizeof *e);
    int *wr = malloc((size_t)n * sizeof *wr);
    tn_group_t *g = NULL;
    int rc = MPI_SUCCESS;
    if (!all || !e || !wr) {
        rc = TN_ERR_SETMEM("MPI_Comm_split");
        goto out;
    }
    tn_datatype_t *dt_int = tn_datatype_get(MPI_INT);
    if ((rc = tn_coll_allgather(mine, 4, dt_int, all, 4, dt_int, c)))
        goto out;
    if (!undefined) {
        int m = 0;
        for (int i = 0; i < n; i++)
            if (!all[4 * i] && all[4 * i + 1] == mine[1] && all[4 * i + 2] == mine[2])
                e[m++] = (struct split_entry){all[4 * i + 3], i};
        qsort(e, (size_t)m, sizeof *e, split_cmp);
        for (int i = 0; i < m; i++)
            wr[i] = c->group->world_ranks[e[i].rank];
        rc = tn_group_create(wr, m, &g);
    }
    /* Every rank must join the agreement, even after a local failure. */
    int rc2 = tn_comm_create_from(c, rc ? NULL : g, out);
    rc = rc ? rc : rc2;
out:
    tn_group_release(g);
    free(wr);
    free(e);
    free(all);
    return rc;
}

int tn_comm_split(tn_comm_t *c, int color, int key, tn_comm_t **out)
{
    return split_by(c, color == MPI_UNDEFINED, (uint64_t)(unsigned)color, key, out);
}

int tn_comm_split_shared(tn_comm_t *c, int undefined, int key, tn_comm_t **out)
{
    /* FNV-1a of the host name; equal hashes mean the same node. */
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)tn_rt.hostname; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return split_by(c, undefined, h, key, out);
}

/* AND of the members' free-id masks, over group members of c only: the
 * member with the lowest rank in group collects and answers. */
static int group_mask_agree(tn_comm_t *c, tn_group_t *group, int tag, uint32_t mask[])
{
    tn_datatype_t *dt = tn_datatype_get(MPI_UNSIGNED);
    int itag = tn_comm_ctor_tag(tag), rc = MPI_SUCCESS;
    int leader = tn_group_rank_of(c->group, group->world_ranks[0]);
    tn_comm_ctx_mask(mask);
    if (group->rank != 0) {
        rc = tn_p2p_send(mask, TN_CTX_WORDS, dt, leader, itag, c, TN_CTX_COLL);
        if (!rc)
            rc = tn_p2p_recv(mask, TN_CTX_WORDS, dt, leader, itag, c, TN_CTX_COLL,
                             MPI_STATUS_IGNORE);
        return rc;
    }
    uint32_t other[TN_CTX_WORDS];
    for (int i = 1; i < group->size && !rc; i++) {
        rc = tn_p2p_recv(other, TN_CTX_WORDS, dt, tn_group_rank_of(c->group, group->world_ranks[i]),
                         itag, c, TN_CTX_COLL, MPI_STATUS_IGNORE);
        for (int w = 0; w < TN_CTX_WORDS; w++)
            mask[w] &= other[w];
    }
    for (int i = 1; i < group->size && !rc; i++)
        rc = tn_p2p_send(mask, TN_CTX_WORDS, dt, tn_group_rank_of(c->group, group->world_ranks[i]),
                         itag, c, TN_CTX_COLL);
    return rc;
}

int tn_comm_create_group(tn_comm_t *c, tn_group_t *group, int tag, tn_comm_t **out)
{
    uint32_t mask[TN_CTX_WORDS];
    uint16_t id;
    int rc = group_mask_agree(c, group, tag, mask);
    if (!rc)
        rc = tn_comm_ctx_take("MPI_Comm_create_group", mask, 1, &id);
    if (rc)
        return rc;
    return tn_comm_new(id, tn_group_ref(group), NULL, c, out);
}

int tn_comm_compare(const tn_comm_t *a, const tn_comm_t *b)
{
    if (a == b)
        return MPI_IDENT;
    if (!a->remote_group != !b->remote_group)
        return MPI_UNEQUAL;
    int r = tn_group_compare(a->group, b->group);
    if (a->remote_group) {
        int rr = tn_group_compare(a->remote_group, b->remote_group);
        r = rr > r ? rr : r;
    }
    return r == MPI_IDENT ? MPI_CONGRUENT : r;
}
