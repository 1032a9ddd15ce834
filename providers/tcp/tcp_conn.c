/* TCP provider: making connections. The listening socket and accepted sockets
 * waiting for their hello, our own lazy connects and their handshake, the
 * resolution of simultaneous connects (see tcp.h), and teardown. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "core/error.h"
#include "core/progress.h"
#include "providers/tcp/tcp.h"

static void set_nodelay(int fd)
{
    int one = 1;
    /* best effort: without it the socket still works, only with more latency */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int would_block(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK;
}

static int epoll_err(int err)
{
    return tn_err_set(MPI_ERR_OTHER, "tcp provider: epoll_ctl on a socket failed: %s",
                      strerror(err));
}

/* ---- listening and accepted sockets --------------------------------------- */

int tn_tcp_listen_open(tn_tcp_t *tp)
{
    struct sockaddr_storage ss;
    socklen_t len = tn_tcp_addr_to_sockaddr(&tp->addr, &ss);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &tp->listen_ep};
    char where[64];
    int fd, rc, err;

    /* Bind the advertised address, not INADDR_ANY: peers only ever use that one,
     * and the port stays closed on the host's other networks (TERN_TCP_IF=ib0
     * does not open it on the public interface; the loopback fallback keeps
     * the job private to the host). */
    tn_tcp_addr_str(&tp->addr, where, sizeof(where));
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return tn_err_set(MPI_ERR_OTHER, "tcp provider: creating a socket failed: %s",
                          strerror(errno));
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        err = errno;
        rc = tn_err_set(MPI_ERR_OTHER, "tcp provider: listening on %s failed: %s", where,
                        strerror(err));
        goto fail;
    }
    tp->listen_ep.kind = TN_TCP_EP_LISTEN;
    if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        rc = epoll_err(errno);
        goto fail;
    }
    tn_tcp_addr_from_sockaddr((struct sockaddr *)&ss, &tp->addr);
    tp->lfd = fd;
    return MPI_SUCCESS;
fail:
    close(fd);
    return rc;
}

/* Takes p off the live list; it is freed by tn_tcp_pending_reap. */
static void pending_unlink(tn_tcp_t *tp, tn_tcp_pending_t *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        tp->pend_head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        tp->pend_tail = p->prev;
    tp->npending--;
    p->fd = -1;
    p->next = tp->graveyard;
    tp->graveyard = p;
}

void tn_tcp_pending_drop(tn_tcp_t *tp, tn_tcp_pending_t *p)
{
    close(p->fd);
    pending_unlink(tp, p);
}

void tn_tcp_pending_reap(tn_tcp_t *tp)
{
    while (tp->graveyard) {
        tn_tcp_pending_t *p = tp->graveyard;
        tp->graveyard = p->next;
        free(p);
    }
}

int tn_tcp_listen_event(tn_tcp_t *tp)
{
    for (int i = 0; i < TN_TCP_ACCEPT_MAX; i++) {
        struct sockaddr_storage from;
        socklen_t len = sizeof(from);
        struct epoll_event ev = {.events = EPOLLIN};
        tn_tcp_pending_t *p;
        int fd = accept4(tp->lfd, (struct sockaddr *)&from, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (would_block())
                return MPI_SUCCESS;
            return tn_err_set(MPI_ERR_OTHER, "tcp provider: accepting a connection failed: %s",
                              strerror(errno));
        }
        p = calloc(1, sizeof(*p));
        if (!p) {
            close(fd);
            return TN_ERR_SETMEM("tcp provider: accepting a connection");
        }
        p->ep.kind = TN_TCP_EP_PENDING;
        p->fd = fd;
        p->from = from;
        set_nodelay(fd);
        ev.data.ptr = p;
        if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            int rc = epoll_err(errno);
            close(fd);
            free(p);
            return rc;
        }
        p->prev = tp->pend_tail;
        if (tp->pend_tail)
            tp->pend_tail->next = p;
        else
            tp->pend_head = p;
        tp->pend_tail = p;
        /* Peers send their hello as soon as they are connected, so the oldest
         * unfinished handshakes are the ones that send nothing. */
        if (++tp->npending > TN_TCP_PENDING_MAX)
            tn_tcp_pending_drop(tp, tp->pend_head);
    }
    return MPI_SUCCESS;
}

