/* Entry points of point-to-point messaging: send and receive requests,
 * probes, cancel, and the active-message handler table. The protocol is
 * chosen per message from the transport's eager limit. */
#include <stddef.h>
#include <stdlib.h>
#include "core/error.h"
#include "core/progress.h"
#include "p2p/proto.h"

const tn_am_handler_t tn_p2p_handlers[TN_AM_MAX] = {
    [TN_AM_EAGER] = {.deliver = tn_eager_arrived},
    [TN_AM_RTS] = {.deliver = tn_rndv_rts_arrived},
    [TN_AM_CTS] = {.deliver = tn_rndv_cts_arrived},
    [TN_AM_DATA] = {.deliver = tn_rndv_data_arrived, .place = tn_rndv_data_place},
    [TN_AM_FIN] = {.deliver = tn_rget_fin_arrived},
    [TN_AM_SYNC_ACK] = {.deliver = tn_eager_sync_ack},
};

static tn_request_t *request_new(enum tn_req_kind kind, void *buf, MPI_Aint count,
                                 tn_datatype_t *dt, int peer, int tag, tn_comm_t *comm,
                                 int ctx_off)
{
    tn_request_t *r = tn_request_alloc(kind);
    if (!r)
        return NULL;
    r->buf = buf;
    r->count = count;
    r->dt = tn_datatype_ref(dt);
    r->peer = peer;
    r->tag = tag;
    r->comm = comm;
    comm->refs++;
    r->ctx_off = ctx_off;
    r->context_id = (uint16_t)(comm->context_id + ctx_off);
    r->bytes = (size_t)dt->size * (size_t)count;
    return r;
}

int tn_p2p_isend(const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest, int tag,
                 tn_comm_t *comm, int ctx_off, int mode, tn_request_t **req)
{
    tn_request_t *r = request_new(TN_REQ_SEND, (void *)buf, count, dt, dest, tag, comm, ctx_off);
    if (!r)
        return TN_ERR_SETMEM("send");
    r->mode = mode;
    if (dest == MPI_PROC_NULL) {
        tn_status_set_empty(&r->status);
        r->done = 1;
        *req = r;
        return MPI_SUCCESS;
    }
    r->peer_world = tn_comm_world_rank(comm, dest);
    tn_tp_t *tp;
    int rc = tn_p2p_lost(r->peer_world);
    if (rc || (rc = tn_transport_for(r->peer_world, &tp)))
        goto fail;
    tn_p2p_match_hdr_t hdr = {
        .tag = tag,
        .src = comm->rank,
        .context_id = r->context_id,
        .flags = mode == TN_SEND_SYNC ? TN_P2P_FLAG_SYNC : 0,
        .size = r->bytes,
        .sreq = tn_p2p_id(r),
    };
    if (r->bytes <= tp->eager_max)
        rc = tn_eager_send(r, tp, &hdr);
    else if (tp->caps & TN_TP_CAP_GET)
        rc = tn_rget_send(r, tp, &hdr);
    else
        rc = tn_rndv_send(r, tp, &hdr);
    if (rc)
        goto fail;
    *req = r;
    return MPI_SUCCESS;
fail:
    tn_p2p_unwait(r, 0);
    tn_request_free(r);
    return rc;
}

int tn_p2p_irecv(void *buf, MPI_Aint count, tn_datatype_t *dt, int src, int tag, tn_comm_t *comm,
                 int ctx_off, tn_request_t **req)
{
    tn_request_t *r = request_new(TN_REQ_RECV, buf, count, dt, src, tag, comm, ctx_off);
    if (!r)
        return TN_ERR_SETMEM("receive");
    *req = r;
    if (src == MPI_PROC_NULL) {
        tn_status_set_empty(&r->status);
        r->done = 1;
        return MPI_SUCCESS;
    }
    int rc;
    struct tn_p2p_msg *m = tn_match_unexpected(r->context_id, src, tag, 1);
    if (m) {
        tn_p2p_recv_matched(r, m);
    } else if (src >= 0 && (rc = tn_p2p_lost(tn_comm_world_rank(comm, src)))) {
        r->status.MPI_ERROR = rc;
        tn_request_complete(r);
    } else {
        tn_match_post(r);
    }
    return MPI_SUCCESS;
}

