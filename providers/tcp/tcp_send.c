/* TCP provider: sending. A frame goes out with one sendmsg when nothing is
 * queued before it; what the socket does not take is queued (the header always
 * copied, the payload copied only for inject) and finished from progress when
 * the socket is writable. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "core/error.h"
#include "providers/tcp/tcp.h"

/* sendmsg rather than writev: MSG_NOSIGNAL turns a dead peer into EPIPE
 * instead of SIGPIPE. */
static ssize_t sendv(int fd, struct iovec *v, int n)
{
    struct msghdr m = {.msg_iov = v, .msg_iovlen = (size_t)n};
    ssize_t w;

    do
        w = sendmsg(fd, &m, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w;
}

static int would_block(void)
{
    return errno == EAGAIN || errno == EWOULDBLOCK;
}

/* Bytes of v[0..n) past *skip (which is used up as it goes), copied to dst
 * unless dst is NULL; returns how many. */
static size_t gather(char *dst, const struct iovec *v, int n, size_t *skip)
{
    size_t total = 0;

    for (int i = 0; i < n; i++) {
        size_t len = v[i].iov_len;
        if (*skip >= len) {
            *skip -= len;
            continue;
        }
        if (dst)
            memcpy(dst + total, (const char *)v[i].iov_base + *skip, len - *skip);
        total += len - *skip;
        *skip = 0;
    }
    return total;
}

/* References to the non-empty parts of v[0..n) past skip, written to out
 * unless out is NULL; returns how many. */
static int refs(struct iovec *out, const struct iovec *v, int n, size_t skip)
{
    int k = 0;

    for (int i = 0; i < n; i++) {
        size_t len = v[i].iov_len;
        if (skip >= len) {
            skip -= len;
            continue;
        }
        if (out)
            out[k] = (struct iovec){(char *)v[i].iov_base + skip, len - skip};
        k++;
        skip = 0;
    }
    return k;
}

tn_tcp_sendq_t *tn_tcp_sendq_make(const struct iovec *pre, int npre, const struct iovec *iov,
                                  int iovcnt, size_t skip, tn_tp_completion_t *comp)
{
    size_t pay_skip = skip, copy = gather(NULL, pre, npre, &pay_skip);
    int nref = 0;
    tn_tcp_sendq_t *e;
    char *dst;

    if (comp) {
        nref = refs(NULL, iov, iovcnt, pay_skip);
    } else {
        size_t s = pay_skip;
        copy += gather(NULL, iov, iovcnt, &s);
    }
    e = malloc(sizeof(*e) + (size_t)(1 + nref) * sizeof(struct iovec) + copy);
    if (!e)
        return NULL;
    dst = (char *)&e->iov[1 + nref];
    e->next = NULL;
    e->comp = comp;
    e->cur = 0;
    e->cnt = 0;
    e->started = skip > 0;
    if (copy) {
        size_t s = skip, k = gather(dst, pre, npre, &s);
        if (!comp)
            gather(dst + k, iov, iovcnt, &s);
        e->iov[e->cnt++] = (struct iovec){dst, copy};
    }
    if (comp)
        e->cnt += refs(&e->iov[e->cnt], iov, iovcnt, pay_skip);
    return e;
}

void tn_tcp_sendq_push(tn_tcp_t *tp, tn_tcp_conn_t *c, tn_tcp_sendq_t *e, int front)
{
    if (front) {
        e->next = c->head;
        if (c->tail == &c->head)
            c->tail = &e->next;
        c->head = e;
    } else {
        e->next = NULL;
        *c->tail = e;
        c->tail = &e->next;
    }
    tp->nqueued++;
}

void tn_tcp_sendq_fail(tn_tcp_t *tp, tn_tcp_conn_t *c, int status, int notify)
{
    tn_tcp_sendq_t *e = c->head, *next;

    /* detached first: a callback may send again */
    c->head = NULL;
    c->tail = &c->head;
    for (; e; e = next) {
        next = e->next;
        tp->nqueued--;
        if (notify && e->comp)
            e->comp->cb(e->comp, status);
        free(e);
    }
}

/* Takes w written bytes off the queue; fully written entries move to *done. */
static void consume(tn_tcp_t *tp, tn_tcp_conn_t *c, size_t w, tn_tcp_sendq_t ***done)
{
    tn_tcp_sendq_t *e;

    while ((e = c->head)) {
        while (e->cur < e->cnt && w >= e->iov[e->cur].iov_len) {
            w -= e->iov[e->cur].iov_len;
            e->cur++;
            e->started = 1;
        }
        if (e->cur < e->cnt) {
            if (w) {
                e->iov[e->cur].iov_base = (char *)e->iov[e->cur].iov_base + w;
                e->iov[e->cur].iov_len -= w;
                e->started = 1;
            }
            return;
        }
        c->head = e->next;
        if (!c->head)
            c->tail = &c->head;
        e->next = NULL;
        **done = e;
        *done = &e->next;
        tp->nqueued--;
    }
}

int tn_tcp_send_drain(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events)
{
    tn_tcp_sendq_t *done = NULL, **dtail = &done, *e;
    int rc = MPI_SUCCESS;

    while (c->head) {
        struct iovec v[TN_TCP_IOV_BATCH];
        size_t want = 0;
        ssize_t w;
        int n = 0;

        for (e = c->head; e && n < TN_TCP_IOV_BATCH; e = e->next)
            for (int i = e->cur; i < e->cnt && n < TN_TCP_IOV_BATCH; i++) {
                v[n] = e->iov[i];
                want += v[n++].iov_len;
            }
        w = sendv(c->fd, v, n);
        if (w < 0) {
            if (!would_block())
                rc = tn_tcp_conn_lost(tp, c, errno);
            break;
        }
        consume(tp, c, (size_t)w, &dtail);
        if ((size_t)w < want)
            break;
    }
    if (c->fd >= 0)
        rc = tn_tcp_conn_set_events(tp, c, EPOLLIN | (c->head ? EPOLLOUT : 0u));
    /* callbacks last: they may send on c again */
    while ((e = done)) {
        done = e->next;
        if (e->comp) {
            e->comp->cb(e->comp, MPI_SUCCESS);
            (*events)++;
        }
        free(e);
    }
    return rc;
}

static int check_args(const tn_tcp_t *tp, int peer, unsigned am_id, size_t hdr_len,
                      const struct iovec *iov, int iovcnt)
{
    if (peer < 0 || peer >= tp->params.size || peer == tp->params.rank)
        return tn_err_set(MPI_ERR_RANK,
                          "tcp am_send: peer %d is not another rank of this world of %d (this is "
                          "rank %d)",
                          peer, tp->params.size, tp->params.rank);
    if (am_id >= TN_AM_MAX)
        return tn_err_set(MPI_ERR_ARG, "tcp am_send: active-message id %u is not below %d", am_id,
                          TN_AM_MAX);
    if (hdr_len > TN_TCP_HDR_MAX)
        return tn_err_set(MPI_ERR_ARG, "tcp am_send: a header of %zu bytes is over the %d allowed",
                          hdr_len, TN_TCP_HDR_MAX);
    if (iovcnt < 0 || (iovcnt > 0 && !iov))
        return tn_err_set(MPI_ERR_ARG, "tcp am_send: iovcnt %d with iov %p", iovcnt,
                          (const void *)iov);
    return MPI_SUCCESS;
}

int tn_tcp_am_send(tn_tp_t *base, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp)
{
    tn_tcp_t *tp = (tn_tcp_t *)base;
    tn_tcp_frame_t f = {.am_id = (uint8_t)am_id, .hdr_len = (uint16_t)hdr_len};
    struct iovec v[TN_TCP_IOV_BATCH];
    tn_tcp_conn_t *c;
    tn_tcp_sendq_t *e;
    int rc, n = 0, npre, ignored = 0;

    rc = check_args(tp, peer, am_id, hdr_len, iov, iovcnt);
    if (rc != MPI_SUCCESS)
        return rc;
    for (int i = 0; i < iovcnt; i++)
        f.data_len += iov[i].iov_len;
    v[n++] = (struct iovec){&f, sizeof(f)};
    if (hdr_len)
        v[n++] = (struct iovec){(void *)hdr, hdr_len};
    npre = n;

    c = tp->conns[peer];
    if (c && c->state == TN_TCP_UP && !c->head && iovcnt <= TN_TCP_IOV_BATCH - npre) {
        const size_t total = sizeof(f) + hdr_len + f.data_len;
        ssize_t w;

        for (int i = 0; i < iovcnt; i++)
            v[n++] = iov[i];
        w = sendv(c->fd, v, n);
        if (w < 0 && !would_block()) /* UP: the peer is lost, and so is this send */
            return (rc = tn_tcp_conn_lost(tp, c, errno)) != MPI_SUCCESS ? rc : c->lost;
        if (w >= 0 && (size_t)w == total) {
            if (comp)
                comp->cb(comp, MPI_SUCCESS);
            return MPI_SUCCESS;
        }
        if (w < 0)
            w = 0;
        e = tn_tcp_sendq_make(v, npre, iov, iovcnt, (size_t)w, comp);
        if (!e) /* part of the frame is out: the stream can not go on */
            return tn_tcp_conn_drop(tp, c, TN_TCP_DEAD,
                                    TN_ERR_SETMEM("tcp am_send: queueing the rest of a message"));
        tn_tcp_sendq_push(tp, c, e, 0);
        return tn_tcp_conn_set_events(tp, c, EPOLLIN | EPOLLOUT);
    }

    if (!c && !(c = tn_tcp_conn_get(tp, peer)))
        return TN_ERR_SETMEM("tcp am_send: a connection");
    switch (c->state) {
    case TN_TCP_BYE:
    case TN_TCP_CLOSED:
        return tn_err_set(MPI_ERR_OTHER,
                          "tcp am_send: rank %d has closed its TCP connection (it is finalizing)",
                          peer);
    case TN_TCP_DEAD:
        return c->lost ? c->lost
                       : tn_err_set(MPI_ERR_OTHER, "tcp am_send: the connection to rank %d "
                                                   "failed earlier",
                                    peer);
    case TN_TCP_IDLE:
        rc = tn_tcp_conn_start(tp, c);
        if (rc != MPI_SUCCESS)
            return rc;
        break;
    default:
        break;
    }
    e = tn_tcp_sendq_make(v, npre, iov, iovcnt, 0, comp);
    if (!e)
        return TN_ERR_SETMEM("tcp am_send: queueing a message");
    tn_tcp_sendq_push(tp, c, e, 0);
    if (c->state == TN_TCP_UP && c->head == e) /* too many iovecs for the fast path */
        return tn_tcp_send_drain(tp, c, &ignored);
    return MPI_SUCCESS;
}
