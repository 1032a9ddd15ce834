/* MPI 4.1 §6.9.5-6.9.7: user-defined reduction ops and MPI_Reduce_local. */
#include <stddef.h>
#include "mpi/api.h"
#include "mpi/check.h"

static int op_create(const char *fname, MPI_User_function *fn, MPI_User_function_c *fn_c,
                     int commute, MPI_Op *op)
{
    tn_op_t *o;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "user_fn", fn ? (void *)fn : (void *)fn_c);
    if (!rc)
        rc = tn_check_ptr(fname, "op", op);
    if (!rc)
        rc = tn_op_create(fn, fn_c, commute, &o);
    if (rc)
        return tn_err_raise(rc);
    *op = o->handle;
    return MPI_SUCCESS;
}

TN_API(Op_create)
int PMPI_Op_create(MPI_User_function *user_fn, int commute, MPI_Op *op)
{
    return op_create("MPI_Op_create", user_fn, NULL, commute, op);
}

TN_API(Op_create_c)
int PMPI_Op_create_c(MPI_User_function_c *user_fn, int commute, MPI_Op *op)
{
    return op_create("MPI_Op_create_c", NULL, user_fn, commute, op);
}

TN_API(Op_free)
int PMPI_Op_free(MPI_Op *op)
{
    static const char fname[] = "MPI_Op_free";
    tn_op_t *o;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "op", op);
    if (!rc)
        rc = tn_check_op(fname, *op, &o);
    if (!rc && o->builtin)
        rc = tn_err_set(MPI_ERR_OP, "%s: %s is predefined and cannot be freed", fname,
                        tn_op_name(o));
    if (rc)
        return tn_err_raise(rc);
    tn_op_release(o); /* operations in progress keep their own references */
    *op = MPI_OP_NULL;
    return MPI_SUCCESS;
}

TN_API(Op_commutative)
int PMPI_Op_commutative(MPI_Op op, int *commute)
{
    static const char fname[] = "MPI_Op_commutative";
    tn_op_t *o;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_op(fname, op, &o);
    if (!rc)
        rc = tn_check_ptr(fname, "commute", commute);
    if (rc)
        return tn_err_raise(rc);
    *commute = o->commute;
    return MPI_SUCCESS;
}

static int reduce_local(const char *fname, const void *inbuf, void *inoutbuf, MPI_Count count,
                        MPI_Datatype datatype, MPI_Op op)
{
    tn_datatype_t *dt;
    tn_op_t *o;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_type(fname, count, datatype, &dt);
    if (!rc)
        rc = tn_check_op(fname, op, &o);
    if (!rc)
        rc = tn_op_check(fname, o, dt);
    if (!rc)
        rc = tn_check_buf(fname, inbuf, count, dt);
    if (!rc)
        rc = tn_check_buf(fname, inoutbuf, count, dt);
    if (!rc && (inbuf == MPI_IN_PLACE || inoutbuf == MPI_IN_PLACE))
        rc = tn_err_set(MPI_ERR_BUFFER, "%s: MPI_IN_PLACE is not allowed", fname);
    if (!rc)
        rc = tn_op_apply(o, inbuf, inoutbuf, count, dt);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Reduce_local)
int PMPI_Reduce_local(const void *inbuf, void *inoutbuf, int count, MPI_Datatype datatype,
                      MPI_Op op)
{
    return reduce_local("MPI_Reduce_local", inbuf, inoutbuf, count, datatype, op);
}

TN_API(Reduce_local_c)
int PMPI_Reduce_local_c(const void *inbuf, void *inoutbuf, MPI_Count count,
                        MPI_Datatype datatype, MPI_Op op)
{
    return reduce_local("MPI_Reduce_local_c", inbuf, inoutbuf, count, datatype, op);
}
