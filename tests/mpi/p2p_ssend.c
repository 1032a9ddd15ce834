/* A synchronous send does not complete before the matching receive is posted.
 * The sender starts MPI_Issend and tests it many times; it must not complete,
 * because the receiver posts its receive only after the sender has told it (with a
 * separate message) "I tested and it was not done".  No timing is involved. */
#include "mtest.h"

#define TAG_DATA 1
#define TAG_NOTE 2
#define NTESTS 200

static const int sizes[] = {0, 4, 70000, 1 << 20};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);
    int sender = rank % 2 == 0 || partner == rank;
    int receiver = rank % 2 == 1 || partner == rank;
    int max = sizes[NSIZES - 1];
    unsigned char *out = mtest_malloc(max), *in = mtest_malloc(max);

    for (int persistent = 0; persistent <= 1; persistent++) {
        for (int s = 0; s < NSIZES; s++) {
            int n = sizes[s];
            MPI_Request sreq = MPI_REQUEST_NULL, note_req = MPI_REQUEST_NULL;
            int done_early = 0;
            if (sender) {
                mtest_fill(out, n, s);
                if (persistent) {
                    MPI_Ssend_init(out, n, MPI_BYTE, partner, TAG_DATA, MPI_COMM_WORLD, &sreq);
                    MPI_Start(&sreq);
                } else {
                    MPI_Issend(out, n, MPI_BYTE, partner, TAG_DATA, MPI_COMM_WORLD, &sreq);
                }
                for (int t = 0; t < NTESTS && !done_early; t++)
                    MPI_Test(&sreq, &done_early, MPI_STATUS_IGNORE);
                CHECK_MSG(!done_early, "%sIssend of %d bytes completed before the receive "
                          "was posted", persistent ? "persistent " : "", n);
                MPI_Isend(&done_early, 1, MPI_INT, partner, TAG_NOTE, MPI_COMM_WORLD, &note_req);
            }
            if (receiver) {
                int note = -1, count = -1;
                MPI_Status st;
                MPI_Recv(&note, 1, MPI_INT, partner, TAG_NOTE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                CHECK_EQ(note, 0);
                memset(in, 0, max);
                MPI_Recv(in, max, MPI_BYTE, partner, TAG_DATA, MPI_COMM_WORLD, &st);
                MPI_Get_count(&st, MPI_BYTE, &count);
                CHECK_EQ(count, n);
                CHECK_BYTES(in, n, s);
            }
            if (sender) {
                if (!done_early)
                    MPI_Wait(&sreq, MPI_STATUS_IGNORE);
                MPI_Wait(&note_req, MPI_STATUS_IGNORE);
                if (persistent) {
                    CHECK(sreq != MPI_REQUEST_NULL);
                    MPI_Request_free(&sreq);
                }
                CHECK(sreq == MPI_REQUEST_NULL);
            }
        }
    }

    /* Blocking Ssend completes once the receiver has matched it. */
    if (receiver) {
        MPI_Request r;
        int v = -1;
        MPI_Irecv(&v, 1, MPI_INT, partner, TAG_DATA, MPI_COMM_WORLD, &r);
        if (sender) {
            int w = 77;
            MPI_Ssend(&w, 1, MPI_INT, partner, TAG_DATA, MPI_COMM_WORLD);
        }
        MPI_Wait(&r, MPI_STATUS_IGNORE);
        CHECK_EQ(v, 77);
    } else {
        int w = 77;
        MPI_Ssend(&w, 1, MPI_INT, partner, TAG_DATA, MPI_COMM_WORLD);
    }

    free(out);
    free(in);
    return mtest_finish();
}
