/* verbs provider: active messages over SEND, the shared receive queue and
 * credits (see verbs.h).
 *
 * Sending: a whole message that fits the QP's inline data goes out inline
 * from a stack copy when the peer is connected, has credits and room and
 * nothing queued before it. Otherwise it is copied into a registered bounce
 * buffer (eager payloads are small) and posted, or queued behind the peer's
 * earlier operations until the connection, credits or room allow. Either way
 * am_send completes at once. The credits a message returns are filled in when
 * it is posted, so a queued message carries the latest count.
 *
 * Receiving: a message is delivered straight from its SRQ buffer, which is
 * then reposted and counted as owed to its sender. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/verbs/verbs.h"

/* ---- operation contexts --------------------------------------------------- */

static int ops_grow(tn_verbs_t *tp, int tx)
{
    size_t buf_size = tx ? (tp->msg_max + 63) & ~(size_t)63 : 0;
    size_t ops_size = (TN_VERBS_OPS_CHUNK * sizeof(tn_verbs_op_t) + 63) & ~(size_t)63;
    tn_verbs_op_t *ops;
    uint32_t lkey;
    int rc = tn_verbs_block_alloc(tp, ops_size + TN_VERBS_OPS_CHUNK * buf_size, tx,
                                  (void **)&ops, &lkey);

    if (rc != MPI_SUCCESS)
        return rc;
    for (int i = 0; i < TN_VERBS_OPS_CHUNK; i++) {
        ops[i].ctx.kind = tx ? TN_VERBS_TX : TN_VERBS_READ;
        if (tx) {
            ops[i].u.tx.buf = (uint8_t *)ops + ops_size + (size_t)i * buf_size;
            ops[i].u.tx.lkey = lkey;
        }
        tn_verbs_op_put(tp, &ops[i]);
    }
    return MPI_SUCCESS;
}

int tn_verbs_op_get(tn_verbs_t *tp, int tx, tn_verbs_op_t **out)
{
    tn_verbs_op_t **list = tx ? &tp->free_tx : &tp->free_rd;
    tn_verbs_op_t *op = *list;

    if (__builtin_expect(!op, 0)) {
        int rc = ops_grow(tp, tx);
        if (rc != MPI_SUCCESS)
            return rc;
        op = *list;
    }
    *list = op->next;
    op->next = NULL;
    op->ctl = 0;
    *out = op;
    return MPI_SUCCESS;
}

void tn_verbs_op_put(tn_verbs_t *tp, tn_verbs_op_t *op)
{
    tn_verbs_op_t **list = op->ctx.kind == TN_VERBS_TX ? &tp->free_tx : &tp->free_rd;

    op->next = *list;
    *list = op;
}

/* ---- posting -------------------------------------------------------------- */

/* Whether an operation may be posted to p now; sends need credits. */
static int can_post(const tn_verbs_t *tp, const tn_verbs_peer_t *p, int send, int ctl)
{
    return p->state == TN_VERBS_P_UP && p->sq_used < tp->sq_depth &&
           tp->tx_inflight < tp->tx_max && (!send || tn_verbs_credit_may_send(&p->cr, ctl));
}

static int post_error(tn_verbs_t *tp, int peer, int err)
{
    int rc = tn_verbs_error(tp, "posting a work request to", peer, strerror(err));

    tn_verbs_peer_lost(tp, peer, rc);
    return rc;
}

static int post_wr(tn_verbs_t *tp, int peer, struct ibv_send_wr *wr)
{
    tn_verbs_peer_t *p = &tp->peer[peer];
    struct ibv_send_wr *bad;
    int err = ibv_post_send(p->id->qp, wr, &bad);

    if (err)
        return post_error(tp, peer, err);
    p->sq_used++;
    tp->tx_inflight++;
    return MPI_SUCCESS;
}

/* Posts op, which can_post allows. */
static int post(tn_verbs_t *tp, tn_verbs_op_t *op)
{
    tn_verbs_peer_t *p = &tp->peer[op->peer];
    struct ibv_sge sge;
    struct ibv_send_wr wr = {.wr_id = (uint64_t)(uintptr_t)op, .sg_list = &sge, .num_sge = 1,
                             .send_flags = IBV_SEND_SIGNALED};

    if (op->ctx.kind == TN_VERBS_TX) {
        uint16_t credits = tn_verbs_credit_take(&p->cr), seq = p->tx_seq++;
        memcpy(op->u.tx.buf + offsetof(tn_verbs_wire_t, credits), &credits, sizeof(credits));
        memcpy(op->u.tx.buf + offsetof(tn_verbs_wire_t, seq), &seq, sizeof(seq));
        sge = (struct ibv_sge){(uint64_t)(uintptr_t)op->u.tx.buf, op->u.tx.len, op->u.tx.lkey};
        wr.opcode = IBV_WR_SEND;
        if (op->u.tx.len <= tp->inline_max)
            wr.send_flags |= IBV_SEND_INLINE;
    } else {
        sge = (struct ibv_sge){(uint64_t)(uintptr_t)op->u.rd.local, op->u.rd.len, op->u.rd.lkey};
        wr.opcode = IBV_WR_RDMA_READ;
        wr.wr.rdma.remote_addr = op->u.rd.raddr;
        wr.wr.rdma.rkey = op->u.rd.rkey;
    }
    return post_wr(tp, op->peer, &wr);
}

