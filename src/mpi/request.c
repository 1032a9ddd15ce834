/* MPI 4.1 chapter 3.7: completing requests (the Wait and Test families,
 * Request_get_status), freeing and cancelling them, starting persistent ones,
 * and the status accessors.
 *
 * A user request is one of: a p2p or collective operation (done when its
 * `done` flag is set), a persistent request (waiting on its `inner` operation,
 * inactive while that is NULL), or a generalized request. Completing one
 * copies its status out (but MPI_ERROR, see pt2pt.h), then frees it and sets
 * the handle to MPI_REQUEST_NULL, or makes a persistent one inactive. */
#include <limits.h>
#include <stddef.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"
#include "core/progress.h"
#include "coll/sched.h"

/* The operation whose completion r waits for; NULL for an inactive
 * persistent request. */
static inline tn_request_t *req_op(tn_request_t *r)
{
    return r->kind == TN_REQ_PERSISTENT ? r->inner : r;
}

/* Operation behind handle h, NULL for null handles and inactive requests. */
static inline tn_request_t *handle_op(MPI_Request h)
{
    tn_request_t *r = tn_request_get(h);
    return r ? req_op(r) : NULL;
}

static inline MPI_Comm req_comm(const tn_request_t *r)
{
    return r->comm ? r->comm->handle : MPI_COMM_NULL;
}

/* *r = the request behind h, NULL for MPI_REQUEST_NULL. index >= 0 names an
 * entry of array_of_requests in the message. */
static int req_get(const char *fname, MPI_Request h, int index, tn_request_t **r)
{
    tn_request_t *p = tn_request_get(h);
    if (p || h == MPI_REQUEST_NULL) {
        *r = p;
        return MPI_SUCCESS;
    }
    if (index < 0)
        return tn_err_set(MPI_ERR_REQUEST, "%s: request 0x%x is not a valid request", fname,
                          (unsigned)h);
    return tn_err_set(MPI_ERR_REQUEST,
                      "%s: array_of_requests[%d] = 0x%x is not a valid request", fname, index,
                      (unsigned)h);
}

/* Validates the request array of the multiple-completion calls; *nactive
 * is the number of requests with an operation to complete. */
static int reqs_check(const char *fname, int count, const MPI_Request reqs[], int *nactive)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_count(fname, count);
    if (!rc && count > 0)
        rc = tn_check_ptr(fname, "array_of_requests", reqs);
    int n = 0;
    for (int i = 0; !rc && i < count; i++) {
        tn_request_t *r = NULL;
        rc = req_get(fname, reqs[i], i, &r);
        n += !rc && r && req_op(r);
    }
    if (!rc)
        *nactive = n;
    return rc;
}

/* The status of r's completed operation goes to status (but MPI_ERROR);
 * returns the operation's error code. */
static int req_peek(tn_request_t *r, MPI_Status *status)
{
    tn_request_t *op = req_op(r);
    if (op->kind == TN_REQ_GREQ)
        return tn_greq_query(op, status);
    tn_mpi_status_copy(status, &op->status);
    return op->status.MPI_ERROR;
}

/* Completes the user's request *h, whose operation is done: status gets its
 * status, then the request is freed and *h nulled, or a persistent request
 * made inactive; with keep (MPI_Request_get_status*) it is left as it is.
 * Returns the operation's error code; *comm is where to raise it. */
static int req_finish(MPI_Request *h, tn_request_t *r, MPI_Status *status, MPI_Comm *comm,
                      int keep)
{
    *comm = req_comm(r);
    int err = req_peek(r, status);
    if (keep)
        return err;
    if (r->kind == TN_REQ_PERSISTENT) {
        tn_request_free(r->inner);
        r->inner = NULL;
        r->active = 0;
        return err;
    }
    if (r->kind == TN_REQ_GREQ) {
        int frc = tn_greq_release(r);
        if (!err)
            err = frc;
    } else {
        tn_request_free(r);
    }
    *h = MPI_REQUEST_NULL;
    return err;
}

int tn_mpi_wait_free(tn_request_t *r, MPI_Status *status)
{
    int rc = tn_request_wait_done(r);
    if (rc) {
        tn_mpi_request_drop(r);
        return rc;
    }
    rc = r->status.MPI_ERROR;
    tn_mpi_status_copy(status, &r->status);
    tn_request_free(r);
    return rc;
}

