/* Waking a sleeping rank. Its wait fd is an eventfd; at start every local
 * rank hands its eventfd to the others (SCM_RIGHTS over an AF_UNIX datagram
 * socket bound to an abstract name, so nothing is left on a file system, and
 * checked against the sender's pid), so a wake-up is one write(). A sender
 * that finds the rank's sleeping flag set clears it and writes. The flag is
 * set only after tn_shm_idle_max() idle progress calls in a row, the point
 * where the progress engine goes to sleep, so a rank that spins or yields
 * costs its senders nothing. If the fds can not be exchanged, no local rank sleeps:
 * wait_fd is -1 and the progress engine yields instead. */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/shm/shm.h"

static socklen_t sock_name(uint64_t id, struct sockaddr_un *a)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "tern-shm-%016llx",
                     (unsigned long long)id);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int tn_shm_wake_open(tn_shm_t *s)
{
    int one = 1, rc;

    s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    s->sock_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->wake_fd < 0 || s->sock_fd < 0 ||
        setsockopt(s->sock_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one))) {
        rc = tn_err_set(MPI_ERR_OTHER, "shm provider: can not create its wake-up eventfd and "
                        "socket: %s", strerror(errno));
        goto fail;
    }
    for (int tries = 0;; tries++) {
        struct sockaddr_un a;
        if (getrandom(&s->wake_id, sizeof(s->wake_id), 0) != (ssize_t)sizeof(s->wake_id))
            s->wake_id = (uint64_t)s->pid << 32 | (uint64_t)tries << 16 | (uint64_t)s->me;
        socklen_t len = sock_name(s->wake_id, &a);
        if (bind(s->sock_fd, (struct sockaddr *)&a, len) == 0)
            return MPI_SUCCESS;
        if (errno != EADDRINUSE || tries == 8) {
            rc = tn_err_set(MPI_ERR_OTHER, "shm provider: can not bind its socket: %s",
                            strerror(errno));
            goto fail;
        }
    }
fail:
    tn_shm_wake_close(s);
    return rc;
}

/* Sends our eventfd and local index to peer l; 0, EAGAIN or an errno value. */
static int send_fd(tn_shm_t *s, int l)
{
    struct sockaddr_un a;
    int32_t me = s->me;
    struct iovec iov = {&me, sizeof(me)};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } c;
    struct msghdr m = {.msg_name = &a, .msg_namelen = sock_name(s->ctl[l].wake_id, &a),
                       .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
                       .msg_controllen = sizeof(c.buf)};
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);

    memset(&c, 0, sizeof(c));
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(h), &s->wake_fd, sizeof(int));
    return sendmsg(s->sock_fd, &m, MSG_DONTWAIT) == (ssize_t)sizeof(me) ? 0 : errno;
}

/* Takes one peer's eventfd if one is waiting; 1 when it was taken, else 0. Datagrams
 * that are not from a local rank of this job (by pid) are dropped. */
static int recv_fd(tn_shm_t *s)
{
    int32_t from;
    struct iovec iov = {&from, sizeof(from)};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
    } c;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
                       .msg_controllen = sizeof(c.buf)};
    int fd = -1, pid = -1;

    if (recvmsg(s->sock_fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(from))
        return 0;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
            memcpy(&fd, CMSG_DATA(h), sizeof(int));
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS) {
            struct ucred u;
            memcpy(&u, CMSG_DATA(h), sizeof(u));
            pid = u.pid;
        }
    }
    if (fd >= 0 && from >= 0 && from < s->nlocal && from != s->me &&
        s->tx[from].wake_fd < 0 && pid == s->ctl[from].pid) {
        s->tx[from].wake_fd = fd;
        return 1;
    }
    if (fd >= 0)
        close(fd);
    return 0;
}

static long membarrier_cmd(int cmd)
{
    return syscall(SYS_membarrier, cmd, 0, 0);
}

/* Whether this process can be fenced by, and can fence, the other local
 * ranks (see shm.h, "Waking"). */
static int fence_register(void)
{
    long cmds = membarrier_cmd(MEMBARRIER_CMD_QUERY);
    return cmds > 0 && (cmds & MEMBARRIER_CMD_GLOBAL_EXPEDITED) &&
           membarrier_cmd(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) == 0;
}

