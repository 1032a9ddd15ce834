/* Collective operations over p2p, on the communicator's collective context.
 * Arguments are already validated by the API layer; sbuf may be MPI_IN_PLACE
 * where the standard allows it. Each returns MPI_SUCCESS or an error code.
 *
 * tn_coll_<op>_sched appends the operation to schedule s (on its
 * communicator; see sched.h), choosing the algorithm (select.h); the buffers
 * and arrays it is given must stay valid until s completes. tn_coll_<op> is
 * the blocking form for internal users: build, run, free. */
#ifndef TN_COLL_H
#define TN_COLL_H

#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"

typedef struct tn_sched tn_sched_t;

int tn_coll_barrier_sched(tn_sched_t *s);
int tn_coll_bcast_sched(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt, int root);
int tn_coll_reduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                         tn_datatype_t *dt, tn_op_t *op, int root);
int tn_coll_allreduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                            tn_datatype_t *dt, tn_op_t *op);
int tn_coll_gather_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                         void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int root);
int tn_coll_gatherv_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                          void *rbuf, const MPI_Aint *rcounts, const MPI_Aint *displs,
                          tn_datatype_t *rtype, int root);
int tn_coll_scatter_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                          void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int root);
int tn_coll_scatterv_sched(tn_sched_t *s, const void *sbuf, const MPI_Aint *scounts,
                           const MPI_Aint *displs, tn_datatype_t *stype, void *rbuf,
                           MPI_Aint rcount, tn_datatype_t *rtype, int root);
int tn_coll_allgather_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                            void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype);
int tn_coll_allgatherv_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                             void *rbuf, const MPI_Aint *rcounts, const MPI_Aint *displs,
                             tn_datatype_t *rtype);
int tn_coll_alltoall_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                           void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype);
int tn_coll_alltoallv_sched(tn_sched_t *s, const void *sbuf, const MPI_Aint *scounts,
                            const MPI_Aint *sdispls, tn_datatype_t *stype, void *rbuf,
                            const MPI_Aint *rcounts, const MPI_Aint *rdispls, tn_datatype_t *rtype);
int tn_coll_alltoallw_sched(tn_sched_t *s, const void *sbuf, const MPI_Aint *scounts,
                            const MPI_Aint *sdispls, tn_datatype_t *const *stypes, void *rbuf,
                            const MPI_Aint *rcounts, const MPI_Aint *rdispls,
                            tn_datatype_t *const *rtypes);
int tn_coll_reduce_scatter_sched(tn_sched_t *s, const void *sbuf, void *rbuf,
                                 const MPI_Aint *rcounts, tn_datatype_t *dt, tn_op_t *op);
int tn_coll_reduce_scatter_block_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint rcount,
                                       tn_datatype_t *dt, tn_op_t *op);
int tn_coll_scan_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                       tn_datatype_t *dt, tn_op_t *op);
int tn_coll_exscan_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                         tn_datatype_t *dt, tn_op_t *op);

/* On intercommunicators (inter.c): root is MPI_ROOT, MPI_PROC_NULL or a
 * remote rank; no MPI_IN_PLACE; no scan or exscan. Buffers, types and ops
 * that are not significant on the calling rank may be NULL. */
/* Where the blocks for (or from) the remote ranks lie: rank i's is counts[i]
 * (counts NULL: count) elements of types[i] (types NULL: dt) at displs[i],
 * counted in bytes with types, else in extents of dt; without displs, block
 * i of equal blocks, or with same the whole buffer for every rank. */
typedef struct tn_coll_layout {
    const void *buf;
    const MPI_Aint *counts;
    MPI_Aint count;
    const MPI_Aint *displs;
    tn_datatype_t *dt;
    tn_datatype_t *const *types;
    int same;
} tn_coll_layout_t;
/* Rank (or neighbour) i's block of l. */
void tn_coll_layout_block(const tn_coll_layout_t *l, int i, char **buf, MPI_Aint *count,
                          tn_datatype_t **dt);
int tn_coll_inter_barrier_sched(tn_sched_t *s);
int tn_coll_inter_bcast_sched(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt,
                              int root);
int tn_coll_inter_reduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                               tn_datatype_t *dt, tn_op_t *op, int root);
int tn_coll_inter_allreduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                                  tn_datatype_t *dt, tn_op_t *op);
/* rcounts NULL: reduce_scatter_block with rcount each. */
int tn_coll_inter_reduce_scatter_sched(tn_sched_t *s, const void *sbuf, void *rbuf,
                                       const MPI_Aint *rcounts, MPI_Aint rcount, tn_datatype_t *dt,
                                       tn_op_t *op);
/* gather(v): the root receives the blocks of rl. */
int tn_coll_inter_gather_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount,
                               tn_datatype_t *stype, const tn_coll_layout_t *rl, int root);
/* scatter(v): the root sends the blocks of sl. */
int tn_coll_inter_scatter_sched(tn_sched_t *s, const tn_coll_layout_t *sl, void *rbuf,
                                MPI_Aint rcount, tn_datatype_t *rtype, int root);
/* allgather(v), alltoall(v/w): every rank sends its blocks of sl and
 * receives those of rl. */
int tn_coll_inter_exchange_sched(tn_sched_t *s, const tn_coll_layout_t *sl,
                                 const tn_coll_layout_t *rl);

/* Neighbourhood collectives (neighbor.c, MPI 4.1 §8.6): a receive of block i
 * of rl from sources[i] and a send of block j of sl to dests[j] (either may
 * be MPI_PROC_NULL). cart: the neighbours come in (-1, +1) pairs per
 * dimension of a Cartesian topology. */
int tn_coll_neighbor_sched(tn_sched_t *s, int cart, int indegree, const int *sources,
                           const tn_coll_layout_t *rl, int outdegree, const int *dests,
                           const tn_coll_layout_t *sl);

/* Blocking forms. */
int tn_coll_barrier(tn_comm_t *comm);
int tn_coll_bcast(void *buf, MPI_Aint count, tn_datatype_t *dt, int root, tn_comm_t *comm);
int tn_coll_reduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   int root, tn_comm_t *comm);
int tn_coll_allreduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                      tn_comm_t *comm);
int tn_coll_gather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                   MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm);
int tn_coll_gatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype, int root,
                    tn_comm_t *comm);
int tn_coll_scatter(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm);
int tn_coll_scatterv(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *displs,
                     tn_datatype_t *stype, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype,
                     int root, tn_comm_t *comm);
int tn_coll_allgather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                      MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm);
int tn_coll_allgatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                       const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype,
                       tn_comm_t *comm);
int tn_coll_alltoall(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                     MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm);
int tn_coll_alltoallv(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *sdispls,
                      tn_datatype_t *stype, void *rbuf, const MPI_Aint *rcounts,
                      const MPI_Aint *rdispls, tn_datatype_t *rtype, tn_comm_t *comm);
int tn_coll_alltoallw(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *sdispls,
                      tn_datatype_t *const *stypes, void *rbuf, const MPI_Aint *rcounts,
                      const MPI_Aint *rdispls, tn_datatype_t *const *rtypes, tn_comm_t *comm);
int tn_coll_reduce_scatter(const void *sbuf, void *rbuf, const MPI_Aint *rcounts, tn_datatype_t *dt,
                           tn_op_t *op, tn_comm_t *comm);
int tn_coll_reduce_scatter_block(const void *sbuf, void *rbuf, MPI_Aint rcount, tn_datatype_t *dt,
                                 tn_op_t *op, tn_comm_t *comm);
int tn_coll_scan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                 tn_comm_t *comm);
int tn_coll_exscan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   tn_comm_t *comm);

#endif
