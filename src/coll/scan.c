/* Scan and exscan by recursive doubling.
 *
 * Each rank keeps `partial`, the reduction over the aligned run of 2^k ranks
 * (k steps done) that contains it. In step k it swaps partial with rank XOR 2^k
 * (when that rank exists); a partner with a lower rank contributes the run just
 * below, which is folded into both partial and the result on the left, and a
 * higher partner's run is folded into partial on the right. Operand order thus
 * follows rank order, as non-commutative ops require. Exscan starts its result
 * empty and takes the first lower run as is. */
#include "coll/util.h"

static int scan_rd(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt,
                   tn_op_t *op, int exclusive)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, rank = comm->rank, rc;
    const void *in = sbuf == MPI_IN_PLACE ? rbuf : sbuf;
    if (count == 0)
        return MPI_SUCCESS;
    if (!exclusive && (rc = tn_sched_copy(s, in, count, dt, rbuf, count, dt)))
        return rc;
    if (p == 1)
        return MPI_SUCCESS;

    void *partial, *tmp;
    if ((rc = tn_sched_scratch(s, count, dt, &partial)) ||
        (rc = tn_sched_scratch(s, count, dt, &tmp)) ||
        (rc = tn_sched_copy(s, in, count, dt, partial, count, dt)))
        return rc;
    int have = !exclusive; /* rbuf holds a value */
    for (int mask = 1; !rc && mask < p; mask <<= 1) {
        int peer = rank ^ mask;
        if (peer >= p)
            continue;
        rc = tn_coll_sendrecv(s, partial, count, dt, peer, tmp, count, dt, peer);
        if (rc)
            break;
        if (peer < rank) {
            if ((rc = tn_sched_reduce(s, tmp, partial, count, dt, op)))
                break;
            rc = have ? tn_sched_reduce(s, tmp, rbuf, count, dt, op)
                      : tn_sched_copy(s, tmp, count, dt, rbuf, count, dt);
            have = 1;
        } else {
            /* tmp = partial op tmp, then tmp is the new partial. */
            rc = tn_sched_reduce(s, partial, tmp, count, dt, op);
            void *t = partial;
            partial = tmp;
            tmp = t;
        }
    }
    return rc;
}

int tn_coll_scan_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                       tn_datatype_t *dt, tn_op_t *op)
{
    return scan_rd(s, sbuf, rbuf, count, dt, op, 0);
}

int tn_coll_exscan_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                         tn_datatype_t *dt, tn_op_t *op)
{
    return scan_rd(s, sbuf, rbuf, count, dt, op, 1);
}

int tn_coll_scan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                 tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Scan", &s);
    return rc ? rc : tn_coll_finish(s, tn_coll_scan_sched(s, sbuf, rbuf, count, dt, op));
}

int tn_coll_exscan(const void *sbuf, void *rbuf, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                   tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Exscan", &s);
    return rc ? rc : tn_coll_finish(s, tn_coll_exscan_sched(s, sbuf, rbuf, count, dt, op));
}