static void mark_busy(tn_verbs_t *tp, int peer)
{
    if (!tp->peer[peer].busy) {
        tp->peer[peer].busy = 1;
        tp->busy[tp->nbusy++] = peer;
    }
}

int tn_verbs_submit(tn_verbs_t *tp, tn_verbs_op_t *op)
{
    tn_verbs_peer_t *p = &tp->peer[op->peer];

    if (p->state == TN_VERBS_P_LOST)
        return p->lost;
    if (!p->qhead && can_post(tp, p, op->ctx.kind == TN_VERBS_TX, op->ctl))
        return post(tp, op);
    op->next = NULL;
    if (p->qhead)
        p->qtail->next = op;
    else
        p->qhead = op;
    p->qtail = op;
    mark_busy(tp, op->peer);
    return MPI_SUCCESS;
}

/* A header-only CREDIT or BYE message to peer, which may take the last credit. */
static int ctl_op(tn_verbs_t *tp, int peer, uint8_t am_id, tn_verbs_op_t **out)
{
    tn_verbs_wire_t w = {.cookie = tp->cookie, .src = tp->params.rank, .am_id = am_id};
    tn_verbs_op_t *op;
    int rc = tn_verbs_op_get(tp, 1, &op);

    if (rc != MPI_SUCCESS)
        return rc;
    memcpy(op->u.tx.buf, &w, sizeof(w));
    op->u.tx.len = sizeof(w);
    op->peer = peer;
    op->ctl = 1;
    *out = op;
    return MPI_SUCCESS;
}

/* A CREDIT message to peer, ahead of anything queued (see verbs.h). */
static int send_credit(tn_verbs_t *tp, int peer)
{
    tn_verbs_op_t *op;
    int rc = ctl_op(tp, peer, TN_VERBS_AM_CREDIT, &op);

    if (rc == MPI_SUCCESS && (rc = post(tp, op)) != MPI_SUCCESS)
        tn_verbs_op_put(tp, op);
    return rc;
}

int tn_verbs_queue_drain(tn_verbs_t *tp)
{
    int err = MPI_SUCCESS;

    for (int i = 0; i < tp->ndue;) {
        int peer = tp->due[i], rc = MPI_SUCCESS;
        tn_verbs_peer_t *p = &tp->peer[peer];
        int still = p->state != TN_VERBS_P_LOST && tn_verbs_credit_update_due(&p->cr, tp->window);
        if (still && can_post(tp, p, 1, 1)) {
            rc = send_credit(tp, peer);
            still = 0;
        }
        if (rc != MPI_SUCCESS && err == MPI_SUCCESS)
            err = rc;
        if (still) {
            i++;
        } else {
            p->due = 0;
            tp->due[i] = tp->due[--tp->ndue];
        }
    }
    for (int i = 0; i < tp->nbusy;) {
        tn_verbs_peer_t *p = &tp->peer[tp->busy[i]];
        tn_verbs_op_t *op;
        while ((op = p->qhead) && can_post(tp, p, op->ctx.kind == TN_VERBS_TX, op->ctl)) {
            int rc;
            p->qhead = op->next;
            if ((rc = post(tp, op)) != MPI_SUCCESS) {
                if (op->ctx.kind == TN_VERBS_READ)
                    tn_verbs_read_done(tp, op, rc);
                else
                    tn_verbs_op_put(tp, op);
                if (err == MPI_SUCCESS)
                    err = rc;
            }
        }
        if (p->qhead) {
            i++;
        } else {
            p->busy = 0;
            tp->busy[i] = tp->busy[--tp->nbusy];
        }
    }
    return err;
}

void tn_verbs_tx_done(tn_verbs_t *tp, tn_verbs_op_t *op, int peer, int status)
{
    if (op)
        tn_verbs_op_put(tp, op);
    if (status != MPI_SUCCESS)
        tn_verbs_peer_lost(tp, peer, status);
}

/* ---- sending -------------------------------------------------------------- */

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

