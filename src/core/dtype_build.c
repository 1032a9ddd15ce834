/* Derived datatypes: argument checks, the blocks each constructor lays out,
 * and the layout (bounds, size, flattened segments) computed from them.
 *
 * Bounds follow MPICH: a block of n copies of t at d spans
 * [d + t.lb + min(0,(n-1)·ext), d + t.ub + max(0,(n-1)·ext)]; a type's lb/ub
 * are the min/max over its nonempty blocks, except that MPI_LB / MPI_UB
 * members of a struct set them explicitly. Only struct pads its upper bound
 * to the largest alignment of its members (as a C compiler would). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "core/datatype.h"
#include "core/error.h"

/* The k-th count-like argument: in ints for the classic constructors, in
 * counts for the large-count ones (same positions for these combiners). */
#define ARG(a, k) ((a)->n_counts ? (a)->counts[k] : (MPI_Count)(a)->ints[k])
/* An address-like argument: aints[ka] classic, counts[kc] large. */
#define ADDR(a, ka, kc) ((a)->n_counts ? (MPI_Aint)(a)->counts[kc] : (a)->aints[ka])

/* Subarray arguments (classic: ints = ndims, sizes, subsizes, starts, order;
 * large: ints = ndims, order and counts = sizes, subsizes, starts). */
#define SUB_NDIMS(a) ((a)->ints[0])
#define SUB_SIZE(a, d) ((a)->n_counts ? (a)->counts[d] : (MPI_Count)(a)->ints[1 + (d)])
#define SUB_SUBSIZE(a, d) \
    ((a)->n_counts ? (a)->counts[SUB_NDIMS(a) + (d)] : (MPI_Count)(a)->ints[1 + SUB_NDIMS(a) + (d)])
#define SUB_START(a, d)                                \
    ((a)->n_counts ? (a)->counts[2 * SUB_NDIMS(a) + (d)] \
                   : (MPI_Count)(a)->ints[1 + 2 * SUB_NDIMS(a) + (d)])
#define SUB_ORDER(a) ((a)->n_counts ? (a)->ints[1] : (a)->ints[1 + 3 * SUB_NDIMS(a)])

/* Darray arguments (classic: ints = size, rank, ndims, gsizes, distribs,
 * dargs, psizes, order; large: gsizes move to counts). */
#define DA_NDIMS(a) ((a)->ints[2])
#define DA_SHIFT(a) ((a)->n_counts ? 0 : DA_NDIMS(a))
#define DA_GSIZE(a, d) ((a)->n_counts ? (a)->counts[d] : (MPI_Count)(a)->ints[3 + (d)])
#define DA_DISTRIB(a, d) ((a)->ints[3 + DA_SHIFT(a) + (d)])
#define DA_DARG(a, d) ((a)->ints[3 + DA_SHIFT(a) + DA_NDIMS(a) + (d)])
#define DA_PSIZE(a, d) ((a)->ints[3 + DA_SHIFT(a) + 2 * DA_NDIMS(a) + (d)])
#define DA_ORDER(a) ((a)->ints[3 + DA_SHIFT(a) + 3 * DA_NDIMS(a)])

static tn_dtype_args_t view(const tn_datatype_t *dt)
{
    return (tn_dtype_args_t){.combiner = dt->combiner, .n_ints = dt->n_ints,
                             .n_aints = dt->n_aints, .n_types = dt->n_types,
                             .n_counts = dt->n_counts, .ints = dt->ints, .aints = dt->aints,
                             .counts = dt->counts, .types = dt->types};
}

/* ---- Argument checks ---- */

static int check_nonneg(const char *fname, const char *what, MPI_Count v)
{
    if (v < 0)
        return tn_err_set(MPI_ERR_COUNT, "%s: %s %lld is negative", fname, what, (long long)v);
    return MPI_SUCCESS;
}

static int check_blocklengths(const char *fname, const tn_dtype_args_t *a, MPI_Count n)
{
    for (MPI_Count i = 0; i < n; i++)
        if (ARG(a, 1 + i) < 0)
            return tn_err_set(MPI_ERR_COUNT, "%s: array_of_blocklengths[%lld] = %lld is negative",
                              fname, (long long)i, (long long)ARG(a, 1 + i));
    return MPI_SUCCESS;
}

