/* MPI 4.1 chapter 5, datatypes: constructors, queries, decoding, names,
 * addresses. The constructors hand their arguments, laid out as
 * MPI_Type_get_contents returns them, to tn_dtype_create, which checks them.
 * The MPI-1 functions removed in MPI 3.0 are defined too, at the end: MPICH's
 * libmpich.so.12 still exports them, and binaries built against it use them. */
#define TERN_ENABLE_REMOVED_API 1
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/attr.h"
#include "core/handle.h"
#include "mpi/api.h"
#include "mpi/check.h"

/* ---- Helpers ---- */

/* An input array that must be present when it has elements. */
static int array_arg(const char *fname, const char *argname, const void *p, MPI_Count n)
{
    return n > 0 ? tn_check_ptr(fname, argname, p) : MPI_SUCCESS;
}

static int new_type(const char *fname, const tn_dtype_args_t *a, MPI_Datatype *newtype)
{
    tn_datatype_t *dt;
    int rc = tn_check_ptr(fname, "newtype", newtype);
    if (!rc)
        rc = tn_dtype_create(fname, a, &dt);
    if (!rc)
        *newtype = dt->handle;
    return rc;
}

/* Checks the runtime and a call's one datatype argument, named argname. */
static int type_arg(const char *fname, const char *argname, MPI_Datatype type,
                    tn_datatype_t **dt)
{
    int rc = tn_rt_check(fname);
    return rc ? rc : tn_datatype_arg(fname, argname, type, dt);
}

/* A constructor of one old type. */
static int one_type(const char *fname, MPI_Datatype oldtype, tn_datatype_t **old)
{
    return type_arg(fname, "oldtype", oldtype, old);
}

/* A call on one existing datatype. */
static int one_type_arg(const char *fname, MPI_Datatype datatype, tn_datatype_t **dt)
{
    return type_arg(fname, "datatype", datatype, dt);
}

/* ---- Size and extent ---- */

/* What a layout query reports: the size, lb and extent, true lb and true
 * extent, or lb and ub. */
enum layout_kind { L_SIZE, L_EXTENT, L_TRUE_EXTENT, L_BOUNDS };

/* Checks a query's arguments (out2 is NULL for a one-output query) and, on
 * success only, sets *v1 (and *v2) to what the query reports. */
static int layout(const char *fname, MPI_Datatype datatype, enum layout_kind k, const void *out1,
                  const void *out2, MPI_Count *v1, MPI_Count *v2)
{
    tn_datatype_t *dt;
    int rc = one_type_arg(fname, datatype, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, out2 ? "first output" : "size", out1);
    if (!rc && out2)
        rc = tn_check_ptr(fname, "second output", out2);
    if (rc)
        return rc;
    if (k == L_SIZE) {
        *v1 = dt->size;
    } else if (k == L_EXTENT) {
        *v1 = dt->lb;
        *v2 = dt->extent;
    } else if (k == L_BOUNDS) {
        *v1 = dt->lb;
        *v2 = dt->ub;
    } else {
        *v1 = dt->true_lb;
        *v2 = dt->true_ub - dt->true_lb;
    }
    return MPI_SUCCESS;
}

/* The forms with MPI_Aint outputs. */
static int layout_aint(const char *fname, MPI_Datatype datatype, enum layout_kind k,
                       MPI_Aint *out1, MPI_Aint *out2)
{
    MPI_Count v1, v2;
    int rc = layout(fname, datatype, k, out1, out2, &v1, &v2);
    if (rc)
        return tn_err_raise(rc);
    *out1 = (MPI_Aint)v1;
    *out2 = (MPI_Aint)v2;
    return MPI_SUCCESS;
}

/* The forms with MPI_Count outputs, written in place. */
static int layout_count(const char *fname, MPI_Datatype datatype, enum layout_kind k,
                        MPI_Count *out1, MPI_Count *out2)
{
    int rc = layout(fname, datatype, k, out1, out2, out1, out2);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_size)
int PMPI_Type_size(MPI_Datatype datatype, int *size)
{
    MPI_Count n;
    int rc = layout("MPI_Type_size", datatype, L_SIZE, size, NULL, &n, NULL);
    if (rc)
        return tn_err_raise(rc);
    *size = n > INT_MAX ? MPI_UNDEFINED : (int)n;
    return MPI_SUCCESS;
}

TN_API(Type_size_c)
int PMPI_Type_size_c(MPI_Datatype datatype, MPI_Count *size)
{
    return layout_count("MPI_Type_size_c", datatype, L_SIZE, size, NULL);
}

TN_API(Type_size_x)
int PMPI_Type_size_x(MPI_Datatype datatype, MPI_Count *size)
{
    return layout_count("MPI_Type_size_x", datatype, L_SIZE, size, NULL);
}

TN_API(Type_get_extent)
int PMPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb, MPI_Aint *extent)
{
    return layout_aint("MPI_Type_get_extent", datatype, L_EXTENT, lb, extent);
}

TN_API(Type_get_extent_c)
int PMPI_Type_get_extent_c(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    return layout_count("MPI_Type_get_extent_c", datatype, L_EXTENT, lb, extent);
}

TN_API(Type_get_extent_x)
int PMPI_Type_get_extent_x(MPI_Datatype datatype, MPI_Count *lb, MPI_Count *extent)
{
    return layout_count("MPI_Type_get_extent_x", datatype, L_EXTENT, lb, extent);
}

