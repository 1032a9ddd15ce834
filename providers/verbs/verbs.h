/* verbs provider: private definitions and the wire format.
 *
 * One device port per instance (TERN_VERBS_DEVICE, else the first active
 * port), one protection domain, one completion queue (with a completion
 * channel) for sends, receives and reads, one shared receive queue, and one
 * RC queue pair per peer pair, connected lazily through librdmacm. Matching
 * and protocols stay in p2p: verbs carries active messages (SEND) and
 * rendezvous reads (RDMA READ).
 *
 * Linking: libibverbs and librdmacm are linked into libmpich. Unlike
 * libfabric (see providers/ofi/ofi_lib.c), they load no slow provider
 * plugins at start-up: libibverbs loads its drivers only when a program
 * lists devices, which Tern does only when verbs is asked for or tern_info
 * runs. DESIGN: so no dlopen layer here.
 *
 * Wire (host byte order): every SEND is tn_verbs_wire_t, hdr_len bytes of
 * header, then the payload (what remains of the message). The cookie,
 * derived from the job key, drops stray messages; it is a filter, not
 * authentication (the rdma_cm handshake checks it as well). seq numbers each
 * connection's messages in each direction: RC delivers in order, so a gap
 * means a device or driver lost one, and the peer fails with an error that
 * says so rather than a message going missing unseen.
 *
 * Flow control (credits): each side posts a window of W receive buffers to
 * its SRQ for every peer it connects to, before the connection exists, so
 * the SRQ always holds at least the sum of the windows in use and no send
 * ever meets an empty SRQ (no RNR). A sender starts with W credits for a
 * peer; every SEND takes one. The receiver counts the buffers it consumed
 * and reposted ("owed") and returns them in the credits field of its next
 * message to that peer, or, once W/2 are owed, in a CREDIT message of their
 * own. A data message needs 2 credits available, a CREDIT or BYE message 1:
 * the last credit is kept for returning credits, which makes a deadlock
 * impossible (a peer blocked on credits has left at least W-1 messages
 * unreturned at the other side, which then owes W/2 or more and always has
 * its reserve credit, or got credits back with its last message). W >= 4, so
 * a CREDIT message (owed += 1) never triggers another one.
 *
 * Connection handshake (rdma_cm, RDMA_PS_TCP): the connector resolves the
 * peer's published IP and port, creates its QP, and connects with
 * tn_verbs_hello_t as private data; the acceptor checks magic, cookie and
 * ranks. Simultaneous connects: the connection made by the lower rank wins.
 * A rank that receives a request while its own attempt to that peer is under
 * way rejects it with TN_VERBS_REJ_RACE if it is the lower rank; the higher
 * rank accepts the request and drops its own attempt (the lower rank
 * rejects it). A connector rejected with TN_VERBS_REJ_RACE waits for the
 * peer's request, which is already on its way. Exactly one QP per pair
 * carries messages.
 *
 * Address blob: tn_verbs_addr_t (the device's IP and the rdma_cm port).
 * rkey blob:    tn_verbs_rkey_t (the region's virtual address and rkey).
 *
 * Close: once nothing is in flight, BYE to every connected peer and wait
 * (bounded) for those sends to complete, then tear down. A peer whose BYE
 * has arrived is done: its disconnect and errors on its QP are silent. A
 * peer that disconnects or fails without BYE is lost: what is queued or in
 * flight for it fails, and the progress engine fails what p2p has pending
 * with it (tn_progress_peer_lost). */
#ifndef TN_VERBS_H
#define TN_VERBS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>
#include "transport/transport.h"

#define TN_VERBS_ADDR_MAGIC 0x31425256u  /* "VRB1" read as a little-endian word */
#define TN_VERBS_HELLO_MAGIC 0x4f4c4548u /* "HELO" */
#define TN_VERBS_HDR_MAX 192
#define TN_VERBS_AM_CREDIT 0xfeu /* wire am id: credits only */
#define TN_VERBS_AM_BYE 0xffu    /* wire am id: the sender is closing */
#define TN_VERBS_EAGER_MAX 8192  /* default largest eager payload */
#define TN_VERBS_EAGER_LIMIT 65536 /* TERN_VERBS_EAGER_MAX is capped here (buffer memory) */
#define TN_VERBS_WINDOW 33       /* receive buffers per peer, at most */
#define TN_VERBS_WINDOW_MIN 4    /* and at least (see above) */
#define TN_VERBS_RX_TOTAL 8192   /* receive buffers in all, beyond which windows shrink */
#define TN_VERBS_SQ_DEPTH 128    /* send queue entries per QP, at most */
#define TN_VERBS_TX_MAX 1024     /* sends and reads in flight in all, at most */
#define TN_VERBS_INLINE_WANT 256 /* inline data asked of each QP */
#define TN_VERBS_RD_ATOM 16      /* RDMA READs in flight per QP, at most */
#define TN_VERBS_CQ_BATCH 16     /* completions per ibv_poll_cq */
#define TN_VERBS_OPS_CHUNK 64    /* operation contexts allocated at a time */
#define TN_VERBS_CM_TIMEOUT_MS 5000 /* address and route resolution */
#define TN_VERBS_BYE_WAIT_MS 2000   /* close() waits at most this long */
#define TN_VERBS_GID_MAX 256     /* GID table entries looked at per port */

