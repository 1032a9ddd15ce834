/* The progress engine. Blocking calls poll the transports, spin for
 * tn_config.spin_count idle passes, then sleep in poll() on the transports'
 * wait fds: an oversubscribed rank gives its core away instead of spinning. */
#include <poll.h>
#include <sched.h>
#include <mpi.h>
#include "core/config.h"
#include "core/progress.h"
#include "transport/transport.h"

#define TN_PROGRESS_MAX_FDS 16
/* Upper bound on one sleep. Wake-ups come from the fds; the bound only keeps
 * a rank responsive if a provider ever misses one. */
#define TN_PROGRESS_SLEEP_MS 100

int tn_progress_poll(void)
{
    return tn_transport_progress();
}

static void progress_sleep(void)
{
    int fds[TN_PROGRESS_MAX_FDS];
    int n = tn_transport_wait_fds(fds, TN_PROGRESS_MAX_FDS);
    if (n < 0) { /* a provider that can not be waited on: just yield */
        sched_yield();
        return;
    }
    struct pollfd pfd[TN_PROGRESS_MAX_FDS];
    for (int i = 0; i < n; i++)
        pfd[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
    (void)poll(pfd, (nfds_t)n, TN_PROGRESS_SLEEP_MS);
}

int tn_progress_wait(int (*done)(void *arg), void *arg)
{
    int idle = 0;
    while (!done(arg)) {
        int n = tn_transport_progress();
        if (n < 0)
            return -n;
        if (n > 0) {
            idle = 0;
            continue;
        }
        if (++idle >= tn_config.spin_count && !done(arg))
            progress_sleep();
    }
    return MPI_SUCCESS;
}
