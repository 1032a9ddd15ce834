/* Allreduce.
 *
 * Non-power-of-two sizes are folded first: with pof2 the largest power of two
 * <= p and rem = p - pof2, each even rank below 2*rem hands its data to the odd
 * rank above it and waits for the final result; the pof2 remaining ranks get
 * new ranks 0..pof2-1 in rank order, each standing for a contiguous run of
 * ranks. Then, among those:
 *  - short messages or non-commutative ops: recursive doubling, exchanging the
 *    whole buffer log2(pof2) times; the partner with the lower new rank always
 *    supplies the left operand, so operand order follows rank order;
 *  - long messages and commutative ops: Rabenseifner's algorithm, a
 *    reduce-scatter by recursive halving followed by an allgather by recursive
 *    doubling, which moves about 2x the buffer instead of log2(p) x.
 * The fold and the reduce-scatter are shared with reduce (see util.h). */
#include <stdlib.h>
#include "coll/util.h"

int tn_coll_fold_rank(int nr, int rem)
{
    return nr < rem ? 2 * nr + 1 : nr + rem;
}

static int recursive_doubling(void *rbuf, void *tmp, MPI_Aint count, tn_datatype_t *dt,
                              tn_op_t *op, int newrank, int pof2, int rem, tn_comm_t *comm)
{
    void *acc = rbuf, *other = tmp;
    int rc;
    for (int mask = 1; mask < pof2; mask <<= 1) {
        int peer_nr = newrank ^ mask, peer = tn_coll_fold_rank(peer_nr, rem);
        rc = tn_coll_sendrecv(acc, count, dt, peer, other, count, dt, peer, TN_TAG_ALLREDUCE,
                              comm);
        if (rc)
            return rc;
        if (op->commute || peer_nr < newrank) {
            rc = tn_op_apply(op, other, acc, count, dt);
        } else {
            /* The peer's data is the right operand: other = acc op other. */
            rc = tn_op_apply(op, acc, other, count, dt);
            void *t = acc;
            acc = other;
            other = t;
        }
        if (rc)
            return rc;
    }
    return acc == rbuf ? MPI_SUCCESS : tn_dtype_copy(acc, count, dt, rbuf, count, dt);
}

MPI_Aint tn_coll_block_disp(MPI_Aint count, int n, int i)
{
    MPI_Aint q = count / n, r = count % n;
    return i * q + (i < r ? i : r);
}

int tn_coll_rs_halving(void *acc, void *tmp, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                       int newrank, int pof2, int rem, int tag, tn_comm_t *comm)
{
    MPI_Aint ext = dt->extent;
    int lo = 0, hi = pof2, rc;
    /* Each step halves the blocks this rank is responsible for, keeping the
     * half its bit of newrank names and handing the other half to the peer. */
    for (int mask = pof2 >> 1; mask > 0; mask >>= 1) {
        int peer = tn_coll_fold_rank(newrank ^ mask, rem), mid = lo + mask;
        int klo = newrank & mask ? mid : lo, khi = newrank & mask ? hi : mid;
        int slo = newrank & mask ? lo : mid, shi = newrank & mask ? mid : hi;
        MPI_Aint kd = tn_coll_block_disp(count, pof2, klo);
        MPI_Aint kn = tn_coll_block_disp(count, pof2, khi) - kd;
        MPI_Aint sd = tn_coll_block_disp(count, pof2, slo);
        MPI_Aint sn = tn_coll_block_disp(count, pof2, shi) - sd;
        rc = tn_coll_sendrecv((char *)acc + sd * ext, sn, dt, peer, (char *)tmp + kd * ext, kn,
                              dt, peer, tag, comm);
        if (rc)
            return rc;
        if ((rc = tn_op_apply(op, (char *)tmp + kd * ext, (char *)acc + kd * ext, kn, dt)))
            return rc;
        lo = klo;
        hi = khi;
    }
    return MPI_SUCCESS;
}

/* Reduce-scatter by recursive halving, then allgather by recursive doubling:
 * each step doubles the run of reduced blocks held, swapping with the peer
 * holding the neighbouring run. */
static int rabenseifner(void *rbuf, void *tmp, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                        int newrank, int pof2, int rem, tn_comm_t *comm)
{
    MPI_Aint ext = dt->extent;
    int lo = newrank, hi = newrank + 1;
    int rc = tn_coll_rs_halving(rbuf, tmp, count, dt, op, newrank, pof2, rem, TN_TAG_ALLREDUCE,
                                comm);
    if (rc)
        return rc;
    for (int mask = 1; mask < pof2; mask <<= 1) {
        int peer = tn_coll_fold_rank(newrank ^ mask, rem);
        int plo = newrank & mask ? lo - mask : hi;
        MPI_Aint md = tn_coll_block_disp(count, pof2, lo);
        MPI_Aint mn = tn_coll_block_disp(count, pof2, hi) - md;
        MPI_Aint pd = tn_coll_block_disp(count, pof2, plo);
        MPI_Aint pn = tn_coll_block_disp(count, pof2, plo + mask) - pd;
        rc = tn_coll_sendrecv((char *)rbuf + md * ext, mn, dt, peer, (char *)rbuf + pd * ext, pn,
                              dt, peer, TN_TAG_ALLREDUCE, comm);
        if (rc)
            return rc;
        if (plo < lo)
            lo = plo;
        else
            hi = plo + mask;
    }
    return MPI_SUCCESS;
}

int tn_coll_allreduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt,
                      tn_op_t *op, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, rc;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (count == 0)
        return MPI_SUCCESS;
    if (p == 1)
        return in == rbuf ? MPI_SUCCESS : tn_dtype_copy(in, count, dt, rbuf, count, dt);

    int pof2 = tn_coll_pof2(p), rem = p - pof2;
    if (rank < 2 * rem && rank % 2 == 0) {
        rc = tn_p2p_send(in, count, dt, rank + 1, TN_TAG_ALLREDUCE, comm, TN_CTX_COLL);
        if (!rc)
            rc = tn_p2p_recv(rbuf, count, dt, rank + 1, TN_TAG_ALLREDUCE, comm, TN_CTX_COLL,
                             MPI_STATUS_IGNORE);
        return rc;
    }

    tn_coll_inline_t inl;
    void *mem, *tmp;
    if ((rc = tn_coll_scratch(count, dt, &inl, &mem, &tmp, "MPI_Allreduce")))
        return rc;
    if (in != rbuf && (rc = tn_dtype_copy(in, count, dt, rbuf, count, dt)))
        goto out;
    if (rank < 2 * rem) {
        rc = tn_p2p_recv(tmp, count, dt, rank - 1, TN_TAG_ALLREDUCE, comm, TN_CTX_COLL,
                         MPI_STATUS_IGNORE);
        if (!rc)
            rc = tn_op_apply(op, tmp, rbuf, count, dt);
        if (rc)
            goto out;
    }
    int newrank = rank < 2 * rem ? rank / 2 : rank - rem;
    if (op->commute && count >= pof2 && (size_t)count * (size_t)dt->size >= TN_ALLREDUCE_SHORT)
        rc = rabenseifner(rbuf, tmp, count, dt, op, newrank, pof2, rem, comm);
    else
        rc = recursive_doubling(rbuf, tmp, count, dt, op, newrank, pof2, rem, comm);
    if (!rc && rank < 2 * rem)
        rc = tn_p2p_send(rbuf, count, dt, rank - 1, TN_TAG_ALLREDUCE, comm, TN_CTX_COLL);
out:
    free(mem);
    return rc;
}
