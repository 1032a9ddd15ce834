/* MPI 4.1 chapter 3: the sends, blocking and nonblocking, in the standard,
 * synchronous, ready and buffered modes, and their large-count (_c) forms. */
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"

int tn_mpi_isend(const char *fname, const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest,
                 int tag, tn_comm_t *c, int mode, tn_request_t **req)
{
    if (mode == TN_SEND_BUFFERED)
        return tn_bsend_start(fname, buf, count, dt, dest, tag, c, req);
    return tn_p2p_isend(buf, count, dt, dest, tag, c, TN_CTX_P2P, mode, req);
}

static int send_blocking(const char *fname, const void *buf, MPI_Aint count,
                         MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, int mode)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_send(fname, buf, count, datatype, dest, tag, comm, &c, &dt);
    if (!rc && mode == TN_SEND_STD)
        rc = tn_p2p_send(buf, count, dt, dest, tag, c, TN_CTX_P2P);
    else if (!rc && !(rc = tn_mpi_isend(fname, buf, count, dt, dest, tag, c, mode, &r)))
        rc = tn_mpi_wait_free(r, MPI_STATUS_IGNORE);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

static int send_nonblocking(const char *fname, const void *buf, MPI_Aint count,
                            MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, int mode,
                            MPI_Request *request)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_send(fname, buf, count, datatype, dest, tag, comm, &c, &dt);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = tn_mpi_isend(fname, buf, count, dt, dest, tag, c, mode, &r);
    if (!rc)
        rc = tn_mpi_request_out(fname, r, request);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Send)
int PMPI_Send(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_blocking("MPI_Send", buf, count, datatype, dest, tag, comm, TN_SEND_STD);
}

TN_API(Send_c)
int PMPI_Send_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                MPI_Comm comm)
{
    return send_blocking("MPI_Send_c", buf, count, datatype, dest, tag, comm, TN_SEND_STD);
}

TN_API(Ssend)
int PMPI_Ssend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_blocking("MPI_Ssend", buf, count, datatype, dest, tag, comm, TN_SEND_SYNC);
}

TN_API(Ssend_c)
int PMPI_Ssend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    return send_blocking("MPI_Ssend_c", buf, count, datatype, dest, tag, comm, TN_SEND_SYNC);
}

TN_API(Rsend)
int PMPI_Rsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_blocking("MPI_Rsend", buf, count, datatype, dest, tag, comm, TN_SEND_READY);
}

TN_API(Rsend_c)
int PMPI_Rsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    return send_blocking("MPI_Rsend_c", buf, count, datatype, dest, tag, comm, TN_SEND_READY);
}

TN_API(Bsend)
int PMPI_Bsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag, MPI_Comm comm)
{
    return send_blocking("MPI_Bsend", buf, count, datatype, dest, tag, comm, TN_SEND_BUFFERED);
}

TN_API(Bsend_c)
int PMPI_Bsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm)
{
    return send_blocking("MPI_Bsend_c", buf, count, datatype, dest, tag, comm, TN_SEND_BUFFERED);
}

TN_API(Isend)
int PMPI_Isend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
               MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Isend", buf, count, datatype, dest, tag, comm, TN_SEND_STD,
                            request);
}

TN_API(Isend_c)
int PMPI_Isend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                 MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Isend_c", buf, count, datatype, dest, tag, comm, TN_SEND_STD,
                            request);
}

TN_API(Issend)
int PMPI_Issend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Issend", buf, count, datatype, dest, tag, comm, TN_SEND_SYNC,
                            request);
}

TN_API(Issend_c)
int PMPI_Issend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Issend_c", buf, count, datatype, dest, tag, comm, TN_SEND_SYNC,
                            request);
}

TN_API(Irsend)
int PMPI_Irsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Irsend", buf, count, datatype, dest, tag, comm, TN_SEND_READY,
                            request);
}

TN_API(Irsend_c)
int PMPI_Irsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Irsend_c", buf, count, datatype, dest, tag, comm, TN_SEND_READY,
                            request);
}

TN_API(Ibsend)
int PMPI_Ibsend(const void *buf, int count, MPI_Datatype datatype, int dest, int tag,
                MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Ibsend", buf, count, datatype, dest, tag, comm,
                            TN_SEND_BUFFERED, request);
}

TN_API(Ibsend_c)
int PMPI_Ibsend_c(const void *buf, MPI_Count count, MPI_Datatype datatype, int dest, int tag,
                  MPI_Comm comm, MPI_Request *request)
{
    return send_nonblocking("MPI_Ibsend_c", buf, count, datatype, dest, tag, comm,
                            TN_SEND_BUFFERED, request);
}
