/* Process topologies (MPI 4.1 §8). Ranks are never reordered: the process
 * of rank r in the old communicator has rank r in the new one. Each topology
 * is one allocation: the struct followed by its arrays. */
#include <stdlib.h>
#include <string.h>
#include "coll/coll.h"
#include "core/error.h"
#include "core/topo.h"

static tn_cart_t *cart_alloc(int ndims)
{
    tn_cart_t *t = malloc(sizeof *t + 2 * (size_t)ndims * sizeof(int));
    if (!t)
        return NULL;
    t->ndims = ndims;
    t->dims = (int *)(t + 1);
    t->periods = t->dims + ndims;
    return t;
}

static tn_graph_t *graph_alloc(int nnodes, int nedges)
{
    tn_graph_t *t = malloc(sizeof *t + ((size_t)nnodes + (size_t)nedges) * sizeof(int));
    if (!t)
        return NULL;
    t->nnodes = nnodes;
    t->nedges = nedges;
    t->index = (int *)(t + 1);
    t->edges = t->index + nnodes;
    return t;
}

static tn_dist_graph_t *dist_alloc(int indegree, int outdegree, int weighted)
{
    size_t n = 2 * ((size_t)indegree + (size_t)outdegree);
    tn_dist_graph_t *t = malloc(sizeof *t + n * sizeof(int));
    if (!t)
        return NULL;
    *t = (tn_dist_graph_t){.indegree = indegree, .outdegree = outdegree, .weighted = weighted};
    t->sources = (int *)(t + 1);
    t->sweights = t->sources + indegree;
    t->dests = t->sweights + indegree;
    t->dweights = t->dests + outdegree;
    return t;
}

int tn_topo_dup(const tn_comm_t *src, tn_comm_t *dst)
{
    void *copy = NULL;
    if (src->topo == MPI_CART) {
        const tn_cart_t *s = src->topo_data;
        tn_cart_t *t = cart_alloc(s->ndims);
        if (t) {
            memcpy(t->dims, s->dims, 2 * (size_t)s->ndims * sizeof(int));
            copy = t;
        }
    } else if (src->topo == MPI_GRAPH) {
        const tn_graph_t *s = src->topo_data;
        tn_graph_t *t = graph_alloc(s->nnodes, s->nedges);
        if (t) {
            memcpy(t->index, s->index, ((size_t)s->nnodes + (size_t)s->nedges) * sizeof(int));
            copy = t;
        }
    } else if (src->topo == MPI_DIST_GRAPH) {
        const tn_dist_graph_t *s = src->topo_data;
        tn_dist_graph_t *t = dist_alloc(s->indegree, s->outdegree, s->weighted);
        if (t) {
            memcpy(t->sources, s->sources,
                   2 * ((size_t)s->indegree + (size_t)s->outdegree) * sizeof(int));
            copy = t;
        }
    } else {
        return MPI_SUCCESS;
    }
    if (!copy)
        return TN_ERR_SETMEM("MPI_Comm_dup (topology)");
    dst->topo = src->topo;
    dst->topo_data = copy;
    return MPI_SUCCESS;
}

void tn_topo_free(tn_comm_t *c)
{
    free(c->topo_data);
    c->topo_data = NULL;
    c->topo = MPI_UNDEFINED;
}

void tn_cart_coords(const tn_cart_t *t, int r, int coords[])
{
    for (int i = t->ndims - 1; i >= 0; i--) {
        coords[i] = r % t->dims[i];
        r /= t->dims[i];
    }
}

int tn_cart_rank(const tn_cart_t *t, const int coords[])
{
    int r = 0;
    for (int i = 0; i < t->ndims; i++) {
        int c = coords[i], d = t->dims[i];
        if (t->periods[i])
            c = ((c % d) + d) % d;
        else if (c < 0 || c >= d)
            return MPI_PROC_NULL;
        r = r * d + c;
    }
    return r;
}

