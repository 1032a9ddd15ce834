/* Huge messages: at 2 ranks 64 MiB (and a few bytes more), above any one
 * message a provider carries at once (8 MiB on soft-RoCE), so providers must
 * split; with more ranks 12 MiB, to keep the job's memory small. Partners
 * (0<->1, 2<->3, ...; a last odd rank talks to itself) exchange, both ways at
 * once: a contiguous message with MPI_Sendrecv and with MPI_Isend/MPI_Irecv,
 * a strided one (a vector of 1000-byte blocks 1536 bytes apart) received
 * contiguous, and a contiguous one received strided, whose gaps must stay
 * untouched. Every byte is checked. About 240 MiB per rank at 2 ranks. */
#include "mtest.h"

#define BLOCK 1000
#define STRIDE 1536
#define GAP 0x5a

/* Strided buffer: block b holds bytes b*BLOCK.. of the seed's pattern. */
static void fill_strided(unsigned char *s, long nblocks, int seed)
{
    memset(s, GAP, (size_t)(nblocks * STRIDE));
    for (long b = 0; b < nblocks; b++)
        for (long j = 0; j < BLOCK; j++)
            s[b * STRIDE + j] = (unsigned char)mtest_byte(b * BLOCK + j, seed);
}

/* Reports the first wrong byte of a strided buffer, blocks and gaps. */
static void check_strided(const unsigned char *s, long nblocks, int seed, const char *what)
{
    for (long i = 0; i < nblocks * STRIDE; i++) {
        long b = i / STRIDE, j = i % STRIDE;
        int want = j < BLOCK ? mtest_byte(b * BLOCK + j, seed) : GAP;
        if (s[i] != want) {
            CHECK_MSG(0, "%s: byte %ld (block %ld, offset %ld) is %d, expected %d", what, i, b,
                      j, s[i], want);
            return;
        }
    }
}

static void check_count(const MPI_Status *st, long n, int partner, int tag)
{
    int count = -1;
    MPI_Get_count(st, MPI_CHAR, &count);
    CHECK_EQ(count, n);
    CHECK_EQ(st->MPI_SOURCE, partner);
    CHECK_EQ(st->MPI_TAG, tag);
}

int main(int argc, char **argv)
{
    int rank, size, partner;
    long n, nblocks;
    MPI_Datatype vec;
    MPI_Status st[2];
    MPI_Request req[2];

    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    partner = mtest_partner(rank, size);
    nblocks = (size <= 2 ? 64L << 20 : 12L << 20) / BLOCK + 1;
    n = size <= 2 ? (64L << 20) + 3 : (12L << 20) + 3;

    /* a and b also carry the strided message's nblocks * BLOCK bytes */
    long len = n > nblocks * BLOCK ? n : nblocks * BLOCK;
    unsigned char *a = mtest_malloc((size_t)len), *b = mtest_malloc((size_t)len);
    unsigned char *s = mtest_malloc((size_t)(nblocks * STRIDE));

    /* contiguous, MPI_Sendrecv */
    mtest_fill(a, n, rank);
    memset(b, 0, (size_t)n);
    MPI_Sendrecv(a, (int)n, MPI_CHAR, partner, 1, b, (int)n, MPI_CHAR, partner, 1,
                 MPI_COMM_WORLD, &st[0]);
    check_count(&st[0], n, partner, 1);
    CHECK_BYTES(b, n, partner);

    /* contiguous, nonblocking, receive posted first */
    mtest_fill(a, n, rank + 100);
    memset(b, 0, (size_t)n);
    MPI_Irecv(b, (int)n, MPI_CHAR, partner, 2, MPI_COMM_WORLD, &req[0]);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Isend(a, (int)n, MPI_CHAR, partner, 2, MPI_COMM_WORLD, &req[1]);
    MPI_Waitall(2, req, st);
    check_count(&st[0], n, partner, 2);
    CHECK_BYTES(b, n, partner + 100);

    /* contiguous, nonblocking, send posted first (the receive finds it unexpected) */
    mtest_fill(a, n, rank + 200);
    memset(b, 0, (size_t)n);
    MPI_Isend(a, (int)n, MPI_CHAR, partner, 3, MPI_COMM_WORLD, &req[1]);
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Irecv(b, (int)n, MPI_CHAR, partner, 3, MPI_COMM_WORLD, &req[0]);
    MPI_Waitall(2, req, st);
    check_count(&st[0], n, partner, 3);
    CHECK_BYTES(b, n, partner + 200);

    MPI_Type_vector((int)nblocks, BLOCK, STRIDE, MPI_CHAR, &vec);
    MPI_Type_commit(&vec);

    /* strided out, contiguous in */
    fill_strided(s, nblocks, rank + 300);
    memset(b, 0, (size_t)len);
    MPI_Sendrecv(s, 1, vec, partner, 4, b, (int)(nblocks * BLOCK), MPI_CHAR, partner, 4,
                 MPI_COMM_WORLD, &st[0]);
    check_count(&st[0], nblocks * BLOCK, partner, 4);
    CHECK_BYTES(b, nblocks * BLOCK, partner + 300);

    /* contiguous out, strided in */
    mtest_fill(a, nblocks * BLOCK, rank + 400);
    memset(s, GAP, (size_t)(nblocks * STRIDE));
    MPI_Irecv(s, 1, vec, partner, 5, MPI_COMM_WORLD, &req[0]);
    MPI_Isend(a, (int)(nblocks * BLOCK), MPI_CHAR, partner, 5, MPI_COMM_WORLD, &req[1]);
    MPI_Waitall(2, req, st);
    check_count(&st[0], nblocks * BLOCK, partner, 5);
    check_strided(s, nblocks, partner + 400, "strided receive");

    MPI_Type_free(&vec);
    free(s);
    free(b);
    free(a);
    return mtest_finish();
}
