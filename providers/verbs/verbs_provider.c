/* verbs provider: the ops table, open/close, progress and flush, errors and
 * registered memory blocks.
 *
 * Waiting: the wait fd is an epoll fd over the CQ's completion channel and
 * the rdma_cm event channel. Progress polls the CQ, handles rdma_cm events,
 * posts what waits; a pass that found nothing takes the completion event
 * that fired (if any), re-arms the CQ and polls once more, so the channel
 * fires for anything that arrives after an idle pass. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/verbs/verbs.h"

#define BLOCK_HEAD 64 /* tn_verbs_block_t, padded so that memory stays aligned */
_Static_assert(sizeof(tn_verbs_block_t) <= BLOCK_HEAD, "block header");

/* Every error that names a peer makes it unreachable (the caller loses it):
 * the message says so first. */
int tn_verbs_error(tn_verbs_t *tp, const char *what, int peer, const char *detail)
{
    char lost[32] = "", who[32] = "";

    if (peer >= 0) {
        snprintf(lost, sizeof(lost), "lost rank %d: ", peer);
        snprintf(who, sizeof(who), " rank %d", peer);
    }
    return tn_err_set(MPI_ERR_OTHER, "verbs provider (%s port %d), rank %d: %s%s%s failed: %s",
                      tp->choice.dev, tp->choice.port, tp->params.rank, lost, what, who,
                      detail ? detail : "?");
}

int tn_verbs_block_alloc(tn_verbs_t *tp, size_t len, int reg, void **mem, uint32_t *lkey)
{
    tn_verbs_block_t *b;
    void *p;

    if (posix_memalign(&p, BLOCK_HEAD, BLOCK_HEAD + len))
        return TN_ERR_SETMEM("verbs provider: buffers");
    memset(p, 0, BLOCK_HEAD + len);
    b = p;
    b->mr = NULL;
    if (reg && !(b->mr = ibv_reg_mr(tp->pd, (char *)p + BLOCK_HEAD, len,
                                    IBV_ACCESS_LOCAL_WRITE))) {
        int rc = tn_verbs_error(tp, "registering buffers", -1, strerror(errno));
        free(p);
        return rc;
    }
    b->next = tp->blocks;
    tp->blocks = b;
    *mem = (char *)p + BLOCK_HEAD;
    *lkey = b->mr ? b->mr->lkey : 0;
    return MPI_SUCCESS;
}

static void blocks_free(tn_verbs_t *tp)
{
    while (tp->blocks) {
        tn_verbs_block_t *b = tp->blocks;
        tp->blocks = b->next;
        if (b->mr)
            ibv_dereg_mr(b->mr);
        free(b);
    }
}

static int verbs_probe(const char **why)
{
    tn_verbs_choice_t c;

    return tn_verbs_choose(&c, why);
}

/* FNV-1a of the job key. */
static uint32_t cookie_of(const uint8_t *key, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 16777619u;
    return h;
}

static int set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static int min_int(int a, int b)
{
    return a < b ? a : b;
}

