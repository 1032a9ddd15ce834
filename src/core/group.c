/* Groups and their set algebra (MPI 4.1 §7.3). Members are world ranks. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "core/group.h"
#include "core/handle.h"
#include "core/runtime.h"

/* Groups up to this size are searched linearly when not contiguous. */
#define TN_GROUP_LINEAR_MAX 8

static tn_group_t empty_group = {
    .handle = MPI_GROUP_EMPTY, .refs = 1, .size = 0, .rank = MPI_UNDEFINED, .base = -1};

static tn_htab_t group_tab = TN_HTAB_INIT(TN_KIND_GROUP);

void tn_group_init_builtins(void)
{
    /* MPI_GROUP_EMPTY is static; only the process's rank must be known, and
     * every other group computes it from tn_rt when it is made. */
}

static int index_cmp(const void *a, const void *b)
{
    const tn_group_index_t *x = a, *y = b;
    return (x->world > y->world) - (x->world < y->world);
}

/* Takes ownership of wr[size] (size > 0). */
static int group_new(int *wr, int size, tn_group_t **out)
{
    tn_group_t *g = malloc(sizeof *g);
    if (!g) {
        free(wr);
        return TN_ERR_SETMEM("group creation");
    }
    *g = (tn_group_t){.refs = 1, .size = size, .world_ranks = wr, .base = wr[0]};
    for (int i = 1; i < size && g->base >= 0; i++)
        if (wr[i] != g->base + i)
            g->base = -1;
    if (g->base < 0 && size > TN_GROUP_LINEAR_MAX) {
        if (!(g->index = malloc((size_t)size * sizeof *g->index))) {
            free(wr);
            free(g);
            return TN_ERR_SETMEM("group creation");
        }
        for (int i = 0; i < size; i++)
            g->index[i] = (tn_group_index_t){wr[i], i};
        qsort(g->index, (size_t)size, sizeof *g->index, index_cmp);
    }
    g->rank = tn_group_rank_of(g, tn_rt.world_rank);
    *out = g;
    return MPI_SUCCESS;
}

int tn_group_create(const int *world_ranks, int size, tn_group_t **group)
{
    if (size == 0) {
        *group = &empty_group;
        return MPI_SUCCESS;
    }
    int *wr = malloc((size_t)size * sizeof *wr);
    if (!wr)
        return TN_ERR_SETMEM("group creation");
    memcpy(wr, world_ranks, (size_t)size * sizeof *wr);
    return group_new(wr, size, group);
}

tn_group_t *tn_group_ref(tn_group_t *g)
{
    if (g != &empty_group)
        g->refs++;
    return g;
}

void tn_group_release(tn_group_t *g)
{
    if (!g || g == &empty_group || --g->refs > 0)
        return;
    if (g->handle)
        tn_htab_remove(&group_tab, g->handle);
    free(g->index);
    free(g->world_ranks);
    free(g);
}

tn_group_t *tn_group_get(MPI_Group handle)
{
    if (handle == MPI_GROUP_EMPTY)
        return &empty_group;
    return tn_htab_lookup(&group_tab, handle);
}

int tn_group_handle(tn_group_t *g, MPI_Group *handle)
{
    if (!g->handle && !(g->handle = tn_htab_insert(&group_tab, g)))
        return TN_ERR_SETMEM("group handle");
    *handle = g->handle;
    return MPI_SUCCESS;
}

int tn_group_rank_of(const tn_group_t *g, int w)
{
    if (g->base >= 0)
        return w >= g->base && w - g->base < g->size ? w - g->base : MPI_UNDEFINED;
    if (!g->index) {
        for (int i = 0; i < g->size; i++)
            if (g->world_ranks[i] == w)
                return i;
        return MPI_UNDEFINED;
    }
    int lo = 0, hi = g->size - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (g->index[mid].world == w)
            return g->index[mid].rank;
        if (g->index[mid].world < w)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return MPI_UNDEFINED;
}

int tn_group_check(const char *fname, const char *argname, MPI_Group handle, tn_group_t **g)
{
    tn_group_t *p = tn_group_get(handle);
    if (!p)
        return tn_err_set(MPI_ERR_GROUP, "%s: %s %s", fname, argname,
                          handle == MPI_GROUP_NULL ? "is MPI_GROUP_NULL"
                                                   : "is not a valid group handle");
    *g = p;
    return MPI_SUCCESS;
}

/* Checks ranks[0..n) are valid, distinct ranks of g; marks them in seen[g->size]. */
static int check_ranks(const char *fname, const tn_group_t *g, int n, const int ranks[],
                       char *seen)
{
    if (n < 0 || n > g->size)
        return tn_err_set(MPI_ERR_ARG, "%s: n = %d; it must be between 0 and the group size %d",
                          fname, n, g->size);
    if (n > 0 && !ranks)
        return tn_err_set(MPI_ERR_ARG, "%s: ranks is NULL while n = %d", fname, n);
    for (int i = 0; i < n; i++) {
        int r = ranks[i];
        if (r < 0 || r >= g->size)
            return tn_err_set(MPI_ERR_RANK,
                              "%s: ranks[%d] = %d is out of range for a group of size %d", fname,
                              i, r, g->size);
        if (seen[r])
            return tn_err_set(MPI_ERR_RANK, "%s: ranks[%d] = %d appears more than once", fname,
                              i, r);
        seen[r] = 1;
    }
    return MPI_SUCCESS;
}