TN_API(Type_get_true_extent)
int PMPI_Type_get_true_extent(MPI_Datatype datatype, MPI_Aint *true_lb, MPI_Aint *true_extent)
{
    return layout_aint("MPI_Type_get_true_extent", datatype, L_TRUE_EXTENT, true_lb,
                       true_extent);
}

TN_API(Type_get_true_extent_c)
int PMPI_Type_get_true_extent_c(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent)
{
    return layout_count("MPI_Type_get_true_extent_c", datatype, L_TRUE_EXTENT, true_lb,
                        true_extent);
}

TN_API(Type_get_true_extent_x)
int PMPI_Type_get_true_extent_x(MPI_Datatype datatype, MPI_Count *true_lb, MPI_Count *true_extent)
{
    return layout_count("MPI_Type_get_true_extent_x", datatype, L_TRUE_EXTENT, true_lb,
                        true_extent);
}

/* ---- Constructors ---- */

/* A constructor of one old type, whose arguments a lists all but that type. */
static int of_one_type(const char *fname, MPI_Datatype oldtype, tn_dtype_args_t *a,
                       MPI_Datatype *newtype)
{
    tn_datatype_t *old;
    int rc = one_type(fname, oldtype, &old);
    if (!rc) {
        a->n_types = 1;
        a->types = &old;
        rc = new_type(fname, a, newtype);
    }
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_contiguous)
int PMPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_CONTIGUOUS, .n_ints = 1, .ints = &count};
    return of_one_type("MPI_Type_contiguous", oldtype, &a, newtype);
}

TN_API(Type_contiguous_c)
int PMPI_Type_contiguous_c(MPI_Count count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_CONTIGUOUS, .n_counts = 1, .counts = &count};
    return of_one_type("MPI_Type_contiguous_c", oldtype, &a, newtype);
}

TN_API(Type_vector)
int PMPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype,
                     MPI_Datatype *newtype)
{
    int ints[3] = {count, blocklength, stride};
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_VECTOR, .n_ints = 3, .ints = ints};
    return of_one_type("MPI_Type_vector", oldtype, &a, newtype);
}

TN_API(Type_vector_c)
int PMPI_Type_vector_c(MPI_Count count, MPI_Count blocklength, MPI_Count stride,
                       MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MPI_Count counts[3] = {count, blocklength, stride};
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_VECTOR, .n_counts = 3, .counts = counts};
    return of_one_type("MPI_Type_vector_c", oldtype, &a, newtype);
}

TN_API(Type_create_hvector)
int PMPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                             MPI_Datatype *newtype)
{
    int ints[2] = {count, blocklength};
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_HVECTOR, .n_ints = 2, .ints = ints,
                         .n_aints = 1, .aints = &stride};
    return of_one_type("MPI_Type_create_hvector", oldtype, &a, newtype);
}

TN_API(Type_create_hvector_c)
int PMPI_Type_create_hvector_c(MPI_Count count, MPI_Count blocklength, MPI_Count stride,
                               MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MPI_Count counts[3] = {count, blocklength, stride};
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_HVECTOR, .n_counts = 3, .counts = counts};
    return of_one_type("MPI_Type_create_hvector_c", oldtype, &a, newtype);
}

/* Sets a's ints (large: counts) to a new array of count, then n1 entries of
 * a1 and n2 of a2, of the same type; returns it, NULL when out of memory. */
static void *arg_array(tn_dtype_args_t *a, int large, MPI_Count count, const void *a1, size_t n1,
                       const void *a2, size_t n2)
{
    size_t elem = large ? sizeof(MPI_Count) : sizeof(int), n = 1 + n1 + n2;
    char *v = malloc(n * elem);
    if (!v)
        return NULL;
    if (n1)
        memcpy(v + elem, a1, n1 * elem);
    if (n2)
        memcpy(v + (1 + n1) * elem, a2, n2 * elem);
    if (large) {
        MPI_Count *counts = (void *)v;
        counts[0] = count;
        a->n_counts = (MPI_Count)n;
        a->counts = counts;
    } else {
        int *ints = (void *)v;
        ints[0] = (int)count;
        a->n_ints = (int)n;
        a->ints = ints;
    }
    return v;
}

/* The (h)indexed family. Classic calls: ints = count, blocklengths[, int
 * displacements], with aints = displacements for the h forms; large calls:
 * counts = count, blocklengths, displacements. A negative count is passed
 * alone: tn_dtype_create rejects it. */
typedef struct idx_call {
    const char *fname;
    int combiner;
    MPI_Datatype oldtype;
    MPI_Datatype *newtype;
} idx_call_t;

/* bl and displ are int arrays (large: MPI_Count ones); displ is NULL where
 * adispl holds the displacements. */
