/* MPI_Comm_get_parent and MPI_Comm_disconnect: a process not started by
 * MPI_Comm_spawn has no parent (MPI_COMM_NULL); disconnecting a duplicate of
 * MPI_COMM_WORLD after messages on it, and an intercommunicator, sets the
 * handle to MPI_COMM_NULL and leaves other communicators working;
 * MPI_COMM_WORLD itself can not be disconnected (an error that returns). */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank, size, v = 0, sum = 0;
    MPI_Comm parent = MPI_COMM_WORLD, dup, half, inter;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK_EQ(MPI_Comm_get_parent(&parent), MPI_SUCCESS);
    CHECK(parent == MPI_COMM_NULL);

    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Sendrecv(&rank, 1, MPI_INT, (rank + 1) % size, 3, &v, 1, MPI_INT,
                 (rank - 1 + size) % size, 3, dup, MPI_STATUS_IGNORE);
    CHECK_EQ(v, (rank - 1 + size) % size);
    CHECK_EQ(MPI_Comm_disconnect(&dup), MPI_SUCCESS);
    CHECK(dup == MPI_COMM_NULL);

    if (size > 1) {
        int side = rank >= size / 2;
        MPI_Comm_split(MPI_COMM_WORLD, side, rank, &half);
        MPI_Intercomm_create(half, 0, MPI_COMM_WORLD, side ? 0 : size / 2, 5, &inter);
        CHECK_EQ(MPI_Comm_disconnect(&inter), MPI_SUCCESS);
        CHECK(inter == MPI_COMM_NULL);
        MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, half);
        MPI_Comm_free(&half);
    }
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK_EQ(sum, size * (size - 1) / 2);

    if (mtest_tern) {
        MPI_Comm world = MPI_COMM_WORLD;
        int cls = 0;
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Error_class(MPI_Comm_disconnect(&world), &cls);
        CHECK_EQ(cls, MPI_ERR_COMM);
    }
    return mtest_finish();
}
