/* TCP provider: receiving. Reads go into a per-connection stage; whole
 * messages found there are delivered in place. A payload that is not all there
 * yet is read straight to where place() said, or into a per-connection buffer
 * when the message is too large to wait for in the stage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "core/error.h"
#include "providers/tcp/tcp.h"

/* Moves the placement cursor n bytes on, stepping over empty iovecs. */
static void advance(tn_tcp_rx_t *rx, size_t n)
{
    while (rx->pidx < rx->piovcnt) {
        size_t room = rx->piov[rx->pidx].iov_len - rx->poff;
        if (n < room) {
            rx->poff += n;
            return;
        }
        n -= room;
        rx->pidx++;
        rx->poff = 0;
    }
}

/* Copies n bytes to the placement; what does not fit is dropped. */
static void scatter(tn_tcp_rx_t *rx, const char *src, size_t n)
{
    while (n && rx->pidx < rx->piovcnt) {
        const struct iovec *d = &rx->piov[rx->pidx];
        size_t k = d->iov_len - rx->poff;
        if (k > n)
            k = n;
        memcpy((char *)d->iov_base + rx->poff, src, k);
        src += k;
        n -= k;
        advance(rx, k);
    }
}

static int place(tn_tcp_t *tp, tn_tcp_conn_t *c, const tn_am_handler_t *h, const void *hdr,
                 const tn_tcp_frame_t *f)
{
    tn_tcp_rx_t *rx = &c->rx;

    rx->placed = h->place && h->place(tp->params.handler_arg, c->peer, hdr, f->hdr_len,
                                      f->data_len, &rx->piov, &rx->piovcnt) == 1;
    if (rx->placed) {
        if (!rx->piov || rx->piovcnt < 0)
            rx->piovcnt = 0;
        rx->pidx = 0;
        rx->poff = 0;
        advance(rx, 0);
    }
    return rx->placed;
}

/* A message whose payload is not all in the stage: the staged part goes to
 * its destination now, the rest is read there by read_payload. */
static int begin_payload(tn_tcp_t *tp, tn_tcp_conn_t *c, const tn_tcp_frame_t *f,
                         const char *hdr, size_t in)
{
    tn_tcp_rx_t *rx = &c->rx;
    const char *data = hdr + f->hdr_len;

    rx->frame = *f;
    memcpy(rx->hdr, hdr, f->hdr_len); /* deliver() needs it after the stage is reused */
    if (place(tp, c, &tp->params.handlers[f->am_id], rx->hdr, f)) {
        scatter(rx, data, in);
    } else {
        if (rx->cap < f->data_len) {
            char *b = malloc(f->data_len);
            if (!b)
                return tn_tcp_conn_drop(
                    tp, c, TN_TCP_DEAD,
                    tn_err_set(MPI_ERR_NO_MEM,
                               "tcp provider: no memory to receive a %llu-byte message from rank %d",
                               (unsigned long long)f->data_len, c->peer));
            free(rx->buf);
            rx->buf = b;
            rx->cap = f->data_len;
        }
        memcpy(rx->buf, data, in);
        rx->fill = in;
    }
    rx->left = f->data_len - in;
    rx->in_payload = 1;
    rx->pos = rx->end = 0; /* everything staged belonged to this message */
    return MPI_SUCCESS;
}

static void finish_payload(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events)
{
    tn_tcp_rx_t *rx = &c->rx;

    rx->in_payload = 0;
    tp->params.handlers[rx->frame.am_id].deliver(tp->params.handler_arg, c->peer, rx->hdr,
                                                 rx->frame.hdr_len, rx->placed ? NULL : rx->buf,
                                                 rx->frame.data_len);
    (*events)++;
    if (rx->cap > TN_TCP_BUF_KEEP) { /* a rare giant: do not keep it */
        free(rx->buf);
        rx->buf = NULL;
        rx->cap = 0;
    }
}

static int bad_frame(tn_tcp_t *tp, tn_tcp_conn_t *c, const tn_tcp_frame_t *f, const char *why)
{
    return tn_tcp_conn_drop(tp, c, TN_TCP_DEAD,
                            tn_err_set(MPI_ERR_OTHER,
                                       "rank %d sent a bad TCP frame (active-message id %u, "
                                       "header of %u bytes): %s",
                                       c->peer, (unsigned)f->am_id, (unsigned)f->hdr_len, why));
}

/* Delivers the whole messages in the stage, then starts reading a payload
 * that is not all there if it can not wait in the stage. */
