/* sendrecv.c: point-to-point messages.  Rank 0 sends a different array to every
 * other rank; each one adds its rank to every element and sends the array back;
 * rank 0 checks the answers.
 *
 *   mpicc sendrecv.c -o sendrecv && mpirun -np 4 ./sendrecv
 */
#include <mpi.h>
#include <stdio.h>

#define N 8

int main(int argc, char **argv)
{
    int rank, size, data[N], errors = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    if (rank == 0) {
        for (int dest = 1; dest < size; dest++) {
            for (int i = 0; i < N; i++)
                data[i] = dest * 100 + i;
            MPI_Send(data, N, MPI_INT, dest, 0, MPI_COMM_WORLD);
        }
        for (int src = 1; src < size; src++) {
            MPI_Recv(data, N, MPI_INT, src, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            for (int i = 0; i < N; i++)
                if (data[i] != src * 100 + i + src)
                    errors++;
            printf("rank 0 got back from rank %d: %d %d ... %d\n", src, data[0], data[1],
                   data[N - 1]);
        }
        if (size == 1)
            printf("only one rank: run with mpirun -np 2 or more to see messages\n");
        printf(errors ? "sendrecv: FAILED\n" : "sendrecv: all replies correct\n");
    } else {
        MPI_Recv(data, N, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int i = 0; i < N; i++)
            data[i] += rank;
        MPI_Send(data, N, MPI_INT, 0, 1, MPI_COMM_WORLD);
    }

    MPI_Finalize();
    return errors ? 1 : 0;
}
