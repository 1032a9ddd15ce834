/* Argument helpers shared by the group, communicator and topology calls. */
#ifndef TN_MPI_ARGS_H
#define TN_MPI_ARGS_H

#include <mpi.h>
#include "core/comm.h"
#include "core/error.h"

/* A pointer argument that must be given (its message differs from
 * tn_check_ptr's: "<call>: <argname> is NULL"). */
static inline int tn_mpi_need(const char *fname, const char *argname, const void *p)
{
    return p ? MPI_SUCCESS : tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, argname);
}

/* The handle of a new communicator; MPI_COMM_NULL where there is none. */
static inline MPI_Comm tn_mpi_comm_handle(const tn_comm_t *n)
{
    return n ? n->handle : MPI_COMM_NULL;
}

#endif
