/* mtest.h: the few helpers every program in tests/mpi shares.
 *
 * A program calls mtest_init() (or mtest_args() before its own MPI_Init_thread),
 * checks results with the CHECK macros, and ends with `return mtest_finish();`,
 * which sums the failed checks over MPI_COMM_WORLD, has rank 0 print " No Errors"
 * (what run-tests looks for) or " Found N errors", finalizes, and gives the exit
 * status.  A failed check prints
 *     rank R: FILE:LINE: what failed (got X, expected Y)
 * and the program goes on, so one run reports every failure.
 *
 * run-tests passes "--tern" when the library under test is Tern; checks that go
 * beyond the MPI standard (message wording, stricter limits Tern promises) are
 * guarded by `if (mtest_tern)`.
 */
#ifndef MTEST_H
#define MTEST_H

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#define MTEST_MAX_REPORTS 25 /* per rank; later failures are only counted */

static int mtest_errs;
static int mtest_tern;

/* Rank in MPI_COMM_WORLD, or -1 outside Init..Finalize. */
static inline int mtest_rank(void)
{
    int init = 0, fin = 0, rank = -1;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin)
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static inline void mtest_report(const char *file, int line, const char *msg)
{
    if (++mtest_errs <= MTEST_MAX_REPORTS) {
        fprintf(stderr, "rank %d: %s:%d: %s\n", mtest_rank(), file, line, msg);
        fflush(stderr);
    }
}

/* CHECK(cond): cond must hold. */
#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond))                                                                \
            mtest_report(__FILE__, __LINE__, #cond " failed");                      \
    } while (0)

/* CHECK_EQ(got, expected): integer equality (both converted to long long); compare
 * handles with CHECK(a == b), as they are pointers in some MPIs. */
#define CHECK_EQ(got, expected)                                                     \
    do {                                                                            \
        long long got_ = (long long)(got), exp_ = (long long)(expected);           \
        if (got_ != exp_) {                                                         \
            char msg_[512];                                                         \
            snprintf(msg_, sizeof msg_, "%s == %s failed (got %lld, expected %lld)", \
                     #got, #expected, got_, exp_);                                  \
            mtest_report(__FILE__, __LINE__, msg_);                                 \
        }                                                                           \
    } while (0)

/* CHECK_MSG(cond, fmt, ...): like CHECK, with a printf-style description. */
#define CHECK_MSG(cond, ...)                                                        \
    do {                                                                            \
        if (!(cond)) {                                                              \
            char msg_[512];                                                         \
            snprintf(msg_, sizeof msg_, __VA_ARGS__);                               \
            mtest_report(__FILE__, __LINE__, msg_);                                 \
        }                                                                           \
    } while (0)

/* CHECK_BYTES(buf, n, seed): buf holds mtest_byte(0..n-1, seed); reports the first
 * wrong byte only. */
#define CHECK_BYTES(buf, n, seed)                                                   \
    do {                                                                            \
        long bad_ = mtest_bad_byte((const unsigned char *)(buf), (long)(n), (seed)); \
        CHECK_MSG(bad_ < 0, "%s[%ld] of %ld bytes (seed %d) failed (got %d, expected %d)", \
                  #buf, bad_, (long)(n), (int)(seed),                               \
                  bad_ < 0 ? 0 : ((const unsigned char *)(buf))[bad_],              \
                  bad_ < 0 ? 0 : mtest_byte(bad_, (seed)));                         \
    } while (0)

/* CHECK_PROC_NULL_STATUS(st, nonblocking): the status of a receive from
 * MPI_PROC_NULL has source MPI_PROC_NULL, tag MPI_ANY_TAG and count 0 (MPI 4.1
 * section 3.11).  MPICH 4.0.2 gets this wrong when the receive was nonblocking
 * (source and tag 0 after MPI_Irecv, source MPI_ANY_SOURCE for a persistent
 * receive), so with nonblocking set source and tag are checked under Tern only. */
#define CHECK_PROC_NULL_STATUS(st, nonblocking)                                    \
    do {                                                                            \
        int count_ = -1;                                                            \
        if (!(nonblocking) || mtest_tern) {                                         \
            CHECK_EQ((st)->MPI_SOURCE, MPI_PROC_NULL);                              \
            CHECK_EQ((st)->MPI_TAG, MPI_ANY_TAG);                                   \
        }                                                                           \
        MPI_Get_count((st), MPI_INT, &count_);                                      \
        CHECK_EQ(count_, 0);                                                        \
    } while (0)

/* A byte pattern that differs with position (period well above 256) and seed, so
 * that shifted, truncated or swapped data is caught. */
static inline int mtest_byte(long i, int seed)
{
    return (int)((i * 7 + (i >> 8) * 3 + (long)seed * 13 + 1) & 0xff);
}

static inline void mtest_fill(void *buf, long n, int seed)
{
    unsigned char *p = buf;
    for (long i = 0; i < n; i++)
        p[i] = (unsigned char)mtest_byte(i, seed);
}

static inline long mtest_bad_byte(const unsigned char *p, long n, int seed)
{
    for (long i = 0; i < n; i++)
        if (p[i] != mtest_byte(i, seed))
            return i;
    return -1;
}

/* Allocation that cannot fail silently. */
static inline void *mtest_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "rank %d: out of memory allocating %zu bytes\n", mtest_rank(), n);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    return p;
}

