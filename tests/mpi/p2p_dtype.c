/* Derived datatypes across the wire, sent and received with different types of the
 * same signature: vector, indexed, struct (with padding, and at absolute addresses
 * from MPI_BOTTOM), resized, and a large strided message (rendezvous). */
#include "mtest.h"

#define NV 10
#define BIGN 200000

int main(int argc, char **argv)
{
    int rank, size, count;
    MPI_Status st;
    MPI_Request r;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    /* Column NV of an NV x NV matrix, received as NV contiguous doubles, and back. */
    double mat[NV][NV], col[NV], mat2[NV][NV];
    MPI_Datatype column;
    MPI_Type_vector(NV, 1, NV, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            mat[i][j] = rank * 1000 + i * NV + j;
            mat2[i][j] = -1;
        }
    MPI_Irecv(col, NV, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &r);
    MPI_Send(&mat[0][3], 1, column, right, 1, MPI_COMM_WORLD);
    MPI_Wait(&r, &st);
    MPI_Get_count(&st, MPI_DOUBLE, &count);
    CHECK_EQ(count, NV);
    for (int i = 0; i < NV; i++)
        CHECK_EQ(col[i], left * 1000 + i * NV + 3);
    MPI_Irecv(&mat2[0][5], 1, column, left, 2, MPI_COMM_WORLD, &r);
    MPI_Send(col, NV, MPI_DOUBLE, right, 2, MPI_COMM_WORLD);
    MPI_Wait(&r, &st);
    MPI_Get_count(&st, column, &count);
    CHECK_EQ(count, 1);
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++)
            CHECK_EQ(mat2[i][j], j == 5 ? ((left + size - 1) % size) * 1000 + i * NV + 3 : -1);

    /* Indexed out, contiguous in; contiguous out, indexed in. */
    int bl[3] = {1, 2, 3}, dis[3] = {4, 0, 10}, src[16], dst[16], flat[6];
    MPI_Datatype idx;
    MPI_Type_indexed(3, bl, dis, MPI_INT, &idx);
    MPI_Type_commit(&idx);
    for (int i = 0; i < 16; i++) {
        src[i] = rank * 100 + i;
        dst[i] = -1;
    }
    MPI_Irecv(flat, 6, MPI_INT, left, 3, MPI_COMM_WORLD, &r);
    MPI_Send(src, 1, idx, right, 3, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    const int order[6] = {4, 0, 1, 10, 11, 12};
    for (int k = 0; k < 6; k++)
        CHECK_EQ(flat[k], left * 100 + order[k]);
    MPI_Irecv(dst, 1, idx, left, 4, MPI_COMM_WORLD, &r);
    MPI_Send(flat, 6, MPI_INT, right, 4, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    for (int i = 0; i < 16; i++) {
        int in_type = i == 4 || i == 0 || i == 1 || i == 10 || i == 11 || i == 12;
        CHECK_EQ(dst[i], in_type ? ((left + size - 1) % size) * 100 + i : -1);
    }

    /* Struct with padding: 3 records out; in as separate arrays from MPI_BOTTOM. */
    struct rec { char c; double d; int i[2]; } recs[3];
    int rbl[3] = {1, 1, 2};
    MPI_Aint rdisp[3] = {offsetof(struct rec, c), offsetof(struct rec, d),
                         offsetof(struct rec, i)};
    MPI_Datatype rtypes[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT}, rt0, rt;
    MPI_Type_create_struct(3, rbl, rdisp, rtypes, &rt0);
    MPI_Type_create_resized(rt0, 0, sizeof(struct rec), &rt);
    MPI_Type_commit(&rt);
    for (int k = 0; k < 3; k++) {
        recs[k].c = (char)('a' + rank + k);
        recs[k].d = rank + k * 0.5;
        recs[k].i[0] = rank * 10 + k;
        recs[k].i[1] = -(rank * 10 + k);
    }
    char cs[3];
    double ds[3];
    int is[3][2];
    int abl[9];
    MPI_Aint adisp[9];
    MPI_Datatype atypes[9], abs_t;
    for (int k = 0; k < 3; k++) {
        abl[3 * k] = 1;
        MPI_Get_address(&cs[k], &adisp[3 * k]);
        atypes[3 * k] = MPI_CHAR;
        abl[3 * k + 1] = 1;
        MPI_Get_address(&ds[k], &adisp[3 * k + 1]);
        atypes[3 * k + 1] = MPI_DOUBLE;
        abl[3 * k + 2] = 2;
        MPI_Get_address(is[k], &adisp[3 * k + 2]);
        atypes[3 * k + 2] = MPI_INT;
    }
    MPI_Type_create_struct(9, abl, adisp, atypes, &abs_t);
    MPI_Type_commit(&abs_t);
    MPI_Irecv(MPI_BOTTOM, 1, abs_t, left, 5, MPI_COMM_WORLD, &r);
    MPI_Send(recs, 3, rt, right, 5, MPI_COMM_WORLD);
    MPI_Wait(&r, &st);
    MPI_Get_elements(&st, abs_t, &count);
    CHECK_EQ(count, 12);
    for (int k = 0; k < 3; k++) {
        CHECK_EQ(cs[k], 'a' + left + k);
        CHECK(ds[k] == left + k * 0.5);
        CHECK_EQ(is[k][0], left * 10 + k);
        CHECK_EQ(is[k][1], -(left * 10 + k));
    }
    /* ... and back from MPI_BOTTOM into records. */
    struct rec back[3];
    memset(back, 0, sizeof back);
    MPI_Irecv(back, 3, rt, left, 6, MPI_COMM_WORLD, &r);
    MPI_Send(MPI_BOTTOM, 1, abs_t, right, 6, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    int ll = (left + size - 1) % size;
    for (int k = 0; k < 3; k++) {
        CHECK_EQ(back[k].c, 'a' + ll + k);
        CHECK(back[k].d == ll + k * 0.5);
        CHECK_EQ(back[k].i[1], -(ll * 10 + k));
    }

    /* Resized int with extent 2 ints: every other int, count of them. */
    MPI_Datatype every2;
    MPI_Type_create_resized(MPI_INT, 0, 2 * sizeof(int), &every2);
    MPI_Type_commit(&every2);
    int sp[20], packed[10];
    for (int i = 0; i < 20; i++)
        sp[i] = rank * 50 + i;
    MPI_Irecv(packed, 10, MPI_INT, left, 7, MPI_COMM_WORLD, &r);
    MPI_Send(sp, 10, every2, right, 7, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    for (int i = 0; i < 10; i++)
        CHECK_EQ(packed[i], left * 50 + 2 * i);

    /* Large strided message: BIGN ints at stride 3, into stride 2. */
    MPI_Datatype s3, s2;
    MPI_Type_vector(BIGN, 1, 3, MPI_INT, &s3);
    MPI_Type_vector(BIGN, 1, 2, MPI_INT, &s2);
    MPI_Type_commit(&s3);
    MPI_Type_commit(&s2);
    int *big = mtest_malloc(3 * BIGN * sizeof(int)), *bigin = mtest_malloc(2 * BIGN * sizeof(int));
    for (int i = 0; i < 3 * BIGN; i++)
        big[i] = i % 3 ? -5 : rank + i / 3;
    for (int i = 0; i < 2 * BIGN; i++)
        bigin[i] = -9;
    MPI_Irecv(bigin, 1, s2, left, 8, MPI_COMM_WORLD, &r);
    MPI_Send(big, 1, s3, right, 8, MPI_COMM_WORLD);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    for (int i = 0; i < 2 * BIGN; i++) {
        int want = i % 2 ? -9 : left + i / 2;
        if (bigin[i] != want) {
            CHECK_MSG(0, "strided: bigin[%d] is %d, expected %d", i, bigin[i], want);
            break;
        }
    }
    free(big);
    free(bigin);

    MPI_Type_free(&column);
    MPI_Type_free(&idx);
    MPI_Type_free(&rt0);
    MPI_Type_free(&rt);
    MPI_Type_free(&abs_t);
    MPI_Type_free(&every2);
    MPI_Type_free(&s3);
    MPI_Type_free(&s2);
    return mtest_finish();
}
