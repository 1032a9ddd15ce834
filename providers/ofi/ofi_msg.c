/* libfabric provider: active messages.
 *
 * Sending: a whole message small enough goes out with fi_inject from a stack
 * copy and completes at once. Otherwise an operation context carries it: the
 * wire header and hdr are copied into its staging buffer; a small payload (or
 * any payload the provider could not take from the caller's memory: no
 * completion wanted, FI_MR_LOCAL, too many iovecs) is copied after them and
 * the send completes at once, a larger one is sent from the caller's iovecs
 * and completes with the provider's completion. A post the provider refuses
 * (-FI_EAGAIN) waits in its peer's queue, which later sends to that peer
 * join while it is not empty, so order per peer holds; progress retries it.
 * Once an operation to a peer has failed, the peer is lost (see ofi.h): what
 * is queued or in flight for it and what comes later fails with that error
 * (libfabric may otherwise refuse sends to a dead peer forever, tcp;ofi_rxm
 * 1.17 does).
 *
 * Receiving: messages land in pre-posted buffers and are delivered straight
 * from there, unless one sent before has not completed yet (see ofi.h); a
 * buffer is reposted, at the start of the next progress call, once everything
 * in it has been delivered or copied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "core/error.h"
#include "core/progress.h"
#include "providers/ofi/ofi.h"

/* Payloads up to this size are copied so that the send completes at once. */
#define COPY_MAX 4096

static size_t gather(uint8_t *dst, const struct iovec *iov, int iovcnt)
{
    size_t n = 0;

    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len) /* an empty one may have a NULL base */
            memcpy(dst + n, iov[i].iov_base, iov[i].iov_len);
        n += iov[i].iov_len;
    }
    return n;
}

/* ---- operation contexts --------------------------------------------------- */

static int ops_grow(tn_ofi_t *tp, int send)
{
    size_t buf_size = send ? (tp->msg_max + 63) & ~(size_t)63 : 0;
    size_t ops_size = (TN_OFI_OPS_CHUNK * sizeof(tn_ofi_op_t) + 63) & ~(size_t)63;
    tn_ofi_op_t *ops, **chunks = realloc(tp->chunks, (size_t)(tp->nchunks + 1) * sizeof(*chunks));
    void *desc;
    int rc;

    if (!chunks)
        return TN_ERR_SETMEM("ofi provider: operation contexts");
    tp->chunks = chunks;
    rc = tn_ofi_block_alloc(tp, ops_size + TN_OFI_OPS_CHUNK * buf_size, send, (void **)&ops,
                            &desc);
    if (rc != MPI_SUCCESS)
        return rc;
    tp->chunks[tp->nchunks++] = ops;
    memset(ops, 0, TN_OFI_OPS_CHUNK * sizeof(*ops)); /* none posted: see orphan() */
    for (int i = 0; i < TN_OFI_OPS_CHUNK; i++) {
        ops[i].buf = send ? (uint8_t *)ops + ops_size + (size_t)i * buf_size : NULL;
        ops[i].buf_desc = desc;
        tn_ofi_op_put(tp, &ops[i]);
    }
    return MPI_SUCCESS;
}

int tn_ofi_op_get(tn_ofi_t *tp, int send, tn_ofi_op_t **out)
{
    tn_ofi_op_t **list = send ? &tp->free_send : &tp->free_rma;
    tn_ofi_op_t *op = *list;

    if (__builtin_expect(!op, 0)) {
        int rc = ops_grow(tp, send);
        if (rc != MPI_SUCCESS)
            return rc;
        op = *list;
    }
    *list = op->next;
    op->next = NULL;
    op->ctx.kind = send ? TN_OFI_SEND : TN_OFI_READ;
    op->flags = 0;
    op->bye = 0;
    op->posted = 0;
    op->orphan = 0;
    op->comp = NULL;
    *out = op;
    return MPI_SUCCESS;
}

void tn_ofi_op_put(tn_ofi_t *tp, tn_ofi_op_t *op)
{
    tn_ofi_op_t **list = op->buf ? &tp->free_send : &tp->free_rma;

    op->next = *list;
    *list = op;
}

/* ---- posting and the retry queue ----------------------------------------- */

const char *tn_ofi_what(const tn_ofi_op_t *op)
{
    switch (op->ctx.kind) {
    case TN_OFI_SEND:
        return "sending to it";
    case TN_OFI_READ:
        return "reading its memory";
    default:
        return "writing its memory";
    }
}