static int check_order(const char *fname, int order)
{
    if (order != MPI_ORDER_C && order != MPI_ORDER_FORTRAN)
        return tn_err_set(MPI_ERR_ARG,
                          "%s: order %d is neither MPI_ORDER_C nor MPI_ORDER_FORTRAN", fname,
                          order);
    return MPI_SUCCESS;
}

static int check_subarray(const char *fname, const tn_dtype_args_t *a)
{
    int n = SUB_NDIMS(a);
    if (n < 1)
        return tn_err_set(MPI_ERR_ARG, "%s: ndims %d must be positive", fname, n);
    for (int d = 0; d < n; d++) {
        MPI_Count size = SUB_SIZE(a, d), sub = SUB_SUBSIZE(a, d), start = SUB_START(a, d);
        if (size < 1)
            return tn_err_set(MPI_ERR_ARG, "%s: array_of_sizes[%d] = %lld must be positive",
                              fname, d, (long long)size);
        if (sub < 1 || sub > size)
            return tn_err_set(MPI_ERR_ARG,
                              "%s: array_of_subsizes[%d] = %lld is not in 1..%lld", fname, d,
                              (long long)sub, (long long)size);
        if (start < 0 || start > size - sub)
            return tn_err_set(MPI_ERR_ARG, "%s: array_of_starts[%d] = %lld is not in 0..%lld",
                              fname, d, (long long)start, (long long)(size - sub));
    }
    return check_order(fname, SUB_ORDER(a));
}

static int check_darray(const char *fname, const tn_dtype_args_t *a)
{
    int size = a->ints[0], rank = a->ints[1], n = DA_NDIMS(a);
    if (size < 1)
        return tn_err_set(MPI_ERR_ARG, "%s: size %d must be positive", fname, size);
    if (rank < 0 || rank >= size)
        return tn_err_set(MPI_ERR_ARG, "%s: rank %d is not in 0..%d", fname, rank, size - 1);
    if (n < 1)
        return tn_err_set(MPI_ERR_ARG, "%s: ndims %d must be positive", fname, n);
    long long procs = 1;
    for (int d = 0; d < n; d++) {
        MPI_Count g = DA_GSIZE(a, d);
        int dist = DA_DISTRIB(a, d), darg = DA_DARG(a, d), p = DA_PSIZE(a, d);
        if (g < 1)
            return tn_err_set(MPI_ERR_ARG, "%s: array_of_gsizes[%d] = %lld must be positive",
                              fname, d, (long long)g);
        if (p < 1)
            return tn_err_set(MPI_ERR_ARG, "%s: array_of_psizes[%d] = %d must be positive",
                              fname, d, p);
        procs *= p;
        if (procs > size)
            break;
        if (dist != MPI_DISTRIBUTE_BLOCK && dist != MPI_DISTRIBUTE_CYCLIC &&
            dist != MPI_DISTRIBUTE_NONE)
            return tn_err_set(MPI_ERR_ARG,
                              "%s: array_of_distribs[%d] = %d is not MPI_DISTRIBUTE_BLOCK, "
                              "_CYCLIC or _NONE",
                              fname, d, dist);
        if (dist == MPI_DISTRIBUTE_NONE && p != 1)
            return tn_err_set(MPI_ERR_ARG,
                              "%s: dimension %d is MPI_DISTRIBUTE_NONE but array_of_psizes[%d] "
                              "= %d (must be 1)",
                              fname, d, d, p);
        if (dist != MPI_DISTRIBUTE_NONE && darg != MPI_DISTRIBUTE_DFLT_DARG && darg < 1)
            return tn_err_set(MPI_ERR_ARG,
                              "%s: array_of_dargs[%d] = %d must be positive or "
                              "MPI_DISTRIBUTE_DFLT_DARG",
                              fname, d, darg);
        if (dist == MPI_DISTRIBUTE_BLOCK && darg != MPI_DISTRIBUTE_DFLT_DARG &&
            (long long)darg * p < g)
            return tn_err_set(MPI_ERR_ARG,
                              "%s: block size array_of_dargs[%d] = %d times %d processes does "
                              "not cover array_of_gsizes[%d] = %lld",
                              fname, d, darg, p, d, (long long)g);
    }
    if (procs != size)
        return tn_err_set(MPI_ERR_ARG,
                          "%s: the product of array_of_psizes is not size %d", fname, size);
    return check_order(fname, DA_ORDER(a));
}