typedef struct tn_verbs_wire {
    uint32_t cookie;
    int32_t src;      /* sender's world rank */
    uint16_t hdr_len; /* <= TN_VERBS_HDR_MAX */
    uint8_t am_id;    /* < TN_AM_MAX, TN_VERBS_AM_CREDIT or TN_VERBS_AM_BYE */
    uint8_t pad;
    uint16_t credits; /* receive buffers of the sender's the receiver may use again */
    uint16_t seq;     /* per connection and direction, from 0: catches a lost message */
} tn_verbs_wire_t;

/* Connect request private data (56 bytes at most over IB/RoCE). */
typedef struct tn_verbs_hello {
    uint32_t magic;
    uint32_t cookie;
    int32_t from_rank;
    int32_t to_rank; /* catches an address blob that belongs to someone else */
} tn_verbs_hello_t;

/* Reject private data: why. */
#define TN_VERBS_REJ_RACE 1 /* our own connection to you wins: wait for it */
#define TN_VERBS_REJ_BAD 2  /* bad magic, cookie or rank */
typedef struct tn_verbs_reject {
    uint32_t magic;
    uint32_t reason;
} tn_verbs_reject_t;

#define TN_VERBS_FAMILY_IPV4 4
#define TN_VERBS_FAMILY_IPV6 6
typedef struct tn_verbs_addr {
    uint32_t magic;
    uint16_t family; /* TN_VERBS_FAMILY_* */
    uint16_t port;   /* rdma_cm port, network byte order */
    uint8_t ip[16];  /* IPv4 uses the first 4 bytes */
} tn_verbs_addr_t;

typedef struct tn_verbs_rkey {
    uint64_t addr; /* virtual address of the region's first byte */
    uint32_t rkey;
    uint32_t pad;
} tn_verbs_rkey_t;

_Static_assert(sizeof(tn_verbs_wire_t) == 16, "wire header layout");
_Static_assert(sizeof(tn_verbs_hello_t) <= 56, "hello fits the connect private data");
_Static_assert(sizeof(tn_verbs_addr_t) <= TN_TP_ADDR_MAX, "address blob size");
_Static_assert(sizeof(tn_verbs_rkey_t) <= TN_TP_RKEY_MAX, "rkey blob size");
_Static_assert(TN_AM_MAX <= TN_VERBS_AM_CREDIT, "am ids fit the wire");

/* ---- settings ------------------------------------------------------------- */

typedef struct tn_verbs_settings {
    const char *device; /* "name" or "name:port"; NULL: the first active port */
    int gid_index;      /* -1: chosen automatically */
    size_t eager_max;   /* largest eager payload */
    size_t max_msg;     /* largest RDMA READ; 0: the port's max_msg_sz */
} tn_verbs_settings_t;

/* verbs_dev.c: the settings in force (see there where they come from). */
void tn_verbs_settings(tn_verbs_settings_t *s);

/* ---- credits (see above); pure, for the unit tests too ------------------- */

typedef struct tn_verbs_credit {
    uint32_t avail; /* sends this rank may still post to the peer */
    uint32_t owed;  /* the peer's messages consumed here, not yet returned */
} tn_verbs_credit_t;

static inline void tn_verbs_credit_init(tn_verbs_credit_t *c, uint32_t window)
{
    c->avail = window;
    c->owed = 0;
}
/* Whether a message may go out now: data keeps the last credit back. */
static inline int tn_verbs_credit_may_send(const tn_verbs_credit_t *c, int ctl)
{
    return c->avail >= (ctl ? 1u : 2u);
}
/* A message goes out: takes a credit, returns the credits it carries. */
static inline uint16_t tn_verbs_credit_take(tn_verbs_credit_t *c)
{
    uint16_t r = (uint16_t)c->owed;
    c->avail--;
    c->owed = 0;
    return r;
}
static inline void tn_verbs_credit_grant(tn_verbs_credit_t *c, uint32_t n)
{
    c->avail += n;
}
/* A message of the peer's has been consumed and its buffer reposted. */
static inline void tn_verbs_credit_consumed(tn_verbs_credit_t *c)
{
    c->owed++;
}
/* Whether enough is owed for a CREDIT message of its own. */
static inline int tn_verbs_credit_update_due(const tn_verbs_credit_t *c, uint32_t window)
{
    return c->owed >= window / 2;
}
/* The window per peer for a job of size ranks, given the device's SRQ. */
uint32_t tn_verbs_window(int size, uint32_t max_srq_wr);