int tn_topo_neighbors(const char *fname, const tn_comm_t *c, int *indegree, int **sources,
                      int *outdegree, int **dests)
{
    int in, out, *buf;
    if (c->topo == MPI_CART) {
        const tn_cart_t *t = c->topo_data;
        in = out = 2 * t->ndims;
        if (!(buf = malloc(((size_t)in + (size_t)out + 1) * sizeof *buf)))
            return TN_ERR_SETMEM(fname);
        int coords[t->ndims > 0 ? t->ndims : 1];
        for (int i = 0; i < t->ndims; i++) {
            tn_cart_coords(t, c->rank, coords);
            coords[i]--;
            buf[2 * i] = tn_cart_rank(t, coords);
            coords[i] += 2;
            buf[2 * i + 1] = tn_cart_rank(t, coords);
        }
        memcpy(buf + in, buf, (size_t)in * sizeof *buf);
    } else if (c->topo == MPI_GRAPH) {
        const tn_graph_t *t = c->topo_data;
        int first = c->rank ? t->index[c->rank - 1] : 0;
        in = out = t->index[c->rank] - first;
        if (!(buf = malloc(((size_t)in + (size_t)out + 1) * sizeof *buf)))
            return TN_ERR_SETMEM(fname);
        memcpy(buf, t->edges + first, (size_t)in * sizeof *buf);
        memcpy(buf + in, t->edges + first, (size_t)in * sizeof *buf);
    } else if (c->topo == MPI_DIST_GRAPH) {
        const tn_dist_graph_t *t = c->topo_data;
        in = t->indegree;
        out = t->outdegree;
        if (!(buf = malloc(((size_t)in + (size_t)out + 1) * sizeof *buf)))
            return TN_ERR_SETMEM(fname);
        memcpy(buf, t->sources, (size_t)in * sizeof *buf);
        memcpy(buf + in, t->dests, (size_t)out * sizeof *buf);
    } else {
        return tn_err_set(MPI_ERR_TOPOLOGY, "%s: the communicator has no process topology",
                          fname);
    }
    *indegree = in;
    *outdegree = out;
    *sources = buf;
    *dests = buf + in;
    return MPI_SUCCESS;
}

/* The communicator of old's ranks 0..n-1 (NULL on the others). */
static int first_ranks(tn_comm_t *old, int n, tn_comm_t **out)
{
    tn_group_t *g = NULL;
    int rc = old->rank < n ? tn_group_create(old->group->world_ranks, n, &g) : MPI_SUCCESS;
    /* Join the agreement even after a local failure, so no one waits for us. */
    int rc2 = tn_comm_create_from(old, rc ? NULL : g, out);
    tn_group_release(g);
    return rc ? rc : rc2;
}

/* Hangs topology data on c, or frees it when c is NULL (not a member). */
static void attach(tn_comm_t *c, int kind, void *data)
{
    if (!c) {
        free(data);
        return;
    }
    c->topo = kind;
    c->topo_data = data;
}

int tn_cart_create(const char *fname, tn_comm_t *old, int ndims, const int dims[],
                   const int periods[], int reorder, tn_comm_t **out)
{
    (void)reorder;
    long long n = 1;
    if (ndims < 0)
        return tn_err_set(MPI_ERR_DIMS, "%s: ndims = %d is negative", fname, ndims);
    if (ndims > 0 && (!dims || !periods))
        return tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, dims ? "periods" : "dims");
    for (int i = 0; i < ndims; i++) {
        if (dims[i] <= 0)
            return tn_err_set(MPI_ERR_DIMS, "%s: dims[%d] = %d; every dimension must be positive",
                              fname, i, dims[i]);
        if ((n *= dims[i]) > old->size)
            break;
    }
    if (n > old->size)
        return tn_err_set(MPI_ERR_TOPOLOGY,
                          "%s: the grid has more processes than the communicator's %d", fname,
                          old->size);
    tn_cart_t *t = cart_alloc(ndims);
    if (!t)
        return TN_ERR_SETMEM(fname);
    for (int i = 0; i < ndims; i++) {
        t->dims[i] = dims[i];
        t->periods[i] = !!periods[i];
    }
    tn_comm_t *c;
    int rc = first_ranks(old, (int)n, &c);
    if (rc) {
        free(t);
        return rc;
    }
    attach(c, MPI_CART, t);
    *out = c;
    return MPI_SUCCESS;
}

