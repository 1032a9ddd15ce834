/* The transport contract: the only door from Tern's upper layers to a network.
 *
 * DESIGN: providers move bytes between world ranks; they know nothing of tags,
 * communicators or datatypes. p2p (src/p2p) fills in the active-message handler
 * table and picks protocols from the capability flags and limits advertised here.
 * Upper layers never test which provider they talk to.
 *
 * Guarantees every provider gives:
 *  - messages from one rank to another on one provider are delivered in order;
 *  - handlers get hdr and data with no alignment guarantee;
 *  - am_send copies `hdr` before it returns; payload buffers stay the caller's
 *    until the completion callback runs (or at once when comp is NULL: inject);
 *  - connections are made lazily on the first am_send to a peer, using the
 *    address blob the registry hands over through params->peer_addr;
 *  - handlers and completion callbacks run from progress() or from inside
 *    am_send(); callers tolerate both;
 *  - wait_fd (if >= 0) becomes readable whenever progress() has new work, so an
 *    idle rank can sleep in poll() instead of spinning.
 */
#ifndef TN_TRANSPORT_H
#define TN_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

struct tn_tp;
struct tn_tp_mr;

/* Capability flags. */
#define TN_TP_CAP_GET 0x1u        /* get() reads a peer's registered memory */
#define TN_TP_CAP_PUT 0x2u        /* put() writes a peer's registered memory */
#define TN_TP_CAP_STREAM 0x4u     /* am_send takes payloads of any length and honours place() */
#define TN_TP_CAP_INTRA_NODE 0x8u /* reaches only ranks on this node */
#define TN_TP_CAP_SELF 0x10u      /* reaches only this rank */

#define TN_AM_MAX 16 /* active-message ids are 0..TN_AM_MAX-1 */

/* Every call returns MPI_SUCCESS (0) or an MPI error code from tn_err_set(). */

typedef struct tn_tp_completion {
    /* status is MPI_SUCCESS or an MPI error code (peer lost, …). */
    void (*cb)(struct tn_tp_completion *c, int status);
} tn_tp_completion_t;

typedef struct tn_am_handler {
    /* A whole message has arrived. data/data_len: the payload, valid only
     * during the call; data is NULL if place() already landed it. */
    void (*deliver)(void *arg, int peer, const void *hdr, size_t hdr_len, const void *data,
                    size_t data_len);
    /* Optional. Called once the header has arrived and before the payload is
     * read, by providers with TN_TP_CAP_STREAM (others may call it too and copy).
     * Return 1 and fill iov and iovcnt to have the payload written there (bytes
     * beyond the iovec's total are discarded), then deliver() follows with
     * data == NULL once it has all landed; return 0 to get it in deliver() as
     * usual. The iovec array must stay valid until deliver() runs. */
    int (*place)(void *arg, int peer, const void *hdr, size_t hdr_len, size_t data_len,
                 const struct iovec **iov, int *iovcnt);
} tn_am_handler_t;

typedef struct tn_tp_params {
    int rank;                 /* this process's world rank */
    int size;                 /* world size */
    const uint8_t *job_key;   /* per-job secret from the launcher */
    size_t job_key_len;
    const tn_am_handler_t *handlers; /* TN_AM_MAX entries, unused ones zeroed */
    void *handler_arg;
    /* Fetches the address blob peer published for this provider; returns
     * MPI_SUCCESS and sets *len, or an error code. */
    int (*peer_addr)(void *arg, int peer, void *buf, size_t *len);
    void *peer_addr_arg;
    /* Locality, from the process manager: node_of[r] is world rank r's node
     * index; this rank is local_rank of local_size ranks on its node. */
    const int *node_of;
    int local_rank, local_size;
} tn_tp_params_t;

