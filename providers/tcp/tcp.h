/* TCP provider: private definitions and the wire format.
 *
 * Wire (host byte order; a peer of the other byte order fails the magic check):
 *   connector -> acceptor  tn_tcp_hello_t, then key_len bytes of the job key
 *   acceptor -> connector  tn_tcp_reply_t: verdict 1 = this socket carries the
 *                          pair's traffic; 0 = the acceptor's own connection to
 *                          the connector wins, wait for it to arrive
 *   then both ways         frames: tn_tcp_frame_t, hdr_len bytes, data_len bytes
 *
 * Simultaneous connects: when both ranks of a pair connect at once, the
 * connection made by the lower rank is kept. A connector sends no frame before
 * verdict 1, and an acceptor only replies after the key checked out, so exactly
 * one socket per pair carries frames and nothing is sent twice.
 *
 * A bad key, magic or version closes the socket without a reply. */
#ifndef TN_TCP_H
#define TN_TCP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "transport/transport.h"

#define TN_TCP_MAGIC 0x4e524554u /* "TERN" read as a little-endian word */
#define TN_TCP_VERSION 1
#define TN_TCP_HDR_MAX 256
#define TN_TCP_KEY_MAX 256
#define TN_TCP_AM_BYE 0xffu        /* frame am id: the sender is closing */
#define TN_TCP_STAGE (64 * 1024)   /* per-connection receive staging buffer */
#define TN_TCP_BUF_KEEP (1u << 20) /* larger payload buffers are freed after use */
#define TN_TCP_RX_BUDGET (1u << 20) /* bytes read per connection per progress call */
#define TN_TCP_IOV_BATCH 64        /* iovecs per sendmsg/readv, on the stack */
#define TN_TCP_EVENTS 64           /* epoll events per progress call */
#define TN_TCP_ACCEPT_MAX 64       /* accepts per progress call */
#define TN_TCP_PENDING_MAX 1024    /* unfinished handshakes; beyond, the oldest goes */
#define TN_TCP_WARNED_MAX 64       /* sources remembered for warn-once */
#define TN_TCP_BYE_WAIT_MS 2000    /* close() waits at most this long to send BYEs */

typedef struct tn_tcp_frame {
    uint8_t am_id; /* < TN_AM_MAX, or TN_TCP_AM_BYE */
    uint8_t pad0;
    uint16_t hdr_len; /* <= TN_TCP_HDR_MAX */
    uint32_t pad1;
    uint64_t data_len;
} tn_tcp_frame_t;

typedef struct tn_tcp_hello {
    uint32_t magic;
    uint16_t version;
    uint16_t key_len;
    int32_t from_rank;
    int32_t to_rank; /* catches an address blob that belongs to someone else */
} tn_tcp_hello_t;

typedef struct tn_tcp_reply {
    uint32_t magic;
    int32_t rank; /* the acceptor's */
    uint8_t verdict;
    uint8_t pad[3];
} tn_tcp_reply_t;

/* The address blob published for other ranks. */
#define TN_TCP_FAMILY_IPV4 4
#define TN_TCP_FAMILY_IPV6 6
typedef struct tn_tcp_addr {
    uint16_t family; /* TN_TCP_FAMILY_* */
    uint16_t port;   /* network byte order */
    uint32_t pad;
    uint8_t ip[16];  /* IPv4 uses the first 4 bytes */
} tn_tcp_addr_t;

_Static_assert(sizeof(tn_tcp_frame_t) == 16, "frame header layout");
_Static_assert(sizeof(tn_tcp_hello_t) == 16, "hello layout");
_Static_assert(sizeof(tn_tcp_reply_t) == 12, "reply layout");
_Static_assert(sizeof(tn_tcp_addr_t) <= TN_TP_ADDR_MAX, "address blob size");

/* ---- in-memory state ------------------------------------------------------ */

/* What an epoll event points at: the first member of each of these. */
enum tn_tcp_kind { TN_TCP_EP_LISTEN, TN_TCP_EP_PENDING, TN_TCP_EP_CONN };
typedef struct tn_tcp_ep {
    enum tn_tcp_kind kind;
} tn_tcp_ep_t;

/* A queued send: iov[cur..cnt) remain; copied bytes follow iov[]. */
typedef struct tn_tcp_sendq {
    struct tn_tcp_sendq *next;
    tn_tp_completion_t *comp;
    int cur, cnt;
    int started; /* some of it is on the wire already */
    struct iovec iov[];
} tn_tcp_sendq_t;

typedef struct tn_tcp_rx {
    char *stage; /* TN_TCP_STAGE bytes; [pos, end) not parsed yet */
    size_t pos, end;
    /* A payload being read straight to its destination: */
    int in_payload;
    tn_tcp_frame_t frame;
    uint8_t hdr[TN_TCP_HDR_MAX];
    int placed; /* into piov (place() said 1), else into buf */
    const struct iovec *piov;
    int piovcnt, pidx;
    size_t poff;
    uint64_t left; /* payload bytes still to read */
    char *buf;     /* unplaced payloads too large for the stage */
    size_t cap, fill;
} tn_tcp_rx_t;

enum tn_tcp_state {
    TN_TCP_IDLE,       /* nothing yet */
    TN_TCP_CONNECTING, /* our connection is being set up; sends wait */
    TN_TCP_WAITING,    /* the peer's connection won; sends wait for it */
    TN_TCP_UP,
    TN_TCP_BYE,    /* the peer said BYE; reading on to its EOF */
    TN_TCP_CLOSED, /* closed after the peer's BYE */
    TN_TCP_DEAD    /* lost, or could not be made */
};
enum tn_tcp_hs { TN_TCP_HS_CONNECT, TN_TCP_HS_HELLO, TN_TCP_HS_REPLY };

