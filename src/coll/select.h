/* Algorithm selection for the collectives.
 *
 * Each operation has a list of algorithms (the enums below; their names, in
 * the same order, are what TERN_<OP>_ALGO accepts and tern_info prints). A
 * table in select.c picks one per call from the communicator size, the
 * message size, whether the size is a power of two and whether the op
 * commutes. TERN_<OP>_ALGO=<name> forces one (read once, at MPI_Init; an
 * unknown name fails MPI_Init with the valid names in the message). A forced
 * algorithm that can not serve a call (e.g. Rabenseifner with a
 * non-commutative op) gives way to the table's choice for that call.
 *
 * Every rank must choose the same algorithm, so the inputs are only values
 * the standard makes equal on all ranks (sizes of the whole operation, not
 * per-rank counts of the v-forms). */
#ifndef TN_COLL_SELECT_H
#define TN_COLL_SELECT_H

#include <stddef.h>
#include <stdio.h>

enum tn_coll_op {
    TN_COLL_BARRIER,
    TN_COLL_BCAST,
    TN_COLL_REDUCE,
    TN_COLL_ALLREDUCE,
    TN_COLL_GATHER,
    TN_COLL_GATHERV,
    TN_COLL_SCATTER,
    TN_COLL_SCATTERV,
    TN_COLL_ALLGATHER,
    TN_COLL_ALLGATHERV,
    TN_COLL_ALLTOALL,
    TN_COLL_ALLTOALLV,
    TN_COLL_ALLTOALLW,
    TN_COLL_REDUCE_SCATTER,
    TN_COLL_REDUCE_SCATTER_BLOCK,
    TN_COLL_SCAN,
    TN_COLL_EXSCAN,
    TN_COLL_NOPS
};

/* The *_NODE algorithms are the node-local ones of node.h: blocking calls
 * only; for a call they can not serve, the table chooses among the others. */
enum { TN_BARRIER_DISSEMINATION, TN_BARRIER_NODE };
enum {
    TN_BCAST_BINOMIAL,
    TN_BCAST_SCATTER_RDBL,
    TN_BCAST_SCATTER_RING,
    TN_BCAST_PIPELINE,
    TN_BCAST_NODE
};
enum { TN_REDUCE_BINOMIAL, TN_REDUCE_RABENSEIFNER, TN_REDUCE_NODE };
enum {
    TN_ALLREDUCE_RECURSIVE_DOUBLING,
    TN_ALLREDUCE_RABENSEIFNER,
    TN_ALLREDUCE_RING,
    TN_ALLREDUCE_NODE
};
enum { TN_GATHER_BINOMIAL, TN_GATHER_LINEAR }; /* also TN_COLL_SCATTER */
enum { TN_GATHERV_LINEAR }; /* also TN_COLL_SCATTERV */
enum { TN_ALLGATHER_RECURSIVE_DOUBLING, TN_ALLGATHER_BRUCK, TN_ALLGATHER_RING }; /* and v */
enum { TN_ALLTOALL_BRUCK, TN_ALLTOALL_PAIRWISE, TN_ALLTOALL_LINEAR };
enum { TN_ALLTOALLV_PAIRWISE, TN_ALLTOALLV_LINEAR }; /* also TN_COLL_ALLTOALLW */
/* Both reduce-scatters; reduce_scatterv (reduce to rank 0, then scatterv)
 * serves non-commutative ops, which the others can not. */
enum { TN_REDSCAT_RECURSIVE_HALVING, TN_REDSCAT_PAIRWISE, TN_REDSCAT_REDUCE_SCATTERV };
enum { TN_SCAN_RECURSIVE_DOUBLING }; /* also TN_COLL_EXSCAN */

/* The algorithm for one call: p ranks, bytes the size that the table looks at
 * (select.c says which, per operation), commute whether the op commutes (1
 * for operations without one). */
int tn_coll_algo(enum tn_coll_op op, int p, size_t bytes, int commute);
/* Whether a blocking call of op may take its node-local algorithm (when
 * node.h finds it can): it is the table's first choice, unless another
 * algorithm is forced. */
int tn_coll_node_wanted(enum tn_coll_op op);

/* Reads TERN_<OP>_ALGO (MPI_Init; later calls do nothing); returns an MPI
 * error code. crowded: this node's ranks outnumber its cores. */
int tn_coll_select_init(int crowded);
/* Forces algo for op (-1: back to the table); for tests. */
void tn_coll_force(enum tn_coll_op op, int algo);
/* The number of algorithms op has. */
int tn_coll_nalgos(enum tn_coll_op op);
/* The name of an algorithm, as TERN_<OP>_ALGO takes it. */
const char *tn_coll_algo_name(enum tn_coll_op op, int algo);
/* Prints the operations, their algorithms and the table (tern_info). */
void tn_coll_select_describe(FILE *out);

#endif