static int check_args(const char *fname, const tn_dtype_args_t *a)
{
    switch (a->combiner) {
    case MPI_COMBINER_DUP:
    case MPI_COMBINER_RESIZED:
        return MPI_SUCCESS;
    case MPI_COMBINER_CONTIGUOUS:
        return check_nonneg(fname, "count", ARG(a, 0));
    case MPI_COMBINER_VECTOR:
    case MPI_COMBINER_HVECTOR:
    case MPI_COMBINER_INDEXED_BLOCK:
    case MPI_COMBINER_HINDEXED_BLOCK: {
        int rc = check_nonneg(fname, "count", ARG(a, 0));
        return rc ? rc : check_nonneg(fname, "blocklength", ARG(a, 1));
    }
    case MPI_COMBINER_INDEXED:
    case MPI_COMBINER_HINDEXED:
    case MPI_COMBINER_STRUCT: {
        int rc = check_nonneg(fname, "count", ARG(a, 0));
        return rc ? rc : check_blocklengths(fname, a, ARG(a, 0));
    }
    case MPI_COMBINER_SUBARRAY:
        return check_subarray(fname, a);
    case MPI_COMBINER_DARRAY:
        return check_darray(fname, a);
    default:
        return tn_err_set(MPI_ERR_INTERN, "%s: unknown combiner %d", fname, a->combiner);
    }
}

/* ---- Blocks ---- */

/* The dimensions from slowest to fastest varying in memory order. */
static void dim_order(int n, int order, int *dims)
{
    for (int k = 0; k < n; k++)
        dims[k] = order == MPI_ORDER_C ? k : n - 1 - k;
}

static int subarray_walk(const tn_dtype_args_t *a, tn_dtype_block_fn *fn, void *ctx)
{
    int n = SUB_NDIMS(a), rc = 0;
    tn_datatype_t *old = a->types[0];
    int *dims = malloc((size_t)n * sizeof *dims);
    MPI_Aint *stride = malloc((size_t)n * sizeof *stride);
    MPI_Count *idx = calloc((size_t)n, sizeof *idx);
    if (!dims || !stride || !idx) {
        rc = TN_ERR_SETMEM("subarray datatype");
        goto out;
    }
    dim_order(n, SUB_ORDER(a), dims);
    /* Byte stride of each dimension, fastest dimension last in dims. */
    MPI_Aint s = old->extent;
    for (int k = n - 1; k >= 0; k--) {
        stride[dims[k]] = s;
        s *= (MPI_Aint)SUB_SIZE(a, dims[k]);
    }
    int inner = dims[n - 1];
    for (;;) {
        MPI_Aint disp = 0;
        for (int d = 0; d < n; d++)
            disp += (MPI_Aint)(SUB_START(a, d) + idx[d]) * stride[d];
        if ((rc = fn(ctx, disp, SUB_SUBSIZE(a, inner), old)))
            break;
        int k = n - 2;
        for (; k >= 0; k--) {
            int d = dims[k];
            if (++idx[d] < SUB_SUBSIZE(a, d))
                break;
            idx[d] = 0;
        }
        if (k < 0)
            break;
    }
out:
    free(idx);
    free(stride);
    free(dims);
    return rc;
}

/* The index ranges of one darray dimension owned by process coordinate c,
 * stored in r unless it is NULL; returns their number. */
typedef struct range {
    MPI_Count start, len;
} range_t;

