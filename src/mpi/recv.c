/* MPI 4.1 chapter 3: receives (blocking, nonblocking, of a matched message)
 * and the combined send-receive calls, with their large-count (_c) forms. */
#include <stdlib.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"

static int recv_blocking(const char *fname, void *buf, MPI_Aint count, MPI_Datatype datatype,
                         int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_recv(fname, buf, count, datatype, source, tag, comm, &c, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    if (!rc)
        rc = tn_p2p_irecv(buf, count, dt, source, tag, c, TN_CTX_P2P, &r);
    if (!rc)
        rc = tn_mpi_wait_free(r, status);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

static int recv_nonblocking(const char *fname, void *buf, MPI_Aint count, MPI_Datatype datatype,
                            int source, int tag, MPI_Comm comm, MPI_Request *request)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_recv(fname, buf, count, datatype, source, tag, comm, &c, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = tn_p2p_irecv(buf, count, dt, source, tag, c, TN_CTX_P2P, &r);
    if (!rc)
        rc = tn_mpi_request_out(fname, r, request);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Recv)
int PMPI_Recv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
              MPI_Status *status)
{
    return recv_blocking("MPI_Recv", buf, count, datatype, source, tag, comm, status);
}

TN_API(Recv_c)
int PMPI_Recv_c(void *buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                MPI_Comm comm, MPI_Status *status)
{
    return recv_blocking("MPI_Recv_c", buf, count, datatype, source, tag, comm, status);
}

TN_API(Irecv)
int PMPI_Irecv(void *buf, int count, MPI_Datatype datatype, int source, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    return recv_nonblocking("MPI_Irecv", buf, count, datatype, source, tag, comm, request);
}

TN_API(Irecv_c)
int PMPI_Irecv_c(void *buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                 MPI_Comm comm, MPI_Request *request)
{
    return recv_nonblocking("MPI_Irecv_c", buf, count, datatype, source, tag, comm, request);
}

/* Receives of matched messages: the message handle names the communicator. */

static int mrecv(const char *fname, void *buf, MPI_Aint count, MPI_Datatype datatype,
                 MPI_Message *message, MPI_Status *status)
{
    MPI_Comm comm = MPI_COMM_NULL;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    if (!rc)
        rc = tn_message_irecv(fname, buf, count, datatype, message, &r, &comm);
    if (!rc)
        rc = tn_mpi_wait_free(r, status);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Mrecv)
int PMPI_Mrecv(void *buf, int count, MPI_Datatype datatype, MPI_Message *message,
               MPI_Status *status)
{
    return mrecv("MPI_Mrecv", buf, count, datatype, message, status);
}

TN_API(Mrecv_c)
int PMPI_Mrecv_c(void *buf, MPI_Count count, MPI_Datatype datatype, MPI_Message *message,
                 MPI_Status *status)
{
    return mrecv("MPI_Mrecv_c", buf, count, datatype, message, status);
}

static int imrecv(const char *fname, void *buf, MPI_Aint count, MPI_Datatype datatype,
                  MPI_Message *message, MPI_Request *request)
{
    MPI_Comm comm = MPI_COMM_NULL;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = tn_message_irecv(fname, buf, count, datatype, message, &r, &comm);
    if (!rc)
        rc = tn_mpi_request_out(fname, r, request);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Imrecv)
int PMPI_Imrecv(void *buf, int count, MPI_Datatype datatype, MPI_Message *message,
                MPI_Request *request)
{
    return imrecv("MPI_Imrecv", buf, count, datatype, message, request);
}

TN_API(Imrecv_c)
int PMPI_Imrecv_c(void *buf, MPI_Count count, MPI_Datatype datatype, MPI_Message *message,
                  MPI_Request *request)
{
    return imrecv("MPI_Imrecv_c", buf, count, datatype, message, request);
}

/* Send-receive. Every form runs as one compound request: the receive is
 * posted first, then the send; the compound completes when both halves have,
 * with the receive's status and the first error of either. The halves are
 * freed by the engine once they have reported (their freed flag is set). */

static void half_report(tn_request_t *whole, tn_request_t *half)
{
    int err = whole->status.MPI_ERROR;
    if (half->kind == TN_REQ_RECV)
        whole->status = half->status;
    whole->status.MPI_ERROR = err ? err : half->status.MPI_ERROR;
    if (--whole->pending == 0)
        tn_request_complete(whole);
}

static void half_done(tn_request_t *half)
{
    half_report(half->cb_arg, half);
}

/* Lets half report to whole now if it is done, else on completion. */
static void half_attach(tn_request_t *whole, tn_request_t *half)
{
    if (half->done) {
        half_report(whole, half);
        tn_request_free(half);
        return;
    }
    half->on_done = half_done;
    half->cb_arg = whole;
    half->freed = 1;
}

struct sendrecv_args {
    const void *sbuf;
    MPI_Aint scount;
    MPI_Datatype stype;
    int dest, stag;
    void *rbuf;
    MPI_Aint rcount;
    MPI_Datatype rtype;
    int source, rtag;
    MPI_Comm comm;
    int replace; /* Sendrecv_replace: rbuf is also the send buffer */
};

static int sendrecv_start(const char *fname, const struct sendrecv_args *a, tn_request_t **req)
{
    tn_comm_t *c;
    tn_datatype_t *sdt = NULL, *rdt;
    tn_request_t *whole, *rr, *sr;
    int rc = tn_check_recv(fname, a->rbuf, a->rcount, a->rtype, a->source, a->rtag, a->comm, &c,
                           &rdt);
    if (!rc && !a->replace)
        rc = tn_check_send(fname, a->sbuf, a->scount, a->stype, a->dest, a->stag, a->comm, &c,
                           &sdt);
    if (!rc && a->replace)
        rc = tn_check_rank(fname, "dest", a->dest, c, TN_RANK_NULL);
    if (!rc && a->replace)
        rc = tn_check_tag(fname, a->stag, 0);
    if (rc)
        return rc;
    if (!(whole = tn_request_alloc(TN_REQ_COLL)))
        return TN_ERR_SETMEM(fname);
    whole->comm = tn_comm_ref(c);
    const void *sbuf = a->sbuf;
    MPI_Aint scount = a->scount;
    if (a->replace) {
        /* The receive lands in the send buffer: send from a packed copy. */
        size_t bytes = (size_t)rdt->size * (size_t)a->rcount;
        if (bytes && !(whole->tmp = malloc(bytes))) {
            rc = TN_ERR_SETMEM(fname);
            goto fail_whole;
        }
        tn_dtype_pack(rdt, a->rbuf, a->rcount, 0, whole->tmp, bytes);
        sbuf = whole->tmp;
        scount = (MPI_Aint)bytes;
        sdt = tn_datatype_get(MPI_PACKED);
    }
    whole->pending = 2;
    rc = tn_p2p_irecv(a->rbuf, a->rcount, rdt, a->source, a->rtag, c, TN_CTX_P2P, &rr);
    if (rc)
        goto fail_whole;
    rc = tn_p2p_isend(sbuf, scount, sdt, a->dest, a->stag, c, TN_CTX_P2P, TN_SEND_STD, &sr);
    if (rc)
        goto fail_recv;
    half_attach(whole, rr);
    half_attach(whole, sr);
    *req = whole;
    return MPI_SUCCESS;
fail_recv:
    tn_p2p_cancel(rr);
    tn_mpi_request_drop(rr);
fail_whole:
    tn_request_free(whole);
    return rc;
}

static int sendrecv_blocking(const char *fname, const struct sendrecv_args *a,
                             MPI_Status *status)
{
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    if (!rc)
        rc = sendrecv_start(fname, a, &r);
    if (!rc)
        rc = tn_mpi_wait_free(r, status);
    return rc ? tn_err_raise_comm(a->comm, rc) : MPI_SUCCESS;
}

static int sendrecv_nonblocking(const char *fname, const struct sendrecv_args *a,
                                MPI_Request *request)
{
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = sendrecv_start(fname, a, &r);
    if (!rc)
        rc = tn_mpi_request_out(fname, r, request);
    return rc ? tn_err_raise_comm(a->comm, rc) : MPI_SUCCESS;
}

/* The arguments of every form, from its parameters (same names in all). */
#define SENDRECV_ARGS                                                                         \
    {sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount, recvtype, source,       \
     recvtag, comm, 0}
#define REPLACE_ARGS {buf, count, datatype, dest, sendtag, buf, count, datatype, source, recvtag, \
                      comm, 1}

