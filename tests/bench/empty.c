/* Startup benchmark: scripts/bench-compare times `mpirun -np N` of this. */
#include <mpi.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Finalize();
    return 0;
}