static inline void mtest_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--tern") == 0)
            mtest_tern = 1;
}

static inline void mtest_init(int *argc, char ***argv)
{
    mtest_args(*argc, *argv);
    MPI_Init(argc, argv);
}

/* Partner for pairwise tests: 0<->1, 2<->3, ...; a last odd rank pairs with itself. */
static inline int mtest_partner(int rank, int size)
{
    int p = rank ^ 1;
    return p < size ? p : rank;
}

static inline int mtest_finish(void)
{
    int total = 0, rank;
    MPI_Allreduce(&mtest_errs, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) {
        if (total)
            printf(" Found %d errors\n", total);
        else
            printf(" No Errors\n");
        fflush(stdout);
    }
    MPI_Finalize();
    return total ? 1 : 0;
}

/* A non-commutative (but associative) user op for the collective tests: an element
 * is the affine map x -> m*x + c on unsigned ints (wrapping), and combining two
 * applies the left operand (lower ranks) first, so a result in the wrong rank order
 * shows.  mtest_affine_create() makes its datatype (a contiguous pair, so also a
 * derived type) and op. */
typedef struct {
    unsigned m, c;
} mtest_affine;

/* Rank r's element i (m odd, so products never lose their low bits). */
static inline mtest_affine mtest_affine_val(int r, long i, int seed)
{
    mtest_affine a = {2u * (unsigned)((r * 5 + i + seed) % 7) + 1u,
                      (unsigned)(r * 31 + i * 3 + seed)};
    return a;
}

/* left, then right: x -> right.m * (left.m * x + left.c) + right.c */
static inline mtest_affine mtest_affine_then(mtest_affine left, mtest_affine right)
{
    mtest_affine a = {right.m * left.m, right.m * left.c + right.c};
    return a;
}

static inline void mtest_affine_fn(void *in, void *inout, int *len, MPI_Datatype *type)
{
    const mtest_affine *a = in;
    mtest_affine *b = inout;
    (void)type;
    for (int i = 0; i < *len; i++)
        b[i] = mtest_affine_then(a[i], b[i]);
}

static inline void mtest_affine_create(MPI_Datatype *type, MPI_Op *op)
{
    MPI_Type_contiguous(2, MPI_UNSIGNED, type);
    MPI_Type_commit(type);
    MPI_Op_create(mtest_affine_fn, 0, op);
}

/* The halves of MPI_COMM_WORLD (even and odd ranks), each with its ranks in reverse
 * order: collectives must not assume that ranks follow the world's. */
static inline void mtest_split_reversed(MPI_Comm *half)
{
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, -rank, half);
}

/* Runs fn on MPI_COMM_WORLD, then on mtest_split_reversed's halves. */
static inline void mtest_on_world_and_split(void (*fn)(MPI_Comm))
{
    MPI_Comm half;
    fn(MPI_COMM_WORLD);
    mtest_split_reversed(&half);
    fn(half);
    MPI_Comm_free(&half);
}

#endif