static void status_from_msg(MPI_Status *st, const struct tn_p2p_msg *m)
{
    st->MPI_SOURCE = m->hdr.src;
    st->MPI_TAG = m->hdr.tag;
    st->count_hi_and_cancelled = 0;
    tn_status_set_count(st, (MPI_Count)m->hdr.size);
}

int tn_p2p_iprobe(int src, int tag, tn_comm_t *comm, int ctx_off, int *flag, MPI_Status *status)
{
    if (src == MPI_PROC_NULL) {
        if (status != MPI_STATUS_IGNORE)
            tn_status_set_empty(status);
        *flag = 1;
        return MPI_SUCCESS;
    }
    int n = tn_progress_poll();
    if (n < 0)
        return -n;
    struct tn_p2p_msg *m = tn_match_unexpected((uint16_t)(comm->context_id + ctx_off), src, tag, 0);
    *flag = m != NULL;
    if (m && status != MPI_STATUS_IGNORE)
        status_from_msg(status, m);
    return MPI_SUCCESS;
}

int tn_p2p_improbe(int src, int tag, tn_comm_t *comm, int *flag, tn_p2p_msg_t **msg,
                   MPI_Status *status)
{
    if (src == MPI_PROC_NULL) {
        if (status != MPI_STATUS_IGNORE)
            tn_status_set_empty(status);
        *msg = NULL;
        *flag = 1;
        return MPI_SUCCESS;
    }
    int n = tn_progress_poll();
    if (n < 0)
        return -n;
    struct tn_p2p_msg *m = tn_match_unexpected((uint16_t)(comm->context_id + TN_CTX_P2P), src,
                                               tag, 1);
    *flag = m != NULL;
    if (m) {
        *msg = m;
        if (status != MPI_STATUS_IGNORE)
            status_from_msg(status, m);
    }
    return MPI_SUCCESS;
}

int tn_p2p_imrecv(void *buf, MPI_Aint count, tn_datatype_t *dt, tn_p2p_msg_t *msg,
                  tn_comm_t *comm, tn_request_t **req)
{
    int src = msg ? msg->hdr.src : MPI_PROC_NULL;
    int tag = msg ? msg->hdr.tag : MPI_ANY_TAG;
    tn_request_t *r = request_new(TN_REQ_RECV, buf, count, dt, src, tag, comm, TN_CTX_P2P);
    if (!r)
        return TN_ERR_SETMEM("MPI_Mrecv");
    *req = r;
    if (!msg) {
        tn_status_set_empty(&r->status);
        r->done = 1;
        return MPI_SUCCESS;
    }
    tn_p2p_recv_matched(r, msg);
    return MPI_SUCCESS;
}

int tn_p2p_cancel(tn_request_t *r)
{
    if (r->kind != TN_REQ_RECV || r->done || !tn_match_cancel(r))
        return MPI_SUCCESS;
    tn_status_set_empty(&r->status);
    r->status.MPI_SOURCE = r->peer;
    r->status.MPI_TAG = r->tag;
    tn_status_set_cancelled(&r->status, 1);
    tn_request_complete(r);
    return MPI_SUCCESS;
}

void tn_p2p_recv_matched(tn_request_t *r, struct tn_p2p_msg *m)
{
    if (m->am_id == TN_AM_EAGER)
        tn_p2p_recv_eager(r, &m->hdr, m->peer_world, m->data, m->hdr.size);
    else
        tn_p2p_recv_rts(r, &m->hdr, m->peer_world, m->data, m->rkey_len);
    free(m);
}

void tn_p2p_recv_status(tn_request_t *r, const tn_p2p_match_hdr_t *hdr)
{
    r->status.MPI_SOURCE = hdr->src;
    r->status.MPI_TAG = hdr->tag;
    if (hdr->size > r->bytes) {
        r->status.MPI_ERROR = tn_err_set(
            MPI_ERR_TRUNCATE,
            "message truncated: %llu bytes from rank %d (tag %d) do not fit the receive buffer "
            "of %zu bytes (%lld elements)",
            (unsigned long long)hdr->size, hdr->src, hdr->tag, r->bytes, (long long)r->count);
        tn_status_set_count(&r->status, (MPI_Count)r->bytes);
    } else {
        tn_status_set_count(&r->status, (MPI_Count)hdr->size);
    }
}

