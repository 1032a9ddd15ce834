/* Datatype objects: the predefined types, handles, references, names. */
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "core/datatype.h"
#include "core/error.h"
#include "core/handle.h"

/* Derived types live in a handle table of kind DATATYPE; their public handles
 * carry tier 3 instead of the table's tier 2 (see datatype.h). */
#define DERIVED_BIT 0x40000000u
#define TOP6(h) ((unsigned)(h) >> 26)
#define TOP6_BUILTIN ((TN_HANDLE_TIER_BUILTIN << 4) | TN_KIND_DATATYPE)
#define TOP6_PAIR ((TN_HANDLE_TIER_DYNAMIC << 4) | TN_KIND_DATATYPE)
#define TOP6_DERIVED ((3u << 4) | TN_KIND_DATATYPE)
#define NPAIR 5 /* MPI_FLOAT_INT .. MPI_LONG_DOUBLE_INT */

static tn_htab_t dtype_tab = TN_HTAB_INIT(TN_KIND_DATATYPE);

/* A predefined scalar type: one segment, basic type itself. */
#define SCALAR_(h, nm, sz, al)                                                                     \
    [TN_DTYPE_SLOT(h)] = {.handle = (h), .refs = 1, .user_refs = 1, .builtin = 1,                  \
                          .committed = 1, .size = (sz), .ub = (sz), .extent = (sz),                \
                          .true_ub = (sz), .align = (al), .contig = 1, .nsegs = 1,                 \
                          .segs = tn_dtype_builtins[TN_DTYPE_SLOT(h)].seg_inline,                  \
                          .seg_inline = {{0, (sz)}}, .basic = (h), .basic_count = 1,               \
                          .combiner = MPI_COMBINER_NAMED, .name = nm}
#define SCALAR(h, T) SCALAR_(h, #h, sizeof(T), _Alignof(T))

/* A pair type {V v; I i;}: two segments unless v and i are adjacent. It is
 * its own basic type (MINLOC/MAXLOC see the pair) but holds 2 basic elements. */
