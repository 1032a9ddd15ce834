/* MPI_ERRORS_ARE_FATAL (the default): the last rank sends to a rank that does not
 * exist while the others wait in a receive that never completes.  The job must end
 * with a non-zero status and a message (run-tests checks both); reaching the end of
 * this program is a failure. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank, size, buf = 0;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == size - 1)
        MPI_Send(&buf, 1, MPI_INT, size + 5, 0, MPI_COMM_WORLD);
    else
        MPI_Recv(&buf, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    fprintf(stderr, "rank %d: the invalid MPI_Send returned under MPI_ERRORS_ARE_FATAL\n", rank);
    MPI_Finalize();
    return 0;
}
