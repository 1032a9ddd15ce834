/* gather.c: rank 0 scatters one number to each rank, every rank squares it, and
 * MPI_Gather collects the squares back on rank 0 in rank order.
 *
 *   mpicc gather.c -o gather && mpirun -np 4 ./gather
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int rank, size, mine, *numbers = NULL, *squares = NULL, ok = 1;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    if (rank == 0) {
        numbers = malloc(size * sizeof(int));
        squares = malloc(size * sizeof(int));
        for (int i = 0; i < size; i++)
            numbers[i] = i + 1;
    }

    MPI_Scatter(numbers, 1, MPI_INT, &mine, 1, MPI_INT, 0, MPI_COMM_WORLD);
    mine = mine * mine;
    MPI_Gather(&mine, 1, MPI_INT, squares, 1, MPI_INT, 0, MPI_COMM_WORLD);

    if (rank == 0) {
        printf("squares:");
        for (int i = 0; i < size; i++) {
            printf(" %d", squares[i]);
            if (squares[i] != (i + 1) * (i + 1))
                ok = 0;
        }
        printf("\ngather: %s\n", ok ? "OK" : "WRONG");
        free(numbers);
        free(squares);
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);

    MPI_Finalize();
    return ok ? 0 : 1;
}
