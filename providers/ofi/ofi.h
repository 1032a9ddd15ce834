/* libfabric provider: private definitions and the wire format.
 *
 * One reliable-datagram endpoint (FI_EP_RDM, FI_MSG | FI_RMA) per instance,
 * one completion queue for sends, receives and reads, one address vector
 * sized for the job; peers are inserted on first use. Matching and protocols
 * stay in p2p: libfabric only carries active messages and reads/writes.
 *
 * Wire (host byte order): every message is tn_ofi_wire_t, hdr_len bytes of
 * header, then the payload, whose length is what remains of the message. The
 * cookie, derived from the job key, drops stray messages from other jobs; it
 * is a filter, not authentication.
 *
 * Order: FI_ORDER_SAS orders sends, not their completions: tcp;ofi_rxm, for
 * one, completes a message it sends by rendezvous after smaller ones sent
 * later. So every message carries a per-peer sequence number, and one that
 * completes early waits in a copy until those before it have been delivered.
 *
 * Lost peers: an operation that fails with a peer (an error completion, a
 * refused post) loses it: everything queued or in flight to it fails with
 * that error, which names the peer, and so does p2p's work with it (through
 * tn_progress_peer_lost); later operations fail at once. libfabric reports
 * nothing for a dead peer Tern is only waiting on, so for ranks on this node
 * an idle rank also watches pidfds of their processes (the blob carries the
 * pid), at most every TN_OFI_WATCH_MS. Operations libfabric still holds for
 * a lost peer are orphaned: failed now, their contexts reused only once
 * libfabric completes them.
 *
 * Address blob: tn_ofi_addr_t, then the fi_getname() bytes.
 * rkey blob:    tn_ofi_rkey_t (the region's address, or 0 for providers that
 *               address by offset, and its key).
 *
 * Close: each rank waits (bounded) until, for every peer it exchanged
 * messages with, its BYE has been delivered (so everything sent before it
 * has been: sends are ordered), or the peer's own BYE has arrived (it is
 * closing and needs nothing more), or the peer is unreachable. It sends BYE
 * to such peers unless their BYE is already here; a BYE sent without
 * delivery completion (the provider has none) asks for one in return.
 * Over fabric providers (bye_wait) each rank sends BYE to every such peer and
 * waits for the peer's BYE whatever happened to its own: see ofi_open. */
#ifndef TN_OFI_H
#define TN_OFI_H

#include <stddef.h>
#include <stdint.h>
#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>
#include <rdma/fi_rma.h>
#include "transport/transport.h"

#define TN_OFI_ADDR_MAGIC 0x3149464fu /* "OFI1" read as a little-endian word */
#define TN_OFI_HDR_MAX 192
#define TN_OFI_AM_BYE 0xffu          /* wire am id: the sender is closing */
#define TN_OFI_INJECT_MAX 4096u      /* stack staging for fi_inject, at most */
#define TN_OFI_IOV_MAX 4             /* wire+hdr iovec plus payload iovecs */
#define TN_OFI_CQ_BATCH 16           /* completions read per fi_cq_read */
#define TN_OFI_OPS_CHUNK 64          /* operation contexts allocated at a time */
#define TN_OFI_MULTI_BUFS 4          /* FI_MULTI_RECV buffers posted */
#define TN_OFI_MULTI_MIN (1u << 20)  /* and each at least this large */
#define TN_OFI_MULTI_MSGS 32         /* or this many largest messages */
#define TN_OFI_RX_BUFS 128           /* single-message buffers without FI_MULTI_RECV */
#define TN_OFI_BYE_WAIT_MS 2000      /* close() waits at most this long for BYEs */
#define TN_OFI_TRYWAIT_TRIES 4       /* fi_trywait refusals before progress reports work */
#define TN_OFI_WATCH_MS 10           /* an idle rank checks local peers live this often */
#define TN_OFI_BLAME_MS 2000         /* how long an unattributed failure waits for a dead peer */
/* A CQ wait object costs tcp;ofi_rxm (1.17) about 0.8 us a message, a third of
 * its latency over Tern's tcp: libfabric then progresses through its wait set.
 * So the CQ has one only when the progress engine sleeps after this many idle
 * polls or fewer (TERN_SPIN_COUNT; its automatic value on oversubscribed
 * nodes is 1); otherwise wait_fd is -1 and idle ranks poll and yield their
 * core, as MPICH and Open MPI do over libfabric. */
#define TN_OFI_FD_SPIN_MAX 100

