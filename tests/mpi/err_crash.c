/* A rank killed by a signal: rank 1 raises SIGSEGV while the others wait in a
 * receive that never completes.  The job must end (mpirun exit status 128+11 under
 * Tern, with a message naming rank 1 and the signal) and leave no process behind. */
#include "mtest.h"
#include <signal.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
    int rank, size, buf = 0;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 1) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none); /* no core file */
        signal(SIGSEGV, SIG_DFL);      /* not a library's handler */
        raise(SIGSEGV);
    }
    MPI_Recv(&buf, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    fprintf(stderr, "rank %d: still running after rank 1 crashed\n", rank);
    MPI_Finalize();
    return 0;
}