/* 0, -FI_EAGAIN or another negated libfabric error. */
static ssize_t post(tn_ofi_t *tp, tn_ofi_op_t *op)
{
    switch (op->ctx.kind) {
    case TN_OFI_SEND:
        if (op->flags) {
            struct fi_msg m = {
                .msg_iov = op->u.send.iov,
                .desc = op->u.send.desc,
                .iov_count = (size_t)op->u.send.niov,
                .addr = op->dest,
                .context = &op->ctx,
            };
            ssize_t r = fi_sendmsg(tp->ep, &m, op->flags | FI_COMPLETION);
            if (r != -FI_EBADFLAGS && r != -FI_ENOSYS && r != -FI_EOPNOTSUPP)
                return r;
            op->flags = 0; /* the extra flags are a wish, not a need */
            if (op->bye)
                ((tn_ofi_wire_t *)op->buf)->flags |= TN_OFI_WIRE_WANT_BYE;
        }
        if (op->u.send.niov == 1)
            return fi_send(tp->ep, op->u.send.iov[0].iov_base, op->u.send.iov[0].iov_len,
                           op->u.send.desc[0], op->dest, &op->ctx);
        return fi_sendv(tp->ep, op->u.send.iov, op->u.send.desc, (size_t)op->u.send.niov,
                        op->dest, &op->ctx);
    case TN_OFI_READ:
        return fi_read(tp->ep, op->u.rma.local, op->u.rma.len, op->u.rma.desc, op->dest,
                       op->u.rma.raddr, op->u.rma.key, &op->ctx);
    default:
        return fi_write(tp->ep, op->u.rma.local, op->u.rma.len, op->u.rma.desc, op->dest,
                        op->u.rma.raddr, op->u.rma.key, &op->ctx);
    }
}

/* op has ended with status before or without a completion. */
static int finish(tn_ofi_t *tp, tn_ofi_op_t *op, int status)
{
    return op->ctx.kind == TN_OFI_SEND ? tn_ofi_send_done(tp, op, status)
                                       : tn_ofi_rma_done(tp, op, status);
}

void tn_ofi_op_release(tn_ofi_t *tp, tn_ofi_op_t *op)
{
    if (op->posted || op->orphan ||
        (op->ctx.kind != TN_OFI_SEND && op->u.rma.parent == op && op->u.rma.pending))
        return;
    tn_ofi_op_put(tp, op);
}

int tn_ofi_op_done(tn_ofi_t *tp, tn_ofi_op_t *op, int status)
{
    op->posted = 0;
    if (op->orphan) { /* failed when its peer was lost */
        op->orphan = 0;
        tn_ofi_op_release(tp, op);
        return MPI_SUCCESS;
    }
    return finish(tp, op, status);
}

/* Fails what libfabric holds for a lost peer now: it may never complete. */
static void orphan(tn_ofi_t *tp, int peer, int code)
{
    for (int c = 0; c < tp->nchunks; c++)
        for (int i = 0; i < TN_OFI_OPS_CHUNK; i++) {
            tn_ofi_op_t *op = &tp->chunks[c][i]; /* callbacks may grow chunks */
            if (!op->posted || op->peer != peer)
                continue;
            op->posted = 0;
            op->orphan = 1;
            finish(tp, op, code);
        }
}

int tn_ofi_peer_lost(tn_ofi_t *tp, int peer, int code)
{
    tn_ofi_peer_t *p = &tp->peer[peer];

    if (p->lost)
        return p->lost;
    p->lost = code;
    p->bits |= TN_OFI_PEER_DONE; /* close() waits for nothing from it */
    orphan(tp, peer, code);
    tn_progress_peer_lost(peer, code);
    return code;
}

int tn_ofi_submit(tn_ofi_t *tp, tn_ofi_op_t *op)
{
    tn_ofi_peer_t *p = &tp->peer[op->peer];

    if (p->lost)
        return p->lost;
    if (!p->qhead) {
        ssize_t r = post(tp, op);
        if (r == 0) {
            op->posted = 1;
            tp->inflight++;
            return MPI_SUCCESS;
        }
        if (r != -FI_EAGAIN)
            return tn_ofi_peer_lost(tp, op->peer,
                                    tn_ofi_error(tp, tn_ofi_what(op), op->peer, (int)-r, NULL));
        tp->busy[tp->nbusy++] = op->peer;
        p->qhead = op;
    } else {
        p->qtail->next = op;
    }
    op->next = NULL;
    p->qtail = op;
    return MPI_SUCCESS;
}

/* Posts peer's queued operations until the provider refuses one; those to a
 * lost peer fail. */
