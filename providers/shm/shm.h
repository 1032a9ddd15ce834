/* Shared-memory provider: private definitions, the segment layout and the
 * ring format.
 *
 * One segment per node, created by local rank 0 in open() (mode 0600, name
 * /tern-<TERN_JOB_ID>-<pid>-<random> in its address blob), mapped by the
 * others in start() and unlinked by the last rank to map it; mpirun removes
 * what a rank killed before that left behind. Layout (offsets from the start; n = local ranks):
 *
 *   tn_shm_seg_t                 magic, sizes, start-up counters
 *   tn_shm_ctl_t[n]              per rank: sleeping flag, pid, socket name
 *   tn_shm_ring_ctl_t[n(n-1)]    per ordered pair: the consumer's head
 *   ring data[n(n-1)]            per ordered pair: ring_bytes (a power of two)
 *   node memory                  n * TN_TP_NODE_MEM_PER_RANK bytes, page-aligned,
 *                                for the upper layers' node-local collectives
 *
 * Rings are single-producer single-consumer byte rings of records that start
 * on a cache line and never wrap (a PAD record skips to the ring's start):
 *
 *   word0   u64: data_len (bits 0-31) | type (32-39) | am_id (40-47) | hdr_len (48-63)
 *   word1   u64: FIRST records: the message's total payload length
 *   hdr     hdr_len bytes
 *   data    data_len bytes
 *
 * A record is ready when word0, stored last (release or stronger), is non-zero.
 * The consumer never clears anything: before publishing a record the producer
 * zeroes the word0 that follows it, so the consumer always finds either zero
 * or a published record at its head. Space is reserved against the head the
 * consumer publishes (release) once it is done with the bytes.
 *
 * Messages whose payload does not fit one record (rendezvous-stream data, big
 * injects) go as a FIRST record followed by CONT records, copied in and out
 * by the two ranks at once; a sender never interleaves another message to the
 * same peer.
 * Ordinary records leave one line free for a WAKE record: a sender that is
 * about to sleep with sends queued behind a full ring writes one, and the
 * consumer, once it gets there (everything before it is consumed), wakes the
 * sender. This keeps every check of the fast path off the consumer's side.
 *
 * Waking: a rank that is about to sleep sets its ctl's sleeping flag and looks
 * at its rings once more; a sender, after publishing, reads the flag and, if
 * it was set and it is the one that clears it, writes the rank's eventfd (its
 * wait fd; see shm_wake.c). Senders pay that system call only when the
 * receiver may be asleep.
 * DESIGN: the publish and the flag read must not be reordered (nor the flag
 * write and the last look). Where every local rank could register for
 * membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED), the rank going to sleep calls
 * it between its two steps, which puts a full barrier into every sender
 * running then, and publishing is a plain release store: the fence that
 * drained the sender's store buffer on every message (≈14 ns of the 8-byte
 * latency here) is paid once per sleep instead. Elsewhere publishing is a
 * sequentially consistent exchange. */
#ifndef TN_SHM_H
#define TN_SHM_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include "core/config.h"
#include "transport/transport.h"

#define TN_SHM_MAGIC 0x314d4853204e5254ull /* "TRN SHM1" */
#define TN_SHM_VERSION 3
#define TN_SHM_LINE 64
#define TN_SHM_CTL_BYTES 128 /* two lines: adjacent-line prefetch stays out */
#define TN_SHM_HDR_MAX 256
#define TN_SHM_REC_HDR 16       /* word0 + word1 */
#define TN_SHM_RING_MIN (16u * 1024)
#define TN_SHM_RING_MAX (256u * 1024)
#define TN_SHM_RING_BUDGET (32u << 20) /* rings shrink below RING_MAX beyond this total */
#define TN_SHM_CHUNK_MAX (64u * 1024)  /* payload per record of a multi-record message */
#define TN_SHM_BATCH 64                /* records taken from one ring per progress call */
#define TN_SHM_NAME_MAX 48
#define TN_SHM_ATTACH_WAIT_S 120 /* start() gives up on local ranks that never map */
#define TN_SHM_PROBE_MAGIC 0x65626f7270616d63ull
#define TN_SHM_WATCH_MS 10 /* an idle rank checks its peers are alive at most this often */

