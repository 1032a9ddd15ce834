/* Alltoall, alltoallv and alltoallw.
 *
 * All three describe, per peer, a block to send and a block to receive, and
 * share two algorithms:
 *  - batched: in step i a rank receives from rank + i and sends to rank - i;
 *    steps are posted TN_COLL_BATCH/2 at a time and completed together. Matching
 *    operations fall in the same batch on both sides, so batches can not
 *    deadlock, and no rank floods the network with p messages at once;
 *  - pairwise (alltoall with blocks >= TN_ALLTOALL_LONG): p-1 exchanges with one
 *    peer at a time (rank XOR i on power-of-two sizes), which keeps every link
 *    busy without contention.
 * Empty blocks (0 bytes, as both sides know) are not sent. MPI_IN_PLACE works
 * on a copy of the receive blocks. */
#include <stdlib.h>
#include "coll/util.h"

/* One side (send or receive) of an exchange. */
typedef struct side {
    char *buf;
    MPI_Aint count;              /* counts == NULL: block i is count elements at i * count * ext */
    const MPI_Aint *counts;      /* else block i is counts[i] elements */
    const MPI_Aint *displs;      /* ... at displs[i] elements (displs[i] bytes with types) */
    tn_datatype_t *type;         /* the type of every block, unless types */
    tn_datatype_t *const *types; /* alltoallw: the type of block i */
} side_t;

static char *side_block(const side_t *s, int i, MPI_Aint *count, tn_datatype_t **dt)
{
    if (!s->counts) {
        *count = s->count;
        *dt = s->type;
        return tn_coll_block(s->buf, i, s->count, s->type);
    }
    *count = s->counts[i];
    if (s->types) {
        *dt = s->types[i];
        return s->buf + s->displs[i];
    }
    *dt = s->type;
    return s->buf + s->displs[i] * s->type->extent;
}

static int side_empty(const side_t *s, int i)
{
    MPI_Aint count;
    tn_datatype_t *dt;
    side_block(s, i, &count, &dt);
    return (size_t)count * (size_t)dt->size == 0;
}

/* For MPI_IN_PLACE: *copy describes the same blocks as s in fresh memory (*mem). */
static int side_dup(const side_t *s, int p, void **mem, side_t *copy, const char *fname)
{
    MPI_Aint lo = 0, hi = 0, count, l, h;
    tn_datatype_t *dt;
    int any = 0, rc;
    for (int i = 0; i < p; i++) {
        MPI_Aint off = side_block(s, i, &count, &dt) - s->buf;
        if (!count)
            continue;
        tn_coll_span(count, dt, &l, &h);
        if (!any || l + off < lo)
            lo = l + off;
        if (!any || h + off > hi)
            hi = h + off;
        any = 1;
    }
    void *start;
    if ((rc = tn_coll_scratch_bytes((size_t)(hi - lo), NULL, mem, &start, fname)))
        return rc;
    *copy = *s;
    copy->buf = (char *)start - lo;
    for (int i = 0; i < p; i++) {
        char *from = side_block(s, i, &count, &dt), *to = copy->buf + (from - s->buf);
        if (count && (rc = tn_dtype_copy(from, count, dt, to, count, dt))) {
            free(*mem);
            return rc;
        }
    }
    return MPI_SUCCESS;
}

static int copy_own(const side_t *snd, const side_t *rcv, int rank)
{
    MPI_Aint sc, rc;
    tn_datatype_t *st, *rt;
    char *from = side_block(snd, rank, &sc, &st), *to = side_block(rcv, rank, &rc, &rt);
    return tn_dtype_copy(from, sc, st, to, rc, rt);
}

