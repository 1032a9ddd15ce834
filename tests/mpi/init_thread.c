/* MPI_Init_thread, MPI_Query_thread and MPI_Is_thread_main: the provided level is
 * whatever the library reports, but it must be a valid level and the queries must
 * agree with it. */
#include "mtest.h"
#include <pthread.h>

static void *other_thread(void *arg)
{
    int *is_main = arg;
    MPI_Is_thread_main(is_main);
    return NULL;
}

int main(int argc, char **argv)
{
    int provided = -1, queried = -1, flag = -1;

    mtest_args(argc, argv);
    CHECK(MPI_THREAD_SINGLE < MPI_THREAD_FUNNELED);
    CHECK(MPI_THREAD_FUNNELED < MPI_THREAD_SERIALIZED);
    CHECK(MPI_THREAD_SERIALIZED < MPI_THREAD_MULTIPLE);

    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    CHECK_MSG(provided == MPI_THREAD_SINGLE || provided == MPI_THREAD_FUNNELED ||
                  provided == MPI_THREAD_SERIALIZED || provided == MPI_THREAD_MULTIPLE,
              "MPI_Init_thread provided %d, not a thread level", provided);

    MPI_Initialized(&flag);
    CHECK_EQ(flag, 1);
    MPI_Query_thread(&queried);
    CHECK_EQ(queried, provided);
    MPI_Is_thread_main(&flag);
    CHECK_EQ(flag, 1);

    /* With at least SERIALIZED another thread may call MPI while main waits. */
    if (provided >= MPI_THREAD_SERIALIZED) {
        pthread_t t;
        int is_main = -1;
        CHECK_EQ(pthread_create(&t, NULL, other_thread, &is_main), 0);
        pthread_join(t, NULL);
        CHECK_EQ(is_main, 0);
    }

    /* The level is the same on every rank of one job. */
    int lo, hi;
    MPI_Allreduce(&provided, &lo, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&provided, &hi, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    CHECK_EQ(lo, hi);

    return mtest_finish();
}