int tn_cart_sub(const char *fname, tn_comm_t *c, const int remain_dims[], tn_comm_t **out)
{
    const tn_cart_t *t = c->topo_data;
    int coords[t->ndims > 0 ? t->ndims : 1], color = 0, key = 0, nd = 0;
    if (t->ndims > 0 && !remain_dims)
        return tn_err_set(MPI_ERR_ARG, "%s: remain_dims is NULL", fname);
    tn_cart_coords(t, c->rank, coords);
    for (int i = 0; i < t->ndims; i++) {
        if (remain_dims[i]) {
            key = key * t->dims[i] + coords[i];
            nd++;
        } else {
            color = color * t->dims[i] + coords[i];
        }
    }
    tn_cart_t *s = cart_alloc(nd);
    if (!s)
        return TN_ERR_SETMEM(fname);
    for (int i = 0, j = 0; i < t->ndims; i++)
        if (remain_dims[i]) {
            s->dims[j] = t->dims[i];
            s->periods[j++] = t->periods[i];
        }
    tn_comm_t *n;
    int rc = tn_comm_split(c, color, key, &n);
    if (rc) {
        free(s);
        return rc;
    }
    attach(n, MPI_CART, s);
    *out = n;
    return MPI_SUCCESS;
}

/* Search state for tn_dims_create: factors in non-increasing order. */
struct dims_search {
    int k;
    int *cur, *best;
    int best_spread;
};

static void dims_search(struct dims_search *s, int i, int rest, int max)
{
    if (i == s->k - 1) {
        if (rest > max)
            return;
        s->cur[i] = rest;
        int spread = s->cur[0] - rest;
        if (spread < s->best_spread) {
            s->best_spread = spread;
            memcpy(s->best, s->cur, (size_t)s->k * sizeof(int));
        }
        return;
    }
    /* cur[i] >= every later factor, so cur[i]^(k-i) >= rest. */
    for (int d = max < rest ? max : rest; d >= 1; d--) {
        if (rest % d)
            continue;
        long long p = 1;
        for (int j = i; j < s->k && p < rest; j++)
            p *= d;
        if (p < rest)
            break;
        /* The last factor is <= d, so the spread is at least cur[0] - d. */
        if (i > 0 && s->cur[0] - d >= s->best_spread)
            break;
        s->cur[i] = d;
        dims_search(s, i + 1, rest / d, d);
    }
}

int tn_dims_create(const char *fname, int nnodes, int ndims, int dims[])
{
    if (nnodes <= 0)
        return tn_err_set(MPI_ERR_ARG, "%s: nnodes = %d; it must be positive", fname, nnodes);
    if (ndims < 0)
        return tn_err_set(MPI_ERR_DIMS, "%s: ndims = %d is negative", fname, ndims);
    if (ndims > 0 && !dims)
        return tn_err_set(MPI_ERR_ARG, "%s: dims is NULL", fname);
    int fixed = 1, k = 0;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] < 0)
            return tn_err_set(MPI_ERR_DIMS, "%s: dims[%d] = %d is negative", fname, i, dims[i]);
        if (dims[i] == 0)
            k++;
        else if (nnodes % dims[i] || nnodes / dims[i] % fixed)
            return tn_err_set(MPI_ERR_DIMS,
                              "%s: the given dimensions (dims[%d] = %d and those before) do not "
                              "divide nnodes = %d",
                              fname, i, dims[i], nnodes);
        else
            fixed *= dims[i];
    }
    int rest = nnodes / fixed;
    if (k == 0) {
        if (rest != 1)
            return tn_err_set(MPI_ERR_DIMS,
                              "%s: every dimension is given and their product %d is not nnodes "
                              "= %d",
                              fname, fixed, nnodes);
        return MPI_SUCCESS;
    }
    int cur[k], best[k];
    struct dims_search s = {.k = k, .cur = cur, .best = best, .best_spread = rest};
    best[0] = rest;
    for (int i = 1; i < k; i++)
        best[i] = 1;
    dims_search(&s, 0, rest, rest);
    for (int i = 0, j = 0; i < ndims; i++)
        if (dims[i] == 0)
            dims[i] = best[j++];
    return MPI_SUCCESS;
}

