/* The datatype engine.
 *
 * Every datatype, builtin or derived, is described by its type map flattened
 * into contiguous byte segments (offset from the buffer start, length), in
 * type-map order, adjacent segments merged. Packing n elements walks the
 * segments n times, shifting by the extent each time. Reductions need the
 * basic type the data is made of (`basic`), which is MPI_DATATYPE_NULL for
 * mixed types. */
#ifndef TN_DATATYPE_H
#define TN_DATATYPE_H

#include <stddef.h>
#include <mpi.h>
#include "core/attr.h"

typedef struct tn_dtype_seg {
    MPI_Aint disp;
    MPI_Aint len;
} tn_dtype_seg_t;

typedef struct tn_datatype {
    int handle;
    int refs;
    int builtin;       /* predefined: never freed */
    int committed;
    MPI_Count size;    /* bytes of data in one element */
    MPI_Aint lb, ub, extent;
    MPI_Aint true_lb, true_ub;
    int contig;        /* data is one segment starting at lb... and size == extent */
    int nsegs;
    tn_dtype_seg_t *segs;
    MPI_Datatype basic;     /* the one predefined type all data is made of, or MPI_DATATYPE_NULL */
    MPI_Count basic_count;  /* number of basic elements per element (Get_elements) */
    /* Type_get_envelope / Type_get_contents */
    int combiner;
    int n_ints, n_aints, n_types;
    int *ints;
    MPI_Aint *aints;
    MPI_Datatype *types;
    tn_attr_t *attrs;
    char name[MPI_MAX_OBJECT_NAME];
} tn_datatype_t;

void tn_datatype_init_builtins(void);
void tn_datatype_finalize(void);
/* Handle → object; NULL for invalid handles and MPI_DATATYPE_NULL. */
tn_datatype_t *tn_datatype_get(MPI_Datatype handle);
tn_datatype_t *tn_datatype_ref(tn_datatype_t *dt);
void tn_datatype_release(tn_datatype_t *dt);

/* Validates a (count, datatype) argument pair for API function fname: count
 * >= 0, datatype valid and committed. Returns MPI_SUCCESS or an error code
 * whose message names fname. On success *dt is set. */
int tn_datatype_check(const char *fname, MPI_Aint count, MPI_Datatype type, tn_datatype_t **dt);

/* Packs bytes [offset, offset+max) of the packed representation of
 * count elements at buf into out; returns the number of bytes written. */
size_t tn_dtype_pack(const tn_datatype_t *dt, const void *buf, MPI_Aint count, size_t offset,
                     void *out, size_t max);
/* Inverse of tn_dtype_pack. */
size_t tn_dtype_unpack(const tn_datatype_t *dt, void *buf, MPI_Aint count, size_t offset,
                       const void *in, size_t len);
/* Whether count elements at buf are one contiguous block; if so, *start is
 * its first byte. */
int tn_dtype_is_contig(const tn_datatype_t *dt, MPI_Aint count, const void *buf,
                       const void **start);
/* Copies count elements of stype at sbuf into rcount elements of rtype at rbuf
 * (local copy used by collectives and self sends); truncation is an error. */
int tn_dtype_copy(const void *sbuf, MPI_Aint scount, const tn_datatype_t *stype, void *rbuf,
                  MPI_Aint rcount, const tn_datatype_t *rtype);
/* Number of whole basic elements in nbytes of dt data (MPI_Get_elements);
 * MPI_UNDEFINED if nbytes does not fall on a basic-element boundary. */
MPI_Count tn_dtype_elements(const tn_datatype_t *dt, MPI_Count nbytes);

#endif
