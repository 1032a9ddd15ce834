/* Broadcast.
 *
 * Ranks are renumbered relative to the root (vr = rank - root mod p). In the
 * binomial tree the parent of vr is vr with its lowest set bit cleared and its
 * children are vr + m for every power of two m below that bit.
 *  - binomial: log p steps of the whole buffer;
 *  - scatter_ring (van de Geijn): the root scatters p chunks of the packed
 *    bytes down the same tree, then a ring allgather circulates them (about
 *    2x the data per rank, but no link carries the whole message log p times);
 *  - scatter_rdbl: the same scatter, then a recursive-doubling allgather
 *    (power-of-two sizes; log p steps instead of p - 1);
 *  - pipeline: the packed bytes flow down the chain vr 0 -> 1 -> ... -> p-1
 *    in PIPE_CHUNK pieces, each rank forwarding piece i while it receives
 *    piece i + 1: for very large messages every link carries the data once. */
#include "coll/util.h"

#define PIPE_CHUNK 131072

static int bcast_binomial(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, mask = 1, rc = MPI_SUCCESS;
    for (; mask < p; mask <<= 1) {
        if (vr & mask) {
            rc = tn_sched_recv(s, buf, count, dt, (rank - mask + p) % p);
            if (!rc)
                rc = tn_sched_fence(s);
            break;
        }
    }
    /* Children in decreasing distance, so the largest subtree starts first. */
    for (mask >>= 1; !rc && mask > 0; mask >>= 1)
        if (vr + mask < p)
            rc = tn_sched_send(s, buf, count, dt, (rank + mask) % p);
    return rc;
}

/* Bytes of the chunks of virtual ranks [first, last), chunk bytes each. */
static void chunks(size_t nbytes, size_t chunk, int first, int last, size_t *off, size_t *len)
{
    size_t a = (size_t)first * chunk, b = (size_t)last * chunk;
    a = a < nbytes ? a : nbytes;
    b = b < nbytes ? b : nbytes;
    *off = a;
    *len = b - a;
}

/* Binomial scatter of the chunks: afterwards vr holds chunk vr (and the chunks
 * of its subtree). Empty ranges are skipped by both ends alike. */
static int scatter_chunks(tn_sched_t *s, char *data, size_t nbytes, size_t chunk, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, mask = 1, rc = MPI_SUCCESS;
    tn_datatype_t *byte = tn_coll_bytes();
    size_t off, len;
    for (; mask < p; mask <<= 1) {
        if (vr & mask) {
            chunks(nbytes, chunk, vr, vr + mask, &off, &len);
            if (len)
                rc = tn_sched_recv(s, data + off, (MPI_Aint)len, byte, (rank - mask + p) % p);
            if (!rc)
                rc = tn_sched_fence(s);
            break;
        }
    }
    for (mask >>= 1; !rc && mask > 0; mask >>= 1) {
        if (vr + mask >= p)
            continue;
        chunks(nbytes, chunk, vr + mask, vr + 2 * mask, &off, &len);
        if (len)
            rc = tn_sched_send(s, data + off, (MPI_Aint)len, byte, (rank + mask) % p);
    }
    return rc ? rc : tn_sched_fence(s);
}

/* One exchange of chunk runs [sfirst, slast) to dest and [rfirst, rlast) from
 * src; empty runs are not sent (both ends know they are empty). */
static int swap_chunks(tn_sched_t *s, char *data, size_t nbytes, size_t chunk, int sfirst,
                       int slast, int dest, int rfirst, int rlast, int src)
{
    tn_datatype_t *byte = tn_coll_bytes();
    size_t soff, slen, roff, rlen;
    chunks(nbytes, chunk, sfirst, slast, &soff, &slen);
    chunks(nbytes, chunk, rfirst, rlast, &roff, &rlen);
    return tn_coll_sendrecv(s, data + soff, (MPI_Aint)slen, byte, slen ? dest : MPI_PROC_NULL,
                            data + roff, (MPI_Aint)rlen, byte, rlen ? src : MPI_PROC_NULL);
}

/* Ring allgather of the chunks: in step i, vr passes chunk vr - i to the right
 * and gets chunk vr - i - 1 from the left. */
static int ring_chunks(tn_sched_t *s, char *data, size_t nbytes, size_t chunk, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc = MPI_SUCCESS;
    int left = (rank - 1 + p) % p, right = (rank + 1) % p;
    for (int i = 0; !rc && i < p - 1; i++) {
        int sb = (vr - i + p) % p, rb = (vr - i - 1 + p) % p;
        rc = swap_chunks(s, data, nbytes, chunk, sb, sb + 1, right, rb, rb + 1, left);
    }
    return rc;
}

