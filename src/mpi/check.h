/* Argument checks shared by the API layer. Each returns MPI_SUCCESS or an
 * error code whose message names the call (fname), the argument, the bad value
 * and what was allowed. Outputs are set only on success.
 *
 * The checks on the point-to-point fast path are inline integer comparisons;
 * everything past the common case (special values, building the message) is
 * out of line in check.c. */
#ifndef TN_CHECK_H
#define TN_CHECK_H

#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"

/* The largest tag value (MPI_TAG_UB attribute). */
#define TN_TAG_UB 0x7fffffff

/* Bits for tn_check_rank's allow argument. */
#define TN_RANK_ANY 0x1  /* MPI_ANY_SOURCE allowed */
#define TN_RANK_NULL 0x2 /* MPI_PROC_NULL allowed */

/* Valid, not MPI_COMM_NULL. */
int tn_check_comm(const char *fname, MPI_Comm comm, tn_comm_t **c);
/* 0 <= root < size for intracomms; MPI_ROOT/MPI_PROC_NULL/remote rank for intercomms (MPI_ERR_ROOT). */
int tn_check_root(const char *fname, int root, const tn_comm_t *c);
/* Valid op handle (MPI_ERR_OP); *op set on success. Does not check the type pairing (tn_op_check). */
int tn_check_op(const char *fname, MPI_Op op, tn_op_t **o);

/* The out-of-line halves of the inline checks below. */
int tn_check_count_slow(const char *fname, MPI_Aint count);
int tn_check_rank_slow(const char *fname, const char *argname, int rank, const tn_comm_t *c,
                       int allow);
int tn_check_tag_slow(const char *fname, int tag, int allow_any);
int tn_check_buf_slow(const char *fname, const void *buf, MPI_Aint count,
                      const tn_datatype_t *dt);
int tn_check_ptr_slow(const char *fname, const char *argname);

/* count >= 0 (MPI_ERR_COUNT). */
static inline int tn_check_count(const char *fname, MPI_Aint count)
{
    return count >= 0 ? MPI_SUCCESS : tn_check_count_slow(fname, count);
}

/* 0 <= rank < peer size of c (MPI_ERR_RANK); argname is "dest", "source", … */
static inline int tn_check_rank(const char *fname, const char *argname, int rank,
                                const tn_comm_t *c, int allow)
{
    if ((unsigned)rank < (unsigned)tn_comm_peer_size(c))
        return MPI_SUCCESS;
    return tn_check_rank_slow(fname, argname, rank, c, allow);
}

/* 0 <= tag <= MPI_TAG_UB value, or MPI_ANY_TAG when allow_any (MPI_ERR_TAG). */
static inline int tn_check_tag(const char *fname, int tag, int allow_any)
{
    if ((unsigned)tag <= (unsigned)TN_TAG_UB)
        return MPI_SUCCESS;
    return tn_check_tag_slow(fname, tag, allow_any);
}

/* buf may be NULL only when no data is described, or as MPI_BOTTOM with a
 * datatype of absolute addresses (MPI_ERR_BUFFER). */
static inline int tn_check_buf(const char *fname, const void *buf, MPI_Aint count,
                               const tn_datatype_t *dt)
{
    if (buf || count == 0 || dt->size == 0)
        return MPI_SUCCESS;
    return tn_check_buf_slow(fname, buf, count, dt);
}

/* count elements of type (count >= 0, valid committed type): wraps tn_datatype_check. */
static inline int tn_check_type(const char *fname, MPI_Aint count, MPI_Datatype type,
                                tn_datatype_t **dt)
{
    return tn_datatype_check(fname, count, type, dt);
}

/* A pointer argument the call writes through or reads from is not NULL
 * (MPI_ERR_ARG): "MPI_Isend: request argument is NULL". MPI_STATUS_IGNORE
 * and MPI_STATUSES_IGNORE pass. */
static inline int tn_check_ptr(const char *fname, const char *argname, const void *p)
{
    return p ? MPI_SUCCESS : tn_check_ptr_slow(fname, argname);
}

/* The out-of-line halves of tn_check_send and tn_check_recv: every check in
 * order, special values and errors included. */
int tn_check_send_slow(const char *fname, const void *buf, MPI_Aint count, MPI_Datatype datatype,
                       int dest, int tag, MPI_Comm comm, tn_comm_t **c, tn_datatype_t **dt);
int tn_check_recv_slow(const char *fname, const void *buf, MPI_Aint count, MPI_Datatype datatype,
                       int source, int tag, MPI_Comm comm, tn_comm_t **c, tn_datatype_t **dt);

/* Whether an envelope is plainly valid: comm and datatype are handles of
 * objects (dt committed), count >= 0, buf holds data when data is described,
 * rank 0..size-1 and tag 0..MPI_TAG_UB. Anything else takes the slow path. */
static inline int tn_check_plain(const void *buf, MPI_Aint count, int rank, int tag,
                                 const tn_comm_t *c, const tn_datatype_t *dt)
{
    return c && dt && dt->committed && count >= 0 && (buf || count == 0 || dt->size == 0) &&
           (unsigned)rank < (unsigned)tn_comm_peer_size(c) && (unsigned)tag <= TN_TAG_UB;
}

typedef int tn_check_slow_fn(const char *fname, const void *buf, MPI_Aint count,
                             MPI_Datatype datatype, int rank, int tag, MPI_Comm comm,
                             tn_comm_t **c, tn_datatype_t **dt);

/* The plain case inline, anything else through slow. */
static inline int tn_check_envelope(const char *fname, const void *buf, MPI_Aint count,
                                    MPI_Datatype datatype, int rank, int tag, MPI_Comm comm,
                                    tn_comm_t **c, tn_datatype_t **dt, tn_check_slow_fn *slow)
{
    tn_comm_t *cp = tn_comm_get(comm);
    tn_datatype_t *dp = tn_datatype_get(datatype);
    if (__builtin_expect(!tn_check_plain(buf, count, rank, tag, cp, dp), 0))
        return slow(fname, buf, count, datatype, rank, tag, comm, c, dt);
    *c = cp;
    *dt = dp;
    return MPI_SUCCESS;
}

/* The envelope of a send (dest may be MPI_PROC_NULL, tag 0..MPI_TAG_UB) or a
 * receive (source may also be MPI_ANY_SOURCE, tag MPI_ANY_TAG), after
 * tn_rt_check: comm, count, datatype, buffer, rank and tag, in that order.
 * *c and *dt are set on success. */
static inline int tn_check_send(const char *fname, const void *buf, MPI_Aint count,
                                MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                                tn_comm_t **c, tn_datatype_t **dt)
{
    return tn_check_envelope(fname, buf, count, datatype, dest, tag, comm, c, dt,
                             tn_check_send_slow);
}
static inline int tn_check_recv(const char *fname, const void *buf, MPI_Aint count,
                                MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
                                tn_comm_t **c, tn_datatype_t **dt)
{
    return tn_check_envelope(fname, buf, count, datatype, source, tag, comm, c, dt,
                             tn_check_recv_slow);
}

#endif
