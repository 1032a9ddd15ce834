/* MPI 4.1 chapter 3.9: persistent point-to-point requests. One holds the
 * arguments of its operation; MPI_Start (request.c) starts a fresh operation
 * from them as the request's `inner`, and completing that makes the request
 * inactive again. Persistent collectives (coll_persist.c, ctx_off
 * TN_CTX_COLL) hold a schedule instead, which each start runs again. */
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"
#include "coll/sched.h"

/* mode: a send mode of pt2pt.h, or TN_MODE_RECV. */
static int persist_init(const char *fname, const void *buf, MPI_Aint count,
                        MPI_Datatype datatype, int peer, int tag, MPI_Comm comm, int mode,
                        MPI_Request *request)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc && mode == TN_MODE_RECV)
        rc = tn_check_recv(fname, buf, count, datatype, peer, tag, comm, &c, &dt);
    else if (!rc)
        rc = tn_check_send(fname, buf, count, datatype, peer, tag, comm, &c, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    if (!(r = tn_request_alloc(TN_REQ_PERSISTENT)))
        return tn_err_raise_comm(comm, TN_ERR_SETMEM(fname));
    r->buf = (void *)buf;
    r->count = count;
    r->dt = tn_datatype_ref(dt);
    r->peer = peer;
    r->tag = tag;
    r->comm = tn_comm_ref(c);
    r->ctx_off = TN_CTX_P2P;
    r->mode = mode;
    MPI_Request h = tn_request_handle(r);
    if (h == MPI_REQUEST_NULL) {
        tn_request_free(r);
        return tn_err_raise_comm(comm, TN_ERR_SETMEM(fname));
    }
    *request = h;
    return MPI_SUCCESS;
}

int tn_persist_start(const char *fname, tn_request_t *r)
{
    tn_request_t *op;
    if (r->ctx_off == TN_CTX_COLL)
        return tn_sched_restart(r);
    int rc = r->mode == TN_MODE_RECV
                 ? tn_p2p_irecv(r->buf, r->count, r->dt, r->peer, r->tag, r->comm, r->ctx_off,
                                &op)
                 : tn_mpi_isend(fname, r->buf, r->count, r->dt, r->peer, r->tag, r->comm,
                                r->mode, &op);
    if (rc)
        return rc;
    r->inner = op;
    r->active = 1;
    return MPI_SUCCESS;
}

TN_API(Send_init)
int PMPI_Send_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                   MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Send_init", buf, count, datatype, dest, tag, comm, TN_SEND_STD,
                        request);
}

TN_API(Send_init_c)
int PMPI_Send_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                     MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Send_init_c", buf, count, datatype, dest, tag, comm, TN_SEND_STD,
                        request);
}

TN_API(Ssend_init)
int PMPI_Ssend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Ssend_init", buf, count, datatype, dest, tag, comm, TN_SEND_SYNC,
                        request);
}

TN_API(Ssend_init_c)
int PMPI_Ssend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Ssend_init_c", buf, count, datatype, dest, tag, comm, TN_SEND_SYNC,
                        request);
}

TN_API(Rsend_init)
int PMPI_Rsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Rsend_init", buf, count, datatype, dest, tag, comm, TN_SEND_READY,
                        request);
}

TN_API(Rsend_init_c)
int PMPI_Rsend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Rsend_init_c", buf, count, datatype, dest, tag, comm, TN_SEND_READY,
                        request);
}

TN_API(Bsend_init)
int PMPI_Bsend_init(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                    MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Bsend_init", buf, count, datatype, dest, tag, comm,
                        TN_SEND_BUFFERED, request);
}

TN_API(Bsend_init_c)
int PMPI_Bsend_init_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Bsend_init_c", buf, count, datatype, dest, tag, comm,
                        TN_SEND_BUFFERED, request);
}

TN_API(Recv_init)
int PMPI_Recv_init(void *buf, int count, MPI_Datatype datatype, int source, int tag,
                   MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Recv_init", buf, count, datatype, source, tag, comm, TN_MODE_RECV,
                        request);
}

TN_API(Recv_init_c)
int PMPI_Recv_init_c(void *buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                     MPI_Comm comm, MPI_Request *request)
{
    return persist_init("MPI_Recv_init_c", buf, count, datatype, source, tag, comm, TN_MODE_RECV,
                        request);
}
