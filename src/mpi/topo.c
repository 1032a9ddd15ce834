/* MPI 4.1 §8: process topologies. */
#include <stddef.h>
#include "mpi/api.h"
#include "mpi/args.h"
#include "mpi/check.h"
#include "core/topo.h"

static const char *topo_name(int kind)
{
    return kind == MPI_CART ? "Cartesian" : kind == MPI_GRAPH ? "graph" : "distributed graph";
}

/* comm is valid and has a topology of kind; *data is it. */
static int with_topo(const char *fname, MPI_Comm comm, int kind, tn_comm_t **c, void **data)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, c);
    if (!rc && (*c)->topo != kind)
        rc = tn_err_set(MPI_ERR_TOPOLOGY, "%s: the communicator has no %s topology", fname,
                        topo_name(kind));
    if (!rc)
        *data = (*c)->topo_data;
    return rc;
}

/* comm is a valid intracommunicator (for the constructors). */
static int intra(const char *fname, MPI_Comm comm, tn_comm_t **c, const void *out)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, c);
    if (!rc && (*c)->remote_group)
        rc = tn_err_set(MPI_ERR_COMM, "%s: topologies need an intracommunicator", fname);
    if (!rc && !out)
        rc = tn_err_set(MPI_ERR_ARG, "%s: the output argument is NULL", fname);
    return rc;
}

TN_API(Cart_create)
int PMPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[],
                     int reorder, MPI_Comm *comm_cart)
{
    const char *fname = "MPI_Cart_create";
    tn_comm_t *c, *n;
    int rc = intra(fname, comm_old, &c, comm_cart);
    if (!rc)
        rc = tn_cart_create(fname, c, ndims, dims, periods, reorder, &n);
    if (rc)
        return tn_err_raise_comm(comm_old, rc);
    *comm_cart = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

TN_API(Cart_sub)
int PMPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm *newcomm)
{
    const char *fname = "MPI_Cart_sub";
    tn_comm_t *c, *n;
    void *t;
    int rc = with_topo(fname, comm, MPI_CART, &c, &t);
    if (!rc)
        rc = tn_mpi_need(fname, "newcomm", newcomm);
    if (!rc)
        rc = tn_cart_sub(fname, c, remain_dims, &n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newcomm = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

TN_API(Cartdim_get)
int PMPI_Cartdim_get(MPI_Comm comm, int *ndims)
{
    const char *fname = "MPI_Cartdim_get";
    tn_comm_t *c;
    void *t;
    int rc = with_topo(fname, comm, MPI_CART, &c, &t);
    if (!rc)
        rc = tn_mpi_need(fname, "ndims", ndims);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *ndims = ((tn_cart_t *)t)->ndims;
    return MPI_SUCCESS;
}

static int check_maxdims(const char *fname, int maxdims, const tn_cart_t *t)
{
    if (maxdims >= t->ndims)
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_ARG, "%s: maxdims = %d is less than the topology's %d dimensions",
                      fname, maxdims, t->ndims);
}

TN_API(Cart_get)
int PMPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[])
{
    const char *fname = "MPI_Cart_get";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_CART, &c, &p);
    tn_cart_t *t = p;
    if (!rc)
        rc = check_maxdims(fname, maxdims, t);
    if (!rc && t->ndims > 0 && (!dims || !periods || !coords))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname,
                        !dims ? "dims" : !periods ? "periods" : "coords");
    if (rc)
        return tn_err_raise_comm(comm, rc);
    for (int i = 0; i < t->ndims; i++) {
        dims[i] = t->dims[i];
        periods[i] = t->periods[i];
    }
    tn_cart_coords(t, c->rank, coords);
    return MPI_SUCCESS;
}

