/* Allgather and allgatherv.
 *  - recursive_doubling (power-of-two sizes; others use Bruck): each step
 *    swaps the aligned run of blocks held with the neighbouring run;
 *  - bruck: ceil(log2 p) steps over a scratch buffer that starts with the
 *    rank's own block, rotated into place at the end;
 *  - ring: p-1 steps passing one block to the right.
 * Allgatherv uses the ring; empty blocks (0 bytes, as all ranks know) are not sent. */
#include "coll/util.h"

static int allgather_rd(tn_sched_t *s, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc = MPI_SUCCESS;
    for (int mask = 1; !rc && mask < p; mask <<= 1) {
        int peer = rank ^ mask, mine = rank & ~(mask - 1), theirs = peer & ~(mask - 1);
        rc = tn_coll_sendrecv(s, tn_coll_block(rbuf, mine, rcount, rtype), mask * rcount, rtype,
                              peer, tn_coll_block(rbuf, theirs, rcount, rtype), mask * rcount,
                              rtype, peer);
    }
    return rc;
}

/* own/ocount/otype: this rank's block, wherever it is. */
static int allgather_bruck(tn_sched_t *s, const void *own, MPI_Aint ocount, tn_datatype_t *otype,
                           void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc;
    void *tmp;
    /* tmp block i holds the block of rank (rank + i) mod p. */
    if ((rc = tn_sched_scratch(s, p * rcount, rtype, &tmp)) ||
        (rc = tn_sched_copy(s, own, ocount, otype, tmp, rcount, rtype)))
        return rc;
    for (int pof = 1; !rc && pof < p; pof <<= 1) {
        int n = pof < p - pof ? pof : p - pof;
        rc = tn_coll_sendrecv(s, tmp, n * rcount, rtype, (rank - pof + p) % p,
                              tn_coll_block(tmp, pof, rcount, rtype), n * rcount, rtype,
                              (rank + pof) % p);
    }
    if (!rc)
        rc = tn_sched_copy(s, tmp, (p - rank) * rcount, rtype,
                           tn_coll_block(rbuf, rank, rcount, rtype), (p - rank) * rcount, rtype);
    if (!rc && rank > 0)
        rc = tn_sched_copy(s, tn_coll_block(tmp, p - rank, rcount, rtype), rank * rcount, rtype,
                           rbuf, rank * rcount, rtype);
    return rc;
}

/* Ring over blocks at displs[i] (elements) of counts[i] (or count) elements. */
static int allgather_ring(tn_sched_t *s, void *rbuf, const MPI_Aint *counts, MPI_Aint count,
                          const MPI_Aint *displs, tn_datatype_t *rtype)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc = MPI_SUCCESS;
    int left = (rank - 1 + p) % p, right = (rank + 1) % p;
    MPI_Aint ext = rtype->extent;
    for (int i = 0; !rc && i < p - 1; i++) {
        int sb = (rank - i + p) % p, rb = (rank - i - 1 + p) % p;
        MPI_Aint sc = counts ? counts[sb] : count, rcn = counts ? counts[rb] : count;
        MPI_Aint sd = counts ? displs[sb] : sb * count, rd = counts ? displs[rb] : rb * count;
        int to = sc && rtype->size ? right : MPI_PROC_NULL;
        int from = rcn && rtype->size ? left : MPI_PROC_NULL;
        rc = tn_coll_sendrecv(s, (char *)rbuf + sd * ext, sc, rtype, to, (char *)rbuf + rd * ext,
                              rcn, rtype, from);
    }
    return rc;
}

int tn_coll_allgather_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                            void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc;
    size_t total = (size_t)p * (size_t)rcount * (size_t)rtype->size;
    void *mine = tn_coll_block(rbuf, rank, rcount, rtype);
    if (total == 0)
        return MPI_SUCCESS;
    int algo = tn_coll_algo(TN_COLL_ALLGATHER, p, total, 1);
    if (algo == TN_ALLGATHER_RECURSIVE_DOUBLING && (p & (p - 1)))
        algo = TN_ALLGATHER_BRUCK;
    if (algo == TN_ALLGATHER_BRUCK) {
        if (sbuf == MPI_IN_PLACE)
            return allgather_bruck(s, mine, rcount, rtype, rbuf, rcount, rtype);
        return allgather_bruck(s, sbuf, scount, stype, rbuf, rcount, rtype);
    }
    if (sbuf != MPI_IN_PLACE && (rc = tn_sched_copy(s, sbuf, scount, stype, mine, rcount, rtype)))
        return rc;
    if (algo == TN_ALLGATHER_RECURSIVE_DOUBLING)
        return allgather_rd(s, rbuf, rcount, rtype);
    return allgather_ring(s, rbuf, NULL, rcount, NULL, rtype);
}

int tn_coll_allgatherv_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                             void *rbuf, const MPI_Aint *rcounts, const MPI_Aint *displs,
                             tn_datatype_t *rtype)
{
    int rank = tn_sched_comm(s)->rank, rc;
    if (sbuf != MPI_IN_PLACE &&
        (rc = tn_sched_copy(s, sbuf, scount, stype, (char *)rbuf + displs[rank] * rtype->extent,
                            rcounts[rank], rtype)))
        return rc;
    return allgather_ring(s, rbuf, rcounts, 0, displs, rtype);
}

int tn_coll_allgather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                      MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Allgather", &s);
    return rc ? rc
              : tn_coll_finish(
                    s, tn_coll_allgather_sched(s, sbuf, scount, stype, rbuf, rcount, rtype));
}

int tn_coll_allgatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                       const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype,
                       tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Allgatherv", &s);
    return rc ? rc
              : tn_coll_finish(s, tn_coll_allgatherv_sched(s, sbuf, scount, stype, rbuf, rcounts,
                                                           displs, rtype));
}