static int exchange_batched(const side_t *snd, const side_t *rcv, int tag, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, rc;
    if ((rc = copy_own(snd, rcv, rank)))
        return rc;
    tn_request_t *reqs[TN_COLL_BATCH];
    for (int base = 1; base < p; base += TN_COLL_BATCH / 2) {
        int end = base + TN_COLL_BATCH / 2 < p ? base + TN_COLL_BATCH / 2 : p, n = 0;
        MPI_Aint count;
        tn_datatype_t *dt;
        for (int i = base; i < end; i++) {
            int src = (rank + i) % p;
            if (side_empty(rcv, src))
                continue;
            char *at = side_block(rcv, src, &count, &dt);
            if ((rc = tn_p2p_irecv(at, count, dt, src, tag, comm, TN_CTX_COLL, &reqs[n])))
                return tn_coll_unwind(n, reqs, rc);
            n++;
        }
        for (int i = base; i < end; i++) {
            int dst = (rank - i + p) % p;
            if (side_empty(snd, dst))
                continue;
            char *at = side_block(snd, dst, &count, &dt);
            rc = tn_p2p_isend(at, count, dt, dst, tag, comm, TN_CTX_COLL, TN_SEND_STD, &reqs[n]);
            if (rc)
                return tn_coll_unwind(n, reqs, rc);
            n++;
        }
        if ((rc = tn_request_waitall(n, reqs)))
            return rc;
    }
    return MPI_SUCCESS;
}

static int exchange_pairwise(const side_t *snd, const side_t *rcv, int tag, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, pow2 = !(p & (p - 1)), rc;
    if ((rc = copy_own(snd, rcv, rank)))
        return rc;
    for (int i = 1; i < p; i++) {
        int dst = pow2 ? rank ^ i : (rank + i) % p, src = pow2 ? rank ^ i : (rank - i + p) % p;
        MPI_Aint sc, rcnt;
        tn_datatype_t *st, *rt;
        char *from = side_block(snd, dst, &sc, &st), *to = side_block(rcv, src, &rcnt, &rt);
        rc = tn_coll_sendrecv(from, sc, st, side_empty(snd, dst) ? MPI_PROC_NULL : dst, to, rcnt,
                              rt, side_empty(rcv, src) ? MPI_PROC_NULL : src, tag, comm);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}

/* Runs the exchange, first copying the receive blocks when sbuf is MPI_IN_PLACE. */
static int exchange(const void *sbuf, side_t *snd, const side_t *rcv, int pairwise, int tag,
                    tn_comm_t *comm, const char *fname)
{
    void *mem = NULL;
    int rc;
    if (sbuf == MPI_IN_PLACE && (rc = side_dup(rcv, comm->size, &mem, snd, fname)))
        return rc;
    rc = pairwise ? exchange_pairwise(snd, rcv, tag, comm) : exchange_batched(snd, rcv, tag, comm);
    free(mem);
    return rc;
}

int tn_coll_alltoall(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                     MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    size_t bb = (size_t)rcount * (size_t)rtype->size;
    if (bb == 0)
        return MPI_SUCCESS;
    side_t snd = {.buf = (char *)sbuf, .count = scount, .type = stype};
    side_t rcv = {.buf = rbuf, .count = rcount, .type = rtype};
    return exchange(sbuf, &snd, &rcv, bb >= TN_ALLTOALL_LONG, TN_TAG_ALLTOALL, comm,
                    "MPI_Alltoall");
}

int tn_coll_alltoallv(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *sdispls,
                      tn_datatype_t *stype, void *rbuf, const MPI_Aint *rcounts,
                      const MPI_Aint *rdispls, tn_datatype_t *rtype, tn_comm_t *comm)
{
    side_t snd = {.buf = (char *)sbuf, .counts = scounts, .displs = sdispls, .type = stype};
    side_t rcv = {.buf = rbuf, .counts = rcounts, .displs = rdispls, .type = rtype};
    return exchange(sbuf, &snd, &rcv, 0, TN_TAG_ALLTOALLV, comm, "MPI_Alltoallv");
}

int tn_coll_alltoallw(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *sdispls,
                      tn_datatype_t *const *stypes, void *rbuf, const MPI_Aint *rcounts,
                      const MPI_Aint *rdispls, tn_datatype_t *const *rtypes, tn_comm_t *comm)
{
    side_t snd = {.buf = (char *)sbuf, .counts = scounts, .displs = sdispls, .types = stypes};
    side_t rcv = {.buf = rbuf, .counts = rcounts, .displs = rdispls, .types = rtypes};
    return exchange(sbuf, &snd, &rcv, 0, TN_TAG_ALLTOALLW, comm, "MPI_Alltoallw");
}
