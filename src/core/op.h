/* Reduction operations. */
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
tn_op_t *tn_op_get(MPI_Op handle);
void tn_op_release(tn_op_t *op);
/* Checks that op is defined for datatype dt (builtin ops only accept the
 * types the standard lists; MINLOC/MAXLOC need pair types). Message names fname. */
int tn_op_check(const char *fname, const tn_op_t *op, const tn_datatype_t *dt);
/* inout[i] = in[i] op inout[i] for count elements of dt (as MPI_Reduce_local). */
int tn_op_apply(const tn_op_t *op, const void *in, void *inout, MPI_Aint count,
                const tn_datatype_t *dt);

#endif