TN_API(Cart_rank)
int PMPI_Cart_rank(MPI_Comm comm, const int coords[], int *rank)
{
    const char *fname = "MPI_Cart_rank";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_CART, &c, &p);
    tn_cart_t *t = p;
    if (!rc)
        rc = tn_mpi_need(fname, "rank", rank);
    if (!rc && t->ndims > 0)
        rc = tn_mpi_need(fname, "coords", coords);
    for (int i = 0; !rc && i < t->ndims; i++)
        if (!t->periods[i] && (coords[i] < 0 || coords[i] >= t->dims[i]))
            rc = tn_err_set(MPI_ERR_ARG,
                            "%s: coords[%d] = %d is outside the non-periodic dimension of size "
                            "%d",
                            fname, i, coords[i], t->dims[i]);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *rank = tn_cart_rank(t, coords);
    return MPI_SUCCESS;
}

TN_API(Cart_coords)
int PMPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[])
{
    const char *fname = "MPI_Cart_coords";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_CART, &c, &p);
    tn_cart_t *t = p;
    if (!rc)
        rc = tn_check_rank(fname, "rank", rank, c, 0);
    if (!rc)
        rc = check_maxdims(fname, maxdims, t);
    if (!rc && t->ndims > 0)
        rc = tn_mpi_need(fname, "coords", coords);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    tn_cart_coords(t, rank, coords);
    return MPI_SUCCESS;
}

TN_API(Cart_shift)
int PMPI_Cart_shift(MPI_Comm comm, int direction, int disp, int *rank_source, int *rank_dest)
{
    const char *fname = "MPI_Cart_shift";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_CART, &c, &p);
    tn_cart_t *t = p;
    if (!rc && (direction < 0 || direction >= t->ndims))
        rc = tn_err_set(MPI_ERR_ARG,
                        "%s: direction = %d; the topology has dimensions 0..%d", fname,
                        direction, t->ndims - 1);
    if (!rc && (!rank_source || !rank_dest))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname,
                        rank_source ? "rank_dest" : "rank_source");
    if (rc)
        return tn_err_raise_comm(comm, rc);
    int coords[t->ndims];
    tn_cart_coords(t, c->rank, coords);
    int mine = coords[direction];
    /* Shifts beyond a periodic dimension wrap; tn_cart_rank reduces them. */
    coords[direction] = (int)((long long)mine + disp);
    *rank_dest = tn_cart_rank(t, coords);
    coords[direction] = (int)((long long)mine - disp);
    *rank_source = tn_cart_rank(t, coords);
    return MPI_SUCCESS;
}

TN_API(Cart_map)
int PMPI_Cart_map(MPI_Comm comm, int ndims, const int dims[], const int periods[], int *newrank)
{
    const char *fname = "MPI_Cart_map";
    tn_comm_t *c;
    long long n = 1;
    int rc = intra(fname, comm, &c, newrank);
    (void)periods;
    if (!rc && ndims < 0)
        rc = tn_err_set(MPI_ERR_DIMS, "%s: ndims = %d is negative", fname, ndims);
    if (!rc && ndims > 0)
        rc = tn_mpi_need(fname, "dims", dims);
    for (int i = 0; !rc && i < ndims; i++) {
        if (dims[i] <= 0)
            rc = tn_err_set(MPI_ERR_DIMS, "%s: dims[%d] = %d; every dimension must be positive",
                            fname, i, dims[i]);
        else if ((n *= dims[i]) > c->size)
            rc = tn_err_set(MPI_ERR_TOPOLOGY,
                            "%s: the grid has more processes than the communicator's %d", fname,
                            c->size);
    }
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newrank = c->rank < n ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

TN_API(Dims_create)
int PMPI_Dims_create(int nnodes, int ndims, int dims[])
{
    const char *fname = "MPI_Dims_create";
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_dims_create(fname, nnodes, ndims, dims);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Graph_create)
int PMPI_Graph_create(MPI_Comm comm_old, int nnodes, const int index[], const int edges[],
                      int reorder, MPI_Comm *comm_graph)
{
    const char *fname = "MPI_Graph_create";
    tn_comm_t *c, *n;
    int rc = intra(fname, comm_old, &c, comm_graph);
    if (!rc)
        rc = tn_graph_create(fname, c, nnodes, index, edges, reorder, &n);
    if (rc)
        return tn_err_raise_comm(comm_old, rc);
    *comm_graph = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

TN_API(Graph_map)
int PMPI_Graph_map(MPI_Comm comm, int nnodes, const int index[], const int edges[],
                   int *newrank)
{
    const char *fname = "MPI_Graph_map";
    tn_comm_t *c;
    int rc = intra(fname, comm, &c, newrank);
    (void)index, (void)edges;
    if (!rc && (nnodes < 0 || nnodes > c->size))
        rc = tn_err_set(MPI_ERR_ARG,
                        "%s: nnodes = %d; it must be between 0 and the communicator size %d",
                        fname, nnodes, c->size);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newrank = c->rank < nnodes ? c->rank : MPI_UNDEFINED;
    return MPI_SUCCESS;
}

TN_API(Graphdims_get)
int PMPI_Graphdims_get(MPI_Comm comm, int *nnodes, int *nedges)
{
    const char *fname = "MPI_Graphdims_get";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_GRAPH, &c, &p);
    if (!rc && (!nnodes || !nedges))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, nnodes ? "nedges" : "nnodes");
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *nnodes = ((tn_graph_t *)p)->nnodes;
    *nedges = ((tn_graph_t *)p)->nedges;
    return MPI_SUCCESS;
}