typedef struct tn_ofi_wire {
    uint32_t cookie;
    int32_t src;      /* sender's world rank */
    uint32_t seq;     /* per (sender, receiver) pair, from 0 */
    uint16_t hdr_len; /* <= TN_OFI_HDR_MAX */
    uint8_t am_id;    /* < TN_AM_MAX, or TN_OFI_AM_BYE */
    uint8_t flags;    /* TN_OFI_WIRE_* */
} tn_ofi_wire_t;
#define TN_OFI_WIRE_WANT_BYE 0x1 /* BYE: answer with yours (no delivery completion here) */

typedef struct tn_ofi_addr {
    uint32_t magic;
    uint32_t addr_format; /* FI_ADDR_* of the name that follows */
    int32_t pid;          /* the rank's process, watched by ranks on its node */
    char prov[20];        /* libfabric provider name, for mismatch messages */
    uint8_t name[];
} tn_ofi_addr_t;

/* An address blob as PMI carries it. */
typedef union tn_ofi_blob {
    tn_ofi_addr_t a;
    uint8_t bytes[TN_TP_ADDR_MAX];
} tn_ofi_blob_t;

typedef struct tn_ofi_rkey {
    uint64_t addr; /* remote address of the region's first byte, or 0 */
    uint64_t key;
} tn_ofi_rkey_t;

_Static_assert(sizeof(tn_ofi_wire_t) == 16, "wire header layout");
_Static_assert(sizeof(tn_ofi_addr_t) == 32, "address blob header layout");
_Static_assert(sizeof(tn_ofi_rkey_t) <= TN_TP_RKEY_MAX, "rkey blob size");
_Static_assert(TN_AM_MAX <= TN_OFI_AM_BYE, "am ids fit the wire");

/* ---- in-memory state ------------------------------------------------------ */

/* What a completion's op_context points at: every context starts like this.
 * fi_context2 first serves providers that want FI_CONTEXT/FI_CONTEXT2. */
enum tn_ofi_kind { TN_OFI_SEND, TN_OFI_RECV, TN_OFI_READ, TN_OFI_WRITE };
typedef struct tn_ofi_ctx {
    struct fi_context2 fctx;
    enum tn_ofi_kind kind;
} tn_ofi_ctx_t;

/* A send, read or write in flight or waiting for the provider to take it. */
typedef struct tn_ofi_op {
    tn_ofi_ctx_t ctx;
    struct tn_ofi_op *next; /* free list or retry queue */
    tn_tp_completion_t *comp;
    int peer;
    fi_addr_t dest;
    uint64_t flags; /* fi_sendmsg flags */
    int bye;        /* a BYE of close() */
    uint8_t posted; /* libfabric holds it */
    uint8_t orphan; /* and its peer was lost: failed already, reused once completed */
    union {
        struct {
            int niov;
            struct iovec iov[TN_OFI_IOV_MAX];
            void *desc[TN_OFI_IOV_MAX];
        } send;
        struct {
            struct tn_ofi_op *parent; /* holds comp and the count; itself for the first */
            int pending, status;
            void *local;
            size_t len;
            void *desc;
            uint64_t raddr, key;
        } rma;
    } u;
    uint8_t *buf; /* sends: staging for the wire header, hdr and copied payloads */
    void *buf_desc;
} tn_ofi_op_t;

/* A posted receive buffer. */
typedef struct tn_ofi_rxbuf {
    tn_ofi_ctx_t ctx;
    uint8_t *mem;
    size_t size;
    void *desc;
} tn_ofi_rxbuf_t;

struct tn_tp_mr {
    struct fid_mr *mr; /* NULL for an empty region */
    void *desc;
};

/* A block of memory from one malloc, registered when the provider wants
 * local buffers registered; blocks are kept on a list and freed at close. */
typedef struct tn_ofi_block {
    struct tn_ofi_block *next;
    struct fid_mr *mr;
} tn_ofi_block_t;

/* A message that completed before one sent ahead of it. */
typedef struct tn_ofi_early {
    struct tn_ofi_early *next; /* by seq */
    uint32_t seq;
    size_t len;
    uint8_t msg[];
} tn_ofi_early_t;

