/* Gather and gatherv.
 *
 * Gather uses a binomial tree over ranks renumbered relative to the root
 * (vr = rank - root mod p): vr collects the blocks of its subtree, virtual
 * ranks [vr, vr + min(lowbit(vr), p - vr)), and sends them to its parent in
 * one message. Interior ranks keep the subtree in a packed byte buffer; leaves
 * send straight from sbuf, and the root receives each child's run of blocks
 * straight into rbuf, except the one run that wraps past rank p-1.
 *
 * Gatherv is linear: the root receives from every rank, TN_COLL_BATCH at a
 * time. Empty blocks (0 bytes, as both sides know) are not sent. */
#include <stdlib.h>
#include "coll/util.h"

/* The number of virtual ranks in vr's subtree. */
static int subtree(int vr, int p)
{
    int low = vr ? vr & -vr : p;
    return low < p - vr ? low : p - vr;
}

static int gather_root(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                       MPI_Aint rcount, tn_datatype_t *rtype, size_t bb, tn_comm_t *comm)
{
    int p = comm->size, root = comm->rank, rc;
    tn_datatype_t *byte = tn_coll_bytes();
    tn_request_t *reqs[32];
    int n = 0, wrap_first = 0, wrap_len = 0;
    void *mem = NULL, *wrap = NULL;
    if (sbuf != MPI_IN_PLACE) {
        rc = tn_dtype_copy(sbuf, scount, stype, tn_coll_block(rbuf, root, rcount, rtype), rcount,
                           rtype);
        if (rc)
            return rc;
    }
    for (int mask = 1; mask < p; mask <<= 1) {
        int first = (root + mask) % p, len = subtree(mask, p);
        if (first + len <= p) {
            rc = tn_p2p_irecv(tn_coll_block(rbuf, first, rcount, rtype), len * rcount, rtype,
                              first, TN_TAG_GATHER, comm, TN_CTX_COLL, &reqs[n]);
        } else {
            /* Blocks first..p-1 then 0..: received packed, unpacked after. */
            wrap_first = first;
            wrap_len = len;
            rc = tn_coll_scratch_bytes((size_t)len * bb, NULL, &mem, &wrap, "MPI_Gather");
            if (!rc)
                rc = tn_p2p_irecv(wrap, (MPI_Aint)((size_t)len * bb), byte, first, TN_TAG_GATHER,
                                  comm, TN_CTX_COLL, &reqs[n]);
        }
        if (rc) {
            rc = tn_coll_unwind(n, reqs, rc);
            goto out;
        }
        n++;
    }
    if ((rc = tn_request_waitall(n, reqs)) || !wrap)
        goto out;
    int tail = p - wrap_first;
    tn_dtype_unpack(rtype, tn_coll_block(rbuf, wrap_first, rcount, rtype), tail * rcount, 0, wrap,
                    (size_t)tail * bb);
    tn_dtype_unpack(rtype, rbuf, (wrap_len - tail) * rcount, 0, (char *)wrap + (size_t)tail * bb,
                    (size_t)(wrap_len - tail) * bb);
out:
    free(mem);
    return rc;
}

static int gather_nonroot(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, size_t bb,
                          int root, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc;
    int low = vr & -vr, parent = (rank - low + p) % p, nsub = subtree(vr, p);
    if (nsub == 1)
        return tn_p2p_send(sbuf, scount, stype, parent, TN_TAG_GATHER, comm, TN_CTX_COLL);

    tn_datatype_t *byte = tn_coll_bytes();
    tn_coll_inline_t inl;
    void *mem, *tmp;
    if ((rc = tn_coll_scratch_bytes((size_t)nsub * bb, &inl, &mem, &tmp, "MPI_Gather")))
        return rc;
    tn_dtype_pack(stype, sbuf, scount, 0, tmp, bb);
    tn_request_t *reqs[32];
    int n = 0;
    for (int mask = 1; mask < low && vr + mask < p; mask <<= 1) {
        size_t len = (size_t)subtree(vr + mask, p) * bb;
        rc = tn_p2p_irecv((char *)tmp + (size_t)mask * bb, (MPI_Aint)len, byte, (rank + mask) % p,
                          TN_TAG_GATHER, comm, TN_CTX_COLL, &reqs[n]);
        if (rc) {
            rc = tn_coll_unwind(n, reqs, rc);
            goto out;
        }
        n++;
    }
    rc = tn_request_waitall(n, reqs);
    if (!rc)
        rc = tn_p2p_send(tmp, (MPI_Aint)((size_t)nsub * bb), byte, parent, TN_TAG_GATHER, comm,
                         TN_CTX_COLL);
out:
    free(mem);
    return rc;
}

int tn_coll_gather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                   MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm)
{
    if (comm->rank == root) {
        size_t bb = (size_t)rcount * (size_t)rtype->size;
        if (bb == 0)
            return MPI_SUCCESS;
        return gather_root(sbuf, scount, stype, rbuf, rcount, rtype, bb, comm);
    }
    size_t bb = (size_t)scount * (size_t)stype->size;
    return bb ? gather_nonroot(sbuf, scount, stype, bb, root, comm) : MPI_SUCCESS;
}

int tn_coll_gatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype,
                    int root, tn_comm_t *comm)
{
    int p = comm->size, rc;
    if (comm->rank != root) {
        if ((size_t)scount * (size_t)stype->size == 0)
            return MPI_SUCCESS;
        return tn_p2p_send(sbuf, scount, stype, root, TN_TAG_GATHERV, comm, TN_CTX_COLL);
    }
    if (sbuf != MPI_IN_PLACE) {
        rc = tn_dtype_copy(sbuf, scount, stype, (char *)rbuf + displs[root] * rtype->extent,
                           rcounts[root], rtype);
        if (rc)
            return rc;
    }
    tn_request_t *reqs[TN_COLL_BATCH];
    for (int i = 0; i < p;) {
        int n = 0;
        for (; i < p && n < TN_COLL_BATCH; i++) {
            if (i == root || (size_t)rcounts[i] * (size_t)rtype->size == 0)
                continue;
            rc = tn_p2p_irecv((char *)rbuf + displs[i] * rtype->extent, rcounts[i], rtype, i,
                              TN_TAG_GATHERV, comm, TN_CTX_COLL, &reqs[n]);
            if (rc)
                return tn_coll_unwind(n, reqs, rc);
            n++;
        }
        if ((rc = tn_request_waitall(n, reqs)))
            return rc;
    }
    return MPI_SUCCESS;
}
