/* Argument checks shared by the API layer. Each returns MPI_SUCCESS or an
 * error code whose message names the call (fname), the argument, the bad value
 * and what was allowed. Outputs are set only on success. */
#ifndef TN_CHECK_H
#define TN_CHECK_H

#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"

/* Valid, not MPI_COMM_NULL. */
int tn_check_comm(const char *fname, MPI_Comm comm, tn_comm_t **c);
/* count >= 0 (MPI_ERR_COUNT). */
int tn_check_count(const char *fname, MPI_Aint count);
/* Bits for tn_check_rank's allow argument. */
#define TN_RANK_ANY 0x1  /* MPI_ANY_SOURCE allowed */
#define TN_RANK_NULL 0x2 /* MPI_PROC_NULL allowed */
/* 0 <= rank < peer size of c (MPI_ERR_RANK); argname is "dest", "source", … */
int tn_check_rank(const char *fname, const char *argname, int rank, const tn_comm_t *c, int allow);
/* 0 <= tag <= MPI_TAG_UB value, or MPI_ANY_TAG when allow_any (MPI_ERR_TAG). */
int tn_check_tag(const char *fname, int tag, int allow_any);
/* buf may be NULL only when no data is described (MPI_ERR_BUFFER). */
int tn_check_buf(const char *fname, const void *buf, MPI_Aint count, const tn_datatype_t *dt);
/* 0 <= root < size for intracomms; MPI_ROOT/MPI_PROC_NULL/remote rank for intercomms (MPI_ERR_ROOT). */
int tn_check_root(const char *fname, int root, const tn_comm_t *c);
/* Valid op handle (MPI_ERR_OP); *op set on success. Does not check the type pairing (tn_op_check). */
int tn_check_op(const char *fname, MPI_Op op, tn_op_t **o);
/* count elements of type (count >= 0, valid committed type): wraps tn_datatype_check. */
int tn_check_type(const char *fname, MPI_Aint count, MPI_Datatype type, tn_datatype_t **dt);

/* The largest tag value (MPI_TAG_UB attribute). */
#define TN_TAG_UB 0x7fffffff

#endif