static int drain_peer(tn_ofi_t *tp, tn_ofi_peer_t *p)
{
    tn_ofi_op_t *op;

    while ((op = p->qhead)) {
        ssize_t r = p->lost ? 0 : post(tp, op);
        int rc;

        if (r == -FI_EAGAIN)
            return MPI_SUCCESS;
        p->qhead = op->next;
        tp->inflight++;
        if (r == 0 && !p->lost) {
            op->posted = 1;
            continue;
        }
        rc = finish(tp, op,
                    p->lost ? p->lost : tn_ofi_error(tp, tn_ofi_what(op), op->peer, (int)-r, NULL));
        if (rc != MPI_SUCCESS)
            return rc;
    }
    return MPI_SUCCESS;
}

int tn_ofi_queue_drain(tn_ofi_t *tp)
{
    int err = MPI_SUCCESS;

    /* callbacks may queue more meanwhile, for these peers or others */
    for (int i = 0; i < tp->nbusy;) {
        tn_ofi_peer_t *p = &tp->peer[tp->busy[i]];
        int rc = drain_peer(tp, p);

        if (rc != MPI_SUCCESS && err == MPI_SUCCESS)
            err = rc;
        if (p->qhead)
            i++;
        else
            tp->busy[i] = tp->busy[--tp->nbusy];
    }
    return err;
}

int tn_ofi_send_done(tn_ofi_t *tp, tn_ofi_op_t *op, int status)
{
    tn_tp_completion_t *comp = op->comp;

    tp->inflight--;
    if (status != MPI_SUCCESS)
        status = tn_ofi_peer_lost(tp, op->peer, status);
    if (op->bye &&
        (status != MPI_SUCCESS || ((op->flags & FI_DELIVERY_COMPLETE) && !tp->bye_wait)))
        tp->peer[op->peer].bits |= TN_OFI_PEER_DONE;
    op->comp = NULL;
    tn_ofi_op_release(tp, op);
    if (!comp) /* a failure lost the peer: progress reports that */
        return MPI_SUCCESS;
    comp->cb(comp, status);
    return MPI_SUCCESS;
}

/* ---- sending -------------------------------------------------------------- */

/* Sends through an operation context. */
static int send_op(tn_ofi_t *tp, int peer, fi_addr_t dest, const tn_ofi_wire_t *w,
                   const void *hdr, const struct iovec *iov, int iovcnt, size_t dlen,
                   tn_tp_completion_t *comp)
{
    const size_t head = sizeof(*w) + w->hdr_len;
    tn_ofi_op_t *op;
    int nonempty = 0, copy, rc;

    for (int i = 0; i < iovcnt; i++)
        nonempty += iov[i].iov_len != 0;
    copy = !comp || dlen <= COPY_MAX || tp->mr_local || nonempty + 1 > (int)tp->iov_limit;
    if ((rc = tn_ofi_op_get(tp, 1, &op)) != MPI_SUCCESS) /* w's sequence number is gone */
        return tn_ofi_peer_lost(tp, peer, rc);
    memcpy(op->buf, w, sizeof(*w));
    memcpy(op->buf + sizeof(*w), hdr, w->hdr_len);
    op->peer = peer;
    op->dest = dest;
    op->u.send.iov[0].iov_base = op->buf;
    op->u.send.desc[0] = op->buf_desc;
    if (copy) {
        op->u.send.iov[0].iov_len = head + gather(op->buf + head, iov, iovcnt);
        op->u.send.niov = 1;
    } else {
        op->comp = comp;
        op->u.send.iov[0].iov_len = head;
        op->u.send.niov = 1;
        for (int i = 0; i < iovcnt; i++) {
            if (!iov[i].iov_len)
                continue;
            op->u.send.iov[op->u.send.niov] = iov[i];
            op->u.send.desc[op->u.send.niov++] = NULL;
        }
    }
    if ((rc = tn_ofi_submit(tp, op)) != MPI_SUCCESS) {
        tn_ofi_op_put(tp, op);
        return rc;
    }
    if (copy && comp)
        comp->cb(comp, MPI_SUCCESS);
    return MPI_SUCCESS;
}

