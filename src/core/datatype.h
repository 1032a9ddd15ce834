/* The datatype engine.
 *
 * Every datatype, builtin or derived, is described by its type map flattened
 * into contiguous byte segments (displacement from the buffer start, length),
 * in type-map order, adjacent segments merged. The packed representation of
 * count elements is their segments' bytes in order, element after element,
 * element k shifted by k * extent. Reductions need the basic type the data is
 * made of (`basic`), which is MPI_DATATYPE_NULL for mixed types.
 *
 * Handles: predefined types have MPICH's values (0x4c00SSII, SS = size, II =
 * index; the MINLOC pair types 0x8c00000k); derived types are 0xcc00xxxx
 * (MPICH's "indirect" tier, so they never collide with the pair types). The
 * object of a predefined handle is found by decoding the handle. */
#ifndef TN_DATATYPE_H
#define TN_DATATYPE_H

#include <stddef.h>
#include <mpi.h>
#include "core/attr.h"
#include "core/handle.h"

typedef struct tn_dtype_seg {
    MPI_Aint disp;
    MPI_Aint len;
} tn_dtype_seg_t;

typedef struct tn_datatype {
    int handle;
    int refs;          /* every reference: the user's handles and internal ones */
    int user_refs;     /* handles the user holds (creation, Type_get_contents); 0 once freed */
    int builtin;       /* predefined: never freed */
    int committed;
    MPI_Count size;    /* bytes of data in one element */
    MPI_Aint lb, ub, extent;
    MPI_Aint true_lb, true_ub;
    int align;         /* alignment of the data, for the padding of structs */
    /* contig: count elements at buf are the single block of count * size bytes
     * starting at buf + segs[0].disp, for any count (no bytes at all when
     * size == 0). True when size == 0, or when there is one segment and its
     * length is the extent. tn_dtype_is_contig also knows count 0 and 1. */
    int contig;
    int nsegs;
    tn_dtype_seg_t *segs;
    MPI_Aint *seg_pos;     /* seg_pos[i]: offset of segs[i] in the packed element (nsegs > 1) */
    int segs_shared;       /* segs and seg_pos belong to types[0] (dup, resized) */
    tn_dtype_seg_t seg_inline[2]; /* storage when nsegs <= 2 */
    MPI_Aint pos_inline[2];
    MPI_Datatype basic;     /* the one predefined type all data is made of, or MPI_DATATYPE_NULL */
    MPI_Count basic_count;  /* number of basic elements per element (Get_elements) */
    /* Type_get_envelope / Type_get_contents: the constructor's arguments, laid
     * out as the standard's table for the combiner says. Types made by the
     * large-count (_c) constructors have n_counts > 0. */
    int combiner;
    int n_ints, n_aints, n_types;
    MPI_Count n_counts;
    int *ints;
    MPI_Aint *aints;
    MPI_Count *counts;
    struct tn_datatype **types; /* referenced */
    tn_attr_t *attrs;
    char name[MPI_MAX_OBJECT_NAME];
} tn_datatype_t;

/* The C layouts of the predefined MINLOC/MAXLOC pair types. */
typedef struct { float v; int i; } tn_float_int_t;
typedef struct { double v; int i; } tn_double_int_t;
typedef struct { long v; int i; } tn_long_int_t;
typedef struct { short v; int i; } tn_short_int_t;
typedef struct { int v; int i; } tn_2int_t;
typedef struct { long double v; int i; } tn_long_double_int_t;
typedef struct { float v; float i; } tn_2float_t;   /* MPI_2REAL */
typedef struct { double v; double i; } tn_2double_t; /* MPI_2DOUBLE_PRECISION */

/* Fortran REAL*16 and COMPLEX*32 are IEEE quad precision (gfortran). */
#ifdef __FLT128_MANT_DIG__
typedef _Float128 tn_real16_t;
typedef _Float128 _Complex tn_complex32_t;
#else
typedef long double tn_real16_t;
typedef long double _Complex tn_complex32_t;
#endif

/* Index of a predefined type in per-type tables (0..255); only meaningful for
 * predefined handles. The pair types 0x8c00000k take 0xf8 + k. */
#define TN_DTYPE_SLOT(h) \
    (((unsigned)(h) >> 31) ? 0xf8u + ((unsigned)(h) & 7u) : ((unsigned)(h) & 0xffu))

void tn_datatype_init_builtins(void);
void tn_datatype_finalize(void);
/* The predefined types, by TN_DTYPE_SLOT (unused slots have handle 0). */
extern tn_datatype_t tn_dtype_builtins[256];
tn_datatype_t *tn_datatype_get_slow(MPI_Datatype handle);
/* Handle → object; NULL for invalid handles, MPI_DATATYPE_NULL and derived
 * types the user has freed. Predefined scalar types are found inline: they
 * are what most calls pass. */
static inline tn_datatype_t *tn_datatype_get(MPI_Datatype handle)
{
    tn_datatype_t *dt = &tn_dtype_builtins[(unsigned)handle & 0xffu];
    if (__builtin_expect(((unsigned)handle >> 26) ==
                                 ((TN_HANDLE_TIER_BUILTIN << 4) | TN_KIND_DATATYPE) &&
                             dt->handle == handle,
                         1))
        return dt;
    return tn_datatype_get_slow(handle);
}
tn_datatype_t *tn_datatype_ref(tn_datatype_t *dt);
void tn_datatype_release(tn_datatype_t *dt);
/* Gives a new derived type its handle; 0 when out of memory. */
int tn_datatype_register(tn_datatype_t *dt);

