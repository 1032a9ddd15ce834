/* hello.c: the first MPI program.  Every rank says who and where it is.
 *
 *   mpicc hello.c -o hello && mpirun -np 4 ./hello
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int rank, size, len;
    char host[MPI_MAX_PROCESSOR_NAME];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank); /* who am I: 0 .. size-1 */
    MPI_Comm_size(MPI_COMM_WORLD, &size); /* how many of us */
    MPI_Get_processor_name(host, &len);

    printf("Hello from rank %d of %d on %s\n", rank, size, host);

    MPI_Finalize();
    return rank < size ? 0 : 1;
}
