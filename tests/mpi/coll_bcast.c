/* MPI_Bcast from every root, with counts 0, 1, odd and large (over 1 MiB), of MPI_INT and of a strided derived type, on MPI_COMM_WORLD and on a
 * split communicator. */
#include "mtest.h"

static const int counts[] = {0, 1, 999, 300000};
#define NCOUNTS ((int)(sizeof counts / sizeof counts[0]))

static void run(MPI_Comm comm, const char *what)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int max = counts[NCOUNTS - 1];
    int *buf = mtest_malloc(2 * max * sizeof(int));

    for (int root = 0; root < size; root++) {
        for (int c = 0; c < NCOUNTS; c++) {
            int n = counts[c];
            for (int i = 0; i < n + 1; i++)
                buf[i] = rank == root ? root * 7 + i : -1;
            MPI_Bcast(buf, n, MPI_INT, root, comm);
            for (int i = 0; i < n; i++)
                if (buf[i] != root * 7 + i) {
                    CHECK_MSG(0, "%s: Bcast of %d ints from %d: [%d] is %d", what, n, root, i,
                              buf[i]);
                    break;
                }
            if (rank != root)
                CHECK_EQ(buf[n], -1); /* nothing written past the count */
        }
        /* Every other int, as a vector type. */
        MPI_Datatype every2;
        int n = 5000;
        MPI_Type_vector(n, 1, 2, MPI_INT, &every2);
        MPI_Type_commit(&every2);
        for (int i = 0; i < 2 * n; i++)
            buf[i] = rank == root ? root + i : -1;
        MPI_Bcast(buf, 1, every2, root, comm);
        for (int i = 0; i < 2 * n; i++)
            if (buf[i] != (i % 2 == 0 || rank == root ? root + i : -1)) {
                CHECK_MSG(0, "%s: vector Bcast from %d: [%d] is %d", what, root, i, buf[i]);
                break;
            }
        MPI_Type_free(&every2);
    }
    free(buf);
}

int main(int argc, char **argv)
{
    int rank;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    run(MPI_COMM_WORLD, "world");
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, -rank, &half);
    run(half, "split");
    MPI_Comm_free(&half);
    return mtest_finish();
}
