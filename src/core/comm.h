/* Communicators. */
#ifndef TN_COMM_H
#define TN_COMM_H

#include <stdint.h>
#include <mpi.h>
#include "core/attr.h"
#include "core/errhandler.h"
#include "core/group.h"

/* Context ids: each communicator owns two consecutive ids, one for
 * point-to-point (context_id) and one for collectives (context_id + 1),
 * so that collective traffic never matches user receives. */
#define TN_CTX_P2P 0
#define TN_CTX_COLL 1
#define TN_CTX_MAX 4096 /* ids 0..TN_CTX_MAX-1; a comm takes an even id and the odd one after */
/* The free-id mask: bit i of word i / 32 set while id 2 * i is free. */
#define TN_CTX_WORDS (TN_CTX_MAX / 2 / 32)

struct tn_info;

typedef struct tn_comm {
    int handle;
    int refs;
    uint16_t context_id;  /* even; context_id + TN_CTX_COLL for collectives */
    int rank;             /* my rank in the local group */
    int size;             /* local group size */
    tn_group_t *group;
    tn_group_t *remote_group; /* intercommunicators; NULL for intra */
    tn_errhandler_t *errhandler;
    tn_attr_t *attrs;
    char name[MPI_MAX_OBJECT_NAME];
    unsigned coll_tag;    /* sequence for internal collective tags (see coll.h) */
    int topo;             /* MPI_UNDEFINED, MPI_CART, MPI_GRAPH, MPI_DIST_GRAPH */
    void *topo_data;
    struct tn_info *info;       /* hints from MPI_Comm_set_info / _dup_with_info, or NULL */
    struct tn_comm *local_comm; /* intercomms: intracomm over the local group; NULL for intra */
    struct tn_coll_node *node;  /* node-local collectives (coll/node.h); NULL until first used */
} tn_comm_t;

extern tn_comm_t *tn_comm_world, *tn_comm_self;

tn_comm_t *tn_comm_get_slow(MPI_Comm handle);
/* Handle → object; NULL when invalid (MPI_COMM_NULL and freed comms included).
 * MPI_COMM_WORLD, what most calls pass, is found inline. */
static inline tn_comm_t *tn_comm_get(MPI_Comm handle)
{
    return __builtin_expect(handle == MPI_COMM_WORLD, 1) ? tn_comm_world
                                                          : tn_comm_get_slow(handle);
}
/* World rank of rank r in comm's (remote, for intercomms) group. */
static inline int tn_comm_world_rank(const tn_comm_t *c, int r)
{
    return (c->remote_group ? c->remote_group : c->group)->world_ranks[r];
}
/* Size of the group that ranks in p2p calls refer to (remote for intercomms). */
static inline int tn_comm_peer_size(const tn_comm_t *c)
{
    return (c->remote_group ? c->remote_group : c->group)->size;
}
static inline tn_comm_t *tn_comm_ref(tn_comm_t *c)
{
    c->refs++;
    return c;
}

/* Creates MPI_COMM_WORLD and MPI_COMM_SELF (MPI_Init). */
int tn_comm_init_builtins(void);
/* MPI_Finalize: deletes the attributes of MPI_COMM_SELF, then of
 * MPI_COMM_WORLD (their delete callbacks may still communicate), then drops
 * both communicators. Call before the transports go down. */
void tn_comm_finalize_builtins(void);
/* New intracommunicator over group, collectively over parent (all of parent's
 * ranks call it; ranks not in group pass group == NULL and get *out == NULL).
 * Agrees on a fresh context id. Takes its own reference to group. */
int tn_comm_create_from(tn_comm_t *parent, tn_group_t *group, tn_comm_t **out);
void tn_comm_release(tn_comm_t *c);

/* The constructors of MPI 4.1 §7.4 (parent is an intracommunicator unless said). */
/* MPI_Comm_dup (intra or inter): attributes copied, topology kept; info NULL
 * keeps the parent's hints. */
int tn_comm_dup(const char *fname, tn_comm_t *c, struct tn_info *info, tn_comm_t **out);
/* color MPI_UNDEFINED: *out = NULL. */
int tn_comm_split(tn_comm_t *c, int color, int key, tn_comm_t **out);
/* Ranks on the same host (MPI_COMM_TYPE_SHARED); undefined: *out = NULL. */
int tn_comm_split_shared(tn_comm_t *c, int undefined, int key, tn_comm_t **out);
/* Collective over group's members only; tag separates concurrent calls. */
int tn_comm_create_group(tn_comm_t *c, tn_group_t *group, int tag, tn_comm_t **out);
int tn_comm_intercomm_create(tn_comm_t *local, int local_leader, tn_comm_t *peer,
                             int remote_leader, int tag, tn_comm_t **out);
int tn_comm_intercomm_merge(tn_comm_t *inter, int high, tn_comm_t **out);
/* MPI_Comm_free: runs the attribute delete callbacks, makes the handle
 * invalid and drops the user's reference (pending operations keep theirs). */
int tn_comm_free(tn_comm_t *c);
/* MPI_IDENT, MPI_CONGRUENT, MPI_SIMILAR or MPI_UNEQUAL. */
int tn_comm_compare(const tn_comm_t *a, const tn_comm_t *b);

/* Building blocks shared by the constructors (comm.c, intercomm.c). */
/* This process's free context ids. */
void tn_comm_ctx_mask(uint32_t mask[TN_CTX_WORDS]);
/* Takes the n lowest ids free in mask (agreed by all members), marking them used. */
int tn_comm_ctx_take(const char *fname, const uint32_t mask[TN_CTX_WORDS], int n, uint16_t *ids);
/* Gives back an id taken by tn_comm_ctx_take that no communicator got. */
void tn_comm_ctx_release(uint16_t id);
/* A communicator object with context id ctx over group (remote: intercomm),
 * taking over the caller's references to the groups (released on error) and
 * the id (freed on error); the error handler is inherited from parent. */
int tn_comm_new(uint16_t ctx, tn_group_t *group, tn_group_t *remote, const tn_comm_t *parent,
                tn_comm_t **out);
/* The new intercommunicator of MPI_Comm_dup (groups and context ids only). */
int tn_comm_intercomm_dup(const char *fname, tn_comm_t *c, tn_comm_t **out);
/* Internal p2p tag for constructor traffic keyed by a user tag: negative, so
 * it never matches user receives (MPI_ANY_TAG included) or collectives. */
static inline int tn_comm_ctor_tag(int tag)
{
    return -2 - (tag & 0x3fffffff);
}

#endif
