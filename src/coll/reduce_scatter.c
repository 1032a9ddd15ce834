/* Reduce_scatter and reduce_scatter_block.
 *
 * Rank i's result is block i of the reduced vector (counts[i] elements; every
 * block `block` elements when counts is NULL).
 *  - pairwise (commutative ops): in step i a rank sends its contribution to
 *    block rank+i to that rank and folds in the contribution of rank-i to its
 *    own block: p-1 steps, each rank moving only the data of the blocks it
 *    does not own;
 *  - recursive_halving (commutative ops): allreduce's fold onto a power of
 *    two, then its reduce-scatter by recursive halving with new rank i's
 *    block made of the blocks of the ranks it stands for; each rank ends with
 *    its own block, or hands the folded partner its block;
 *  - reduce_scatterv: reduce of the whole vector to rank 0 (rank order
 *    preserved, any op), then scatter(v). */
#include "coll/util.h"

#define BLOCK(counts, block, i) ((counts) ? (counts)[i] : (block))

static int rs_pairwise(tn_sched_t *s, const void *in, void *rbuf, const MPI_Aint *counts,
                       MPI_Aint block, tn_datatype_t *dt, tn_op_t *op)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc;
    MPI_Aint ext = dt->extent, mine = BLOCK(counts, block, rank), disp = 0;
    for (int i = 0; i < rank; i++)
        disp += BLOCK(counts, block, i);
    void *tmp, *acc = rbuf;
    if ((rc = tn_sched_scratch(s, mine, dt, &tmp)))
        return rc;
    /* In place, rbuf still holds blocks to send: accumulate elsewhere. */
    if (in == rbuf && (rc = tn_sched_scratch(s, mine, dt, &acc)))
        return rc;
    if ((rc = tn_sched_copy(s, (const char *)in + disp * ext, mine, dt, acc, mine, dt)))
        return rc;
    int from_empty = (size_t)mine * (size_t)dt->size == 0;
    disp += mine; /* now the displacement of block rank + 1 */
    for (int i = 1; !rc && i < p; i++) {
        int dst = (rank + i) % p, src = (rank - i + p) % p;
        if (dst == 0)
            disp = 0;
        MPI_Aint n = BLOCK(counts, block, dst);
        rc = tn_coll_sendrecv(s, (const char *)in + disp * ext, n, dt,
                              n && dt->size ? dst : MPI_PROC_NULL, tmp, mine, dt,
                              from_empty ? MPI_PROC_NULL : src);
        if (!rc && !from_empty)
            rc = tn_sched_reduce(s, tmp, acc, mine, dt, op);
        disp += n;
    }
    return rc ? rc : tn_sched_copy(s, acc, mine, dt, rbuf, mine, dt);
}

static int rs_halving(tn_sched_t *s, const void *in, void *rbuf, const MPI_Aint *counts,
                      MPI_Aint block, MPI_Aint total, tn_datatype_t *dt, tn_op_t *op)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, pof2 = tn_coll_pof2(p), rem = p - pof2, rc;
    MPI_Aint ext = dt->extent, mine = BLOCK(counts, block, rank);
    if (rank < 2 * rem && rank % 2 == 0) {
        rc = tn_sched_send(s, in, total, dt, rank + 1);
        if (!rc)
            rc = tn_sched_fence(s); /* in may be rbuf */
        return rc ? rc : tn_sched_recv(s, rbuf, mine, dt, rank + 1);
    }
    /* rdisp[r]: where rank r's block starts; bdisp[i]: new rank i's. */
    MPI_Aint *rdisp, *bdisp;
    void *acc, *tmp;
    if ((rc =
             tn_sched_scratch_bytes(s, (size_t)(p + pof2 + 1) * sizeof(MPI_Aint), (void **)&rdisp)))
        return rc;
    bdisp = rdisp + p;
    for (int r = 0; r < p; r++)
        rdisp[r] = r ? rdisp[r - 1] + BLOCK(counts, block, r - 1) : 0;
    for (int i = 0; i < pof2; i++)
        bdisp[i] = rdisp[i < rem ? 2 * i : i + rem];
    bdisp[pof2] = total;
    if ((rc = tn_sched_scratch(s, total, dt, &acc)) ||
        (rc = tn_sched_scratch(s, total, dt, &tmp)) ||
        (rc = tn_sched_copy(s, in, total, dt, acc, total, dt)))
        return rc;
    if ((rc = tn_coll_fold_in(s, acc, tmp, total, dt, op, rank, rem)))
        return rc;
    int newrank = rank < 2 * rem ? rank / 2 : rank - rem;
    rc = tn_coll_rs_halving(s, acc, tmp, bdisp, dt, op, newrank, pof2, rem);
    if (!rc && rank < 2 * rem)
        rc = tn_sched_send(s, (char *)acc + rdisp[rank - 1] * ext, BLOCK(counts, block, rank - 1),
                           dt, rank - 1);
    return rc ? rc : tn_sched_copy(s, (char *)acc + rdisp[rank] * ext, mine, dt, rbuf, mine, dt);
}

