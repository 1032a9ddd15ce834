/* User error handlers: MPI_Comm_create_errhandler, set/get, the handler being called
 * with the communicator and the error code (and the call then returning that code),
 * MPI_Comm_call_errhandler, inheritance by MPI_Comm_dup, and MPI_Errhandler_free. */
#include "mtest.h"

static int calls;
static MPI_Comm seen_comm;
static int seen_code;

static void handler(MPI_Comm *comm, int *code, ...)
{
    calls++;
    seen_comm = *comm;
    seen_code = *code;
}

int main(int argc, char **argv)
{
    int rank, size, rc, buf = 0, cls;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    MPI_Errhandler eh, got;
    MPI_Comm_create_errhandler(handler, &eh);
    MPI_Comm comm;
    MPI_Comm_dup(MPI_COMM_WORLD, &comm);
    MPI_Comm_set_errhandler(comm, eh);
    MPI_Comm_get_errhandler(comm, &got);
    CHECK(got == eh);
    MPI_Errhandler_free(&got);

    /* An invalid rank: the handler runs once, with this communicator and a code of
     * class MPI_ERR_RANK, and the call returns the code. */
    rc = MPI_Send(&buf, 1, MPI_INT, size, 0, comm);
    CHECK_EQ(calls, 1);
    CHECK(seen_comm == comm);
    MPI_Error_class(seen_code, &cls);
    CHECK_EQ(cls, MPI_ERR_RANK);
    CHECK_EQ(rc, seen_code);

    /* MPI_Comm_call_errhandler. */
    rc = MPI_Comm_call_errhandler(comm, MPI_ERR_OTHER);
    CHECK_EQ(rc, MPI_SUCCESS);
    CHECK_EQ(calls, 2);
    CHECK_EQ(seen_code, MPI_ERR_OTHER);

    /* A dup inherits the handler; the original handle can be freed while in use. */
    MPI_Comm child;
    MPI_Comm_dup(comm, &child);
    MPI_Errhandler_free(&eh);
    CHECK(eh == MPI_ERRHANDLER_NULL);
    rc = MPI_Recv(&buf, 1, MPI_INT, 0, -3, child, MPI_STATUS_IGNORE);
    CHECK_EQ(calls, 3);
    CHECK(seen_comm == child);
    MPI_Error_class(seen_code, &cls);
    CHECK_EQ(cls, MPI_ERR_TAG);

    /* Other communicators keep their handler: MPI_COMM_WORLD returns errors. */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    rc = MPI_Send(&buf, -1, MPI_INT, 0, 0, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    CHECK_EQ(cls, MPI_ERR_COUNT);
    CHECK_EQ(calls, 3);

    /* The communicators still work. */
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, child);
    CHECK_EQ(sum, size * (size - 1) / 2);

    MPI_Comm_free(&child);
    MPI_Comm_free(&comm);
    return mtest_finish();
}
