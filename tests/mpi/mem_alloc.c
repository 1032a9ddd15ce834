/* MPI_Alloc_mem / MPI_Free_mem and MPI_Pcontrol: blocks of several sizes
 * (0 included) with and without info are usable memory, distinct, and serve
 * as message buffers; a negative size and an invalid info are errors that
 * return (MPI_ERRORS_RETURN on MPI_COMM_WORLD, which MPI_Alloc_mem reports
 * on); MPI_Pcontrol accepts any level. */
#include "mtest.h"

int main(int argc, char **argv)
{
    static const MPI_Aint sizes[] = {0, 1, 8, 4096, 1 << 20};
    enum { N = sizeof(sizes) / sizeof(sizes[0]) };
    void *p[N];
    MPI_Info info;
    int rank, size, cls;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shared_noncontig", "true");
    for (int i = 0; i < N; i++) {
        CHECK_EQ(MPI_Alloc_mem(sizes[i], i % 2 ? info : MPI_INFO_NULL, &p[i]), MPI_SUCCESS);
        CHECK(sizes[i] == 0 || p[i] != NULL);
        if (p[i])
            mtest_fill(p[i], (long)sizes[i], i);
    }
    for (int i = 0; i < N; i++) {
        if (p[i])
            CHECK_BYTES(p[i], (long)sizes[i], i);
        for (int j = 0; j < i; j++)
            CHECK(sizes[i] == 0 || sizes[j] == 0 || p[i] != p[j]);
    }
    /* the largest block as a message buffer around a ring */
    int to = (rank + 1) % size, from = (rank - 1 + size) % size;
    char *in;
    CHECK_EQ(MPI_Alloc_mem(sizes[N - 1], MPI_INFO_NULL, &in), MPI_SUCCESS);
    mtest_fill(p[N - 1], (long)sizes[N - 1], 100 + rank);
    CHECK_EQ(MPI_Sendrecv(p[N - 1], (int)sizes[N - 1], MPI_BYTE, to, 0, in, (int)sizes[N - 1],
                          MPI_BYTE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
             MPI_SUCCESS);
    CHECK_BYTES(in, (long)sizes[N - 1], 100 + from);
    CHECK_EQ(MPI_Free_mem(in), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        CHECK_EQ(MPI_Free_mem(p[i]), MPI_SUCCESS);
    MPI_Info_free(&info);

    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    void *bad = NULL;
    int rc = MPI_Alloc_mem(-1, MPI_INFO_NULL, &bad);
    CHECK(rc != MPI_SUCCESS);
    if (mtest_tern) {
        MPI_Error_class(rc, &cls);
        CHECK_EQ(cls, MPI_ERR_ARG);
        rc = MPI_Alloc_mem(16, (MPI_Info)0x12345, &bad);
        MPI_Error_class(rc, &cls);
        CHECK_EQ(cls, MPI_ERR_INFO);
    }
    CHECK_EQ(MPI_Pcontrol(0), MPI_SUCCESS);
    CHECK_EQ(MPI_Pcontrol(2, "ignored"), MPI_SUCCESS);
    return mtest_finish();
}
