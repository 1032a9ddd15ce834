/* TCP provider: the ops table, open/close, the address blob and progress.
 *
 * One epoll instance per provider instance, level-triggered, is the wait fd:
 * it is readable while a socket has input, a connect finishes, or a socket
 * with queued sends is writable (EPOLLOUT is asked for only then). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/tcp/tcp.h"

static int tcp_probe(const char **why)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        *why = "this process can not create TCP sockets";
        return 0;
    }
    close(fd);
    return 1;
}

static int tcp_open(const tn_tp_params_t *params, tn_tp_t **out)
{
    tn_tcp_t *tp;
    int rc;

    if (params->size < 1 || params->rank < 0 || params->rank >= params->size)
        return tn_err_set(MPI_ERR_ARG, "tcp provider: rank %d is not in a world of %d",
                          params->rank, params->size);
    if (params->job_key_len > TN_TCP_KEY_MAX)
        return tn_err_set(MPI_ERR_ARG,
                          "tcp provider: the job key is %zu bytes long; at most %d are supported",
                          params->job_key_len, TN_TCP_KEY_MAX);
    tp = calloc(1, sizeof(*tp));
    if (!tp)
        return TN_ERR_SETMEM("tcp provider: open");
    tp->conns = calloc((size_t)params->size, sizeof(*tp->conns));
    if (!tp->conns) {
        rc = TN_ERR_SETMEM("tcp provider: open");
        goto fail_tp;
    }
    tp->params = *params;
    rc = tn_tcp_iface_pick(tn_config.tcp_if, &tp->addr);
    if (rc != MPI_SUCCESS)
        goto fail_conns;
    tp->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (tp->epfd < 0) {
        rc = tn_err_set(MPI_ERR_OTHER, "tcp provider: epoll_create1 failed: %s", strerror(errno));
        goto fail_conns;
    }
    rc = tn_tcp_listen_open(tp);
    if (rc != MPI_SUCCESS)
        goto fail_epoll;

    tp->base.ops = &tn_tcp_ops;
    tp->base.caps = TN_TP_CAP_STREAM;
    tp->base.eager_max = tn_config.tcp_eager_max;
    tp->base.hdr_max = TN_TCP_HDR_MAX;
    tp->base.wait_fd = tp->epfd;
    if (tn_config.debug) {
        char where[64];
        tn_tcp_addr_str(&tp->addr, where, sizeof(where));
        fprintf(stderr, "[tern] rank %d: tcp provider listening on %s\n", params->rank, where);
    }
    *out = &tp->base;
    return MPI_SUCCESS;
fail_epoll:
    close(tp->epfd);
fail_conns:
    free(tp->conns);
fail_tp:
    free(tp);
    return rc;
}

static void tcp_close(tn_tp_t *base)
{
    tn_tcp_t *tp = (tn_tcp_t *)base;

    tn_tcp_conns_close(tp);
    close(tp->lfd);
    close(tp->epfd);
    free(tp->conns);
    free(tp);
}

static int tcp_addr(tn_tp_t *base, void *buf, size_t *len)
{
    const tn_tcp_t *tp = (const tn_tcp_t *)base;

    memcpy(buf, &tp->addr, sizeof(tp->addr));
    *len = sizeof(tp->addr);
    return MPI_SUCCESS;
}

static int conn_event(tn_tcp_t *tp, tn_tcp_conn_t *c, uint32_t ev, int *events)
{
    int rc = MPI_SUCCESS;

    if (c->state == TN_TCP_CONNECTING)
        return tn_tcp_conn_handshake(tp, c, events);
    /* anything else is left over from a socket closed earlier in this batch */
    if (c->state != TN_TCP_UP && c->state != TN_TCP_BYE)
        return MPI_SUCCESS;
    if ((ev & EPOLLOUT) && c->head)
        rc = tn_tcp_send_drain(tp, c, events);
    if (rc == MPI_SUCCESS && c->fd >= 0 && (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)))
        rc = tn_tcp_recv_event(tp, c, events);
    return rc;
}

static int tcp_progress(tn_tp_t *base)
{
    tn_tcp_t *tp = (tn_tcp_t *)base;
    struct epoll_event ev[TN_TCP_EVENTS];
    int n, events = 0, err = MPI_SUCCESS;

    if (tp->in_progress) /* from inside a handler: the outer call goes on */
        return 0;
    n = epoll_wait(tp->epfd, ev, TN_TCP_EVENTS, 0);
    if (n < 0)
        return errno == EINTR ? 0
                              : -tn_err_set(MPI_ERR_OTHER, "tcp provider: epoll_wait failed: %s",
                                            strerror(errno));
    tp->in_progress = 1;
    for (int i = 0; i < n; i++) {
        tn_tcp_ep_t *ep = ev[i].data.ptr;
        int rc;

        switch (ep->kind) {
        case TN_TCP_EP_LISTEN:
            rc = tn_tcp_listen_event(tp);
            break;
        case TN_TCP_EP_PENDING:
            rc = tn_tcp_pending_event(tp, (tn_tcp_pending_t *)ep, &events);
            break;
        default:
            rc = conn_event(tp, (tn_tcp_conn_t *)ep, ev[i].events, &events);
            break;
        }
        if (rc != MPI_SUCCESS && err == MPI_SUCCESS)
            err = rc;
    }
    tn_tcp_pending_reap(tp);
    tp->in_progress = 0;
    return err != MPI_SUCCESS ? -err : events;
}

static int tcp_flush(tn_tp_t *base)
{
    return ((tn_tcp_t *)base)->nqueued == 0;
}

const tn_transport_ops_t tn_tcp_ops = {
    .name = "tcp",
    .probe = tcp_probe,
    .open = tcp_open,
    .close = tcp_close,
    .addr = tcp_addr,
    .am_send = tn_tcp_am_send,
    .progress = tcp_progress,
    .flush = tcp_flush,
};
