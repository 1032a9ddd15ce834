/* MPI_Sendrecv and MPI_Sendrecv_replace around a ring (eager and rendezvous sizes),
 * along a chain whose ends talk to MPI_PROC_NULL, and with oneself. */
#include "mtest.h"

static const int sizes[] = {0, 1, 1000, 70000, 500000};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

int main(int argc, char **argv)
{
    int rank, size, count;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    int max = sizes[NSIZES - 1];
    unsigned char *out = mtest_malloc(max), *in = mtest_malloc(max);

    for (int s = 0; s < NSIZES; s++) {
        int n = sizes[s];
        /* Ring, shifting right. */
        mtest_fill(out, n, rank * 10 + s);
        memset(in, 0, max);
        MPI_Sendrecv(out, n, MPI_BYTE, right, s, in, max, MPI_BYTE, left, s,
                     MPI_COMM_WORLD, &st);
        CHECK_BYTES(in, n, left * 10 + s);
        MPI_Get_count(&st, MPI_BYTE, &count);
        CHECK_EQ(count, n);
        CHECK_EQ(st.MPI_SOURCE, left);
        CHECK_EQ(st.MPI_TAG, s);

        /* Sendrecv_replace: send to the left, receive from the right, twice. */
        mtest_fill(in, n, rank * 10 + s);
        MPI_Sendrecv_replace(in, n, MPI_BYTE, left, 50 + s, right, 50 + s, MPI_COMM_WORLD, &st);
        CHECK_BYTES(in, n, right * 10 + s);
        CHECK_EQ(st.MPI_SOURCE, right);
        /* Wildcards: only the right neighbour sends tag 60+s here, and its next
         * message to this rank after the one with tag 50+s is the one with 70+s. */
        MPI_Sendrecv_replace(in, n, MPI_BYTE, left, 60 + s, MPI_ANY_SOURCE, 60 + s,
                             MPI_COMM_WORLD, &st);
        CHECK_BYTES(in, n, ((right + 1) % size) * 10 + s);
        CHECK_EQ(st.MPI_SOURCE, right);
        CHECK_EQ(st.MPI_TAG, 60 + s);
        MPI_Sendrecv_replace(in, n, MPI_BYTE, left, 70 + s, right, MPI_ANY_TAG,
                             MPI_COMM_WORLD, &st);
        CHECK_BYTES(in, n, ((right + 2) % size) * 10 + s);
        CHECK_EQ(st.MPI_SOURCE, right);
        CHECK_EQ(st.MPI_TAG, 70 + s);

        /* With oneself. */
        mtest_fill(out, n, 7 + s);
        memset(in, 0, max);
        MPI_Sendrecv(out, n, MPI_BYTE, rank, 9, in, n, MPI_BYTE, rank, 9, MPI_COMM_WORLD, &st);
        CHECK_BYTES(in, n, 7 + s);
    }

    /* Chain 0 -> 1 -> ... -> size-1: the ends send to or receive from MPI_PROC_NULL. */
    int prev = rank == 0 ? MPI_PROC_NULL : rank - 1;
    int next = rank == size - 1 ? MPI_PROC_NULL : rank + 1;
    int v = rank * 3 + 1, got = -5;
    MPI_Sendrecv(&v, 1, MPI_INT, next, 3, &got, 1, MPI_INT, prev, 3, MPI_COMM_WORLD, &st);
    if (prev == MPI_PROC_NULL) {
        CHECK_EQ(got, -5);
        CHECK_EQ(st.MPI_SOURCE, MPI_PROC_NULL);
        CHECK_EQ(st.MPI_TAG, MPI_ANY_TAG);
        MPI_Get_count(&st, MPI_INT, &count);
        CHECK_EQ(count, 0);
    } else {
        CHECK_EQ(got, prev * 3 + 1);
        CHECK_EQ(st.MPI_SOURCE, prev);
    }
    v = rank;
    MPI_Sendrecv_replace(&v, 1, MPI_INT, prev, 4, next, 4, MPI_COMM_WORLD, &st);
    CHECK_EQ(v, next == MPI_PROC_NULL ? rank : next);

    free(out);
    free(in);
    return mtest_finish();
}