/* One line per source address, so a port scanner can not flood stderr. */
static void warn_once(tn_tcp_t *tp, const tn_tcp_pending_t *p, const char *why)
{
    tn_tcp_addr_t a;
    char where[64];

    tn_tcp_addr_from_sockaddr((const struct sockaddr *)&p->from, &a);
    tn_tcp_addr_str(&a, where, sizeof(where));
    a.port = 0;
    for (int i = 0; i < tp->nwarned; i++)
        if (memcmp(&tp->warned[i], &a, sizeof(a)) == 0)
            return;
    if (tp->nwarned == TN_TCP_WARNED_MAX)
        return;
    tp->warned[tp->nwarned++] = a;
    fprintf(stderr, "[tern] rank %d: rejected a TCP connection from %s %s\n", tp->params.rank,
            where, why);
}

/* Compares in time independent of where the keys differ. */
static int key_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    volatile uint8_t diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= a[i] ^ b[i];
    return diff == 0;
}

static int conn_up(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};

    /* the socket may still be registered for the pending handshake: point it at c */
    if (epoll_ctl(tp->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0)
        return tn_tcp_conn_drop(tp, c, TN_TCP_DEAD, epoll_err(errno));
    c->events = EPOLLIN;
    c->state = TN_TCP_UP;
    return c->head ? tn_tcp_send_drain(tp, c, events) : MPI_SUCCESS;
}

/* The hello checked out: from is a rank of this job. */
static int pending_accept(tn_tcp_t *tp, tn_tcp_pending_t *p, int from, int *events)
{
    tn_tcp_conn_t *c = tn_tcp_conn_get(tp, from);
    tn_tcp_reply_t r = {.magic = TN_TCP_MAGIC, .rank = tp->params.rank};
    ssize_t n;

    if (!c) {
        tn_tcp_pending_drop(tp, p);
        return TN_ERR_SETMEM("tcp provider: accepting a connection");
    }
    switch (c->state) {
    case TN_TCP_IDLE:
    case TN_TCP_WAITING:
        r.verdict = 1;
        break;
    case TN_TCP_CONNECTING: /* both connect: the lower rank's connection wins */
        r.verdict = from < tp->params.rank;
        break;
    default: /* the losing half of a simultaneous connect that we already settled */
        r.verdict = 0;
        break;
    }
    do
        n = send(p->fd, &r, sizeof(r), MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    /* A 12-byte reply on a fresh socket does not block; should it fail, the
     * connector sees EOF. */
    if (!r.verdict || (n < 0 && !would_block())) {
        tn_tcp_pending_drop(tp, p);
        return MPI_SUCCESS;
    }
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof(r)) {
        const struct iovec rest = {(char *)&r + n, sizeof(r) - (size_t)n};
        tn_tcp_sendq_t *e = tn_tcp_sendq_make(&rest, 1, NULL, 0, 0, NULL);
        if (!e) {
            tn_tcp_pending_drop(tp, p);
            return TN_ERR_SETMEM("tcp provider: accepting a connection");
        }
        tn_tcp_sendq_push(tp, c, e, 1);
    }
    if (c->state == TN_TCP_CONNECTING) {
        /* our connection lost: the peer rejects it; nothing was sent on it */
        close(c->fd);
        free(c->hello);
        c->hello = NULL;
    }
    c->fd = p->fd;
    pending_unlink(tp, p);
    (*events)++;
    return conn_up(tp, c, events);
}

/* Returns why the fixed part of a hello is unacceptable, or NULL. */
static const char *hello_problem(const tn_tcp_t *tp, const tn_tcp_hello_t *h, char *buf,
                                 size_t len)
{
    if (h->magic != TN_TCP_MAGIC || h->key_len != tp->params.job_key_len)
        return "without the job key";
    if (h->version != TN_TCP_VERSION) {
        snprintf(buf, len, "speaking protocol version %u (this is version %u)",
                 (unsigned)h->version, TN_TCP_VERSION);
        return buf;
    }
    return NULL;
}

