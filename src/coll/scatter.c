/* Scatter and scatterv.
 *
 * binomial: gather's tree run backwards (see gather.c): vr receives the
 * blocks of its subtree from its parent in one message, keeps its own and
 * forwards each child's run. The root sends from sbuf directly, packing only
 * the one run that wraps past rank p-1; leaves receive straight into rbuf.
 *
 * linear (scatter's other algorithm, and scatterv): the root sends to every
 * rank, TN_COLL_BATCH at a time. Empty blocks (0 bytes, as both sides know)
 * are not sent. */
#include "coll/util.h"

/* The number of virtual ranks in vr's subtree. */
static int subtree(int vr, int p)
{
    int low = vr ? vr & -vr : p;
    return low < p - vr ? low : p - vr;
}

static int scatter_root(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                        size_t bb)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, root = comm->rank, rc = MPI_SUCCESS;
    tn_datatype_t *byte = tn_coll_bytes();
    /* Largest subtree first, so it starts forwarding earliest. */
    for (int mask = p > 1 ? tn_coll_pof2(p - 1) : 0; !rc && mask > 0; mask >>= 1) {
        int first = (root + mask) % p, len = subtree(mask, p);
        if (first + len <= p) {
            rc = tn_sched_send(s, tn_coll_block(sbuf, first, scount, stype), len * scount, stype,
                               first);
            continue;
        }
        /* Blocks first..p-1 then 0..: packed into one message. */
        void *wrap;
        int tail = p - first;
        MPI_Aint tb = (MPI_Aint)((size_t)tail * bb), hb = (MPI_Aint)((size_t)(len - tail) * bb);
        rc = tn_sched_scratch_bytes(s, (size_t)len * bb, &wrap);
        if (!rc)
            rc = tn_sched_copy(s, tn_coll_block(sbuf, first, scount, stype), tail * scount, stype,
                               wrap, tb, byte);
        if (!rc)
            rc = tn_sched_copy(s, sbuf, (len - tail) * scount, stype, (char *)wrap + tb, hb, byte);
        if (!rc)
            rc = tn_sched_send(s, wrap, tb + hb, byte, first);
    }
    return rc;
}

static int scatter_nonroot(tn_sched_t *s, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype,
                           size_t bb, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc;
    int low = vr & -vr, parent = (rank - low + p) % p, nsub = subtree(vr, p);
    if (nsub == 1)
        return tn_sched_recv(s, rbuf, rcount, rtype, parent);

    tn_datatype_t *byte = tn_coll_bytes();
    void *tmp;
    if ((rc = tn_sched_scratch_bytes(s, (size_t)nsub * bb, &tmp)))
        return rc;
    rc = tn_sched_recv(s, tmp, (MPI_Aint)((size_t)nsub * bb), byte, parent);
    if (!rc)
        rc = tn_sched_fence(s);
    for (int mask = low >> 1; !rc && mask > 0; mask >>= 1) {
        if (vr + mask >= p)
            continue;
        size_t len = (size_t)subtree(vr + mask, p) * bb;
        rc = tn_sched_send(s, (char *)tmp + (size_t)mask * bb, (MPI_Aint)len, byte,
                           (rank + mask) % p);
    }
    return rc ? rc : tn_sched_copy(s, tmp, (MPI_Aint)bb, byte, rbuf, rcount, rtype);
}

/* The root's side of the linear algorithms: sends block i (counts[i]
 * elements at displs[i], in elements of stype) to each rank i. */
static int scatter_linear(tn_sched_t *s, const void *sbuf, const MPI_Aint *counts, MPI_Aint count,
                          const MPI_Aint *displs, tn_datatype_t *stype)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rc = MPI_SUCCESS, n = 0;
    for (int i = 0; !rc && i < p; i++) {
        MPI_Aint c = counts ? counts[i] : count, d = counts ? displs[i] : i * count;
        if (i == comm->rank || (size_t)c * (size_t)stype->size == 0)
            continue;
        rc = tn_sched_send(s, (const char *)sbuf + d * stype->extent, c, stype, i);
        if (!rc && ++n % TN_COLL_BATCH == 0)
            rc = tn_sched_fence(s);
    }
    return rc;
}

int tn_coll_scatter_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                          void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rc;
    size_t bb = comm->rank == root ? (size_t)scount * (size_t)stype->size
                                   : (size_t)rcount * (size_t)rtype->size;
    if (bb == 0)
        return MPI_SUCCESS;
    int algo = tn_coll_algo(TN_COLL_SCATTER, p, bb, 1);
    if (comm->rank != root) {
        if (algo == TN_GATHER_LINEAR)
            return tn_sched_recv(s, rbuf, rcount, rtype, root);
        return scatter_nonroot(s, rbuf, rcount, rtype, bb, root);
    }
    rc = algo == TN_GATHER_LINEAR ? scatter_linear(s, sbuf, NULL, scount, NULL, stype)
                                  : scatter_root(s, sbuf, scount, stype, bb);
    if (!rc && rbuf != MPI_IN_PLACE)
        rc = tn_sched_copy(s, tn_coll_block(sbuf, root, scount, stype), scount, stype, rbuf, rcount,
                           rtype);
    return rc;
}

int tn_coll_scatterv_sched(tn_sched_t *s, const void *sbuf, const MPI_Aint *scounts,
                           const MPI_Aint *displs, tn_datatype_t *stype, void *rbuf,
                           MPI_Aint rcount, tn_datatype_t *rtype, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int rc;
    if (comm->rank != root) {
        if ((size_t)rcount * (size_t)rtype->size == 0)
            return MPI_SUCCESS;
        return tn_sched_recv(s, rbuf, rcount, rtype, root);
    }
    rc = scatter_linear(s, sbuf, scounts, 0, displs, stype);
    if (!rc && rbuf != MPI_IN_PLACE)
        rc = tn_sched_copy(s, (const char *)sbuf + displs[root] * stype->extent, scounts[root],
                           stype, rbuf, rcount, rtype);
    return rc;
}

int tn_coll_scatter(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                    MPI_Aint rcount, tn_datatype_t *rtype, int root, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Scatter", &s);
    return rc ? rc
              : tn_coll_finish(
                    s, tn_coll_scatter_sched(s, sbuf, scount, stype, rbuf, rcount, rtype, root));
}

int tn_coll_scatterv(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *displs,
                     tn_datatype_t *stype, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype,
                     int root, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Scatterv", &s);
    return rc ? rc
              : tn_coll_finish(s, tn_coll_scatterv_sched(s, sbuf, scounts, displs, stype, rbuf,
                                                         rcount, rtype, root));
}