enum tn_shm_rec_type { TN_SHM_MSG = 1, TN_SHM_FIRST, TN_SHM_CONT, TN_SHM_PAD, TN_SHM_WAKE };

typedef struct tn_shm_seg {
    uint64_t magic;
    uint32_t version;
    uint32_t nlocal;
    uint64_t seg_bytes;
    uint64_t ring_bytes;
    uint32_t attached;  /* ranks that mapped the segment (atomic) */
    uint32_t checked;   /* ranks done with the checks below (atomic) */
    uint32_t cma_fail;  /* ranks that can not or may not use cross-memory attach */
    uint32_t wake_fail; /* ranks that did not get every peer's eventfd */
    uint32_t fence_fail; /* ranks that can not take part in membarrier() fences */
} tn_shm_seg_t;

typedef struct tn_shm_ctl {
    uint32_t sleeping;   /* atomic; 1: may be asleep, wake it */
    int32_t pid;
    uint64_t wake_id;    /* names its socket for the eventfd exchange */
    uint64_t probe_addr; /* a word of TN_SHM_PROBE_MAGIC ^ local index, in its memory */
    unsigned char pad[TN_SHM_CTL_BYTES - 24];
} tn_shm_ctl_t;

typedef struct tn_shm_ring_ctl {
    uint64_t head; /* consumer's position (absolute bytes), atomic */
    unsigned char pad[TN_SHM_CTL_BYTES - 8];
} tn_shm_ring_ctl_t;

_Static_assert(sizeof(tn_shm_seg_t) <= TN_SHM_CTL_BYTES, "segment header size");
_Static_assert(sizeof(tn_shm_ctl_t) == TN_SHM_CTL_BYTES, "ctl layout");
_Static_assert(sizeof(tn_shm_ring_ctl_t) == TN_SHM_CTL_BYTES, "ring ctl layout");

/* The address blob: local rank 0's names the segment; the others' are empty. */
typedef struct tn_shm_addr {
    uint32_t magic; /* (uint32_t)TN_SHM_MAGIC */
    uint32_t version;
    char seg_name[TN_SHM_NAME_MAX]; /* "" except on local rank 0 */
} tn_shm_addr_t;
_Static_assert(sizeof(tn_shm_addr_t) <= TN_TP_ADDR_MAX, "address blob size");

/* The rkey blob of a registered region: read with process_vm_readv. */
typedef struct tn_shm_rkey {
    uint64_t addr;
    uint64_t len;
    int32_t pid;
    uint32_t magic; /* (uint32_t)TN_SHM_PROBE_MAGIC */
} tn_shm_rkey_t;
_Static_assert(sizeof(tn_shm_rkey_t) <= TN_TP_RKEY_MAX, "rkey blob size");

/* ---- in-memory state ------------------------------------------------------ */

/* A send the ring could not take at once: iov[cur..iovcnt) from off remain. */
typedef struct tn_shm_send {
    struct tn_shm_send *next;
    tn_tp_completion_t *comp;
    unsigned am_id;
    size_t hdr_len;
    uint64_t total, done; /* payload bytes: all, written */
    int started;          /* its first record is out */
    int cur, iovcnt;
    size_t off;
    struct iovec *iov;    /* points into this block */
    unsigned char *hdr;   /* likewise; an injected payload follows it */
} tn_shm_send_t;

/* This rank → one local peer. */
typedef struct tn_shm_tx {
    unsigned char *data;
    uint64_t *head;     /* the consumer's published head */
    uint64_t tail;      /* where the next record goes (absolute) */
    uint64_t head_seen; /* *head when last read */
    uint32_t *sleeping; /* the consumer's flag */
    tn_shm_send_t *q, **qtail;
    int wake_asked;     /* a WAKE record is in the ring and nothing since */
    int wake_fd;        /* the consumer's eventfd, or -1 */
    int lost;           /* the error the consumer was lost with (it died), or 0 */
} tn_shm_tx_t;