typedef struct tn_transport_ops {
    const char *name;
    /* Is this provider usable here? 1 or 0; on 0, *why says why (static text). */
    int (*probe)(const char **why);
    /* Optional, for tern_info: prints what the provider finds on this machine
     * (devices, ports, libfabric offers, limits, what it would pick), each
     * line indented by two spaces. */
    void (*describe)(FILE *out);
    /* Opens an instance; on success *tp is set. */
    int (*open)(const tn_tp_params_t *params, struct tn_tp **tp);
    /* Optional: called once after the bootstrap fence, when every rank's
     * address blob is visible (e.g. to attach to a node-wide segment). */
    int (*start)(struct tn_tp *tp);
    /* Closes the instance; sends still queued are dropped without their
     * callbacks, so callers flush() until it returns 1 first. */
    void (*close)(struct tn_tp *tp);
    /* This instance's address blob for other ranks: buf has room for
     * TN_TP_ADDR_MAX bytes; *len is set to the blob's length. */
    int (*addr)(struct tn_tp *tp, void *buf, size_t *len);
    int (*am_send)(struct tn_tp *tp, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp);
    /* Drives sends and receives; returns the number of events handled (>= 0)
     * or an error code < 0 negated (e.g. -MPI_ERR_OTHER when a peer is lost). */
    int (*progress)(struct tn_tp *tp);
    /* 1 when nothing queued for sending remains, else 0 (call progress). */
    int (*flush)(struct tn_tp *tp);
    /* Registration and RMA: NULL unless TN_TP_CAP_GET / TN_TP_CAP_PUT.
     * mem_reg registers [addr, addr+len) and fills rkey (at most TN_TP_RKEY_MAX
     * bytes): an opaque description of the region (address, key, owner…) that
     * p2p carries to the peer. The peer's get/put name a byte range of that
     * region by offset. Local buffers of get/put are registered too
     * (local_mr), for providers that need it. Completions run from progress(). */
    int (*mem_reg)(struct tn_tp *tp, void *addr, size_t len, struct tn_tp_mr **mr, void *rkey,
                   size_t *rkey_len);
    int (*mem_dereg)(struct tn_tp *tp, struct tn_tp_mr *mr);
    int (*get)(struct tn_tp *tp, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp);
    int (*put)(struct tn_tp *tp, int peer, const void *local, size_t len,
               struct tn_tp_mr *local_mr, const void *rkey, size_t rkey_len, uint64_t offset,
               tn_tp_completion_t *comp);
    /* Node memory, optional, for TN_TP_CAP_INTRA_NODE providers.
     * DESIGN: small blocking collectives on a communicator whose ranks all
     * share a node are faster through memory they all map than as messages
     * (src/coll/node.c; 8-byte MPI_Allreduce, 4 ranks on 2 cores: 3.7 us as
     * recursive doubling over the rings, about 2 us through node memory),
     * because a rank that finds every contribution in place needs no
     * rounds, and ranks that share a core need fewer turns on it. For
     * larger broadcasts the root publishes a get() key there and the others
     * read its buffer (1 MiB MPI_Bcast, 8 ranks on 2 cores: 273 us as a
     * binomial tree of rendezvous messages, 148 us so).
     * node_mem gives at least TN_TP_NODE_MEM_PER_RANK bytes per local rank,
     * zeroed at start, at one address in each process; the provider does not
     * look inside. Local ranks are numbered 0.. in world-rank order. */
    int (*node_mem)(struct tn_tp *tp, void **base, size_t *len);
    /* After storing into node memory what others wait for: wakes those of
     * the n local ranks in locals that may be asleep in the progress engine
     * (the same rule as for the provider's own messages). The caller is
     * busy, not idle: its next wait spins and yields before it sleeps. */
    void (*node_wake)(struct tn_tp *tp, const int *locals, int n);
} tn_transport_ops_t;

#define TN_TP_NODE_MEM_PER_RANK (72u * 1024)

#define TN_TP_ADDR_MAX 256
#define TN_TP_RKEY_MAX 64

/* The part of every provider instance the upper layers read; providers embed it
 * as their first member. */
typedef struct tn_tp {
    const tn_transport_ops_t *ops;
    unsigned caps;     /* TN_TP_CAP_* */
    size_t eager_max;  /* largest payload p2p sends eagerly through am_send */
    size_t hdr_max;    /* largest hdr am_send takes */
    int wait_fd;       /* see above; -1 if the provider can not be waited on */
} tn_tp_t;

/* Providers compiled in (src/transport/registry.c lists them). */
extern const tn_transport_ops_t tn_self_ops;
extern const tn_transport_ops_t tn_shm_ops;
extern const tn_transport_ops_t tn_ofi_ops;
extern const tn_transport_ops_t tn_verbs_ops;
extern const tn_transport_ops_t tn_tcp_ops;

/* ---- registry: opens providers, picks one per peer ------------------------ */

/* Opens every usable provider allowed by TERN_TRANSPORTS and publishes their
 * address blobs through PMI (before the bootstrap fence). */
int tn_transport_init(const tn_tp_params_t *params);
/* After the bootstrap fence: runs the providers' start hooks. */
int tn_transport_start(void);
/* The provider this rank uses to reach peer (chosen on first use, cached). */
int tn_transport_for(int peer, tn_tp_t **tp);
/* The provider with node memory that reaches every one of the n world ranks
 * in peers (this rank may be one of them), or NULL when there is none; in
 * either case local[i] is set to peers[i]'s index on this node, or -1 when
 * it is on another. */
tn_tp_t *tn_transport_node(const int *peers, int n, int *local);
/* Progresses every open provider; returns events handled or -code. */
int tn_transport_progress(void);
/* The wait fds of the open providers; returns how many (<= max). */
int tn_transport_wait_fds(int *fds, int max);
/* Flushes and closes every provider. */
void tn_transport_finalize(void);
/* For tern_info: names of compiled-in providers and whether each is usable. */
int tn_transport_list(const tn_transport_ops_t *const **ops);

#endif
