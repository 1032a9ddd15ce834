/* Helpers shared by the collective algorithms: scratch buffers that respect a
 * datatype's bounds, paired exchanges, request cleanup, and the message sizes
 * at which an operation switches algorithm. */
#ifndef TN_COLL_UTIL_H
#define TN_COLL_UTIL_H

#include <stddef.h>
#include "coll/coll.h"
#include "p2p/p2p.h"

/* Algorithm switch points in bytes (MPICH's long-standing defaults; measure
 * before changing). Every rank must take the same decision, so they are only
 * compared with sizes that the standard makes equal on all ranks. */
#define TN_BCAST_SHORT 12288      /* from here, with >= TN_BCAST_MIN_PROCS ranks: scatter + ring */
#define TN_BCAST_MIN_PROCS 8
#define TN_ALLREDUCE_SHORT 2048   /* from here (commutative op): Rabenseifner */
#define TN_REDUCE_SHORT 2048      /* from here (commutative op): reduce-scatter + gather */
#define TN_ALLGATHER_SHORT 81920  /* total; below, on non-power-of-two sizes: Bruck */
#define TN_ALLGATHER_LONG 524288  /* total; from here: ring */
#define TN_ALLTOALL_LONG 32768    /* per block; from here: pairwise exchange */
#define TN_REDSCAT_LONG 524288    /* total; from here (commutative op): pairwise exchange */

/* Requests one rank keeps in flight in the linear algorithms (v-variants, alltoall). */
#define TN_COLL_BATCH 32

/* Stack space a collective offers for a small scratch buffer before it mallocs. */
#define TN_COLL_INLINE 1024
typedef union tn_coll_inline {
    max_align_t align;
    char bytes[TN_COLL_INLINE];
} tn_coll_inline_t;

/* Byte bounds [*lo, *hi) that count elements of dt touch, relative to the buffer address. */
void tn_coll_span(MPI_Aint count, const tn_datatype_t *dt, MPI_Aint *lo, MPI_Aint *hi);

/* Scratch space for count elements of dt; *buf is where element 0 goes (it
 * accounts for lb and extent, so it may lie outside the allocation). Uses inl
 * when it fits (inl may be NULL), else malloc; the caller passes *mem to free().
 * fname names the call in the out-of-memory message. */
int tn_coll_scratch(MPI_Aint count, const tn_datatype_t *dt, tn_coll_inline_t *inl, void **mem,
                    void **buf, const char *fname);
/* The same for nbytes of packed data. */
int tn_coll_scratch_bytes(size_t nbytes, tn_coll_inline_t *inl, void **mem, void **buf,
                          const char *fname);

/* The datatype used for packed data. */
tn_datatype_t *tn_coll_bytes(void);

/* Sends to dest while receiving from src (either may be MPI_PROC_NULL); the
 * receive is posted first, so peers that both call it never deadlock. */
int tn_coll_sendrecv(const void *sbuf, MPI_Aint scount, tn_datatype_t *stype, int dest,
                     void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int src, int tag,
                     tn_comm_t *comm);

/* After a failed post: cancels the n requests already posted (receives that
 * have not matched), waits for them and returns rc. */
int tn_coll_unwind(int n, tn_request_t **reqs, int rc);

/* Rabenseifner's building blocks (allreduce.c). Non-power-of-two sizes are
 * first folded onto pof2 = tn_coll_pof2(p) ranks: the even ranks below
 * 2 * rem (rem = p - pof2) hand their data to the odd rank above them, and the
 * others take new ranks 0..pof2-1 in rank order. */
/* The rank of new rank nr. */
int tn_coll_fold_rank(int nr, int rem);
/* Element offset of block i when count elements are cut into n nearly equal blocks. */
MPI_Aint tn_coll_block_disp(MPI_Aint count, int n, int i);
/* Reduce-scatter by recursive halving among the new ranks, for commutative
 * ops: afterwards block newrank of acc (pof2 blocks of count elements) holds
 * the reduction of everyone's block. tmp is scratch for count elements. */
int tn_coll_rs_halving(void *acc, void *tmp, MPI_Aint count, tn_datatype_t *dt, tn_op_t *op,
                       int newrank, int pof2, int rem, int tag, tn_comm_t *comm);

/* Largest power of two <= n, for n >= 1. */
static inline int tn_coll_pof2(int n)
{
    int p = 1;
    while (p <= n / 2)
        p <<= 1;
    return p;
}

/* Address of block i of a buffer made of blocks of count elements of dt. */
static inline char *tn_coll_block(const void *buf, MPI_Aint i, MPI_Aint count,
                                  const tn_datatype_t *dt)
{
    return (char *)buf + i * count * dt->extent;
}

#endif
