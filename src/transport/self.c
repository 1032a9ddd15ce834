/* The self provider: messages from a rank to itself. am_send queues the
 * message; progress delivers it, so handlers never run inside the sender's
 * call stack. Payloads are referenced, not copied, unless injected. */
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "core/error.h"
#include "transport/transport.h"

#define SELF_IOV_MAX 4

typedef struct self_msg {
    struct self_msg *next;
    unsigned am_id;
    size_t hdr_len, data_len;
    struct iovec iov[SELF_IOV_MAX]; /* the payload (into `owned` when injected) */
    int iovcnt;
    tn_tp_completion_t *comp;
    unsigned char *owned;
    unsigned char hdr[];
} self_msg_t;

typedef struct self_tp {
    tn_tp_t base;
    const tn_am_handler_t *handlers;
    void *arg;
    int rank;
    self_msg_t *head, *tail;
} self_tp_t;

static int self_probe(const char **why)
{
    (void)why;
    return 1;
}

static int self_open(const tn_tp_params_t *p, tn_tp_t **out)
{
    self_tp_t *s = calloc(1, sizeof(*s));
    if (!s)
        return TN_ERR_SETMEM("MPI_Init");
    s->base = (tn_tp_t){.ops = &tn_self_ops, .caps = TN_TP_CAP_SELF | TN_TP_CAP_STREAM,
                        .eager_max = 64 * 1024, .hdr_max = 256, .wait_fd = -1};
    s->handlers = p->handlers;
    s->arg = p->handler_arg;
    s->rank = p->rank;
    *out = &s->base;
    return MPI_SUCCESS;
}

static void self_close(tn_tp_t *tp)
{
    self_tp_t *s = (self_tp_t *)tp;
    while (s->head) {
        self_msg_t *m = s->head;
        s->head = m->next;
        free(m->owned);
        free(m);
    }
    free(s);
}

static int self_addr(tn_tp_t *tp, void *buf, size_t *len)
{
    (void)tp;
    (void)buf;
    *len = 0;
    return MPI_SUCCESS;
}

static size_t iov_total(const struct iovec *iov, int n)
{
    size_t t = 0;
    for (int i = 0; i < n; i++)
        t += iov[i].iov_len;
    return t;
}

/* Copies from one iovec list to another, at most the smaller total. */
static void iov_copy(const struct iovec *dst, int nd, const struct iovec *src, int ns)
{
    size_t doff = 0, soff = 0;
    int d = 0, s = 0;
    while (d < nd && s < ns) {
        size_t n = dst[d].iov_len - doff;
        if (src[s].iov_len - soff < n)
            n = src[s].iov_len - soff;
        memcpy((char *)dst[d].iov_base + doff, (const char *)src[s].iov_base + soff, n);
        doff += n;
        soff += n;
        if (doff == dst[d].iov_len) { d++; doff = 0; }
        if (soff == src[s].iov_len) { s++; soff = 0; }
    }
}

static int self_am_send(tn_tp_t *tp, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                        const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp)
{
    self_tp_t *s = (self_tp_t *)tp;
    (void)peer;
    size_t data_len = iov_total(iov, iovcnt);
    int inject = comp == NULL || iovcnt > SELF_IOV_MAX;
    self_msg_t *m = malloc(sizeof(*m) + hdr_len);
    if (!m)
        return TN_ERR_SETMEM("self transport");
    *m = (self_msg_t){.am_id = am_id, .hdr_len = hdr_len, .data_len = data_len, .comp = comp};
    memcpy(m->hdr, hdr, hdr_len);
    if (inject && data_len) {
        m->owned = malloc(data_len);
        if (!m->owned) {
            free(m);
            return TN_ERR_SETMEM("self transport");
        }
        struct iovec whole = {m->owned, data_len};
        iov_copy(&whole, 1, iov, iovcnt);
        m->iov[0] = whole;
        m->iovcnt = 1;
    } else if (iovcnt > 0) {
        memcpy(m->iov, iov, (size_t)iovcnt * sizeof(*iov));
        m->iovcnt = iovcnt;
    }
    if (s->tail)
        s->tail->next = m;
    else
        s->head = m;
    s->tail = m;
    return MPI_SUCCESS;
}

static void self_deliver(self_tp_t *s, self_msg_t *m)
{
    const tn_am_handler_t *h = &s->handlers[m->am_id];
    const struct iovec *dst;
    int nd;
    if (h->place && h->place(s->arg, s->rank, m->hdr, m->hdr_len, m->data_len, &dst, &nd)) {
        iov_copy(dst, nd, m->iov, m->iovcnt);
        h->deliver(s->arg, s->rank, m->hdr, m->hdr_len, NULL, m->data_len);
    } else if (m->iovcnt <= 1) {
        h->deliver(s->arg, s->rank, m->hdr, m->hdr_len, m->iovcnt ? m->iov[0].iov_base : NULL,
                   m->data_len);
    } else {
        void *flat = malloc(m->data_len);
        struct iovec whole = {flat, m->data_len};
        if (!flat)
            tn_err_fatal(TN_ERR_SETMEM("self transport"));
        iov_copy(&whole, 1, m->iov, m->iovcnt);
        h->deliver(s->arg, s->rank, m->hdr, m->hdr_len, flat, m->data_len);
        free(flat);
    }
}

static __attribute__((noinline)) int self_deliver_all(self_tp_t *s)
{
    self_msg_t *m = s->head;
    int n = 0;
    /* Messages queued by handlers run in this pass wait for the next one. */
    s->head = s->tail = NULL;
    while (m) {
        self_msg_t *next = m->next;
        self_deliver(s, m);
        if (m->comp)
            m->comp->cb(m->comp, MPI_SUCCESS);
        free(m->owned);
        free(m);
        m = next;
        n++;
    }
    return n;
}

/* Called on every progress pass: the empty case stays a load and a return. */
static int self_progress(tn_tp_t *tp)
{
    self_tp_t *s = (self_tp_t *)tp;
    return s->head ? self_deliver_all(s) : 0;
}

static int self_flush(tn_tp_t *tp)
{
    return ((self_tp_t *)tp)->head == NULL;
}

const tn_transport_ops_t tn_self_ops = {
    .name = "self",
    .probe = self_probe,
    .open = self_open,
    .close = self_close,
    .addr = self_addr,
    .am_send = self_am_send,
    .progress = self_progress,
    .flush = self_flush,
};
