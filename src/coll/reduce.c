/* Reduce.
 *
 * binomial: a rank vr (renumbered relative to the tree's top) first combines
 * the partial results of its children vr + 1, vr + 2, vr + 4, ... (in that
 * order) into its own, then sends the total to its parent. Child vr + m covers
 * ranks [vr + m, vr + 2m), so folding each child in on the right keeps the
 * operands in rank order: the result is x0 op x1 op ... op x(p-1) as the
 * standard requires for non-commutative operations. That order only holds
 * when the tree's top is rank 0, so for non-commutative ops rank 0 computes
 * the result and sends it to the root; commutative ops root the tree at the
 * root itself.
 *
 * rabenseifner (commutative ops): a reduce-scatter by recursive halving
 * (shared with allreduce), then a binomial gather of the reduced blocks to
 * new rank 0, which forwards the result to the root if that is another rank.
 * Each rank then moves about 2x the buffer rather than log2(p) x. */
#include "coll/util.h"

static int reduce_binomial(tn_sched_t *s, const void *in, void *rbuf, MPI_Aint count,
                           tn_datatype_t *dt, tn_op_t *op, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc = MPI_SUCCESS;
    int top = op->commute ? root : 0, vr = (rank - top + p) % p;
    /* acc: the running result, first the input; children's data arrives in
     * tmp and is folded as acc op tmp into tmp, which becomes acc. Two
     * writable buffers alternate: rbuf at the root (when it is not the
     * input), and scratch. */
    const void *acc = in;
    void *bufs[2] = {NULL, NULL};
    int nb = 0;
    for (int mask = 1; !rc && mask < p; mask <<= 1) {
        if (vr & mask) {
            rc = tn_sched_send(s, acc, count, dt, (rank - mask + p) % p);
            break;
        }
        if (vr + mask >= p)
            continue;
        if (!bufs[0]) {
            /* First child: two writable buffers other than the input. */
            for (int i = 0; !rc && i < 2; i++) {
                if (rank == root && rbuf != in && !nb) {
                    bufs[nb++] = rbuf;
                    continue;
                }
                rc = tn_sched_scratch(s, count, dt, &bufs[nb++]);
            }
            if (rc)
                break;
        }
        void *next = bufs[0] != acc ? bufs[0] : bufs[1];
        rc = tn_sched_recv(s, next, count, dt, (rank + mask) % p);
        if (!rc)
            rc = tn_sched_fence(s);
        /* next = acc op next: acc holds the lower ranks. */
        if (!rc)
            rc = tn_sched_reduce(s, acc, next, count, dt, op);
        acc = next;
    }
    if (!rc && vr == 0) {
        if (rank != root)
            rc = tn_sched_send(s, acc, count, dt, root);
        else
            rc = tn_sched_copy(s, acc, count, dt, rbuf, count, dt);
    }
    /* The fence: rbuf may be the input this rank has just sent. */
    if (!rc && rank == root && top != root && !(rc = tn_sched_fence(s)))
        rc = tn_sched_recv(s, rbuf, count, dt, top);
    return rc;
}

/* Binomial gather of the reduced blocks to new rank 0: before step mask, new
 * rank nr (a multiple of mask) holds blocks [nr, nr + mask); it either sends
 * them to nr - mask or receives [nr + mask, nr + 2 mask) from nr + mask. */
static int gather_blocks(tn_sched_t *s, void *acc, MPI_Aint count, tn_datatype_t *dt, int newrank,
                         int pof2, int rem)
{
    MPI_Aint ext = dt->extent;
    int rc = MPI_SUCCESS;
    for (int mask = 1; !rc && mask < pof2; mask <<= 1) {
        int first = newrank & mask ? newrank : newrank + mask; /* the run that moves */
        MPI_Aint d = tn_coll_block_disp(count, pof2, first);
        MPI_Aint n = tn_coll_block_disp(count, pof2, first + mask) - d;
        if (newrank & mask)
            return tn_sched_send(s, (char *)acc + d * ext, n, dt,
                                 tn_coll_fold_rank(newrank - mask, rem));
        rc = tn_sched_recv(s, (char *)acc + d * ext, n, dt, tn_coll_fold_rank(newrank + mask, rem));
        if (!rc)
            rc = tn_sched_fence(s);
    }
    return rc;
}

static int reduce_rabenseifner(tn_sched_t *s, const void *in, void *rbuf, MPI_Aint count,
                               tn_datatype_t *dt, tn_op_t *op, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, pof2 = tn_coll_pof2(p), rem = p - pof2, rc;
    int holder = tn_coll_fold_rank(0, rem); /* ends with the whole result */
    void *acc = rbuf, *tmp;
    if (rank < 2 * rem && rank % 2 == 0) {
        rc = tn_sched_send(s, in, count, dt, rank + 1);
    } else {
        if (rank != root && (rc = tn_sched_scratch(s, count, dt, &acc)))
            return rc;
        if ((rc = tn_sched_scratch(s, count, dt, &tmp)) ||
            (rc = tn_sched_copy(s, in, count, dt, acc, count, dt)))
            return rc;
        if ((rc = tn_coll_fold_in(s, acc, tmp, count, dt, op, rank, rem)))
            return rc;
        int newrank = rank < 2 * rem ? rank / 2 : rank - rem;
        MPI_Aint *bdisp;
        rc = tn_coll_block_disps(s, count, pof2, &bdisp);
        if (!rc)
            rc = tn_coll_rs_halving(s, acc, tmp, bdisp, dt, op, newrank, pof2, rem);
        if (!rc)
            rc = gather_blocks(s, acc, count, dt, newrank, pof2, rem);
        if (!rc && rank == holder && rank != root)
            rc = tn_sched_send(s, acc, count, dt, root);
    }
    if (!rc && rank == root && rank != holder && !(rc = tn_sched_fence(s)))
        rc = tn_sched_recv(s, rbuf, count, dt, holder);
    return rc;
}

int tn_coll_reduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                         tn_datatype_t *dt, tn_op_t *op, int root)
{
    int p = tn_sched_comm(s)->size;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (count == 0)
        return MPI_SUCCESS;
    if (p == 1)
        return tn_sched_copy(s, in, count, dt, rbuf, count, dt);
    int algo = tn_coll_algo(TN_COLL_REDUCE, p, (size_t)count * (size_t)dt->size, op->commute);
    if (algo == TN_REDUCE_RABENSEIFNER && count >= tn_coll_pof2(p))
        return reduce_rabenseifner(s, in, rbuf, count, dt, op, root);
    return reduce_binomial(s, in, rbuf, count, dt, op, root);
}

int tn_coll_reduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   int root, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Reduce", &s);
    return rc ? rc : tn_coll_finish(s, tn_coll_reduce_sched(s, sbuf, rbuf, count, dt, op, root));
}
