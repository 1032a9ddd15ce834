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
} tn_comm_t;

extern tn_comm_t *tn_comm_world, *tn_comm_self;

/* Handle → object; NULL when invalid (MPI_COMM_NULL included). */
tn_comm_t *tn_comm_get(MPI_Comm handle);
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

/* Creates MPI_COMM_WORLD and MPI_COMM_SELF (MPI_Init). */
int tn_comm_init_builtins(void);
void tn_comm_finalize_builtins(void);
/* New intracommunicator over group, collectively over parent (all of parent's
 * ranks call it; ranks not in group pass group == NULL and get *out == NULL).
 * Agrees on a fresh context id. */
int tn_comm_create_from(tn_comm_t *parent, tn_group_t *group, tn_comm_t **out);
void tn_comm_release(tn_comm_t *c);

#endif
