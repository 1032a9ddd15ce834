/* More ranks than cores: a few thousand small ping-pongs (1000 per pair), a token
 * ring and barriers all complete with the right data.  There is no timing assertion; the
 * per-run timeout of run-tests is the safety net for a library that spins. */
#include "mtest.h"

#define PINGPONGS 1000
#define BARRIERS 100
#define RINGS 100

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);

    if (partner != rank) {
        int v = 0;
        for (int i = 0; i < PINGPONGS; i++) {
            if (rank % 2 == 0) {
                v = i;
                MPI_Send(&v, 1, MPI_INT, partner, 0, MPI_COMM_WORLD);
                MPI_Recv(&v, 1, MPI_INT, partner, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (v != i + 1) {
                    CHECK_MSG(0, "ping-pong %d came back as %d", i, v);
                    break;
                }
            } else {
                MPI_Recv(&v, 1, MPI_INT, partner, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                if (v != i) {
                    CHECK_MSG(0, "ping %d arrived as %d", i, v);
                    break;
                }
                v++;
                MPI_Send(&v, 1, MPI_INT, partner, 0, MPI_COMM_WORLD);
            }
        }
    }

    for (int i = 0; i < BARRIERS; i++)
        MPI_Barrier(MPI_COMM_WORLD);

    /* A token goes around the ring RINGS times, incremented by every rank. */
    int right = (rank + 1) % size, left = (rank + size - 1) % size, token = 0;
    for (int lap = 0; lap < RINGS; lap++) {
        if (rank == 0) {
            int back = -1;
            MPI_Sendrecv(&token, 1, MPI_INT, right, 1, &back, 1, MPI_INT, left, 1,
                         MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token = back + 1;
        } else {
            MPI_Recv(&token, 1, MPI_INT, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token++;
            MPI_Send(&token, 1, MPI_INT, right, 1, MPI_COMM_WORLD);
        }
    }
    if (rank == 0)
        CHECK_EQ(token, RINGS * size);

    return mtest_finish();
}
