/* Reduction operations.
 *
 * Predefined ops have MPICH's handles (0x58000001 MPI_MAX … 0x5800000e
 * MPI_NO_OP); user ops live in a handle table. Predefined ops work on
 * predefined types and on derived types made of a single predefined type,
 * elementwise over its basic elements. */
#ifndef TN_OP_H
#define TN_OP_H

#include <mpi.h>
#include "core/datatype.h"

typedef struct tn_op {
    int handle;
    int refs;
    int builtin;
    int commute;
    MPI_User_function *user_fn;      /* user ops */
    MPI_User_function_c *user_fn_c;  /* MPI_Op_create_c */
} tn_op_t;

void tn_op_init_builtins(void);
/* Handle → object; NULL for invalid handles and MPI_OP_NULL. */
tn_op_t *tn_op_get(MPI_Op handle);
tn_op_t *tn_op_ref(tn_op_t *op);
void tn_op_release(tn_op_t *op);
/* A user op (exactly one of fn, fn_c non-NULL), refs = 1, with its handle. */
int tn_op_create(MPI_User_function *fn, MPI_User_function_c *fn_c, int commute, tn_op_t **op);
/* "MPI_SUM", … or "user op" (for messages). */
const char *tn_op_name(const tn_op_t *op);

/* Checks that op is defined for datatype dt in a reduction (builtin ops only
 * accept the types the standard lists, MINLOC/MAXLOC need pair types,
 * MPI_REPLACE and MPI_NO_OP are refused). Message names fname. */
int tn_op_check(const char *fname, const tn_op_t *op, const tn_datatype_t *dt);
/* The same for MPI_Accumulate and friends: predefined ops only (MPI_REPLACE
 * and MPI_NO_OP included), dt made of a single predefined type. */
int tn_op_check_acc(const char *fname, const tn_op_t *op, const tn_datatype_t *dt);
/* inout[i] = in[i] op inout[i] for count elements of dt (as MPI_Reduce_local).
 * in and inout have dt's layout. User functions get dt's handle. */
int tn_op_apply(const tn_op_t *op, const void *in, void *inout, MPI_Aint count,
                const tn_datatype_t *dt);

/* Kernels (op_kernels.c): n consecutive elements of a predefined type. */
typedef void tn_op_kernel_t(const void *in, void *inout, MPI_Aint n);
/* The kernel of predefined op (MPI_MAX … MPI_MAXLOC) for predefined type
 * basic, or NULL when the standard does not define op for it. */
tn_op_kernel_t *tn_op_kernel(MPI_Op op, MPI_Datatype basic);

#endif
