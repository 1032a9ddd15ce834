/* bcast_reduce.c: compute pi by integrating 4/(1+x^2) over [0,1].  Rank 0 broadcasts
 * the number of intervals, every rank sums its share, and MPI_Reduce adds the
 * shares up on rank 0.
 *
 *   mpicc bcast_reduce.c -o bcast_reduce && mpirun -np 4 ./bcast_reduce
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int rank, size, intervals = 0;
    double mine = 0.0, pi = 0.0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    if (rank == 0)
        intervals = 1000000;
    MPI_Bcast(&intervals, 1, MPI_INT, 0, MPI_COMM_WORLD);

    double h = 1.0 / intervals;
    for (int i = rank; i < intervals; i += size) { /* every size-th interval is mine */
        double x = h * (i + 0.5);
        mine += 4.0 / (1.0 + x * x);
    }
    mine *= h;

    MPI_Reduce(&mine, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);

    int ok = 1;
    if (rank == 0) {
        double pi25 = 3.141592653589793238462643;
        ok = fabs(pi - pi25) < 1e-9;
        printf("pi is about %.16f, error %.2e with %d ranks: %s\n", pi, fabs(pi - pi25), size,
               ok ? "OK" : "WRONG");
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);

    MPI_Finalize();
    return ok ? 0 : 1;
}
