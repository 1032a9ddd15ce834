/* MPI 4.1 chapter 13.2: generalized requests. The user completes them with
 * MPI_Grequest_complete; the Wait/Test calls (request.c) then take the status
 * from query_fn and release the request through free_fn. */
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"

TN_API(Grequest_start)
int PMPI_Grequest_start(MPI_Grequest_query_function *query_fn,
                        MPI_Grequest_free_function *free_fn,
                        MPI_Grequest_cancel_function *cancel_fn, void *extra_state,
                        MPI_Request *request)
{
    static const char fname[] = "MPI_Grequest_start";
    tn_request_t *r = NULL;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc && !(r = tn_request_alloc(TN_REQ_GREQ)))
        rc = TN_ERR_SETMEM(fname);
    if (rc)
        return tn_err_raise(rc);
    r->query_fn = query_fn;
    r->free_fn = free_fn;
    r->cancel_fn = cancel_fn;
    r->extra_state = extra_state;
    MPI_Request h = tn_request_handle(r);
    if (h == MPI_REQUEST_NULL) {
        tn_request_free(r);
        return tn_err_raise(TN_ERR_SETMEM(fname));
    }
    *request = h;
    return MPI_SUCCESS;
}

TN_API(Grequest_complete)
int PMPI_Grequest_complete(MPI_Request request)
{
    static const char fname[] = "MPI_Grequest_complete";
    tn_request_t *r = NULL;
    int rc = tn_rt_check(fname);
    if (!rc && (!(r = tn_request_get(request)) || r->kind != TN_REQ_GREQ))
        rc = tn_err_set(MPI_ERR_REQUEST, "%s: request 0x%x is not a generalized request", fname,
                        (unsigned)request);
    if (!rc && r->done)
        rc = tn_err_set(MPI_ERR_REQUEST, "%s: request 0x%x is already complete", fname,
                        (unsigned)request);
    if (rc)
        return tn_err_raise(rc);
    /* Freed by MPI_Request_free before completing: free_fn runs now, and
     * tn_request_complete releases the request. */
    if (r->freed && r->free_fn)
        rc = r->free_fn(r->extra_state);
    tn_request_complete(r);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

int tn_greq_query(tn_request_t *r, MPI_Status *status)
{
    MPI_Status st;
    tn_mpi_status_set_null(&st);
    int rc = r->query_fn ? r->query_fn(r->extra_state, &st) : MPI_SUCCESS;
    tn_mpi_status_copy(status, &st);
    return rc;
}

int tn_greq_release(tn_request_t *r)
{
    int rc = r->free_fn ? r->free_fn(r->extra_state) : MPI_SUCCESS;
    tn_request_free(r);
    return rc;
}

int tn_greq_cancel(tn_request_t *r)
{
    return r->cancel_fn ? r->cancel_fn(r->extra_state, r->done) : MPI_SUCCESS;
}
