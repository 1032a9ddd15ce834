/* MPI_Pack, MPI_Unpack and MPI_Pack_size: mixed data packed into one buffer and
 * sent as MPI_PACKED (received after a probe for its size), a strided datatype
 * packed and unpacked into another layout, and typed data received as MPI_PACKED
 * and unpacked. */
#include "mtest.h"

#define NI 10
#define ND 5
#define NS 16

int main(int argc, char **argv)
{
    int rank, size, pos, count, bound, b;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    int ints[NI];
    double dbls[ND];
    char str[NS] = "packed message!";
    for (int i = 0; i < NI; i++)
        ints[i] = rank * 100 + i;
    for (int i = 0; i < ND; i++)
        dbls[i] = rank + i * 0.25;

    /* Pack_size is an upper bound for what Pack uses. */
    bound = 0;
    MPI_Pack_size(NI, MPI_INT, MPI_COMM_WORLD, &b);
    bound += b;
    MPI_Pack_size(ND, MPI_DOUBLE, MPI_COMM_WORLD, &b);
    bound += b;
    MPI_Pack_size(NS, MPI_CHAR, MPI_COMM_WORLD, &b);
    bound += b;
    char *buf = mtest_malloc(bound);
    pos = 0;
    MPI_Pack(ints, NI, MPI_INT, buf, bound, &pos, MPI_COMM_WORLD);
    CHECK(pos >= NI * (int)sizeof(int));
    MPI_Pack(dbls, ND, MPI_DOUBLE, buf, bound, &pos, MPI_COMM_WORLD);
    MPI_Pack(str, NS, MPI_CHAR, buf, bound, &pos, MPI_COMM_WORLD);
    CHECK(pos <= bound);

    /* Send as MPI_PACKED; receive after probing for the size. */
    MPI_Request r;
    MPI_Isend(buf, pos, MPI_PACKED, right, 1, MPI_COMM_WORLD, &r);
    MPI_Probe(left, 1, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_PACKED, &count);
    CHECK_EQ(count, pos); /* same job, same representation */
    char *in = mtest_malloc(count);
    MPI_Recv(in, count, MPI_PACKED, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    int ri[NI];
    double rd[ND];
    char rs[NS];
    int upos = 0;
    MPI_Unpack(in, count, &upos, ri, NI, MPI_INT, MPI_COMM_WORLD);
    MPI_Unpack(in, count, &upos, rd, ND, MPI_DOUBLE, MPI_COMM_WORLD);
    MPI_Unpack(in, count, &upos, rs, NS, MPI_CHAR, MPI_COMM_WORLD);
    CHECK_EQ(upos, count);
    for (int i = 0; i < NI; i++)
        CHECK_EQ(ri[i], left * 100 + i);
    for (int i = 0; i < ND; i++)
        CHECK(rd[i] == left + i * 0.25);
    CHECK(strcmp(rs, "packed message!") == 0);
    free(in);

    /* A strided vector packs to its elements in order and unpacks into another
     * layout. */
    MPI_Datatype every3;
    MPI_Type_vector(8, 1, 3, MPI_INT, &every3);
    MPI_Type_commit(&every3);
    int src[24], dst[16];
    for (int i = 0; i < 24; i++)
        src[i] = i;
    MPI_Pack_size(2, every3, MPI_COMM_WORLD, &bound);
    char *vbuf = mtest_malloc(bound);
    pos = 0;
    MPI_Pack(src, 1, every3, vbuf, bound, &pos, MPI_COMM_WORLD);
    MPI_Pack(src + 1, 1, every3, vbuf, bound, &pos, MPI_COMM_WORLD);
    CHECK(pos <= bound);
    upos = 0;
    MPI_Unpack(vbuf, pos, &upos, dst, 16, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(dst[i], 3 * i);
        CHECK_EQ(dst[8 + i], 3 * i + 1);
    }
    int back[24];
    for (int i = 0; i < 24; i++)
        back[i] = -1;
    upos = 0;
    MPI_Unpack(vbuf, pos, &upos, back, 1, every3, MPI_COMM_WORLD);
    for (int i = 0; i < 24; i++)
        CHECK_EQ(back[i], i % 3 == 0 ? i : -1);
    free(vbuf);

    /* Typed data received as MPI_PACKED, then unpacked. */
    MPI_Pack_size(NI, MPI_INT, MPI_COMM_WORLD, &bound);
    char *pk = mtest_malloc(bound);
    MPI_Isend(ints, NI, MPI_INT, right, 2, MPI_COMM_WORLD, &r);
    MPI_Recv(pk, bound, MPI_PACKED, left, 2, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_PACKED, &count);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    upos = 0;
    MPI_Unpack(pk, count, &upos, ri, NI, MPI_INT, MPI_COMM_WORLD);
    for (int i = 0; i < NI; i++)
        CHECK_EQ(ri[i], left * 100 + i);
    free(pk);

    MPI_Type_free(&every3);
    free(buf);
    return mtest_finish();
}
