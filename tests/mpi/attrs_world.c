/* The predefined attributes of MPI_COMM_WORLD: MPI_TAG_UB, MPI_HOST, MPI_IO,
 * MPI_WTIME_IS_GLOBAL, MPI_UNIVERSE_SIZE, MPI_APPNUM. */
#include "mtest.h"

static int get(int key, int *value)
{
    int *p = NULL, flag = 0;
    MPI_Comm_get_attr(MPI_COMM_WORLD, key, &p, &flag);
    if (flag)
        *value = *p;
    return flag;
}

/* The same value on every rank. */
static void check_uniform(int value, const char *what)
{
    int lo, hi;
    MPI_Allreduce(&value, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&value, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    CHECK_MSG(lo == hi, "%s differs between ranks (%d .. %d)", what, lo, hi);
}

int main(int argc, char **argv)
{
    int size, v, flag;
    mtest_init(&argc, &argv);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* MPI requires a tag bound of at least 32767; Tern promises 2^24-1. */
    v = 0;
    flag = get(MPI_TAG_UB, &v);
    CHECK_EQ(flag, 1);
    CHECK(v >= 32767);
    if (mtest_tern)
        CHECK_MSG(v >= (1 << 24) - 1, "MPI_TAG_UB is %d, Tern promises at least 2^24-1", v);
    check_uniform(v, "MPI_TAG_UB");

    /* MPI_HOST: a rank, or MPI_PROC_NULL when there is no host. */
    v = -12345;
    flag = get(MPI_HOST, &v);
    CHECK_EQ(flag, 1);
    CHECK_MSG(v == MPI_PROC_NULL || (v >= 0 && v < size), "MPI_HOST is %d", v);
    check_uniform(v, "MPI_HOST");

    /* MPI_IO: MPI_ANY_SOURCE, MPI_PROC_NULL or a rank. */
    v = -12345;
    flag = get(MPI_IO, &v);
    CHECK_EQ(flag, 1);
    CHECK_MSG(v == MPI_ANY_SOURCE || v == MPI_PROC_NULL || (v >= 0 && v < size),
              "MPI_IO is %d", v);

    /* MPI_WTIME_IS_GLOBAL may be absent; when present it is 0 or 1. */
    v = -1;
    flag = get(MPI_WTIME_IS_GLOBAL, &v);
    if (flag)
        CHECK_MSG(v == 0 || v == 1, "MPI_WTIME_IS_GLOBAL is %d", v);
    if (mtest_tern)
        CHECK_EQ(flag, 1);

    /* MPI_UNIVERSE_SIZE is optional; Tern sets it, at least the job's size. */
    v = -1;
    flag = get(MPI_UNIVERSE_SIZE, &v);
    if (flag)
        CHECK(v >= 1);
    if (mtest_tern) {
        CHECK_EQ(flag, 1);
        CHECK(v >= size);
    }

    /* MPI_APPNUM: 0 for the only program of an mpiexec command; Tern always sets it. */
    v = -1;
    flag = get(MPI_APPNUM, &v);
    if (flag)
        CHECK_EQ(v, 0);
    if (mtest_tern)
        CHECK_EQ(flag, 1);

    return mtest_finish();
}