void tn_p2p_send_ctrl(int peer_world, unsigned am_id, const void *hdr, size_t len)
{
    tn_tp_t *tp;
    int rc = tn_transport_for(peer_world, &tp);
    if (!rc)
        rc = tp->ops->am_send(tp, peer_world, am_id, hdr, len, NULL, 0, NULL);
    if (rc)
        tn_progress_peer_lost(peer_world, rc);
}

void tn_p2p_send_progress(tn_request_t *r, int status)
{
    if (status && !r->status.MPI_ERROR)
        r->status.MPI_ERROR = status;
    if (--r->pending == 0)
        tn_request_complete(r);
}

/* DESIGN: a blocking standard send of contiguous data that fits the eager
 * limit needs no request: the transport copies it or queues it, and only its
 * completion is waited for. The completion lives on a free list, not on the
 * stack, so that a wait that fails (and returns) leaves the transport a valid
 * one to complete later. */
typedef struct tn_p2p_quick {
    tn_tp_completion_t comp;
    int done, status, orphan;
    struct tn_p2p_quick *next;
} tn_p2p_quick_t;

static tn_p2p_quick_t *quick_free;

static void quick_release(tn_p2p_quick_t *q)
{
    q->next = quick_free;
    quick_free = q;
}

static void quick_done(tn_tp_completion_t *c, int status)
{
    tn_p2p_quick_t *q = (tn_p2p_quick_t *)c;
    q->status = status;
    q->done = 1;
    if (q->orphan)
        quick_release(q);
}

static int quick_finished(void *arg)
{
    return ((tn_p2p_quick_t *)arg)->done;
}

static int quick_send(const void *data, size_t bytes, int tag, tn_comm_t *comm, int ctx_off,
                      int peer_world, tn_tp_t *tp)
{
    tn_p2p_quick_t *q = quick_free;
    if (q)
        quick_free = q->next;
    else if (!(q = malloc(sizeof(*q))))
        return TN_ERR_SETMEM("send");
    *q = (tn_p2p_quick_t){.comp.cb = quick_done};
    tn_p2p_match_hdr_t hdr = {
        .tag = tag,
        .src = comm->rank,
        .context_id = (uint16_t)(comm->context_id + ctx_off),
        .size = bytes,
    };
    struct iovec iov = {(void *)data, bytes};
    int rc = tp->ops->am_send(tp, peer_world, TN_AM_EAGER, &hdr, sizeof(hdr), &iov,
                              bytes ? 1 : 0, &q->comp);
    if (!rc && !q->done)
        rc = tn_progress_wait(quick_finished, q);
    if (!rc || q->done) {
        rc = rc ? rc : q->status;
        quick_release(q);
    } else {
        q->orphan = 1; /* the transport still holds it */
    }
    return rc;
}

int tn_p2p_send(const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest, int tag,
                tn_comm_t *comm, int ctx_off)
{
    const void *start;
    tn_tp_t *tp;
    if (dest != MPI_PROC_NULL && tn_dtype_is_contig(dt, count, buf, &start)) {
        int peer_world = tn_comm_world_rank(comm, dest);
        size_t bytes = (size_t)dt->size * (size_t)count;
        int lost = tn_p2p_lost(peer_world);
        if (lost)
            return lost;
        if (tn_transport_for(peer_world, &tp) == MPI_SUCCESS && bytes <= tp->eager_max)
            return quick_send(start, bytes, tag, comm, ctx_off, peer_world, tp);
    }
    tn_request_t *r;
    int rc = tn_p2p_isend(buf, count, dt, dest, tag, comm, ctx_off, TN_SEND_STD, &r);
    return rc ? rc : tn_request_wait(r, MPI_STATUS_IGNORE);
}

int tn_p2p_recv(void *buf, MPI_Aint count, tn_datatype_t *dt, int src, int tag, tn_comm_t *comm,
                int ctx_off, MPI_Status *status)
{
    tn_request_t *r;
    int rc = tn_p2p_irecv(buf, count, dt, src, tag, comm, ctx_off, &r);
    return rc ? rc : tn_request_wait(r, status);
}

void tn_p2p_finalize(void)
{
    tn_p2p_lost_finalize();
    tn_match_finalize();
}