TN_API(Sendrecv)
int PMPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest,
                  int sendtag, void *recvbuf, int recvcount, MPI_Datatype recvtype, int source,
                  int recvtag, MPI_Comm comm, MPI_Status *status)
{
    struct sendrecv_args a = SENDRECV_ARGS;
    return sendrecv_blocking("MPI_Sendrecv", &a, status);
}

TN_API(Sendrecv_c)
int PMPI_Sendrecv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, int dest,
                    int sendtag, void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                    int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    struct sendrecv_args a = SENDRECV_ARGS;
    return sendrecv_blocking("MPI_Sendrecv_c", &a, status);
}

TN_API(Sendrecv_replace)
int PMPI_Sendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag,
                          int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    struct sendrecv_args a = REPLACE_ARGS;
    return sendrecv_blocking("MPI_Sendrecv_replace", &a, status);
}

TN_API(Sendrecv_replace_c)
int PMPI_Sendrecv_replace_c(void *buf, MPI_Count count, MPI_Datatype datatype, int dest,
                            int sendtag, int source, int recvtag, MPI_Comm comm,
                            MPI_Status *status)
{
    struct sendrecv_args a = REPLACE_ARGS;
    return sendrecv_blocking("MPI_Sendrecv_replace_c", &a, status);
}

TN_API(Isendrecv)
int PMPI_Isendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest,
                   int sendtag, void *recvbuf, int recvcount, MPI_Datatype recvtype, int source,
                   int recvtag, MPI_Comm comm, MPI_Request *request)
{
    struct sendrecv_args a = SENDRECV_ARGS;
    return sendrecv_nonblocking("MPI_Isendrecv", &a, request);
}

TN_API(Isendrecv_c)
int PMPI_Isendrecv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, int dest,
                     int sendtag, void *recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                     int source, int recvtag, MPI_Comm comm, MPI_Request *request)
{
    struct sendrecv_args a = SENDRECV_ARGS;
    return sendrecv_nonblocking("MPI_Isendrecv_c", &a, request);
}

TN_API(Isendrecv_replace)
int PMPI_Isendrecv_replace(void *buf, int count, MPI_Datatype datatype, int dest, int sendtag,
                           int source, int recvtag, MPI_Comm comm, MPI_Request *request)
{
    struct sendrecv_args a = REPLACE_ARGS;
    return sendrecv_nonblocking("MPI_Isendrecv_replace", &a, request);
}

TN_API(Isendrecv_replace_c)
int PMPI_Isendrecv_replace_c(void *buf, MPI_Count count, MPI_Datatype datatype, int dest,
                             int sendtag, int source, int recvtag, MPI_Comm comm,
                             MPI_Request *request)
{
    struct sendrecv_args a = REPLACE_ARGS;
    return sendrecv_nonblocking("MPI_Isendrecv_replace_c", &a, request);
}
