/* Waking a sleeping rank. Its wait fd is an AF_UNIX datagram socket bound to
 * an abstract name (nothing on a file system, gone with the process); a
 * sender that finds the rank's sleeping flag set clears it and sends one
 * datagram. The flag is set only after tn_config.spin_count idle progress
 * calls in a row, the point where the progress engine goes to sleep, so a
 * rank that spins costs its senders nothing. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/shm/shm.h"

static socklen_t wake_name(uint64_t id, struct sockaddr_un *a)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "tern-shm-%016llx",
                     (unsigned long long)id);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int tn_shm_wake_open(tn_shm_t *s)
{
    s->wake_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->wake_fd < 0)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: can not create the wake-up socket: %s",
                          strerror(errno));
    for (int tries = 0;; tries++) {
        struct sockaddr_un a;
        if (getrandom(&s->wake_id, sizeof(s->wake_id), 0) != (ssize_t)sizeof(s->wake_id))
            s->wake_id = (uint64_t)s->pid << 32 | (uint64_t)tries << 16 | (uint64_t)s->me;
        socklen_t len = wake_name(s->wake_id, &a);
        if (bind(s->wake_fd, (struct sockaddr *)&a, len) == 0)
            return MPI_SUCCESS;
        if (errno != EADDRINUSE || tries == 8) {
            int rc = tn_err_set(MPI_ERR_OTHER, "shm provider: can not bind the wake-up socket: %s",
                                strerror(errno));
            close(s->wake_fd);
            s->wake_fd = -1;
            return rc;
        }
    }
}

void tn_shm_wake_peer(tn_shm_t *s, int l)
{
    s->tx[l].wake_len = wake_name(s->ctl[l].wake_id, &s->tx[l].wake);
}

void tn_shm_wake_send(tn_shm_t *s, tn_shm_tx_t *tx)
{
    /* Only the sender that clears the flag writes: one datagram per sleep. A
     * full socket means it is readable already; a closed one, that the rank
     * has gone (the launcher deals with that). */
    if (__atomic_exchange_n(tx->sleeping, 0, __ATOMIC_SEQ_CST))
        (void)sendto(s->wake_fd, "", 1, MSG_DONTWAIT, (const struct sockaddr *)&tx->wake,
                     tx->wake_len);
}

void tn_shm_wake_busy(tn_shm_t *s)
{
    s->idle = 0;
    if (s->armed) {
        s->armed = 0;
        __atomic_store_n(&s->ctl[s->me].sleeping, 0, __ATOMIC_RELAXED);
    }
}

int tn_shm_wake_idle(tn_shm_t *s)
{
    char b[64];
    unsigned spin = (unsigned)tn_config.spin_count;

    if (s->nlocal < 2 || ++s->idle < spin)
        return 0;
    s->idle = spin;
    /* about to sleep: a datagram left from an earlier wake-up would end it at once */
    while (recv(s->wake_fd, b, sizeof(b), MSG_DONTWAIT) > 0)
        ;
    if (s->armed)
        return 0;
    s->armed = 1;
    __atomic_store_n(&s->ctl[s->me].sleeping, 1, __ATOMIC_SEQ_CST);
    /* a sender that published before it could see the flag did not wake us */
    return tn_shm_rx_ready(s);
}

void tn_shm_wake_close(tn_shm_t *s)
{
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    s->wake_fd = -1;
}
