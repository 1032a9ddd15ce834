/* Collective operations over p2p, on the communicator's collective context.
 * Arguments are already validated by the API layer; sbuf may be MPI_IN_PLACE
 * where the standard allows it. Each returns MPI_SUCCESS or an error code. */
#ifndef TN_COLL_H
#define TN_COLL_H

#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"

/* Tags on the collective context: one fixed tag per blocking operation. Blocking
 * collectives on a communicator are called in the same order everywhere and p2p
 * is non-overtaking, so a fixed tag can not match a message of another call. */
enum tn_coll_tag {
    TN_TAG_BARRIER = 1,
    TN_TAG_BCAST,
    TN_TAG_REDUCE,
    TN_TAG_ALLREDUCE,
    TN_TAG_GATHER,
    TN_TAG_GATHERV,
    TN_TAG_SCATTER,
    TN_TAG_SCATTERV,
    TN_TAG_ALLGATHER,
    TN_TAG_ALLGATHERV,
    TN_TAG_ALLTOALL,
    TN_TAG_ALLTOALLV,
    TN_TAG_ALLTOALLW,
    TN_TAG_REDUCE_SCATTER,
    TN_TAG_SCAN,
    TN_TAG_EXSCAN,
    TN_TAG_COLL_END /* first tag not used by blocking collectives */
};

int tn_coll_barrier(tn_comm_t *comm);
int tn_coll_bcast(void *buf, MPI_Aint count, tn_datatype_t *dt, int root, tn_comm_t *comm);
int tn_coll_reduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   int root, tn_comm_t *comm);
int tn_coll_allreduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt,
                      tn_op_t *op, tn_comm_t *comm);
int tn_coll_gather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                   MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm);
int tn_coll_gatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype,
                    int root, tn_comm_t *comm);
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
int tn_coll_reduce_scatter(const void *sbuf, void *rbuf, const MPI_Aint *rcounts,
                           tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm);
int tn_coll_reduce_scatter_block(const void *sbuf, void *rbuf, MPI_Aint rcount,
                                 tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm);
int tn_coll_scan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                 tn_comm_t *comm);
int tn_coll_exscan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt,
                   tn_op_t *op, tn_comm_t *comm);

#endif