TN_API(Graph_get)
int PMPI_Graph_get(MPI_Comm comm, int maxindex, int maxedges, int index[], int edges[])
{
    const char *fname = "MPI_Graph_get";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_GRAPH, &c, &p);
    tn_graph_t *t = p;
    if (!rc && (maxindex < 0 || maxedges < 0))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s = %d is negative", fname,
                        maxindex < 0 ? "maxindex" : "maxedges",
                        maxindex < 0 ? maxindex : maxedges);
    if (!rc && ((maxindex > 0 && !index) || (maxedges > 0 && !edges)))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, index ? "edges" : "index");
    if (rc)
        return tn_err_raise_comm(comm, rc);
    for (int i = 0; i < maxindex && i < t->nnodes; i++)
        index[i] = t->index[i];
    for (int i = 0; i < maxedges && i < t->nedges; i++)
        edges[i] = t->edges[i];
    return MPI_SUCCESS;
}

/* rank's neighbours in a graph topology: edges[*first .. *first + *count). */
static int graph_rank(const char *fname, MPI_Comm comm, int rank, tn_graph_t **t, int *first,
                      int *count)
{
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_GRAPH, &c, &p);
    if (rc)
        return rc;
    *t = p;
    if (rank < 0 || rank >= (*t)->nnodes)
        return tn_err_set(MPI_ERR_RANK, "%s: rank %d is not a node of a graph with %d nodes",
                          fname, rank, (*t)->nnodes);
    *first = rank ? (*t)->index[rank - 1] : 0;
    *count = (*t)->index[rank] - *first;
    return MPI_SUCCESS;
}

TN_API(Graph_neighbors_count)
int PMPI_Graph_neighbors_count(MPI_Comm comm, int rank, int *nneighbors)
{
    const char *fname = "MPI_Graph_neighbors_count";
    tn_graph_t *t = NULL;
    int first = 0, count = 0;
    int rc = graph_rank(fname, comm, rank, &t, &first, &count);
    if (!rc)
        rc = tn_mpi_need(fname, "nneighbors", nneighbors);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *nneighbors = count;
    return MPI_SUCCESS;
}

TN_API(Graph_neighbors)
int PMPI_Graph_neighbors(MPI_Comm comm, int rank, int maxneighbors, int neighbors[])
{
    const char *fname = "MPI_Graph_neighbors";
    tn_graph_t *t = NULL;
    int first = 0, count = 0;
    int rc = graph_rank(fname, comm, rank, &t, &first, &count);
    if (!rc && maxneighbors < 0)
        rc = tn_err_set(MPI_ERR_ARG, "%s: maxneighbors = %d is negative", fname, maxneighbors);
    if (!rc && maxneighbors > 0)
        rc = tn_mpi_need(fname, "neighbors", neighbors);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    for (int i = 0; i < count && i < maxneighbors; i++)
        neighbors[i] = t->edges[first + i];
    return MPI_SUCCESS;
}

