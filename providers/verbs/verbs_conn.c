/* verbs provider: connections through librdmacm. The listening id, lazy
 * connects and their handshake, the resolution of simultaneous connects
 * (see verbs.h), disconnects and lost peers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "core/error.h"
#include "core/progress.h"
#include "providers/verbs/verbs.h"

static void *ctx_of(int peer)
{
    return (void *)(intptr_t)(peer + 1);
}

static int peer_of(const struct rdma_cm_id *id)
{
    return (int)(intptr_t)id->context - 1;
}

int tn_verbs_conn_open(tn_verbs_t *tp)
{
    struct sockaddr_storage ss = tp->choice.ip;
    char where[80];
    int flags;

    tn_verbs_sockaddr_str((struct sockaddr *)&ss, where, sizeof(where));
    if (!(tp->ec = rdma_create_event_channel()))
        return tn_verbs_error(tp, "creating an rdma_cm event channel", -1, strerror(errno));
    flags = fcntl(tp->ec->fd, F_GETFL);
    if (flags < 0 || fcntl(tp->ec->fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return tn_verbs_error(tp, "making the rdma_cm channel non-blocking", -1, strerror(errno));
    if (rdma_create_id(tp->ec, &tp->listen, NULL, RDMA_PS_TCP))
        return tn_verbs_error(tp, "creating the listening rdma_cm id", -1, strerror(errno));
    if (rdma_bind_addr(tp->listen, (struct sockaddr *)&ss) || rdma_listen(tp->listen, 1024)) {
        char detail[160];
        snprintf(detail, sizeof(detail), "%s on %s", strerror(errno), where);
        return tn_verbs_error(tp, "listening with rdma_cm", -1, detail);
    }
    if (!tp->listen->verbs ||
        strcmp(ibv_get_device_name(tp->listen->verbs->device), tp->choice.dev) != 0)
        return tn_verbs_error(tp, "binding rdma_cm to the device's address", -1,
                              "the address belongs to another device");
    memcpy(&tp->bound, rdma_get_local_addr(tp->listen), sizeof(struct sockaddr_in6));
    tp->ctx = tp->listen->verbs;
    return MPI_SUCCESS;
}

static void peer_teardown(tn_verbs_peer_t *p)
{
    if (!p->id)
        return;
    if (p->id->qp)
        rdma_destroy_qp(p->id);
    rdma_destroy_id(p->id);
    p->id = NULL;
}

void tn_verbs_conn_close(tn_verbs_t *tp)
{
    for (int r = 0; tp->peer && r < tp->params.size; r++)
        peer_teardown(&tp->peer[r]);
}

void tn_verbs_conn_release(tn_verbs_t *tp)
{
    if (tp->listen)
        rdma_destroy_id(tp->listen);
    tp->listen = NULL;
    if (tp->ec)
        rdma_destroy_event_channel(tp->ec);
    tp->ec = NULL;
}

int tn_verbs_addr(tn_tp_t *base, void *buf, size_t *len)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;

    if (!tn_verbs_addr_encode((struct sockaddr *)&tp->bound, buf, len))
        return tn_verbs_error(tp, "encoding the address blob", -1, "unknown address family");
    return MPI_SUCCESS;
}

/* Ends peer's connection: its QP goes to the error state, so that what is in
 * flight on it completes (flushed) instead of waiting on a peer that may be
 * gone; rdma_disconnect also answers or sends the disconnect request. */
static void qp_flush(tn_verbs_peer_t *p)
{
    struct ibv_qp_attr a = {.qp_state = IBV_QPS_ERR};

    if (p->id && p->id->qp && rdma_disconnect(p->id))
        ibv_modify_qp(p->id->qp, &a, IBV_QP_STATE);
}

void tn_verbs_peer_lost(tn_verbs_t *tp, int peer, int code)
{
    tn_verbs_peer_t *p = &tp->peer[peer];
    tn_verbs_op_t *op;

    if (p->state == TN_VERBS_P_LOST)
        return;
    p->state = TN_VERBS_P_LOST;
    p->lost = code;
    qp_flush(p);
    if (!p->bye && !tp->closing)
        tn_progress_peer_lost(peer, code);
    while ((op = p->qhead)) {
        p->qhead = op->next;
        if (op->ctx.kind == TN_VERBS_READ)
            tn_verbs_read_done(tp, op, code);
        else
            tn_verbs_op_put(tp, op);
    }
    p->qtail = NULL;
}

