/* MPI_Abort(MPI_COMM_WORLD, 7) from one rank while the others wait in a receive that
 * never completes: the whole job ends and mpirun exits with status 7. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank, size, buf = 0;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int aborter = size > 1 ? 1 : 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == aborter)
        MPI_Abort(MPI_COMM_WORLD, 7);
    MPI_Recv(&buf, 1, MPI_INT, aborter, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    fprintf(stderr, "rank %d: still running after MPI_Abort\n", rank);
    MPI_Finalize();
    return 0;
}