static int indexed(const idx_call_t *c, int large, MPI_Count count, const void *bl, int one_bl,
                   const void *displ, const MPI_Aint *adispl)
{
    tn_datatype_t *old;
    int rc = one_type(c->fname, c->oldtype, &old);
    MPI_Count nbl = one_bl ? 1 : count, ndisp = displ ? count : 0;
    if (!rc && count > 0 && !one_bl)
        rc = array_arg(c->fname, "array_of_blocklengths", bl, count);
    if (!rc && count > 0)
        rc = array_arg(c->fname, "array_of_displacements",
                       displ ? displ : (const void *)adispl, count);
    if (rc)
        return rc;
    if (count < 0)
        nbl = ndisp = 0;
    tn_dtype_args_t a = {.combiner = c->combiner, .n_aints = adispl && count > 0 ? (int)count : 0,
                         .aints = adispl, .n_types = 1, .types = &old};
    void *v = arg_array(&a, large, count, bl, (size_t)nbl, displ, (size_t)ndisp);
    if (!v)
        return TN_ERR_SETMEM(c->fname);
    rc = new_type(c->fname, &a, c->newtype);
    free(v);
    return rc;
}

TN_API(Type_indexed)
int PMPI_Type_indexed(int count, const int array_of_blocklengths[],
                      const int array_of_displacements[], MPI_Datatype oldtype,
                      MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_indexed", MPI_COMBINER_INDEXED, oldtype, newtype};
    int rc = indexed(&c, 0, count, array_of_blocklengths, 0, array_of_displacements, NULL);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_indexed_c)
int PMPI_Type_indexed_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                        const MPI_Count array_of_displacements[], MPI_Datatype oldtype,
                        MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_indexed_c", MPI_COMBINER_INDEXED, oldtype, newtype};
    int rc = indexed(&c, 1, count, array_of_blocklengths, 0, array_of_displacements, NULL);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_hindexed)
int PMPI_Type_create_hindexed(int count, const int array_of_blocklengths[],
                              const MPI_Aint array_of_displacements[], MPI_Datatype oldtype,
                              MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_create_hindexed", MPI_COMBINER_HINDEXED, oldtype, newtype};
    int rc = indexed(&c, 0, count, array_of_blocklengths, 0, NULL, array_of_displacements);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_hindexed_c)
int PMPI_Type_create_hindexed_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                                const MPI_Count array_of_displacements[], MPI_Datatype oldtype,
                                MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_create_hindexed_c", MPI_COMBINER_HINDEXED, oldtype, newtype};
    int rc = indexed(&c, 1, count, array_of_blocklengths, 0, array_of_displacements, NULL);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_indexed_block)
int PMPI_Type_create_indexed_block(int count, int blocklength, const int array_of_displacements[],
                                   MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_create_indexed_block", MPI_COMBINER_INDEXED_BLOCK, oldtype,
                    newtype};
    int rc = indexed(&c, 0, count, &blocklength, 1, array_of_displacements, NULL);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_indexed_block_c)
int PMPI_Type_create_indexed_block_c(MPI_Count count, MPI_Count blocklength,
                                     const MPI_Count array_of_displacements[],
                                     MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_create_indexed_block_c", MPI_COMBINER_INDEXED_BLOCK, oldtype,
                    newtype};
    int rc = indexed(&c, 1, count, &blocklength, 1, array_of_displacements, NULL);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_hindexed_block)
int PMPI_Type_create_hindexed_block(int count, int blocklength,
                                    const MPI_Aint array_of_displacements[],
                                    MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_create_hindexed_block", MPI_COMBINER_HINDEXED_BLOCK, oldtype,
                    newtype};
    int rc = indexed(&c, 0, count, &blocklength, 1, NULL, array_of_displacements);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_hindexed_block_c)
int PMPI_Type_create_hindexed_block_c(MPI_Count count, MPI_Count blocklength,
                                      const MPI_Count array_of_displacements[],
                                      MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    idx_call_t c = {"MPI_Type_create_hindexed_block_c", MPI_COMBINER_HINDEXED_BLOCK, oldtype,
                    newtype};
    int rc = indexed(&c, 1, count, &blocklength, 1, array_of_displacements, NULL);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

/* The member types of a struct: every handle valid. */
static int struct_types(const char *fname, MPI_Count count, const MPI_Datatype *types,
                        tn_datatype_t ***out)
{
    int rc = array_arg(fname, "array_of_types", types, count);
    if (rc || count <= 0)
        return rc;
    tn_datatype_t **t = malloc((size_t)count * sizeof *t);
    if (!t)
        return TN_ERR_SETMEM(fname);
    for (MPI_Count i = 0; i < count; i++) {
        if (types[i] == MPI_DATATYPE_NULL || !(t[i] = tn_datatype_get(types[i]))) {
            free(t);
            return tn_err_set(MPI_ERR_TYPE, "%s: array_of_types[%lld] 0x%x is not a valid datatype",
                              fname, (long long)i, (unsigned)types[i]);
        }
    }
    *out = t;
    return MPI_SUCCESS;
}

/* Struct: ints = count, blocklengths with aints = displacements (classic),
 * or counts = count, blocklengths, displacements (large). */
static int struct_type(const char *fname, int large, MPI_Count count, const void *bl,
                       const void *displ, const MPI_Datatype *array_of_types,
                       MPI_Datatype *newtype)
{
    tn_datatype_t **types = NULL;
    void *v = NULL;
    MPI_Count n = count > 0 ? count : 0;
    int rc = tn_rt_check(fname);
    if (!rc && n > INT_MAX)
        rc = tn_err_set(MPI_ERR_COUNT, "%s: count %lld is larger than this implementation allows",
                        fname, (long long)count);
    if (!rc)
        rc = array_arg(fname, "array_of_blocklengths", bl, n);
    if (!rc)
        rc = array_arg(fname, "array_of_displacements", displ, n);
    if (!rc)
        rc = struct_types(fname, n, array_of_types, &types);
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_STRUCT, .n_aints = large ? 0 : (int)n,
                         .aints = large ? NULL : displ, .n_types = (int)n, .types = types};
    if (!rc && !(v = arg_array(&a, large, count, bl, (size_t)n, displ, large ? (size_t)n : 0)))
        rc = TN_ERR_SETMEM(fname);
    if (!rc)
        rc = new_type(fname, &a, newtype);
    free(v);
    free(types);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_struct)
