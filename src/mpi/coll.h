/* What the collective files of the API layer share: each operation is one
 * function (coll.c) that checks its arguments and builds its schedule, then
 * runs it (blocking), starts it (MPI_I..., coll_nb.c) or keeps it in a
 * persistent request (MPI_..._init, coll_persist.c). */
#ifndef TN_MPI_COLL_H
#define TN_MPI_COLL_H

#include <mpi.h>

enum tn_coll_mode { TN_COLL_BLOCKING, TN_COLL_NONBLOCKING, TN_COLL_PERSISTENT };

/* How to complete a call: the mode and, unless blocking, where the request goes. */
typedef struct tn_coll_how {
    enum tn_coll_mode mode;
    MPI_Request *request;
} tn_coll_how_t;

/* Element types of the callers' count and displacement arrays. */
enum tn_arr_kind { TN_ARR_INT, TN_ARR_COUNT, TN_ARR_AINT };

/* Each returns MPI_SUCCESS or the error handler's result. */
int tn_mpi_barrier(const char *fname, tn_coll_how_t how, MPI_Comm comm);
int tn_mpi_bcast(const char *fname, tn_coll_how_t how, void *buf, MPI_Aint count, MPI_Datatype type,
                 int root, MPI_Comm comm);
int tn_mpi_reduce(const char *fname, tn_coll_how_t how, const void *sbuf, void *rbuf,
                  MPI_Aint count, MPI_Datatype type, MPI_Op op, int root, MPI_Comm comm);
enum tn_allred_kind { TN_ALLREDUCE, TN_SCAN, TN_EXSCAN };
int tn_mpi_allred(const char *fname, tn_coll_how_t how, enum tn_allred_kind kind, const void *sbuf,
                  void *rbuf, MPI_Aint count, MPI_Datatype type, MPI_Op op, MPI_Comm comm);
/* block: reduce_scatter_block with rcount elements per rank; else counts[] per rank. */
int tn_mpi_reduce_scatter(const char *fname, tn_coll_how_t how, const void *sbuf, void *rbuf,
                          int block, const void *counts, enum tn_arr_kind ck, MPI_Aint rcount,
                          MPI_Datatype type, MPI_Op op, MPI_Comm comm);
int tn_mpi_gather(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                  MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype, int root,
                  MPI_Comm comm);
int tn_mpi_gatherv(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                   MPI_Datatype stype, void *rbuf, const void *rcounts, const void *displs,
                   enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Datatype rtype, int root,
                   MPI_Comm comm);
int tn_mpi_scatter(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                   MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype, int root,
                   MPI_Comm comm);
int tn_mpi_scatterv(const char *fname, tn_coll_how_t how, const void *sbuf, const void *scounts,
                    const void *displs, enum tn_arr_kind ck, enum tn_arr_kind dk,
                    MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype, int root,
                    MPI_Comm comm);
int tn_mpi_allgather(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                     MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype,
                     MPI_Comm comm);
int tn_mpi_allgatherv(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                      MPI_Datatype stype, void *rbuf, const void *rcounts, const void *displs,
                      enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Datatype rtype, MPI_Comm comm);
int tn_mpi_alltoall(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                    MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype,
                    MPI_Comm comm);
int tn_mpi_alltoallv(const char *fname, tn_coll_how_t how, const void *sbuf, const void *scounts,
                     const void *sdispls, MPI_Datatype stype, void *rbuf, const void *rcounts,
                     const void *rdispls, MPI_Datatype rtype, enum tn_arr_kind ck,
                     enum tn_arr_kind dk, MPI_Comm comm);
int tn_mpi_alltoallw(const char *fname, tn_coll_how_t how, const void *sbuf, const void *scounts,
                     const void *sdispls, const MPI_Datatype *stypes, void *rbuf,
                     const void *rcounts, const void *rdispls, const MPI_Datatype *rtypes,
                     enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Comm comm);

/* Neighbourhood collectives (MPI 4.1 §8.6; coll_neighbor.c has the entry
 * points). One side, send or receive, as the caller gave it: count elements
 * of type per neighbour, or counts[] and displs[] (elements of type, or bytes
 * with the w-form's types[]). */
enum tn_nbr_kind {
    TN_NBR_ALLGATHER,
    TN_NBR_ALLGATHERV,
    TN_NBR_ALLTOALL,
    TN_NBR_ALLTOALLV,
    TN_NBR_ALLTOALLW
};
typedef struct tn_mpi_side {
    const void *buf;
    MPI_Aint count;
    const void *counts, *displs;
    MPI_Datatype type;
    const MPI_Datatype *types;
} tn_mpi_side_t;
int tn_mpi_neighbor(const char *fname, tn_coll_how_t how, enum tn_nbr_kind kind, tn_mpi_side_t snd,
                    tn_mpi_side_t rcv, enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Comm comm);

#endif