/* What an instance knows of one world rank. */
#define TN_OFI_PEER_SENT 0x1  /* we sent to it */
#define TN_OFI_PEER_RCVD 0x2  /* it sent to us */
#define TN_OFI_PEER_DONE 0x4  /* close need not wait for it (see above) */
#define TN_OFI_PEER_WANTS 0x8 /* its BYE asked for ours */
#define TN_OFI_PEER_BYE 0x10  /* close() sent it our BYE */
typedef struct tn_ofi_peer {
    fi_addr_t addr;         /* FI_ADDR_NOTAVAIL until inserted */
    uint32_t tx_seq, rx_seq; /* next sequence number to send, to deliver */
    int lost;               /* the error that lost it: it is unreachable */
    int pidfd;              /* its process, on this node; else -1 */
    uint8_t bits;           /* TN_OFI_PEER_* */
    /* posts the provider refused (-FI_EAGAIN), in order; while there are
     * any, later operations to this peer queue behind them */
    tn_ofi_op_t *qhead, *qtail;
    tn_ofi_early_t *early; /* by seq */
} tn_ofi_peer_t;

typedef struct tn_ofi {
    tn_tp_t base;
    tn_tp_params_t params;
    struct fi_info *info;
    struct fid_fabric *fabric;
    struct fid_domain *domain;
    struct fid_av *av;
    struct fid_cq *cq;
    struct fid_ep *ep;
    const char *prov; /* info->fabric_attr->prov_name */
    uint32_t cookie;
    int mr_local;      /* FI_MR_LOCAL: local buffers need descriptors */
    int bye_wait;      /* close() waits for every peer's BYE (see above) */
    size_t inject_max; /* whole messages up to this go out with fi_inject */
    size_t iov_limit;
    size_t rma_max;    /* largest single fi_read/fi_write */
    uint64_t next_key; /* requested MR keys, without FI_MR_PROV_KEY */
    tn_ofi_peer_t *peer; /* by world rank */
    int *busy, nbusy;    /* the peers with queued operations */
    /* receive buffers */
    tn_ofi_rxbuf_t *rx;
    int nrx, multi;
    /* buffers to post: reposts wait for the next progress call, off the
     * path from a message's arrival to the reply it may cause */
    tn_ofi_rxbuf_t **rx_idle;
    int nrx_idle;
    size_t msg_max; /* largest message: wire header + hdr_max + eager_max */
    /* operation contexts */
    tn_ofi_op_t *free_send, *free_rma;
    tn_ofi_op_t **chunks; /* every TN_OFI_OPS_CHUNK contexts allocated, for lost peers */
    int nchunks;
    tn_ofi_block_t *blocks;
    size_t inflight;               /* posted sends, reads and writes not completed */
    int in_progress;
    int idle; /* progress calls in a row that found nothing */
    long long watch_at; /* next check of local peers' pidfds, CLOCK_MONOTONIC_COARSE ms */
} tn_ofi_t;

/* ofi_lib.c: libfabric's entry points that are functions (the rest of its API
 * is inline), looked up at run time. */
typedef struct tn_ofi_lib {
    int (*getinfo)(uint32_t version, const char *node, const char *service, uint64_t flags,
                   const struct fi_info *hints, struct fi_info **info);
    void (*freeinfo)(struct fi_info *info);
    struct fi_info *(*dupinfo)(const struct fi_info *info);
    int (*fabric)(struct fi_fabric_attr *attr, struct fid_fabric **fabric, void *context);
    const char *(*strerror)(int errnum);
    uint32_t (*version)(void);
} tn_ofi_lib_t;
extern tn_ofi_lib_t tn_ofi_lib;
/* Loads libfabric (once): 1, or 0; *why says which libfabric or why none
 * (static text). */
int tn_ofi_lib_load(const char **why);

/* ofi_provider.c */
/* Picks the libfabric provider: returns 1 and *info (free with
 * tn_ofi_lib.freeinfo), or 0 with *info NULL; either way *why says what
 * libfabric offers and what was picked or why nothing was (static text). */
int tn_ofi_pick(struct fi_info **info, const char **why);

/* ofi_ep.c */
int tn_ofi_ep_open(tn_ofi_t *tp);
void tn_ofi_ep_close(tn_ofi_t *tp);
int tn_ofi_addr(tn_tp_t *base, void *buf, size_t *len);
/* Fetches peer's address blob and checks it is one of ours for this libfabric
 * provider; *len is its length. */
