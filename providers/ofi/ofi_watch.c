/* libfabric provider: watching the processes of peers on this node.
 *
 * libfabric says nothing when a peer dies while Tern only waits on it (a
 * posted receive, a rendezvous send waiting for its FIN): no operation is in
 * flight to fail. For ranks on this node the process can be watched: a pidfd
 * turns readable once it has exited (zombie or not, immune to pid reuse).
 * Idle ranks poll them, at most every TN_OFI_WATCH_MS, never on the fast
 * path. Ranks on other nodes are lost only through failed operations. */
#include <poll.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "core/error.h"
#include "providers/ofi/ofi.h"

int tn_ofi_watch_start(tn_tp_t *base)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;
    const tn_tp_params_t *pr = &tp->params;

    if (!pr->node_of)
        return MPI_SUCCESS;
    for (int r = 0; r < pr->size; r++) {
        tn_ofi_blob_t blob;
        size_t len;
        int rc;

        if (r == pr->rank || pr->node_of[r] != pr->node_of[pr->rank])
            continue;
        if ((rc = tn_ofi_peer_blob(tp, r, &blob, &len)) != MPI_SUCCESS)
            return rc;
        /* without pidfds (kernels before 5.3) only failed operations tell */
        if (blob.a.pid > 0)
            tp->peer[r].pidfd = (int)syscall(SYS_pidfd_open, (pid_t)blob.a.pid, 0);
    }
    return MPI_SUCCESS;
}

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Loses the watched peers that have exited; returns how many. */
static int reap(tn_ofi_t *tp)
{
    int found = 0;

    for (int r = 0; r < tp->params.size; r++) {
        tn_ofi_peer_t *p = &tp->peer[r];
        struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};

        if (p->pidfd < 0 || poll(&pfd, 1, 0) <= 0)
            continue;
        found++;
        close(p->pidfd);
        p->pidfd = -1;
        tn_ofi_peer_lost(tp, r,
                         tn_err_set(MPI_ERR_OTHER,
                                    "ofi provider (libfabric %s), rank %d: lost rank %d (its "
                                    "process on this node exited)",
                                    tp->prov, tp->params.rank, r));
    }
    return found;
}

void tn_ofi_watch_check(tn_ofi_t *tp)
{
    long long now = now_ms();

    if (now < tp->watch_at)
        return;
    tp->watch_at = now + TN_OFI_WATCH_MS;
    reap(tp);
}

int tn_ofi_watch_wait(tn_ofi_t *tp, int ms)
{
    struct pollfd *pfd = malloc((size_t)tp->params.size * sizeof(*pfd));
    int n = 0, found = 0;

    for (int r = 0; pfd && r < tp->params.size; r++)
        if (tp->peer[r].pidfd >= 0)
            pfd[n++] = (struct pollfd){.fd = tp->peer[r].pidfd, .events = POLLIN};
    if (n && poll(pfd, (nfds_t)n, ms) > 0)
        found = reap(tp);
    free(pfd);
    return found;
}
