/* pack.c: send values of different types in one message.  Rank 0 packs an int, an
 * array of doubles and a string into one buffer with MPI_Pack and broadcasts it as
 * MPI_PACKED; every rank unpacks it with MPI_Unpack and checks it.
 *
 *   mpicc pack.c -o pack && mpirun -np 4 ./pack
 */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int rank, count = 0, position = 0, size_int, size_dbl, size_str;
    double values[3] = {0, 0, 0};
    char text[32] = "";

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    /* How big can the packed data get?  Ask, do not guess. */
    MPI_Pack_size(1, MPI_INT, MPI_COMM_WORLD, &size_int);
    MPI_Pack_size(3, MPI_DOUBLE, MPI_COMM_WORLD, &size_dbl);
    MPI_Pack_size(32, MPI_CHAR, MPI_COMM_WORLD, &size_str);
    int bufsize = size_int + size_dbl + size_str;
    char buffer[bufsize];

    if (rank == 0) {
        count = 3;
        values[0] = 1.5, values[1] = -2.25, values[2] = 1e10;
        strcpy(text, "packed by rank 0");
        MPI_Pack(&count, 1, MPI_INT, buffer, bufsize, &position, MPI_COMM_WORLD);
        MPI_Pack(values, 3, MPI_DOUBLE, buffer, bufsize, &position, MPI_COMM_WORLD);
        MPI_Pack(text, 32, MPI_CHAR, buffer, bufsize, &position, MPI_COMM_WORLD);
    }
    /* Everyone learns the packed size first, then gets the bytes. */
    MPI_Bcast(&position, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Bcast(buffer, position, MPI_PACKED, 0, MPI_COMM_WORLD);

    if (rank != 0) {
        int at = 0;
        MPI_Unpack(buffer, position, &at, &count, 1, MPI_INT, MPI_COMM_WORLD);
        MPI_Unpack(buffer, position, &at, values, 3, MPI_DOUBLE, MPI_COMM_WORLD);
        MPI_Unpack(buffer, position, &at, text, 32, MPI_CHAR, MPI_COMM_WORLD);
    }

    int ok = count == 3 && values[0] == 1.5 && values[1] == -2.25 && values[2] == 1e10 &&
             strcmp(text, "packed by rank 0") == 0;
    printf("rank %d: %d values %g %g %g and \"%s\": %s\n", rank, count, values[0], values[1],
           values[2], text, ok ? "OK" : "WRONG");

    MPI_Finalize();
    return ok ? 0 : 1;
}