/* Creates the QP of a connection on id, after the peer's window is posted. */
static int qp_create(tn_verbs_t *tp, struct rdma_cm_id *id, int peer)
{
    struct ibv_qp_init_attr a;
    uint32_t inl = tp->inline_known ? tp->inline_max : TN_VERBS_INLINE_WANT;
    int rc;

    if (id->verbs != tp->ctx)
        return tn_verbs_error(tp, "connecting to", peer,
                              "rdma_cm reaches it through another device");
    if ((rc = tn_verbs_rx_share(tp, peer)) != MPI_SUCCESS)
        return rc;
    for (;;) {
        memset(&a, 0, sizeof(a));
        a.send_cq = a.recv_cq = tp->cq;
        a.srq = tp->srq;
        a.qp_type = IBV_QPT_RC;
        a.cap.max_send_wr = (uint32_t)tp->sq_depth;
        a.cap.max_send_sge = 1;
        a.cap.max_inline_data = inl;
        if (rdma_create_qp(id, tp->pd, &a) == 0)
            break;
        if (inl == 0 || tp->inline_known)
            return tn_verbs_error(tp, "creating a queue pair for", peer, strerror(errno));
        inl = inl > 64 ? inl / 2 : 0; /* the device offers less inline data */
    }
    if (!tp->inline_known) {
        tp->inline_max = a.cap.max_inline_data < inl ? a.cap.max_inline_data : inl;
        tp->inline_known = 1;
    }
    tp->peer[peer].sq_used = 0;
    tp->peer[peer].tx_seq = tp->peer[peer].rx_seq = 0;
    tn_verbs_credit_init(&tp->peer[peer].cr, tp->window);
    return MPI_SUCCESS;
}

static struct rdma_conn_param conn_param(const tn_verbs_t *tp, const void *pd, uint8_t pd_len)
{
    struct rdma_conn_param cp = {
        .private_data = pd,
        .private_data_len = pd_len,
        .responder_resources = (uint8_t)tp->rd_atom,
        .initiator_depth = (uint8_t)tp->rd_atom,
        .retry_count = 7,
        .rnr_retry_count = 7, /* never fail on RNR; credits keep it from happening */
    };
    return cp;
}

int tn_verbs_connect(tn_verbs_t *tp, int peer)
{
    tn_verbs_peer_t *p = &tp->peer[peer];
    uint8_t blob[TN_TP_ADDR_MAX];
    size_t len = sizeof(blob);
    struct sockaddr_storage dst, src = tp->choice.ip;
    struct rdma_cm_id *id;
    int rc = tp->params.peer_addr(tp->params.peer_addr_arg, peer, blob, &len);

    if (rc != MPI_SUCCESS)
        return rc;
    if (!tn_verbs_addr_decode(blob, len, &dst))
        return tn_err_set(MPI_ERR_OTHER, "verbs provider: rank %d published a malformed "
                                         "address (%zu bytes)", peer, len);
    if (rdma_create_id(tp->ec, &id, ctx_of(peer), RDMA_PS_TCP))
        return tn_verbs_error(tp, "creating an rdma_cm id for", peer, strerror(errno));
    if (rdma_resolve_addr(id, (struct sockaddr *)&src, (struct sockaddr *)&dst,
                          TN_VERBS_CM_TIMEOUT_MS)) {
        rc = tn_verbs_error(tp, "resolving the address of", peer, strerror(errno));
        rdma_destroy_id(id);
        return rc;
    }
    p->id = id;
    p->state = TN_VERBS_P_CONNECTING;
    return MPI_SUCCESS;
}