/* Validates a datatype argument of API function fname: a valid handle, not
 * MPI_DATATYPE_NULL (committed or not). argname is "datatype", "oldtype", …
 * On success *dt is set. */
int tn_datatype_arg(const char *fname, const char *argname, MPI_Datatype type, tn_datatype_t **dt);
/* Validates a (count, datatype) argument pair for API function fname: count
 * >= 0, datatype valid and committed. Returns MPI_SUCCESS or an error code
 * whose message names fname. On success *dt is set. */
int tn_datatype_check(const char *fname, MPI_Aint count, MPI_Datatype type, tn_datatype_t **dt);
/* MPI_Type_free of one user handle (MPI_ERR_TYPE for predefined types);
 * deletes the attributes first. */
int tn_datatype_free(const char *fname, tn_datatype_t *dt);
/* The name MPI_Type_get_name reports ("" for unnamed derived types). */
const char *tn_datatype_name(const tn_datatype_t *dt);

/* ---- Constructors (dtype_build.c) ---- */

/* A constructor call, as MPI_Type_get_contents(_c) returns it: the arrays
 * hold the arguments in the standard's order for the combiner; n_counts > 0
 * marks a large-count (_c) constructor. */
typedef struct tn_dtype_args {
    int combiner;
    int n_ints, n_aints, n_types;
    MPI_Count n_counts;
    const int *ints;
    const MPI_Aint *aints;
    const MPI_Count *counts;
    tn_datatype_t *const *types;
} tn_dtype_args_t;

/* Validates the arguments (errors name fname and the bad argument), builds the
 * type (uncommitted, one user reference) and registers its handle. */
int tn_dtype_create(const char *fname, const tn_dtype_args_t *args, tn_datatype_t **out);

/* Calls fn for each block of dt in type-map order: n consecutive elements of
 * type t (spaced by t's extent) starting at displacement disp. Stops at the
 * first nonzero return of fn and returns it. Predefined types have no blocks. */
typedef int tn_dtype_block_fn(void *ctx, MPI_Aint disp, MPI_Count n, tn_datatype_t *t);
int tn_dtype_foreach_block(const tn_datatype_t *dt, tn_dtype_block_fn *fn, void *ctx);

/* ---- Data movement (dtype_pack.c) ---- */

/* Packs bytes [offset, offset+max) of the packed representation of
 * count elements at buf into out; returns the number of bytes written. */
size_t tn_dtype_pack(const tn_datatype_t *dt, const void *buf, MPI_Aint count, size_t offset,
                     void *out, size_t max);
/* Inverse of tn_dtype_pack: fills bytes [offset, offset+len) of the packed
 * representation of count elements at buf from in; returns the bytes used. */
size_t tn_dtype_unpack(const tn_datatype_t *dt, void *buf, MPI_Aint count, size_t offset,
                       const void *in, size_t len);
/* Whether count elements at buf are one contiguous block; if so, *start is
 * its first byte. */
int tn_dtype_is_contig(const tn_datatype_t *dt, MPI_Aint count, const void *buf,
                       const void **start);
/* Copies count elements of stype at sbuf into rcount elements of rtype at rbuf
 * (local copy used by collectives and self sends). When the data does not fit,
 * copies what fits and returns MPI_ERR_TRUNCATE. */
int tn_dtype_copy(const void *sbuf, MPI_Aint scount, const tn_datatype_t *stype, void *rbuf,
                  MPI_Aint rcount, const tn_datatype_t *rtype);
/* Number of whole basic elements in nbytes of dt data (MPI_Get_elements);
 * MPI_UNDEFINED if nbytes does not fall on a basic-element boundary. */
MPI_Count tn_dtype_elements(const tn_datatype_t *dt, MPI_Count nbytes);

/* Walks the contiguous pieces of count elements at buf, starting at byte
 * offset of their packed representation: for building iovecs or registering
 * memory. */
typedef struct tn_dtype_iter {
    const tn_datatype_t *dt;
    char *base;        /* start of the current element (buf + elem * extent) */
    MPI_Count left;    /* packed bytes still to come */
    int seg;           /* current segment */
    MPI_Aint off;      /* bytes of the current segment already passed */
} tn_dtype_iter_t;

void tn_dtype_iter_init(tn_dtype_iter_t *it, const tn_datatype_t *dt, const void *buf,
                        MPI_Aint count, MPI_Count offset);
/* The next piece, at most max bytes: returns its length (0 at the end) and
 * sets *ptr to its first byte. */
MPI_Aint tn_dtype_iter_next(tn_dtype_iter_t *it, MPI_Aint max, void **ptr);

/* ---- external32 (dtype_pack.c) ---- */

/* Size in bytes of count elements of dt in the external32 representation. */
MPI_Count tn_dtype_external_size(const tn_datatype_t *dt, MPI_Count count);
/* Converts count elements at buf to external32 at out (which holds
 * tn_dtype_external_size bytes), or back when to_external is 0. */
void tn_dtype_external(const tn_datatype_t *dt, void *buf, MPI_Aint count, void *ext,
                       int to_external);

#endif
