/* Argument checks shared by the API layer (see check.h): the out-of-line
 * parts, which run only for special values and errors. */
#include "mpi/check.h"
#include "core/error.h"

int tn_check_comm(const char *fname, MPI_Comm comm, tn_comm_t **c)
{
    tn_comm_t *p = tn_comm_get(comm);
    if (p) {
        *c = p;
        return MPI_SUCCESS;
    }
    if (comm == MPI_COMM_NULL)
        return tn_err_set(MPI_ERR_COMM, "%s: comm is MPI_COMM_NULL", fname);
    return tn_err_set(MPI_ERR_COMM, "%s: comm 0x%x is not a valid communicator", fname,
                      (unsigned)comm);
}

int tn_check_root(const char *fname, int root, const tn_comm_t *c)
{
    if (!c->remote_group) {
        if ((unsigned)root < (unsigned)c->size)
            return MPI_SUCCESS;
        return tn_err_set(MPI_ERR_ROOT,
                          "%s: root %d is out of range for a communicator of size %d "
                          "(must be 0..%d)",
                          fname, root, c->size, c->size - 1);
    }
    if (root == MPI_ROOT || root == MPI_PROC_NULL ||
        (unsigned)root < (unsigned)c->remote_group->size)
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_ROOT,
                      "%s: root %d is invalid on an intercommunicator (must be MPI_ROOT, "
                      "MPI_PROC_NULL or 0..%d in the remote group)",
                      fname, root, c->remote_group->size - 1);
}

int tn_check_op(const char *fname, MPI_Op op, tn_op_t **o)
{
    tn_op_t *p = tn_op_get(op);
    if (p) {
        *o = p;
        return MPI_SUCCESS;
    }
    if (op == MPI_OP_NULL)
        return tn_err_set(MPI_ERR_OP, "%s: op is MPI_OP_NULL", fname);
    return tn_err_set(MPI_ERR_OP, "%s: op 0x%x is not a valid operation", fname, (unsigned)op);
}

int tn_check_count_slow(const char *fname, MPI_Aint count)
{
    return tn_err_set(MPI_ERR_COUNT, "%s: count %lld is negative", fname, (long long)count);
}

int tn_check_rank_slow(const char *fname, const char *argname, int rank, const tn_comm_t *c,
                       int allow)
{
    if ((rank == MPI_ANY_SOURCE && (allow & TN_RANK_ANY)) ||
        (rank == MPI_PROC_NULL && (allow & TN_RANK_NULL)))
        return MPI_SUCCESS;
    static const char *const also[4] = {
        "", " or MPI_ANY_SOURCE", " or MPI_PROC_NULL", ", MPI_ANY_SOURCE or MPI_PROC_NULL"};
    const char *what = c->remote_group ? "the remote group" : "a communicator";
    int n = tn_comm_peer_size(c);
    if (rank == MPI_ANY_SOURCE || rank == MPI_PROC_NULL)
        return tn_err_set(MPI_ERR_RANK, "%s: %s %s is not allowed here (must be 0..%d%s)", fname,
                          argname, rank == MPI_ANY_SOURCE ? "MPI_ANY_SOURCE" : "MPI_PROC_NULL",
                          n - 1, also[allow & 3]);
    return tn_err_set(MPI_ERR_RANK, "%s: %s %d is out of range for %s of size %d (must be 0..%d%s)",
                      fname, argname, rank, what, n, n - 1, also[allow & 3]);
}

int tn_check_tag_slow(const char *fname, int tag, int allow_any)
{
    if (tag == MPI_ANY_TAG) {
        if (allow_any)
            return MPI_SUCCESS;
        return tn_err_set(MPI_ERR_TAG, "%s: tag MPI_ANY_TAG is not allowed here (must be 0..%d)",
                          fname, TN_TAG_UB);
    }
    return tn_err_set(MPI_ERR_TAG, "%s: tag %d is invalid (must be %s0..%d)", fname, tag,
                      allow_any ? "MPI_ANY_TAG or " : "", TN_TAG_UB);
}

int tn_check_buf_slow(const char *fname, const void *buf, MPI_Aint count, const tn_datatype_t *dt)
{
    /* MPI_BOTTOM (NULL) is a valid buffer for a type map of absolute addresses:
     * then the data does not start at address 0. */
    if (buf || dt->true_lb != 0)
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_BUFFER,
                      "%s: buf is NULL but count %lld of a %lld-byte datatype describes data",
                      fname, (long long)count, (long long)dt->size);
}

int tn_check_ptr_slow(const char *fname, const char *argname)
{
    return tn_err_set(MPI_ERR_ARG, "%s: %s argument is NULL", fname, argname);
}

/* The part common to tn_check_send and tn_check_recv. */
static int check_data(const char *fname, const void *buf, MPI_Aint count, MPI_Datatype datatype,
                      MPI_Comm comm, tn_comm_t **c, tn_datatype_t **dt)
{
    int rc = tn_check_comm(fname, comm, c);
    if (!rc)
        rc = tn_check_type(fname, count, datatype, dt);
    if (!rc)
        rc = tn_check_buf(fname, buf, count, *dt);
    return rc;
}

int tn_check_send_slow(const char *fname, const void *buf, MPI_Aint count, MPI_Datatype datatype,
                       int dest, int tag, MPI_Comm comm, tn_comm_t **c, tn_datatype_t **dt)
{
    tn_comm_t *cp = NULL;
    tn_datatype_t *dp = NULL;
    int rc = check_data(fname, buf, count, datatype, comm, &cp, &dp);
    if (!rc)
        rc = tn_check_rank(fname, "dest", dest, cp, TN_RANK_NULL);
    if (!rc)
        rc = tn_check_tag(fname, tag, 0);
    if (rc)
        return rc;
    *c = cp;
    *dt = dp;
    return MPI_SUCCESS;
}

int tn_check_recv_slow(const char *fname, const void *buf, MPI_Aint count, MPI_Datatype datatype,
                       int source, int tag, MPI_Comm comm, tn_comm_t **c, tn_datatype_t **dt)
{
    tn_comm_t *cp = NULL;
    tn_datatype_t *dp = NULL;
    int rc = check_data(fname, buf, count, datatype, comm, &cp, &dp);
    if (!rc)
        rc = tn_check_rank(fname, "source", source, cp, TN_RANK_ANY | TN_RANK_NULL);
    if (!rc)
        rc = tn_check_tag(fname, tag, 1);
    if (rc)
        return rc;
    *c = cp;
    *dt = dp;
    return MPI_SUCCESS;
}
