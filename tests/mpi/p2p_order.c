/* The non-overtaking rule: messages from one sender on one communicator that match
 * the same receive are received in the order sent -- with one tag, with MPI_ANY_TAG
 * over several tags, and with sizes mixing the eager and rendezvous protocols in
 * one stream, whether the receives are posted before or after the sends. */
#include "mtest.h"

#define NSMALL 500
#define NMIX 24

static int mix_size(int i)
{
    static const int s[] = {4, 200000, 16, 70000, 0, 65536, 1000, 1 << 20};
    return s[i % 8];
}

int main(int argc, char **argv)
{
    int rank, size, count;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    /* Many small messages, one tag, receives after the sends. */
    int *seq = mtest_malloc(NSMALL * sizeof(int));
    MPI_Request *reqs = mtest_malloc(NSMALL * sizeof(MPI_Request));
    for (int i = 0; i < NSMALL; i++) {
        seq[i] = i;
        MPI_Isend(&seq[i], 1, MPI_INT, right, 5, MPI_COMM_WORLD, &reqs[i]);
    }
    for (int i = 0; i < NSMALL; i++) {
        int v = -1;
        MPI_Recv(&v, 1, MPI_INT, left, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        CHECK_EQ(v, i);
    }
    MPI_Waitall(NSMALL, reqs, MPI_STATUSES_IGNORE);

    /* Several tags, received with MPI_ANY_TAG: still in send order. */
    for (int i = 0; i < NSMALL; i++)
        MPI_Isend(&seq[i], 1, MPI_INT, right, i % 7, MPI_COMM_WORLD, &reqs[i]);
    for (int i = 0; i < NSMALL; i++) {
        int v = -1;
        MPI_Recv(&v, 1, MPI_INT, left, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        CHECK_EQ(v, i);
        CHECK_EQ(st.MPI_TAG, i % 7);
    }
    MPI_Waitall(NSMALL, reqs, MPI_STATUSES_IGNORE);

    /* Mixed sizes: every message holds its index in every int. */
    int maxn = 1 << 20;
    int **out = mtest_malloc(NMIX * sizeof(int *));
    for (int i = 0; i < NMIX; i++) {
        int n = mix_size(i) / 4;
        out[i] = mtest_malloc(n * sizeof(int) + 1);
        for (int k = 0; k < n; k++)
            out[i][k] = rank * 1000 + i;
    }
    int *in = mtest_malloc(maxn);
    for (int pass = 0; pass < 3; pass++) {
        MPI_Request *rreqs = NULL;
        int **bufs = NULL;
        if (pass == 1) { /* receives posted first, all with the same big buffer size */
            rreqs = mtest_malloc(NMIX * sizeof(MPI_Request));
            bufs = mtest_malloc(NMIX * sizeof(int *));
            for (int i = 0; i < NMIX; i++) {
                bufs[i] = mtest_malloc(maxn);
                MPI_Irecv(bufs[i], maxn / 4, MPI_INT, left, 9, MPI_COMM_WORLD, &rreqs[i]);
            }
            MPI_Barrier(MPI_COMM_WORLD);
        }
        for (int i = 0; i < NMIX; i++)
            MPI_Isend(out[i], mix_size(i) / 4, MPI_INT, right, 9, MPI_COMM_WORLD, &reqs[i]);
        for (int i = 0; i < NMIX; i++) {
            int *b = in;
            if (pass == 1) {
                MPI_Wait(&rreqs[i], &st);
                b = bufs[i];
            } else {
                /* pass 2 uses a wildcard source */
                MPI_Recv(in, maxn / 4, MPI_INT, pass == 2 ? MPI_ANY_SOURCE : left, 9,
                         MPI_COMM_WORLD, &st);
            }
            MPI_Get_count(&st, MPI_INT, &count);
            CHECK_MSG(count == mix_size(i) / 4, "pass %d message %d: %d ints, expected %d",
                      pass, i, count, mix_size(i) / 4);
            if (count > 0) {
                CHECK_MSG(b[0] == left * 1000 + i && b[count - 1] == left * 1000 + i,
                          "pass %d message %d holds %d..%d", pass, i, b[0], b[count - 1]);
            }
            if (pass == 1)
                free(bufs[i]);
        }
        MPI_Waitall(NMIX, reqs, MPI_STATUSES_IGNORE);
        /* Nothing of this pass may reach the next pass's wildcard receives. */
        MPI_Barrier(MPI_COMM_WORLD);
        free(rreqs);
        free(bufs);
    }

    for (int i = 0; i < NMIX; i++)
        free(out[i]);
    free(out);
    free(in);
    free(seq);
    free(reqs);
    return mtest_finish();
}