/* An event of our own attempt: address, route, established or refused. */
static int on_connect_step(tn_verbs_t *tp, struct rdma_cm_id *id, enum rdma_cm_event_type ev,
                           const tn_verbs_reject_t *rej)
{
    int peer = peer_of(id);
    tn_verbs_peer_t *p = &tp->peer[peer];
    tn_verbs_hello_t hello = {.magic = TN_VERBS_HELLO_MAGIC,
                              .cookie = tp->cookie,
                              .from_rank = tp->params.rank,
                              .to_rank = peer};
    struct rdma_conn_param cp;
    int rc;

    switch (ev) {
    case RDMA_CM_EVENT_ADDR_RESOLVED:
        if (rdma_resolve_route(id, TN_VERBS_CM_TIMEOUT_MS))
            return tn_verbs_error(tp, "resolving the route to", peer, strerror(errno));
        return MPI_SUCCESS;
    case RDMA_CM_EVENT_ROUTE_RESOLVED:
        if ((rc = qp_create(tp, id, peer)) != MPI_SUCCESS)
            return rc;
        cp = conn_param(tp, &hello, sizeof(hello));
        if (rdma_connect(id, &cp))
            return tn_verbs_error(tp, "connecting to", peer, strerror(errno));
        return MPI_SUCCESS;
    case RDMA_CM_EVENT_REJECTED:
        /* Without the reason (private data lost), a lower rank refusing us
         * is taken for a lost race: its connection is on its way. */
        if ((rej && rej->reason == TN_VERBS_REJ_RACE) || (!rej && peer < tp->params.rank)) {
            peer_teardown(p);
            p->state = TN_VERBS_P_WAITING;
            return MPI_SUCCESS;
        }
        return tn_verbs_error(tp, "connecting to", peer,
                              "refused (another job's rank at that address?)");
    default:
        return tn_verbs_error(tp, "connecting to", peer, rdma_event_str(ev));
    }
}

/* A connection request: accept it, or refuse it (see verbs.h). */
static void on_request(tn_verbs_t *tp, struct rdma_cm_id *id, const void *pd, size_t pd_len,
                       const struct rdma_conn_param *req)
{
    tn_verbs_reject_t rej = {.magic = TN_VERBS_HELLO_MAGIC, .reason = TN_VERBS_REJ_BAD};
    tn_verbs_hello_t h;
    tn_verbs_peer_t *p;
    struct rdma_conn_param cp;
    int peer, rc;

    if (pd_len < sizeof(h) || tp->closing)
        goto refuse;
    memcpy(&h, pd, sizeof(h));
    if (h.magic != TN_VERBS_HELLO_MAGIC || h.cookie != tp->cookie ||
        h.to_rank != tp->params.rank || h.from_rank < 0 || h.from_rank >= tp->params.size ||
        h.from_rank == tp->params.rank)
        goto refuse;
    peer = h.from_rank;
    p = &tp->peer[peer];
    if (tp->params.rank < peer && p->state != TN_VERBS_P_NONE) {
        rej.reason = TN_VERBS_REJ_RACE;
        goto refuse;
    }
    if (p->state != TN_VERBS_P_NONE && p->state != TN_VERBS_P_CONNECTING &&
        p->state != TN_VERBS_P_WAITING)
        goto refuse;
    peer_teardown(p); /* our own attempt, if any: the lower rank's wins */
    id->context = ctx_of(peer);
    if ((rc = qp_create(tp, id, peer)) != MPI_SUCCESS) {
        tn_verbs_peer_lost(tp, peer, rc);
        goto refuse;
    }
    cp = conn_param(tp, NULL, 0);
    if (req->initiator_depth < cp.responder_resources)
        cp.responder_resources = req->initiator_depth;
    if (req->responder_resources < cp.initiator_depth)
        cp.initiator_depth = req->responder_resources;
    if (rdma_accept(id, &cp)) {
        tn_verbs_peer_lost(tp, peer, tn_verbs_error(tp, "accepting the connection of", peer,
                                                    strerror(errno)));
        rdma_destroy_qp(id);
        rdma_destroy_id(id);
        return;
    }
    p->id = id;
    p->state = TN_VERBS_P_ACCEPTED;
    return;
refuse:
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: verbs provider refused a connection (%s)\n",
                tp->params.rank, rej.reason == TN_VERBS_REJ_RACE ? "ours wins" : "not ours");
    rdma_reject(id, &rej, sizeof(rej));
    if (id->qp)
        rdma_destroy_qp(id);
    rdma_destroy_id(id);
}