static int pending_verify(tn_tcp_t *tp, tn_tcp_pending_t *p, int *events)
{
    const int me = tp->params.rank, from = p->hello.from_rank;
    char why[96];

    if (!key_equal(p->key, tp->params.job_key, tp->params.job_key_len)) {
        warn_once(tp, p, "without the job key");
        tn_tcp_pending_drop(tp, p);
        return MPI_SUCCESS;
    }
    if (from < 0 || from >= tp->params.size || from == me || p->hello.to_rank != me) {
        snprintf(why, sizeof(why), "claiming to be rank %d calling rank %d (a world of %d)", from,
                 p->hello.to_rank, tp->params.size);
        warn_once(tp, p, why);
        tn_tcp_pending_drop(tp, p);
        return MPI_SUCCESS;
    }
    return pending_accept(tp, p, from, events);
}

int tn_tcp_pending_event(tn_tcp_t *tp, tn_tcp_pending_t *p, int *events)
{
    const size_t hs = sizeof(tn_tcp_hello_t);
    char why[96];

    if (p->fd < 0) /* dropped earlier in this epoll batch */
        return MPI_SUCCESS;
    for (;;) {
        char *dst = p->got < hs ? (char *)&p->hello + p->got : (char *)p->key + (p->got - hs);
        size_t want = p->got < hs ? hs - p->got : hs + p->hello.key_len - p->got;
        ssize_t n = recv(p->fd, dst, want, 0);
        const char *bad;

        if (n < 0 && (errno == EINTR || would_block()))
            return MPI_SUCCESS;
        if (n <= 0) { /* gone before finishing its hello: nothing to report */
            tn_tcp_pending_drop(tp, p);
            return MPI_SUCCESS;
        }
        p->got += (size_t)n;
        if (p->got == hs && (bad = hello_problem(tp, &p->hello, why, sizeof(why)))) {
            warn_once(tp, p, bad);
            tn_tcp_pending_drop(tp, p);
            return MPI_SUCCESS;
        }
        if (p->got == hs + p->hello.key_len)
            return pending_verify(tp, p, events);
        if ((size_t)n < want)
            return MPI_SUCCESS;
    }
}

/* ---- our own connections ------------------------------------------------------ */

tn_tcp_conn_t *tn_tcp_conn_get(tn_tcp_t *tp, int peer)
{
    tn_tcp_conn_t *c = tp->conns[peer];

    if (c)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->rx.stage = malloc(TN_TCP_STAGE);
    if (!c->rx.stage) {
        free(c);
        return NULL;
    }
    c->ep.kind = TN_TCP_EP_CONN;
    c->peer = peer;
    c->state = TN_TCP_IDLE;
    c->fd = -1;
    c->tail = &c->head;
    tp->conns[peer] = c;
    return c;
}