static int parse(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events)
{
    tn_tcp_rx_t *rx = &c->rx;

    if (rx->in_payload) {
        if (rx->left)
            return MPI_SUCCESS;
        finish_payload(tp, c, events);
    }
    while (c->fd >= 0) {
        const char *p = rx->stage + rx->pos;
        const size_t avail = rx->end - rx->pos;
        const tn_am_handler_t *h;
        tn_tcp_frame_t f;
        size_t head;

        if (avail < sizeof(f))
            return MPI_SUCCESS;
        memcpy(&f, p, sizeof(f));
        if (f.am_id == TN_TCP_AM_BYE) {
            rx->pos += sizeof(f);
            if (c->state == TN_TCP_UP)
                c->state = TN_TCP_BYE;
            continue;
        }
        if (f.am_id >= TN_AM_MAX || f.hdr_len > TN_TCP_HDR_MAX)
            return bad_frame(tp, c, &f, "out of range");
        h = &tp->params.handlers[f.am_id];
        if (!h->deliver)
            return bad_frame(tp, c, &f, "no handler for that id");
        head = sizeof(f) + f.hdr_len;
        if (avail < head)
            return MPI_SUCCESS;
        if (avail - head >= f.data_len) {
            const void *data = p + head;
            rx->pos += head + f.data_len;
            if (place(tp, c, h, p + sizeof(f), &f)) {
                scatter(rx, data, f.data_len);
                data = NULL;
            }
            h->deliver(tp->params.handler_arg, c->peer, p + sizeof(f), f.hdr_len, data,
                       f.data_len);
            (*events)++;
            continue;
        }
        if (!h->place && head + f.data_len <= TN_TCP_STAGE)
            return MPI_SUCCESS; /* small: wait for the rest in the stage */
        return begin_payload(tp, c, &f, p + sizeof(f), avail - head);
    }
    return MPI_SUCCESS;
}

/* One read of the current payload to its destination; *want is what it asked for. */
static ssize_t read_payload(tn_tcp_conn_t *c, size_t *want)
{
    tn_tcp_rx_t *rx = &c->rx;
    ssize_t n;

    if (!rx->placed) {
        *want = rx->left;
        n = recv(c->fd, rx->buf + rx->fill, *want, 0);
        if (n > 0)
            rx->fill += (size_t)n;
    } else if (rx->pidx < rx->piovcnt) {
        struct iovec v[TN_TCP_IOV_BATCH];
        size_t off = rx->poff;
        int k = 0;

        *want = 0;
        for (int i = rx->pidx; i < rx->piovcnt && k < TN_TCP_IOV_BATCH && *want < rx->left;
             i++, off = 0) {
            size_t len = rx->piov[i].iov_len - off;
            if (!len)
                continue;
            if (len > rx->left - *want)
                len = rx->left - *want;
            v[k++] = (struct iovec){(char *)rx->piov[i].iov_base + off, len};
            *want += len;
        }
        n = readv(c->fd, v, k);
        if (n > 0)
            advance(rx, (size_t)n);
    } else { /* past the placement's end: discard */
        *want = rx->left < TN_TCP_STAGE ? rx->left : TN_TCP_STAGE;
        n = recv(c->fd, rx->stage, *want, 0);
    }
    if (n > 0)
        rx->left -= (size_t)n;
    return n;
}

int tn_tcp_recv_event(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events)
{
    tn_tcp_rx_t *rx = &c->rx;
    size_t done = 0;

    /* bounded, so that one busy peer can not starve the others; the stage is
     * always parsed to the end, so no work hides from epoll */
    while (done < TN_TCP_RX_BUDGET) {
        size_t want;
        ssize_t n;
        int rc;

        if (rx->in_payload) {
            n = read_payload(c, &want);
        } else {
            if (rx->pos) {
                memmove(rx->stage, rx->stage + rx->pos, rx->end - rx->pos);
                rx->end -= rx->pos;
                rx->pos = 0;
            }
            want = TN_TCP_STAGE - rx->end;
            n = recv(c->fd, rx->stage + rx->end, want, 0);
            if (n > 0)
                rx->end += (size_t)n;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return MPI_SUCCESS;
        if (n <= 0) /* EOF, reset, ... */
            return tn_tcp_conn_lost(tp, c, n < 0 ? errno : 0);
        done += (size_t)n;
        rc = parse(tp, c, events);
        if (rc != MPI_SUCCESS || c->fd < 0)
            return rc;
        if ((size_t)n < want) /* the socket is drained; epoll says when there is more */
            return MPI_SUCCESS;
    }
    return MPI_SUCCESS;
}
