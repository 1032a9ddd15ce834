/* MPI_Request_free of active sends (small and large: the data still arrives) and
 * MPI_Cancel of receives that nothing matches (MPI_Test_cancelled true, the buffer
 * untouched, the message later sent with that tag goes to the next receive). */
#include "mtest.h"

#define BIG 300000
#define TAG_ACK 1
#define TAG_FREED 2
#define TAG_LATE 3

int main(int argc, char **argv)
{
    int rank, size, flag;
    MPI_Status st;
    MPI_Request req;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);
    unsigned char *out = mtest_malloc(BIG), *in = mtest_malloc(BIG);

    /* Request_free of an active send.  The partner acknowledges receipt; only then is
     * the send buffer known to be free. */
    const int sizes[2] = {8, BIG};
    for (int k = 0; k < 2; k++) {
        int n = sizes[k];
        MPI_Request rreq;
        mtest_fill(out, n, rank);
        memset(in, 0, BIG);
        MPI_Irecv(in, n, MPI_BYTE, partner, TAG_FREED, MPI_COMM_WORLD, &rreq);
        MPI_Isend(out, n, MPI_BYTE, partner, TAG_FREED, MPI_COMM_WORLD, &req);
        MPI_Request_free(&req);
        CHECK(req == MPI_REQUEST_NULL);
        MPI_Wait(&rreq, &st);
        CHECK_BYTES(in, n, partner);
        int ack = 1;
        MPI_Sendrecv_replace(&ack, 1, MPI_INT, partner, TAG_ACK, partner, TAG_ACK,
                             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }

    /* Cancel a receive no message matches. */
    memset(in, 0x5a, 16);
    MPI_Irecv(in, 16, MPI_BYTE, partner, TAG_LATE, MPI_COMM_WORLD, &req);
    MPI_Cancel(&req);
    MPI_Wait(&req, &st);
    CHECK(req == MPI_REQUEST_NULL);
    flag = 0;
    MPI_Test_cancelled(&st, &flag);
    CHECK_EQ(flag, 1);

    /* The same for a wildcard receive, completed with MPI_Test, on a communicator
     * where nothing is ever sent (on MPI_COMM_WORLD the partner's next message
     * could match it). */
    MPI_Comm quiet;
    MPI_Comm_dup(MPI_COMM_WORLD, &quiet);
    MPI_Irecv(in, 16, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, quiet, &req);
    MPI_Cancel(&req);
    flag = 0;
    while (!flag)
        MPI_Test(&req, &flag, &st);
    flag = 0;
    MPI_Test_cancelled(&st, &flag);
    CHECK_EQ(flag, 1);
    MPI_Comm_free(&quiet);

    /* A cancelled persistent receive becomes inactive and can be started again. */
    MPI_Request preq;
    int pv = -1;
    MPI_Recv_init(&pv, 1, MPI_INT, partner, TAG_LATE, MPI_COMM_WORLD, &preq);
    MPI_Start(&preq);
    MPI_Cancel(&preq);
    MPI_Wait(&preq, &st);
    CHECK(preq != MPI_REQUEST_NULL);
    flag = 0;
    MPI_Test_cancelled(&st, &flag);
    CHECK_EQ(flag, 1);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(in[i], 0x5a);
    CHECK_EQ(pv, -1);

    /* Now (after both have cancelled: nothing may be in flight towards a wildcard
     * receive before) the partner sends two TAG_LATE messages; they go to fresh
     * receives. */
    MPI_Sendrecv(NULL, 0, MPI_BYTE, partner, TAG_ACK, NULL, 0, MPI_BYTE, partner, TAG_ACK,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int late = 4242 + rank, got = -1;
    MPI_Request sreq;
    MPI_Isend(&late, 1, MPI_INT, partner, TAG_LATE, MPI_COMM_WORLD, &sreq);
    MPI_Start(&preq);
    MPI_Wait(&preq, &st);
    CHECK_EQ(pv, 4242 + partner);
    flag = 1;
    MPI_Test_cancelled(&st, &flag);
    CHECK_EQ(flag, 0);
    MPI_Wait(&sreq, MPI_STATUS_IGNORE);
    MPI_Isend(&late, 1, MPI_INT, partner, TAG_LATE, MPI_COMM_WORLD, &sreq);
    MPI_Recv(&got, 1, MPI_INT, partner, TAG_LATE, MPI_COMM_WORLD, &st);
    CHECK_EQ(got, 4242 + partner);
    MPI_Wait(&sreq, MPI_STATUS_IGNORE);
    MPI_Request_free(&preq);
    CHECK(preq == MPI_REQUEST_NULL);

    free(out);
    free(in);
    return mtest_finish();
}
