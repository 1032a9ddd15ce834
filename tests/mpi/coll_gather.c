/* MPI_Gather, MPI_Gatherv, MPI_Allgather and MPI_Allgatherv at every root, counts
 * 0, 1, odd and large (over 1 MiB gathered at 6 ranks and more), with MPI_IN_PLACE,
 * varying counts and displacements with gaps (which must stay untouched), and a
 * strided receive type; on MPI_COMM_WORLD and on a split communicator with
 * reordered ranks. */
#include "mtest.h"

#define GAP 3
#define UNTOUCHED -7

static const int counts[] = {0, 1, 37, 50000};
#define NCOUNTS ((int)(sizeof counts / sizeof counts[0]))

static int val(int r, int i) { return r * 100000 + i; }

static void run(MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int max = counts[NCOUNTS - 1];
    int *send = mtest_malloc((max + 1) * sizeof(int));
    int *recv = mtest_malloc((size_t)size * (max + 2 * GAP + 1) * sizeof(int));
    int *rcounts = mtest_malloc(size * sizeof(int)), *displs = mtest_malloc(size * sizeof(int));

    for (int c = 0; c < NCOUNTS; c++) {
        int n = counts[c];
        for (int i = 0; i < n; i++)
            send[i] = val(rank, i);
        for (int root = 0; root < size; root++) {
            for (int inplace = 0; inplace < 2; inplace++) {
                for (long i = 0; i < (long)size * n; i++)
                    recv[i] = UNTOUCHED;
                if (inplace && rank == root)
                    memcpy(recv + (size_t)root * n, send, n * sizeof(int));
                MPI_Gather(inplace && rank == root ? MPI_IN_PLACE : send, n, MPI_INT, recv, n,
                           MPI_INT, root, comm);
                if (rank == root)
                    for (int r = 0; r < size; r++)
                        for (int i = 0; i < n; i++)
                            if (recv[(size_t)r * n + i] != val(r, i)) {
                                CHECK_MSG(0, "Gather%s of %d at root %d: from %d [%d] is %d",
                                          inplace ? " in place" : "", n, root, r, i,
                                          recv[(size_t)r * n + i]);
                                r = size;
                                break;
                            }
            }
        }
        /* Allgather, and in place. */
        for (int inplace = 0; inplace < 2; inplace++) {
            for (long i = 0; i < (long)size * n; i++)
                recv[i] = UNTOUCHED;
            if (inplace)
                memcpy(recv + (size_t)rank * n, send, n * sizeof(int));
            MPI_Allgather(inplace ? MPI_IN_PLACE : send, n, MPI_INT, recv, n, MPI_INT,
                          comm);
            for (int r = 0; r < size; r++)
                for (int i = 0; i < n; i++)
                    if (recv[(size_t)r * n + i] != val(r, i)) {
                        CHECK_MSG(0, "Allgather%s of %d: from %d [%d] is %d",
                                  inplace ? " in place" : "", n, r, i, recv[(size_t)r * n + i]);
                        r = size;
                        break;
                    }
        }
    }

    /* Gatherv/Allgatherv: rank r contributes (r % 3) * 1000 + r ints (rank 0: 0),
     * placed in reverse rank order with GAP ints between blocks. */
    int total = 0;
    for (int r = size - 1; r >= 0; r--) {
        rcounts[r] = (r % 3) * 1000 + r;
        displs[r] = total;
        total += rcounts[r] + GAP;
    }
    int mine = rcounts[rank];
    for (int i = 0; i < mine; i++)
        send[i] = val(rank, i);
    for (int root = 0; root < size; root++) {
        for (int inplace = 0; inplace < 2; inplace++) {
            for (int i = 0; i < total; i++)
                recv[i] = UNTOUCHED;
            if (inplace && rank == root)
                memcpy(recv + displs[root], send, mine * sizeof(int));
            MPI_Gatherv(inplace && rank == root ? MPI_IN_PLACE : send, mine, MPI_INT, recv,
                        rcounts, displs, MPI_INT, root, comm);
            if (rank == root) {
                int bad = 0;
                for (int r = 0; r < size && !bad; r++) {
                    for (int i = 0; i < rcounts[r] && !bad; i++)
                        bad = recv[displs[r] + i] != val(r, i);
                    for (int g = 0; g < GAP && !bad; g++)
                        bad = recv[displs[r] + rcounts[r] + g] != UNTOUCHED;
                }
                CHECK_MSG(!bad, "Gatherv%s at root %d", inplace ? " in place" : "", root);
            }
        }
    }
    for (int inplace = 0; inplace < 2; inplace++) {
        for (int i = 0; i < total; i++)
            recv[i] = UNTOUCHED;
        if (inplace)
            memcpy(recv + displs[rank], send, mine * sizeof(int));
        MPI_Allgatherv(inplace ? MPI_IN_PLACE : send, mine, MPI_INT, recv, rcounts, displs,
                       MPI_INT, comm);
        int bad = 0;
        for (int r = 0; r < size && !bad; r++) {
            for (int i = 0; i < rcounts[r] && !bad; i++)
                bad = recv[displs[r] + i] != val(r, i);
            for (int g = 0; g < GAP && !bad; g++)
                bad = recv[displs[r] + rcounts[r] + g] != UNTOUCHED;
        }
        CHECK_MSG(!bad, "Allgatherv%s", inplace ? " in place" : "");
    }

    /* Gather into columns: each rank's 4 ints land as column r of a 4 x size matrix,
     * through a vector type resized to one int. */
    MPI_Datatype col, col1;
    MPI_Type_vector(4, 1, size, MPI_INT, &col);
    MPI_Type_create_resized(col, 0, sizeof(int), &col1);
    MPI_Type_commit(&col1);
    for (int i = 0; i < 4; i++)
        send[i] = val(rank, i);
    for (int i = 0; i < 4 * size; i++)
        recv[i] = UNTOUCHED;
    MPI_Allgather(send, 4, MPI_INT, recv, 1, col1, comm);
    for (int i = 0; i < 4; i++)
        for (int r = 0; r < size; r++)
            CHECK_EQ(recv[i * size + r], val(r, i));
    MPI_Type_free(&col);
    MPI_Type_free(&col1);

    free(send);
    free(recv);
    free(rcounts);
    free(displs);
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    mtest_on_world_and_split(run);
    return mtest_finish();
}