/* Sends the whole message inline from the stack. */
static int send_inline(tn_verbs_t *tp, int peer, tn_verbs_wire_t *w, const void *hdr,
                       const struct iovec *iov, int iovcnt, size_t total)
{
    uint8_t buf[TN_VERBS_INLINE_WANT];
    struct ibv_sge sge = {(uint64_t)(uintptr_t)buf, (uint32_t)total, 0};
    struct ibv_send_wr wr = {.wr_id = ((uint64_t)peer << 1) | 1, .sg_list = &sge, .num_sge = 1,
                             .opcode = IBV_WR_SEND,
                             .send_flags = IBV_SEND_SIGNALED | IBV_SEND_INLINE};

    w->credits = tn_verbs_credit_take(&tp->peer[peer].cr);
    w->seq = tp->peer[peer].tx_seq++;
    memcpy(buf, w, sizeof(*w));
    memcpy(buf + sizeof(*w), hdr, w->hdr_len);
    gather(buf + sizeof(*w) + w->hdr_len, iov, iovcnt);
    return post_wr(tp, peer, &wr);
}

int tn_verbs_am_send(tn_tp_t *base, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                     const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;
    tn_verbs_peer_t *p;
    size_t dlen = 0, total;
    tn_verbs_op_t *op;
    int rc;

    if (__builtin_expect((unsigned)peer >= (unsigned)tp->params.size || am_id >= TN_AM_MAX ||
                             hdr_len > TN_VERBS_HDR_MAX || iovcnt < 0,
                         0))
        return tn_err_set(MPI_ERR_ARG,
                          "verbs provider: am_send(peer %d, am %u, hdr_len %zu, iovcnt %d): "
                          "expected a peer below %d, am below %d, hdr_len at most %d, iovcnt >= 0",
                          peer, am_id, hdr_len, iovcnt, tp->params.size, TN_AM_MAX,
                          TN_VERBS_HDR_MAX);
    for (int i = 0; i < iovcnt; i++)
        dlen += iov[i].iov_len;
    if (__builtin_expect(dlen > tp->base.eager_max, 0))
        return tn_err_set(MPI_ERR_INTERN,
                          "verbs provider: am_send to rank %d carries %zu bytes; at most %zu "
                          "(eager_max) fit",
                          peer, dlen, tp->base.eager_max);
    p = &tp->peer[peer];
    if (__builtin_expect(p->state != TN_VERBS_P_UP, 0)) {
        if (p->state == TN_VERBS_P_LOST)
            return p->lost;
        if (p->state == TN_VERBS_P_NONE && (rc = tn_verbs_connect(tp, peer)) != MPI_SUCCESS) {
            tn_verbs_peer_lost(tp, peer, rc);
            return rc;
        }
    }
    tn_verbs_wire_t w = {.cookie = tp->cookie, .src = tp->params.rank,
                         .hdr_len = (uint16_t)hdr_len, .am_id = (uint8_t)am_id};
    total = sizeof(w) + hdr_len + dlen;
    if (total <= tp->inline_max && !p->qhead && can_post(tp, p, 1, 0)) {
        rc = send_inline(tp, peer, &w, hdr, iov, iovcnt, total);
    } else {
        if ((rc = tn_verbs_op_get(tp, 1, &op)) != MPI_SUCCESS)
            return rc;
        memcpy(op->u.tx.buf, &w, sizeof(w));
        memcpy(op->u.tx.buf + sizeof(w), hdr, hdr_len);
        gather(op->u.tx.buf + sizeof(w) + hdr_len, iov, iovcnt);
        op->u.tx.len = (uint32_t)total;
        op->peer = peer;
        if ((rc = tn_verbs_submit(tp, op)) != MPI_SUCCESS)
            tn_verbs_op_put(tp, op);
    }
    if (rc == MPI_SUCCESS && comp)
        comp->cb(comp, MPI_SUCCESS);
    return rc;
}

int tn_verbs_send_bye(tn_verbs_t *tp, int peer)
{
    tn_verbs_op_t *op;
    int rc = ctl_op(tp, peer, TN_VERBS_AM_BYE, &op);

    if (rc == MPI_SUCCESS && (rc = tn_verbs_submit(tp, op)) != MPI_SUCCESS)
        tn_verbs_op_put(tp, op);
    return rc;
}

/* ---- receiving ------------------------------------------------------------ */

static int rx_post(tn_verbs_t *tp, tn_verbs_rx_t *rx)
{
    struct ibv_sge sge = {(uint64_t)(uintptr_t)rx->mem, (uint32_t)tp->msg_max, rx->lkey};
    struct ibv_recv_wr wr = {.wr_id = (uint64_t)(uintptr_t)rx, .sg_list = &sge, .num_sge = 1};
    struct ibv_recv_wr *bad;
    int err = ibv_post_srq_recv(tp->srq, &wr, &bad);

    return err ? tn_verbs_error(tp, "posting a receive buffer", -1, strerror(err))
               : MPI_SUCCESS;
}

