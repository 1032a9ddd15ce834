/* MPI 4.1 chapter 3.6: buffered sends and the buffers they use.
 *
 * A buffered send packs the message into a buffer the user attached (to the
 * process, or to the communicator, which takes precedence) and sends it from
 * there, so the call completes locally. Each message takes one block: a
 * header, then the packed data. Blocks are carved first-fit out of the buffer,
 * kept in address order, and given back as soon as their internal send
 * completes (its on_done hook). With MPI_BUFFER_AUTOMATIC each block is
 * malloc'ed instead. */
#include <limits.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"
#include "core/progress.h"

#define TN_BALIGN alignof(max_align_t)
#define TN_BROUND(n) (((size_t)(n) + TN_BALIGN - 1) & ~(size_t)(TN_BALIGN - 1))

struct bpool;

struct bblock {
    struct bblock *next; /* the pool's blocks, in address order (attached buffers only) */
    struct bpool *pool;
    size_t size;         /* header and data, rounded up */
};

#define TN_BHDR TN_BROUND(sizeof(struct bblock))

/* What one message may cost beyond its packed size: its header and the
 * rounding of its data, plus (once per buffer) aligning the buffer's start. */
_Static_assert(TN_BHDR + 2 * (TN_BALIGN - 1) <= MPI_BSEND_OVERHEAD,
               "a block header does not fit in MPI_BSEND_OVERHEAD");

struct bpool {
    int attached;
    void *user;            /* the buffer as attached, or MPI_BUFFER_AUTOMATIC */
    MPI_Count user_size;
    char *start, *end;     /* its aligned part */
    struct bblock *blocks;
    int pending;           /* messages whose internal send has not completed */
    tn_request_t *flushes; /* iflush requests waiting for pending == 0, linked by `next` */
    tn_comm_t *comm;       /* communicator pools: the communicator (referenced) */
    struct bpool *next;
};

static struct bpool proc_pool;
static struct bpool *comm_pools;

static struct bpool *comm_pool(const tn_comm_t *c)
{
    struct bpool *p = comm_pools;
    while (p && p->comm != c)
        p = p->next;
    return p;
}

static int pool_automatic(const struct bpool *p)
{
    return p->user == MPI_BUFFER_AUTOMATIC;
}

/* First fit: a block of need bytes, linked into the pool; NULL if none fits. */
static struct bblock *block_alloc(struct bpool *p, size_t need)
{
    struct bblock *b;
    if (pool_automatic(p)) {
        if ((b = malloc(need)))
            b->next = NULL;
        return b;
    }
    char *at = p->start;
    struct bblock **link = &p->blocks;
    for (;;) {
        char *limit = *link ? (char *)*link : p->end;
        if ((size_t)(limit - at) >= need)
            break;
        if (!*link)
            return NULL;
        at = (char *)*link + (*link)->size;
        link = &(*link)->next;
    }
    b = (struct bblock *)(void *)at;
    b->next = *link;
    *link = b;
    return b;
}

/* A block's message is gone: its space returns to the pool; the pool's
 * iflush requests complete when nothing is pending any more. */
static void block_release(struct bblock *b)
{
    struct bpool *p = b->pool;
    if (pool_automatic(p)) {
        free(b);
    } else {
        struct bblock **link = &p->blocks;
        while (*link != b)
            link = &(*link)->next;
        *link = b->next;
    }
    if (--p->pending > 0)
        return;
    while (p->flushes) {
        tn_request_t *r = p->flushes;
        p->flushes = r->next;
        r->next = NULL;
        tn_request_complete(r);
    }
}

static void block_sent(tn_request_t *r)
{
    block_release(r->cb_arg);
}

/* Packs the message into a block of c's buffer and sends it from there. */
static int bsend_post(const char *fname, const void *buf, MPI_Aint count, tn_datatype_t *dt,
                      int dest, int tag, tn_comm_t *c)
{
    struct bpool *p = comm_pool(c);
    if (!p || !p->attached)
        p = &proc_pool;
    if (!p->attached)
        return tn_err_set(MPI_ERR_BUFFER,
                          "%s: no buffer is attached for buffered sends "
                          "(MPI_Buffer_attach or MPI_Comm_attach_buffer)",
                          fname);
    size_t bytes = (size_t)dt->size * (size_t)count;
    size_t need = TN_BHDR + TN_BROUND(bytes);
    struct bblock *b = block_alloc(p, need);
    /* Sends that completed meanwhile give their space back. */
    if (!b && !pool_automatic(p) && tn_progress_poll() >= 0)
        b = block_alloc(p, need);
    if (!b && pool_automatic(p))
        return TN_ERR_SETMEM(fname);
    if (!b)
        return tn_err_set(MPI_ERR_BUFFER,
                          "%s: a message of %zu bytes does not fit in the attached buffer of "
                          "%lld bytes (%d buffered messages pending; each needs its packed size "
                          "+ MPI_BSEND_OVERHEAD = %d bytes)",
                          fname, bytes, (long long)p->user_size, p->pending, MPI_BSEND_OVERHEAD);
    b->pool = p;
    b->size = need;
    p->pending++;
    char *data = (char *)b + TN_BHDR;
    tn_dtype_pack(dt, buf, count, 0, data, bytes);
    tn_request_t *r;
    int rc = tn_p2p_isend(data, (MPI_Aint)bytes, tn_datatype_get(MPI_PACKED), dest, tag, c,
                          TN_CTX_P2P, TN_SEND_STD, &r);
    if (rc) {
        block_release(b);
        return rc;
    }
    if (r->done) {
        tn_request_free(r);
        block_release(b);
    } else {
        r->on_done = block_sent;
        r->cb_arg = b;
        r->freed = 1;
    }
    return MPI_SUCCESS;
}

