/* Persistent requests: Send_init, Ssend_init, Bsend_init, Rsend_init and Recv_init,
 * started again and again with MPI_Start and MPI_Startall (new data each time),
 * and the handling of inactive requests by the completion calls. */
#include "mtest.h"

#define ROUNDS 6
#define N 1000
#define BIG 100000
enum { K_SEND, K_SSEND, K_BSEND, K_RSEND, K_BIG, NKINDS };
#define TAG_READY 99

static void check_empty(const MPI_Status *st)
{
    CHECK_EQ(st->MPI_SOURCE, MPI_ANY_SOURCE);
    CHECK_EQ(st->MPI_TAG, MPI_ANY_TAG);
}

int main(int argc, char **argv)
{
    int rank, size, flag;
    MPI_Status st, sts[NKINDS];
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);

    int bsize;
    MPI_Pack_size(N, MPI_INT, MPI_COMM_WORLD, &bsize);
    bsize += MPI_BSEND_OVERHEAD;
    void *bbuf = mtest_malloc(bsize);
    MPI_Buffer_attach(bbuf, bsize);

    int *out[NKINDS], *in[NKINDS];
    MPI_Request sreq[NKINDS], rreq[NKINDS];
    for (int k = 0; k < NKINDS; k++) {
        int n = k == K_BIG ? BIG : N;
        out[k] = mtest_malloc(n * sizeof(int));
        in[k] = mtest_malloc(n * sizeof(int));
        MPI_Recv_init(in[k], n, MPI_INT, partner, k, MPI_COMM_WORLD, &rreq[k]);
    }
    MPI_Send_init(out[K_SEND], N, MPI_INT, partner, K_SEND, MPI_COMM_WORLD, &sreq[K_SEND]);
    MPI_Ssend_init(out[K_SSEND], N, MPI_INT, partner, K_SSEND, MPI_COMM_WORLD, &sreq[K_SSEND]);
    MPI_Bsend_init(out[K_BSEND], N, MPI_INT, partner, K_BSEND, MPI_COMM_WORLD, &sreq[K_BSEND]);
    MPI_Rsend_init(out[K_RSEND], N, MPI_INT, partner, K_RSEND, MPI_COMM_WORLD, &sreq[K_RSEND]);
    MPI_Send_init(out[K_BIG], BIG, MPI_INT, partner, K_BIG, MPI_COMM_WORLD, &sreq[K_BIG]);

    /* Inactive requests: Wait and Test return at once with an empty status. */
    MPI_Wait(&rreq[0], &st);
    check_empty(&st);
    CHECK(rreq[0] != MPI_REQUEST_NULL);
    flag = 0;
    MPI_Test(&sreq[0], &flag, &st);
    CHECK_EQ(flag, 1);
    check_empty(&st);
    int idx = 0;
    MPI_Waitany(NKINDS, rreq, &idx, &st);
    CHECK_EQ(idx, MPI_UNDEFINED);
    MPI_Waitall(NKINDS, sreq, sts);
    for (int k = 0; k < NKINDS; k++)
        CHECK(sreq[k] != MPI_REQUEST_NULL);

    for (int round = 0; round < ROUNDS; round++) {
        /* Receives first (Startall or one by one), then "ready" so Rsend is legal. */
        if (round % 2 == 0)
            MPI_Startall(NKINDS, rreq);
        else
            for (int k = NKINDS - 1; k >= 0; k--)
                MPI_Start(&rreq[k]);
        MPI_Sendrecv(NULL, 0, MPI_BYTE, partner, TAG_READY, NULL, 0, MPI_BYTE, partner,
                     TAG_READY, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int k = 0; k < NKINDS; k++) {
            int n = k == K_BIG ? BIG : N;
            for (int i = 0; i < n; i++)
                out[k][i] = rank * 1000000 + round * 10000 + k * 1000 + i % 1000;
        }
        /* The buffered send takes the whole attached buffer: one at a time. */
        MPI_Start(&sreq[K_BSEND]);
        MPI_Wait(&sreq[K_BSEND], MPI_STATUS_IGNORE);
        if (round % 2 == 0) {
            MPI_Request rest[NKINDS - 1];
            int j = 0;
            for (int k = 0; k < NKINDS; k++)
                if (k != K_BSEND)
                    rest[j++] = sreq[k];
            MPI_Startall(NKINDS - 1, rest);
            j = 0;
            for (int k = 0; k < NKINDS; k++)
                if (k != K_BSEND)
                    sreq[k] = rest[j++];
        } else {
            for (int k = 0; k < NKINDS; k++)
                if (k != K_BSEND)
                    MPI_Start(&sreq[k]);
        }
        MPI_Waitall(NKINDS, rreq, sts);
        MPI_Waitall(NKINDS, sreq, MPI_STATUSES_IGNORE);
        for (int k = 0; k < NKINDS; k++) {
            int n = k == K_BIG ? BIG : N, count = -1;
            CHECK(rreq[k] != MPI_REQUEST_NULL && sreq[k] != MPI_REQUEST_NULL);
            CHECK_EQ(sts[k].MPI_SOURCE, partner);
            CHECK_EQ(sts[k].MPI_TAG, k);
            MPI_Get_count(&sts[k], MPI_INT, &count);
            CHECK_EQ(count, n);
            for (int i = 0; i < n; i++)
                if (in[k][i] != partner * 1000000 + round * 10000 + k * 1000 + i % 1000) {
                    CHECK_MSG(0, "round %d kind %d: in[%d] is %d", round, k, i, in[k][i]);
                    break;
                }
        }
        /* Completed persistent requests are inactive again. */
        flag = 0;
        MPI_Testall(NKINDS, rreq, &flag, sts);
        CHECK_EQ(flag, 1);
        check_empty(&sts[0]);
    }

    for (int k = 0; k < NKINDS; k++) {
        MPI_Request_free(&sreq[k]);
        MPI_Request_free(&rreq[k]);
        CHECK(sreq[k] == MPI_REQUEST_NULL && rreq[k] == MPI_REQUEST_NULL);
        free(out[k]);
        free(in[k]);
    }
    void *addr;
    MPI_Buffer_detach(&addr, &bsize);
    free(bbuf);
    return mtest_finish();
}
