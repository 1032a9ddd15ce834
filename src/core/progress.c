/* The progress engine. Blocking calls poll the transports, spin for
 * tn_config.spin_count idle passes, yield the core for tn_config.yield_count
 * more, then sleep in poll() on the transports' wait fds: an oversubscribed
 * rank gives its core away instead of spinning. */
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <mpi.h>
#include "core/config.h"
#include "core/error.h"
#include "core/progress.h"
#include "coll/sched.h"
#include "p2p/p2p.h"
#include "transport/transport.h"

#define TN_PROGRESS_MAX_FDS 16
/* Upper bound on one sleep. Wake-ups come from the fds; the bound only keeps
 * a rank responsive if a provider ever misses one. */
#define TN_PROGRESS_SLEEP_MS 100

/* Peers reported lost during a progress pass, handed to p2p after it. */
static struct lost {
    int peer, code;
} *lost;
static int nlost, lost_cap;

void tn_progress_peer_lost(int peer, int code)
{
    if (nlost == lost_cap) {
        int cap = lost_cap ? 2 * lost_cap : 8;
        struct lost *l = realloc(lost, (size_t)cap * sizeof(*l));
        if (!l)
            tn_err_fatal(code); /* can not even record it: the message says what happened */
        lost = l;
        lost_cap = cap;
    }
    lost[nlost++] = (struct lost){peer, code};
}

/* DESIGN: a lost peer fails p2p's requests from here, outside the provider's
 * progress call, so their completion hooks may communicate freely. */
static int transport_pass(void)
{
    int n = tn_transport_progress();
    while (__builtin_expect(nlost != 0, 0)) {
        struct lost l = lost[--nlost]; /* hooks may report more, or progress themselves */
        tn_p2p_peer_lost(l.peer, l.code);
        if (n >= 0)
            n++;
    }
    /* Started collectives whose round completed post their next one here,
     * outside the providers' progress calls. */
    if (__builtin_expect(tn_sched_nready != 0, 0) && n >= 0)
        n += tn_sched_progress();
    return n;
}

int tn_progress_poll(void)
{
    return transport_pass();
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
        int n = transport_pass();
        if (n < 0)
            return -n;
        if (n > 0) {
            idle = 0;
            continue;
        }
        /* spin, then yield the core, then sleep; providers that wake sleepers
         * arm themselves on the same count (they must not be asked to wake a
         * rank that only yields). done() is asked once more before giving
         * the core away (shared memory may have changed without an event),
         * and its yes ends the wait: it is never asked again after one. */
        if (++idle < tn_config.spin_count)
            continue;
        if (done(arg))
            break;
        if (idle < tn_config.spin_count + tn_config.yield_count)
            sched_yield();
        else
            progress_sleep();
    }
    return MPI_SUCCESS;
}