int tn_ofi_peer_blob(tn_ofi_t *tp, int peer, tn_ofi_blob_t *blob, size_t *len);
/* Inserts peer into the address vector on first use. */
int tn_ofi_peer_insert(tn_ofi_t *tp, int peer, fi_addr_t *out);
static inline int tn_ofi_peer(tn_ofi_t *tp, int peer, fi_addr_t *out)
{
    fi_addr_t a = tp->peer[peer].addr;
    if (__builtin_expect(a != FI_ADDR_NOTAVAIL, 1)) {
        *out = a;
        return 0;
    }
    return tn_ofi_peer_insert(tp, peer, out);
}
/* An error code for a libfabric call or completion that failed; with peer
 * >= 0 it says that rank is lost, and what says what failed with it ("sending
 * to it"). */
int tn_ofi_error(tn_ofi_t *tp, const char *what, int peer, int fi_err, const char *detail);
/* start(): opens pidfds of the peers on this node. */
int tn_ofi_watch_start(tn_tp_t *base);
/* On the idle path: loses local peers whose process has exited. */
void tn_ofi_watch_check(tn_ofi_t *tp);
/* Waits up to ms for a local peer's process to exit; returns how many peers
 * were lost (for failures the provider does not attribute to a peer). */
int tn_ofi_watch_wait(tn_ofi_t *tp, int ms);
/* Registers [addr, addr+len) with access flags, choosing the key and binding
 * to the endpoint as the domain's mr_mode asks. */
int tn_ofi_mr_reg(tn_ofi_t *tp, void *addr, size_t len, uint64_t access, struct fid_mr **mr);
/* len bytes, 64-byte aligned, freed at close; with reg and FI_MR_LOCAL also
 * registered for sends and receives (*desc; else NULL). */
int tn_ofi_block_alloc(tn_ofi_t *tp, size_t len, int reg, void **mem, void **desc);

/* ofi_msg.c */
int tn_ofi_am_send(tn_tp_t *base, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp);
/* Posts the buffers waiting in tp->rx_idle while the provider takes them. */
int tn_ofi_rx_post_all(tn_ofi_t *tp);
/* A receive completed into rx: delivers the message; rx waits to be
 * reposted once the provider is done with it. */
int tn_ofi_rx_done(tn_ofi_t *tp, tn_ofi_rxbuf_t *rx, const struct fi_cq_data_entry *e);
/* Frees messages still waiting for earlier ones (close). */
void tn_ofi_early_free(tn_ofi_t *tp);
int tn_ofi_send_done(tn_ofi_t *tp, tn_ofi_op_t *op, int status);
/* Posts op (send, read or write), or queues it behind earlier refused posts
 * to its peer or when the provider refuses it now; fails for a lost peer. */
int tn_ofi_submit(tn_ofi_t *tp, tn_ofi_op_t *op);
/* An operation to peer failed with code: the peer is lost (see above; a
 * message that never left leaves a hole in its sequence anyway). Returns the
 * error the peer was lost with (code, unless it was lost before). */
int tn_ofi_peer_lost(tn_ofi_t *tp, int peer, int code);
/* What op does with its peer, for error messages ("sending to it"). */
const char *tn_ofi_what(const tn_ofi_op_t *op);
/* A completion (status) for op, which libfabric held. */
int tn_ofi_op_done(tn_ofi_t *tp, tn_ofi_op_t *op, int status);
/* Puts op back unless libfabric still holds it or, for the first piece of a
 * split transfer, pieces are pending. */
void tn_ofi_op_release(tn_ofi_t *tp, tn_ofi_op_t *op);
/* Posts queued operations until the provider refuses them; returns an error
 * code or 0. */
int tn_ofi_queue_drain(tn_ofi_t *tp);
/* An operation context from the free lists: with a staging buffer for sends
 * (send != 0), without for reads and writes. */
int tn_ofi_op_get(tn_ofi_t *tp, int send, tn_ofi_op_t **op);
void tn_ofi_op_put(tn_ofi_t *tp, tn_ofi_op_t *op);
/* close(): says BYE to peer (with delivery completion where offered). */
int tn_ofi_send_bye(tn_ofi_t *tp, int peer);

/* ofi_rma.c */
int tn_ofi_mem_reg(tn_tp_t *base, void *addr, size_t len, struct tn_tp_mr **mr, void *rkey,
                   size_t *rkey_len);
int tn_ofi_mem_dereg(tn_tp_t *base, struct tn_tp_mr *mr);
int tn_ofi_get(tn_tp_t *base, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp);
int tn_ofi_put(tn_tp_t *base, int peer, const void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp);
int tn_ofi_rma_done(tn_ofi_t *tp, tn_ofi_op_t *op, int status);

#endif
