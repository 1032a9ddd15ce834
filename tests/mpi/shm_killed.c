/* Ranks killed while they hold shared-memory ring slots.
 *
 *   shm_killed          rank 1 takes a few messages and kills itself (SIGKILL)
 *                       while every other rank floods it with 1 KiB sends,
 *                       more than its rings hold; the job must end non-zero
 *                       (mpirun: 137, naming rank 1 and the signal). With
 *                       --disable-auto-cleanup the senders' waits must fail,
 *                       not hang; they end only once mpirun has reaped rank 1,
 *                       so that its death is the job's first failure.
 *   shm_killed init     (Tern's mpirun only) rank 1 kills itself in MPI_Init's
 *                       stead once local rank 0 has created the node's segment
 *                       (/dev/shm/tern-$TERN_JOB_ID-*), before anyone could
 *                       unlink it: mpirun must remove it (tests/launcher/run.sh
 *                       checks /dev/shm afterwards). */
#include "mtest.h"
#include "mtest_lost.h"
#include <dirent.h>

#define FLOOD 2000
#define LEN 1024

/* Does /dev/shm hold a segment named after this job? */
static int segment_exists(const char *job)
{
    char prefix[64];
    int found = 0;
    snprintf(prefix, sizeof prefix, "tern-%s-", job);
    DIR *d = opendir("/dev/shm");
    for (struct dirent *e; d && !found && (e = readdir(d)) != NULL;)
        found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return found;
}

int main(int argc, char **argv)
{
    const char *job = getenv("TERN_JOB_ID"), *rank_env = getenv("PMI_RANK");
    if (argc > 1 && strcmp(argv[1], "init") == 0 && job && rank_env && atoi(rank_env) == 1) {
        /* at most 60 s: the segment may never come (TERN_TRANSPORTS=tcp) */
        for (int i = 0; i < 6000 && !segment_exists(job); i++)
            nanosleep(&(struct timespec){0, 10000000}, NULL);
        mtest_die();
    }

    int rank, size, pid1 = (int)getpid();
    char *buf = mtest_malloc(LEN);
    MPI_Request *req = mtest_malloc(FLOOD * sizeof(*req));
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    mtest_fill(buf, LEN, rank);
    if (size > 1)
        MPI_Bcast(&pid1, 1, MPI_INT, 1, MPI_COMM_WORLD);
    if (rank == 1) {
        for (int i = 0; i < size - 2; i++) /* the flood has begun */
            MPI_Recv(buf, LEN, MPI_CHAR, MPI_ANY_SOURCE, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        mtest_die();
    }
    if (rank != 1 && size > 1) {
        for (int i = 0; i < FLOOD; i++)
            MPI_Isend(buf, LEN, MPI_CHAR, 1, 0, MPI_COMM_WORLD, &req[i]);
        int rc = MPI_Waitall(FLOOD, req, MPI_STATUSES_IGNORE);
        fprintf(stderr, "rank %d: flooding the killed rank 1 ended: %s\n", rank,
                rc == MPI_SUCCESS ? "success?" : "error");
        mtest_wait_reaped(pid1);
    }
    MPI_Finalize();
    return size > 1 ? 1 : 0;
}
