/* The four send modes, blocking and nonblocking, at eager and rendezvous sizes.
 * Pairs 0<->1, 2<->3, ... (a last odd rank pairs with itself).  The receiver posts
 * its receive and then tells the sender, so that MPI_Rsend is legal and a
 * synchronous send to oneself can complete. */
#include "mtest.h"

enum { M_SEND, M_SSEND, M_BSEND, M_RSEND, NMODES };
static const char *mode_name[NMODES] = {"Send", "Ssend", "Bsend", "Rsend"};
static const int sizes[] = {0, 1, 1000, 65536, 200000};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))
#define TAG_READY 1000

static void do_send(int mode, int blocking, void *buf, int n, int dest, int tag)
{
    MPI_Request req;
    if (blocking) {
        switch (mode) {
        case M_SEND: MPI_Send(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD); break;
        case M_SSEND: MPI_Ssend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD); break;
        case M_BSEND: MPI_Bsend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD); break;
        default: MPI_Rsend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD); break;
        }
        return;
    }
    switch (mode) {
    case M_SEND: MPI_Isend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &req); break;
    case M_SSEND: MPI_Issend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &req); break;
    case M_BSEND: MPI_Ibsend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &req); break;
    default: MPI_Irsend(buf, n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &req); break;
    }
    MPI_Wait(&req, MPI_STATUS_IGNORE);
    CHECK(req == MPI_REQUEST_NULL);
}

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);
    /* In a pair the even rank sends; alone, a rank does both. */
    int sender = rank % 2 == 0 || partner == rank;
    int receiver = rank % 2 == 1 || partner == rank;

    int max = sizes[NSIZES - 1], bufsize;
    MPI_Pack_size(max, MPI_BYTE, MPI_COMM_WORLD, &bufsize);
    bufsize += MPI_BSEND_OVERHEAD;
    void *bbuf = mtest_malloc(bufsize);
    MPI_Buffer_attach(bbuf, bufsize);

    unsigned char *out = mtest_malloc(max), *in = mtest_malloc(max);
    for (int mode = 0; mode < NMODES; mode++) {
        for (int blocking = 1; blocking >= 0; blocking--) {
            for (int s = 0; s < NSIZES; s++) {
                int n = sizes[s], tag = mode * 100 + blocking * 10 + s, seed = tag + partner;
                MPI_Request rreq = MPI_REQUEST_NULL, ready = MPI_REQUEST_NULL;
                MPI_Status st;
                if (receiver) {
                    memset(in, 0, max);
                    MPI_Irecv(in, max, MPI_BYTE, partner, tag, MPI_COMM_WORLD, &rreq);
                    MPI_Isend(NULL, 0, MPI_BYTE, partner, TAG_READY, MPI_COMM_WORLD, &ready);
                }
                if (sender) {
                    MPI_Recv(NULL, 0, MPI_BYTE, partner, TAG_READY, MPI_COMM_WORLD,
                             MPI_STATUS_IGNORE);
                    mtest_fill(out, n, rank + tag);
                    do_send(mode, blocking, out, n, partner, tag);
                    /* The send buffer may be reused at once; for Bsend the data must
                     * already be copied. */
                    memset(out, 0, n);
                }
                if (receiver) {
                    int count = -1;
                    MPI_Wait(&rreq, &st);
                    MPI_Wait(&ready, MPI_STATUS_IGNORE);
                    MPI_Get_count(&st, MPI_BYTE, &count);
                    CHECK_MSG(count == n, "%s%s of %d bytes: count %d", blocking ? "" : "I",
                              mode_name[mode], n, count);
                    CHECK_EQ(st.MPI_SOURCE, partner);
                    CHECK_EQ(st.MPI_TAG, tag);
                    CHECK_BYTES(in, n, seed);
                }
            }
        }
    }

    void *detached;
    int detached_size;
    MPI_Buffer_detach(&detached, &detached_size);
    CHECK(detached == bbuf);
    CHECK_EQ(detached_size, bufsize);
    free(bbuf);
    free(out);
    free(in);
    return mtest_finish();
}