static MPI_Count darray_ranges(MPI_Count g, int dist, int darg, int p, int c, range_t *r)
{
    if (dist == MPI_DISTRIBUTE_NONE) {
        if (r)
            r[0] = (range_t){0, g};
        return 1;
    }
    if (dist == MPI_DISTRIBUTE_BLOCK) {
        MPI_Count b = darg == MPI_DISTRIBUTE_DFLT_DARG ? (g + p - 1) / p : darg;
        MPI_Count start = (MPI_Count)c * b;
        if (start >= g)
            return 0;
        if (r)
            r[0] = (range_t){start, g - start < b ? g - start : b};
        return 1;
    }
    MPI_Count k = darg == MPI_DISTRIBUTE_DFLT_DARG ? 1 : darg, n = 0;
    for (MPI_Count s = (MPI_Count)c * k; s < g; s += k * p)
        if (r)
            r[n++] = (range_t){s, g - s < k ? g - s : k};
        else
            n++;
    return n;
}

static int darray_walk(const tn_dtype_args_t *a, tn_dtype_block_fn *fn, void *ctx)
{
    int n = DA_NDIMS(a), rc = 0;
    tn_datatype_t *old = a->types[0];
    int *dims = malloc((size_t)n * sizeof *dims);
    MPI_Aint *stride = malloc((size_t)n * sizeof *stride);
    range_t **rg = calloc((size_t)n, sizeof *rg);
    MPI_Count *nr = calloc((size_t)n, sizeof *nr), *ri = calloc((size_t)n, sizeof *ri),
              *off = calloc((size_t)n, sizeof *off);
    if (!dims || !stride || !rg || !nr || !ri || !off)
        goto nomem;
    /* Process coordinates: the grid is row-major whatever the order. */
    int r = a->ints[1], coord;
    for (int d = n - 1; d >= 0; d--) {
        coord = r % DA_PSIZE(a, d);
        r /= DA_PSIZE(a, d);
        MPI_Count g = DA_GSIZE(a, d);
        int dist = DA_DISTRIB(a, d), darg = DA_DARG(a, d), p = DA_PSIZE(a, d);
        nr[d] = darray_ranges(g, dist, darg, p, coord, NULL);
        if (nr[d] == 0)
            goto out; /* this process owns nothing */
        if (!(rg[d] = malloc((size_t)nr[d] * sizeof **rg)))
            goto nomem;
        darray_ranges(g, dist, darg, p, coord, rg[d]);
    }
    dim_order(n, DA_ORDER(a), dims);
    MPI_Aint s = old->extent;
    for (int k = n - 1; k >= 0; k--) {
        stride[dims[k]] = s;
        s *= (MPI_Aint)DA_GSIZE(a, dims[k]);
    }
    /* Odometer over the owned indices of the outer dimensions (range ri[d],
     * offset off[d] in it); the innermost dimension's ranges are the blocks. */
    int inner = dims[n - 1];
    for (;;) {
        MPI_Aint disp = 0;
        for (int k = 0; k < n - 1; k++) {
            int d = dims[k];
            disp += (MPI_Aint)(rg[d][ri[d]].start + off[d]) * stride[d];
        }
        for (MPI_Count i = 0; i < nr[inner] && !rc; i++)
            rc = fn(ctx, disp + (MPI_Aint)rg[inner][i].start * stride[inner], rg[inner][i].len,
                    old);
        if (rc)
            break;
        int k = n - 2;
        for (; k >= 0; k--) {
            int d = dims[k];
            if (++off[d] < rg[d][ri[d]].len)
                break;
            off[d] = 0;
            if (++ri[d] < nr[d])
                break;
            ri[d] = 0;
        }
        if (k < 0)
            break;
    }
    goto out;
nomem:
    rc = TN_ERR_SETMEM("darray datatype");
out:
    if (rg)
        for (int d = 0; d < n; d++)
            free(rg[d]);
    free(off);
    free(ri);
    free(nr);
    free(rg);
    free(stride);
    free(dims);
    return rc;
}