/* PD, completion channel, CQ, SRQ and the wait fd, sized from the device. */
static int resources_open(tn_verbs_t *tp)
{
    struct epoll_event ev = {.events = EPOLLIN};
    int peers = tp->params.size > 1 ? tp->params.size - 1 : 1, cqe;

    if (ibv_query_device(tp->ctx, &tp->dattr) ||
        ibv_query_port(tp->ctx, (uint8_t)tp->choice.port, &tp->pattr))
        return tn_verbs_error(tp, "querying the device", -1, strerror(errno));
    tp->window = tn_verbs_window(tp->params.size, (uint32_t)tp->dattr.max_srq_wr);
    tp->srq_cap = tp->window * (uint32_t)peers;
    if (tp->srq_cap > (uint32_t)tp->dattr.max_srq_wr)
        return tn_verbs_error(tp, "sizing the shared receive queue", -1,
                              "the device's SRQ is too small for this many ranks");
    tp->sq_depth = min_int(TN_VERBS_SQ_DEPTH, tp->dattr.max_qp_wr);
    tp->rd_atom = min_int(TN_VERBS_RD_ATOM, min_int(tp->dattr.max_qp_rd_atom,
                                                    tp->dattr.max_qp_init_rd_atom));
    if (tp->rd_atom < 1)
        tp->rd_atom = 1;
    tp->max_msg = tp->pattr.max_msg_sz ? tp->pattr.max_msg_sz : 1u << 30;
    if (tp->set.max_msg && tp->set.max_msg < tp->max_msg)
        tp->max_msg = tp->set.max_msg;
    cqe = min_int(tp->dattr.max_cqe, (int)tp->srq_cap + TN_VERBS_TX_MAX + 16);
    tp->tx_max = cqe - (int)tp->srq_cap - 16;
    if (tp->tx_max < 16)
        return tn_verbs_error(tp, "sizing the completion queue", -1,
                              "the device's CQ is too small for this many ranks");
    if (!(tp->pd = ibv_alloc_pd(tp->ctx)))
        return tn_verbs_error(tp, "allocating a protection domain", -1, strerror(errno));
    if (!(tp->cch = ibv_create_comp_channel(tp->ctx)) || set_nonblock(tp->cch->fd))
        return tn_verbs_error(tp, "creating a completion channel", -1, strerror(errno));
    if (!(tp->cq = ibv_create_cq(tp->ctx, cqe, NULL, tp->cch, 0)))
        return tn_verbs_error(tp, "creating the completion queue", -1, strerror(errno));
    struct ibv_srq_init_attr sa = {.attr = {.max_wr = tp->srq_cap, .max_sge = 1}};
    if (!(tp->srq = ibv_create_srq(tp->pd, &sa)))
        return tn_verbs_error(tp, "creating the shared receive queue", -1, strerror(errno));
    if ((tp->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)
        return tn_verbs_error(tp, "creating the wait fd", -1, strerror(errno));
    ev.data.fd = tp->cch->fd;
    if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, tp->cch->fd, &ev))
        return tn_verbs_error(tp, "watching the completion channel", -1, strerror(errno));
    ev.data.fd = tp->ec->fd;
    if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, tp->ec->fd, &ev))
        return tn_verbs_error(tp, "watching the rdma_cm channel", -1, strerror(errno));
    return MPI_SUCCESS;
}

/* Frees everything open() made, in reverse order; also the failure path. */
static void teardown(tn_verbs_t *tp)
{
    tn_verbs_conn_close(tp);
    if (tp->epfd >= 0)
        close(tp->epfd);
    if (tp->srq)
        ibv_destroy_srq(tp->srq);
    if (tp->cq)
        ibv_destroy_cq(tp->cq);
    if (tp->cch)
        ibv_destroy_comp_channel(tp->cch);
    blocks_free(tp);
    if (tp->pd)
        ibv_dealloc_pd(tp->pd);
    tn_verbs_conn_release(tp);
    free(tp->due);
    free(tp->busy);
    free(tp->peer);
    free(tp);
}

