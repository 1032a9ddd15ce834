/* Run without mpirun: the program is a job of one rank. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank = -1, size = -1, flag = 0, *tag_ub = NULL;
    mtest_init(&argc, &argv);

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK_EQ(rank, 0);
    CHECK_EQ(size, 1);
    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tag_ub, &flag);
    CHECK_EQ(flag, 1);
    if (flag)
        CHECK(*tag_ub >= 32767);

    /* Messages to itself, small and large. */
    enum { BIG = 1 << 20 };
    unsigned char *out = mtest_malloc(BIG), *in = mtest_malloc(BIG);
    mtest_fill(out, BIG, 3);
    MPI_Request reqs[2];
    MPI_Isend(out, 10, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &reqs[0]);
    MPI_Recv(in, 10, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Wait(&reqs[0], MPI_STATUS_IGNORE);
    CHECK_BYTES(in, 10, 3);
    memset(in, 0, BIG);
    MPI_Irecv(in, BIG, MPI_BYTE, 0, 2, MPI_COMM_WORLD, &reqs[0]);
    MPI_Isend(out, BIG, MPI_BYTE, 0, 2, MPI_COMM_WORLD, &reqs[1]);
    MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
    CHECK_BYTES(in, BIG, 3);

    /* Collectives of one. */
    int x = 42, sum = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Bcast(&x, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Allreduce(&x, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK_EQ(sum, 42);

    MPI_Comm dup;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_size(dup, &size);
    CHECK_EQ(size, 1);
    MPI_Comm_free(&dup);

    free(out);
    free(in);
    return mtest_finish();
}