/* Progress for the Test calls, when what they test is not complete yet. */
static int test_progress(void)
{
    int n = tn_progress_poll();
    return n < 0 ? -n : MPI_SUCCESS;
}

/* Single completion. */

/* The arguments of Wait/Test/Request_get_status (flag only when the call has
 * one); *r is the request, NULL for MPI_REQUEST_NULL. */
static int single_check(const char *fname, const MPI_Request *request, int has_flag,
                        const int *flag, const MPI_Status *status, tn_request_t **r)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc && has_flag)
        rc = tn_check_ptr(fname, "flag", flag);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    if (!rc)
        rc = req_get(fname, *request, -1, r);
    return rc;
}

TN_API(Wait)
int PMPI_Wait(MPI_Request *request, MPI_Status *status)
{
    tn_request_t *r = NULL, *op;
    MPI_Comm comm;
    int rc = single_check("MPI_Wait", request, 0, NULL, status, &r);
    if (rc)
        return tn_err_raise(rc);
    if (!r || !(op = req_op(r))) {
        tn_mpi_status_set_null(status);
        return MPI_SUCCESS;
    }
    if ((rc = tn_request_wait_done(op)))
        return tn_err_raise_comm(req_comm(r), rc);
    rc = req_finish(request, r, status, &comm, 0);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Test)
int PMPI_Test(MPI_Request *request, int *flag, MPI_Status *status)
{
    tn_request_t *r = NULL, *op;
    MPI_Comm comm;
    int rc = single_check("MPI_Test", request, 1, flag, status, &r);
    if (rc)
        return tn_err_raise(rc);
    if (!r || !(op = req_op(r))) {
        *flag = 1;
        tn_mpi_status_set_null(status);
        return MPI_SUCCESS;
    }
    if (!op->done && (rc = test_progress()))
        return tn_err_raise_comm(req_comm(r), rc);
    if (!op->done) {
        *flag = 0;
        return MPI_SUCCESS;
    }
    *flag = 1;
    rc = req_finish(request, r, status, &comm, 0);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Request_get_status)
