/* Many nonblocking messages outstanding at once: every rank has NMSG receives and
 * NMSG sends in flight to and from each neighbour in a ring (a few of them large),
 * posted receives-first in one round and sends-first in the other. */
#include "mtest.h"

#define NMSG 1000
#define BIGEVERY 100
#define BIG 100000

static int msg_len(int i) { return i % BIGEVERY == 7 ? BIG : 1 + i % 50; }

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int **out = mtest_malloc(NMSG * sizeof(int *)), **in = mtest_malloc(NMSG * sizeof(int *));
    MPI_Request *reqs = mtest_malloc(2 * NMSG * sizeof(MPI_Request));
    MPI_Status *sts = mtest_malloc(2 * NMSG * sizeof(MPI_Status));
    for (int i = 0; i < NMSG; i++) {
        out[i] = mtest_malloc(msg_len(i) * sizeof(int));
        in[i] = mtest_malloc(msg_len(i) * sizeof(int));
    }

    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < NMSG; i++)
            for (int k = 0; k < msg_len(i); k++)
                out[i][k] = rank * 100000 + round * 10000 + i + k;
        for (int pass = 0; pass < 2; pass++) {
            if ((pass == 0) == (round == 0))
                for (int i = 0; i < NMSG; i++)
                    MPI_Irecv(in[i], msg_len(i), MPI_INT, left, i % 100, MPI_COMM_WORLD,
                              &reqs[NMSG + i]);
            else
                for (int i = 0; i < NMSG; i++)
                    MPI_Isend(out[i], msg_len(i), MPI_INT, right, i % 100, MPI_COMM_WORLD,
                              &reqs[i]);
        }
        MPI_Waitall(2 * NMSG, reqs, sts);
        for (int i = 0; i < NMSG; i++) {
            int count = -1;
            MPI_Get_count(&sts[NMSG + i], MPI_INT, &count);
            CHECK_EQ(count, msg_len(i));
            for (int k = 0; k < msg_len(i); k++)
                if (in[i][k] != left * 100000 + round * 10000 + i + k) {
                    CHECK_MSG(0, "round %d message %d: [%d] is %d", round, i, k, in[i][k]);
                    break;
                }
        }
    }

    for (int i = 0; i < NMSG; i++) {
        free(out[i]);
        free(in[i]);
    }
    free(out);
    free(in);
    free(reqs);
    free(sts);
    return mtest_finish();
}