int tn_tcp_conn_start(tn_tcp_t *tp, tn_tcp_conn_t *c)
{
    const tn_tcp_hello_t h = {
        .magic = TN_TCP_MAGIC,
        .version = TN_TCP_VERSION,
        .key_len = (uint16_t)tp->params.job_key_len,
        .from_rank = tp->params.rank,
        .to_rank = c->peer,
    };
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t len = sizeof(blob);
    struct sockaddr_storage ss;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    socklen_t sl;
    uint8_t *hello;
    char where[64];
    int fd, rc, err;

    rc = tp->params.peer_addr(tp->params.peer_addr_arg, c->peer, blob, &len);
    if (rc != MPI_SUCCESS)
        return rc;
    if (len != sizeof(tn_tcp_addr_t))
        return tn_err_set(MPI_ERR_OTHER,
                          "tcp provider: the address of rank %d is %zu bytes long; a TCP address "
                          "is %zu",
                          c->peer, len, sizeof(tn_tcp_addr_t));
    memcpy(&c->to, blob, sizeof(c->to));
    sl = tn_tcp_addr_to_sockaddr(&c->to, &ss);
    if (!sl)
        return tn_err_set(MPI_ERR_OTHER,
                          "tcp provider: the address of rank %d has an unknown family %u", c->peer,
                          (unsigned)c->to.family);
    tn_tcp_addr_str(&c->to, where, sizeof(where));
    /* The runtime may fill the key in after open(): read it now. */
    hello = malloc(sizeof(h) + tp->params.job_key_len);
    if (!hello)
        return TN_ERR_SETMEM("tcp provider: connecting");
    memcpy(hello, &h, sizeof(h));
    if (tp->params.job_key_len)
        memcpy(hello + sizeof(h), tp->params.job_key, tp->params.job_key_len);

    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        rc = tn_err_set(MPI_ERR_OTHER, "tcp provider: creating a socket failed: %s",
                        strerror(errno));
        goto fail_hello;
    }
    set_nodelay(fd);
    if (connect(fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS && errno != EINTR) {
        err = errno;
        rc = tn_err_set(MPI_ERR_OTHER, "could not connect to rank %d at %s: %s", c->peer, where,
                        strerror(err));
        goto fail_fd;
    }
    if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        rc = epoll_err(errno);
        goto fail_fd;
    }
    c->fd = fd;
    c->events = EPOLLOUT;
    c->hello = hello;
    c->hello_len = sizeof(h) + tp->params.job_key_len;
    c->hello_done = 0;
    c->reply_got = 0;
    c->hs = TN_TCP_HS_CONNECT;
    c->state = TN_TCP_CONNECTING;
    return MPI_SUCCESS;
fail_fd:
    close(fd);
fail_hello:
    free(hello);
    return rc;
}

static int connect_failed(tn_tcp_t *tp, tn_tcp_conn_t *c, int err)
{
    char where[64], cause[160];

    tn_tcp_addr_str(&c->to, where, sizeof(where));
    snprintf(cause, sizeof(cause), "could not connect to it at %s: %s", where, strerror(err));
    return tn_tcp_peer_lost(tp, c, cause);
}

static int handshake_failed(tn_tcp_t *tp, tn_tcp_conn_t *c, const char *why)
{
    char where[64], cause[160];

    tn_tcp_addr_str(&c->to, where, sizeof(where));
    snprintf(cause, sizeof(cause), "the handshake with it at %s failed: %s", where, why);
    return tn_tcp_peer_lost(tp, c, cause);
}

int tn_tcp_conn_handshake(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events)
{
    ssize_t n;

    if (c->hs == TN_TCP_HS_CONNECT) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err)
            return connect_failed(tp, c, err);
        /* no error may also mean "not yet": then the send below would block */
        c->hs = TN_TCP_HS_HELLO;
    }
    if (c->hs == TN_TCP_HS_HELLO) {
        do
            n = send(c->fd, c->hello + c->hello_done, c->hello_len - c->hello_done, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return would_block() ? MPI_SUCCESS : connect_failed(tp, c, errno);
        c->hello_done += (size_t)n;
        if (c->hello_done < c->hello_len)
            return MPI_SUCCESS;
        free(c->hello);
        c->hello = NULL;
        c->hs = TN_TCP_HS_REPLY;
        return tn_tcp_conn_set_events(tp, c, EPOLLIN);
    }
    /* exactly the reply: frames may follow it at once */
    do
        n = recv(c->fd, (char *)&c->reply + c->reply_got, sizeof(c->reply) - c->reply_got, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return would_block() ? MPI_SUCCESS : connect_failed(tp, c, errno);
    if (n == 0)
        return handshake_failed(tp, c, "it closed the connection (does it have this job's key?)");
    c->reply_got += (size_t)n;
    if (c->reply_got < sizeof(c->reply))
        return MPI_SUCCESS;
    if (c->reply.magic != TN_TCP_MAGIC || c->reply.rank != c->peer)
        return handshake_failed(tp, c, "another process answered (a stale address?)");
    if (c->reply.verdict) {
        (*events)++;
        return conn_up(tp, c, events);
    }
    /* the peer's own connection to us wins; our sends wait for it */
    close(c->fd);
    c->fd = -1;
    c->events = 0;
    c->state = TN_TCP_WAITING;
    return MPI_SUCCESS;
}

int tn_tcp_conn_set_events(tn_tcp_t *tp, tn_tcp_conn_t *c, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};

    if (c->events == events)
        return MPI_SUCCESS;
    if (epoll_ctl(tp->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0)
        return tn_tcp_conn_drop(tp, c, TN_TCP_DEAD, epoll_err(errno));
    c->events = events;
    return MPI_SUCCESS;
}

int tn_tcp_conn_drop(tn_tcp_t *tp, tn_tcp_conn_t *c, enum tn_tcp_state state, int code)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->events = 0;
    c->state = state;
    free(c->hello);
    c->hello = NULL;
    c->rx.in_payload = 0;
    c->rx.pos = c->rx.end = 0;
    tn_tcp_sendq_fail(tp, c, code, 1);
    return code;
}

