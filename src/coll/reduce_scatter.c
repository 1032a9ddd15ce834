/* Reduce_scatter and reduce_scatter_block.
 *
 * Rank i's result is block i of the reduced vector (counts[i] elements; every
 * block `block` elements when counts is NULL).
 *  - Commutative ops, total >= TN_REDSCAT_LONG: pairwise exchange. In step i a
 *    rank sends its contribution to block rank+i to that rank and folds in the
 *    contribution of rank-i to its own block: p-1 steps, each rank moving only
 *    the data of the blocks it does not own.
 *  - Otherwise: reduce of the whole vector to rank 0 (rank order preserved),
 *    then scatter(v). */
#include <stdlib.h>
#include "core/error.h"
#include "coll/util.h"

#define BLOCK(counts, block, i) ((counts) ? (counts)[i] : (block))

static int rs_pairwise(const void *in, void *rbuf, const MPI_Aint *counts, MPI_Aint block,
                       tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm, const char *fname)
{
    int p = comm->size, rank = comm->rank, rc;
    MPI_Aint ext = dt->extent, mine = BLOCK(counts, block, rank), disp = 0;
    for (int i = 0; i < rank; i++)
        disp += BLOCK(counts, block, i);
    void *tmem, *tmp, *amem = NULL, *acc = rbuf;
    if ((rc = tn_coll_scratch(mine, dt, NULL, &tmem, &tmp, fname)))
        return rc;
    /* In place, rbuf still holds blocks to send: accumulate elsewhere. */
    if (in == rbuf && (rc = tn_coll_scratch(mine, dt, NULL, &amem, &acc, fname)))
        goto out;
    if ((rc = tn_dtype_copy((const char *)in + disp * ext, mine, dt, acc, mine, dt)))
        goto out;
    int from_empty = (size_t)mine * (size_t)dt->size == 0;
    disp += mine; /* now the displacement of block rank + 1 */
    for (int i = 1; i < p; i++) {
        int dst = (rank + i) % p, src = (rank - i + p) % p;
        if (dst == 0)
            disp = 0;
        MPI_Aint n = BLOCK(counts, block, dst);
        rc = tn_coll_sendrecv((const char *)in + disp * ext, n, dt,
                              n && dt->size ? dst : MPI_PROC_NULL, tmp, mine, dt,
                              from_empty ? MPI_PROC_NULL : src, TN_TAG_REDUCE_SCATTER, comm);
        if (!rc && !from_empty)
            rc = tn_op_apply(op, tmp, acc, mine, dt);
        if (rc)
            goto out;
        disp += n;
    }
    if (acc != rbuf)
        rc = tn_dtype_copy(acc, mine, dt, rbuf, mine, dt);
out:
    free(amem);
    free(tmem);
    return rc;
}

static int rs_reduce_scatter(const void *in, void *rbuf, const MPI_Aint *counts, MPI_Aint block,
                             MPI_Aint total, tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm,
                             const char *fname)
{
    int p = comm->size, rank = comm->rank, rc;
    void *mem = NULL, *tmp = NULL;
    MPI_Aint *displs = NULL;
    if (rank == 0) {
        if ((rc = tn_coll_scratch(total, dt, NULL, &mem, &tmp, fname)))
            return rc;
        if (counts && !(displs = malloc((size_t)p * sizeof(*displs)))) {
            rc = tn_err_set(MPI_ERR_NO_MEM, "%s: out of memory for %d displacements", fname, p);
            goto out;
        }
        for (int i = 0; displs && i < p; i++)
            displs[i] = i ? displs[i - 1] + counts[i - 1] : 0;
    }
    if ((rc = tn_coll_reduce(in, tmp, total, dt, op, 0, comm)))
        goto out;
    if (counts)
        rc = tn_coll_scatterv(tmp, counts, displs, dt, rbuf, counts[rank], dt, 0, comm);
    else
        rc = tn_coll_scatter(tmp, block, dt, rbuf, block, dt, 0, comm);
out:
    free(displs);
    free(mem);
    return rc;
}

static int reduce_scatter(const void *sbuf, void *rbuf, const MPI_Aint *counts, MPI_Aint block,
                          tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm, const char *fname)
{
    int p = comm->size;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    MPI_Aint total = 0;
    for (int i = 0; i < p; i++)
        total += BLOCK(counts, block, i);
    if (total == 0)
        return MPI_SUCCESS;
    if (p == 1)
        return in == rbuf ? MPI_SUCCESS : tn_dtype_copy(in, total, dt, rbuf, total, dt);
    if (op->commute && (size_t)total * (size_t)dt->size >= TN_REDSCAT_LONG)
        return rs_pairwise(in, rbuf, counts, block, dt, op, comm, fname);
    return rs_reduce_scatter(in, rbuf, counts, block, total, dt, op, comm, fname);
}

int tn_coll_reduce_scatter(const void *sbuf, void *rbuf, const MPI_Aint *rcounts,
                           tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm)
{
    return reduce_scatter(sbuf, rbuf, rcounts, 0, dt, op, comm, "MPI_Reduce_scatter");
}

int tn_coll_reduce_scatter_block(const void *sbuf, void *rbuf, MPI_Aint rcount,
                                 tn_datatype_t *dt, tn_op_t *op, tn_comm_t *comm)
{
    return reduce_scatter(sbuf, rbuf, NULL, rcount, dt, op, comm, "MPI_Reduce_scatter_block");
}
