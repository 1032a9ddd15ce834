/* Barrier by dissemination: in round k every rank signals rank + 2^k and waits
 * for rank - 2^k. After ceil(log2 p) rounds each rank has heard, directly or
 * through others, from every rank, whatever the communicator size. */
#include "coll/util.h"

int tn_coll_barrier_sched(tn_sched_t *s)
{
    tn_comm_t *comm = tn_sched_comm(s);
    int p = comm->size, r = comm->rank, rc = MPI_SUCCESS;
    tn_datatype_t *byte = tn_coll_bytes();
    for (int k = 1; !rc && k < p; k <<= 1)
        rc = tn_coll_sendrecv(s, NULL, 0, byte, (r + k) % p, NULL, 0, byte, (r - k + p) % p);
    return rc;
}

int tn_coll_barrier(tn_comm_t *comm)
{
    tn_sched_t *s;
    int rc = tn_sched_create(comm, "MPI_Barrier", &s);
    return rc ? rc : tn_coll_finish(s, tn_coll_barrier_sched(s));
}