/* The group of members i of g with keep[i] == want, in g's order. */
static int group_select(const tn_group_t *g, const char *keep, char want, tn_group_t **out)
{
    int n = 0;
    for (int i = 0; i < g->size; i++)
        n += keep[i] == want;
    if (n == 0) {
        *out = &empty_group;
        return MPI_SUCCESS;
    }
    int *wr = malloc((size_t)n * sizeof *wr);
    if (!wr)
        return TN_ERR_SETMEM("group creation");
    for (int i = 0, j = 0; i < g->size; i++)
        if (keep[i] == want)
            wr[j++] = g->world_ranks[i];
    return group_new(wr, n, out);
}

int tn_group_incl(const char *fname, tn_group_t *g, int n, const int ranks[], tn_group_t **out)
{
    char *seen = calloc((size_t)g->size + 1, 1);
    if (!seen)
        return TN_ERR_SETMEM(fname);
    int rc = check_ranks(fname, g, n, ranks, seen);
    free(seen);
    if (rc)
        return rc;
    if (n == 0) {
        *out = &empty_group;
        return MPI_SUCCESS;
    }
    int *wr = malloc((size_t)n * sizeof *wr);
    if (!wr)
        return TN_ERR_SETMEM(fname);
    for (int i = 0; i < n; i++)
        wr[i] = g->world_ranks[ranks[i]];
    return group_new(wr, n, out);
}

int tn_group_excl(const char *fname, tn_group_t *g, int n, const int ranks[], tn_group_t **out)
{
    char *seen = calloc((size_t)g->size + 1, 1);
    if (!seen)
        return TN_ERR_SETMEM(fname);
    int rc = check_ranks(fname, g, n, ranks, seen);
    if (!rc)
        rc = group_select(g, seen, 0, out);
    free(seen);
    return rc;
}

/* Expands ranges into the ranks they name, in order; checks every rank is valid
 * and named once. *list gets n ranks (malloc'ed; NULL when *count is 0). */
static int expand_ranges(const char *fname, const tn_group_t *g, int n, int ranges[][3],
                         int **list, int *count)
{
    if (n < 0)
        return tn_err_set(MPI_ERR_ARG, "%s: n = %d is negative", fname, n);
    if (n > 0 && !ranges)
        return tn_err_set(MPI_ERR_ARG, "%s: ranges is NULL while n = %d", fname, n);
    long long total = 0;
    for (int i = 0; i < n; i++) {
        long long first = ranges[i][0], last = ranges[i][1], stride = ranges[i][2];
        if (stride == 0)
            return tn_err_set(MPI_ERR_ARG, "%s: ranges[%d] = (%lld, %lld, %lld) has stride 0",
                              fname, i, first, last, stride);
        if ((last - first) / stride < 0)
            return tn_err_set(MPI_ERR_ARG,
                              "%s: ranges[%d] = (%lld, %lld, %lld) names no rank: with a %s "
                              "stride last must be %s first",
                              fname, i, first, last, stride,
                              stride > 0 ? "positive" : "negative", stride > 0 ? ">=" : "<=");
        long long cnt = (last - first) / stride + 1, end = first + (cnt - 1) * stride;
        if (first < 0 || first >= g->size || end < 0 || end >= g->size)
            return tn_err_set(MPI_ERR_RANK,
                              "%s: ranges[%d] = (%lld, %lld, %lld) names rank %lld, out of "
                              "range for a group of size %d",
                              fname, i, first, last, stride,
                              first < 0 || first >= g->size ? first : end, g->size);
        total += cnt;
        if (total > g->size)
            return tn_err_set(MPI_ERR_RANK,
                              "%s: the ranges name %lld ranks or more, but the group has only "
                              "%d: some rank is named twice",
                              fname, total, g->size);
    }
    int *l = total ? malloc((size_t)total * sizeof *l) : NULL;
    char *seen = calloc((size_t)g->size + 1, 1);
    if ((total && !l) || !seen) {
        free(l);
        free(seen);
        return TN_ERR_SETMEM(fname);
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        int first = ranges[i][0], stride = ranges[i][2];
        int cnt = (int)(((long long)ranges[i][1] - first) / stride + 1);
        for (int j = 0; j < cnt; j++) {
            int r = first + j * stride;
            if (seen[r]) {
                free(l);
                free(seen);
                return tn_err_set(MPI_ERR_RANK, "%s: rank %d is named twice (again by ranges[%d])",
                                  fname, r, i);
            }
            seen[r] = 1;
            l[k++] = r;
        }
    }
    free(seen);
    *list = l;
    *count = k;
    return MPI_SUCCESS;
}

