/* What the point-to-point files of the API layer (send.c, recv.c, probe.c,
 * request.c, persistent.c, bsend.c, greq.c) share. */
#ifndef TN_MPI_PT2PT_H
#define TN_MPI_PT2PT_H

#include <mpi.h>
#include "core/error.h"
#include "p2p/p2p.h"

/* The API layer's send modes: p2p's three plus buffered (bsend.c), which p2p
 * never sees. Persistent requests keep theirs in r->mode, TN_MODE_RECV for
 * MPI_Recv_init. */
enum { TN_SEND_BUFFERED = TN_SEND_READY + 1, TN_MODE_RECV };

/* Copies a completed operation's status to the user's, leaving MPI_ERROR
 * alone: only the multiple-completion calls write that field (MPI 4.1 3.2.5). */
static inline void tn_mpi_status_copy(MPI_Status *dst, const MPI_Status *src)
{
    if (dst == MPI_STATUS_IGNORE)
        return;
    int err = dst->MPI_ERROR;
    *dst = *src;
    dst->MPI_ERROR = err;
}

/* MPI's empty status (MPI 4.1 3.7.3): what null and inactive requests
 * complete with. Unlike a PROC_NULL receive's, its source is MPI_ANY_SOURCE. */
static inline void tn_mpi_status_set_null(MPI_Status *st)
{
    if (st == MPI_STATUS_IGNORE)
        return;
    st->MPI_SOURCE = MPI_ANY_SOURCE;
    st->MPI_TAG = MPI_ANY_TAG;
    st->MPI_ERROR = MPI_SUCCESS;
    st->count_lo = 0;
    st->count_hi_and_cancelled = 0;
}

/* Gives up on an internal p2p request: freed now if done, else by the engine
 * when it completes. */
static inline void tn_mpi_request_drop(tn_request_t *r)
{
    if (r->done)
        tn_request_free(r);
    else
        r->freed = 1;
}

/* Hands r to the user as *request; on failure r is dropped. */
static inline int tn_mpi_request_out(const char *fname, tn_request_t *r, MPI_Request *request)
{
    MPI_Request h = tn_request_handle(r);
    if (h == MPI_REQUEST_NULL) {
        tn_mpi_request_drop(r);
        return TN_ERR_SETMEM(fname);
    }
    *request = h;
    return MPI_SUCCESS;
}

/* request.c: waits for an internal p2p request, copies its status (but
 * MPI_ERROR) to status and frees it; returns the operation's error code. */
int tn_mpi_wait_free(tn_request_t *r, MPI_Status *status);

/* send.c: starts a send in any of the four modes on the point-to-point context. */
int tn_mpi_isend(const char *fname, const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest,
                 int tag, tn_comm_t *c, int mode, tn_request_t **req);

/* bsend.c: a buffered send. The data is packed into the attached buffer and
 * sent from there; *req is an already complete request (the send is local). */
int tn_bsend_start(const char *fname, const void *buf, MPI_Aint count, tn_datatype_t *dt,
                   int dest, int tag, tn_comm_t *c, tn_request_t **req);
/* For MPI_Finalize: waits until every buffered send has gone out and forgets
 * the attached buffer. Returns MPI_SUCCESS or a transport's error. */
int tn_bsend_finalize(void);

/* persistent.c: MPI_Start of an inactive persistent request. */
int tn_persist_start(const char *fname, tn_request_t *r);

/* greq.c: generalized requests. query_fn's status goes to status (but
 * MPI_ERROR); returns query_fn's error code. */
int tn_greq_query(tn_request_t *r, MPI_Status *status);
/* Calls free_fn and frees r; returns free_fn's error code. */
int tn_greq_release(tn_request_t *r);
/* Calls cancel_fn(extra_state, complete); returns its error code. */
int tn_greq_cancel(tn_request_t *r);

/* probe.c: the common part of MPI_Mrecv and MPI_Imrecv: checks message,
 * count, datatype and buf, then starts receiving *message (which becomes
 * MPI_MESSAGE_NULL). *comm is set to the handle to raise errors on as soon
 * as it is known (it stays as is when the message handle itself is bad). */
int tn_message_irecv(const char *fname, void *buf, MPI_Aint count, MPI_Datatype datatype,
                     MPI_Message *message, tn_request_t **req, MPI_Comm *comm);

#endif
