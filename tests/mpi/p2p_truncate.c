/* MPI_ERR_TRUNCATE: with MPI_ERRORS_RETURN, a message longer than the receive
 * buffer gives the TRUNCATE class with source and tag in the status, writes nothing
 * past the buffer, and leaves the connection usable (eager and rendezvous sizes;
 * Recv, Irecv+Wait, and Waitall with MPI_ERR_IN_STATUS). */
#include "mtest.h"

#define ROOM 100
#define GUARD 64
#define TAG 5

static const int sizes[] = {ROOM + 1, 1000, 70000, 1 << 20};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static int err_class(int rc)
{
    int c = -1;
    MPI_Error_class(rc, &c);
    return c;
}

int main(int argc, char **argv)
{
    int rank, size, rc;
    MPI_Status st;
    MPI_Request r;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int partner = mtest_partner(rank, size);
    int max = sizes[NSIZES - 1];
    unsigned char *out = mtest_malloc(max), *in = mtest_malloc(ROOM + GUARD);

    for (int s = 0; s < NSIZES; s++) {
        int n = sizes[s];
        for (int way = 0; way < 3; way++) {
            MPI_Request sreq;
            mtest_fill(out, n, s);
            MPI_Isend(out, n, MPI_BYTE, partner, TAG, MPI_COMM_WORLD, &sreq);
            memset(in, 0xEE, ROOM + GUARD);
            st.MPI_SOURCE = st.MPI_TAG = -77;
            if (way == 0) {
                rc = MPI_Recv(in, ROOM, MPI_BYTE, partner, TAG, MPI_COMM_WORLD, &st);
                CHECK_MSG(err_class(rc) == MPI_ERR_TRUNCATE, "Recv of %d bytes into %d: class %d",
                          n, ROOM, err_class(rc));
            } else if (way == 1) {
                rc = MPI_Irecv(in, ROOM, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &r);
                CHECK_EQ(rc, MPI_SUCCESS);
                rc = MPI_Wait(&r, &st);
                CHECK_MSG(err_class(rc) == MPI_ERR_TRUNCATE, "Wait for %d bytes into %d: class %d",
                          n, ROOM, err_class(rc));
            } else {
                MPI_Request two[2];
                MPI_Status sts[2];
                int small = -1;
                MPI_Irecv(&small, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &two[0]);
                MPI_Irecv(in, ROOM, MPI_BYTE, partner, TAG, MPI_COMM_WORLD, &two[1]);
                rc = MPI_Waitall(2, two, sts);
                CHECK_MSG(err_class(rc) == MPI_ERR_IN_STATUS, "Waitall: class %d", err_class(rc));
                CHECK_EQ(err_class(sts[1].MPI_ERROR), MPI_ERR_TRUNCATE);
                CHECK_EQ(sts[0].MPI_ERROR, MPI_SUCCESS);
                st = sts[1];
            }
            CHECK_EQ(st.MPI_SOURCE, partner);
            CHECK_EQ(st.MPI_TAG, TAG);
            for (int g = 0; g < GUARD; g++)
                CHECK_MSG(in[ROOM + g] == 0xEE, "%d-byte message overran a %d-byte buffer",
                          n, ROOM);
            rc = MPI_Wait(&sreq, MPI_STATUS_IGNORE);
            CHECK_EQ(rc, MPI_SUCCESS);

            /* The next message between the two still arrives intact. */
            int v = rank * 10 + way, got = -1;
            rc = MPI_Sendrecv(&v, 1, MPI_INT, partner, TAG + 1, &got, 1, MPI_INT, partner,
                              TAG + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            CHECK_EQ(rc, MPI_SUCCESS);
            CHECK_EQ(got, partner * 10 + way);
        }
    }

    free(out);
    free(in);
    return mtest_finish();
}