#define ADJ_(P, V) (offsetof(P, i) == sizeof(V))
#define PAIR(h, P, V, I)                                                                           \
    [TN_DTYPE_SLOT(h)] = {                                                                         \
        .handle = (h), .refs = 1, .user_refs = 1, .builtin = 1, .committed = 1,                    \
        .size = sizeof(V) + sizeof(I), .ub = sizeof(P), .extent = sizeof(P),                       \
        .true_ub = offsetof(P, i) + sizeof(I), .align = _Alignof(P),                               \
        .contig = sizeof(V) + sizeof(I) == sizeof(P), .nsegs = ADJ_(P, V) ? 1 : 2,                 \
        .segs = tn_dtype_builtins[TN_DTYPE_SLOT(h)].seg_inline,                                    \
        .seg_pos = tn_dtype_builtins[TN_DTYPE_SLOT(h)].pos_inline,                                 \
        .seg_inline = {{0, ADJ_(P, V) ? sizeof(V) + sizeof(I) : sizeof(V)},                        \
                       {offsetof(P, i), sizeof(I)}},                                               \
        .pos_inline = {0, sizeof(V)}, .basic = (h), .basic_count = 2,                              \
        .combiner = MPI_COMBINER_NAMED, .name = #h}
/* MPI_LB and MPI_UB: markers without data. */
#define MARKER(h)                                                                                  \
    [TN_DTYPE_SLOT(h)] = {.handle = (h), .refs = 1, .user_refs = 1, .builtin = 1,                  \
                          .committed = 1, .align = 1, .contig = 1, .basic = (h),                   \
                          .combiner = MPI_COMBINER_NAMED, .name = #h}

tn_datatype_t tn_dtype_builtins[256] = {
    SCALAR(MPI_CHAR, char),
    SCALAR(MPI_SIGNED_CHAR, signed char),
    SCALAR(MPI_UNSIGNED_CHAR, unsigned char),
    SCALAR(MPI_BYTE, unsigned char),
    SCALAR(MPI_WCHAR, wchar_t),
    SCALAR(MPI_SHORT, short),
    SCALAR(MPI_UNSIGNED_SHORT, unsigned short),
    SCALAR(MPI_INT, int),
    SCALAR(MPI_UNSIGNED, unsigned),
    SCALAR(MPI_LONG, long),
    SCALAR(MPI_UNSIGNED_LONG, unsigned long),
    SCALAR(MPI_LONG_LONG_INT, long long),
    SCALAR(MPI_UNSIGNED_LONG_LONG, unsigned long long),
    SCALAR(MPI_FLOAT, float),
    SCALAR(MPI_DOUBLE, double),
    SCALAR(MPI_LONG_DOUBLE, long double),
    SCALAR(MPI_PACKED, unsigned char),
    MARKER(MPI_LB),
    MARKER(MPI_UB),
    PAIR(MPI_FLOAT_INT, tn_float_int_t, float, int),
    PAIR(MPI_DOUBLE_INT, tn_double_int_t, double, int),
    PAIR(MPI_LONG_INT, tn_long_int_t, long, int),
    PAIR(MPI_SHORT_INT, tn_short_int_t, short, int),
    PAIR(MPI_LONG_DOUBLE_INT, tn_long_double_int_t, long double, int),
    PAIR(MPI_2INT, tn_2int_t, int, int),
    SCALAR(MPI_INT8_T, int8_t),
    SCALAR(MPI_INT16_T, int16_t),
    SCALAR(MPI_INT32_T, int32_t),
    SCALAR(MPI_INT64_T, int64_t),
    SCALAR(MPI_UINT8_T, uint8_t),
    SCALAR(MPI_UINT16_T, uint16_t),
    SCALAR(MPI_UINT32_T, uint32_t),
    SCALAR(MPI_UINT64_T, uint64_t),
    SCALAR(MPI_C_BOOL, _Bool),
    SCALAR(MPI_C_FLOAT_COMPLEX, float _Complex),
    SCALAR(MPI_C_DOUBLE_COMPLEX, double _Complex),
    SCALAR(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex),
    SCALAR(MPI_AINT, MPI_Aint),
    SCALAR(MPI_OFFSET, MPI_Offset),
    SCALAR(MPI_COUNT, MPI_Count),
    SCALAR(MPI_CXX_BOOL, bool),
    SCALAR(MPI_CXX_FLOAT_COMPLEX, float _Complex),
    SCALAR(MPI_CXX_DOUBLE_COMPLEX, double _Complex),
    SCALAR(MPI_CXX_LONG_DOUBLE_COMPLEX, long double _Complex),
    /* Fortran (gfortran's defaults: INTEGER and LOGICAL are 4 bytes) */
    SCALAR(MPI_CHARACTER, char),
    SCALAR(MPI_LOGICAL, int32_t),
    SCALAR(MPI_INTEGER, int32_t),
    SCALAR(MPI_REAL, float),
    SCALAR(MPI_DOUBLE_PRECISION, double),
    SCALAR(MPI_COMPLEX, float _Complex),
    SCALAR(MPI_DOUBLE_COMPLEX, double _Complex),
    PAIR(MPI_2INTEGER, tn_2int_t, int, int),
    PAIR(MPI_2REAL, tn_2float_t, float, float),
    PAIR(MPI_2DOUBLE_PRECISION, tn_2double_t, double, double),
    SCALAR(MPI_INTEGER1, int8_t),
    SCALAR(MPI_INTEGER2, int16_t),
    SCALAR(MPI_INTEGER4, int32_t),
    SCALAR(MPI_INTEGER8, int64_t),
    SCALAR(MPI_REAL4, float),
    SCALAR(MPI_REAL8, double),
    SCALAR(MPI_REAL16, tn_real16_t),
    SCALAR(MPI_COMPLEX8, float _Complex),
    SCALAR(MPI_COMPLEX16, double _Complex),
    SCALAR(MPI_COMPLEX32, tn_complex32_t),
};

/* The handles encode their sizes; a mismatch would mean a wrong table entry. */
_Static_assert(sizeof(long double) == ((unsigned)MPI_LONG_DOUBLE >> 8 & 0xff),
               "MPI_LONG_DOUBLE's handle does not match this platform");
_Static_assert(sizeof(wchar_t) == ((unsigned)MPI_WCHAR >> 8 & 0xff),
               "MPI_WCHAR's handle does not match this platform");

void tn_datatype_init_builtins(void)
{
    /* The predefined types are static; nothing to set up. */
}

/* Frees dt's own memory; its components are not touched. */
static void free_object(tn_datatype_t *dt)
{
    if (!dt->segs_shared && dt->segs != dt->seg_inline) {
        free(dt->segs);
        free(dt->seg_pos);
    }
    free(dt->ints);
    free(dt->aints);
    free(dt->counts);
    free(dt->types);
    free(dt);
}

void tn_datatype_finalize(void)
{
    /* Types still alive at MPI_Finalize were never freed by the program (or
     * are components of such types): free them all, without attribute
     * callbacks. */
    for (int i = 0; i < dtype_tab.cap; i++)
        if (dtype_tab.slots[i])
            free_object(dtype_tab.slots[i]);
    tn_htab_destroy(&dtype_tab);
}

tn_datatype_t *tn_datatype_get_slow(MPI_Datatype handle)
{
    unsigned h = (unsigned)handle;
    tn_datatype_t *dt;
    switch (TOP6(h)) {
    case TOP6_BUILTIN:
        dt = &tn_dtype_builtins[h & 0xffu];
        return dt->handle == handle ? dt : NULL;
    case TOP6_PAIR:
        return TN_HANDLE_INDEX(h) < NPAIR ? &tn_dtype_builtins[TN_DTYPE_SLOT(h)] : NULL;
    case TOP6_DERIVED:
        dt = tn_htab_lookup(&dtype_tab, (int)(h & ~DERIVED_BIT));
        return dt && dt->user_refs > 0 ? dt : NULL;
    default:
        return NULL;
    }
}

tn_datatype_t *tn_datatype_ref(tn_datatype_t *dt)
{
    if (!dt->builtin)
        dt->refs++;
    return dt;
}

void tn_datatype_release(tn_datatype_t *dt)
{
    if (!dt || dt->builtin || --dt->refs > 0)
        return;
    tn_htab_remove(&dtype_tab, (int)((unsigned)dt->handle & ~DERIVED_BIT));
    for (int i = 0; i < dt->n_types; i++)
        tn_datatype_release(dt->types[i]);
    free_object(dt);
}

int tn_datatype_register(tn_datatype_t *dt)
{
    int h = tn_htab_insert(&dtype_tab, dt);
    if (!h)
        return 0;
    dt->handle = (int)((unsigned)h | DERIVED_BIT);
    return 1;
}

int tn_datatype_arg(const char *fname, const char *argname, MPI_Datatype type, tn_datatype_t **dt)
{
    if (type == MPI_DATATYPE_NULL)
        return tn_err_set(MPI_ERR_TYPE, "%s: %s is MPI_DATATYPE_NULL", fname, argname);
    tn_datatype_t *d = tn_datatype_get(type);
    if (!d)
        return tn_err_set(MPI_ERR_TYPE, "%s: %s 0x%x is not a valid datatype", fname, argname,
                          (unsigned)type);
    *dt = d;
    return MPI_SUCCESS;
}

int tn_datatype_check(const char *fname, MPI_Aint count, MPI_Datatype type, tn_datatype_t **dt)
{
    tn_datatype_t *d = NULL;
    if (count < 0)
        return tn_err_set(MPI_ERR_COUNT, "%s: count %ld is negative", fname, (long)count);
    int rc = tn_datatype_arg(fname, "datatype", type, &d);
    if (rc)
        return rc;
    if (!d->committed)
        return tn_err_set(MPI_ERR_TYPE,
                          "%s: datatype 0x%x has not been committed (call MPI_Type_commit)",
                          fname, (unsigned)type);
    *dt = d;
    return MPI_SUCCESS;
}

int tn_datatype_free(const char *fname, tn_datatype_t *dt)
{
    if (dt->builtin)
        return tn_err_set(MPI_ERR_TYPE, "%s: %s is a predefined datatype and cannot be freed",
                          fname, dt->name);
    /* Attributes go with the user's last handle. */
    if (dt->user_refs == 1 && dt->attrs) {
        int rc = tn_attr_delete_all(TN_KIND_DATATYPE, dt->handle, &dt->attrs);
        if (rc)
            return rc;
    }
    dt->user_refs--;
    tn_datatype_release(dt);
    return MPI_SUCCESS;
}

const char *tn_datatype_name(const tn_datatype_t *dt)
{
    return dt->name;
}