int PMPI_Type_create_struct(int count, const int array_of_blocklengths[],
                            const MPI_Aint array_of_displacements[],
                            const MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    return struct_type("MPI_Type_create_struct", 0, count, array_of_blocklengths,
                       array_of_displacements, array_of_types, newtype);
}

TN_API(Type_create_struct_c)
int PMPI_Type_create_struct_c(MPI_Count count, const MPI_Count array_of_blocklengths[],
                              const MPI_Count array_of_displacements[],
                              const MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    return struct_type("MPI_Type_create_struct_c", 1, count, array_of_blocklengths,
                       array_of_displacements, array_of_types, newtype);
}

/* Subarray: ints = ndims, sizes, subsizes, starts, order (classic) or
 * ndims, order with counts = sizes, subsizes, starts (large). */
static int subarray(const char *fname, int ndims, const int *isz, const int *isub,
                    const int *ist, const MPI_Count *csz, const MPI_Count *csub,
                    const MPI_Count *cst, int order, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    tn_datatype_t *old;
    int rc = one_type(fname, oldtype, &old), large = csz != NULL;
    int n = ndims > 0 ? ndims : 0;
    if (!rc)
        rc = array_arg(fname, "array_of_sizes", large ? (const void *)csz : isz, n);
    if (!rc)
        rc = array_arg(fname, "array_of_subsizes", large ? (const void *)csub : isub, n);
    if (!rc)
        rc = array_arg(fname, "array_of_starts", large ? (const void *)cst : ist, n);
    if (rc)
        return rc;
    int ni = n == 0 ? 1 : large ? 2 : 3 * n + 2;
    int *ints = malloc((size_t)ni * sizeof *ints);
    MPI_Count *counts = large && n ? malloc(3 * (size_t)n * sizeof *counts) : NULL;
    if (!ints || (large && n && !counts)) {
        rc = TN_ERR_SETMEM(fname);
        goto out;
    }
    ints[0] = ndims;
    if (n && large) {
        ints[1] = order;
        memcpy(counts, csz, (size_t)n * sizeof *counts);
        memcpy(counts + n, csub, (size_t)n * sizeof *counts);
        memcpy(counts + 2 * n, cst, (size_t)n * sizeof *counts);
    } else if (n) {
        for (int d = 0; d < n; d++) {
            ints[1 + d] = isz[d];
            ints[1 + n + d] = isub[d];
            ints[1 + 2 * n + d] = ist[d];
        }
        ints[1 + 3 * n] = order;
    }
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_SUBARRAY, .n_ints = ni, .ints = ints,
                         .n_counts = counts ? 3 * n : 0, .counts = counts, .n_types = 1,
                         .types = &old};
    rc = new_type(fname, &a, newtype);
out:
    free(counts);
    free(ints);
    return rc;
}

TN_API(Type_create_subarray)
int PMPI_Type_create_subarray(int ndims, const int array_of_sizes[],
                              const int array_of_subsizes[], const int array_of_starts[],
                              int order, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    int rc = subarray("MPI_Type_create_subarray", ndims, array_of_sizes, array_of_subsizes,
                      array_of_starts, NULL, NULL, NULL, order, oldtype, newtype);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_subarray_c)
int PMPI_Type_create_subarray_c(int ndims, const MPI_Count array_of_sizes[],
                                const MPI_Count array_of_subsizes[],
                                const MPI_Count array_of_starts[], int order,
                                MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    int rc = subarray("MPI_Type_create_subarray_c", ndims, NULL, NULL, NULL, array_of_sizes,
                      array_of_subsizes, array_of_starts, order, oldtype, newtype);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

/* Darray: ints = size, rank, ndims, gsizes, distribs, dargs, psizes, order
 * (classic) or the same without gsizes, which go to counts (large). */
static int darray(const char *fname, int size, int rank, int ndims, const int *igs,
                  const MPI_Count *cgs, const int *distribs, const int *dargs,
                  const int *psizes, int order, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    tn_datatype_t *old;
    int rc = one_type(fname, oldtype, &old), large = cgs != NULL;
    int n = ndims > 0 ? ndims : 0;
    if (!rc)
        rc = array_arg(fname, "array_of_gsizes", large ? (const void *)cgs : igs, n);
    if (!rc)
        rc = array_arg(fname, "array_of_distribs", distribs, n);
    if (!rc)
        rc = array_arg(fname, "array_of_dargs", dargs, n);
    if (!rc)
        rc = array_arg(fname, "array_of_psizes", psizes, n);
    if (rc)
        return rc;
    int ni = n == 0 ? 3 : (large ? 3 : 4) * n + 4, k = 3;
    int *ints = malloc((size_t)ni * sizeof *ints);
    MPI_Count *counts = large && n ? malloc((size_t)n * sizeof *counts) : NULL;
    if (!ints || (large && n && !counts)) {
        rc = TN_ERR_SETMEM(fname);
        goto out;
    }
    ints[0] = size;
    ints[1] = rank;
    ints[2] = ndims;
    if (n) {
        if (large)
            memcpy(counts, cgs, (size_t)n * sizeof *counts);
        else
            for (int d = 0; d < n; d++)
                ints[k++] = igs[d];
        for (int d = 0; d < n; d++)
            ints[k++] = distribs[d];
        for (int d = 0; d < n; d++)
            ints[k++] = dargs[d];
        for (int d = 0; d < n; d++)
            ints[k++] = psizes[d];
        ints[k] = order;
    }
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_DARRAY, .n_ints = ni, .ints = ints,
                         .n_counts = counts ? n : 0, .counts = counts, .n_types = 1,
                         .types = &old};
    rc = new_type(fname, &a, newtype);
out:
    free(counts);
    free(ints);
    return rc;
}

