/* MPI_Barrier: no rank leaves before all have entered.  Each rank in turn is "late":
 * it posts receives for a message every other rank sends right after leaving the
 * barrier, tests them many times (none may complete: nobody can have left), and
 * only then enters.  Also barriers on MPI_COMM_SELF, a dup and a split. */
#include "mtest.h"

#define NTESTS 50

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Request *reqs = mtest_malloc(size * sizeof(MPI_Request));
    int *got = mtest_malloc(size * sizeof(int));

    for (int late = 0; late < size; late++) {
        if (rank == late) {
            int flag = 0;
            for (int r = 0; r < size; r++)
                if (r == rank)
                    reqs[r] = MPI_REQUEST_NULL;
                else
                    MPI_Irecv(&got[r], 1, MPI_INT, r, late, MPI_COMM_WORLD, &reqs[r]);
            for (int t = 0; t < NTESTS && !flag; t++) {
                int idx;
                MPI_Testany(size, reqs, &idx, &flag, MPI_STATUS_IGNORE);
                if (idx == MPI_UNDEFINED)
                    flag = 0; /* all null (a single rank) */
                CHECK_MSG(!flag, "rank %d left the barrier before rank %d entered", idx, late);
            }
            MPI_Barrier(MPI_COMM_WORLD);
            MPI_Waitall(size, reqs, MPI_STATUSES_IGNORE);
            for (int r = 0; r < size; r++)
                if (r != rank)
                    CHECK_EQ(got[r], r);
        } else {
            MPI_Barrier(MPI_COMM_WORLD);
            MPI_Send(&rank, 1, MPI_INT, late, late, MPI_COMM_WORLD);
        }
    }

    MPI_Barrier(MPI_COMM_SELF);
    MPI_Comm dup, half;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, rank, &half);
    for (int i = 0; i < 20; i++) {
        MPI_Barrier(dup);
        MPI_Barrier(half);
    }
    MPI_Comm_free(&dup);
    MPI_Comm_free(&half);
    free(reqs);
    free(got);
    return mtest_finish();
}