static int verbs_open(const tn_tp_params_t *params, tn_tp_t **out)
{
    tn_verbs_t *tp;
    const char *why;
    int rc;

    if (params->size < 1 || params->rank < 0 || params->rank >= params->size)
        return tn_err_set(MPI_ERR_ARG, "verbs provider: rank %d is not in a world of %d",
                          params->rank, params->size);
    if (!(tp = calloc(1, sizeof(*tp))))
        return TN_ERR_SETMEM("verbs provider: open");
    tp->epfd = -1;
    tp->params = *params;
    tp->peer = calloc((size_t)params->size, sizeof(*tp->peer));
    tp->busy = malloc((size_t)params->size * sizeof(*tp->busy));
    tp->due = malloc((size_t)params->size * sizeof(*tp->due));
    if (!tp->peer || !tp->busy || !tp->due) {
        rc = TN_ERR_SETMEM("verbs provider: open");
        goto fail;
    }
    tn_verbs_settings(&tp->set);
    if (!tn_verbs_choose(&tp->choice, &why)) {
        rc = tn_err_set(MPI_ERR_OTHER, "verbs provider: %s", why);
        goto fail;
    }
    tp->cookie = cookie_of(params->job_key, params->job_key_len);
    if ((rc = tn_verbs_conn_open(tp)) != MPI_SUCCESS || (rc = resources_open(tp)) != MPI_SUCCESS)
        goto fail;
    tp->msg_max = sizeof(tn_verbs_wire_t) + TN_VERBS_HDR_MAX + tp->set.eager_max;
    tp->base.ops = &tn_verbs_ops;
    tp->base.caps = TN_TP_CAP_GET;
    tp->base.eager_max = tp->set.eager_max;
    tp->base.hdr_max = TN_VERBS_HDR_MAX;
    tp->base.wait_fd = tp->epfd;
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: verbs provider: %s; window %u, SRQ %u, SQ %d, "
                        "RDMA READ pieces of %zu bytes, %d reads in flight per QP\n",
                params->rank, why, tp->window, tp->srq_cap, tp->sq_depth, tp->max_msg,
                tp->rd_atom);
    *out = &tp->base;
    return MPI_SUCCESS;
fail:
    teardown(tp);
    return rc;
}

/* ---- completions ---------------------------------------------------------- */

/* One send-queue completion (send, inline send or read). */
static void sq_complete(tn_verbs_t *tp, const struct ibv_wc *wc)
{
    tn_verbs_op_t *op = (wc->wr_id & 1) ? NULL : (tn_verbs_op_t *)(uintptr_t)wc->wr_id;
    int peer = op ? op->peer : (int)(wc->wr_id >> 1), status = MPI_SUCCESS;

    tp->peer[peer].sq_used--;
    tp->tx_inflight--;
    if (wc->status != IBV_WC_SUCCESS) {
        int reading = op && op->ctx.kind == TN_VERBS_READ;
        status = tp->peer[peer].lost
                     ? tp->peer[peer].lost
                     : tn_verbs_error(tp, reading ? "reading the memory of" : "sending to", peer,
                                      ibv_wc_status_str(wc->status));
    }
    if (op && op->ctx.kind == TN_VERBS_READ) {
        if (status != MPI_SUCCESS)
            tn_verbs_peer_lost(tp, peer, status);
        tn_verbs_read_done(tp, op, status);
    } else {
        tn_verbs_tx_done(tp, op, peer, status);
    }
}

int tn_verbs_cq_poll(tn_verbs_t *tp, int *events)
{
    struct ibv_wc wc[TN_VERBS_CQ_BATCH];
    int err = MPI_SUCCESS, n;

    do {
        if ((n = ibv_poll_cq(tp->cq, TN_VERBS_CQ_BATCH, wc)) < 0)
            return tn_verbs_error(tp, "polling the completion queue", -1, "ibv_poll_cq");
        for (int i = 0; i < n; i++) {
            int rc = MPI_SUCCESS;
            if (!(wc[i].wr_id & 1) &&
                ((tn_verbs_ctx_t *)(uintptr_t)wc[i].wr_id)->kind == TN_VERBS_RX)
                rc = tn_verbs_rx_done(tp, (tn_verbs_rx_t *)(uintptr_t)wc[i].wr_id, &wc[i]);
            else
                sq_complete(tp, &wc[i]);
            if (rc != MPI_SUCCESS && err == MPI_SUCCESS)
                err = rc;
        }
        *events += n;
    } while (n == TN_VERBS_CQ_BATCH);
    return err;
}

/* Takes the completion channel's event, if any (it stays readable until then). */
static void cq_event_take(tn_verbs_t *tp)
{
    struct ibv_cq *cq;
    void *ctx;

    if (tp->armed && ibv_get_cq_event(tp->cch, &cq, &ctx) == 0) {
        ibv_ack_cq_events(cq, 1);
        tp->armed = 0;
    }
}

