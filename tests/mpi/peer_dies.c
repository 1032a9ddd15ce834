/* A rank killed while multi-MiB rendezvous messages are in flight to and from
 * it. Rank 0 posts, before a barrier: a 24 MiB receive and a 16 MiB send that
 * rank 1 takes part in, a 16 MiB send and a synchronous send it never
 * receives, a receive it never sends to, and an MPI_ANY_SOURCE receive nobody
 * sends to. After the barrier rank 1 posts its side of the first two, drives
 * progress a little and kills itself (SIGKILL), so the transfers are cut off
 * somewhere in the middle, wherever that happens to be.
 *
 * With mpirun --disable-auto-cleanup rank 0's waits must return (no hang):
 * the two transfers rank 1 took part in either completed (the received data
 * is then checked) or failed, everything else failed, and later operations
 * with rank 1 fail at once; under Tern every error names the lost rank. The
 * other ranks wait for rank 0, and every survivor waits until mpirun has
 * reaped rank 1 before it finalizes, so that rank 1's death is the job's
 * first failure and its status the job's (137). Without the option mpirun
 * ends the job as soon as rank 1 dies, with that status. Rank 0 prints
 * "peer_dies: OK" once its checks passed. */
#include "mtest.h"
#include "mtest_lost.h"

#define IN_LEN (24 << 20)
#define OUT_LEN (16 << 20)
#define NREQ 6

/* rc is success or an error naming rank 1. */
static void check_done_or_lost(int rc, const char *what)
{
    if (rc != MPI_SUCCESS)
        mtest_check_lost(rc, what);
}

int main(int argc, char **argv)
{
    int rank, size, pid1 = (int)getpid(), small = 0, v = 0;
    char *in = NULL, *out = NULL, *out2 = NULL;
    MPI_Request req[NREQ];

    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (size < 2) {
        printf("peer_dies: OK\n");
        MPI_Finalize();
        return 0;
    }
    MPI_Bcast(&pid1, 1, MPI_INT, 1, MPI_COMM_WORLD);
    if (rank == 0) {
        in = mtest_malloc(IN_LEN);
        out = mtest_malloc(OUT_LEN);
        out2 = mtest_malloc(OUT_LEN);
        mtest_fill(out, OUT_LEN, 0);
        mtest_fill(out2, OUT_LEN, 2);
        MPI_Irecv(in, IN_LEN, MPI_CHAR, 1, 1, MPI_COMM_WORLD, &req[0]);
        MPI_Isend(out, OUT_LEN, MPI_CHAR, 1, 2, MPI_COMM_WORLD, &req[1]);
        MPI_Isend(out2, OUT_LEN, MPI_CHAR, 1, 3, MPI_COMM_WORLD, &req[2]);
        MPI_Issend(&small, 1, MPI_INT, 1, 4, MPI_COMM_WORLD, &req[3]);
        MPI_Irecv(&v, 1, MPI_INT, 1, 5, MPI_COMM_WORLD, &req[4]);
        MPI_Irecv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 6, MPI_COMM_WORLD, &req[5]);
    } else if (rank == 1) {
        in = mtest_malloc(OUT_LEN);
        out = mtest_malloc(IN_LEN);
        mtest_fill(out, IN_LEN, 1);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        MPI_Request r[2];
        int flag;
        MPI_Isend(out, IN_LEN, MPI_CHAR, 0, 1, MPI_COMM_WORLD, &r[0]);
        MPI_Irecv(in, OUT_LEN, MPI_CHAR, 0, 2, MPI_COMM_WORLD, &r[1]);
        for (int i = 0; i < 20; i++)
            MPI_Testall(2, r, &flag, MPI_STATUSES_IGNORE);
        mtest_die();
    }
    if (rank == 0) {
        int rc = MPI_Wait(&req[0], MPI_STATUS_IGNORE);
        check_done_or_lost(rc, "the receive of rank 1's 24 MiB");
        if (rc == MPI_SUCCESS)
            CHECK_BYTES(in, IN_LEN, 1);
        check_done_or_lost(MPI_Wait(&req[1], MPI_STATUS_IGNORE), "the 16 MiB send rank 1 took");
        mtest_check_lost(MPI_Wait(&req[2], MPI_STATUS_IGNORE), "a 16 MiB send rank 1 never received");
        mtest_check_lost(MPI_Wait(&req[3], MPI_STATUS_IGNORE), "a synchronous send to rank 1");
        mtest_check_lost(MPI_Wait(&req[4], MPI_STATUS_IGNORE), "a receive posted from rank 1");
        mtest_check_lost(MPI_Wait(&req[5], MPI_STATUS_IGNORE), "an MPI_ANY_SOURCE receive");
        mtest_check_lost(MPI_Recv(&v, 1, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                   "a receive from rank 1 after it died");
        mtest_check_lost(MPI_Send(&v, 1, MPI_INT, 1, 8, MPI_COMM_WORLD),
                   "a send to rank 1 after it died");
        mtest_check_lost(MPI_Send(out, OUT_LEN, MPI_CHAR, 1, 9, MPI_COMM_WORLD),
                   "a 16 MiB send to rank 1 after it died");
        for (int r = 2; r < size; r++)
            CHECK_EQ(MPI_Send(&v, 1, MPI_INT, r, 10, MPI_COMM_WORLD), MPI_SUCCESS);
        if (mtest_errs == 0)
            printf("peer_dies: OK\n");
        fflush(stdout);
    } else {
        CHECK_EQ(MPI_Recv(&v, 1, MPI_INT, 0, 10, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
                 MPI_SUCCESS);
    }
    mtest_wait_reaped(pid1);
    MPI_Finalize();
    free(out2);
    free(out);
    free(in);
    return 0;
}
