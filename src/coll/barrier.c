/* Barrier by dissemination: in round k every rank signals rank + 2^k and waits
 * for rank - 2^k. After ceil(log2 p) rounds each rank has heard, directly or
 * through others, from every rank, whatever the communicator size. */
#include "coll/util.h"

int tn_coll_barrier(tn_comm_t *comm)
{
    int p = comm->size, r = comm->rank;
    tn_datatype_t *byte = tn_coll_bytes();
    for (int k = 1; k < p; k <<= 1) {
        int rc = tn_coll_sendrecv(NULL, 0, byte, (r + k) % p, NULL, 0, byte, (r - k + p) % p,
                                  TN_TAG_BARRIER, comm);
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}