/* rdma_cm events (connections) are rare next to completions: they are read
 * on idle passes and every TN_VERBS_CM_EVERY-th pass, not on every one. */
#define TN_VERBS_CM_EVERY 64

static int progress_once(tn_verbs_t *tp, int *events)
{
    int rc = tn_verbs_cq_poll(tp, events), r2;

    if (*events == 0 || ++tp->cm_tick % TN_VERBS_CM_EVERY == 0) {
        r2 = tn_verbs_cm_poll(tp, events);
        rc = rc != MPI_SUCCESS ? rc : r2;
    }
    if (tp->nbusy || tp->ndue) {
        r2 = tn_verbs_queue_drain(tp);
        rc = rc != MPI_SUCCESS ? rc : r2;
    }
    if (*events == 0) { /* before the engine sleeps: the channel must fire */
        cq_event_take(tp);
        if (!tp->armed && ibv_req_notify_cq(tp->cq, 0) == 0)
            tp->armed = 1;
        r2 = tn_verbs_cq_poll(tp, events); /* what arrived before arming */
        rc = rc != MPI_SUCCESS ? rc : r2;
    }
    return rc;
}

static int verbs_progress(tn_tp_t *base)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;
    int events = 0, rc;

    if (tp->in_progress) /* from inside a handler: the outer call goes on */
        return 0;
    tp->in_progress = 1;
    rc = progress_once(tp, &events);
    tp->in_progress = 0;
    return rc != MPI_SUCCESS ? -rc : events;
}

static int verbs_flush(tn_tp_t *base)
{
    const tn_verbs_t *tp = (const tn_verbs_t *)base;

    return !tp->nbusy && tp->tx_inflight == 0;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether close need wait no longer for peer: our BYE is out (everything
 * sent to it has completed), or it has closed itself. */
static int peer_done(const tn_verbs_peer_t *p)
{
    return p->state != TN_VERBS_P_UP || p->bye || (!p->qhead && p->sq_used == 0);
}

/* See verbs.h: BYE to every connected peer that has not closed, then wait
 * (bounded) until they are out. */
static void bye(tn_verbs_t *tp)
{
    long long deadline = now_ms() + TN_VERBS_BYE_WAIT_MS;
    int left;

    for (int r = 0; r < tp->params.size; r++) {
        tn_verbs_peer_t *p = &tp->peer[r];
        int rc = p->state == TN_VERBS_P_UP && !p->bye ? tn_verbs_send_bye(tp, r) : MPI_SUCCESS;
        if (rc != MPI_SUCCESS)
            tn_verbs_peer_lost(tp, r, rc);
    }
    for (;;) {
        int events = 0;
        left = 0;
        for (int r = 0; r < tp->params.size; r++)
            left += !peer_done(&tp->peer[r]);
        if (!left || now_ms() >= deadline)
            break;
        progress_once(tp, &events);
        if (!events)
            sched_yield();
    }
    if (tn_config.debug && left)
        fprintf(stderr, "[tern] rank %d: verbs provider closing with %d peer(s) unfinished\n",
                tp->params.rank, left);
}

static void verbs_close(tn_tp_t *base)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;

    tp->in_progress = 1; /* handlers calling progress from here on find nothing to do */
    tp->closing = 1;
    bye(tp);
    cq_event_take(tp);
    teardown(tp);
}

const tn_transport_ops_t tn_verbs_ops = {
    .name = "verbs",
    .probe = verbs_probe,
    .describe = tn_verbs_describe,
    .open = verbs_open,
    .close = verbs_close,
    .addr = tn_verbs_addr,
    .am_send = tn_verbs_am_send,
    .progress = verbs_progress,
    .flush = verbs_flush,
    .mem_reg = tn_verbs_mem_reg,
    .mem_dereg = tn_verbs_mem_dereg,
    .get = tn_verbs_get,
};
