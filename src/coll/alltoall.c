/* Alltoall, alltoallv and alltoallw.
 *
 * All three describe, per peer, a block to send and a block to receive, and
 * share two algorithms:
 *  - linear: in step i a rank receives from rank + i and sends to rank - i;
 *    steps are posted TN_COLL_BATCH/2 at a time, a fence after each batch.
 *    Matching operations fall in the same batch on both sides, so batches can
 *    not deadlock, and no rank floods the network with p messages at once;
 *  - pairwise: p-1 exchanges with one peer at a time (rank XOR i on
 *    power-of-two sizes), which keeps every link busy without contention.
 * Alltoall also has bruck (small blocks): ceil(log2 p) rounds; in round k
 * every block whose distance to its destination has bit k set moves k ranks
 * on, all of them packed in one message.
 * Empty blocks (0 bytes, as both sides know) are not sent. MPI_IN_PLACE works
 * on a copy of the receive blocks. */
#include "coll/util.h"

/* One side (send or receive) of an exchange. */
typedef struct side {
    char *buf;
    MPI_Aint count; /* counts == NULL: block i is count elements at i * count * ext */
    const MPI_Aint *counts; /* else block i is counts[i] elements */
    const MPI_Aint *displs; /* ... at displs[i] elements (displs[i] bytes with types) */
    tn_datatype_t *type; /* the type of every block, unless types */
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

/* Block i of side d: the peer to name in its send or receive, MPI_PROC_NULL
 * when it is empty. */
static char *side_peer(const side_t *d, int i, MPI_Aint *count, tn_datatype_t **dt, int *peer)
{
    char *at = side_block(d, i, count, dt);
    *peer = (size_t)*count * (size_t)(*dt)->size != 0 ? i : MPI_PROC_NULL;
    return at;
}

/* For MPI_IN_PLACE: *copy describes the same blocks as d in scratch memory. */
static int side_dup(tn_sched_t *s, const side_t *d, int p, side_t *copy)
{
    MPI_Aint lo = 0, hi = 0, count, l, h;
    tn_datatype_t *dt;
    int any = 0, rc;
    for (int i = 0; i < p; i++) {
        MPI_Aint off = side_block(d, i, &count, &dt) - d->buf;
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
    if ((rc = tn_sched_scratch_bytes(s, (size_t)(hi - lo), &start)))
        return rc;
    *copy = *d;
    copy->buf = (char *)start - lo;
    for (int i = 0; !rc && i < p; i++) {
        char *from = side_block(d, i, &count, &dt), *to = copy->buf + (from - d->buf);
        if (count)
            rc = tn_sched_copy(s, from, count, dt, to, count, dt);
    }
    return rc;
}

static int copy_own(tn_sched_t *s, const side_t *snd, const side_t *rcv, int rank)
{
    MPI_Aint sc, rc;
    tn_datatype_t *st, *rt;
    char *from = side_block(snd, rank, &sc, &st), *to = side_block(rcv, rank, &rc, &rt);
    return tn_sched_copy(s, from, sc, st, to, rc, rt);
}

static int exchange_linear(tn_sched_t *s, const side_t *snd, const side_t *rcv)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc = copy_own(s, snd, rcv, rank), peer;
    MPI_Aint count;
    tn_datatype_t *dt;
    for (int base = 1; !rc && base < p; base += TN_COLL_BATCH / 2) {
        int end = base + TN_COLL_BATCH / 2 < p ? base + TN_COLL_BATCH / 2 : p;
        for (int i = base; !rc && i < end; i++) {
            char *at = side_peer(rcv, (rank + i) % p, &count, &dt, &peer);
            rc = tn_sched_recv(s, at, count, dt, peer);
        }
        for (int i = base; !rc && i < end; i++) {
            char *at = side_peer(snd, (rank - i + p) % p, &count, &dt, &peer);
            rc = tn_sched_send(s, at, count, dt, peer);
        }
        if (!rc)
            rc = tn_sched_fence(s);
    }
    return rc;
}

static int exchange_pairwise(tn_sched_t *s, const side_t *snd, const side_t *rcv)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, pow2 = !(p & (p - 1));
    int rc = copy_own(s, snd, rcv, rank);
    for (int i = 1; !rc && i < p; i++) {
        int dst = pow2 ? rank ^ i : (rank + i) % p, src = pow2 ? rank ^ i : (rank - i + p) % p;
        MPI_Aint sc, rcnt;
        tn_datatype_t *st, *rt;
        char *from = side_peer(snd, dst, &sc, &st, &dst),
             *to = side_peer(rcv, src, &rcnt, &rt, &src);
        rc = tn_coll_sendrecv(s, from, sc, st, dst, to, rcnt, rt, src);
    }
    return rc;
}

/* Runs the exchange, first copying the receive blocks when sbuf is MPI_IN_PLACE. */
static int exchange(tn_sched_t *s, const void *sbuf, side_t *snd, const side_t *rcv, int pairwise)
{
    int rc;
    if (sbuf == MPI_IN_PLACE && (rc = side_dup(s, rcv, tn_sched_comm(s)->size, snd)))
        return rc;
    return pairwise ? exchange_pairwise(s, snd, rcv) : exchange_linear(s, snd, rcv);
}

/* Bruck (see the top). tmp (p blocks of rcount elements of rtype) block i
 * first holds the block for rank + i, at the end the one from rank - i. */