int tn_bsend_start(const char *fname, const void *buf, MPI_Aint count, tn_datatype_t *dt,
                   int dest, int tag, tn_comm_t *c, tn_request_t **req)
{
    tn_request_t *r = tn_request_alloc(TN_REQ_SEND);
    if (!r)
        return TN_ERR_SETMEM(fname);
    int rc = dest == MPI_PROC_NULL ? MPI_SUCCESS : bsend_post(fname, buf, count, dt, dest, tag, c);
    if (rc) {
        tn_request_free(r);
        return rc;
    }
    tn_status_set_empty(&r->status);
    tn_request_complete(r);
    *req = r;
    return MPI_SUCCESS;
}

/* Attaching, flushing and detaching, common to process and communicator buffers. */

static int pool_attach(const char *fname, struct bpool *p, void *buffer, MPI_Count size)
{
    if (p->attached)
        return tn_err_set(MPI_ERR_BUFFER, "%s: a buffer is already attached; detach it first",
                          fname);
    if (buffer != MPI_BUFFER_AUTOMATIC) {
        if (size < 0)
            return tn_err_set(MPI_ERR_ARG, "%s: size %lld is negative", fname, (long long)size);
        if (!buffer && size > 0)
            return tn_err_set(MPI_ERR_BUFFER, "%s: buffer is NULL but size is %lld", fname,
                              (long long)size);
        uintptr_t start = ((uintptr_t)buffer + TN_BALIGN - 1) & ~(uintptr_t)(TN_BALIGN - 1);
        p->start = (char *)start;
        p->end = (char *)buffer + size;
        if (p->end < p->start)
            p->end = p->start;
    }
    p->attached = 1;
    p->user = buffer;
    p->user_size = buffer == MPI_BUFFER_AUTOMATIC ? 0 : size;
    p->blocks = NULL;
    return MPI_SUCCESS;
}

static int pool_idle(void *arg)
{
    return ((struct bpool *)arg)->pending == 0;
}

static int pool_flush(struct bpool *p)
{
    return p->pending ? tn_progress_wait(pool_idle, p) : MPI_SUCCESS;
}

/* An MPI_*_iflush request: complete once nothing is pending in p. */
static int pool_iflush(const char *fname, struct bpool *p, MPI_Request *request)
{
    tn_request_t *r = tn_request_alloc(TN_REQ_COLL);
    if (!r)
        return TN_ERR_SETMEM(fname);
    tn_status_set_empty(&r->status);
    if (p && p->pending) {
        r->next = p->flushes;
        p->flushes = r;
    } else {
        tn_request_complete(r);
    }
    return tn_mpi_request_out(fname, r, request);
}

/* Waits for p's messages to go out, then detaches its buffer. The buffer and
 * its size go to *buffer_addr and *size (NULL and 0 when none is attached);
 * int_size: the size must fit an int. */
static int pool_detach(const char *fname, struct bpool *p, void *buffer_addr, MPI_Count *size,
                       int int_size)
{
    int rc = tn_check_ptr(fname, "buffer_addr", buffer_addr);
    if (!rc)
        rc = tn_check_ptr(fname, "size", size);
    if (rc)
        return rc;
    if (!p || !p->attached) {
        *(void **)buffer_addr = NULL;
        *size = 0;
        return MPI_SUCCESS;
    }
    if (int_size && p->user_size > INT_MAX)
        return tn_err_set(MPI_ERR_VALUE_TOO_LARGE,
                          "%s: the attached buffer's size %lld does not fit an int (use %s_c)",
                          fname, (long long)p->user_size, fname);
    if ((rc = pool_flush(p)))
        return rc;
    *(void **)buffer_addr = p->user;
    *size = p->user_size;
    p->attached = 0;
    return MPI_SUCCESS;
}

/* The process's buffer. */

TN_API(Buffer_attach)
int PMPI_Buffer_attach(void *buffer, int size)
{
    int rc = tn_rt_check("MPI_Buffer_attach");
    if (!rc)
        rc = pool_attach("MPI_Buffer_attach", &proc_pool, buffer, size);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Buffer_attach_c)
int PMPI_Buffer_attach_c(void *buffer, MPI_Count size)
{
    int rc = tn_rt_check("MPI_Buffer_attach_c");
    if (!rc)
        rc = pool_attach("MPI_Buffer_attach_c", &proc_pool, buffer, size);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Buffer_detach)