TN_API(Type_create_darray)
int PMPI_Type_create_darray(int size, int rank, int ndims, const int array_of_gsizes[],
                            const int array_of_distribs[], const int array_of_dargs[],
                            const int array_of_psizes[], int order, MPI_Datatype oldtype,
                            MPI_Datatype *newtype)
{
    int rc = darray("MPI_Type_create_darray", size, rank, ndims, array_of_gsizes, NULL,
                    array_of_distribs, array_of_dargs, array_of_psizes, order, oldtype, newtype);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_darray_c)
int PMPI_Type_create_darray_c(int size, int rank, int ndims, const MPI_Count array_of_gsizes[],
                              const int array_of_distribs[], const int array_of_dargs[],
                              const int array_of_psizes[], int order, MPI_Datatype oldtype,
                              MPI_Datatype *newtype)
{
    int rc = darray("MPI_Type_create_darray_c", size, rank, ndims, NULL, array_of_gsizes,
                    array_of_distribs, array_of_dargs, array_of_psizes, order, oldtype, newtype);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_create_resized)
int PMPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent,
                             MPI_Datatype *newtype)
{
    MPI_Aint aints[2] = {lb, extent};
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_RESIZED, .n_aints = 2, .aints = aints};
    return of_one_type("MPI_Type_create_resized", oldtype, &a, newtype);
}

TN_API(Type_create_resized_c)
int PMPI_Type_create_resized_c(MPI_Datatype oldtype, MPI_Count lb, MPI_Count extent,
                               MPI_Datatype *newtype)
{
    MPI_Count counts[2] = {lb, extent};
    tn_dtype_args_t a = {.combiner = MPI_COMBINER_RESIZED, .n_counts = 2, .counts = counts};
    return of_one_type("MPI_Type_create_resized_c", oldtype, &a, newtype);
}

TN_API(Type_dup)
int PMPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    static const char fname[] = "MPI_Type_dup";
    tn_datatype_t *old, *dt;
    tn_attr_t *attrs = NULL;
    int rc = one_type(fname, oldtype, &old);
    if (!rc)
        rc = tn_check_ptr(fname, "newtype", newtype);
    if (!rc && old->attrs)
        rc = tn_attr_copy_list(TN_KIND_DATATYPE, old->handle, old->attrs, &attrs);
    if (!rc) {
        tn_dtype_args_t a = {.combiner = MPI_COMBINER_DUP, .n_types = 1, .types = &old};
        rc = tn_dtype_create(fname, &a, &dt);
        if (rc && attrs)
            tn_attr_delete_all(TN_KIND_DATATYPE, MPI_DATATYPE_NULL, &attrs);
    }
    if (rc)
        return tn_err_raise(rc);
    dt->attrs = attrs;
    dt->committed = old->committed;
    *newtype = dt->handle;
    return MPI_SUCCESS;
}

/* ---- Commit, free ---- */

/* The INOUT datatype argument of MPI_Type_commit and MPI_Type_free. */
static int inout_type(const char *fname, MPI_Datatype *datatype, tn_datatype_t **dt)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "datatype", datatype);
    return rc ? rc : tn_datatype_arg(fname, "datatype", *datatype, dt);
}

TN_API(Type_commit)
int PMPI_Type_commit(MPI_Datatype *datatype)
{
    tn_datatype_t *dt;
    int rc = inout_type("MPI_Type_commit", datatype, &dt);
    if (rc)
        return tn_err_raise(rc);
    /* The layout is computed at construction; committing only allows use. */
    dt->committed = 1;
    return MPI_SUCCESS;
}

TN_API(Type_free)
int PMPI_Type_free(MPI_Datatype *datatype)
{
    static const char fname[] = "MPI_Type_free";
    tn_datatype_t *dt;
    int rc = inout_type(fname, datatype, &dt);
    if (!rc)
        rc = tn_datatype_free(fname, dt);
    if (rc)
        return tn_err_raise(rc);
    *datatype = MPI_DATATYPE_NULL;
    return MPI_SUCCESS;
}

/* ---- Decoding ---- */

static int envelope(const char *fname, MPI_Datatype datatype, const void *p1, const void *p2,
                    const void *p3, const void *p4, const int *combiner, tn_datatype_t **dt)
{
    int rc = one_type_arg(fname, datatype, dt);
    if (!rc)
        rc = tn_check_ptr(fname, "num_integers", p1);
    if (!rc)
        rc = tn_check_ptr(fname, "num_addresses", p2);
    if (!rc && p3)
        rc = tn_check_ptr(fname, "num_large_counts", p3);
    if (!rc)
        rc = tn_check_ptr(fname, "num_datatypes", p4);
    if (!rc)
        rc = tn_check_ptr(fname, "combiner", combiner);
    return rc;
}

