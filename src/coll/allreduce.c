/* Allreduce.
 *
 * Recursive doubling and Rabenseifner first fold non-power-of-two sizes: with
 * pof2 the largest power of two <= p and rem = p - pof2, each even rank below
 * 2*rem hands its data to the odd rank above it and waits for the final
 * result; the pof2 remaining ranks get new ranks 0..pof2-1 in rank order,
 * each standing for a contiguous run of ranks. Then, among those:
 *  - recursive doubling exchanges the whole buffer log2(pof2) times; the
 *    partner with the lower new rank always supplies the left operand, so
 *    operand order follows rank order (any op);
 *  - Rabenseifner (commutative ops): a reduce-scatter by recursive halving,
 *    then an allgather by recursive doubling, about 2x the buffer per rank
 *    instead of log2(p) x.
 * Ring (commutative ops, any p, no fold): a ring reduce-scatter of p blocks
 * then a ring allgather; each rank moves 2(p-1)/p of the buffer, in p-1
 * steps each way, every link busy in every step.
 * The fold and the reduce-scatter are shared with reduce (see util.h). */
#include "coll/util.h"

int tn_coll_fold_rank(int nr, int rem)
{
    return nr < rem ? 2 * nr + 1 : nr + rem;
}

int tn_coll_fold_in(tn_sched_t *s, void *acc, void *tmp, MPI_Aint count, tn_datatype_t *dt,
                    tn_op_t *op, int rank, int rem)
{
    if (rank >= 2 * rem)
        return MPI_SUCCESS;
    int rc = tn_sched_recv(s, tmp, count, dt, rank - 1);
    if (!rc)
        rc = tn_sched_fence(s);
    return rc ? rc : tn_sched_reduce(s, tmp, acc, count, dt, op);
}

MPI_Aint tn_coll_block_disp(MPI_Aint count, int n, int i)
{
    MPI_Aint q = count / n, r = count % n;
    return i * q + (i < r ? i : r);
}

static int recursive_doubling(tn_sched_t *s, void *rbuf, void *tmp, MPI_Aint count,
                              tn_datatype_t *dt, tn_op_t *op, int newrank, int pof2, int rem)
{
    void *acc = rbuf, *other = tmp;
    int rc = MPI_SUCCESS;
    for (int mask = 1; !rc && mask < pof2; mask <<= 1) {
        int peer_nr = newrank ^ mask, peer = tn_coll_fold_rank(peer_nr, rem);
        rc = tn_coll_sendrecv(s, acc, count, dt, peer, other, count, dt, peer);
        if (rc)
            break;
        if (op->commute || peer_nr < newrank) {
            rc = tn_sched_reduce(s, other, acc, count, dt, op);
        } else {
            /* The peer's data is the right operand: other = acc op other. */
            rc = tn_sched_reduce(s, acc, other, count, dt, op);
            void *t = acc;
            acc = other;
            other = t;
        }
    }
    if (!rc && acc != rbuf)
        rc = tn_sched_copy(s, acc, count, dt, rbuf, count, dt);
    return rc;
}

int tn_coll_block_disps(tn_sched_t *s, MPI_Aint count, int n, MPI_Aint **out)
{
    MPI_Aint *d;
    int rc = tn_sched_scratch_bytes(s, (size_t)(n + 1) * sizeof(*d), (void **)&d);
    for (int i = 0; !rc && i <= n; i++)
        d[i] = tn_coll_block_disp(count, n, i);
    if (!rc)
        *out = d;
    return rc;
}

int tn_coll_rs_halving(tn_sched_t *s, void *acc, void *tmp, const MPI_Aint *bdisp,
                       tn_datatype_t *dt, tn_op_t *op, int newrank, int pof2, int rem)
{
    MPI_Aint ext = dt->extent;
    int lo = 0, hi = pof2, rc = MPI_SUCCESS;
    /* Each step halves the blocks this rank is responsible for, keeping the
     * half its bit of newrank names and handing the other half to the peer. */
    for (int mask = pof2 >> 1; !rc && mask > 0; mask >>= 1) {
        int peer = tn_coll_fold_rank(newrank ^ mask, rem), mid = lo + mask;
        int klo = newrank & mask ? mid : lo, khi = newrank & mask ? hi : mid;
        int slo = newrank & mask ? lo : mid, shi = newrank & mask ? mid : hi;
        MPI_Aint kd = bdisp[klo], kn = bdisp[khi] - kd;
        MPI_Aint sd = bdisp[slo], sn = bdisp[shi] - sd;
        rc = tn_coll_sendrecv(s, (char *)acc + sd * ext, sn, dt, peer, (char *)tmp + kd * ext, kn,
                              dt, peer);
        if (!rc)
            rc = tn_sched_reduce(s, (char *)tmp + kd * ext, (char *)acc + kd * ext, kn, dt, op);
        lo = klo;
        hi = khi;
    }
    return rc;
}

