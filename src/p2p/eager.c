/* The eager protocol: header and payload in one active message. The receiver
 * copies out of the transport's buffer, or keeps an unexpected copy. A
 * synchronous send also waits for SYNC_ACK, sent when a receive matches. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "p2p/proto.h"

static void send_done(tn_tp_completion_t *c, int status)
{
    tn_request_t *r = (tn_request_t *)((char *)c - offsetof(tn_request_t, comp));
    tn_p2p_send_progress(r, status);
}

int tn_p2p_payload(tn_request_t *r, struct iovec *iov)
{
    const void *start;
    if (tn_dtype_is_contig(r->dt, r->count, r->buf, &start)) {
        *iov = (struct iovec){(void *)start, r->bytes};
        return MPI_SUCCESS;
    }
    if (!(r->tmp = malloc(r->bytes ? r->bytes : 1)))
        return TN_ERR_SETMEM("send");
    tn_dtype_pack(r->dt, r->buf, r->count, 0, r->tmp, r->bytes);
    *iov = (struct iovec){r->tmp, r->bytes};
    return MPI_SUCCESS;
}

int tn_eager_send(tn_request_t *r, tn_tp_t *tp, tn_p2p_match_hdr_t *hdr)
{
    struct iovec iov;
    int rc = tn_p2p_payload(r, &iov);
    if (rc)
        return rc;
    r->pending = 1;
    r->comp.cb = send_done;
    if (hdr->flags & TN_P2P_FLAG_SYNC) {
        r->pending = 2; /* and SYNC_ACK */
        tn_p2p_wait_peer(r, TN_P2P_WAIT_ACK);
    } else {
        r->state = TN_P2P_SENDING;
    }
    return tp->ops->am_send(tp, r->peer_world, TN_AM_EAGER, hdr, sizeof(*hdr), &iov,
                            iov.iov_len ? 1 : 0, &r->comp);
}

void tn_p2p_recv_eager(tn_request_t *r, const tn_p2p_match_hdr_t *hdr, int peer_world,
                       const void *data, size_t len)
{
    tn_p2p_recv_status(r, hdr);
    size_t n = len < r->bytes ? len : r->bytes;
    if (n)
        tn_dtype_unpack(r->dt, r->buf, r->count, 0, data, n);
    if (hdr->flags & TN_P2P_FLAG_SYNC) {
        tn_p2p_id_hdr_t ack = {.req = hdr->sreq};
        tn_p2p_send_ctrl(peer_world, TN_AM_SYNC_ACK, &ack, sizeof(ack));
    }
    tn_request_complete(r);
}

void tn_eager_arrived(void *arg, int peer, const void *hdr_, size_t hdr_len, const void *data,
                      size_t len)
{
    tn_p2p_match_hdr_t h;
    const tn_p2p_match_hdr_t *hdr = tn_p2p_hdr_copy(&h, hdr_, sizeof(h));
    (void)arg;
    (void)hdr_len;
    tn_request_t *r = tn_match_posted(hdr);
    if (r) {
        tn_p2p_recv_eager(r, hdr, peer, data, len);
        return;
    }
    struct tn_p2p_msg *m = malloc(sizeof(*m) + len);
    if (!m)
        tn_err_fatal(TN_ERR_SETMEM("unexpected message"));
    m->hdr = *hdr;
    m->peer_world = peer;
    m->am_id = TN_AM_EAGER;
    m->rkey_len = 0;
    if (len)
        memcpy(m->data, data, len);
    tn_match_add_unexpected(m);
}

void tn_eager_sync_ack(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                       size_t len)
{
    tn_request_t *r = tn_p2p_req(tn_p2p_hdr_id(hdr));
    (void)arg, (void)peer, (void)hdr_len, (void)data, (void)len;
    tn_p2p_unwait(r, TN_P2P_SENDING);
    tn_p2p_send_progress(r, MPI_SUCCESS);
}
