/* Request objects: a free list for the fast path, a handle table for the
 * requests the user sees, and the status helpers. */
#include <stdlib.h>
#include <string.h>
#include "core/handle.h"
#include "core/progress.h"
#include "p2p/request.h"

static tn_request_t *free_list;
static tn_htab_t req_tab = TN_HTAB_INIT(TN_KIND_REQUEST);

tn_request_t *tn_request_alloc(enum tn_req_kind kind)
{
    tn_request_t *r = free_list;
    if (r)
        free_list = r->next;
    else if (!(r = malloc(sizeof(*r))))
        return NULL;
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->status.MPI_ERROR = MPI_SUCCESS;
    return r;
}

void tn_request_free(tn_request_t *r)
{
    if (r->handle)
        tn_htab_remove(&req_tab, r->handle);
    if (r->comm)
        tn_comm_release(r->comm);
    if (r->dt)
        tn_datatype_release(r->dt);
    free(r->tmp);
    r->next = free_list;
    free_list = r;
}

void tn_request_complete(tn_request_t *r)
{
    r->done = 1;
    if (r->on_done)
        r->on_done(r);
    if (r->freed)
        tn_request_free(r);
}

static int request_done(void *arg)
{
    return ((tn_request_t *)arg)->done;
}

int tn_request_wait_done(tn_request_t *r)
{
    return r->done ? MPI_SUCCESS : tn_progress_wait(request_done, r);
}

int tn_request_wait(tn_request_t *r, MPI_Status *status)
{
    int rc = tn_request_wait_done(r);
    if (rc)
        return rc;
    rc = r->status.MPI_ERROR;
    if (status != MPI_STATUS_IGNORE)
        *status = r->status;
    tn_request_free(r);
    return rc;
}

struct all_done {
    int n;
    tn_request_t **reqs;
};

static int requests_done(void *arg)
{
    struct all_done *a = arg;
    for (int i = 0; i < a->n; i++)
        if (!a->reqs[i]->done)
            return 0;
    return 1;
}

int tn_request_waitall(int n, tn_request_t **reqs)
{
    struct all_done a = {n, reqs};
    int rc = tn_progress_wait(requests_done, &a);
    for (int i = 0; i < n; i++) {
        if (!rc)
            rc = reqs[i]->status.MPI_ERROR;
        if (reqs[i]->done)
            tn_request_free(reqs[i]);
        else
            reqs[i]->freed = 1; /* a transport failed: release when (if) it completes */
    }
    return rc;
}

MPI_Request tn_request_handle(tn_request_t *r)
{
    if (!r->handle)
        r->handle = tn_htab_insert(&req_tab, r);
    return r->handle ? r->handle : MPI_REQUEST_NULL;
}

tn_request_t *tn_request_get(MPI_Request handle)
{
    return tn_htab_lookup(&req_tab, handle);
}

void tn_status_set_count(MPI_Status *st, MPI_Count bytes)
{
    st->count_lo = (int)(unsigned)((unsigned long long)bytes & 0xffffffffu);
    st->count_hi_and_cancelled =
        (int)((unsigned)(((unsigned long long)bytes >> 32) << 1) |
              ((unsigned)st->count_hi_and_cancelled & 1u));
}

MPI_Count tn_status_get_count(const MPI_Status *st)
{
    unsigned long long lo = (unsigned)st->count_lo;
    unsigned long long hi = (unsigned)st->count_hi_and_cancelled >> 1;
    return (MPI_Count)(lo | (hi << 32));
}

void tn_status_set_cancelled(MPI_Status *st, int flag)
{
    st->count_hi_and_cancelled = (st->count_hi_and_cancelled & ~1) | (flag ? 1 : 0);
}

int tn_status_get_cancelled(const MPI_Status *st)
{
    return st->count_hi_and_cancelled & 1;
}

void tn_status_set_empty(MPI_Status *st)
{
    st->MPI_SOURCE = MPI_PROC_NULL;
    st->MPI_TAG = MPI_ANY_TAG;
    st->count_lo = 0;
    st->count_hi_and_cancelled = 0;
}
