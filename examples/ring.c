/* ring.c: every rank passes a value to its right neighbour and receives one from its
 * left, size times, with MPI_Sendrecv (which cannot deadlock the way a Send
 * followed by a Recv on every rank can).  Each rank adds up what passes by: the
 * sum of all ranks.
 *
 *   mpicc ring.c -o ring && mpirun -np 4 ./ring
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int rank, size;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int right = (rank + 1) % size;
    int left = (rank + size - 1) % size;
    int passing = rank, incoming, sum = 0;

    for (int step = 0; step < size; step++) {
        MPI_Sendrecv(&passing, 1, MPI_INT, right, 0, &incoming, 1, MPI_INT, left, 0,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        passing = incoming;
        sum += incoming;
    }

    int expected = size * (size - 1) / 2;
    printf("rank %d: sum around the ring is %d (expected %d) %s\n", rank, sum, expected,
           sum == expected ? "OK" : "WRONG");

    MPI_Finalize();
    return sum == expected ? 0 : 1;
}