/* One local peer → this rank, with a multi-record message in progress. */
typedef struct tn_shm_rx {
    unsigned char *data;
    uint64_t *head_pub;
    uint64_t head, published;
    unsigned am_id;
    size_t hdr_len;
    uint64_t total, got;
    int placed;
    const struct iovec *piov;
    int piovcnt, pidx;
    size_t poff;
    unsigned char *buf; /* assembles an unplaced payload */
    unsigned char hdr[TN_SHM_HDR_MAX];
} tn_shm_rx_t;

typedef struct tn_shm {
    tn_tp_t base;
    tn_tp_params_t params;
    int me, nlocal;      /* local index and count */
    int pid;
    int *local_of;       /* world rank → local index, -1 off node */
    int *world_of;       /* local index → world rank */
    /* the segment */
    char seg_name[TN_SHM_NAME_MAX];
    int linked;          /* the name may still exist and is ours to remove */
    void *seg;
    size_t seg_bytes;
    uint64_t ring_bytes;
    size_t single_max;   /* largest payload of a single record */
    size_t chunk;        /* payload per record of a multi-record message */
    tn_shm_ctl_t *ctl;
    tn_shm_tx_t *tx;     /* by local index; unused at me */
    tn_shm_rx_t *rx;
    size_t nqueued;      /* sends in the tx queues */
    int started;
    int in_progress;
    /* waiting */
    int wake_fd;         /* our eventfd: the wait fd */
    int sock_fd;         /* bound to wake_id until the eventfds are exchanged */
    uint64_t wake_id;
    int armed;           /* our sleeping flag was set and not yet taken back */
    unsigned idle;       /* progress calls in a row that found nothing */
    unsigned idle_max;   /* tn_shm_idle_max(), read once at start */
    int asym_fence;      /* publishing needs no fence: sleepers call membarrier() */
    /* cross-memory attach */
    uint64_t probe_word;
    int cma_err;         /* why our probe failed (errno value), or 0 */
    int cma_ok;          /* every local rank can read the others: get() works */
    tn_tp_completion_t **done; /* finished gets, completed by progress() */
    size_t ndone, done_cap;
    /* lost peers (shm_lost.c) */
    struct pollfd *watch; /* by local index: a pidfd per live peer, else fd -1 */
    long long watch_at;   /* next check (ms, CLOCK_MONOTONIC_COARSE) */
} tn_shm_t;

static inline size_t tn_shm_align(size_t n, size_t a)
{
    return (n + a - 1) & ~(a - 1);
}

/* Bytes a record takes in the ring. */
static inline size_t tn_shm_rec_len(size_t hdr_len, size_t data_len)
{
    return tn_shm_align(TN_SHM_REC_HDR + hdr_len + data_len, TN_SHM_LINE);
}

/* Calls between the provider's files stay inside the library (no PLT). */
#pragma GCC visibility push(hidden)

/* shm_segment.c */
/* Ring size and segment size for n local ranks. */
void tn_shm_seg_layout(int n, uint64_t *ring_bytes, size_t *seg_bytes);
/* Local rank 0, in open(): creates, sizes and maps the segment. */
int tn_shm_seg_create(tn_shm_t *s);
/* The others, in start(): maps the segment rank 0 named. */
int tn_shm_seg_attach(tn_shm_t *s, const char *name);
/* Points ctl, tx and rx into the mapped segment. */
void tn_shm_seg_bind(tn_shm_t *s);
/* Counts this rank in; the last rank in unlinks the name. */
void tn_shm_seg_joined(tn_shm_t *s);
/* Waits until *counter reaches the number of local ranks. */
int tn_shm_seg_wait(tn_shm_t *s, uint32_t *counter, const char *what);
/* Unmaps, and unlinks the name if it may still exist. */
void tn_shm_seg_release(tn_shm_t *s);
/* The node memory (transport.h). */
int tn_shm_node_mem(tn_tp_t *tp, void **base, size_t *len);
void tn_shm_node_wake(tn_tp_t *tp, const int *locals, int n);