static int walk(const tn_dtype_args_t *a, tn_dtype_block_fn *fn, void *ctx)
{
    tn_datatype_t *old = a->n_types ? a->types[0] : NULL; /* struct may have none */
    MPI_Count n, i;
    int rc = 0;
    switch (a->combiner) {
    case MPI_COMBINER_DUP:
    case MPI_COMBINER_RESIZED:
        return fn(ctx, 0, 1, old);
    case MPI_COMBINER_CONTIGUOUS:
        return fn(ctx, 0, ARG(a, 0), old);
    case MPI_COMBINER_VECTOR:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, (MPI_Aint)(i * ARG(a, 2)) * old->extent, ARG(a, 1), old);
        return rc;
    case MPI_COMBINER_HVECTOR:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, (MPI_Aint)i * ADDR(a, 0, 2), ARG(a, 1), old);
        return rc;
    case MPI_COMBINER_INDEXED:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, (MPI_Aint)ARG(a, 1 + n + i) * old->extent, ARG(a, 1 + i), old);
        return rc;
    case MPI_COMBINER_HINDEXED:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, ADDR(a, i, 1 + n + i), ARG(a, 1 + i), old);
        return rc;
    case MPI_COMBINER_INDEXED_BLOCK:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, (MPI_Aint)ARG(a, 2 + i) * old->extent, ARG(a, 1), old);
        return rc;
    case MPI_COMBINER_HINDEXED_BLOCK:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, ADDR(a, i, 2 + i), ARG(a, 1), old);
        return rc;
    case MPI_COMBINER_STRUCT:
        for (n = ARG(a, 0), i = 0; i < n && !rc; i++)
            rc = fn(ctx, ADDR(a, i, 1 + n + i), ARG(a, 1 + i), a->types[i]);
        return rc;
    case MPI_COMBINER_SUBARRAY:
        return subarray_walk(a, fn, ctx);
    case MPI_COMBINER_DARRAY:
        return darray_walk(a, fn, ctx);
    default:
        return 0;
    }
}

int tn_dtype_foreach_block(const tn_datatype_t *dt, tn_dtype_block_fn *fn, void *ctx)
{
    if (dt->builtin)
        return 0;
    tn_dtype_args_t a = view(dt);
    return walk(&a, fn, ctx);
}

/* ---- Layout ---- */

typedef struct layout {
    const char *fname;
    MPI_Count size, basic_count, nsegs_max;
    MPI_Aint lb, ub, tlb, tub, lbm, ubm;
    int have_bounds, have_data, have_lbm, have_ubm, have_basic;
    int align;
    MPI_Datatype basic;
    tn_dtype_seg_t *segs; /* second pass */
    MPI_Count nsegs;
} layout_t;

static int too_big(layout_t *L)
{
    return tn_err_set(MPI_ERR_ARG, "%s: the datatype would be larger than this platform allows",
                      L->fname);
}

static int stats_block(void *ctx, MPI_Aint d, MPI_Count n, tn_datatype_t *t)
{
    layout_t *L = ctx;
    if (n == 0)
        return 0;
    if (t->handle == MPI_LB) {
        L->lbm = L->have_lbm && L->lbm < d ? L->lbm : d;
        L->have_lbm = 1;
        return 0;
    }
    if (t->handle == MPI_UB) {
        L->ubm = L->have_ubm && L->ubm > d ? L->ubm : d;
        L->have_ubm = 1;
        return 0;
    }
    MPI_Aint span, bytes, lo, hi;
    if (__builtin_mul_overflow((MPI_Aint)(n - 1), t->extent, &span) ||
        __builtin_mul_overflow((MPI_Aint)n, (MPI_Aint)t->size, &bytes) ||
        __builtin_add_overflow(L->size, bytes, &L->size))
        return too_big(L);
    lo = d + t->lb + (span < 0 ? span : 0);
    hi = d + t->ub + (span > 0 ? span : 0);
    L->lb = L->have_bounds && L->lb < lo ? L->lb : lo;
    L->ub = L->have_bounds && L->ub > hi ? L->ub : hi;
    L->have_bounds = 1;
    L->basic_count += n * t->basic_count;
    if (t->align > L->align)
        L->align = t->align;
    if (t->size == 0)
        return 0;
    lo = d + t->true_lb + (span < 0 ? span : 0);
    hi = d + t->true_ub + (span > 0 ? span : 0);
    L->tlb = L->have_data && L->tlb < lo ? L->tlb : lo;
    L->tub = L->have_data && L->tub > hi ? L->tub : hi;
    L->have_data = 1;
    if (!L->have_basic++)
        L->basic = t->basic;
    else if (L->basic != t->basic)
        L->basic = MPI_DATATYPE_NULL;
    MPI_Count segs = 1;
    if ((!t->contig && __builtin_mul_overflow(n, (MPI_Count)t->nsegs, &segs)) ||
        (L->nsegs_max += segs) > INT_MAX)
        return too_big(L);
    return 0;
}

