/* Scan and exscan by recursive doubling.
 *
 * Each rank keeps `partial`, the reduction over the aligned run of 2^k ranks
 * (k steps done) that contains it. In step k it swaps partial with rank XOR 2^k
 * (when that rank exists); a partner with a lower rank contributes the run just
 * below, which is folded into both partial and the result on the left, and a
 * higher partner's run is folded into partial on the right. Operand order thus
 * follows rank order, as non-commutative ops require. Exscan starts its result
 * empty and takes the first lower run as is. */
#include <stdlib.h>
#include "coll/util.h"

static int scan_rd(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   int exclusive, int tag, tn_comm_t *comm, const char *fname)
{
    int p = comm->size, rank = comm->rank, rc;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (count == 0)
        return MPI_SUCCESS;
    if (!exclusive && in != rbuf && (rc = tn_dtype_copy(in, count, dt, rbuf, count, dt)))
        return rc;
    if (p == 1)
        return MPI_SUCCESS;

    tn_coll_inline_t inl[2];
    void *pmem, *partial, *tmem = NULL, *tmp;
    if ((rc = tn_coll_scratch(count, dt, &inl[0], &pmem, &partial, fname)))
        return rc;
    if ((rc = tn_coll_scratch(count, dt, &inl[1], &tmem, &tmp, fname)) ||
        (rc = tn_dtype_copy(in, count, dt, partial, count, dt)))
        goto out;
    int have = !exclusive; /* rbuf holds a value */
    for (int mask = 1; mask < p; mask <<= 1) {
        int peer = rank ^ mask;
        if (peer >= p)
            continue;
        rc = tn_coll_sendrecv(partial, count, dt, peer, tmp, count, dt, peer, tag, comm);
        if (rc)
            goto out;
        if (peer < rank) {
            if ((rc = tn_op_apply(op, tmp, partial, count, dt)))
                goto out;
            rc = have ? tn_op_apply(op, tmp, rbuf, count, dt)
                      : tn_dtype_copy(tmp, count, dt, rbuf, count, dt);
            have = 1;
        } else {
            /* tmp = partial op tmp, then tmp is the new partial. */
            rc = tn_op_apply(op, partial, tmp, count, dt);
            void *t = partial;
            partial = tmp;
            tmp = t;
        }
        if (rc)
            goto out;
    }
out:
    free(tmem);
    free(pmem);
    return rc;
}

int tn_coll_scan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                 tn_comm_t *comm)
{
    return scan_rd(sbuf, rbuf, count, dt, op, 0, TN_TAG_SCAN, comm, "MPI_Scan");
}

int tn_coll_exscan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt,
                   tn_op_t *op, tn_comm_t *comm)
{
    return scan_rd(sbuf, rbuf, count, dt, op, 1, TN_TAG_EXSCAN, comm, "MPI_Exscan");
}
