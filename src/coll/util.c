/* Helpers shared by the collective algorithms (see util.h). */
#include <stdlib.h>
#include "core/error.h"
#include "coll/util.h"

void tn_coll_span(MPI_Aint count, const tn_datatype_t *dt, MPI_Aint *lo, MPI_Aint *hi)
{
    MPI_Aint l = dt->true_lb, h = dt->true_ub;
    if (count > 0) {
        /* Element i starts i * extent after element 0; the extent may be negative. */
        MPI_Aint last = (count - 1) * dt->extent;
        if (last < 0)
            l += last;
        else
            h += last;
    } else {
        h = l;
    }
    *lo = l;
    *hi = h;
}

int tn_coll_scratch_bytes(size_t nbytes, tn_coll_inline_t *inl, void **mem, void **buf,
                          const char *fname)
{
    if (inl && nbytes <= sizeof(inl->bytes)) {
        *mem = NULL;
        *buf = inl->bytes;
        return MPI_SUCCESS;
    }
    void *m = malloc(nbytes ? nbytes : 1);
    if (!m)
        return tn_err_set(MPI_ERR_NO_MEM, "%s: out of memory for a %zu-byte temporary buffer",
                          fname, nbytes);
    *mem = m;
    *buf = m;
    return MPI_SUCCESS;
}

int tn_coll_scratch(MPI_Aint count, const tn_datatype_t *dt, tn_coll_inline_t *inl, void **mem,
                    void **buf, const char *fname)
{
    MPI_Aint lo, hi;
    void *start = NULL;
    tn_coll_span(count, dt, &lo, &hi);
    int rc = tn_coll_scratch_bytes((size_t)(hi - lo), inl, mem, &start, fname);
    if (rc)
        return rc;
    *buf = (char *)start - lo;
    return MPI_SUCCESS;
}

tn_datatype_t *tn_coll_bytes(void)
{
    return tn_datatype_get(MPI_BYTE);
}

int tn_coll_sendrecv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, int dest,
                     void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int src, int tag,
                     tn_comm_t *comm)
{
    tn_request_t *reqs[2];
    int rc = tn_p2p_irecv(rbuf, rcount, rtype, src, tag, comm, TN_CTX_COLL, &reqs[0]);
    if (rc)
        return rc;
    rc = tn_p2p_isend(sbuf, scount, stype, dest, tag, comm, TN_CTX_COLL, TN_SEND_STD, &reqs[1]);
    if (rc)
        return tn_coll_unwind(1, reqs, rc);
    return tn_request_waitall(2, reqs);
}

int tn_coll_unwind(int n, tn_request_t **reqs, int rc)
{
    for (int i = 0; i < n; i++)
        tn_p2p_cancel(reqs[i]);
    tn_request_waitall(n, reqs);
    return rc;
}