static int no_large(const char *fname, const tn_datatype_t *dt)
{
    if (dt->n_counts)
        return tn_err_set(MPI_ERR_TYPE,
                          "%s: datatype 0x%x was made by a large-count constructor; use %s_c",
                          fname, (unsigned)dt->handle, fname);
    return MPI_SUCCESS;
}

TN_API(Type_get_envelope)
int PMPI_Type_get_envelope(MPI_Datatype datatype, int *num_integers, int *num_addresses,
                           int *num_datatypes, int *combiner)
{
    static const char fname[] = "MPI_Type_get_envelope";
    tn_datatype_t *dt;
    int rc = envelope(fname, datatype, num_integers, num_addresses, NULL, num_datatypes,
                      combiner, &dt);
    if (!rc)
        rc = no_large(fname, dt);
    if (rc)
        return tn_err_raise(rc);
    *num_integers = dt->n_ints;
    *num_addresses = dt->n_aints;
    *num_datatypes = dt->n_types;
    *combiner = dt->combiner;
    return MPI_SUCCESS;
}

TN_API(Type_get_envelope_c)
int PMPI_Type_get_envelope_c(MPI_Datatype datatype, MPI_Count *num_integers,
                             MPI_Count *num_addresses, MPI_Count *num_large_counts,
                             MPI_Count *num_datatypes, int *combiner)
{
    static const char fname[] = "MPI_Type_get_envelope_c";
    tn_datatype_t *dt;
    int rc = envelope(fname, datatype, num_integers, num_addresses, num_large_counts,
                      num_datatypes, combiner, &dt);
    if (rc)
        return tn_err_raise(rc);
    *num_integers = dt->n_ints;
    *num_addresses = dt->n_aints;
    *num_large_counts = dt->n_counts;
    *num_datatypes = dt->n_types;
    *combiner = dt->combiner;
    return MPI_SUCCESS;
}

static int too_small(const char *fname, const char *arg, MPI_Count max, MPI_Count need)
{
    return tn_err_set(MPI_ERR_ARG, "%s: %s %lld is less than the %lld the datatype needs",
                      fname, arg, (long long)max, (long long)need);
}

/* Checks and copies out a derived type's arguments; the types returned are
 * new user references (predefined ones are returned as they are). */
static int contents(const char *fname, tn_datatype_t *dt, MPI_Count max_i, MPI_Count max_a,
                    MPI_Count max_c, MPI_Count max_d, int *ints, MPI_Aint *aints,
                    MPI_Count *counts, MPI_Datatype *types)
{
    if (dt->combiner == MPI_COMBINER_NAMED)
        return tn_err_set(MPI_ERR_TYPE, "%s: %s is a predefined datatype and has no contents",
                          fname, dt->name);
    if (max_i < dt->n_ints)
        return too_small(fname, "max_integers", max_i, dt->n_ints);
    if (max_a < dt->n_aints)
        return too_small(fname, "max_addresses", max_a, dt->n_aints);
    if (max_c < dt->n_counts)
        return too_small(fname, "max_large_counts", max_c, dt->n_counts);
    if (max_d < dt->n_types)
        return too_small(fname, "max_datatypes", max_d, dt->n_types);
    int rc = array_arg(fname, "array_of_integers", ints, dt->n_ints);
    if (!rc)
        rc = array_arg(fname, "array_of_addresses", aints, dt->n_aints);
    if (!rc)
        rc = array_arg(fname, "array_of_large_counts", counts, dt->n_counts);
    if (!rc)
        rc = array_arg(fname, "array_of_datatypes", types, dt->n_types);
    if (rc)
        return rc;
    if (dt->n_ints)
        memcpy(ints, dt->ints, (size_t)dt->n_ints * sizeof *ints);
    if (dt->n_aints)
        memcpy(aints, dt->aints, (size_t)dt->n_aints * sizeof *aints);
    for (MPI_Count i = 0; i < dt->n_counts; i++)
        counts[i] = dt->counts[i];
    for (int i = 0; i < dt->n_types; i++) {
        tn_datatype_t *t = dt->types[i];
        if (!t->builtin) {
            tn_datatype_ref(t);
            t->user_refs++;
        }
        types[i] = t->handle;
    }
    return MPI_SUCCESS;
}

TN_API(Type_get_contents)
int PMPI_Type_get_contents(MPI_Datatype datatype, int max_integers, int max_addresses,
                           int max_datatypes, int array_of_integers[],
                           MPI_Aint array_of_addresses[], MPI_Datatype array_of_datatypes[])
{
    static const char fname[] = "MPI_Type_get_contents";
    tn_datatype_t *dt;
    int rc = one_type_arg(fname, datatype, &dt);
    if (!rc)
        rc = no_large(fname, dt);
    if (!rc)
        rc = contents(fname, dt, max_integers, max_addresses, 0, max_datatypes,
                      array_of_integers, array_of_addresses, NULL, array_of_datatypes);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Type_get_contents_c)
