/* The rendezvous-stream protocol, for messages above the eager limit:
 * RTS → (receive matches) → CTS → DATA streamed from the sender's buffer
 * straight into the receiver's (the transport lands it via place()). The
 * send completes once DATA is out, so only after the match. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "p2p/proto.h"

static void data_sent(tn_tp_completion_t *c, int status)
{
    tn_request_t *r = (tn_request_t *)((char *)c - offsetof(tn_request_t, comp));
    tn_p2p_send_progress(r, status);
}

int tn_rndv_send(tn_request_t *r, tn_tp_t *tp, tn_p2p_match_hdr_t *hdr)
{
    tn_p2p_wait_peer(r, TN_P2P_WAIT_CTS);
    r->pending = 1;
    return tp->ops->am_send(tp, r->peer_world, TN_AM_RTS, hdr, sizeof(*hdr), NULL, 0, NULL);
}

void tn_rndv_cts_arrived(void *arg, int peer, const void *hdr_, size_t hdr_len, const void *data,
                         size_t len)
{
    tn_p2p_cts_hdr_t c;
    const tn_p2p_cts_hdr_t *cts = tn_p2p_hdr_copy(&c, hdr_, sizeof(c));
    (void)arg, (void)hdr_len, (void)data, (void)len;
    tn_request_t *r = tn_p2p_req(cts->sreq);
    tn_p2p_id_hdr_t dh = {.req = cts->rreq};
    struct iovec iov;
    tn_tp_t *tp;
    tn_p2p_unwait(r, TN_P2P_SENDING);
    int rc = tn_p2p_payload(r, &iov);
    if (!rc)
        rc = tn_transport_for(peer, &tp);
    if (!rc) {
        r->comp.cb = data_sent;
        rc = tp->ops->am_send(tp, peer, TN_AM_DATA, &dh, sizeof(dh), &iov, iov.iov_len ? 1 : 0,
                              &r->comp);
    }
    if (rc) /* the completion will not run */
        tn_p2p_send_progress(r, rc);
}

void tn_p2p_recv_rts(tn_request_t *r, const tn_p2p_match_hdr_t *hdr, int peer_world,
                     const void *rkey, size_t rkey_len)
{
    tn_p2p_recv_status(r, hdr);
    r->peer_world = peer_world;
    r->remote_id = hdr->sreq;
    if (hdr->flags & TN_P2P_FLAG_GET) {
        r->state = TN_P2P_READING;
        tn_rget_start(r, peer_world, rkey, rkey_len);
        return;
    }
    tn_p2p_wait_peer(r, TN_P2P_WAIT_DATA);
    tn_p2p_cts_hdr_t cts = {.sreq = hdr->sreq, .rreq = tn_p2p_id(r)};
    tn_p2p_send_ctrl(peer_world, TN_AM_CTS, &cts, sizeof(cts));
}

void tn_rndv_rts_arrived(void *arg, int peer, const void *hdr_, size_t hdr_len, const void *data,
                         size_t len)
{
    tn_p2p_match_hdr_t h;
    const tn_p2p_match_hdr_t *hdr = tn_p2p_hdr_copy(&h, hdr_, sizeof(h));
    const unsigned char *rkey = (const unsigned char *)hdr_ + sizeof(*hdr);
    size_t rkey_len = hdr_len - sizeof(*hdr);
    (void)arg, (void)data, (void)len;
    tn_request_t *r = tn_match_posted(hdr);
    if (r) {
        tn_p2p_recv_rts(r, hdr, peer, rkey, rkey_len);
        return;
    }
    struct tn_p2p_msg *m = malloc(sizeof(*m) + rkey_len);
    if (!m)
        tn_err_fatal(TN_ERR_SETMEM("unexpected message"));
    m->hdr = *hdr;
    m->peer_world = peer;
    m->am_id = TN_AM_RTS;
    m->rkey_len = rkey_len;
    memcpy(m->data, rkey, rkey_len);
    tn_match_add_unexpected(m);
}


int tn_rndv_data_place(void *arg, int peer, const void *hdr, size_t hdr_len, size_t data_len,
                       const struct iovec **iov, int *iovcnt)
{
    tn_request_t *r = tn_p2p_req(tn_p2p_hdr_id(hdr));
    const void *start;
    (void)arg, (void)peer, (void)hdr_len, (void)data_len;
    size_t n = tn_p2p_landing_size(r);
    if (tn_dtype_is_contig(r->dt, r->count, r->buf, &start)) {
        r->iov = (struct iovec){(void *)start, n};
    } else {
        if (!(r->tmp = malloc(n ? n : 1)))
            tn_err_fatal(TN_ERR_SETMEM("receive"));
        r->iov = (struct iovec){r->tmp, n};
    }
    *iov = &r->iov;
    *iovcnt = 1;
    return 1;
}

void tn_rndv_data_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                          size_t len)
{
    tn_request_t *r = tn_p2p_req(tn_p2p_hdr_id(hdr));
    (void)arg, (void)peer, (void)hdr_len, (void)len;
    size_t n = tn_p2p_landing_size(r);
    if (data)
        tn_dtype_unpack(r->dt, r->buf, r->count, 0, data, n);
    else if (r->tmp)
        tn_dtype_unpack(r->dt, r->buf, r->count, 0, r->tmp, n);
    tn_p2p_unwait(r, 0);
    tn_request_complete(r);
}