/* Reduce-scatter by recursive halving, then allgather by recursive doubling:
 * each step doubles the run of reduced blocks held, swapping with the peer
 * holding the neighbouring run. */
static int rabenseifner(tn_sched_t *s, void *rbuf, void *tmp, MPI_Aint count, tn_datatype_t *dt,
                        tn_op_t *op, int newrank, int pof2, int rem)
{
    MPI_Aint ext = dt->extent, *bdisp;
    int lo = newrank, hi = newrank + 1;
    int rc = tn_coll_block_disps(s, count, pof2, &bdisp);
    if (!rc)
        rc = tn_coll_rs_halving(s, rbuf, tmp, bdisp, dt, op, newrank, pof2, rem);
    for (int mask = 1; !rc && mask < pof2; mask <<= 1) {
        int peer = tn_coll_fold_rank(newrank ^ mask, rem);
        int plo = newrank & mask ? lo - mask : hi;
        MPI_Aint md = bdisp[lo], mn = bdisp[hi] - md;
        MPI_Aint pd = bdisp[plo], pn = bdisp[plo + mask] - pd;
        rc = tn_coll_sendrecv(s, (char *)rbuf + md * ext, mn, dt, peer, (char *)rbuf + pd * ext, pn,
                              dt, peer);
        if (plo < lo)
            lo = plo;
        else
            hi = plo + mask;
    }
    return rc;
}

/* Ring: in reduce-scatter step k, rank r passes its partial block r - k to
 * the right and folds the left neighbour's block r - k - 1 into its own;
 * after p - 1 steps it holds the whole reduction of block r + 1, which the
 * allgather ring then circulates. rbuf already holds this rank's data. */
static int ring(tn_sched_t *s, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op, int rank,
                int p)
{
    MPI_Aint ext = dt->extent;
    int left = (rank - 1 + p) % p, right = (rank + 1) % p;
    void *tmp;
    int rc = tn_sched_scratch(s, count / p + 1, dt, &tmp);
    for (int phase = 0; phase < 2; phase++) {
        for (int k = 0; !rc && k < p - 1; k++) {
            /* phase 0: send block rank - k, receive rank - k - 1; phase 1: one ahead. */
            int sb = (rank - k + phase + p) % p, rb = (rank - k - 1 + phase + p) % p;
            MPI_Aint sd = tn_coll_block_disp(count, p, sb);
            MPI_Aint sn = tn_coll_block_disp(count, p, sb + 1) - sd;
            MPI_Aint rd = tn_coll_block_disp(count, p, rb);
            MPI_Aint rn = tn_coll_block_disp(count, p, rb + 1) - rd;
            char *rblk = (char *)rbuf + rd * ext;
            rc = tn_coll_sendrecv(s, (char *)rbuf + sd * ext, sn, dt, right, phase ? rblk : tmp, rn,
                                  dt, left);
            if (!rc && !phase)
                rc = tn_sched_reduce(s, tmp, rblk, rn, dt, op);
        }
    }
    return rc;
}

int tn_coll_allreduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                            tn_datatype_t *dt, tn_op_t *op)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (count == 0)
        return MPI_SUCCESS;
    if (p == 1)
        return tn_sched_copy(s, in, count, dt, rbuf, count, dt);

    int algo = tn_coll_algo(TN_COLL_ALLREDUCE, p, (size_t)count * (size_t)dt->size, op->commute);
    if (algo == TN_ALLREDUCE_RING) {
        rc = tn_sched_copy(s, in, count, dt, rbuf, count, dt);
        return rc ? rc : ring(s, rbuf, count, dt, op, rank, p);
    }
    int pof2 = tn_coll_pof2(p), rem = p - pof2;
    if (rank < 2 * rem && rank % 2 == 0) {
        rc = tn_sched_send(s, in, count, dt, rank + 1);
        if (!rc && in == rbuf)
            rc = tn_sched_fence(s);
        return rc ? rc : tn_sched_recv(s, rbuf, count, dt, rank + 1);
    }

    void *tmp;
    if ((rc = tn_sched_scratch(s, count, dt, &tmp)) ||
        (rc = tn_sched_copy(s, in, count, dt, rbuf, count, dt)))
        return rc;
    if ((rc = tn_coll_fold_in(s, rbuf, tmp, count, dt, op, rank, rem)))
        return rc;
    int newrank = rank < 2 * rem ? rank / 2 : rank - rem;
    if (algo == TN_ALLREDUCE_RABENSEIFNER && count >= pof2)
        rc = rabenseifner(s, rbuf, tmp, count, dt, op, newrank, pof2, rem);
    else
        rc = recursive_doubling(s, rbuf, tmp, count, dt, op, newrank, pof2, rem);
    if (!rc && rank < 2 * rem)
        rc = tn_sched_send(s, rbuf, count, dt, rank - 1);
    return rc;
}

int tn_coll_allreduce(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                      tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Allreduce", &s);
    return rc ? rc : tn_coll_finish(s, tn_coll_allreduce_sched(s, sbuf, rbuf, count, dt, op));
}
