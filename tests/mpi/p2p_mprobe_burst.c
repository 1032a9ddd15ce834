/* Blocking matched probes that wait while bursts arrive: each round, rank 0
 * sits in MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG) with nothing queued, then
 * every other rank sends BURST small messages at once, so one progress pass
 * often brings several. Each MPI_Mprobe must take exactly one message: every
 * message arrives once, in each sender's order, with its own contents.
 * (A wait that asked its probe again after a match took a second message and
 * lost the first; run with TERN_SPIN_COUNT=1 so every idle pass asks twice.) */
#include "mtest.h"

#define ROUNDS 100
#define BURST 8

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    for (int round = 0; round < ROUNDS; round++) {
        /* Rank 0 is told to expect the burst before it comes, so it waits in
         * the probe rather than finding messages already queued. */
        int go = round;
        MPI_Bcast(&go, 1, MPI_INT, 0, MPI_COMM_WORLD);
        CHECK_EQ(go, round);
        if (rank != 0) {
            int msg[BURST][2];
            MPI_Request reqs[BURST];
            for (int i = 0; i < BURST; i++) {
                msg[i][0] = rank;
                msg[i][1] = round * BURST + i;
                MPI_Isend(msg[i], 2, MPI_INT, 0, i, MPI_COMM_WORLD, &reqs[i]);
            }
            MPI_Waitall(BURST, reqs, MPI_STATUSES_IGNORE);
            continue;
        }
        int *next = calloc(size, sizeof(int));
        for (int left = (size - 1) * BURST; left > 0; left--) {
            MPI_Message m;
            MPI_Status st, rst;
            int got[2] = {-1, -1}, count = -1;
            MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &m, &st);
            int src = st.MPI_SOURCE;
            if (src <= 0 || src >= size || st.MPI_TAG < 0 || st.MPI_TAG >= BURST) {
                CHECK_MSG(0, "probe matched source %d tag %d", src, st.MPI_TAG);
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            CHECK_MSG(st.MPI_TAG == next[src], "round %d: from %d got tag %d, expected %d",
                      round, src, st.MPI_TAG, next[src]);
            MPI_Get_count(&st, MPI_INT, &count);
            CHECK_EQ(count, 2);
            MPI_Mrecv(got, 2, MPI_INT, &m, &rst);
            CHECK(m == MPI_MESSAGE_NULL);
            CHECK_EQ(rst.MPI_SOURCE, src);
            CHECK_EQ(rst.MPI_TAG, st.MPI_TAG);
            CHECK_EQ(got[0], src);
            CHECK_EQ(got[1], round * BURST + st.MPI_TAG);
            next[src] = st.MPI_TAG + 1;
        }
        for (int r = 1; r < size; r++)
            CHECK_EQ(next[r], BURST);
        free(next);
        /* nothing more may be waiting: every message was taken once */
        int flag = 1;
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        CHECK_EQ(flag, 0);
    }
    return mtest_finish();
}
