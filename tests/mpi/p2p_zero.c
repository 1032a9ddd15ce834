/* Zero-byte messages: count 0 of basic and derived types, a NULL buffer, every
 * mode, into receives of various sizes; ordering with non-empty messages. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank, size, count, buf[8];
    MPI_Status st;
    MPI_Request r;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    MPI_Datatype vec;
    MPI_Type_vector(3, 1, 2, MPI_INT, &vec);
    MPI_Type_commit(&vec);
    MPI_Datatype types[] = {MPI_BYTE, MPI_INT, MPI_DOUBLE, vec};

    for (int t = 0; t < 4; t++) {
        for (int i = 0; i < 8; i++)
            buf[i] = -7;
        MPI_Irecv(buf, 1, types[t], left, t, MPI_COMM_WORLD, &r);
        MPI_Send(t % 2 ? NULL : buf, 0, types[t], right, t, MPI_COMM_WORLD);
        MPI_Wait(&r, &st);
        MPI_Get_count(&st, types[t], &count);
        CHECK_EQ(count, 0);
        MPI_Get_elements(&st, types[t], &count);
        CHECK_EQ(count, 0);
        CHECK_EQ(st.MPI_SOURCE, left);
        CHECK_EQ(st.MPI_TAG, t);
        for (int i = 0; i < 8; i++)
            CHECK_EQ(buf[i], -7);
    }

    /* Every mode; the receives are posted before the sends start (Rsend). */
    int bsize = 2 * (MPI_BSEND_OVERHEAD + 64);
    void *bbuf = mtest_malloc(bsize);
    MPI_Buffer_attach(bbuf, bsize);
    MPI_Request rr[8], sr[4];
    for (int m = 0; m < 8; m++)
        MPI_Irecv(NULL, 0, MPI_INT, left, 10 + m, MPI_COMM_WORLD, &rr[m]);
    MPI_Sendrecv(NULL, 0, MPI_BYTE, left, 9, NULL, 0, MPI_BYTE, right, 9, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE); /* right has posted its receives */
    MPI_Isend(NULL, 0, MPI_INT, right, 10, MPI_COMM_WORLD, &sr[0]);
    MPI_Issend(NULL, 0, MPI_INT, right, 11, MPI_COMM_WORLD, &sr[1]);
    MPI_Ibsend(NULL, 0, MPI_INT, right, 12, MPI_COMM_WORLD, &sr[2]);
    MPI_Irsend(NULL, 0, MPI_INT, right, 13, MPI_COMM_WORLD, &sr[3]);
    MPI_Send(NULL, 0, MPI_INT, right, 14, MPI_COMM_WORLD);
    MPI_Ssend(NULL, 0, MPI_INT, right, 15, MPI_COMM_WORLD);
    MPI_Bsend(NULL, 0, MPI_INT, right, 16, MPI_COMM_WORLD);
    MPI_Rsend(NULL, 0, MPI_INT, right, 17, MPI_COMM_WORLD);
    MPI_Waitall(4, sr, MPI_STATUSES_IGNORE);
    MPI_Status sts[8];
    MPI_Waitall(8, rr, sts);
    for (int m = 0; m < 8; m++) {
        MPI_Get_count(&sts[m], MPI_INT, &count);
        CHECK_EQ(count, 0);
        CHECK_EQ(sts[m].MPI_TAG, 10 + m);
    }
    void *addr;
    MPI_Buffer_detach(&addr, &bsize);
    free(bbuf);

    /* Empty and non-empty messages interleaved keep their order. */
    int vals[20];
    MPI_Request rs[20];
    for (int i = 0; i < 20; i++) {
        vals[i] = 100 * rank + i;
        MPI_Isend(&vals[i], i % 2, MPI_INT, right, 30, MPI_COMM_WORLD, &rs[i]);
    }
    for (int i = 0; i < 20; i++) {
        int v = -1;
        MPI_Recv(&v, 1, MPI_INT, left, 30, MPI_COMM_WORLD, &st);
        MPI_Get_count(&st, MPI_INT, &count);
        CHECK_EQ(count, i % 2);
        CHECK_EQ(v, i % 2 ? 100 * left + i : -1);
    }
    MPI_Waitall(20, rs, MPI_STATUSES_IGNORE);

    MPI_Type_free(&vec);
    return mtest_finish();
}
