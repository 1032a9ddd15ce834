/* Requests: one object for every operation that completes later (sends,
 * receives, collectives, generalized and persistent requests). */
#ifndef TN_REQUEST_H
#define TN_REQUEST_H

#include <stdint.h>
#include <sys/uio.h>
#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "transport/transport.h"

enum tn_req_kind {
    TN_REQ_SEND,
    TN_REQ_RECV,
    TN_REQ_PERSISTENT, /* MPI_Send_init & co.: `inner` is the active operation */
    TN_REQ_GREQ,       /* generalized request */
    TN_REQ_COLL,       /* nonblocking collective */
};

typedef struct tn_request tn_request_t;

struct tn_request {
    enum tn_req_kind kind;
    int handle;          /* 0 until the request is given to the user */
    volatile int done;   /* set by tn_request_complete */
    int freed;           /* MPI_Request_free'd while active: release on completion */
    MPI_Status status;   /* source, tag, error, byte count and cancelled flag */
    tn_comm_t *comm;     /* referenced while the request lives */

    /* Arguments (p2p and persistent requests). */
    void *buf;
    MPI_Aint count;
    tn_datatype_t *dt;   /* referenced while the request lives */
    int peer;            /* rank in comm, or MPI_ANY_SOURCE */
    int tag;
    int ctx_off;         /* TN_CTX_P2P or TN_CTX_COLL */
    int mode;            /* enum tn_send_mode, sends */

    /* Protocol state, owned by src/p2p. */
    int state;
    int peer_world;
    uint16_t context_id;
    size_t bytes;        /* packed size of the message (sends) or of the buffer (receives) */
    void *tmp;           /* packed copy for non-contiguous data, or NULL */
    struct iovec iov;
    uint64_t remote_id;  /* the peer's request id in rendezvous */
    int pending;         /* outstanding transport completions / acks */
    tn_tp_completion_t comp;
    struct tn_tp_mr *mr;     /* registered buffer during rendezvous-get */
    tn_request_t *next, *prev; /* queue links (posted queue, free list) */

    /* Persistent: the operation started by MPI_Start, NULL while inactive. */
    tn_request_t *inner;
    int active;
    /* Generalized requests: the user's callbacks. */
    MPI_Grequest_query_function *query_fn;
    MPI_Grequest_free_function *free_fn;
    MPI_Grequest_cancel_function *cancel_fn;
    void *extra_state;
    /* Collectives and internal users: called once, when the request completes. */
    void (*on_done)(tn_request_t *r);
    void *cb_arg;
};

/* Allocates a zeroed request from the free list. */
tn_request_t *tn_request_alloc(enum tn_req_kind kind);
/* Returns r (and its comm/datatype references and handle) to the free list. */
void tn_request_free(tn_request_t *r);
/* Marks r done and runs its on_done hook. Called by p2p and coll. */
void tn_request_complete(tn_request_t *r);
/* Blocks (progressing) until r is done. */
int tn_request_wait_done(tn_request_t *r);
/* Waits for an internal request, copies its status to status (unless
 * MPI_STATUS_IGNORE) and frees it; returns status.MPI_ERROR. */
int tn_request_wait(tn_request_t *r, MPI_Status *status);
/* Waits for and frees n internal requests; returns the first error. */
int tn_request_waitall(int n, tn_request_t **reqs);

/* The user-visible handle of r (assigned on first use). */
MPI_Request tn_request_handle(tn_request_t *r);
/* Handle → request; NULL for MPI_REQUEST_NULL or invalid handles. */
tn_request_t *tn_request_get(MPI_Request handle);

/* Status helpers: byte count stored the way MPICH's ABI stores it. */
void tn_status_set_count(MPI_Status *st, MPI_Count bytes);
MPI_Count tn_status_get_count(const MPI_Status *st);
void tn_status_set_cancelled(MPI_Status *st, int flag);
int tn_status_get_cancelled(const MPI_Status *st);
/* The status of an empty/PROC_NULL operation (source PROC_NULL, tag ANY_TAG, count 0). */
void tn_status_set_empty(MPI_Status *st);

#endif