int PMPI_Request_get_status(MPI_Request request, int *flag, MPI_Status *status)
{
    tn_request_t *r = NULL, *op;
    MPI_Comm comm;
    int rc = single_check("MPI_Request_get_status", &request, 1, flag, status, &r);
    if (rc)
        return tn_err_raise(rc);
    if (!r || !(op = req_op(r))) {
        *flag = 1;
        tn_mpi_status_set_null(status);
        return MPI_SUCCESS;
    }
    if (!op->done && (rc = test_progress()))
        return tn_err_raise_comm(req_comm(r), rc);
    *flag = op->done;
    if (!op->done)
        return MPI_SUCCESS;
    rc = req_finish(&request, r, status, &comm, 1);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

/* Multiple completion. The Test forms and their MPI_Request_get_status_*
 * twins share one implementation; `keep` leaves the requests as they are. */

/* Predicates over array_of_requests for tn_progress_wait. Completion is
 * monotone, so all_done resumes where it stopped; any_done leaves the index
 * of the first done request in next. */
struct req_set {
    int n;
    const MPI_Request *reqs;
    int next;
};

static int all_done(void *arg)
{
    struct req_set *s = arg;
    for (; s->next < s->n; s->next++) {
        tn_request_t *op = handle_op(s->reqs[s->next]);
        if (op && !op->done)
            return 0;
    }
    return 1;
}

static int any_done(void *arg)
{
    struct req_set *s = arg;
    for (int i = 0; i < s->n; i++) {
        tn_request_t *op = handle_op(s->reqs[i]);
        if (op && op->done) {
            s->next = i;
            return 1;
        }
    }
    return 0;
}

/* Per-request errors of the calls with an array of statuses: the MPI_ERROR
 * fields are written only when the call returns MPI_ERR_IN_STATUS, and then
 * in every status it returns (MPI 4.1 3.7.5). */
struct err_list {
    const char *fname;
    MPI_Status *sts; /* or MPI_STATUSES_IGNORE */
    int first;       /* request index of the first failure, -1 if none */
    int code;        /* its error */
    MPI_Comm comm;   /* and its communicator */
};

/* Records the error of the status at position pos, for request index i. */
static void err_note(struct err_list *e, int pos, int i, int code, MPI_Comm comm)
{
    int ignore = e->sts == MPI_STATUSES_IGNORE;
    if (e->first < 0 && code != MPI_SUCCESS) {
        e->first = i;
        e->code = code;
        e->comm = comm;
        for (int k = 0; !ignore && k < pos; k++)
            e->sts[k].MPI_ERROR = MPI_SUCCESS;
    }
    if (e->first >= 0 && !ignore)
        e->sts[pos].MPI_ERROR = code;
}

/* The call's result: MPI_ERR_IN_STATUS itself, as the standard says, after
 * raising it on the first failure's communicator with a message naming it. */
static int err_finish(const struct err_list *e)
{
    if (e->first < 0)
        return MPI_SUCCESS;
    tn_err_raise_comm(e->comm, tn_err_set(MPI_ERR_IN_STATUS, "%s: request %d failed: %s",
                                          e->fname, e->first, tn_err_string(e->code)));
    return MPI_ERR_IN_STATUS;
}

static MPI_Status *status_at(MPI_Status *sts, int i)
{
    return sts == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &sts[i];
}

/* Completes every request of the array once all are done. Requests still
 * pending after a transport failure (cause) get MPI_ERR_PENDING. */
static int finish_all(const char *fname, int count, MPI_Request reqs[], MPI_Status sts[],
                      int keep, int cause)
{
    struct err_list e = {fname, sts, -1, MPI_SUCCESS, MPI_COMM_NULL};
    for (int i = 0; i < count; i++) {
        MPI_Status *st = status_at(sts, i);
        tn_request_t *r = tn_request_get(reqs[i]);
        tn_request_t *op = r ? req_op(r) : NULL;
        MPI_Comm comm = MPI_COMM_NULL;
        int err = MPI_SUCCESS;
        if (!op) {
            tn_mpi_status_set_null(st);
        } else if (!op->done) {
            err = MPI_ERR_PENDING;
            comm = req_comm(r);
        } else {
            err = req_finish(&reqs[i], r, st, &comm, keep);
        }
        err_note(&e, i, i, err, comm);
    }
    if (cause && e.code == MPI_ERR_PENDING)
        e.code = cause;
    return err_finish(&e);
}

/* Completes every done request, in index order. */
static int finish_some(const char *fname, int count, MPI_Request reqs[], int *outcount,
                       int indices[], MPI_Status sts[], int keep)
{
    struct err_list e = {fname, sts, -1, MPI_SUCCESS, MPI_COMM_NULL};
    int n = 0;
    for (int i = 0; i < count; i++) {
        tn_request_t *r = tn_request_get(reqs[i]);
        tn_request_t *op = r ? req_op(r) : NULL;
        if (!op || !op->done)
            continue;
        MPI_Comm comm;
        int err = req_finish(&reqs[i], r, status_at(sts, n), &comm, keep);
        err_note(&e, n, i, err, comm);
        indices[n++] = i;
    }
    *outcount = n;
    return err_finish(&e);
}

/* Completes request i, for the Waitany/Testany forms. */
static int finish_any(MPI_Request reqs[], int i, int *index, MPI_Status *status, int keep)
{
    MPI_Comm comm;
    *index = i;
    int rc = req_finish(&reqs[i], tn_request_get(reqs[i]), status, &comm, keep);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

static int all_check(const char *fname, int count, MPI_Request reqs[], MPI_Status sts[],
                     int *nactive)
{
    int rc = reqs_check(fname, count, reqs, nactive);
    if (!rc && count > 0)
        rc = tn_check_ptr(fname, "array_of_statuses", sts);
    return rc;
}

static int any_check(const char *fname, int count, MPI_Request reqs[], int *index,
                     MPI_Status *status, int *nactive)
{
    int rc = reqs_check(fname, count, reqs, nactive);
    if (!rc)
        rc = tn_check_ptr(fname, "index", index);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    return rc;
}

static int some_check(const char *fname, int incount, MPI_Request reqs[], int *outcount,
                      int indices[], MPI_Status sts[], int *nactive)
{
    int rc = reqs_check(fname, incount, reqs, nactive);
    if (!rc)
        rc = tn_check_ptr(fname, "outcount", outcount);
    if (!rc && incount > 0)
        rc = tn_check_ptr(fname, "array_of_indices", indices);
    if (!rc && incount > 0)
        rc = tn_check_ptr(fname, "array_of_statuses", sts);
    return rc;
}

TN_API(Waitall)
int PMPI_Waitall(int count, MPI_Request array_of_requests[], MPI_Status array_of_statuses[])
{
    static const char fname[] = "MPI_Waitall";
    int nactive;
    int rc = all_check(fname, count, array_of_requests, array_of_statuses, &nactive);
    if (rc)
        return tn_err_raise(rc);
    struct req_set s = {count, array_of_requests, 0};
    if (nactive)
        rc = tn_progress_wait(all_done, &s);
    return finish_all(fname, count, array_of_requests, array_of_statuses, 0, rc);
}

static int test_all(const char *fname, int count, MPI_Request reqs[], int *flag,
                    MPI_Status sts[], int keep)
{
    int nactive;
    int rc = all_check(fname, count, reqs, sts, &nactive);
    if (!rc)
        rc = tn_check_ptr(fname, "flag", flag);
    if (rc)
        return tn_err_raise(rc);
    struct req_set s = {count, reqs, 0};
    if (!all_done(&s) && (rc = test_progress()))
        return tn_err_raise(rc);
    *flag = all_done(&s);
    return *flag ? finish_all(fname, count, reqs, sts, keep, MPI_SUCCESS) : MPI_SUCCESS;
}

TN_API(Testall)
int PMPI_Testall(int count, MPI_Request array_of_requests[], int *flag,
                 MPI_Status array_of_statuses[])
{
    return test_all("MPI_Testall", count, array_of_requests, flag, array_of_statuses, 0);
}

TN_API(Request_get_status_all)
int PMPI_Request_get_status_all(int count, MPI_Request array_of_requests[], int *flag,
                                MPI_Status array_of_statuses[])
{
    return test_all("MPI_Request_get_status_all", count, array_of_requests, flag,
                    array_of_statuses, 1);
}

TN_API(Waitany)
int PMPI_Waitany(int count, MPI_Request array_of_requests[], int *index, MPI_Status *status)
{
    static const char fname[] = "MPI_Waitany";
    int nactive;
    int rc = any_check(fname, count, array_of_requests, index, status, &nactive);
    if (rc)
        return tn_err_raise(rc);
    if (!nactive) {
        *index = MPI_UNDEFINED;
        tn_mpi_status_set_null(status);
        return MPI_SUCCESS;
    }
    struct req_set s = {count, array_of_requests, 0};
    if ((rc = tn_progress_wait(any_done, &s)))
        return tn_err_raise(rc);
    return finish_any(array_of_requests, s.next, index, status, 0);
}

static int test_any(const char *fname, int count, MPI_Request reqs[], int *index, int *flag,
                    MPI_Status *status, int keep)
{
    int nactive;
    int rc = any_check(fname, count, reqs, index, status, &nactive);
    if (!rc)
        rc = tn_check_ptr(fname, "flag", flag);
    if (rc)
        return tn_err_raise(rc);
    if (!nactive) {
        *flag = 1;
        *index = MPI_UNDEFINED;
        tn_mpi_status_set_null(status);
        return MPI_SUCCESS;
    }
    struct req_set s = {count, reqs, 0};
    if (!any_done(&s) && (rc = test_progress()))
        return tn_err_raise(rc);
    if (!any_done(&s)) {
        *flag = 0;
        *index = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    *flag = 1;
    return finish_any(reqs, s.next, index, status, keep);
}

TN_API(Testany)
int PMPI_Testany(int count, MPI_Request array_of_requests[], int *index, int *flag,
                 MPI_Status *status)
{
    return test_any("MPI_Testany", count, array_of_requests, index, flag, status, 0);
}

TN_API(Request_get_status_any)
int PMPI_Request_get_status_any(int count, MPI_Request array_of_requests[], int *index,
                                int *flag, MPI_Status *status)
{
    return test_any("MPI_Request_get_status_any", count, array_of_requests, index, flag, status,
                    1);
}

/* Waitsome (blocking) and the Testsome forms. */
static int some(const char *fname, int incount, MPI_Request reqs[], int *outcount,
                int indices[], MPI_Status sts[], int blocking, int keep)
{
    int nactive;
    int rc = some_check(fname, incount, reqs, outcount, indices, sts, &nactive);
    if (rc)
        return tn_err_raise(rc);
    if (!nactive) {
        *outcount = MPI_UNDEFINED;
        return MPI_SUCCESS;
    }
    struct req_set s = {incount, reqs, 0};
    if (blocking)
        rc = tn_progress_wait(any_done, &s);
    else if (!any_done(&s))
        rc = test_progress();
    if (rc)
        return tn_err_raise(rc);
    return finish_some(fname, incount, reqs, outcount, indices, sts, keep);
}

TN_API(Waitsome)
int PMPI_Waitsome(int incount, MPI_Request array_of_requests[], int *outcount,
                  int array_of_indices[], MPI_Status array_of_statuses[])
{
    return some("MPI_Waitsome", incount, array_of_requests, outcount, array_of_indices,
                array_of_statuses, 1, 0);
}

TN_API(Testsome)
int PMPI_Testsome(int incount, MPI_Request array_of_requests[], int *outcount,
                  int array_of_indices[], MPI_Status array_of_statuses[])
{
    return some("MPI_Testsome", incount, array_of_requests, outcount, array_of_indices,
                array_of_statuses, 0, 0);
}

TN_API(Request_get_status_some)
int PMPI_Request_get_status_some(int incount, MPI_Request array_of_requests[], int *outcount,
                                 int array_of_indices[], MPI_Status array_of_statuses[])
{
    return some("MPI_Request_get_status_some", incount, array_of_requests, outcount,
                array_of_indices, array_of_statuses, 0, 1);
}

/* Freeing and cancelling. */

/* The request argument of Request_free/Cancel: a request, not MPI_REQUEST_NULL. */
static int live_check(const char *fname, const MPI_Request *request, tn_request_t **r)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = req_get(fname, *request, -1, r);
    if (!rc && !*r)
        rc = tn_err_set(MPI_ERR_REQUEST, "%s: request is MPI_REQUEST_NULL", fname);
    return rc;
}

TN_API(Request_free)
int PMPI_Request_free(MPI_Request *request)
{
    tn_request_t *r = NULL;
    int rc = live_check("MPI_Request_free", request, &r);
    if (rc)
        return tn_err_raise(rc);
    MPI_Comm comm = req_comm(r);
    *request = MPI_REQUEST_NULL;
    switch (r->kind) {
    case TN_REQ_PERSISTENT:
        /* An active operation goes on; the engine frees it when it completes. */
        if (r->inner)
            tn_mpi_request_drop(r->inner);
        if (r->ctx_off == TN_CTX_COLL)
            tn_sched_persist_free(r);
        tn_request_free(r);
        break;
    case TN_REQ_GREQ:
        /* free_fn runs now, or in MPI_Grequest_complete if that comes later. */
        if (r->done)
            rc = tn_greq_release(r);
        else
            r->freed = 1;
        break;
    default:
        tn_mpi_request_drop(r);
    }
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Cancel)
int PMPI_Cancel(MPI_Request *request)
{
    static const char fname[] = "MPI_Cancel";
    tn_request_t *r = NULL;
    int rc = live_check(fname, request, &r);
    if (rc)
        return tn_err_raise(rc);
    tn_request_t *op = req_op(r);
    if (!op)
        rc = tn_err_set(MPI_ERR_REQUEST, "%s: the persistent request is inactive", fname);
    else if (op->kind == TN_REQ_GREQ)
        rc = tn_greq_cancel(op);
    else if (op->kind == TN_REQ_COLL)
        rc = tn_err_set(MPI_ERR_REQUEST,
                        "%s: request 0x%x (a collective, send-receive or buffer flush) can not "
                        "be cancelled",
                        fname, (unsigned)*request);
    else if (!op->done)
        rc = tn_p2p_cancel(op);
    return rc ? tn_err_raise_comm(req_comm(r), rc) : MPI_SUCCESS;
}

/* Persistent requests (created in persistent.c). */

/* The persistent request behind reqs[index] (index < 0: a single request),
 * which must be inactive. */
static int start_get(const char *fname, MPI_Request h, int index, tn_request_t **r)
{
    tn_request_t *p = NULL;
    int rc = req_get(fname, h, index, &p);
    if (rc)
        return rc;
    if (!p || p->kind != TN_REQ_PERSISTENT)
        return tn_err_set(MPI_ERR_REQUEST, "%s: request 0x%x is not a persistent request", fname,
                          (unsigned)h);
    if (p->inner)
        return tn_err_set(MPI_ERR_REQUEST, "%s: request 0x%x is already active", fname,
                          (unsigned)h);
    *r = p;
    return MPI_SUCCESS;
}

TN_API(Start)
int PMPI_Start(MPI_Request *request)
{
    static const char fname[] = "MPI_Start";
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = start_get(fname, *request, -1, &r);
    if (rc)
        return tn_err_raise(rc);
    rc = tn_persist_start(fname, r);
    return rc ? tn_err_raise_comm(req_comm(r), rc) : MPI_SUCCESS;
}

TN_API(Startall)
int PMPI_Startall(int count, MPI_Request array_of_requests[])
{
    static const char fname[] = "MPI_Startall";
    tn_request_t *r;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_count(fname, count);
    if (!rc && count > 0)
        rc = tn_check_ptr(fname, "array_of_requests", array_of_requests);
    /* All are checked before any starts. */
    for (int i = 0; !rc && i < count; i++)
        rc = start_get(fname, array_of_requests[i], i, &r);
    if (rc)
        return tn_err_raise(rc);
    for (int i = 0; i < count; i++) {
        r = tn_request_get(array_of_requests[i]);
        if ((rc = tn_persist_start(fname, r)))
            return tn_err_raise_comm(req_comm(r), rc);
    }
    return MPI_SUCCESS;
}

/* Status accessors. Counts are kept in bytes (tn_status_set_count). */

/* A status the call reads or writes: not NULL, not MPI_STATUS_IGNORE. */
static int status_check(const char *fname, const MPI_Status *status)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    if (!rc && status == MPI_STATUS_IGNORE)
        rc = tn_err_set(MPI_ERR_ARG, "%s: status is MPI_STATUS_IGNORE", fname);
    return rc;
}

/* The arguments of Get_count/Get_elements: status, datatype and the output. */
static int get_check(const char *fname, const MPI_Status *status, MPI_Datatype datatype,
                     const void *count, tn_datatype_t **dt)
{
    int rc = status_check(fname, status);
    if (!rc)
        rc = tn_check_type(fname, 0, datatype, dt);
    if (!rc)
        rc = tn_check_ptr(fname, "count", count);
    return rc;
}

/* Whole elements of dt in the status' bytes, or MPI_UNDEFINED. */
static MPI_Count status_count(const MPI_Status *status, const tn_datatype_t *dt)
{
    MPI_Count bytes = tn_status_get_count(status);
    if (dt->size == 0)
        return bytes == 0 ? 0 : MPI_UNDEFINED;
    return bytes % dt->size ? MPI_UNDEFINED : bytes / dt->size;
}

/* MPI_UNDEFINED where a count does not fit the int of the non-_c calls. */
static int count_to_int(MPI_Count n)
{
    return n > INT_MAX ? MPI_UNDEFINED : (int)n;
}

/* What Get_count (or, with elements, Get_elements) reports, in *n. */
static int status_value(const char *fname, const MPI_Status *status, MPI_Datatype datatype,
                        int elements, const void *count, MPI_Count *n)
{
    tn_datatype_t *dt;
    int rc = get_check(fname, status, datatype, count, &dt);
    if (!rc)
        *n = elements ? tn_dtype_elements(dt, tn_status_get_count(status))
                      : status_count(status, dt);
    return rc;
}

/* The non-_c forms. */
static int status_value_int(const char *fname, const MPI_Status *status, MPI_Datatype datatype,
                            int elements, int *count)
{
    MPI_Count n;
    int rc = status_value(fname, status, datatype, elements, count, &n);
    if (rc)
        return tn_err_raise(rc);
    *count = count_to_int(n);
    return MPI_SUCCESS;
}

/* The _c and _x forms. */
static int status_value_count(const char *fname, const MPI_Status *status,
                              MPI_Datatype datatype, int elements, MPI_Count *count)
{
    int rc = status_value(fname, status, datatype, elements, count, count);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Get_count)
int PMPI_Get_count(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    return status_value_int("MPI_Get_count", status, datatype, 0, count);
}

TN_API(Get_count_c)
int PMPI_Get_count_c(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    return status_value_count("MPI_Get_count_c", status, datatype, 0, count);
}

TN_API(Get_elements)
int PMPI_Get_elements(const MPI_Status *status, MPI_Datatype datatype, int *count)
{
    return status_value_int("MPI_Get_elements", status, datatype, 1, count);
}

TN_API(Get_elements_c)
int PMPI_Get_elements_c(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    return status_value_count("MPI_Get_elements_c", status, datatype, 1, count);
}

TN_API(Get_elements_x)
int PMPI_Get_elements_x(const MPI_Status *status, MPI_Datatype datatype, MPI_Count *count)
{
    return status_value_count("MPI_Get_elements_x", status, datatype, 1, count);
}

/* MPI_Status_set_elements*: count elements of datatype, stored as bytes. */
static int set_elements(const char *fname, MPI_Status *status, MPI_Datatype datatype,
                        MPI_Count count)
{
    tn_datatype_t *dt;
    int rc = status_check(fname, status);
    if (!rc)
        rc = tn_check_type(fname, (MPI_Aint)count, datatype, &dt);
    if (rc)
        return tn_err_raise(rc);
    tn_status_set_count(status, count * dt->size);
    return MPI_SUCCESS;
}

TN_API(Status_set_elements)
int PMPI_Status_set_elements(MPI_Status *status, MPI_Datatype datatype, int count)
{
    return set_elements("MPI_Status_set_elements", status, datatype, count);
}

TN_API(Status_set_elements_c)
int PMPI_Status_set_elements_c(MPI_Status *status, MPI_Datatype datatype, MPI_Count count)
{
    return set_elements("MPI_Status_set_elements_c", status, datatype, count);
}

TN_API(Status_set_elements_x)
int PMPI_Status_set_elements_x(MPI_Status *status, MPI_Datatype datatype, MPI_Count count)
{
    return set_elements("MPI_Status_set_elements_x", status, datatype, count);
}

TN_API(Test_cancelled)
int PMPI_Test_cancelled(const MPI_Status *status, int *flag)
{
    static const char fname[] = "MPI_Test_cancelled";
    int rc = status_check(fname, status);
    if (!rc)
        rc = tn_check_ptr(fname, "flag", flag);
    if (rc)
        return tn_err_raise(rc);
    *flag = tn_status_get_cancelled(status);
    return MPI_SUCCESS;
}

TN_API(Status_set_cancelled)
int PMPI_Status_set_cancelled(MPI_Status *status, int flag)
{
    int rc = status_check("MPI_Status_set_cancelled", status);
    if (rc)
        return tn_err_raise(rc);
    tn_status_set_cancelled(status, flag);
    return MPI_SUCCESS;
}

/* MPI 4.1's accessors of the public fields, for languages that can not
 * reach them; off is the field's offsetof. */

static int status_get(const char *fname, MPI_Status *status, size_t off, int *out)
{
    int rc = status_check(fname, status);
    if (!rc)
        rc = tn_check_ptr(fname, "output", out);
    if (rc)
        return tn_err_raise(rc);
    *out = *(const int *)(const void *)((const char *)status + off);
    return MPI_SUCCESS;
}

static int status_set(const char *fname, MPI_Status *status, size_t off, int value)
{
    int rc = status_check(fname, status);
    if (rc)
        return tn_err_raise(rc);
    *(int *)(void *)((char *)status + off) = value;
    return MPI_SUCCESS;
}

TN_API(Status_get_source)
int PMPI_Status_get_source(MPI_Status *status, int *source)
{
    return status_get("MPI_Status_get_source", status, offsetof(MPI_Status, MPI_SOURCE), source);
}

TN_API(Status_get_tag)
int PMPI_Status_get_tag(MPI_Status *status, int *tag)
{
    return status_get("MPI_Status_get_tag", status, offsetof(MPI_Status, MPI_TAG), tag);
}

TN_API(Status_get_error)
int PMPI_Status_get_error(MPI_Status *status, int *error)
{
    return status_get("MPI_Status_get_error", status, offsetof(MPI_Status, MPI_ERROR), error);
}

TN_API(Status_set_source)
int PMPI_Status_set_source(MPI_Status *status, int source)
{
    return status_set("MPI_Status_set_source", status, offsetof(MPI_Status, MPI_SOURCE), source);
}

TN_API(Status_set_tag)
int PMPI_Status_set_tag(MPI_Status *status, int tag)
{
    return status_set("MPI_Status_set_tag", status, offsetof(MPI_Status, MPI_TAG), tag);
}

TN_API(Status_set_error)
int PMPI_Status_set_error(MPI_Status *status, int error)
{
    return status_set("MPI_Status_set_error", status, offsetof(MPI_Status, MPI_ERROR), error);
}