int tn_group_range_incl(const char *fname, tn_group_t *g, int n, int ranges[][3],
                        tn_group_t **out)
{
    int *list, count, rc = expand_ranges(fname, g, n, ranges, &list, &count);
    if (rc)
        return rc;
    for (int i = 0; i < count; i++)
        list[i] = g->world_ranks[list[i]];
    if (count == 0) {
        *out = &empty_group;
        return MPI_SUCCESS;
    }
    return group_new(list, count, out);
}

int tn_group_range_excl(const char *fname, tn_group_t *g, int n, int ranges[][3],
                        tn_group_t **out)
{
    int *list, count, rc = expand_ranges(fname, g, n, ranges, &list, &count);
    if (rc)
        return rc;
    char *drop = calloc((size_t)g->size + 1, 1);
    if (!drop) {
        free(list);
        return TN_ERR_SETMEM(fname);
    }
    for (int i = 0; i < count; i++)
        drop[list[i]] = 1;
    free(list);
    rc = group_select(g, drop, 0, out);
    free(drop);
    return rc;
}

/* keep[i] = whether member i of a is also in b. */
static int membership(const tn_group_t *a, const tn_group_t *b, char **keep)
{
    char *k = malloc((size_t)a->size + 1);
    if (!k)
        return TN_ERR_SETMEM("group set operation");
    for (int i = 0; i < a->size; i++)
        k[i] = tn_group_rank_of(b, a->world_ranks[i]) != MPI_UNDEFINED;
    *keep = k;
    return MPI_SUCCESS;
}

int tn_group_union(tn_group_t *a, tn_group_t *b, tn_group_t **out)
{
    char *in_a = NULL;
    int rc = membership(b, a, &in_a);
    if (rc)
        return rc;
    int n = a->size;
    for (int i = 0; i < b->size; i++)
        n += !in_a[i];
    if (n == 0) {
        free(in_a);
        *out = &empty_group;
        return MPI_SUCCESS;
    }
    int *wr = malloc((size_t)n * sizeof *wr);
    if (!wr) {
        free(in_a);
        return TN_ERR_SETMEM("MPI_Group_union");
    }
    if (a->size)
        memcpy(wr, a->world_ranks, (size_t)a->size * sizeof *wr);
    for (int i = 0, j = a->size; i < b->size; i++)
        if (!in_a[i])
            wr[j++] = b->world_ranks[i];
    free(in_a);
    return group_new(wr, n, out);
}

int tn_group_intersection(tn_group_t *a, tn_group_t *b, tn_group_t **out)
{
    char *in_b = NULL;
    int rc = membership(a, b, &in_b);
    if (!rc)
        rc = group_select(a, in_b, 1, out);
    free(in_b);
    return rc;
}

int tn_group_difference(tn_group_t *a, tn_group_t *b, tn_group_t **out)
{
    char *in_b = NULL;
    int rc = membership(a, b, &in_b);
    if (!rc)
        rc = group_select(a, in_b, 0, out);
    free(in_b);
    return rc;
}

int tn_group_translate(const char *fname, const tn_group_t *a, int n, const int ranks_a[],
                       const tn_group_t *b, int ranks_b[])
{
    if (n < 0)
        return tn_err_set(MPI_ERR_ARG, "%s: n = %d is negative", fname, n);
    if (n > 0 && (!ranks_a || !ranks_b))
        return tn_err_set(MPI_ERR_ARG, "%s: %s is NULL while n = %d", fname,
                          ranks_a ? "ranks2" : "ranks1", n);
    for (int i = 0; i < n; i++)
        if (ranks_a[i] != MPI_PROC_NULL && (ranks_a[i] < 0 || ranks_a[i] >= a->size))
            return tn_err_set(MPI_ERR_RANK,
                              "%s: ranks1[%d] = %d is out of range for group1 of size %d", fname,
                              i, ranks_a[i], a->size);
    for (int i = 0; i < n; i++)
        ranks_b[i] = ranks_a[i] == MPI_PROC_NULL
                         ? MPI_PROC_NULL
                         : tn_group_rank_of(b, a->world_ranks[ranks_a[i]]);
    return MPI_SUCCESS;
}

int tn_group_compare(const tn_group_t *a, const tn_group_t *b)
{
    if (a->size != b->size)
        return MPI_UNEQUAL;
    if (a->size == 0 ||
        !memcmp(a->world_ranks, b->world_ranks, (size_t)a->size * sizeof *a->world_ranks))
        return MPI_IDENT;
    for (int i = 0; i < a->size; i++)
        if (tn_group_rank_of(b, a->world_ranks[i]) == MPI_UNDEFINED)
            return MPI_UNEQUAL;
    return MPI_SIMILAR;
}