TN_API(Topo_test)
int PMPI_Topo_test(MPI_Comm comm, int *status)
{
    const char *fname = "MPI_Topo_test";
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc)
        rc = tn_mpi_need(fname, "status", status);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *status = c->topo;
    return MPI_SUCCESS;
}

TN_API(Dist_graph_create_adjacent)
int PMPI_Dist_graph_create_adjacent(MPI_Comm comm_old, int indegree, const int sources[],
                                    const int sourceweights[], int outdegree,
                                    const int destinations[], const int destweights[],
                                    MPI_Info info, int reorder, MPI_Comm *comm_dist_graph)
{
    const char *fname = "MPI_Dist_graph_create_adjacent";
    tn_comm_t *c, *n;
    (void)info;
    int rc = intra(fname, comm_old, &c, comm_dist_graph);
    if (!rc)
        rc = tn_dist_graph_create_adjacent(fname, c, indegree, sources, sourceweights, outdegree,
                                           destinations, destweights, reorder, &n);
    if (rc)
        return tn_err_raise_comm(comm_old, rc);
    *comm_dist_graph = n->handle;
    return MPI_SUCCESS;
}

TN_API(Dist_graph_create)
int PMPI_Dist_graph_create(MPI_Comm comm_old, int n, const int sources[], const int degrees[],
                           const int destinations[], const int weights[], MPI_Info info,
                           int reorder, MPI_Comm *comm_dist_graph)
{
    const char *fname = "MPI_Dist_graph_create";
    tn_comm_t *c, *nc;
    (void)info;
    int rc = intra(fname, comm_old, &c, comm_dist_graph);
    if (!rc)
        rc = tn_dist_graph_create(fname, c, n, sources, degrees, destinations, weights, reorder,
                                  &nc);
    if (rc)
        return tn_err_raise_comm(comm_old, rc);
    *comm_dist_graph = nc->handle;
    return MPI_SUCCESS;
}

TN_API(Dist_graph_neighbors_count)
int PMPI_Dist_graph_neighbors_count(MPI_Comm comm, int *indegree, int *outdegree, int *weighted)
{
    const char *fname = "MPI_Dist_graph_neighbors_count";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_DIST_GRAPH, &c, &p);
    if (!rc && (!indegree || !outdegree || !weighted))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname,
                        !indegree ? "indegree" : !outdegree ? "outdegree" : "weighted");
    if (rc)
        return tn_err_raise_comm(comm, rc);
    const tn_dist_graph_t *t = p;
    *indegree = t->indegree;
    *outdegree = t->outdegree;
    *weighted = t->weighted;
    return MPI_SUCCESS;
}

TN_API(Dist_graph_neighbors)
int PMPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int sources[], int sourceweights[],
                              int maxoutdegree, int destinations[], int destweights[])
{
    const char *fname = "MPI_Dist_graph_neighbors";
    tn_comm_t *c;
    void *p;
    int rc = with_topo(fname, comm, MPI_DIST_GRAPH, &c, &p);
    const tn_dist_graph_t *t = p;
    if (!rc && (maxindegree < t->indegree || maxoutdegree < t->outdegree))
        rc = tn_err_set(MPI_ERR_ARG,
                        "%s: maxindegree = %d, maxoutdegree = %d; the degrees are %d and %d",
                        fname, maxindegree, maxoutdegree, t->indegree, t->outdegree);
    if (!rc && ((t->indegree && !sources) || (t->outdegree && !destinations)))
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname,
                        sources ? "destinations" : "sources");
    if (rc)
        return tn_err_raise_comm(comm, rc);
    int sw = t->weighted && sourceweights && sourceweights != MPI_UNWEIGHTED;
    int dw = t->weighted && destweights && destweights != MPI_UNWEIGHTED;
    for (int i = 0; i < t->indegree; i++) {
        sources[i] = t->sources[i];
        if (sw)
            sourceweights[i] = t->sweights[i];
    }
    for (int i = 0; i < t->outdegree; i++) {
        destinations[i] = t->dests[i];
        if (dw)
            destweights[i] = t->dweights[i];
    }
    return MPI_SUCCESS;
}
