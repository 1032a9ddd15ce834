/* Node-local collectives: blocking MPI_Barrier, MPI_Bcast, MPI_Reduce and
 * MPI_Allreduce on an intracommunicator whose ranks all share a node, through
 * the node memory of the provider that connects them (transport.h, node_mem,
 * says why this departs from "collectives are schedules over p2p"): messages
 * of up to TN_COLL_NODE_MAX bytes through slots in it, and, where the
 * provider reads local peers' memory (get), larger broadcasts by reading the
 * root's buffer.
 *
 * Each returns MPI_SUCCESS or an error code when it served the call, or
 * TN_COLL_NODE_NO when the call must take the usual schedule: the
 * communicator spans nodes or has no node memory, the message is of another
 * size, a reduction's data is not contiguous, another algorithm is forced.
 * Every member decides alike. */
#ifndef TN_COLL_NODE_H
#define TN_COLL_NODE_H

#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"

#define TN_COLL_NODE_NO (-1)
#define TN_COLL_NODE_MAX 2048 /* bytes of data a rank's slot holds */

int tn_coll_node_barrier(tn_comm_t *c);
int tn_coll_node_bcast(tn_comm_t *c, void *buf, MPI_Aint count, tn_datatype_t *dt, int root);
int tn_coll_node_reduce(tn_comm_t *c, const void *sbuf, void *rbuf, MPI_Aint count,
                        tn_datatype_t *dt, tn_op_t *op, int root);
int tn_coll_node_allreduce(tn_comm_t *c, const void *sbuf, void *rbuf, MPI_Aint count,
                           tn_datatype_t *dt, tn_op_t *op);
/* The communicator is going away: gives its share of node memory back. */
void tn_coll_node_release(tn_comm_t *c);

#endif