static int alltoall_bruck(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                          void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, size_t bb)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc;
    tn_datatype_t *byte = tn_coll_bytes();
    void *tmp, *spack, *rpack;
    MPI_Aint b = (MPI_Aint)bb;
    if ((rc = tn_sched_scratch(s, p * rcount, rtype, &tmp)) ||
        (rc = tn_sched_scratch_bytes(s, (size_t)(p / 2 + 1) * bb, &spack)) ||
        (rc = tn_sched_scratch_bytes(s, (size_t)(p / 2 + 1) * bb, &rpack)))
        return rc;
    for (int i = 0; !rc && i < p; i++)
        rc = tn_sched_copy(s, tn_coll_block(sbuf, (rank + i) % p, scount, stype), scount, stype,
                           tn_coll_block(tmp, i, rcount, rtype), rcount, rtype);
    for (int k = 1; !rc && k < p; k <<= 1) {
        int n = 0;
        for (int i = k; !rc && i < p; i++)
            if (i & k)
                rc = tn_sched_copy(s, tn_coll_block(tmp, i, rcount, rtype), rcount, rtype,
                                   (char *)spack + n++ * b, b, byte);
        if (!rc)
            rc = tn_coll_sendrecv(s, spack, n * b, byte, (rank + k) % p, rpack, n * b, byte,
                                  (rank - k + p) % p);
        n = 0;
        for (int i = k; !rc && i < p; i++)
            if (i & k)
                rc = tn_sched_copy(s, (char *)rpack + n++ * b, b, byte,
                                   tn_coll_block(tmp, i, rcount, rtype), rcount, rtype);
    }
    for (int j = 0; !rc && j < p; j++)
        rc = tn_sched_copy(s, tn_coll_block(tmp, (rank - j + p) % p, rcount, rtype), rcount, rtype,
                           tn_coll_block(rbuf, j, rcount, rtype), rcount, rtype);
    return rc;
}

int tn_coll_alltoall_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                           void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype)
{
    size_t bb = (size_t)rcount * (size_t)rtype->size;
    if (bb == 0)
        return MPI_SUCCESS;
    int algo = tn_coll_algo(TN_COLL_ALLTOALL, tn_sched_comm(s)->size, bb, 1);
    if (algo == TN_ALLTOALL_BRUCK) {
        if (sbuf == MPI_IN_PLACE)
            return alltoall_bruck(s, rbuf, rcount, rtype, rbuf, rcount, rtype, bb);
        return alltoall_bruck(s, sbuf, scount, stype, rbuf, rcount, rtype, bb);
    }
    side_t snd = {.buf = (char *)sbuf, .count = scount, .type = stype};
    side_t rcv = {.buf = rbuf, .count = rcount, .type = rtype};
    return exchange(s, sbuf, &snd, &rcv, algo == TN_ALLTOALL_PAIRWISE);
}

int tn_coll_alltoallv_sched(tn_sched_t *s, const void *sbuf, const MPI_Aint *scounts,
                            const MPI_Aint *sdispls, tn_datatype_t *stype, void *rbuf,
                            const MPI_Aint *rcounts, const MPI_Aint *rdispls, tn_datatype_t *rtype)
{
    side_t snd = {.buf = (char *)sbuf, .counts = scounts, .displs = sdispls, .type = stype};
    side_t rcv = {.buf = rbuf, .counts = rcounts, .displs = rdispls, .type = rtype};
    int algo = tn_coll_algo(TN_COLL_ALLTOALLV, tn_sched_comm(s)->size, 0, 1);
    return exchange(s, sbuf, &snd, &rcv, algo == TN_ALLTOALLV_PAIRWISE);
}

int tn_coll_alltoallw_sched(tn_sched_t *s, const void *sbuf, const MPI_Aint *scounts,
                            const MPI_Aint *sdispls, tn_datatype_t *const *stypes, void *rbuf,
                            const MPI_Aint *rcounts, const MPI_Aint *rdispls,
                            tn_datatype_t *const *rtypes)
{
    side_t snd = {.buf = (char *)sbuf, .counts = scounts, .displs = sdispls, .types = stypes};
    side_t rcv = {.buf = rbuf, .counts = rcounts, .displs = rdispls, .types = rtypes};
    int algo = tn_coll_algo(TN_COLL_ALLTOALLW, tn_sched_comm(s)->size, 0, 1);
    return exchange(s, sbuf, &snd, &rcv, algo == TN_ALLTOALLV_PAIRWISE);
}

int tn_coll_alltoall(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, void *rbuf,
                     MPI_Aint rcount, tn_datatype_t *rtype, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Alltoall", &s);
    return rc ? rc
              : tn_coll_finish(s,
                               tn_coll_alltoall_sched(s, sbuf, scount, stype, rbuf, rcount, rtype));
}

int tn_coll_alltoallv(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *sdispls,
                      tn_datatype_t *stype, void *rbuf, const MPI_Aint *rcounts,
                      const MPI_Aint *rdispls, tn_datatype_t *rtype, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Alltoallv", &s);
    return rc ? rc
              : tn_coll_finish(s, tn_coll_alltoallv_sched(s, sbuf, scounts, sdispls, stype, rbuf,
                                                          rcounts, rdispls, rtype));
}

int tn_coll_alltoallw(const void *sbuf, const MPI_Aint *scounts, const MPI_Aint *sdispls,
                      tn_datatype_t *const *stypes, void *rbuf, const MPI_Aint *rcounts,
                      const MPI_Aint *rdispls, tn_datatype_t *const *rtypes, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Alltoallw", &s);
    return rc ? rc
              : tn_coll_finish(s, tn_coll_alltoallw_sched(s, sbuf, scounts, sdispls, stypes, rbuf,
                                                          rcounts, rdispls, rtypes));
}
