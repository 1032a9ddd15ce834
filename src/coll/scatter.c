/* Scatter and scatterv.
 *
 * Scatter is gather's binomial tree run backwards (see gather.c): vr receives
 * the blocks of its subtree from its parent in one message, keeps its own and
 * forwards each child's run. The root sends from sbuf directly, packing only
 * the one run that wraps past rank p-1; leaves receive straight into rbuf.
 *
 * Scatterv is linear: the root sends to every rank, TN_COLL_BATCH at a time.
 * Empty blocks (0 bytes, as both sides know) are not sent. */
#include <stdlib.h>
#include "coll/util.h"

/* The number of virtual ranks in vr's subtree. */
static int subtree(int vr, int p)
{
    int low = vr ? vr & -vr : p;
    return low < p - vr ? low : p - vr;
}

static int scatter_root(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                        MPI_Aint rcount, tn_datatype_t *rtype, size_t bb, tn_comm_t *comm)
{
    int p = comm->size, root = comm->rank, rc;
    tn_datatype_t *byte = tn_coll_bytes();
    tn_request_t *reqs[32];
    int n = 0;
    void *mem = NULL;
    /* Largest subtree first, so it starts forwarding earliest. */
    for (int mask = p > 1 ? tn_coll_pof2(p - 1) : 0; mask > 0; mask >>= 1) {
        int first = (root + mask) % p, len = subtree(mask, p);
        if (first + len <= p) {
            rc = tn_p2p_isend(tn_coll_block(sbuf, first, scount, stype), len * scount, stype,
                              first, TN_TAG_SCATTER, comm, TN_CTX_COLL, TN_SEND_STD, &reqs[n]);
        } else {
            /* Blocks first..p-1 then 0..: packed into one message. */
            void *wrap;
            int tail = p - first;
            rc = tn_coll_scratch_bytes((size_t)len * bb, NULL, &mem, &wrap, "MPI_Scatter");
            if (!rc) {
                tn_dtype_pack(stype, tn_coll_block(sbuf, first, scount, stype), tail * scount, 0,
                              wrap, (size_t)tail * bb);
                tn_dtype_pack(stype, sbuf, (len - tail) * scount, 0,
                              (char *)wrap + (size_t)tail * bb, (size_t)(len - tail) * bb);
                rc = tn_p2p_isend(wrap, (MPI_Aint)((size_t)len * bb), byte, first,
                                  TN_TAG_SCATTER, comm, TN_CTX_COLL, TN_SEND_STD, &reqs[n]);
            }
        }
        if (rc) {
            rc = tn_coll_unwind(n, reqs, rc);
            goto out;
        }
        n++;
    }
    if (rbuf != MPI_IN_PLACE)
        rc = tn_dtype_copy(tn_coll_block(sbuf, root, scount, stype), scount, stype, rbuf, rcount,
                           rtype);
    int rc2 = tn_request_waitall(n, reqs);
    if (!rc)
        rc = rc2;
out:
    free(mem);
    return rc;
}

static int scatter_nonroot(void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, size_t bb, int root,
                           tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc;
    int low = vr & -vr, parent = (rank - low + p) % p, nsub = subtree(vr, p);
    if (nsub == 1)
        return tn_p2p_recv(rbuf, rcount, rtype, parent, TN_TAG_SCATTER, comm, TN_CTX_COLL,
                           MPI_STATUS_IGNORE);

    tn_datatype_t *byte = tn_coll_bytes();
    tn_coll_inline_t inl;
    void *mem, *tmp;
    if ((rc = tn_coll_scratch_bytes((size_t)nsub * bb, &inl, &mem, &tmp, "MPI_Scatter")))
        return rc;
    rc = tn_p2p_recv(tmp, (MPI_Aint)((size_t)nsub * bb), byte, parent, TN_TAG_SCATTER, comm,
                     TN_CTX_COLL, MPI_STATUS_IGNORE);
    if (rc)
        goto out;
    tn_request_t *reqs[32];
    int n = 0;
    for (int mask = low >> 1; mask > 0; mask >>= 1) {
        if (vr + mask >= p)
            continue;
        size_t len = (size_t)subtree(vr + mask, p) * bb;
        rc = tn_p2p_isend((char *)tmp + (size_t)mask * bb, (MPI_Aint)len, byte, (rank + mask) % p,
                          TN_TAG_SCATTER, comm, TN_CTX_COLL, TN_SEND_STD, &reqs[n]);
        if (rc) {
            rc = tn_coll_unwind(n, reqs, rc);
            goto out;
        }
        n++;
    }
    tn_dtype_unpack(rtype, rbuf, rcount, 0, tmp, bb);
    rc = tn_request_waitall(n, reqs);
out:
    free(mem);
    return rc;
}

int tn_coll_scatter(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm)
{
    if (comm->rank == root) {
        size_t bb = (size_t)scount * (size_t)stype->size;
        if (bb == 0)
            return MPI_SUCCESS;
        return scatter_root(sbuf, scount, stype, rbuf, rcount, rtype, bb, comm);
    }
    size_t bb = (size_t)rcount * (size_t)rtype->size;
    return bb ? scatter_nonroot(rbuf, rcount, rtype, bb, root, comm) : MPI_SUCCESS;
}

int tn_coll_scatterv(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *displs,
                     tn_datatype_t *stype, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype,
                     int root, tn_comm_t *comm)
{
    int p = comm->size, rc;
    if (comm->rank != root) {
        if ((size_t)rcount * (size_t)rtype->size == 0)
            return MPI_SUCCESS;
        return tn_p2p_recv(rbuf, rcount, rtype, root, TN_TAG_SCATTERV, comm, TN_CTX_COLL,
                           MPI_STATUS_IGNORE);
    }
    if (rbuf != MPI_IN_PLACE) {
        rc = tn_dtype_copy((const char *)sbuf + displs[root] * stype->extent, scounts[root], stype,
                           rbuf, rcount, rtype);
        if (rc)
            return rc;
    }
    tn_request_t *reqs[TN_COLL_BATCH];
    for (int i = 0; i < p;) {
        int n = 0;
        for (; i < p && n < TN_COLL_BATCH; i++) {
            if (i == root || (size_t)scounts[i] * (size_t)stype->size == 0)
                continue;
            rc = tn_p2p_isend((const char *)sbuf + displs[i] * stype->extent, scounts[i], stype, i,
                              TN_TAG_SCATTERV, comm, TN_CTX_COLL, TN_SEND_STD, &reqs[n]);
            if (rc)
                return tn_coll_unwind(n, reqs, rc);
            n++;
        }
        if ((rc = tn_request_waitall(n, reqs)))
            return rc;
    }
    return MPI_SUCCESS;
}
