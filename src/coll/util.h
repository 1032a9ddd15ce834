/* Helpers shared by the collective algorithms, which append steps to a
 * schedule (sched.h); the algorithm for a call comes from select.h. */
#ifndef TN_COLL_UTIL_H
#define TN_COLL_UTIL_H

#include <stddef.h>
#include "coll/coll.h"
#include "coll/sched.h"
#include "coll/select.h"

/* Messages one rank keeps in flight in the linear algorithms (v-variants, alltoall). */
#define TN_COLL_BATCH 32

/* Byte bounds [*lo, *hi) that count elements of dt touch, relative to the buffer address. */
void tn_coll_span(MPI_Aint count, const tn_datatype_t *dt, MPI_Aint *lo, MPI_Aint *hi);

/* The datatype used for packed data. */
tn_datatype_t *tn_coll_bytes(void);

/* One round: receive from src while sending to dest (either may be
 * MPI_PROC_NULL), then a fence. */
int tn_coll_sendrecv(tn_sched_t *s, const void *sbuf, MPI_Aint scount, tn_datatype_t *stype,
                     int dest, void *rbuf, MPI_Aint rcount, tn_datatype_t *rtype, int src);

/* Runs a built schedule (blocking), or frees it when building failed (rc). */
int tn_coll_finish(tn_sched_t *s, int rc);

/* Rabenseifner's building blocks (allreduce.c). Non-power-of-two sizes are
 * first folded onto pof2 = tn_coll_pof2(p) ranks: the even ranks below
 * 2 * rem (rem = p - pof2) hand their data to the odd rank above them, and the
 * others take new ranks 0..pof2-1 in rank order. */
/* The rank of new rank nr. */
int tn_coll_fold_rank(int nr, int rem);
/* For an odd rank below 2 * rem: receives the even neighbour's data into tmp
 * and folds it into acc (count elements); nothing for other ranks. */
int tn_coll_fold_in(tn_sched_t *s, void *acc, void *tmp, MPI_Aint count, tn_datatype_t *dt,
                    tn_op_t *op, int rank, int rem);
/* Element offset of block i when count elements are cut into n nearly equal blocks. */
MPI_Aint tn_coll_block_disp(MPI_Aint count, int n, int i);
/* Those offsets for i = 0..n, in s's scratch. */
int tn_coll_block_disps(tn_sched_t *s, MPI_Aint count, int n, MPI_Aint **out);
/* Reduce-scatter by recursive halving among the new ranks, for commutative
 * ops: block i of acc is elements [bdisp[i], bdisp[i + 1]) (i < pof2);
 * afterwards block newrank holds the reduction of everyone's block. tmp is
 * scratch as large as acc. */
int tn_coll_rs_halving(tn_sched_t *s, void *acc, void *tmp, const MPI_Aint *bdisp,
                       tn_datatype_t *dt, tn_op_t *op, int newrank, int pof2, int rem);

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