int PMPI_Buffer_detach(void *buffer_addr, int *size)
{
    MPI_Count n;
    int rc = tn_rt_check("MPI_Buffer_detach");
    if (!rc)
        rc = tn_check_ptr("MPI_Buffer_detach", "size", size);
    if (!rc)
        rc = pool_detach("MPI_Buffer_detach", &proc_pool, buffer_addr, &n, 1);
    if (rc)
        return tn_err_raise(rc);
    *size = (int)n;
    return MPI_SUCCESS;
}

TN_API(Buffer_detach_c)
int PMPI_Buffer_detach_c(void *buffer_addr, MPI_Count *size)
{
    int rc = tn_rt_check("MPI_Buffer_detach_c");
    if (!rc)
        rc = pool_detach("MPI_Buffer_detach_c", &proc_pool, buffer_addr, size, 0);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Buffer_flush)
int PMPI_Buffer_flush(void)
{
    int rc = tn_rt_check("MPI_Buffer_flush");
    if (!rc)
        rc = pool_flush(&proc_pool);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Buffer_iflush)
int PMPI_Buffer_iflush(MPI_Request *request)
{
    static const char fname[] = "MPI_Buffer_iflush";
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_ptr(fname, "request", request);
    if (!rc)
        rc = pool_iflush(fname, &proc_pool, request);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

/* Communicators' buffers: a pool per communicator, kept (with a reference
 * on the communicator) until detached or MPI_Finalize. */

static int comm_attach(const char *fname, MPI_Comm comm, void *buffer, MPI_Count size)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    struct bpool *p = comm_pool(c);
    if (!p) {
        if (!(p = calloc(1, sizeof(*p))))
            return tn_err_raise_comm(comm, TN_ERR_SETMEM(fname));
        p->comm = tn_comm_ref(c);
        p->next = comm_pools;
        comm_pools = p;
    }
    rc = pool_attach(fname, p, buffer, size);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

static int comm_detach(const char *fname, MPI_Comm comm, void *buffer_addr, MPI_Count *size,
                       int int_size)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc)
        rc = pool_detach(fname, comm_pool(c), buffer_addr, size, int_size);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    for (struct bpool **link = &comm_pools; *link; link = &(*link)->next) {
        if ((*link)->comm == c) {
            struct bpool *p = *link;
            *link = p->next;
            tn_comm_release(c);
            free(p);
            break;
        }
    }
    return MPI_SUCCESS;
}

/* MPI_Comm_flush_buffer (request NULL) and MPI_Comm_iflush_buffer. */
static int comm_flush(const char *fname, MPI_Comm comm, MPI_Request *request)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc && request)
        rc = pool_iflush(fname, comm_pool(c), request);
    else if (!rc && comm_pool(c))
        rc = pool_flush(comm_pool(c));
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Comm_attach_buffer)
int PMPI_Comm_attach_buffer(MPI_Comm comm, void *buffer, int size)
{
    return comm_attach("MPI_Comm_attach_buffer", comm, buffer, size);
}

TN_API(Comm_attach_buffer_c)
int PMPI_Comm_attach_buffer_c(MPI_Comm comm, void *buffer, MPI_Count size)
{
    return comm_attach("MPI_Comm_attach_buffer_c", comm, buffer, size);
}

TN_API(Comm_detach_buffer)
int PMPI_Comm_detach_buffer(MPI_Comm comm, void *buffer_addr, int *size)
{
    MPI_Count n;
    int rc = tn_check_ptr("MPI_Comm_detach_buffer", "size", size);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    if ((rc = comm_detach("MPI_Comm_detach_buffer", comm, buffer_addr, &n, 1)))
        return rc;
    *size = (int)n;
    return MPI_SUCCESS;
}

TN_API(Comm_detach_buffer_c)
int PMPI_Comm_detach_buffer_c(MPI_Comm comm, void *buffer_addr, MPI_Count *size)
{
    return comm_detach("MPI_Comm_detach_buffer_c", comm, buffer_addr, size, 0);
}

TN_API(Comm_flush_buffer)
int PMPI_Comm_flush_buffer(MPI_Comm comm)
{
    return comm_flush("MPI_Comm_flush_buffer", comm, NULL);
}

TN_API(Comm_iflush_buffer)
int PMPI_Comm_iflush_buffer(MPI_Comm comm, MPI_Request *request)
{
    int rc = tn_check_ptr("MPI_Comm_iflush_buffer", "request", request);
    return rc ? tn_err_raise_comm(comm, rc) : comm_flush("MPI_Comm_iflush_buffer", comm, request);
}

int tn_bsend_finalize(void)
{
    int rc = pool_flush(&proc_pool);
    proc_pool.attached = 0;
    while (comm_pools) {
        struct bpool *p = comm_pools;
        int prc = pool_flush(p);
        if (!rc)
            rc = prc;
        comm_pools = p->next;
        tn_comm_release(p->comm);
        free(p);
    }
    return rc;
}
