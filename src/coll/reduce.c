/* Reduce over a binomial tree.
 *
 * A rank vr (renumbered relative to the tree's top) first combines the partial
 * results of its children vr + 1, vr + 2, vr + 4, ... (in that order) into its
 * own, then sends the total to its parent. Child vr + m covers ranks
 * [vr + m, vr + 2m), so folding each child in on the right keeps the operands in
 * rank order: the result is x0 op x1 op ... op x(p-1) as the standard requires
 * for non-commutative operations. That order only holds when the tree's top
 * is rank 0, so for non-commutative ops rank 0 computes the result and sends
 * it to the root; commutative ops root the tree at the root itself.
 *
 * Long messages with commutative ops use Rabenseifner's reduce instead: a
 * reduce-scatter by recursive halving (shared with allreduce), then a binomial
 * gather of the reduced blocks to new rank 0, which forwards the result to the
 * root if that is another rank. Each rank then moves about 2x the buffer
 * rather than log2(p) x. */
#include <stdlib.h>
#include "coll/util.h"

/* Writable buffers for the running result: the root's rbuf (when there is
 * one), then two scratch buffers allocated on first use. */
struct slots {
    void *buf[3];
    void *mem[2];
    tn_coll_inline_t inl[2];
};

/* A writable slot other than acc (which still holds the left operand). */
static int other_slot(struct slots *s, const void *acc, MPI_Aint count, tn_datatype_t *dt,
                      void **out)
{
    for (int i = 0; i < 3; i++) {
        if (i > 0 && !s->buf[i]) {
            int rc = tn_coll_scratch(count, dt, &s->inl[i - 1], &s->mem[i - 1], &s->buf[i],
                                     "MPI_Reduce");
            if (rc)
                return rc;
        }
        if (s->buf[i] && s->buf[i] != acc) {
            *out = s->buf[i];
            return MPI_SUCCESS;
        }
    }
    return MPI_ERR_INTERN; /* unreachable: two scratch buffers always differ */
}

/* Binomial gather of the reduced blocks to new rank 0: before step mask, new
 * rank nr (a multiple of mask) holds blocks [nr, nr + mask); it either sends
 * them to nr - mask or receives [nr + mask, nr + 2 mask) from nr + mask. */
static int gather_blocks(void *acc, MPI_Aint count, tn_datatype_t *dt, int newrank, int pof2,
                         int rem, tn_comm_t *comm)
{
    MPI_Aint ext = dt->extent;
    for (int mask = 1; mask < pof2; mask <<= 1) {
        int first = newrank & mask ? newrank : newrank + mask; /* the run that moves */
        MPI_Aint d = tn_coll_block_disp(count, pof2, first);
        MPI_Aint n = tn_coll_block_disp(count, pof2, first + mask) - d;
        if (newrank & mask)
            return tn_p2p_send((char *)acc + d * ext, n, dt, tn_coll_fold_rank(newrank - mask, rem),
                               TN_TAG_REDUCE, comm, TN_CTX_COLL);
        int rc = tn_p2p_recv((char *)acc + d * ext, n, dt, tn_coll_fold_rank(newrank + mask, rem),
                             TN_TAG_REDUCE, comm, TN_CTX_COLL, MPI_STATUS_IGNORE);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}

static int reduce_scatter_gather(const void *in, void *rbuf, MPI_Aint count, tn_datatype_t *dt,
                                 tn_op_t *op, int root, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, pof2 = tn_coll_pof2(p), rem = p - pof2, rc;
    int holder = tn_coll_fold_rank(0, rem); /* ends with the whole result */
    void *amem = NULL, *tmem = NULL, *acc = rbuf, *tmp;
    if (rank < 2 * rem && rank % 2 == 0) {
        rc = tn_p2p_send(in, count, dt, rank + 1, TN_TAG_REDUCE, comm, TN_CTX_COLL);
        goto result;
    }
    if (rank != root && (rc = tn_coll_scratch(count, dt, NULL, &amem, &acc, "MPI_Reduce")))
        return rc;
    if ((rc = tn_coll_scratch(count, dt, NULL, &tmem, &tmp, "MPI_Reduce")) ||
        (in != acc && (rc = tn_dtype_copy(in, count, dt, acc, count, dt))))
        goto out;
    if (rank < 2 * rem) {
        rc = tn_p2p_recv(tmp, count, dt, rank - 1, TN_TAG_REDUCE, comm, TN_CTX_COLL,
                         MPI_STATUS_IGNORE);
        if (!rc)
            rc = tn_op_apply(op, tmp, acc, count, dt);
        if (rc)
            goto out;
    }
    int newrank = rank < 2 * rem ? rank / 2 : rank - rem;
    rc = tn_coll_rs_halving(acc, tmp, count, dt, op, newrank, pof2, rem, TN_TAG_REDUCE, comm);
    if (!rc)
        rc = gather_blocks(acc, count, dt, newrank, pof2, rem, comm);
    if (!rc && rank == holder && rank != root)
        rc = tn_p2p_send(acc, count, dt, root, TN_TAG_REDUCE, comm, TN_CTX_COLL);
result:
    if (!rc && rank == root && rank != holder)
        rc = tn_p2p_recv(rbuf, count, dt, holder, TN_TAG_REDUCE, comm, TN_CTX_COLL,
                         MPI_STATUS_IGNORE);
out:
    free(tmem);
    free(amem);
    return rc;
}

int tn_coll_reduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   int root, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, rc = MPI_SUCCESS;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (count == 0)
        return MPI_SUCCESS;
    if (p == 1)
        return in == rbuf ? MPI_SUCCESS : tn_dtype_copy(in, count, dt, rbuf, count, dt);
    if (op->commute && count >= tn_coll_pof2(p) &&
        (size_t)count * (size_t)dt->size >= TN_REDUCE_SHORT)
        return reduce_scatter_gather(in, rbuf, count, dt, op, root, comm);

    int top = op->commute ? root : 0;
    int vr = (rank - top + p) % p;
    struct slots s;
    s.buf[0] = rank == root ? rbuf : NULL;
    s.buf[1] = s.buf[2] = s.mem[0] = s.mem[1] = NULL;

    const void *acc = in;
    for (int mask = 1; mask < p; mask <<= 1) {
        if (vr & mask) {
            rc = tn_p2p_send(acc, count, dt, (rank - mask + p) % p, TN_TAG_REDUCE, comm,
                             TN_CTX_COLL);
            break;
        }
        if (vr + mask >= p)
            continue;
        void *next;
        if ((rc = other_slot(&s, acc, count, dt, &next)))
            break;
        rc = tn_p2p_recv(next, count, dt, (rank + mask) % p, TN_TAG_REDUCE, comm, TN_CTX_COLL,
                         MPI_STATUS_IGNORE);
        if (rc)
            break;
        /* next = acc op next: acc holds the lower ranks. */
        if ((rc = tn_op_apply(op, acc, next, count, dt)))
            break;
        acc = next;
    }
    if (!rc && vr == 0) {
        if (rank != root)
            rc = tn_p2p_send(acc, count, dt, root, TN_TAG_REDUCE, comm, TN_CTX_COLL);
        else if (acc != rbuf)
            rc = tn_dtype_copy(acc, count, dt, rbuf, count, dt);
    }
    if (!rc && rank == root && top != root)
        rc = tn_p2p_recv(rbuf, count, dt, top, TN_TAG_REDUCE, comm, TN_CTX_COLL,
                         MPI_STATUS_IGNORE);
    free(s.mem[1]);
    free(s.mem[0]);
    return rc;
}
