/* The rendezvous-get protocol, for providers that can read a peer's memory
 * (TN_TP_CAP_GET: RDMA READ, fi_read, process_vm_readv): the RTS carries the
 * sender's registered buffer; the receiver, once matched, reads the payload
 * straight into the user buffer and sends FIN, which completes the send. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "p2p/proto.h"

static tn_request_t *from_comp(tn_tp_completion_t *c)
{
    return (tn_request_t *)((char *)c - offsetof(tn_request_t, comp));
}

int tn_rget_send(tn_request_t *r, tn_tp_t *tp, tn_p2p_match_hdr_t *hdr)
{
    unsigned char rts[sizeof(*hdr) + TN_TP_RKEY_MAX];
    size_t rkey_len = TN_TP_RKEY_MAX;
    struct iovec iov;
    int rc = tn_p2p_payload(r, &iov);
    if (rc)
        return rc;
    rc = tp->ops->mem_reg(tp, iov.iov_base, iov.iov_len, &r->mr, rts + sizeof(*hdr), &rkey_len);
    if (rc)
        return rc;
    hdr->flags |= TN_P2P_FLAG_GET;
    memcpy(rts, hdr, sizeof(*hdr));
    tn_p2p_wait_peer(r, TN_P2P_WAIT_CTS);
    r->pending = 1; /* FIN */
    rc = tp->ops->am_send(tp, r->peer_world, TN_AM_RTS, rts, sizeof(*hdr) + rkey_len, NULL, 0,
                          NULL);
    if (rc) {
        tp->ops->mem_dereg(tp, r->mr);
        r->mr = NULL;
    }
    return rc;
}

void tn_rget_fin_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                         size_t len)
{
    tn_request_t *r = tn_p2p_req(tn_p2p_hdr_id(hdr));
    (void)arg, (void)peer, (void)hdr_len, (void)data, (void)len;
    tn_p2p_unwait(r, 0);
    tn_rget_dereg(r);
    tn_p2p_send_progress(r, MPI_SUCCESS);
}

void tn_rget_dereg(tn_request_t *r)
{
    tn_tp_t *tp;
    if (r->mr && tn_transport_for(r->peer_world, &tp) == MPI_SUCCESS)
        tp->ops->mem_dereg(tp, r->mr);
    r->mr = NULL;
}

/* The read has landed: unpack if it went to a bounce buffer, tell the sender. */
static void rget_finish(tn_request_t *r, int status)
{
    tn_p2p_id_hdr_t fin = {.req = r->remote_id};
    tn_rget_dereg(r);
    if (status) {
        r->status.MPI_ERROR = status;
    } else if (r->tmp) {
        tn_dtype_unpack(r->dt, r->buf, r->count, 0, r->tmp, tn_p2p_landing_size(r));
    }
    tn_p2p_send_ctrl(r->peer_world, TN_AM_FIN, &fin, sizeof(fin));
    tn_request_complete(r);
}

static void read_done(tn_tp_completion_t *c, int status)
{
    rget_finish(from_comp(c), status);
}

void tn_rget_start(tn_request_t *r, int peer_world, const void *rkey, size_t rkey_len)
{
    size_t n = tn_p2p_landing_size(r);
    const void *start;
    void *dest;
    tn_tp_t *tp;
    int rc = tn_transport_for(peer_world, &tp);
    if (rc || n == 0) {
        rget_finish(r, rc);
        return;
    }
    if (tn_dtype_is_contig(r->dt, r->count, r->buf, &start)) {
        dest = (void *)start;
    } else if (!(dest = r->tmp = malloc(n))) {
        rget_finish(r, TN_ERR_SETMEM("receive"));
        return;
    }
    size_t lkey_len = TN_TP_RKEY_MAX;
    unsigned char lkey[TN_TP_RKEY_MAX];
    rc = tp->ops->mem_reg(tp, dest, n, &r->mr, lkey, &lkey_len);
    if (!rc) {
        r->comp.cb = read_done;
        rc = tp->ops->get(tp, peer_world, dest, n, r->mr, rkey, rkey_len, 0, &r->comp);
    }
    if (rc)
        rget_finish(r, rc);
}
