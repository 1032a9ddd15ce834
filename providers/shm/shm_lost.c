/* Lost peers. A local rank that dies (killed, crashed, or gone without
 * MPI_Finalize while mpirun lets the others run on) must not leave the ranks
 * that wait on it hanging. Each rank holds a pidfd per local peer (readable
 * once that process has exited, zombie or not, and immune to pid reuse) and
 * polls them only on the idle path, at most every TN_SHM_WATCH_MS: never on
 * the fast path. A dead peer's ring is drained (what it published before
 * dying is delivered), sends queued for it fail, and the progress engine
 * fails whatever p2p had pending with it. Without pidfds (kernels before
 * 5.3) kill(pid, 0) does the check. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "core/error.h"
#include "core/progress.h"
#include "providers/shm/shm.h"

void tn_shm_watch_start(tn_shm_t *s)
{
    if (!(s->watch = calloc((size_t)s->nlocal, sizeof(*s->watch))))
        return; /* no detection: a dead peer is then only found by mpirun */
    for (int l = 0; l < s->nlocal; l++) {
        s->watch[l].fd = l == s->me ? -1 : (int)syscall(SYS_pidfd_open, s->ctl[l].pid, 0);
        s->watch[l].events = POLLIN;
    }
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void lose(tn_shm_t *s, int l)
{
    int code = tn_err_set(MPI_ERR_OTHER, "rank %d: lost rank %d (process %d exited) on the "
                          "shared-memory transport", s->params.rank, s->world_of[l],
                          (int)s->ctl[l].pid);
    if (s->watch[l].fd >= 0)
        close(s->watch[l].fd);
    s->watch[l].fd = -1;
    tn_shm_ring_lost(s, l, code);
    tn_progress_peer_lost(s->world_of[l], code);
}

int tn_shm_watch_check(tn_shm_t *s)
{
    long long now = now_ms();
    int found = 0;

    if (!s->watch || now < s->watch_at)
        return 0;
    s->watch_at = now + TN_SHM_WATCH_MS;
    if (poll(s->watch, (nfds_t)s->nlocal, 0) < 0)
        return 0;
    for (int l = 0; l < s->nlocal; l++) {
        if (l == s->me || s->tx[l].lost)
            continue;
        if (s->watch[l].fd >= 0 ? s->watch[l].revents != 0
                                : kill(s->ctl[l].pid, 0) < 0 && errno == ESRCH) {
            lose(s, l);
            found++;
        }
    }
    return found;
}

void tn_shm_watch_close(tn_shm_t *s)
{
    for (int l = 0; s->watch && l < s->nlocal; l++)
        if (s->watch[l].fd >= 0)
            close(s->watch[l].fd);
    free(s->watch);
    s->watch = NULL;
}