void tn_shm_wake_start(tn_shm_t *s)
{
    tn_shm_seg_t *h = s->seg;
    int to_send = s->nlocal - 1, to_recv = s->nlocal - 1, err = 0;
    char *sent = calloc((size_t)s->nlocal, 1);
    struct timespec t0, now;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (sent && (to_send || to_recv) && !__atomic_load_n(&h->wake_fail, __ATOMIC_ACQUIRE)) {
        for (int l = 0; l < s->nlocal && !err; l++) {
            if (l == s->me || sent[l])
                continue;
            if (!(err = send_fd(s, l))) {
                sent[l] = 1;
                to_send--;
            } else if (err == EAGAIN || err == EWOULDBLOCK) { /* its queue is full: later */
                err = 0;
            }
        }
        while (to_recv && recv_fd(s))
            to_recv--;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (err || now.tv_sec - t0.tv_sec > TN_SHM_ATTACH_WAIT_S)
            break;
        if (to_send || to_recv)
            (void)poll(&(struct pollfd){.fd = s->sock_fd, .events = POLLIN}, 1, 1);
    }
    if (!sent || to_send || to_recv) {
        if (tn_config.debug)
            fprintf(stderr, "[tern] rank %d: shm provider: local ranks can not wake each other "
                    "(%s); they yield instead of sleeping\n", s->params.rank,
                    err ? strerror(err) : "their wake-up fds did not all arrive");
        __atomic_add_fetch(&h->wake_fail, 1, __ATOMIC_ACQ_REL);
    }
    free(sent);
    if (s->sock_fd >= 0)
        close(s->sock_fd);
    s->sock_fd = -1;
    if (!fence_register())
        __atomic_add_fetch(&h->fence_fail, 1, __ATOMIC_ACQ_REL);
}

void tn_shm_wake_decide(tn_shm_t *s)
{
    tn_shm_seg_t *h = s->seg;

    s->asym_fence = !__atomic_load_n(&h->fence_fail, __ATOMIC_ACQUIRE);
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: shm provider: %s\n", s->params.rank,
                s->asym_fence ? "sleepers fence with membarrier(), senders publish without a fence"
                              : "senders fence every publish (membarrier() is not usable here)");
    if (!__atomic_load_n(&h->wake_fail, __ATOMIC_ACQUIRE))
        return;
    tn_shm_wake_close(s);
    s->base.wait_fd = -1;
}

void tn_shm_wake_peer(tn_shm_tx_t *tx)
{
    static const uint64_t one = 1;
    /* fails only when the counter is saturated: it is readable then anyway */
    (void)!write(tx->wake_fd, &one, sizeof(one));
}

void tn_shm_wake_send(tn_shm_tx_t *tx)
{
    /* Only the sender that clears the flag writes: one wake-up per sleep. */
    if (__atomic_exchange_n(tx->sleeping, 0, __ATOMIC_SEQ_CST))
        tn_shm_wake_peer(tx);
}

void tn_shm_node_wake(tn_tp_t *tp, const int *locals, int n)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    /* a rank that publishes is busy: its next wait spins before it arms */
    if (s->idle | s->armed)
        tn_shm_wake_busy(s);
    /* the caller's stores were plain releases: without the sleepers' fence
     * (see shm.h, "Waking") they must be ordered before the flag reads here */
    if (!s->asym_fence)
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int i = 0; i < n; i++)
        if (locals[i] != s->me)
            tn_shm_wake_check(&s->tx[locals[i]]);
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
    uint64_t v;

    s->idle = s->idle_max; /* no wrap-around */
    if (s->nlocal < 2 || s->wake_fd < 0)
        return 0;
    /* about to sleep: a wake-up left from earlier would end it at once */
    (void)!read(s->wake_fd, &v, sizeof(v));
    if (s->nqueued) /* sends wait for room: their consumers must wake us */
        tn_shm_tx_ask_wake(s);
    /* armed and not yet taken by a sender (one that took it woke us) */
    if (s->armed && __atomic_load_n(&s->ctl[s->me].sleeping, __ATOMIC_RELAXED))
        return 0;
    s->armed = 1;
    __atomic_store_n(&s->ctl[s->me].sleeping, 1, __ATOMIC_SEQ_CST);
    /* senders that published without a fence: make their records visible
     * (should the call ever fail, stay awake: report work) */
    if (s->asym_fence && membarrier_cmd(MEMBARRIER_CMD_GLOBAL_EXPEDITED) != 0)
        return 1;
    /* a sender that published before it could see the flag did not wake us */
    return tn_shm_rx_ready(s);
}

void tn_shm_wake_close(tn_shm_t *s)
{
    for (int l = 0; s->tx && l < s->nlocal; l++)
        if (s->tx[l].wake_fd >= 0) {
            close(s->tx[l].wake_fd);
            s->tx[l].wake_fd = -1;
        }
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    if (s->sock_fd >= 0)
        close(s->sock_fd);
    s->wake_fd = s->sock_fd = -1;
}