int tn_ofi_am_send(tn_tp_t *base, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;
    size_t dlen = 0, total;
    fi_addr_t dest;
    int rc;

    if (__builtin_expect((unsigned)peer >= (unsigned)tp->params.size || am_id >= TN_AM_MAX ||
                             hdr_len > TN_OFI_HDR_MAX || iovcnt < 0,
                         0))
        return tn_err_set(MPI_ERR_ARG,
                          "ofi provider: am_send(peer %d, am %u, hdr_len %zu, iovcnt %d): expected "
                          "a peer below %d, am below %d, hdr_len at most %d, iovcnt >= 0",
                          peer, am_id, hdr_len, iovcnt, tp->params.size, TN_AM_MAX,
                          TN_OFI_HDR_MAX);
    for (int i = 0; i < iovcnt; i++)
        dlen += iov[i].iov_len;
    if (__builtin_expect(dlen > tp->base.eager_max, 0))
        return tn_err_set(MPI_ERR_INTERN,
                          "ofi provider: am_send to rank %d carries %zu bytes; at most %zu "
                          "(eager_max) fit",
                          peer, dlen, tp->base.eager_max);
    if ((rc = tn_ofi_peer(tp, peer, &dest)) != MPI_SUCCESS)
        return rc;
    if (__builtin_expect(tp->peer[peer].lost != 0, 0))
        return tp->peer[peer].lost;
    tp->peer[peer].bits |= TN_OFI_PEER_SENT;
    tn_ofi_wire_t w = {.cookie = tp->cookie,
                       .src = tp->params.rank,
                       .seq = tp->peer[peer].tx_seq++,
                       .hdr_len = (uint16_t)hdr_len,
                       .am_id = (uint8_t)am_id};
    total = sizeof(w) + hdr_len + dlen;
    if (total <= tp->inject_max && !tp->peer[peer].qhead) {
        uint8_t buf[TN_OFI_INJECT_MAX];
        ssize_t r;

        memcpy(buf, &w, sizeof(w));
        memcpy(buf + sizeof(w), hdr, hdr_len);
        gather(buf + sizeof(w) + hdr_len, iov, iovcnt);
        r = fi_inject(tp->ep, buf, total, dest);
        if (__builtin_expect(r == 0, 1)) {
            if (comp)
                comp->cb(comp, MPI_SUCCESS);
            return MPI_SUCCESS;
        }
        if (r != -FI_EAGAIN) /* its sequence number is gone: so is the peer */
            return tn_ofi_peer_lost(tp, peer, tn_ofi_error(tp, "sending to it", peer, (int)-r, NULL));
    }
    return send_op(tp, peer, dest, &w, hdr, iov, iovcnt, dlen, comp);
}

int tn_ofi_send_bye(tn_ofi_t *tp, int peer)
{
    tn_ofi_wire_t w = {.cookie = tp->cookie, .src = tp->params.rank, .am_id = TN_OFI_AM_BYE};
    tn_ofi_op_t *op;
    fi_addr_t dest;
    int rc;

    if ((rc = tn_ofi_peer(tp, peer, &dest)) != MPI_SUCCESS ||
        (rc = tn_ofi_op_get(tp, 1, &op)) != MPI_SUCCESS)
        return rc;
    w.seq = tp->peer[peer].tx_seq++;
    memcpy(op->buf, &w, sizeof(w));
    op->peer = peer;
    op->dest = dest;
    op->flags = FI_DELIVERY_COMPLETE;
    op->bye = 1;
    op->u.send.iov[0] = (struct iovec){op->buf, sizeof(w)};
    op->u.send.desc[0] = op->buf_desc;
    op->u.send.niov = 1;
    if ((rc = tn_ofi_submit(tp, op)) != MPI_SUCCESS)
        tn_ofi_op_put(tp, op);
    return rc;
}

/* ---- receiving ------------------------------------------------------------ */

/* 0, -FI_EAGAIN or another negated libfabric error. */
static ssize_t rx_post(tn_ofi_t *tp, tn_ofi_rxbuf_t *rx)
{
    if (tp->multi) {
        struct iovec iov = {rx->mem, rx->size};
        struct fi_msg m = {
            .msg_iov = &iov,
            .desc = &rx->desc,
            .iov_count = 1,
            .addr = FI_ADDR_UNSPEC,
            .context = &rx->ctx,
        };
        return fi_recvmsg(tp->ep, &m, FI_MULTI_RECV);
    }
    return fi_recv(tp->ep, rx->mem, rx->size, rx->desc, FI_ADDR_UNSPEC, &rx->ctx);
}

int tn_ofi_rx_post_all(tn_ofi_t *tp)
{
    while (tp->nrx_idle) {
        ssize_t r = rx_post(tp, tp->rx_idle[tp->nrx_idle - 1]);
        if (r == -FI_EAGAIN) /* the next progress call tries again */
            return MPI_SUCCESS;
        if (r)
            return tn_ofi_error(tp, "posting a receive buffer", -1, (int)-r, NULL);
        tp->nrx_idle--;
    }
    return MPI_SUCCESS;
}

