/* Buffered sends: MPI_Buffer_attach/detach, Bsend/Ibsend/Bsend_init copying the
 * data out (the user buffer is overwritten at once), several messages in the
 * buffer at a time, and MPI_Buffer_detach waiting until buffered messages are
 * delivered (the receiver posts its receives independently of the sender). */
#include "mtest.h"

#define NMSG 8
#define SMALL 1000
#define LARGE 300000

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);
    int alone = partner == rank;
    int sender = rank % 2 == 0 || alone;
    int receiver = rank % 2 == 1 || alone;

    /* Room for NMSG small messages and one large one, each with its overhead. */
    int small_sz, large_sz;
    MPI_Pack_size(SMALL, MPI_INT, MPI_COMM_WORLD, &small_sz);
    MPI_Pack_size(LARGE, MPI_BYTE, MPI_COMM_WORLD, &large_sz);
    int bufsize = NMSG * (small_sz + MPI_BSEND_OVERHEAD) + large_sz + MPI_BSEND_OVERHEAD;
    char *bbuf = mtest_malloc(bufsize);
    int *ints = mtest_malloc(SMALL * sizeof(int));
    unsigned char *big = mtest_malloc(LARGE), *bigin = mtest_malloc(LARGE);

    for (int round = 0; round < 3; round++) {
        MPI_Buffer_attach(bbuf, bufsize);
        if (sender) {
            MPI_Request req;
            for (int m = 0; m < NMSG; m++) {
                for (int i = 0; i < SMALL; i++)
                    ints[i] = round * 1000000 + m * 10000 + i;
                if (m % 3 == 0) {
                    MPI_Bsend(ints, SMALL, MPI_INT, partner, m, MPI_COMM_WORLD);
                } else if (m % 3 == 1) {
                    MPI_Ibsend(ints, SMALL, MPI_INT, partner, m, MPI_COMM_WORLD, &req);
                    /* A buffered send completes without any receive posted. */
                    MPI_Wait(&req, MPI_STATUS_IGNORE);
                } else {
                    MPI_Bsend_init(ints, SMALL, MPI_INT, partner, m, MPI_COMM_WORLD, &req);
                    MPI_Start(&req);
                    MPI_Wait(&req, MPI_STATUS_IGNORE);
                    MPI_Request_free(&req);
                }
                memset(ints, 0xff, SMALL * sizeof(int)); /* the data is in the buffer */
            }
            mtest_fill(big, LARGE, round);
            MPI_Bsend(big, LARGE, MPI_BYTE, partner, NMSG, MPI_COMM_WORLD);
            memset(big, 0, LARGE);
        }
        if (receiver) {
            int *in = mtest_malloc(SMALL * sizeof(int));
            /* Receive in reverse tag order: all NMSG+1 messages sit buffered. */
            memset(bigin, 0, LARGE);
            MPI_Recv(bigin, LARGE, MPI_BYTE, partner, NMSG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK_BYTES(bigin, LARGE, round);
            for (int m = NMSG - 1; m >= 0; m--) {
                MPI_Recv(in, SMALL, MPI_INT, partner, m, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                for (int i = 0; i < SMALL; i++)
                    CHECK_MSG(in[i] == round * 1000000 + m * 10000 + i,
                              "round %d message %d: in[%d] is %d", round, m, i, in[i]);
            }
            free(in);
        }
        /* Detach blocks until the buffered messages are delivered, then gives the
         * buffer back. */
        void *addr = NULL;
        int sz = -1;
        MPI_Buffer_detach(&addr, &sz);
        CHECK(addr == bbuf);
        CHECK_EQ(sz, bufsize);
    }

    /* Detach waits for a large buffered message whose receive is posted later: the
     * receiver receives only after a message telling it the sender got past
     * MPI_Bsend, and the sender detaches right after that message, so Detach must
     * wait for the receive to be posted and the data to go out. */
    if (!alone) {
        MPI_Buffer_attach(bbuf, bufsize);
        if (sender) {
            int token = 1;
            mtest_fill(big, LARGE, 42);
            MPI_Bsend(big, LARGE, MPI_BYTE, partner, 7, MPI_COMM_WORLD);
            memset(big, 0, LARGE);
            MPI_Send(&token, 1, MPI_INT, partner, 8, MPI_COMM_WORLD);
        } else {
            int token = 0;
            MPI_Recv(&token, 1, MPI_INT, partner, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            memset(bigin, 0, LARGE);
            MPI_Recv(bigin, LARGE, MPI_BYTE, partner, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK_BYTES(bigin, LARGE, 42);
        }
        void *addr = NULL;
        int sz = -1;
        MPI_Buffer_detach(&addr, &sz);
        CHECK(addr == bbuf);
        CHECK_EQ(sz, bufsize);
    }

    free(bbuf);
    free(ints);
    free(big);
    free(bigin);
    return mtest_finish();
}