/* shm_ring.c */
int tn_shm_am_send(tn_tp_t *tp, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp);
/* Moves queued sends into the rings; returns records written. */
int tn_shm_tx_drain(tn_shm_t *s);
/* Takes what the rings from every peer hold; returns records taken or -code. */
int tn_shm_ring_poll(tn_shm_t *s);
/* Is anything waiting in a ring for us? */
static inline int tn_shm_rx_ready(const tn_shm_t *s)
{
    for (int l = 0; l < s->nlocal; l++) {
        const tn_shm_rx_t *rx = &s->rx[l];
        if (l != s->me &&
            __atomic_load_n((uint64_t *)(void *)(rx->data + (rx->head & (s->ring_bytes - 1))),
                            __ATOMIC_SEQ_CST))
            return 1;
    }
    return 0;
}
/* Before sleeping: asks the consumer of every ring we wait on to wake us. */
void tn_shm_tx_ask_wake(tn_shm_t *s);
/* Frees queued sends (without their callbacks) and partial receives. */
void tn_shm_ring_free(tn_shm_t *s);
/* Peer l died: takes what it published before, drops its partial message,
 * marks it lost with code and fails the sends queued for it. */
void tn_shm_ring_lost(tn_shm_t *s, int l, int code);

/* shm_wake.c */
/* In open(): our eventfd, and the socket that hands it to the peers. */
int tn_shm_wake_open(tn_shm_t *s);
/* Once every local rank has mapped the segment: exchanges eventfds. A
 * failure is counted in the segment, not returned. */
void tn_shm_wake_start(tn_shm_t *s);
/* After the checks: if any local rank failed the exchange, none sleeps. */
void tn_shm_wake_decide(tn_shm_t *s);
/* Clears tx's consumer's sleeping flag and, if it was set, wakes it. */
void tn_shm_wake_send(tn_shm_tx_t *tx);
/* Wakes tx's consumer unconditionally (it asked with a WAKE record). */
void tn_shm_wake_peer(tn_shm_tx_t *tx);
/* After publishing to tx (a sequentially consistent store): wakes the
 * consumer if it may be asleep. */
static inline void tn_shm_wake_check(tn_shm_tx_t *tx)
{
    if (__builtin_expect(__atomic_load_n(tx->sleeping, __ATOMIC_SEQ_CST) != 0, 0))
        tn_shm_wake_send(tx);
}
/* progress() found work after idle calls: take the sleeping flag back. */
void tn_shm_wake_busy(tn_shm_t *s);
/* Idle progress calls after which the progress engine sleeps: its spin and
 * yield phases (see src/core/progress.c). */
static inline unsigned tn_shm_idle_max(void)
{
    return (unsigned)tn_config.spin_count + (unsigned)tn_config.yield_count;
}
/* progress() found nothing tn_shm_idle_max() times in a row: sets the
 * sleeping flag. Returns 1 when a ring turned out not to be empty after all. */
int tn_shm_wake_idle(tn_shm_t *s);
void tn_shm_wake_close(tn_shm_t *s);

/* shm_cma.c */
/* Before this rank counts itself in: lets local peers read its memory and
 * fills in its probe word. */
void tn_shm_cma_prepare(tn_shm_t *s);
/* Once every local rank has mapped the segment: reads a peer's probe word;
 * a failure is counted in the segment. */
void tn_shm_cma_probe(tn_shm_t *s);
/* After the checks: get() works if every local rank can use CMA; it is
 * advertised when that is also the faster way (see shm_cma.c). */
void tn_shm_cma_decide(tn_shm_t *s);
int tn_shm_mem_reg(tn_tp_t *tp, void *addr, size_t len, struct tn_tp_mr **mr, void *rkey,
                   size_t *rkey_len);
int tn_shm_mem_dereg(tn_tp_t *tp, struct tn_tp_mr *mr);
int tn_shm_get(tn_tp_t *tp, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp);
/* Runs the completions of finished gets; returns how many. */
int tn_shm_cma_complete(tn_shm_t *s);

/* shm_lost.c */
/* In start(), once every local rank's pid is known: watches them. */
void tn_shm_watch_start(tn_shm_t *s);
/* On the idle path, at most every TN_SHM_WATCH_MS: reports local ranks that
 * have died to the progress engine. Returns how many were found. */
int tn_shm_watch_check(tn_shm_t *s);
void tn_shm_watch_close(tn_shm_t *s);

#pragma GCC visibility pop

#endif