int tn_verbs_rx_share(tn_verbs_t *tp, int peer)
{
    size_t slot = ((sizeof(tn_verbs_rx_t) + 63) & ~(size_t)63) + ((tp->msg_max + 63) & ~(size_t)63);
    uint8_t *mem;
    uint32_t lkey;
    int rc;

    if (tp->peer[peer].rx_posted)
        return MPI_SUCCESS;
    if (tp->srq_posted + tp->window > tp->srq_cap)
        return tn_verbs_error(tp, "connecting to", peer, "the shared receive queue is full");
    if ((rc = tn_verbs_block_alloc(tp, tp->window * slot, 1, (void **)&mem, &lkey)))
        return rc;
    for (uint32_t i = 0; i < tp->window; i++) {
        tn_verbs_rx_t *rx = (tn_verbs_rx_t *)(mem + i * slot);
        rx->ctx.kind = TN_VERBS_RX;
        rx->mem = (uint8_t *)rx + ((sizeof(*rx) + 63) & ~(size_t)63);
        rx->lkey = lkey;
        if ((rc = rx_post(tp, rx)) != MPI_SUCCESS)
            return rc;
        tp->srq_posted++;
    }
    tp->peer[peer].rx_posted = 1;
    return MPI_SUCCESS;
}

/* Why a received message is not ours, or NULL. */
static const char *malformed(const tn_verbs_t *tp, const tn_verbs_wire_t *w, size_t len)
{
    if (len < sizeof(*w))
        return "shorter than a header";
    if (w->cookie != tp->cookie)
        return "another job's cookie";
    if (w->src < 0 || w->src >= tp->params.size || w->hdr_len > TN_VERBS_HDR_MAX ||
        w->hdr_len > len - sizeof(*w))
        return "malformed header";
    if (w->am_id < TN_AM_MAX ? !tp->params.handlers[w->am_id].deliver
                             : w->am_id != TN_VERBS_AM_CREDIT && w->am_id != TN_VERBS_AM_BYE)
        return "no handler for its active-message id";
    return NULL;
}

int tn_verbs_rx_done(tn_verbs_t *tp, tn_verbs_rx_t *rx, const struct ibv_wc *wc)
{
    tn_verbs_wire_t w;
    tn_verbs_peer_t *p;
    const char *why;
    int rc;

    if (wc->status != IBV_WC_SUCCESS) {
        /* a flushed buffer of a failed QP: the peer's error says it all */
        if (wc->status == IBV_WC_WR_FLUSH_ERR)
            return tp->closing ? MPI_SUCCESS : rx_post(tp, rx);
        rc = tn_verbs_error(tp, "receiving", -1, ibv_wc_status_str(wc->status));
        rx_post(tp, rx);
        return rc;
    }
    if (wc->byte_len >= sizeof(w))
        memcpy(&w, rx->mem, sizeof(w));
    if ((why = malformed(tp, &w, wc->byte_len))) {
        if (tn_config.debug)
            fprintf(stderr, "[tern] rank %d: verbs provider dropped a message of %u bytes: %s\n",
                    tp->params.rank, wc->byte_len, why);
        return rx_post(tp, rx);
    }
    p = &tp->peer[w.src];
    if (__builtin_expect(w.seq != p->rx_seq, 0)) { /* see verbs.h: never a silent loss */
        char why[96];
        snprintf(why, sizeof(why), "message %u of the connection arrived where %u was due",
                 (unsigned)w.seq, (unsigned)p->rx_seq);
        tn_verbs_peer_lost(tp, w.src, tn_verbs_error(tp, "receiving from", w.src, why));
        return rx_post(tp, rx); /* the peer's operations fail, not the provider */
    }
    p->rx_seq++;
    tn_verbs_credit_grant(&p->cr, w.credits);
    if (w.am_id == TN_VERBS_AM_BYE)
        p->bye = 1;
    else if (w.am_id < TN_AM_MAX)
        tp->params.handlers[w.am_id].deliver(tp->params.handler_arg, w.src, rx->mem + sizeof(w),
                                             w.hdr_len, rx->mem + sizeof(w) + w.hdr_len,
                                             wc->byte_len - sizeof(w) - w.hdr_len);
    if ((rc = rx_post(tp, rx)) != MPI_SUCCESS)
        return rc;
    tn_verbs_credit_consumed(&p->cr);
    if (!p->due && tn_verbs_credit_update_due(&p->cr, tp->window)) {
        p->due = 1;
        tp->due[tp->ndue++] = w.src;
    }
    return MPI_SUCCESS;
}
