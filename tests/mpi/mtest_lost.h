/* Helpers for the tests in which a rank dies (shm_lost, shm_killed,
 * peer_dies). Include after mtest.h. */
#ifndef MTEST_LOST_H
#define MTEST_LOST_H

#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* rc is an error; under Tern its message names rank 1 as lost. */
static inline void mtest_check_lost(int rc, const char *what)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;

    CHECK_MSG(rc != MPI_SUCCESS, "%s succeeded", what);
    if (rc == MPI_SUCCESS)
        return;
    MPI_Error_string(rc, msg, &len);
    if (mtest_tern)
        CHECK_MSG(strstr(msg, "lost rank 1"), "%.100s: the error does not name rank 1: %.300s", what,
                  msg);
}

/* Until process pid, which has exited, is reaped by mpirun: a survivor that
 * finalizes only then leaves the dead rank's failure the job's first. */
static inline void mtest_wait_reaped(int pid)
{
    while (kill(pid, 0) == 0)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
}

/* Dies by SIGKILL without leaving a core file. */
static inline void mtest_die(void)
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    raise(SIGKILL);
}

#endif
