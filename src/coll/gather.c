/* Gather and gatherv.
 *
 * binomial: a tree over ranks renumbered relative to the root
 * (vr = rank - root mod p): vr collects the blocks of its subtree, virtual
 * ranks [vr, vr + min(lowbit(vr), p - vr)), and sends them to its parent in
 * one message. Interior ranks keep the subtree in a packed byte buffer; leaves
 * send straight from sbuf, and the root receives each child's run of blocks
 * straight into rbuf, except the one run that wraps past rank p-1.
 *
 * linear (gather's other algorithm, and gatherv): the root receives from every
 * rank, TN_COLL_BATCH at a time. Empty blocks (0 bytes, as both sides know)
 * are not sent. */
#include "coll/util.h"

/* The number of virtual ranks in vr's subtree. */
static int subtree(int vr, int p)
{
    int low = vr ? vr & -vr : p;
    return low < p - vr ? low : p - vr;
}

static int gather_root(tn_sched_t *s, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, size_t bb)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, root = comm->rank, rc = MPI_SUCCESS, wrap_first = 0, wrap_len = 0;
    tn_datatype_t *byte = tn_coll_bytes();
    void *wrap = NULL;
    for (int mask = 1; !rc && mask < p; mask <<= 1) {
        int first = (root + mask) % p, len = subtree(mask, p);
        if (first + len <= p) {
            rc = tn_sched_recv(s, tn_coll_block(rbuf, first, rcount, rtype), len * rcount, rtype,
                               first);
        } else {
            /* Blocks first..p-1 then 0..: received packed, unpacked after. */
            wrap_first = first;
            wrap_len = len;
            rc = tn_sched_scratch_bytes(s, (size_t)len * bb, &wrap);
            if (!rc)
                rc = tn_sched_recv(s, wrap, (MPI_Aint)((size_t)len * bb), byte, first);
        }
    }
    if (rc || !wrap)
        return rc;
    int tail = p - wrap_first;
    MPI_Aint tb = (MPI_Aint)((size_t)tail * bb), hb = (MPI_Aint)((size_t)(wrap_len - tail) * bb);
    if (!(rc = tn_sched_fence(s)))
        rc = tn_sched_copy(s, wrap, tb, byte, tn_coll_block(rbuf, wrap_first, rcount, rtype),
                           tail * rcount, rtype);
    return rc ? rc
              : tn_sched_copy(s, (char *)wrap + tb, hb, byte, rbuf, (wrap_len - tail) * rcount,
                              rtype);
}

static int gather_nonroot(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                          size_t bb, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc;
    int low = vr & -vr, parent = (rank - low + p) % p, nsub = subtree(vr, p);
    if (nsub == 1)
        return tn_sched_send(s, sbuf, scount, stype, parent);

    tn_datatype_t *byte = tn_coll_bytes();
    void *tmp;
    if ((rc = tn_sched_scratch_bytes(s, (size_t)nsub * bb, &tmp)) ||
        (rc = tn_sched_copy(s, sbuf, scount, stype, tmp, (MPI_Aint)bb, byte)))
        return rc;
    for (int mask = 1; !rc && mask < low && vr + mask < p; mask <<= 1) {
        size_t len = (size_t)subtree(vr + mask, p) * bb;
        rc = tn_sched_recv(s, (char *)tmp + (size_t)mask * bb, (MPI_Aint)len, byte,
                           (rank + mask) % p);
    }
    if (!rc)
        rc = tn_sched_fence(s);
    return rc ? rc : tn_sched_send(s, tmp, (MPI_Aint)((size_t)nsub * bb), byte, parent);
}

/* The root's side of the linear algorithms: receives block i (counts[i]
 * elements at displs[i], in elements of rtype) from each rank i. */
static int gather_linear(tn_sched_t *s, void *rbuf, const MPI_Aint *counts, MPI_Aint count,
                         const MPI_Aint *displs, tn_datatype_t *rtype)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rc = MPI_SUCCESS, n = 0;
    for (int i = 0; !rc && i < p; i++) {
        MPI_Aint c = counts ? counts[i] : count, d = counts ? displs[i] : i * count;
        if (i == comm->rank || (size_t)c * (size_t)rtype->size == 0)
            continue;
        rc = tn_sched_recv(s, (char *)rbuf + d * rtype->extent, c, rtype, i);
        if (!rc && ++n % TN_COLL_BATCH == 0)
            rc = tn_sched_fence(s);
    }
    return rc;
}

int tn_coll_gather_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                         void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rc;
    /* Every rank's block has the same size, rcount elements of rtype at the root. */
    size_t bb = comm->rank == root ? (size_t)rcount * (size_t)rtype->size
                                   : (size_t)scount * (size_t)stype->size;
    if (bb == 0)
        return MPI_SUCCESS;
    int algo = tn_coll_algo(TN_COLL_GATHER, p, bb, 1);
    if (comm->rank != root) {
        if (algo == TN_GATHER_LINEAR)
            return tn_sched_send(s, sbuf, scount, stype, root);
        return gather_nonroot(s, sbuf, scount, stype, bb, root);
    }
    if (sbuf != MPI_IN_PLACE &&
        (rc = tn_sched_copy(s, sbuf, scount, stype, tn_coll_block(rbuf, root, rcount, rtype),
                            rcount, rtype)))
        return rc;
    if (algo == TN_GATHER_LINEAR)
        return gather_linear(s, rbuf, NULL, rcount, NULL, rtype);
    return gather_root(s, rbuf, rcount, rtype, bb);
}

int tn_coll_gatherv_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                          void *rbuf, const MPI_Aint *rcounts, const MPI_Aint *displs,
                          tn_datatype_t *rtype, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int rc;
    if (comm->rank != root) {
        if ((size_t)scount * (size_t)stype->size == 0)
            return MPI_SUCCESS;
        return tn_sched_send(s, sbuf, scount, stype, root);
    }
    if (sbuf != MPI_IN_PLACE &&
        (rc = tn_sched_copy(s, sbuf, scount, stype, (char *)rbuf + displs[root] * rtype->extent,
                            rcounts[root], rtype)))
        return rc;
    return gather_linear(s, rbuf, rcounts, 0, displs, rtype);
}

int tn_coll_gather(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                   MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Gather", &s);
    return rc ? rc
              : tn_coll_finish(
                    s, tn_coll_gather_sched(s, sbuf, scount, stype, rbuf, rcount, rtype, root));
}

int tn_coll_gatherv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    const MPI_Aint *rcounts, const MPI_Aint *displs, tn_datatype_t *rtype, int root,
                    tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Gatherv", &s);
    return rc ? rc
              : tn_coll_finish(s, tn_coll_gatherv_sched(s, sbuf, scount, stype, rbuf, rcounts,
                                                        displs, rtype, root));
}
