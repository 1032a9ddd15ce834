/* Allgather and allgatherv.
 *
 * Allgather picks by total size (p blocks):
 *  - power-of-two sizes, total < TN_ALLGATHER_LONG: recursive doubling, each
 *    step swapping the aligned run of blocks held with the neighbouring run;
 *  - other sizes, total < TN_ALLGATHER_SHORT: Bruck, ceil(log2 p) steps over a
 *    scratch buffer that starts with the rank's own block, rotated into place
 *    at the end;
 *  - otherwise: ring, p-1 steps passing one block to the right.
 * Allgatherv uses the ring; empty blocks (0 bytes, as all ranks know) are not sent. */
#include <stdlib.h>
#include "coll/util.h"

static int allgather_rd(void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank;
    for (int mask = 1; mask < p; mask <<= 1) {
        int peer = rank ^ mask, mine = rank & ~(mask - 1), theirs = peer & ~(mask - 1);
        int rc = tn_coll_sendrecv(tn_coll_block(rbuf, mine, rcount, rtype), mask * rcount, rtype,
                                  peer, tn_coll_block(rbuf, theirs, rcount, rtype),
                                  mask * rcount, rtype, peer, TN_TAG_ALLGATHER, comm);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}

/* own/ocount/otype: this rank's block, wherever it is. */
static int allgather_bruck(const void *own, MPI_Aint ocount, tn_datatype_t *otype, void *rbuf,
                           MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, rc;
    void *mem, *tmp;
    if ((rc = tn_coll_scratch(p * rcount, rtype, NULL, &mem, &tmp, "MPI_Allgather")))
        return rc;
    /* tmp block i holds the block of rank (rank + i) mod p. */
    if ((rc = tn_dtype_copy(own, ocount, otype, tmp, rcount, rtype)))
        goto out;
    for (int pof = 1; pof < p; pof <<= 1) {
        int n = pof < p - pof ? pof : p - pof;
        rc = tn_coll_sendrecv(tmp, n * rcount, rtype, (rank - pof + p) % p,
                              tn_coll_block(tmp, pof, rcount, rtype), n * rcount, rtype,
                              (rank + pof) % p, TN_TAG_ALLGATHER, comm);
        if (rc)
            goto out;
    }
    rc = tn_dtype_copy(tmp, (p - rank) * rcount, rtype, tn_coll_block(rbuf, rank, rcount, rtype),
                       (p - rank) * rcount, rtype);
    if (!rc && rank > 0)
        rc = tn_dtype_copy(tn_coll_block(tmp, p - rank, rcount, rtype), rank * rcount, rtype, rbuf,
                           rank * rcount, rtype);
out:
    free(mem);
    return rc;
}

static int allgather_ring(void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank;
    int left = (rank - 1 + p) % p, right = (rank + 1) % p;
    for (int i = 0; i < p - 1; i++) {
        int sb = (rank - i + p) % p, rb = (rank - i - 1 + p) % p;
        int rc = tn_coll_sendrecv(tn_coll_block(rbuf, sb, rcount, rtype), rcount, rtype, right,
                                  tn_coll_block(rbuf, rb, rcount, rtype), rcount, rtype, left,
                                  TN_TAG_ALLGATHER, comm);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}

int tn_coll_allgather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                      MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, rc;
    size_t total = (size_t)p * (size_t)rcount * (size_t)rtype->size;
    void *mine = tn_coll_block(rbuf, rank, rcount, rtype);
    if (total == 0)
        return MPI_SUCCESS;
    if (p > 1 && (p & (p - 1)) && total < TN_ALLGATHER_SHORT) {
        if (sbuf == MPI_IN_PLACE)
            return allgather_bruck(mine, rcount, rtype, rbuf, rcount, rtype, comm);
        return allgather_bruck(sbuf, scount, stype, rbuf, rcount, rtype, comm);
    }
    if (sbuf != MPI_IN_PLACE && (rc = tn_dtype_copy(sbuf, scount, stype, mine, rcount, rtype)))
        return rc;
    if (!(p & (p - 1)) && total < TN_ALLGATHER_LONG)
        return allgather_rd(rbuf, rcount, rtype, comm);
    return allgather_ring(rbuf, rcount, rtype, comm);
}

int tn_coll_allgatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                       const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype,
                       tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, rc;
    int left = (rank - 1 + p) % p, right = (rank + 1) % p;
    MPI_Aint ext = rtype->extent;
    if (sbuf != MPI_IN_PLACE) {
        rc = tn_dtype_copy(sbuf, scount, stype, (char *)rbuf + displs[rank] * ext, rcounts[rank],
                           rtype);
        if (rc)
            return rc;
    }
    for (int i = 0; i < p - 1; i++) {
        int sb = (rank - i + p) % p, rb = (rank - i - 1 + p) % p;
        int to = rcounts[sb] && rtype->size ? right : MPI_PROC_NULL;
        int from = rcounts[rb] && rtype->size ? left : MPI_PROC_NULL;
        rc = tn_coll_sendrecv((char *)rbuf + displs[sb] * ext, rcounts[sb], rtype, to,
                              (char *)rbuf + displs[rb] * ext, rcounts[rb], rtype, from,
                              TN_TAG_ALLGATHERV, comm);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}
