/* Process topologies (MPI 4.1 §8): Cartesian, graph and distributed graph,
 * hung on a communicator as comm->topo (the kind) and comm->topo_data. */
#ifndef TN_TOPO_H
#define TN_TOPO_H

#include "core/comm.h"

typedef struct tn_cart {
    int ndims;
    int *dims, *periods; /* ndims each */
} tn_cart_t;

typedef struct tn_graph {
    int nnodes, nedges;
    int *index, *edges; /* as given to MPI_Graph_create */
} tn_graph_t;

typedef struct tn_dist_graph {
    int indegree, outdegree;
    int weighted;                /* weights were given (not MPI_UNWEIGHTED) */
    int *sources, *sweights;     /* indegree each */
    int *dests, *dweights;       /* outdegree each */
} tn_dist_graph_t;

/* Copies src's topology onto dst (MPI_Comm_dup). */
int tn_topo_dup(const tn_comm_t *src, tn_comm_t *dst);
/* Frees c's topology (when the communicator goes). */
void tn_topo_free(tn_comm_t *c);

/* Cartesian helpers on a communicator that has the topology. */
/* Coordinates of rank r (ndims values). */
void tn_cart_coords(const tn_cart_t *t, int r, int coords[]);
/* Rank of coords, wrapping periodic dimensions; MPI_PROC_NULL when a
 * non-periodic coordinate is out of range. */
int tn_cart_rank(const tn_cart_t *t, const int coords[]);

/* The neighbourhood of this process for neighbourhood collectives (MPI 4.1
 * §8.6): *sources (indegree) and *dests (outdegree) in the standard's order,
 * MPI_PROC_NULL entries included for Cartesian borders; one malloc'ed block
 * at *sources, free(*sources) releases both. MPI_ERR_TOPOLOGY without a topology. */
int tn_topo_neighbors(const char *fname, const tn_comm_t *c, int *indegree, int **sources,
                      int *outdegree, int **dests);

/* MPI_Dims_create: fills the zero entries of dims[ndims] with a balanced
 * factorization of nnodes. */
int tn_dims_create(const char *fname, int nnodes, int ndims, int dims[]);

/* Constructors: collective over old (an intracommunicator); ranks beyond the
 * topology's size (or reorder-dropped) get *out = NULL. */
int tn_cart_create(const char *fname, tn_comm_t *old, int ndims, const int dims[],
                   const int periods[], int reorder, tn_comm_t **out);
int tn_cart_sub(const char *fname, tn_comm_t *c, const int remain_dims[], tn_comm_t **out);
int tn_graph_create(const char *fname, tn_comm_t *old, int nnodes, const int index[],
                    const int edges[], int reorder, tn_comm_t **out);
int tn_dist_graph_create_adjacent(const char *fname, tn_comm_t *old, int indegree,
                                  const int sources[], const int sourceweights[], int outdegree,
                                  const int dests[], const int destweights[], int reorder,
                                  tn_comm_t **out);
int tn_dist_graph_create(const char *fname, tn_comm_t *old, int n, const int sources[],
                         const int degrees[], const int dests[], const int weights[],
                         int reorder, tn_comm_t **out);

#endif