int tn_graph_create(const char *fname, tn_comm_t *old, int nnodes, const int index[],
                    const int edges[], int reorder, tn_comm_t **out)
{
    (void)reorder;
    if (nnodes < 0 || nnodes > old->size)
        return tn_err_set(MPI_ERR_ARG,
                          "%s: nnodes = %d; it must be between 0 and the communicator size %d",
                          fname, nnodes, old->size);
    if (nnodes > 0 && (!index || !edges))
        return tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, index ? "edges" : "index");
    for (int i = 0; i < nnodes; i++)
        if (index[i] < (i ? index[i - 1] : 0))
            return tn_err_set(MPI_ERR_ARG,
                              "%s: index[%d] = %d; index must be non-decreasing from 0", fname,
                              i, index[i]);
    int nedges = nnodes ? index[nnodes - 1] : 0;
    for (int i = 0; i < nedges; i++)
        if (edges[i] < 0 || edges[i] >= nnodes)
            return tn_err_set(MPI_ERR_RANK,
                              "%s: edges[%d] = %d is not a node of a graph with %d nodes", fname,
                              i, edges[i], nnodes);
    tn_graph_t *t = graph_alloc(nnodes, nedges);
    if (!t)
        return TN_ERR_SETMEM(fname);
    if (nnodes)
        memcpy(t->index, index, (size_t)nnodes * sizeof(int));
    if (nedges)
        memcpy(t->edges, edges, (size_t)nedges * sizeof(int));
    tn_comm_t *c;
    int rc = first_ranks(old, nnodes, &c);
    if (rc) {
        free(t);
        return rc;
    }
    attach(c, MPI_GRAPH, t);
    *out = c;
    return MPI_SUCCESS;
}

/* Checks n ranks of a neighbour list (argname) against the communicator size. */
static int check_neighbors(const char *fname, const char *argname, int n, const int r[], int size)
{
    if (n < 0)
        return tn_err_set(MPI_ERR_ARG, "%s: the degree for %s is %d, negative", fname, argname, n);
    if (n > 0 && !r)
        return tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, argname);
    for (int i = 0; i < n; i++)
        if (r[i] < 0 || r[i] >= size)
            return tn_err_set(MPI_ERR_RANK,
                              "%s: %s[%d] = %d is out of range for a communicator of size %d",
                              fname, argname, i, r[i], size);
    return MPI_SUCCESS;
}

static int is_weighted(const int *w)
{
    return w != MPI_UNWEIGHTED;
}

/* The new communicator (same ranks as old) carrying t. */
static int dist_finish(tn_comm_t *old, tn_dist_graph_t *t, tn_comm_t **out)
{
    tn_comm_t *c;
    int rc = tn_comm_create_from(old, old->group, &c);
    if (rc) {
        free(t);
        return rc;
    }
    attach(c, MPI_DIST_GRAPH, t);
    *out = c;
    return MPI_SUCCESS;
}

int tn_dist_graph_create_adjacent(const char *fname, tn_comm_t *old, int indegree,
                                  const int sources[], const int sourceweights[], int outdegree,
                                  const int dests[], const int destweights[], int reorder,
                                  tn_comm_t **out)
{
    (void)reorder;
    int rc = check_neighbors(fname, "sources", indegree, sources, old->size);
    if (!rc)
        rc = check_neighbors(fname, "destinations", outdegree, dests, old->size);
    if (rc)
        return rc;
    int weighted = is_weighted(sourceweights) && is_weighted(destweights);
    if (weighted && ((indegree > 0 && (!sourceweights || sourceweights == MPI_WEIGHTS_EMPTY)) ||
                     (outdegree > 0 && (!destweights || destweights == MPI_WEIGHTS_EMPTY))))
        return tn_err_set(MPI_ERR_ARG, "%s: %s is missing although the degree is positive",
                          fname, indegree > 0 && (!sourceweights ||
                                                  sourceweights == MPI_WEIGHTS_EMPTY)
                                     ? "sourceweights"
                                     : "destweights");
    tn_dist_graph_t *t = dist_alloc(indegree, outdegree, weighted);
    if (!t)
        return TN_ERR_SETMEM(fname);
    for (int i = 0; i < indegree; i++) {
        t->sources[i] = sources[i];
        t->sweights[i] = weighted ? sourceweights[i] : 1;
    }
    for (int i = 0; i < outdegree; i++) {
        t->dests[i] = dests[i];
        t->dweights[i] = weighted ? destweights[i] : 1;
    }
    return dist_finish(old, t, out);
}

/* An edge record sent to one of its ends: {1 = out-edge / 0 = in-edge, other end, weight}. */
#define TN_EDGE_INTS 3