static void seg_add(layout_t *L, MPI_Aint disp, MPI_Aint len)
{
    tn_dtype_seg_t *last = L->nsegs ? &L->segs[L->nsegs - 1] : NULL;
    if (last && last->disp + last->len == disp)
        last->len += len;
    else
        L->segs[L->nsegs++] = (tn_dtype_seg_t){disp, len};
}

static int segs_block(void *ctx, MPI_Aint d, MPI_Count n, tn_datatype_t *t)
{
    layout_t *L = ctx;
    if (n == 0 || t->size == 0)
        return 0;
    if (t->contig) {
        seg_add(L, d + t->segs[0].disp, (MPI_Aint)n * t->extent);
        return 0;
    }
    for (MPI_Count j = 0; j < n; j++, d += t->extent)
        for (int s = 0; s < t->nsegs; s++)
            seg_add(L, d + t->segs[s].disp, t->segs[s].len);
    return 0;
}

static int set_contig(tn_datatype_t *dt)
{
    return dt->size == 0 || (dt->nsegs == 1 && dt->segs[0].len == dt->extent);
}

/* Dup and resized: the old type's data, segments shared. */
static void layout_copy(tn_datatype_t *dt, const tn_dtype_args_t *a)
{
    tn_datatype_t *old = a->types[0];
    dt->size = old->size;
    dt->lb = old->lb;
    dt->ub = old->ub;
    dt->true_lb = old->true_lb;
    dt->true_ub = old->true_ub;
    dt->align = old->align;
    dt->basic = old->basic;
    dt->basic_count = old->basic_count;
    dt->nsegs = old->nsegs;
    dt->segs = old->segs;
    dt->seg_pos = old->seg_pos;
    dt->segs_shared = 1;
    if (a->combiner == MPI_COMBINER_RESIZED) {
        dt->lb = ADDR(a, 0, 0);
        dt->ub = dt->lb + ADDR(a, 1, 1);
    }
    dt->extent = dt->ub - dt->lb;
    dt->contig = set_contig(dt);
}

/* Subarray and darray describe a slice of the whole array, whose extent
 * they take (lb 0). */
static MPI_Aint array_extent(const tn_dtype_args_t *a)
{
    MPI_Aint e = a->types[0]->extent;
    if (a->combiner == MPI_COMBINER_SUBARRAY)
        for (int d = 0; d < SUB_NDIMS(a); d++)
            e *= (MPI_Aint)SUB_SIZE(a, d);
    else
        for (int d = 0; d < DA_NDIMS(a); d++)
            e *= (MPI_Aint)DA_GSIZE(a, d);
    return e;
}