static void on_established(tn_verbs_t *tp, int peer)
{
    tn_verbs_peer_t *p = &tp->peer[peer];

    p->state = TN_VERBS_P_UP;
    if (p->qhead && !p->busy) {
        p->busy = 1;
        tp->busy[tp->nbusy++] = peer;
    }
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: verbs connection to rank %d up (inline %u)\n",
                tp->params.rank, peer, tp->inline_max);
}

/* The peer disconnected: after its BYE that is the end, else it is lost. */
static void on_disconnect(tn_verbs_t *tp, int peer)
{
    int events = 0;

    tn_verbs_cq_poll(tp, &events); /* its BYE may be waiting there */
    if (tp->peer[peer].bye || tp->closing) {
        tp->peer[peer].state = TN_VERBS_P_LOST;
        tp->peer[peer].lost = tn_err_set(MPI_ERR_OTHER, "verbs provider: rank %d has closed",
                                         peer);
        qp_flush(&tp->peer[peer]);
        return;
    }
    tn_verbs_peer_lost(tp, peer, tn_verbs_error(tp, "the connection to", peer,
                                                "it disconnected without saying goodbye "
                                                "(did the process die?)"));
}

int tn_verbs_cm_poll(tn_verbs_t *tp, int *events)
{
    struct rdma_cm_event *e;

    while (rdma_get_cm_event(tp->ec, &e) == 0) {
        enum rdma_cm_event_type ev = e->event;
        struct rdma_cm_id *id = e->id;
        struct rdma_conn_param req = e->param.conn;
        uint8_t pd[64];
        size_t pd_len = req.private_data ? req.private_data_len : 0;
        tn_verbs_reject_t rej;
        int have_rej, peer;

        if (pd_len > sizeof(pd))
            pd_len = sizeof(pd);
        if (pd_len)
            memcpy(pd, req.private_data, pd_len);
        have_rej = pd_len >= sizeof(rej);
        if (have_rej)
            memcpy(&rej, pd, sizeof(rej));
        have_rej = have_rej && rej.magic == TN_VERBS_HELLO_MAGIC;
        rdma_ack_cm_event(e);
        ++*events;
        if (tn_config.debug)
            fprintf(stderr, "[tern] rank %d: verbs rdma_cm event %s (rank %d)\n",
                    tp->params.rank, rdma_event_str(ev), id == tp->listen ? -1 : peer_of(id));
        if (ev == RDMA_CM_EVENT_CONNECT_REQUEST) {
            on_request(tp, id, pd, pd_len, &req);
            continue;
        }
        if (ev == RDMA_CM_EVENT_DEVICE_REMOVAL) {
            for (int r = 0; r < tp->params.size; r++)
                tn_verbs_peer_lost(tp, r, tn_verbs_error(tp, "the device", -1, "removed"));
            continue;
        }
        if (id == tp->listen || peer_of(id) < 0 || peer_of(id) >= tp->params.size)
            continue;
        peer = peer_of(id);
        if (tp->peer[peer].id != id) /* an attempt given up on */
            continue;
        switch (ev) {
        case RDMA_CM_EVENT_ESTABLISHED:
            on_established(tp, peer);
            break;
        case RDMA_CM_EVENT_DISCONNECTED:
            on_disconnect(tp, peer);
            break;
        case RDMA_CM_EVENT_TIMEWAIT_EXIT:
        case RDMA_CM_EVENT_ADDR_CHANGE:
            break;
        default:
            if (tp->peer[peer].state == TN_VERBS_P_CONNECTING) {
                int rc = on_connect_step(tp, id, ev, have_rej ? &rej : NULL);
                if (rc != MPI_SUCCESS)
                    tn_verbs_peer_lost(tp, peer, rc);
            } else if (tp->peer[peer].state == TN_VERBS_P_ACCEPTED) {
                tn_verbs_peer_lost(tp, peer, tn_verbs_error(tp, "accepting the connection of",
                                                            peer, rdma_event_str(ev)));
            }
            break;
        }
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return tn_verbs_error(tp, "reading rdma_cm events", -1, strerror(errno));
    return MPI_SUCCESS;
}
