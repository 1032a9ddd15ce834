/* A rank that exits without MPI_Finalize while mpirun lets the others run on
 * (--disable-auto-cleanup): rank 0 must get errors naming it, not hang.
 * Rank 1 sends a small message and posts a 1 MiB send (its RTS), then exits.
 * Rank 0 had posted, before that, receives from it (named and ANY_SOURCE), a
 * rendezvous send and a synchronous send to it: all complete with an error
 * naming rank 1. What rank 1 sent before dying is still received; later
 * operations with it fail at once. The other ranks wait for rank 0 to be done,
 * and every survivor waits until mpirun has reaped rank 1 before it finalizes
 * (MPI_Finalize fails with a rank gone), so that rank 1's is the job's first
 * failure. Then every survivor calls MPI_Allreduce and MPI_Barrier over
 * MPI_COMM_WORLD: both fail naming rank 1. Rank 0 prints "shm_lost: OK". */
#include "mtest.h"
#include "mtest_lost.h"

#define BIG (1 << 20)

int main(int argc, char **argv)
{
    int rank, size, small = 0, pid1 = (int)getpid();
    char *big = mtest_malloc(BIG), *big2 = mtest_malloc(BIG);
    MPI_Request req[4];

    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (size < 2) {
        printf("shm_lost: OK\n");
        MPI_Finalize();
        return 0;
    }
    mtest_fill(big, BIG, 1);
    MPI_Bcast(&pid1, 1, MPI_INT, 1, MPI_COMM_WORLD);
    if (rank == 0) {
        MPI_Isend(big, BIG, MPI_CHAR, 1, 5, MPI_COMM_WORLD, &req[0]);
        MPI_Issend(&small, 1, MPI_INT, 1, 6, MPI_COMM_WORLD, &req[1]);
        MPI_Irecv(&small, 1, MPI_INT, 1, 2, MPI_COMM_WORLD, &req[2]);
        MPI_Irecv(&small, 1, MPI_INT, MPI_ANY_SOURCE, 3, MPI_COMM_WORLD, &req[3]);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        int v = 42;
        MPI_Request r;
        MPI_Send(&v, 1, MPI_INT, 0, 1, MPI_COMM_WORLD);
        MPI_Isend(big, BIG, MPI_CHAR, 0, 4, MPI_COMM_WORLD, &r);
        _exit(0);
    }
    if (rank == 0) {
        int v = 0;
        CHECK_EQ(MPI_Recv(&v, 1, MPI_INT, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_SUCCESS);
        CHECK_EQ(v, 42);
        mtest_check_lost(MPI_Wait(&req[2], MPI_STATUS_IGNORE), "a receive posted from rank 1");
        mtest_check_lost(MPI_Wait(&req[3], MPI_STATUS_IGNORE), "an MPI_ANY_SOURCE receive");
        mtest_check_lost(MPI_Wait(&req[0], MPI_STATUS_IGNORE), "a rendezvous send to rank 1");
        mtest_check_lost(MPI_Wait(&req[1], MPI_STATUS_IGNORE), "a synchronous send to rank 1");
        mtest_check_lost(MPI_Recv(big2, BIG, MPI_CHAR, 1, 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                   "receiving the 1 MiB message rank 1 posted before it died");
        mtest_check_lost(MPI_Recv(&v, 1, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                   "a receive from rank 1 after it died");
        mtest_check_lost(MPI_Send(&v, 1, MPI_INT, 1, 8, MPI_COMM_WORLD),
                   "a send to rank 1 after it died");
        for (int r = 2; r < size; r++)
            CHECK_EQ(MPI_Send(&v, 1, MPI_INT, r, 9, MPI_COMM_WORLD), MPI_SUCCESS);
    } else {
        int v;
        CHECK_EQ(MPI_Recv(&v, 1, MPI_INT, 0, 9, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_SUCCESS);
    }
    /* every survivor: collectives that rank 1 should take part in fail */
    double x = 1, y = 0;
    mtest_check_lost(MPI_Allreduce(&x, &y, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
                     "an allreduce over a world without rank 1");
    mtest_check_lost(MPI_Barrier(MPI_COMM_WORLD), "a barrier over a world without rank 1");
    if (rank == 0 && mtest_errs == 0)
        printf("shm_lost: OK\n");
    fflush(stdout);
    mtest_wait_reaped(pid1);
    MPI_Finalize();
    free(big);
    free(big2);
    return 0;
}