static int layout(const char *fname, tn_datatype_t *dt, const tn_dtype_args_t *a)
{
    if (a->combiner == MPI_COMBINER_DUP || a->combiner == MPI_COMBINER_RESIZED) {
        layout_copy(dt, a);
        return MPI_SUCCESS;
    }
    layout_t L = {.fname = fname, .align = 1};
    int rc = walk(a, stats_block, &L);
    if (rc)
        return rc;
    dt->size = L.size;
    dt->basic_count = L.basic_count;
    dt->align = L.align;
    dt->basic = L.have_basic ? L.basic : a->n_types ? a->types[0]->basic : MPI_DATATYPE_NULL;
    dt->lb = L.have_lbm ? L.lbm : L.have_bounds ? L.lb : 0;
    dt->ub = L.have_ubm ? L.ubm : L.have_bounds ? L.ub : 0;
    if (a->combiner == MPI_COMBINER_STRUCT && !L.have_ubm && L.align > 1) {
        MPI_Aint r = (dt->ub - dt->lb) % L.align;
        if (r)
            dt->ub += r > 0 ? L.align - r : -r;
    }
    if (a->combiner == MPI_COMBINER_SUBARRAY || a->combiner == MPI_COMBINER_DARRAY) {
        dt->lb = 0;
        dt->ub = array_extent(a);
    }
    dt->extent = dt->ub - dt->lb;
    dt->true_lb = L.have_data ? L.tlb : 0;
    dt->true_ub = L.have_data ? L.tub : 0;

    L.segs = L.nsegs_max > 2 ? malloc((size_t)L.nsegs_max * sizeof *L.segs) : dt->seg_inline;
    if (!(dt->segs = L.segs))
        return TN_ERR_SETMEM(fname);
    if ((rc = walk(a, segs_block, &L)))
        return rc;
    dt->nsegs = (int)L.nsegs;
    if (L.segs != dt->seg_inline && L.nsegs <= 2) {
        memcpy(dt->seg_inline, L.segs, (size_t)L.nsegs * sizeof *L.segs);
        free(L.segs);
        L.segs = dt->seg_inline;
    } else if (L.segs != dt->seg_inline && L.nsegs < L.nsegs_max) {
        tn_dtype_seg_t *s = realloc(L.segs, (size_t)L.nsegs * sizeof *s);
        L.segs = s ? s : L.segs;
    }
    dt->segs = L.segs;
    if (dt->nsegs > 1) {
        dt->seg_pos = dt->nsegs <= 2 ? dt->pos_inline
                                     : malloc((size_t)dt->nsegs * sizeof *dt->seg_pos);
        if (!dt->seg_pos)
            return TN_ERR_SETMEM(fname);
        MPI_Aint pos = 0;
        for (int s = 0; s < dt->nsegs; s++) {
            dt->seg_pos[s] = pos;
            pos += dt->segs[s].len;
        }
    }
    dt->contig = set_contig(dt);
    return MPI_SUCCESS;
}

/* Copies the constructor's arguments into dt (the envelope) and references
 * the component types. */
static int copy_args(const char *fname, tn_datatype_t *dt, const tn_dtype_args_t *a)
{
    dt->combiner = a->combiner;
    if ((a->n_ints && !(dt->ints = malloc((size_t)a->n_ints * sizeof *dt->ints))) ||
        (a->n_aints && !(dt->aints = malloc((size_t)a->n_aints * sizeof *dt->aints))) ||
        (a->n_counts && !(dt->counts = malloc((size_t)a->n_counts * sizeof *dt->counts))) ||
        (a->n_types && !(dt->types = malloc((size_t)a->n_types * sizeof *dt->types))))
        return TN_ERR_SETMEM(fname);
    if (a->n_ints)
        memcpy(dt->ints, a->ints, (size_t)a->n_ints * sizeof *dt->ints);
    if (a->n_aints)
        memcpy(dt->aints, a->aints, (size_t)a->n_aints * sizeof *dt->aints);
    if (a->n_counts)
        memcpy(dt->counts, a->counts, (size_t)a->n_counts * sizeof *dt->counts);
    dt->n_ints = a->n_ints;
    dt->n_aints = a->n_aints;
    dt->n_counts = a->n_counts;
    for (int i = 0; i < a->n_types; i++)
        dt->types[dt->n_types++] = tn_datatype_ref(a->types[i]);
    return MPI_SUCCESS;
}

int tn_dtype_create(const char *fname, const tn_dtype_args_t *args, tn_datatype_t **out)
{
    int rc = check_args(fname, args);
    if (rc)
        return rc;
    tn_datatype_t *dt = calloc(1, sizeof *dt);
    if (!dt)
        return TN_ERR_SETMEM(fname);
    dt->refs = dt->user_refs = 1;
    if ((rc = copy_args(fname, dt, args)))
        goto fail;
    tn_dtype_args_t a = view(dt);
    if ((rc = layout(fname, dt, &a)))
        goto fail;
    if (!tn_datatype_register(dt)) {
        rc = TN_ERR_SETMEM(fname);
        goto fail;
    }
    *out = dt;
    return MPI_SUCCESS;
fail:
    tn_datatype_release(dt); /* not registered: frees the memory and the references */
    return rc;
}
