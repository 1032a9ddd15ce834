/* Messages to oneself, on MPI_COMM_WORLD and MPI_COMM_SELF: small with Isend then a
 * blocking Recv, large with Irecv+Isend, synchronous, many at once in order, and
 * probed. */
#include "mtest.h"

#define BIG (2 << 20)
#define MANY 200

static void run(MPI_Comm comm, int me)
{
    MPI_Request r[2];
    MPI_Status st;
    int count;
    unsigned char *out = mtest_malloc(BIG), *in = mtest_malloc(BIG);

    mtest_fill(out, 100, 1);
    MPI_Isend(out, 100, MPI_BYTE, me, 1, comm, &r[0]);
    MPI_Recv(in, 100, MPI_BYTE, me, 1, comm, &st);
    MPI_Wait(&r[0], MPI_STATUS_IGNORE);
    CHECK_BYTES(in, 100, 1);
    CHECK_EQ(st.MPI_SOURCE, me);

    mtest_fill(out, BIG, 2);
    memset(in, 0, BIG);
    MPI_Isend(out, BIG, MPI_BYTE, me, 2, comm, &r[0]);
    MPI_Irecv(in, BIG, MPI_BYTE, me, 2, comm, &r[1]);
    MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
    CHECK_BYTES(in, BIG, 2);

    /* Synchronous: not complete until the receive is posted. */
    int flag = 1;
    MPI_Issend(out, 10, MPI_BYTE, me, 3, comm, &r[0]);
    MPI_Test(&r[0], &flag, MPI_STATUS_IGNORE);
    CHECK_EQ(flag, 0);
    MPI_Recv(in, 10, MPI_BYTE, me, 3, comm, MPI_STATUS_IGNORE);
    MPI_Wait(&r[0], MPI_STATUS_IGNORE);

    /* Many, received in order with MPI_ANY_TAG. */
    int vals[MANY], got;
    MPI_Request rs[MANY];
    for (int i = 0; i < MANY; i++) {
        vals[i] = i * 7;
        MPI_Isend(&vals[i], 1, MPI_INT, me, i % 5, comm, &rs[i]);
    }
    for (int i = 0; i < MANY; i++) {
        MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &st);
        CHECK_EQ(got, i * 7);
        CHECK_EQ(st.MPI_TAG, i % 5);
    }
    MPI_Waitall(MANY, rs, MPI_STATUSES_IGNORE);

    /* Probe, then receive the probed size; zero bytes too. */
    MPI_Isend(out, 12345, MPI_BYTE, me, 4, comm, &r[0]);
    MPI_Probe(me, 4, comm, &st);
    MPI_Get_count(&st, MPI_BYTE, &count);
    CHECK_EQ(count, 12345);
    MPI_Recv(in, count, MPI_BYTE, me, 4, comm, MPI_STATUS_IGNORE);
    MPI_Wait(&r[0], MPI_STATUS_IGNORE);
    CHECK_BYTES(in, 12345, 2);
    MPI_Isend(NULL, 0, MPI_BYTE, me, 5, comm, &r[0]);
    MPI_Recv(NULL, 0, MPI_BYTE, me, 5, comm, &st);
    MPI_Get_count(&st, MPI_BYTE, &count);
    CHECK_EQ(count, 0);
    MPI_Wait(&r[0], MPI_STATUS_IGNORE);

    /* Sendrecv with oneself. */
    mtest_fill(out, 5000, 6);
    MPI_Sendrecv(out, 5000, MPI_BYTE, me, 6, in, 5000, MPI_BYTE, me, 6, comm, MPI_STATUS_IGNORE);
    CHECK_BYTES(in, 5000, 6);

    free(out);
    free(in);
}

int main(int argc, char **argv)
{
    int rank;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    run(MPI_COMM_WORLD, rank);
    run(MPI_COMM_SELF, 0);
    return mtest_finish();
}
