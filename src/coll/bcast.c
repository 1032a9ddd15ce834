/* Broadcast.
 *
 * Ranks are renumbered relative to the root (vr = rank - root mod p). In the
 * binomial tree the parent of vr is vr with its lowest set bit cleared and its
 * children are vr + m for every power of two m below that bit.
 *
 * Short messages (or few ranks): binomial tree, log p steps of the whole buffer.
 * Long messages: the root scatters p chunks of the packed bytes down the same
 * tree, then a ring allgather circulates them (about 2x the data per link, but
 * no link carries the whole message log p times). */
#include <stdlib.h>
#include "coll/util.h"

static int bcast_binomial(void *buf, MPI_Aint count, tn_datatype_t *dt, int root,
                          tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, mask = 1, rc;
    for (; mask < p; mask <<= 1) {
        if (vr & mask) {
            rc = tn_p2p_recv(buf, count, dt, (rank - mask + p) % p, TN_TAG_BCAST, comm,
                             TN_CTX_COLL, MPI_STATUS_IGNORE);
            if (rc)
                return rc;
            break;
        }
    }
    /* Children in decreasing distance, so the largest subtree starts first. */
    tn_request_t *reqs[32];
    int n = 0;
    for (mask >>= 1; mask > 0; mask >>= 1) {
        if (vr + mask >= p)
            continue;
        rc = tn_p2p_isend(buf, count, dt, (rank + mask) % p, TN_TAG_BCAST, comm, TN_CTX_COLL,
                          TN_SEND_STD, &reqs[n]);
        if (rc)
            return tn_coll_unwind(n, reqs, rc);
        n++;
    }
    return tn_request_waitall(n, reqs);
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
static int scatter_chunks(char *data, size_t nbytes, size_t chunk, int root, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p, mask = 1, rc;
    tn_datatype_t *byte = tn_coll_bytes();
    size_t off, len;
    for (; mask < p; mask <<= 1) {
        if (vr & mask) {
            chunks(nbytes, chunk, vr, vr + mask, &off, &len);
            if (len) {
                rc = tn_p2p_recv(data + off, (MPI_Aint)len, byte, (rank - mask + p) % p,
                                 TN_TAG_BCAST, comm, TN_CTX_COLL, MPI_STATUS_IGNORE);
                if (rc)
                    return rc;
            }
            break;
        }
    }
    tn_request_t *reqs[32];
    int n = 0;
    for (mask >>= 1; mask > 0; mask >>= 1) {
        if (vr + mask >= p)
            continue;
        chunks(nbytes, chunk, vr + mask, vr + 2 * mask, &off, &len);
        if (!len)
            continue;
        rc = tn_p2p_isend(data + off, (MPI_Aint)len, byte, (rank + mask) % p, TN_TAG_BCAST, comm,
                          TN_CTX_COLL, TN_SEND_STD, &reqs[n]);
        if (rc)
            return tn_coll_unwind(n, reqs, rc);
        n++;
    }
    return tn_request_waitall(n, reqs);
}

/* Ring allgather of the chunks: in step i, vr passes chunk vr - i to the right
 * and gets chunk vr - i - 1 from the left. */
static int ring_chunks(char *data, size_t nbytes, size_t chunk, int root, tn_comm_t *comm)
{
    int p = comm->size, rank = comm->rank, vr = (rank - root + p) % p;
    int left = (rank - 1 + p) % p, right = (rank + 1) % p;
    tn_datatype_t *byte = tn_coll_bytes();
    for (int i = 0; i < p - 1; i++) {
        int sb = (vr - i + p) % p, rb = (vr - i - 1 + p) % p;
        size_t soff, slen, roff, rlen;
        chunks(nbytes, chunk, sb, sb + 1, &soff, &slen);
        chunks(nbytes, chunk, rb, rb + 1, &roff, &rlen);
        int rc = tn_coll_sendrecv(data + soff, (MPI_Aint)slen, byte,
                                  slen ? right : MPI_PROC_NULL, data + roff, (MPI_Aint)rlen, byte,
                                  rlen ? left : MPI_PROC_NULL, TN_TAG_BCAST, comm);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}

static int bcast_scatter_ring(void *buf, MPI_Aint count, tn_datatype_t *dt, int root,
                              tn_comm_t *comm)
{
    size_t nbytes = (size_t)count * (size_t)dt->size;
    size_t chunk = (nbytes + (size_t)comm->size - 1) / (size_t)comm->size;
    int is_root = comm->rank == root, rc;
    const void *start;
    void *mem = NULL, *data;
    if (tn_dtype_is_contig(dt, count, buf, &start)) {
        data = (void *)start;
    } else {
        rc = tn_coll_scratch_bytes(nbytes, NULL, &mem, &data, "MPI_Bcast");
        if (rc)
            return rc;
        if (is_root)
            tn_dtype_pack(dt, buf, count, 0, data, nbytes);
    }
    rc = scatter_chunks(data, nbytes, chunk, root, comm);
    if (!rc)
        rc = ring_chunks(data, nbytes, chunk, root, comm);
    if (!rc && mem && !is_root)
        tn_dtype_unpack(dt, buf, count, 0, data, nbytes);
    free(mem);
    return rc;
}

int tn_coll_bcast(void *buf, MPI_Aint count, tn_datatype_t *dt, int root, tn_comm_t *comm)
{
    size_t nbytes = (size_t)count * (size_t)dt->size;
    if (comm->size == 1 || nbytes == 0)
        return MPI_SUCCESS;
    if (nbytes < TN_BCAST_SHORT || comm->size < TN_BCAST_MIN_PROCS)
        return bcast_binomial(buf, count, dt, root, comm);
    return bcast_scatter_ring(buf, count, dt, root, comm);
}