static int rs_reduce_scatterv(tn_sched_t *s, const void *in, void *rbuf, const MPI_Aint *counts,
                              MPI_Aint block, MPI_Aint total, tn_datatype_t *dt, tn_op_t *op)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc = MPI_SUCCESS;
    void *tmp = NULL;
    MPI_Aint *displs = NULL;
    if (rank == 0) {
        rc = tn_sched_scratch(s, total, dt, &tmp);
        if (!rc && counts)
            rc = tn_sched_scratch_bytes(s, (size_t)p * sizeof(*displs), (void **)&displs);
        for (int i = 0; !rc && displs && i < p; i++)
            displs[i] = i ? displs[i - 1] + counts[i - 1] : 0;
    }
    if (!rc)
        rc = tn_coll_reduce_sched(s, in, tmp, total, dt, op, 0);
    if (!rc)
        rc = tn_sched_fence(s);
    if (rc)
        return rc;
    if (counts)
        return tn_coll_scatterv_sched(s, tmp, counts, displs, dt, rbuf, counts[rank], dt, 0);
    return tn_coll_scatter_sched(s, tmp, block, dt, rbuf, block, dt, 0);
}

static int reduce_scatter(tn_sched_t *s, enum tn_coll_op which, const void *sbuf, void *rbuf,
                          const MPI_Aint *counts, MPI_Aint block, tn_datatype_t *dt, tn_op_t *op)
{
    int p = tn_sched_comm(s)->size;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    MPI_Aint total = 0;
    for (int i = 0; i < p; i++)
        total += BLOCK(counts, block, i);
    if (total == 0)
        return MPI_SUCCESS;
    if (p == 1)
        return tn_sched_copy(s, in, total, dt, rbuf, total, dt);
    int algo = tn_coll_algo(which, p, (size_t)total * (size_t)dt->size, op->commute);
    if (algo == TN_REDSCAT_PAIRWISE)
        return rs_pairwise(s, in, rbuf, counts, block, dt, op);
    if (algo == TN_REDSCAT_RECURSIVE_HALVING)
        return rs_halving(s, in, rbuf, counts, block, total, dt, op);
    return rs_reduce_scatterv(s, in, rbuf, counts, block, total, dt, op);
}

int tn_coll_reduce_scatter_sched(tn_sched_t *s, const void *sbuf, void *rbuf,
                                 const MPI_Aint *rcounts, tn_datatype_t *dt, tn_op_t *op)
{
    return reduce_scatter(s, TN_COLL_REDUCE_SCATTER, sbuf, rbuf, rcounts, 0, dt, op);
}

int tn_coll_reduce_scatter_block_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint rcount,
                                       tn_datatype_t *dt, tn_op_t *op)
{
    return reduce_scatter(s, TN_COLL_REDUCE_SCATTER_BLOCK, sbuf, rbuf, NULL, rcount, dt, op);
}

int tn_coll_reduce_scatter(const void *sbuf, void *rbuf, const MPI_Aint *rcounts, tn_datatype_t *dt,
                           tn_op_t *op, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Reduce_scatter", &s);
    return rc ? rc
              : tn_coll_finish(s, tn_coll_reduce_scatter_sched(s, sbuf, rbuf, rcounts, dt, op));
}

int tn_coll_reduce_scatter_block(const void *sbuf, void *rbuf, MPI_Aint rcount, tn_datatype_t *dt,
                                 tn_op_t *op, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Reduce_scatter_block", &s);
    return rc ? rc
              : tn_coll_finish(s,
                               tn_coll_reduce_scatter_block_sched(s, sbuf, rbuf, rcount, dt, op));
}
