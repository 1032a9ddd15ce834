/* MPI_ANY_SOURCE and MPI_ANY_TAG with many senders: every rank (rank 0 too) sends
 * NMSG messages to rank 0 with tags 1 and 2 alternating.  Rank 0 first takes every
 * tag-2 message with MPI_ANY_SOURCE, then the rest with both wildcards, and checks
 * that each sender's messages come in the order they were sent. */
#include "mtest.h"

#define NMSG 30

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int out[NMSG][2];
    MPI_Request reqs[NMSG];
    for (int i = 0; i < NMSG; i++) {
        out[i][0] = rank;
        out[i][1] = i;
        MPI_Isend(out[i], 2, MPI_INT, 0, 1 + i % 2, MPI_COMM_WORLD, &reqs[i]);
    }

    if (rank == 0) {
        int *next2 = mtest_malloc(size * sizeof(int)), *next1 = mtest_malloc(size * sizeof(int));
        for (int r = 0; r < size; r++) {
            next2[r] = 1; /* odd sequence numbers carry tag 2 */
            next1[r] = 0;
        }
        for (int m = 0; m < size * (NMSG / 2); m++) {
            int in[2] = {-1, -1};
            MPI_Recv(in, 2, MPI_INT, MPI_ANY_SOURCE, 2, MPI_COMM_WORLD, &st);
            int src = st.MPI_SOURCE;
            CHECK(src >= 0 && src < size);
            CHECK_EQ(st.MPI_TAG, 2);
            CHECK_EQ(in[0], src);
            if (src >= 0 && src < size) {
                CHECK_EQ(in[1], next2[src]);
                next2[src] += 2;
            }
        }
        for (int m = 0; m < size * (NMSG / 2); m++) {
            int in[2] = {-1, -1};
            MPI_Recv(in, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            int src = st.MPI_SOURCE;
            CHECK(src >= 0 && src < size);
            CHECK_EQ(st.MPI_TAG, 1);
            CHECK_EQ(in[0], src);
            if (src >= 0 && src < size) {
                CHECK_EQ(in[1], next1[src]);
                next1[src] += 2;
            }
        }
        for (int r = 0; r < size; r++) {
            CHECK_EQ(next1[r], NMSG);
            CHECK_EQ(next2[r], NMSG + 1);
        }
        free(next1);
        free(next2);
    }
    MPI_Waitall(NMSG, reqs, MPI_STATUSES_IGNORE);

    /* Specific source, any tag, from every rank in turn to the last rank. */
    int last = size - 1, v = rank * 11;
    MPI_Request r;
    MPI_Isend(&v, 1, MPI_INT, last, 100 + rank, MPI_COMM_WORLD, &r);
    if (rank == last) {
        for (int src = size - 1; src >= 0; src--) {
            int got = -1;
            MPI_Recv(&got, 1, MPI_INT, src, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            CHECK_EQ(got, src * 11);
            CHECK_EQ(st.MPI_TAG, 100 + src);
            CHECK_EQ(st.MPI_SOURCE, src);
        }
    }
    MPI_Wait(&r, MPI_STATUS_IGNORE);

    return mtest_finish();
}