/* Recursive-doubling allgather of the chunks (p a power of two): before step
 * mask, vr holds the aligned run of mask chunks around it and swaps it with
 * the run of vr ^ mask. */
static int rdbl_chunks(tn_sched_t *s, char *data, size_t nbytes, size_t chunk, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc = MPI_SUCCESS;
    for (int mask = 1; !rc && mask < p; mask <<= 1) {
        int pv = vr ^ mask, peer = (pv + root) % p;
        int mine = vr & ~(mask - 1), theirs = pv & ~(mask - 1);
        rc = swap_chunks(s, data, nbytes, chunk, mine, mine + mask, peer, theirs, theirs + mask,
                         peer);
    }
    return rc;
}

/* The chain: vr receives each piece from vr - 1 and forwards it to vr + 1. */
static int pipeline(tn_sched_t *s, char *data, size_t nbytes, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, rc = MPI_SUCCESS;
    int prev = vr ? (rank - 1 + p) % p : MPI_PROC_NULL;
    int next = vr < p - 1 ? (rank + 1) % p : MPI_PROC_NULL;
    tn_datatype_t *byte = tn_coll_bytes();
    size_t n = (nbytes + PIPE_CHUNK - 1) / PIPE_CHUNK;
    for (size_t i = 0; !rc && i <= n; i++) {
        /* Round i: forward piece i - 1, receive piece i. */
        size_t off, len;
        if (i > 0) {
            chunks(nbytes, PIPE_CHUNK, (int)i - 1, (int)i, &off, &len);
            rc = tn_sched_send(s, data + off, (MPI_Aint)len, byte, next);
        }
        if (!rc && i < n) {
            chunks(nbytes, PIPE_CHUNK, (int)i, (int)i + 1, &off, &len);
            rc = tn_sched_recv(s, data + off, (MPI_Aint)len, byte, prev);
        }
        /* The root has nothing to wait for. */
        if (!rc && vr)
            rc = tn_sched_fence(s);
    }
    return rc;
}

/* The algorithms that move packed bytes: data is buf itself when it is
 * contiguous, else a packed copy (made at the root, unpacked elsewhere). */
static int bcast_bytes(tn_sched_t *s, int algo, void *buf, MPI_Aint count, tn_datatype_t *dt,
                       int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    size_t nbytes = (size_t)count * (size_t)dt->size;
    size_t chunk = (nbytes + (size_t)comm->size - 1) / (size_t)comm->size;
    int is_root = comm->rank == root, rc = MPI_SUCCESS;
    const void *start;
    void *data;
    tn_datatype_t *byte = tn_coll_bytes();
    int packed = !tn_dtype_is_contig(dt, count, buf, &start);
    if (!packed) {
        data = (void *)start;
    } else {
        rc = tn_sched_scratch_bytes(s, nbytes, &data);
        if (!rc && is_root)
            rc = tn_sched_copy(s, buf, count, dt, data, (MPI_Aint)nbytes, byte);
        if (rc)
            return rc;
    }
    if (algo == TN_BCAST_PIPELINE) {
        rc = pipeline(s, data, nbytes, root);
    } else {
        rc = scatter_chunks(s, data, nbytes, chunk, root);
        if (!rc && algo == TN_BCAST_SCATTER_RDBL)
            rc = rdbl_chunks(s, data, nbytes, chunk, root);
        else if (!rc)
            rc = ring_chunks(s, data, nbytes, chunk, root);
    }
    if (!rc && packed && !is_root)
        rc = tn_sched_copy(s, data, (MPI_Aint)nbytes, byte, buf, count, dt);
    return rc;
}

int tn_coll_bcast_sched(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt, int root)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size;
    size_t nbytes = (size_t)count * (size_t)dt->size;
    if (p == 1 || nbytes == 0)
        return MPI_SUCCESS;
    int algo = tn_coll_algo(TN_COLL_BCAST, p, nbytes, 1);
    if (algo == TN_BCAST_SCATTER_RDBL && (p & (p - 1)))
        algo = TN_BCAST_SCATTER_RING;
    if (algo == TN_BCAST_BINOMIAL)
        return bcast_binomial(s, buf, count, dt, root);
    return bcast_bytes(s, algo, buf, count, dt, root);
}

int tn_coll_bcast(void *buf, MPI_Aint count, tn_datatype_t *dt, int root, tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Bcast", &s);
    return rc ? rc : tn_coll_finish(s, tn_coll_bcast_sched(s, buf, count, dt, root));
}
