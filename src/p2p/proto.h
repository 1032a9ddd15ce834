/* p2p's wire format and the pieces shared between its files.
 *
 * Active messages (ids in the transport's handler table):
 *   EAGER     match header + the whole payload
 *   RTS       match header; the receiver answers once a receive matches:
 *             rendezvous-stream: CTS, then the sender streams DATA;
 *             rendezvous-get (flag GET, the sender's rkey blob follows the
 *             header): the receiver reads the payload itself, then sends FIN
 *   CTS       {sreq, rreq}: the sender streams DATA
 *   DATA      {rreq} + payload, landed straight in the receive buffer (place())
 *   FIN       {sreq}: the receiver has read a rendezvous-get payload
 *   SYNC_ACK  {sreq}: a synchronous eager send has been matched
 * Request ids are the requests' addresses; a request lives until its peer
 * can no longer name it. */
#ifndef TN_P2P_PROTO_H
#define TN_P2P_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "p2p/p2p.h"
#include "transport/transport.h"

enum tn_p2p_am { TN_AM_EAGER, TN_AM_RTS, TN_AM_CTS, TN_AM_DATA, TN_AM_FIN, TN_AM_SYNC_ACK };

#define TN_P2P_FLAG_SYNC 0x1
#define TN_P2P_FLAG_GET 0x2  /* RTS of rendezvous-get: an rkey blob follows */

typedef struct tn_p2p_match_hdr {
    int32_t tag;
    int32_t src;          /* sender's rank in the communicator */
    uint16_t context_id;  /* includes the p2p/coll offset */
    uint16_t flags;
    uint32_t pad;
    uint64_t size;        /* message bytes */
    uint64_t sreq;        /* sender's request (RTS, synchronous eager) */
} tn_p2p_match_hdr_t;

typedef struct tn_p2p_cts_hdr {
    uint64_t sreq;
    uint64_t rreq;
} tn_p2p_cts_hdr_t;

typedef struct tn_p2p_id_hdr {
    uint64_t req;
} tn_p2p_id_hdr_t;

/* An arrived message no receive matched yet; also what MPI_Message names. */
struct tn_p2p_msg {
    struct tn_p2p_msg *next;
    tn_p2p_match_hdr_t hdr;
    int peer_world;
    unsigned am_id;        /* TN_AM_EAGER or TN_AM_RTS */
    size_t rkey_len;       /* RTS of rendezvous-get: the rkey blob in data */
    unsigned char data[];  /* eager payload or rkey blob */
};

/* States of a request in the protocols. */
enum tn_p2p_state {
    TN_P2P_POSTED = 1,  /* receive waiting in the posted queue */
    TN_P2P_WAIT_DATA,   /* receive matched an RTS, CTS sent */
    TN_P2P_WAIT_CTS,    /* rendezvous send waiting for CTS (or FIN, rendezvous-get) */
    TN_P2P_WAIT_ACK,    /* synchronous eager send waiting for SYNC_ACK */
    TN_P2P_SENDING,     /* send waiting for transport completion */
    TN_P2P_READING,     /* receive reading a rendezvous-get payload */
};

/* lost.c: requests in the WAIT_* states wait for their peer's answer and are
 * listed, so that a lost peer fails them. */
void tn_p2p_wait_peer(tn_request_t *r, int state);
/* Takes r off that list if it is there and sets its state. */
void tn_p2p_unwait(tn_request_t *r, int state);
void tn_p2p_lost_finalize(void);

static inline uint64_t tn_p2p_id(tn_request_t *r)
{
    return (uint64_t)(uintptr_t)r;
}

static inline tn_request_t *tn_p2p_req(uint64_t id)
{
    return (tn_request_t *)(uintptr_t)id;
}

/* Transports give headers no alignment: handlers read them through these. */
static inline void *tn_p2p_hdr_copy(void *dst, const void *hdr, size_t len)
{
    return memcpy(dst, hdr, len);
}

static inline uint64_t tn_p2p_hdr_id(const void *hdr)
{
    tn_p2p_id_hdr_t h;
    memcpy(&h, hdr, sizeof(h));
    return h.req;
}

/* match.c: the posted and unexpected queues. */
void tn_match_post(tn_request_t *rreq);
/* Removes and returns the first posted receive matching hdr, or NULL. */
tn_request_t *tn_match_posted(const tn_p2p_match_hdr_t *hdr);
void tn_match_add_unexpected(struct tn_p2p_msg *msg);
/* Finds the first unexpected message matching (ctx, src, tag); removes it
 * when take is set. */
struct tn_p2p_msg *tn_match_unexpected(uint16_t ctx, int src, int tag, int take);
/* Removes rreq from the posted queue; 0 if it was not there. */
int tn_match_cancel(tn_request_t *rreq);
/* Removes the posted receives that world rank peer could match (named, or
 * MPI_ANY_SOURCE on a communicator holding it); returns them linked by next. */
tn_request_t *tn_match_take_peer(int peer);
void tn_match_finalize(void);

/* A receive has met its message. */
void tn_p2p_recv_matched(tn_request_t *rreq, struct tn_p2p_msg *msg);
void tn_p2p_recv_eager(tn_request_t *rreq, const tn_p2p_match_hdr_t *hdr, int peer_world,
                       const void *data, size_t len);
void tn_p2p_recv_rts(tn_request_t *rreq, const tn_p2p_match_hdr_t *hdr, int peer_world,
                     const void *rkey, size_t rkey_len);
/* Fills source, tag and count (the bytes that fit) and flags truncation. */
void tn_p2p_recv_status(tn_request_t *rreq, const tn_p2p_match_hdr_t *hdr);

/* Sends a small control message; a failure means the peer is gone, and is
 * reported as its loss. */
void tn_p2p_send_ctrl(int peer_world, unsigned am_id, const void *hdr, size_t len);
/* A send request has one transport completion or ack less to wait for. */
void tn_p2p_send_progress(tn_request_t *sreq, int status);

/* The bytes of a matched message that fit the receive buffer. */
static inline size_t tn_p2p_landing_size(const tn_request_t *r)
{
    return (size_t)tn_status_get_count(&r->status);
}

/* The payload of send r as one buffer: the user's when contiguous, else a
 * packed copy in r->tmp. */
int tn_p2p_payload(tn_request_t *r, struct iovec *iov);

/* eager.c and rndv.c: senders and active-message handlers. */
int tn_eager_send(tn_request_t *r, tn_tp_t *tp, tn_p2p_match_hdr_t *hdr);
int tn_rndv_send(tn_request_t *r, tn_tp_t *tp, tn_p2p_match_hdr_t *hdr);
int tn_rget_send(tn_request_t *r, tn_tp_t *tp, tn_p2p_match_hdr_t *hdr);
/* Deregisters a rendezvous-get send's buffer, if registered. */
void tn_rget_dereg(tn_request_t *r);
/* Receiver side of rendezvous-get, once matched: reads, then FIN. */
void tn_rget_start(tn_request_t *r, int peer_world, const void *rkey, size_t rkey_len);
void tn_rget_fin_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                         size_t len);
void tn_eager_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                      size_t len);
void tn_eager_sync_ack(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                       size_t len);
void tn_rndv_rts_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                         size_t len);
void tn_rndv_cts_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                         size_t len);
int tn_rndv_data_place(void *arg, int peer, const void *hdr, size_t hdr_len, size_t data_len,
                       const struct iovec **iov, int *iovcnt);
void tn_rndv_data_arrived(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                          size_t len);

/* The handler table p2p hands to every transport. */
extern const tn_am_handler_t tn_p2p_handlers[TN_AM_MAX];

#endif