typedef struct tn_tcp_conn {
    tn_tcp_ep_t ep;
    int peer;
    enum tn_tcp_state state;
    int fd;          /* our connection while CONNECTING; the pair's socket while UP/BYE */
    uint32_t events; /* registered with epoll */
    /* our connection's handshake */
    enum tn_tcp_hs hs;
    uint8_t *hello;
    size_t hello_len, hello_done;
    tn_tcp_reply_t reply;
    size_t reply_got;
    tn_tcp_addr_t to; /* where we connected, for messages */
    tn_tcp_sendq_t *head, **tail;
    tn_tcp_rx_t rx;
    int lost; /* once the peer is lost (DEAD): the error naming it and the cause */
} tn_tcp_conn_t;

/* An accepted socket whose hello has not fully arrived. */
typedef struct tn_tcp_pending {
    tn_tcp_ep_t ep;
    int fd; /* -1 once dropped (then it waits in the graveyard) */
    struct tn_tcp_pending *prev, *next;
    struct sockaddr_storage from;
    size_t got; /* bytes of hello + key received */
    tn_tcp_hello_t hello;
    uint8_t key[TN_TCP_KEY_MAX];
} tn_tcp_pending_t;

typedef struct tn_tcp {
    tn_tp_t base;
    tn_tp_params_t params;
    int epfd, lfd;
    tn_tcp_ep_t listen_ep;
    tn_tcp_addr_t addr;
    tn_tcp_conn_t **conns; /* by peer rank, made on first use */
    /* live pending handshakes, oldest first; dropped ones are freed at the end
     * of progress because the current epoll batch may still point at them */
    tn_tcp_pending_t *pend_head, *pend_tail, *graveyard;
    int npending;
    size_t nqueued; /* queued sends over all connections */
    int in_progress;
    tn_tcp_addr_t warned[TN_TCP_WARNED_MAX];
    int nwarned;
} tn_tcp_t;

/* tcp_iface.c */
int tn_tcp_iface_pick(const char *ifname, tn_tcp_addr_t *addr);
socklen_t tn_tcp_addr_to_sockaddr(const tn_tcp_addr_t *addr, struct sockaddr_storage *ss);
void tn_tcp_addr_from_sockaddr(const struct sockaddr *sa, tn_tcp_addr_t *addr);
/* "ip:port" (IPv6 as "[ip]:port") */
void tn_tcp_addr_str(const tn_tcp_addr_t *addr, char *buf, size_t len);

/* tcp_conn.c */
int tn_tcp_listen_open(tn_tcp_t *tp);
int tn_tcp_listen_event(tn_tcp_t *tp);
int tn_tcp_pending_event(tn_tcp_t *tp, tn_tcp_pending_t *p, int *events);
void tn_tcp_pending_drop(tn_tcp_t *tp, tn_tcp_pending_t *p);
void tn_tcp_pending_reap(tn_tcp_t *tp);
tn_tcp_conn_t *tn_tcp_conn_get(tn_tcp_t *tp, int peer);
int tn_tcp_conn_start(tn_tcp_t *tp, tn_tcp_conn_t *c);
int tn_tcp_conn_handshake(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events);
int tn_tcp_conn_set_events(tn_tcp_t *tp, tn_tcp_conn_t *c, uint32_t events);
/* Closes c's socket, moves it to state and fails its queued sends with code;
 * returns code. */
int tn_tcp_conn_drop(tn_tcp_t *tp, tn_tcp_conn_t *c, enum tn_tcp_state state, int code);
/* The connection failed with errno err (0: the peer closed it). After the
 * peer's BYE that is its normal end (an error only if sends to it are still
 * queued); otherwise the peer is lost (see tn_tcp_peer_lost) and MPI_SUCCESS
 * is returned. */
int tn_tcp_conn_lost(tn_tcp_t *tp, tn_tcp_conn_t *c, int err);
/* c's peer can no longer be reached, for cause: its queued sends, later sends
 * to it and everything p2p has pending with it fail with one error (c->lost)
 * naming the provider, the peer and the cause; the job goes on. Returns
 * MPI_SUCCESS. */
int tn_tcp_peer_lost(tn_tcp_t *tp, tn_tcp_conn_t *c, const char *cause);
/* For close(): says BYE on every connection and frees connections and pending
 * handshakes. */
void tn_tcp_conns_close(tn_tcp_t *tp);

/* tcp_send.c */
int tn_tcp_am_send(tn_tp_t *tp, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp);
/* Writes queued sends while the socket takes them; events += completions. */
int tn_tcp_send_drain(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events);
/* Queues bytes [skip, ...) of pre[] (always copied) followed by iov[] (copied
 * when comp is NULL, else referenced). */
tn_tcp_sendq_t *tn_tcp_sendq_make(const struct iovec *pre, int npre, const struct iovec *iov,
                                  int iovcnt, size_t skip, tn_tp_completion_t *comp);
void tn_tcp_sendq_push(tn_tcp_t *tp, tn_tcp_conn_t *c, tn_tcp_sendq_t *e, int front);
/* Detaches and frees c's queue; with notify, runs the callbacks with status. */
void tn_tcp_sendq_fail(tn_tcp_t *tp, tn_tcp_conn_t *c, int status, int notify);

/* tcp_recv.c */
int tn_tcp_recv_event(tn_tcp_t *tp, tn_tcp_conn_t *c, int *events);

#endif
