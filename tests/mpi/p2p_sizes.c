/* Blocking send/receive of many sizes, from 0 bytes across the 64 KiB eager limit up
 * to 8 MiB, with the data, the status and the bytes past the message checked.
 * Phase 1: pairs with plain blocking Send/Recv.  Phase 2: a ring (Irecv, Send, Wait),
 * which also covers one rank (sending to itself) and odd sizes. */
#include "mtest.h"

#define GUARD 16
#define FILLER 0xEE

static const long sizes[] = {0, 1, 2, 3, 7, 8, 100, 1000, 4095, 4096, 4097, 32768,
                             65535, 65536, 65537, 100000, 1L << 20, 8L << 20};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void check_recv(const unsigned char *buf, long n, int seed, const MPI_Status *st,
                       int src, int tag)
{
    int count = -1;
    CHECK_BYTES(buf, n, seed);
    for (int g = 0; g < GUARD; g++)
        CHECK_MSG(buf[n + g] == FILLER, "byte %ld past a %ld-byte message was written",
                  (long)g, n);
    MPI_Get_count(st, MPI_BYTE, &count);
    CHECK_EQ(count, n);
    CHECK_EQ(st->MPI_SOURCE, src);
    CHECK_EQ(st->MPI_TAG, tag);
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    long max = sizes[NSIZES - 1];
    unsigned char *out = mtest_malloc(max), *in = mtest_malloc(max + GUARD);

    /* Phase 1: 2k sends then receives the echo; 2k+1 receives then sends back. */
    int peer = rank ^ 1;
    if (peer < size) {
        for (int i = 0; i < NSIZES; i++) {
            long n = sizes[i];
            int tag = i;
            memset(in, FILLER, n + GUARD);
            if (rank % 2 == 0) {
                mtest_fill(out, n, rank + i);
                MPI_Send(out, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD);
                MPI_Recv(in, (int)n + GUARD, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &st);
                check_recv(in, n, peer + i, &st, peer, tag);
            } else {
                MPI_Recv(in, (int)n + GUARD, MPI_BYTE, peer, tag, MPI_COMM_WORLD, &st);
                check_recv(in, n, peer + i, &st, peer, tag);
                mtest_fill(out, n, rank + i);
                MPI_Send(out, (int)n, MPI_BYTE, peer, tag, MPI_COMM_WORLD);
            }
        }
    }

    /* Phase 2: ring. */
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    for (int i = 0; i < NSIZES; i++) {
        long n = sizes[i];
        MPI_Request req;
        memset(in, FILLER, n + GUARD);
        mtest_fill(out, n, 1000 + rank + i);
        MPI_Irecv(in, (int)n + GUARD, MPI_BYTE, left, 100 + i, MPI_COMM_WORLD, &req);
        MPI_Send(out, (int)n, MPI_BYTE, right, 100 + i, MPI_COMM_WORLD);
        MPI_Wait(&req, &st);
        check_recv(in, n, 1000 + left + i, &st, left, 100 + i);
    }

    free(out);
    free(in);
    return mtest_finish();
}