/* ---- device choice (verbs_dev.c) ----------------------------------------- */

/* Index in entries of the GID to use: forced >= 0 picks that GID index;
 * otherwise the first RoCE v2 IPv4-mapped entry, else RoCE v2 IPv6 (not
 * link-local), else RoCE v1 IPv4-mapped; -1 if none (InfiniBand ports). */
int tn_verbs_gid_pick(const struct ibv_gid_entry *entries, int n, int forced);
/* The IP address a GID stands for (IPv4-mapped or global IPv6); 0 if none. */
int tn_verbs_gid_ip(const union ibv_gid *gid, struct sockaddr_storage *ss);
const char *tn_verbs_gid_type_str(uint32_t type);

/* The address blob: encode (ss's port is the rdma_cm port), decode. */
int tn_verbs_addr_encode(const struct sockaddr *sa, void *buf, size_t *len);
int tn_verbs_addr_decode(const void *buf, size_t len, struct sockaddr_storage *ss);
/* "ip:port" of a sockaddr, for messages. */
void tn_verbs_sockaddr_str(const struct sockaddr *sa, char *buf, size_t size);

/* What open() will use. */
typedef struct tn_verbs_choice {
    char dev[64];
    int port;
    int gid_index; /* -1 for InfiniBand (IPoIB address) */
    struct sockaddr_storage ip;
    enum ibv_port_state state;
    uint8_t link_layer;
} tn_verbs_choice_t;

/* Picks device, port and address: 1, or 0 with why (static text). */
int tn_verbs_choose(tn_verbs_choice_t *c, const char **why);
void tn_verbs_describe(FILE *out);

/* ---- in-memory state ------------------------------------------------------ */

/* What a completion's wr_id points at (inline sends carry (peer << 1) | 1
 * instead: nothing to free). */
enum tn_verbs_kind { TN_VERBS_TX, TN_VERBS_RX, TN_VERBS_READ };
typedef struct tn_verbs_ctx {
    enum tn_verbs_kind kind;
} tn_verbs_ctx_t;

/* A send from a bounce buffer, or one piece of an RDMA READ. */
typedef struct tn_verbs_op {
    tn_verbs_ctx_t ctx;
    struct tn_verbs_op *next; /* free list or peer queue */
    int peer;
    int ctl; /* CREDIT or BYE: may take the last credit */
    union {
        struct {
            uint8_t *buf; /* registered, wire header first */
            uint32_t len, lkey;
        } tx;
        struct {
            struct tn_verbs_op *parent; /* holds comp and the count; itself for the first */
            tn_tp_completion_t *comp;
            int pending, status;
            void *local;
            uint32_t len, lkey, rkey;
            uint64_t raddr;
        } rd;
    } u;
} tn_verbs_op_t;

typedef struct tn_verbs_rx {
    tn_verbs_ctx_t ctx;
    uint8_t *mem;
    uint32_t lkey;
} tn_verbs_rx_t;

struct tn_tp_mr {
    struct ibv_mr *mr; /* NULL for an empty region */
};

/* Registered memory from one allocation, freed at close. */
typedef struct tn_verbs_block {
    struct tn_verbs_block *next;
    struct ibv_mr *mr;
    void *mem;
} tn_verbs_block_t;

enum tn_verbs_pstate {
    TN_VERBS_P_NONE,       /* no connection, none under way */
    TN_VERBS_P_CONNECTING, /* our own attempt under way */
    TN_VERBS_P_WAITING,    /* ours lost the race: the peer's is coming */
    TN_VERBS_P_ACCEPTED,   /* the peer's accepted, not established yet */
    TN_VERBS_P_UP,
    TN_VERBS_P_LOST,
};

typedef struct tn_verbs_peer {
    enum tn_verbs_pstate state;
    struct rdma_cm_id *id; /* the connection's id (ours or accepted) */
    int lost;              /* the error that made it unreachable */
    int bye;               /* its BYE arrived: it is done with us */
    int rx_posted;         /* its window is in the SRQ */
    int sq_used;           /* send queue entries posted, not completed */
    int due;               /* on the list of peers owed a CREDIT message */
    int busy;              /* on the list of peers with queued operations */
    tn_verbs_credit_t cr;
    uint16_t tx_seq, rx_seq; /* the next message's wire seq, each way */
    tn_verbs_op_t *qhead, *qtail; /* waiting for the connection, credits or room */
} tn_verbs_peer_t;