int tn_dist_graph_create(const char *fname, tn_comm_t *old, int n, const int sources[],
                         const int degrees[], const int dests[], const int weights[],
                         int reorder, tn_comm_t **out)
{
    (void)reorder;
    int size = old->size, rc = check_neighbors(fname, "sources", n, sources, size), nedges = 0;
    if (rc)
        return rc;
    if (n > 0 && !degrees)
        return tn_err_set(MPI_ERR_ARG, "%s: degrees is NULL", fname);
    for (int i = 0; i < n; i++) {
        if (degrees[i] < 0)
            return tn_err_set(MPI_ERR_ARG, "%s: degrees[%d] = %d is negative", fname, i,
                              degrees[i]);
        nedges += degrees[i];
    }
    if ((rc = check_neighbors(fname, "destinations", nedges, dests, size)))
        return rc;
    int weighted = is_weighted(weights);
    if (weighted && nedges > 0 && (!weights || weights == MPI_WEIGHTS_EMPTY))
        return tn_err_set(MPI_ERR_ARG, "%s: weights is missing although there are edges", fname);

    MPI_Aint *scount = calloc(4 * (size_t)size, sizeof *scount);
    int *sbuf = malloc((2 * (size_t)nedges * TN_EDGE_INTS + 1) * sizeof *sbuf), *rbuf = NULL;
    tn_dist_graph_t *t = NULL;
    if (!scount || !sbuf) {
        rc = TN_ERR_SETMEM(fname);
        goto out;
    }
    MPI_Aint *sdispl = scount + size, *rcount = sdispl + size, *rdispl = rcount + size;
    for (int i = 0, e = 0; i < n; i++)
        for (int j = 0; j < degrees[i]; j++, e++) {
            scount[sources[i]] += TN_EDGE_INTS;
            scount[dests[e]] += TN_EDGE_INTS;
        }
    for (int p = 1; p < size; p++)
        sdispl[p] = sdispl[p - 1] + scount[p - 1];
    /* Fill by advancing a cursor per target, then restore the displacements. */
    for (int i = 0, e = 0; i < n; i++)
        for (int j = 0; j < degrees[i]; j++, e++) {
            int w = weighted ? weights[e] : 1, *rec = sbuf + sdispl[sources[i]];
            rec[0] = 1, rec[1] = dests[e], rec[2] = w;
            sdispl[sources[i]] += TN_EDGE_INTS;
            rec = sbuf + sdispl[dests[e]];
            rec[0] = 0, rec[1] = sources[i], rec[2] = w;
            sdispl[dests[e]] += TN_EDGE_INTS;
        }
    for (int p = 0; p < size; p++)
        sdispl[p] -= scount[p];
    tn_datatype_t *aint = tn_datatype_get(MPI_AINT), *dint = tn_datatype_get(MPI_INT);
    if ((rc = tn_coll_alltoall(scount, 1, aint, rcount, 1, aint, old)))
        goto out;
    MPI_Aint total = 0;
    for (int p = 0; p < size; p++) {
        rdispl[p] = total;
        total += rcount[p];
    }
    if (!(rbuf = malloc(((size_t)total + 1) * sizeof *rbuf))) {
        rc = TN_ERR_SETMEM(fname);
        goto out;
    }
    if ((rc = tn_coll_alltoallv(sbuf, scount, sdispl, dint, rbuf, rcount, rdispl, dint, old)))
        goto out;
    int in = 0, outd = 0;
    for (MPI_Aint k = 0; k < total; k += TN_EDGE_INTS)
        rbuf[k] ? outd++ : in++;
    /* Whether any process gave weights is not known here; weights of 1 stand in. */
    if (!(t = dist_alloc(in, outd, weighted))) {
        rc = TN_ERR_SETMEM(fname);
        goto out;
    }
    in = outd = 0;
    for (MPI_Aint k = 0; k < total; k += TN_EDGE_INTS) {
        if (rbuf[k]) {
            t->dests[outd] = rbuf[k + 1];
            t->dweights[outd++] = rbuf[k + 2];
        } else {
            t->sources[in] = rbuf[k + 1];
            t->sweights[in++] = rbuf[k + 2];
        }
    }
    rc = dist_finish(old, t, out);
    t = NULL;
out:
    free(t);
    free(rbuf);
    free(sbuf);
    free(scount);
    return rc;
}