int PMPI_Type_get_contents_c(MPI_Datatype datatype, MPI_Count max_integers,
                             MPI_Count max_addresses, MPI_Count max_large_counts,
                             MPI_Count max_datatypes, int array_of_integers[],
                             MPI_Aint array_of_addresses[], MPI_Count array_of_large_counts[],
                             MPI_Datatype array_of_datatypes[])
{
    static const char fname[] = "MPI_Type_get_contents_c";
    tn_datatype_t *dt;
    int rc = one_type_arg(fname, datatype, &dt);
    if (!rc)
        rc = contents(fname, dt, max_integers, max_addresses, max_large_counts, max_datatypes,
                      array_of_integers, array_of_addresses, array_of_large_counts,
                      array_of_datatypes);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

/* ---- Names ---- */

TN_API(Type_set_name)
int PMPI_Type_set_name(MPI_Datatype datatype, const char *type_name)
{
    static const char fname[] = "MPI_Type_set_name";
    tn_datatype_t *dt;
    int rc = one_type_arg(fname, datatype, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "type_name", type_name);
    if (rc)
        return tn_err_raise(rc);
    /* Longer names are truncated (MPI 4.1 §7.8 allows it). */
    snprintf(dt->name, sizeof dt->name, "%s", type_name);
    return MPI_SUCCESS;
}

TN_API(Type_get_name)
int PMPI_Type_get_name(MPI_Datatype datatype, char *type_name, int *resultlen)
{
    static const char fname[] = "MPI_Type_get_name";
    tn_datatype_t *dt;
    int rc = one_type_arg(fname, datatype, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "type_name", type_name);
    if (!rc)
        rc = tn_check_ptr(fname, "resultlen", resultlen);
    if (rc)
        return tn_err_raise(rc);
    const char *name = tn_datatype_name(dt);
    size_t len = strlen(name);
    memcpy(type_name, name, len + 1);
    *resultlen = (int)len;
    return MPI_SUCCESS;
}

/* ---- Predefined-type lookups ---- */

TN_API(Type_match_size)
int PMPI_Type_match_size(int typeclass, int size, MPI_Datatype *datatype)
{
    static const char fname[] = "MPI_Type_match_size";
    MPI_Datatype t = MPI_DATATYPE_NULL;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "datatype", datatype);
    if (rc)
        return tn_err_raise(rc);
    /* The Fortran size-specific types, as MPICH answers. */
    switch (typeclass) {
    case MPI_TYPECLASS_INTEGER:
        t = size == 1 ? MPI_INTEGER1 : size == 2 ? MPI_INTEGER2 : size == 4 ? MPI_INTEGER4
            : size == 8 ? MPI_INTEGER8 : MPI_DATATYPE_NULL;
        break;
    case MPI_TYPECLASS_REAL:
        t = size == 4 ? MPI_REAL4 : size == 8 ? MPI_REAL8 : size == 16 ? MPI_REAL16
                                                                       : MPI_DATATYPE_NULL;
        break;
    case MPI_TYPECLASS_COMPLEX:
        t = size == 8 ? MPI_COMPLEX8 : size == 16 ? MPI_COMPLEX16 : size == 32 ? MPI_COMPLEX32
                                                                               : MPI_DATATYPE_NULL;
        break;
    default:
        return tn_err_raise(tn_err_set(MPI_ERR_ARG,
                                       "%s: typeclass %d is not MPI_TYPECLASS_INTEGER, _REAL or "
                                       "_COMPLEX",
                                       fname, typeclass));
    }
    if (t == MPI_DATATYPE_NULL)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG,
                                       "%s: no predefined type of typeclass %d has size %d",
                                       fname, typeclass, size));
    *datatype = t;
    return MPI_SUCCESS;
}

TN_API(Type_get_value_index)
int PMPI_Type_get_value_index(MPI_Datatype value_type, MPI_Datatype index_type,
                              MPI_Datatype *pair_type)
{
    static const char fname[] = "MPI_Type_get_value_index";
    static const struct {
        MPI_Datatype value, index, pair;
    } pairs[] = {
        {MPI_FLOAT, MPI_INT, MPI_FLOAT_INT},
        {MPI_DOUBLE, MPI_INT, MPI_DOUBLE_INT},
        {MPI_LONG, MPI_INT, MPI_LONG_INT},
        {MPI_SHORT, MPI_INT, MPI_SHORT_INT},
        {MPI_INT, MPI_INT, MPI_2INT},
        {MPI_LONG_DOUBLE, MPI_INT, MPI_LONG_DOUBLE_INT},
        {MPI_INTEGER, MPI_INTEGER, MPI_2INTEGER},
        {MPI_REAL, MPI_REAL, MPI_2REAL},
        {MPI_DOUBLE_PRECISION, MPI_DOUBLE_PRECISION, MPI_2DOUBLE_PRECISION},
    };
    tn_datatype_t *v, *i;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_datatype_arg(fname, "value_type", value_type, &v);
    if (!rc)
        rc = tn_datatype_arg(fname, "index_type", index_type, &i);
    if (!rc)
        rc = tn_check_ptr(fname, "pair_type", pair_type);
    if (rc)
        return tn_err_raise(rc);
    *pair_type = MPI_DATATYPE_NULL;
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
        if (pairs[k].value == value_type && pairs[k].index == index_type)
            *pair_type = pairs[k].pair;
    return MPI_SUCCESS;
}