/* Hands a checked message, next in its sender's order, to its handler. */
static void dispatch(tn_ofi_t *tp, const tn_ofi_wire_t *w, const uint8_t *msg, size_t len)
{
    uint64_t aligned[TN_OFI_HDR_MAX / sizeof(uint64_t)];
    const void *hdr = msg + sizeof(*w);

    tp->peer[w->src].rx_seq++;
    if (w->am_id == TN_OFI_AM_BYE) {
        tp->peer[w->src].bits |=
            TN_OFI_PEER_DONE | (w->flags & TN_OFI_WIRE_WANT_BYE ? TN_OFI_PEER_WANTS : 0);
        return;
    }
    if ((uintptr_t)hdr % sizeof(uint64_t)) {
        memcpy(aligned, hdr, w->hdr_len);
        hdr = aligned;
    }
    tp->params.handlers[w->am_id].deliver(tp->params.handler_arg, w->src, hdr, w->hdr_len,
                                          msg + sizeof(*w) + w->hdr_len,
                                          len - sizeof(*w) - w->hdr_len);
}

/* Keeps a copy of a message that arrived before earlier ones from its sender. */
static int keep_early(tn_ofi_t *tp, const tn_ofi_wire_t *w, const uint8_t *msg, size_t len)
{
    tn_ofi_early_t *e = malloc(sizeof(*e) + len), **at = &tp->peer[w->src].early;

    if (!e)
        return TN_ERR_SETMEM("ofi provider: a message received out of order");
    e->seq = w->seq;
    e->len = len;
    memcpy(e->msg, msg, len);
    while (*at && (int32_t)((*at)->seq - w->seq) < 0)
        at = &(*at)->next;
    e->next = *at;
    *at = e;
    return MPI_SUCCESS;
}

/* Checks a message and delivers it, with any kept ones it was holding back; a
 * message that is not ours or not well formed is dropped. */
static int deliver(tn_ofi_t *tp, const uint8_t *msg, size_t len)
{
    const char *why = NULL;
    tn_ofi_early_t *e;
    tn_ofi_peer_t *p;
    tn_ofi_wire_t w;

    if (len >= sizeof(w))
        memcpy(&w, msg, sizeof(w));
    if (len < sizeof(w))
        why = "shorter than a header";
    else if (w.cookie != tp->cookie)
        why = "another job's cookie";
    else if (w.src < 0 || w.src >= tp->params.size || w.hdr_len > TN_OFI_HDR_MAX ||
             w.hdr_len > len - sizeof(w))
        why = "malformed header";
    else if (w.am_id != TN_OFI_AM_BYE &&
             (w.am_id >= TN_AM_MAX || !tp->params.handlers[w.am_id].deliver))
        why = "no handler for its active-message id";
    else if ((int32_t)(w.seq - tp->peer[w.src].rx_seq) < 0)
        why = "a sequence number already delivered";
    if (why) {
        if (tn_config.debug)
            fprintf(stderr, "[tern] rank %d: ofi provider dropped a message of %zu bytes: %s\n",
                    tp->params.rank, len, why);
        return MPI_SUCCESS;
    }
    p = &tp->peer[w.src];
    p->bits |= TN_OFI_PEER_RCVD;
    if (__builtin_expect(w.seq != p->rx_seq, 0))
        return keep_early(tp, &w, msg, len);
    dispatch(tp, &w, msg, len);
    while ((e = p->early) && e->seq == p->rx_seq) {
        p->early = e->next;
        memcpy(&w, e->msg, sizeof(w));
        dispatch(tp, &w, e->msg, e->len);
        free(e);
    }
    return MPI_SUCCESS;
}

void tn_ofi_early_free(tn_ofi_t *tp)
{
    for (int r = 0; r < tp->params.size; r++)
        while (tp->peer[r].early) {
            tn_ofi_early_t *e = tp->peer[r].early;
            tp->peer[r].early = e->next;
            free(e);
        }
}

int tn_ofi_rx_done(tn_ofi_t *tp, tn_ofi_rxbuf_t *rx, const struct fi_cq_data_entry *e)
{
    if (!tp->multi || (e->flags & FI_MULTI_RECV))
        tp->rx_idle[tp->nrx_idle++] = rx;
    return e->len ? deliver(tp, tp->multi ? e->buf : rx->mem, e->len) : MPI_SUCCESS;
}
