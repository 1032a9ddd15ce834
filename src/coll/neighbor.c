/* Neighbourhood collectives (MPI 4.1 §8.6): one round in which every rank
 * receives from each of its sources and sends to each of its destinations,
 * all messages under the schedule's tag, so that between two ranks the k-th
 * send matches the k-th receive.
 *
 * In a Cartesian topology a rank can be the same neighbour on both sides of
 * a dimension (periodic, of size 1 or 2). The standard defines the exchange
 * there as, per dimension, a send to the +1 neighbour paired with a receive
 * from the -1 neighbour, then the reverse. Receives are posted in the
 * neighbour order (-1, then +1) and sends in the swapped one (+1, then -1):
 * the data a rank sends towards +1 then lands in its neighbour's block for
 * -1, wherever the two neighbours coincide. */
#include "coll/util.h"

int tn_coll_neighbor_sched(tn_sched_t *s, int cart, int indegree, const int *sources,
                           const tn_coll_layout_t *rl, int outdegree, const int *dests,
                           const tn_coll_layout_t *sl)
{
    int rc = MPI_SUCCESS;
    for (int i = 0; !rc && i < indegree; i++) {
        char *buf;
        MPI_Aint count;
        tn_datatype_t *dt;
        tn_coll_layout_block(rl, i, &buf, &count, &dt);
        rc = tn_sched_recv(s, buf, count, dt, sources[i]);
    }
    for (int j = 0; !rc && j < outdegree; j++) {
        int k = cart ? j ^ 1 : j;
        char *buf;
        MPI_Aint count;
        tn_datatype_t *dt;
        tn_coll_layout_block(sl, k, &buf, &count, &dt);
        rc = tn_sched_send(s, buf, count, dt, dests[k]);
    }
    return rc;
}
