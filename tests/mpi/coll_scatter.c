/* MPI_Scatter and MPI_Scatterv at every root, counts 0, 1, odd and large, with
 * MPI_IN_PLACE at the root, uneven counts and displacements, and a strided send
 * type at the root; on MPI_COMM_WORLD and on a split communicator with reordered
 * ranks. */
#include "mtest.h"

static const int counts[] = {0, 1, 37, 50000};
#define NCOUNTS ((int)(sizeof counts / sizeof counts[0]))

static int val(int root, int r, int i) { return root * 1000000 + r * 60000 + i; }

static void run(MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int max = counts[NCOUNTS - 1];
    int *send = mtest_malloc((size_t)size * (max + 8) * sizeof(int));
    int *recv = mtest_malloc((max + 1) * sizeof(int));
    int *scounts = mtest_malloc(size * sizeof(int)), *displs = mtest_malloc(size * sizeof(int));

    for (int c = 0; c < NCOUNTS; c++) {
        int n = counts[c];
        for (int root = 0; root < size; root++) {
            if (rank == root)
                for (int r = 0; r < size; r++)
                    for (int i = 0; i < n; i++)
                        send[(size_t)r * n + i] = val(root, r, i);
            for (int inplace = 0; inplace < 2; inplace++) {
                for (int i = 0; i <= n; i++)
                    recv[i] = -1;
                if (inplace && rank == root) {
                    MPI_Scatter(send, n, MPI_INT, MPI_IN_PLACE, n, MPI_INT, root, comm);
                    for (int i = 0; i < n; i++) /* the root's block stays where it is */
                        CHECK_EQ(send[(size_t)root * n + i], val(root, root, i));
                    continue;
                }
                MPI_Scatter(send, n, MPI_INT, recv, n, MPI_INT, root, comm);
                for (int i = 0; i < n; i++)
                    if (recv[i] != val(root, rank, i)) {
                        CHECK_MSG(0, "Scatter of %d from %d: [%d] is %d", n, root, i, recv[i]);
                        break;
                    }
                CHECK_EQ(recv[n], -1);
            }
        }
    }

    /* Scatterv: rank r gets r*7+1 ints, blocks in reverse order with gaps of 5. */
    int total = 0;
    for (int r = size - 1; r >= 0; r--) {
        scounts[r] = r * 7 + 1;
        displs[r] = total;
        total += scounts[r] + 5;
    }
    for (int root = 0; root < size; root++) {
        if (rank == root)
            for (int r = 0; r < size; r++)
                for (int i = 0; i < scounts[r]; i++)
                    send[displs[r] + i] = val(root, r, i);
        for (int inplace = 0; inplace < 2; inplace++) {
            for (int i = 0; i <= scounts[rank]; i++)
                recv[i] = -1;
            if (inplace && rank == root) {
                MPI_Scatterv(send, scounts, displs, MPI_INT, MPI_IN_PLACE, 0, MPI_INT, root,
                             comm);
                continue;
            }
            MPI_Scatterv(send, scounts, displs, MPI_INT, recv, scounts[rank], MPI_INT, root,
                         comm);
            for (int i = 0; i < scounts[rank]; i++)
                CHECK_EQ(recv[i], val(root, rank, i));
            CHECK_EQ(recv[scounts[rank]], -1);
        }
    }

    /* Scatter the columns of a 3 x size matrix: column r to rank r. */
    MPI_Datatype col, col1;
    MPI_Type_vector(3, 1, size, MPI_INT, &col);
    MPI_Type_create_resized(col, 0, sizeof(int), &col1);
    MPI_Type_commit(&col1);
    int root = size - 1;
    if (rank == root)
        for (int i = 0; i < 3; i++)
            for (int r = 0; r < size; r++)
                send[i * size + r] = val(root, r, i);
    MPI_Scatter(send, 1, col1, recv, 3, MPI_INT, root, comm);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(recv[i], val(root, rank, i));
    MPI_Type_free(&col);
    MPI_Type_free(&col1);

    free(send);
    free(recv);
    free(scounts);
    free(displs);
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    mtest_on_world_and_split(run);
    return mtest_finish();
}