typedef struct tn_verbs {
    tn_tp_t base;
    tn_tp_params_t params;
    tn_verbs_settings_t set;
    tn_verbs_choice_t choice;
    const char *devname;
    uint32_t cookie;
    struct rdma_event_channel *ec;
    struct rdma_cm_id *listen;
    struct ibv_context *ctx; /* librdmacm's context for the device */
    struct ibv_pd *pd;
    struct ibv_comp_channel *cch;
    struct ibv_cq *cq;
    struct ibv_srq *srq;
    int epfd; /* the wait fd: the completion channel and the rdma_cm channel */
    int armed; /* the CQ is armed for the completion channel */
    unsigned cm_tick; /* progress passes, for reading rdma_cm events */
    struct ibv_device_attr dattr;
    struct ibv_port_attr pattr;
    struct sockaddr_storage bound; /* the listening address, with its port */
    uint32_t window;   /* receive buffers per peer */
    uint32_t srq_cap, srq_posted;
    int sq_depth;      /* per QP */
    uint32_t inline_max; /* whole messages up to this go out inline */
    int inline_known;  /* inline_max was learnt from a QP */
    int rd_atom;       /* initiator depth / responder resources */
    size_t max_msg;    /* largest single RDMA READ */
    size_t msg_max;    /* largest message: wire + hdr_max + eager_max */
    int tx_inflight, tx_max; /* work requests posted and not completed */
    tn_verbs_peer_t *peer; /* by world rank */
    int *busy, nbusy;      /* peers with queued operations */
    int *due, ndue;        /* peers owed a CREDIT message */
    tn_verbs_op_t *free_tx, *free_rd;
    tn_verbs_block_t *blocks;
    int closing;
    int in_progress;
} tn_verbs_t;

/* verbs_provider.c */
/* An error code naming the device, this rank, what failed and the peer. */
int tn_verbs_error(tn_verbs_t *tp, const char *what, int peer, const char *detail);
/* len bytes, 64-byte aligned, kept until close; registered for local
 * access when reg (*lkey), else *lkey is 0. */
int tn_verbs_block_alloc(tn_verbs_t *tp, size_t len, int reg, void **mem, uint32_t *lkey);
/* Reads the CQ until it is empty; *events counts completions. */
int tn_verbs_cq_poll(tn_verbs_t *tp, int *events);

/* verbs_conn.c */
/* The event channel and the listening id; tp->ctx is set. */
int tn_verbs_conn_open(tn_verbs_t *tp);
/* Destroys the peers' QPs and ids (before the CQ, SRQ and PD go). */
void tn_verbs_conn_close(tn_verbs_t *tp);
/* Destroys the listening id and the event channel (last). */
void tn_verbs_conn_release(tn_verbs_t *tp);
int tn_verbs_addr(tn_tp_t *base, void *buf, size_t *len);
/* Starts connecting to peer (state NONE). */
int tn_verbs_connect(tn_verbs_t *tp, int peer);
/* Handles the rdma_cm events waiting; *events counts them. */
int tn_verbs_cm_poll(tn_verbs_t *tp, int *events);
/* Marks peer lost with code (first time only), fails what is queued for it
 * and, unless the peer said BYE or we are closing, tells the progress engine
 * (which fails what p2p has pending with it). */
void tn_verbs_peer_lost(tn_verbs_t *tp, int peer, int code);

/* verbs_msg.c */
int tn_verbs_am_send(tn_tp_t *base, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                     const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp);
/* Posts peer's window of receive buffers to the SRQ (once). */
int tn_verbs_rx_share(tn_verbs_t *tp, int peer);
int tn_verbs_rx_done(tn_verbs_t *tp, tn_verbs_rx_t *rx, const struct ibv_wc *wc);
/* A send (op, or inline when op is NULL) to peer completed with status
 * (the send queue accounting is done by the caller). */
void tn_verbs_tx_done(tn_verbs_t *tp, tn_verbs_op_t *op, int peer, int status);
/* Queues op behind peer's other operations, or posts it now if it can. */
int tn_verbs_submit(tn_verbs_t *tp, tn_verbs_op_t *op);
/* Posts what can go out of the busy peers' queues, and CREDIT messages due. */
int tn_verbs_queue_drain(tn_verbs_t *tp);
int tn_verbs_op_get(tn_verbs_t *tp, int tx, tn_verbs_op_t **op);
void tn_verbs_op_put(tn_verbs_t *tp, tn_verbs_op_t *op);
/* close(): BYE to peer. */
int tn_verbs_send_bye(tn_verbs_t *tp, int peer);

/* verbs_rma.c */
int tn_verbs_mem_reg(tn_tp_t *base, void *addr, size_t len, struct tn_tp_mr **mr, void *rkey,
                     size_t *rkey_len);
int tn_verbs_mem_dereg(tn_tp_t *base, struct tn_tp_mr *mr);
int tn_verbs_get(tn_tp_t *base, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
                 const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp);
void tn_verbs_read_done(tn_verbs_t *tp, tn_verbs_op_t *op, int status);

#endif