int tn_tcp_peer_lost(tn_tcp_t *tp, tn_tcp_conn_t *c, const char *cause)
{
    c->lost = tn_err_set(MPI_ERR_OTHER, "tcp provider, rank %d: lost rank %d (%s)",
                         tp->params.rank, c->peer, cause);
    tn_tcp_conn_drop(tp, c, TN_TCP_DEAD, c->lost);
    tn_progress_peer_lost(c->peer, c->lost);
    return MPI_SUCCESS;
}

int tn_tcp_conn_lost(tn_tcp_t *tp, tn_tcp_conn_t *c, int err)
{
    if (c->state == TN_TCP_BYE)
        return tn_tcp_conn_drop(
            tp, c, TN_TCP_CLOSED,
            c->head ? tn_err_set(MPI_ERR_OTHER,
                                 "rank %d closed its TCP connection (it is finalizing) before "
                                 "receiving everything sent to it",
                                 c->peer)
                    : MPI_SUCCESS);
    return tn_tcp_peer_lost(tp, c, err ? strerror(err) : "it closed the connection: it died");
}

/* ---- teardown ---------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void say_bye(int fd, int64_t deadline_ms)
{
    const tn_tcp_frame_t f = {.am_id = TN_TCP_AM_BYE};
    size_t done = 0;

    while (done < sizeof(f)) {
        ssize_t n = send(fd, (const char *)&f + done, sizeof(f) - done, MSG_NOSIGNAL);
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int64_t left;

        if (n > 0) {
            done += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && !would_block())
            return; /* the peer is gone already */
        left = deadline_ms - now_ms();
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return;
    }
}

static void conn_close(tn_tcp_t *tp, tn_tcp_conn_t *c, int64_t deadline_ms)
{
    /* no BYE in the middle of a frame: the peer will rightly see a lost connection */
    if (c->state == TN_TCP_UP && (!c->head || !c->head->started))
        say_bye(c->fd, deadline_ms);
    if (c->fd >= 0) {
        /* Closing with unread input makes the kernel reset the connection and
         * throw away what it has not sent yet, our BYE included. */
        for (int i = 0; i < 64 && recv(c->fd, c->rx.stage, TN_TCP_STAGE, MSG_DONTWAIT) > 0; i++)
            ;
        close(c->fd);
    }
    tn_tcp_sendq_fail(tp, c, MPI_SUCCESS, 0);
    free(c->hello);
    free(c->rx.stage);
    free(c->rx.buf);
    free(c);
}

void tn_tcp_conns_close(tn_tcp_t *tp)
{
    const int64_t deadline = now_ms() + TN_TCP_BYE_WAIT_MS;

    for (int i = 0; i < tp->params.size; i++) {
        if (tp->conns[i])
            conn_close(tp, tp->conns[i], deadline);
        tp->conns[i] = NULL;
    }
    while (tp->pend_head)
        tn_tcp_pending_drop(tp, tp->pend_head);
    tn_tcp_pending_reap(tp);
}
