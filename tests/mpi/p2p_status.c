/* MPI_Get_count and MPI_Get_elements(_x), including MPI_UNDEFINED when the message
 * is not a whole number of the datatype, and the status setters. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank, size, count, flag;
    MPI_Count ecount;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);

    MPI_Datatype pair, ci;
    MPI_Type_contiguous(2, MPI_INT, &pair);
    MPI_Type_commit(&pair);
    /* {int, double} at their natural offsets; 5 basic elements of it are sent. */
    struct id { int i; double d; };
    int bl[2] = {1, 1};
    MPI_Aint disp[2] = {offsetof(struct id, i), offsetof(struct id, d)};
    MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, idt;
    MPI_Type_create_struct(2, bl, disp, types, &idt);
    MPI_Type_create_resized(idt, 0, sizeof(struct id), &ci);
    MPI_Type_free(&idt);
    MPI_Type_commit(&ci);

    /* 7 ints received as pairs: 3.5 pairs. */
    int out[8] = {1, 2, 3, 4, 5, 6, 7, 8}, in[20];
    MPI_Request r;
    MPI_Irecv(in, 10, pair, partner, 1, MPI_COMM_WORLD, &r);
    MPI_Send(out, 7, MPI_INT, partner, 1, MPI_COMM_WORLD);
    MPI_Wait(&r, &st);
    MPI_Get_count(&st, pair, &count);
    CHECK_EQ(count, MPI_UNDEFINED);
    MPI_Get_elements(&st, pair, &count);
    CHECK_EQ(count, 7);
    MPI_Get_elements_x(&st, pair, &ecount);
    CHECK_EQ(ecount, 7);
    for (int i = 0; i < 7; i++)
        CHECK_EQ(in[i], i + 1);

    /* 6 ints as pairs: exactly 3. */
    MPI_Irecv(in, 10, pair, partner, 2, MPI_COMM_WORLD, &r);
    MPI_Send(out, 6, MPI_INT, partner, 2, MPI_COMM_WORLD);
    MPI_Wait(&r, &st);
    MPI_Get_count(&st, pair, &count);
    CHECK_EQ(count, 3);
    MPI_Get_elements(&st, pair, &count);
    CHECK_EQ(count, 6);

    /* int,double,int,double,int sent; received as {int,double} structs. */
    struct id sout[3] = {{10, 1.5}, {20, 2.5}, {30, 3.5}}, sin[4];
    MPI_Irecv(sin, 4, ci, partner, 3, MPI_COMM_WORLD, &r);
    {
        int bl5[5] = {1, 1, 1, 1, 1};
        MPI_Aint d5[5];
        MPI_Datatype t5[5] = {MPI_INT, MPI_DOUBLE, MPI_INT, MPI_DOUBLE, MPI_INT}, five;
        for (int k = 0; k < 5; k++)
            d5[k] = (MPI_Aint)(k / 2) * (MPI_Aint)sizeof(struct id) + (k % 2 ? disp[1] : disp[0]);
        MPI_Type_create_struct(5, bl5, d5, t5, &five);
        MPI_Type_commit(&five);
        MPI_Send(sout, 1, five, partner, 3, MPI_COMM_WORLD);
        MPI_Type_free(&five);
    }
    MPI_Wait(&r, &st);
    MPI_Get_count(&st, ci, &count);
    CHECK_EQ(count, MPI_UNDEFINED);
    MPI_Get_elements(&st, ci, &count);
    CHECK_EQ(count, 5);
    CHECK(sin[0].i == 10 && sin[0].d == 1.5 && sin[1].i == 20 && sin[1].d == 2.5);
    CHECK_EQ(sin[2].i, 30);

    /* Zero-length message. */
    MPI_Irecv(in, 10, pair, partner, 4, MPI_COMM_WORLD, &r);
    MPI_Send(out, 0, MPI_INT, partner, 4, MPI_COMM_WORLD);
    MPI_Wait(&r, &st);
    MPI_Get_count(&st, pair, &count);
    CHECK_EQ(count, 0);
    MPI_Get_elements(&st, pair, &count);
    CHECK_EQ(count, 0);

    /* Setters. */
    MPI_Status_set_elements(&st, MPI_INT, 6);
    MPI_Get_count(&st, MPI_INT, &count);
    CHECK_EQ(count, 6);
    MPI_Get_count(&st, pair, &count);
    CHECK_EQ(count, 3);
    MPI_Get_elements(&st, pair, &count);
    CHECK_EQ(count, 6);
    MPI_Status_set_elements(&st, MPI_INT, 7);
    MPI_Get_count(&st, pair, &count);
    CHECK_EQ(count, MPI_UNDEFINED);
    MPI_Get_elements(&st, pair, &count);
    CHECK_EQ(count, 7);
    /* (Only basic types are given to the setters: for a derived type MPICH reads the
     * count as a number of datatype instances, Open MPI as basic elements.) */
    MPI_Status_set_elements_x(&st, MPI_DOUBLE, (MPI_Count)5);
    MPI_Get_elements_x(&st, MPI_DOUBLE, &ecount);
    CHECK_EQ(ecount, 5);
    MPI_Get_count(&st, MPI_DOUBLE, &count);
    CHECK_EQ(count, 5);

    MPI_Status_set_cancelled(&st, 1);
    flag = 0;
    MPI_Test_cancelled(&st, &flag);
    CHECK_EQ(flag, 1);
    MPI_Status_set_cancelled(&st, 0);
    MPI_Test_cancelled(&st, &flag);
    CHECK_EQ(flag, 0);

#if MPI_VERSION > 4 || (MPI_VERSION == 4 && MPI_SUBVERSION >= 1)
    MPI_Status_set_source(&st, 3);
    MPI_Status_set_tag(&st, 17);
    MPI_Status_set_error(&st, MPI_ERR_TAG);
    int v = -1;
    MPI_Status_get_source(&st, &v);
    CHECK_EQ(v, 3);
    CHECK_EQ(st.MPI_SOURCE, 3);
    MPI_Status_get_tag(&st, &v);
    CHECK_EQ(v, 17);
    CHECK_EQ(st.MPI_TAG, 17);
    MPI_Status_get_error(&st, &v);
    CHECK_EQ(v, MPI_ERR_TAG);
    CHECK_EQ(st.MPI_ERROR, MPI_ERR_TAG);
#endif

    MPI_Type_free(&pair);
    MPI_Type_free(&ci);
    return mtest_finish();
}