/* Fortran 90 parameterized types: the predefined type of the kind
 * SELECTED_REAL_KIND(p, r) / SELECTED_INT_KIND(r) picks with gfortran
 * (MPI_UNDEFINED leaves p or r free). */
static int f90_real_bytes(int p, int r)
{
    if (p == MPI_UNDEFINED)
        p = 0;
    if (r == MPI_UNDEFINED)
        r = 0;
    return p <= 6 && r <= 37 ? 4 : p <= 15 && r <= 307 ? 8 : p <= 33 && r <= 4931 ? 16 : 0;
}

static int f90_type(const char *fname, MPI_Datatype t, MPI_Datatype *newtype)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "newtype", newtype);
    if (!rc && t == MPI_DATATYPE_NULL)
        rc = tn_err_set(MPI_ERR_ARG, "%s: no Fortran kind has the precision and range asked",
                        fname);
    if (rc)
        return tn_err_raise(rc);
    *newtype = t;
    return MPI_SUCCESS;
}

TN_API(Type_create_f90_real)
int PMPI_Type_create_f90_real(int p, int r, MPI_Datatype *newtype)
{
    int n = f90_real_bytes(p, r);
    return f90_type("MPI_Type_create_f90_real", n == 4 ? MPI_REAL4 : n == 8 ? MPI_REAL8
                                                : n == 16 ? MPI_REAL16 : MPI_DATATYPE_NULL,
                    newtype);
}

TN_API(Type_create_f90_complex)
int PMPI_Type_create_f90_complex(int p, int r, MPI_Datatype *newtype)
{
    int n = f90_real_bytes(p, r);
    return f90_type("MPI_Type_create_f90_complex",
                    n == 4 ? MPI_COMPLEX8 : n == 8 ? MPI_COMPLEX16
                                          : n == 16 ? MPI_COMPLEX32 : MPI_DATATYPE_NULL,
                    newtype);
}

TN_API(Type_create_f90_integer)
int PMPI_Type_create_f90_integer(int r, MPI_Datatype *newtype)
{
    if (r == MPI_UNDEFINED)
        r = 0;
    return f90_type("MPI_Type_create_f90_integer",
                    r <= 2 ? MPI_INTEGER1 : r <= 4 ? MPI_INTEGER2 : r <= 9 ? MPI_INTEGER4
                                                    : r <= 18 ? MPI_INTEGER8 : MPI_DATATYPE_NULL,
                    newtype);
}

/* ---- Addresses ---- */

static int get_address(const char *fname, const void *location, MPI_Aint *address)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "address", address);
    if (rc)
        return tn_err_raise(rc);
    *address = (MPI_Aint)location;
    return MPI_SUCCESS;
}

TN_API(Get_address)
int PMPI_Get_address(const void *location, MPI_Aint *address)
{
    return get_address("MPI_Get_address", location, address);
}

TN_API(Aint_add)
MPI_Aint PMPI_Aint_add(MPI_Aint base, MPI_Aint disp)
{
    return (MPI_Aint)((unsigned long)base + (unsigned long)disp);
}

TN_API(Aint_diff)
MPI_Aint PMPI_Aint_diff(MPI_Aint addr1, MPI_Aint addr2)
{
    return (MPI_Aint)((unsigned long)addr1 - (unsigned long)addr2);
}

/* ---- Removed in MPI 3.0, kept for binaries built against MPICH ---- */

TN_API(Address)
int PMPI_Address(void *location, MPI_Aint *address)
{
    return get_address("MPI_Address", location, address);
}

/* One output of the removed queries: the second value of kind k, or the first. */
static int removed_query(const char *fname, MPI_Datatype datatype, enum layout_kind k,
                         int second, MPI_Aint *out)
{
    MPI_Count v[2];
    int rc = layout(fname, datatype, k, out, NULL, &v[0], &v[1]);
    if (rc)
        return tn_err_raise(rc);
    *out = (MPI_Aint)v[second];
    return MPI_SUCCESS;
}

TN_API(Type_extent)
int PMPI_Type_extent(MPI_Datatype datatype, MPI_Aint *extent)
{
    return removed_query("MPI_Type_extent", datatype, L_EXTENT, 1, extent);
}

TN_API(Type_lb)
int PMPI_Type_lb(MPI_Datatype datatype, MPI_Aint *displacement)
{
    return removed_query("MPI_Type_lb", datatype, L_BOUNDS, 0, displacement);
}

TN_API(Type_ub)
int PMPI_Type_ub(MPI_Datatype datatype, MPI_Aint *displacement)
{
    return removed_query("MPI_Type_ub", datatype, L_BOUNDS, 1, displacement);
}

TN_API(Type_hvector)
int PMPI_Type_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                      MPI_Datatype *newtype)
{
    return PMPI_Type_create_hvector(count, blocklength, stride, oldtype, newtype);
}

TN_API(Type_hindexed)
int PMPI_Type_hindexed(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                       MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    return PMPI_Type_create_hindexed(count, array_of_blocklengths, array_of_displacements,
                                     oldtype, newtype);
}

TN_API(Type_struct)
int PMPI_Type_struct(int count, int array_of_blocklengths[], MPI_Aint array_of_displacements[],
                     MPI_Datatype array_of_types[], MPI_Datatype *newtype)
{
    return PMPI_Type_create_struct(count, array_of_blocklengths, array_of_displacements,
                                   array_of_types, newtype);
}
