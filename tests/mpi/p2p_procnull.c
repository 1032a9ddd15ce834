/* MPI_PROC_NULL as source or destination of every point-to-point call: sends
 * complete at once, receives complete at once with source MPI_PROC_NULL, tag
 * MPI_ANY_TAG, count 0, and leave the buffer alone. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int buf[4] = {1, 2, 3, 4}, flag;
    MPI_Status st;
    MPI_Request r, rs[3];
    MPI_Message msg;
    mtest_init(&argc, &argv);

    MPI_Send(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
    MPI_Ssend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
    MPI_Rsend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
    MPI_Bsend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD); /* no buffer needed */

    MPI_Recv(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st);
    CHECK_PROC_NULL_STATUS(&st, 0);
    MPI_Recv(buf, 4, MPI_INT, MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    CHECK_PROC_NULL_STATUS(&st, 0);

    MPI_Isend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &rs[0]);
    MPI_Issend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &rs[1]);
    MPI_Irsend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &rs[2]);
    MPI_Waitall(3, rs, MPI_STATUSES_IGNORE);
    MPI_Ibsend(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &r);
    flag = 0;
    MPI_Test(&r, &flag, MPI_STATUS_IGNORE);
    CHECK_EQ(flag, 1);

    MPI_Irecv(buf, 4, MPI_INT, MPI_PROC_NULL, 5, MPI_COMM_WORLD, &r);
    flag = 0;
    MPI_Test(&r, &flag, &st);
    CHECK_EQ(flag, 1);
    CHECK_PROC_NULL_STATUS(&st, 1);

    MPI_Sendrecv(buf, 4, MPI_INT, MPI_PROC_NULL, 0, buf, 4, MPI_INT, MPI_PROC_NULL, 0,
                 MPI_COMM_WORLD, &st);
    CHECK_PROC_NULL_STATUS(&st, 0);
    MPI_Sendrecv_replace(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_PROC_NULL, 0, MPI_COMM_WORLD,
                         &st);
    CHECK_PROC_NULL_STATUS(&st, 0);

    MPI_Probe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st);
    CHECK_PROC_NULL_STATUS(&st, 0);
    flag = 0;
    MPI_Iprobe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &flag, &st);
    CHECK_EQ(flag, 1);
    CHECK_PROC_NULL_STATUS(&st, 0);
    MPI_Mprobe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &msg, &st);
    CHECK(msg == MPI_MESSAGE_NO_PROC);
    MPI_Mrecv(buf, 4, MPI_INT, &msg, &st);
    CHECK_PROC_NULL_STATUS(&st, 0);

    /* Persistent. */
    MPI_Request p[2];
    MPI_Send_init(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &p[0]);
    MPI_Recv_init(buf, 4, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &p[1]);
    for (int i = 0; i < 3; i++) {
        MPI_Status sts[2];
        MPI_Startall(2, p);
        MPI_Waitall(2, p, sts);
        CHECK_PROC_NULL_STATUS(&sts[1], 1);
    }
    MPI_Request_free(&p[0]);
    MPI_Request_free(&p[1]);

    for (int i = 0; i < 4; i++)
        CHECK_EQ(buf[i], i + 1);
    return mtest_finish();
}
