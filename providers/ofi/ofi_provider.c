/* libfabric provider: choosing the libfabric provider, the ops table,
 * open/close, progress and flush.
 *
 * Progress reads the completion queue and retries posts the provider refused.
 * When the CQ has a wait fd (FI_WAIT_FD; see TN_OFI_FD_SPIN_MAX), it is the
 * instance's wait_fd. libfabric wants fi_trywait() to succeed before anyone
 * sleeps on it, so once progress has been idle as long as the progress
 * engine spins (tn_config.spin_count), each idle call asks fi_trywait() and
 * reports work instead of idleness while it refuses. */
#include <glob.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/ofi/ofi.h"

/* Core libfabric providers that Tern's own providers serve at least as well:
 * socket emulations (Tern's tcp) and intra-node transports (Tern's shm). They
 * are used only when asked for. */
static const struct {
    const char *core;
    int intra_node;
} covered[] = {
    {"tcp", 0}, {"net", 0}, {"sockets", 0}, {"udp", 0}, {"shm", 1}, {"sm2", 1},
};
#define N_COVERED (sizeof(covered) / sizeof(covered[0]))

/* Index into covered[] of prov_name's core provider ("tcp" of
 * "tcp;ofi_rxm"), or -1. */
static int covered_index(const char *prov_name)
{
    size_t n = strcspn(prov_name, ";");
    for (size_t i = 0; i < N_COVERED; i++)
        if (strlen(covered[i].core) == n && strncmp(prov_name, covered[i].core, n) == 0)
            return (int)i;
    return -1;
}

/* Whether the comma-separated list names "ofi". */
static int lists_ofi(const char *list)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == 3 && strncmp(p, "ofi", 3) == 0)
            return 1;
        p += n + (p[n] == ',');
    }
    return 0;
}

/* What asked for a particular libfabric provider, or NULL. */
static const char *forced_by(void)
{
    const char *fp = getenv("FI_PROVIDER");

    if (tn_config.ofi_provider)
        return "TERN_OFI_PROVIDER";
    if (fp && *fp && *fp != '^') /* "^name" only excludes */
        return "FI_PROVIDER";
    if (lists_ofi(tn_config.transports))
        return "TERN_TRANSPORTS";
    return NULL;
}

static struct fi_info *hints_make(void)
{
    struct fi_info *h = tn_ofi_lib.dupinfo(NULL);

    if (!h)
        return NULL;
    h->ep_attr->type = FI_EP_RDM;
    h->caps = FI_MSG | FI_RMA | FI_READ | FI_REMOTE_READ;
    h->mode = FI_CONTEXT | FI_CONTEXT2;
    h->tx_attr->msg_order = FI_ORDER_SAS;
    h->rx_attr->msg_order = FI_ORDER_SAS;
    h->domain_attr->mr_mode =
        FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY | FI_MR_ENDPOINT;
    h->domain_attr->threading = FI_THREAD_DOMAIN;
    if (tn_config.ofi_provider && !(h->fabric_attr->prov_name = strdup(tn_config.ofi_provider))) {
        tn_ofi_lib.freeinfo(h);
        return NULL;
    }
    return h;
}

/* Appends the distinct provider names of list to buf. */
static void names_append(char *buf, size_t size, const struct fi_info *list)
{
    for (const struct fi_info *i = list; i; i = i->next) {
        int seen = 0;
        for (const struct fi_info *j = list; j != i && !seen; j = j->next)
            seen = strcmp(j->fabric_attr->prov_name, i->fabric_attr->prov_name) == 0;
        size_t used = strlen(buf);
        if (!seen && used < size)
            snprintf(buf + used, size - used, "%s%s", i == list ? "" : ", ",
                     i->fabric_attr->prov_name);
    }
}

/* Whether this machine has devices that libfabric providers other than the
 * covered ones drive: RDMA devices (verbs, efa, usnic, psm3, soft-RoCE too),
 * Omni-Path (psm2, opx), Slingshot (cxi). */
static int fabric_hardware(void)
{
    static const char *const devices[] = {"/sys/class/infiniband/*", "/dev/hfi1_*", "/dev/cxi*"};

    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        glob_t g;
        int found = glob(devices[i], 0, NULL, &g) == 0 && g.gl_pathc > 0;
        globfree(&g);
        if (found)
            return 1;
    }
    return 0;
}

int tn_ofi_pick(struct fi_info **out, const char **why)
{
    static char text[512];
    const char *forced = forced_by(), *lib;
    struct fi_info *hints, *list = NULL, *pick = NULL;
    int rc;

    *out = NULL;
    *why = text;
    /* Without such devices libfabric offers only covered providers: it is not
     * even loaded (see ofi_lib.c). */
    if (!forced && !fabric_hardware()) {
        snprintf(text, sizeof(text),
                 "no RDMA or fabric devices here (/sys/class/infiniband, /dev/hfi1_*, "
                 "/dev/cxi*), so libfabric could offer only sockets and shared memory, which "
                 "Tern's own tcp and shm providers serve at least as well (TERN_OFI_PROVIDER, "
                 "FI_PROVIDER or TERN_TRANSPORTS=ofi makes Tern ask libfabric anyway)");
        return 0;
    }
    if (!tn_ofi_lib_load(&lib)) {
        snprintf(text, sizeof(text), "%s", lib);
        return 0;
    }
    if (!(hints = hints_make())) {
        snprintf(text, sizeof(text), "out of memory");
        return 0;
    }
    rc = tn_ofi_lib.getinfo(FI_VERSION(1, 10), NULL, NULL, 0, hints, &list);
    tn_ofi_lib.freeinfo(hints);
    if (rc || !list) {
        snprintf(text, sizeof(text),
                 "%s offers no provider with reliable datagrams, messages, RMA reads and "
                 "in-order sends here%s%s%s (fi_getinfo: %s)",
                 lib, tn_config.ofi_provider ? " named '" : "",
                 tn_config.ofi_provider ? tn_config.ofi_provider : "",
                 tn_config.ofi_provider ? "'" : "",
                 tn_ofi_lib.strerror(rc ? -rc : FI_ENODATA));
        return 0;
    }
    for (struct fi_info *i = list; i && !pick; i = i->next)
        if (forced || covered_index(i->fabric_attr->prov_name) < 0)
            pick = i;
    if (!pick) {
        snprintf(text, sizeof(text), "%s offers only ", lib);
        names_append(text, sizeof(text), list);
        snprintf(text + strlen(text), sizeof(text) - strlen(text),
                 " here, which Tern's own tcp and shm providers serve at least as well "
                 "(TERN_OFI_PROVIDER, FI_PROVIDER or TERN_TRANSPORTS=ofi forces one)");
        tn_ofi_lib.freeinfo(list);
        return 0;
    }
    snprintf(text, sizeof(text), "%s: %s on %s%s%s%s; offered: ", lib,
             pick->fabric_attr->prov_name, pick->domain_attr->name,
             forced ? " (asked for by " : "", forced ? forced : "", forced ? ")" : "");
    names_append(text, sizeof(text), list);
    *out = tn_ofi_lib.dupinfo(pick);
    tn_ofi_lib.freeinfo(list);
    if (!*out) {
        snprintf(text, sizeof(text), "out of memory");
        return 0;
    }
    return 1;
}

static int ofi_probe(const char **why)
{
    struct fi_info *info;
    int ok = tn_ofi_pick(&info, why);

    if (ok)
        tn_ofi_lib.freeinfo(info);
    return ok;
}

/* FNV-1a of the job key. */
static uint32_t cookie_of(const uint8_t *key, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 16777619u;
    return h;
}

static int ofi_open(const tn_tp_params_t *params, tn_tp_t **out)
{
    struct fi_info *info;
    const char *why;
    tn_ofi_t *tp;
    int rc, ci;

    if (params->size < 1 || params->rank < 0 || params->rank >= params->size)
        return tn_err_set(MPI_ERR_ARG, "ofi provider: rank %d is not in a world of %d",
                          params->rank, params->size);
    if (!tn_ofi_pick(&info, &why))
        return tn_err_set(MPI_ERR_OTHER, "ofi provider: %s", why);
    tp = calloc(1, sizeof(*tp));
    if (!tp) {
        rc = TN_ERR_SETMEM("ofi provider: open");
        goto fail_info;
    }
    tp->peer = calloc((size_t)params->size, sizeof(*tp->peer));
    tp->busy = malloc((size_t)params->size * sizeof(*tp->busy));
    if (!tp->peer || !tp->busy) {
        rc = TN_ERR_SETMEM("ofi provider: open");
        goto fail_tp;
    }
    for (int r = 0; r < params->size; r++) {
        tp->peer[r].addr = FI_ADDR_NOTAVAIL;
        tp->peer[r].pidfd = -1;
    }
    tp->params = *params;
    tp->info = info;
    tp->prov = info->fabric_attr->prov_name;
    tp->cookie = cookie_of(params->job_key, params->job_key_len);
    tp->base.ops = &tn_ofi_ops;
    tp->base.hdr_max = TN_OFI_HDR_MAX;
    tp->base.eager_max = tn_config.ofi_eager_max;
    rc = tn_ofi_ep_open(tp);
    if (rc != MPI_SUCCESS)
        goto fail_tp;
    tp->base.caps = TN_TP_CAP_GET;
    if ((info->caps & (FI_WRITE | FI_REMOTE_WRITE)) == (FI_WRITE | FI_REMOTE_WRITE))
        tp->base.caps |= TN_TP_CAP_PUT;
    ci = covered_index(tp->prov);
    /* DESIGN: verbs;ofi_rxm (1.17) crashes when it handles a peer's
     * disconnection, or closes its own endpoint, while that peer's messages
     * are still unread in its connection's queue (it reposts their buffers on
     * the closed connection). So over fabric providers no rank closes before
     * it has read the BYE, its last message, of every peer it talked to:
     * neither side's close finds anything unread, and a peer disconnects only
     * while this rank is in close() too, whose progress reads completions
     * before libfabric looks at connections. Over the covered providers
     * a delivered BYE is enough, which lets in-process instances (unit tests)
     * close one after the other without waiting out TN_OFI_BYE_WAIT_MS. */
    tp->bye_wait = ci < 0;
    if (ci >= 0 && covered[ci].intra_node)
        tp->base.caps |= TN_TP_CAP_INTRA_NODE;
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: ofi provider: %s; %s receives, wait fd %s\n",
                params->rank, why, tp->multi ? "multi-buffer" : "single-buffer",
                tp->base.wait_fd >= 0 ? "yes" : "no");
    *out = &tp->base;
    return MPI_SUCCESS;
fail_tp:
    free(tp->busy);
    free(tp->peer);
    free(tp);
fail_info:
    tn_ofi_lib.freeinfo(info);
    return rc;
}

/* Handles one successful completion. */
static int complete(tn_ofi_t *tp, const struct fi_cq_data_entry *e)
{
    tn_ofi_ctx_t *ctx = e->op_context;

    if (!ctx) /* some providers report injected sends */
        return MPI_SUCCESS;
    switch (ctx->kind) {
    case TN_OFI_RECV:
        return tn_ofi_rx_done(tp, (tn_ofi_rxbuf_t *)ctx, e);
    default:
        return tn_ofi_op_done(tp, (tn_ofi_op_t *)ctx, MPI_SUCCESS);
    }
}

/* Reads one error completion and hands it to its operation. */
static int complete_error(tn_ofi_t *tp)
{
    struct fi_cq_err_entry err = {0};
    char detail[256] = "";
    ssize_t n = fi_cq_readerr(tp->cq, &err, 0);
    tn_ofi_ctx_t *ctx;

    if (n == -FI_EAGAIN)
        return MPI_SUCCESS;
    if (n < 0)
        return tn_ofi_error(tp, "reading an error completion", -1, (int)-n, NULL);
    if (err.prov_errno)
        fi_cq_strerror(tp->cq, err.prov_errno, err.err_data, detail, sizeof(detail));
    if (err.err < 0) /* shm (1.17) reports some negated */
        err.err = -err.err;
    ctx = err.op_context;
    /* shm (1.17) loses the context of a failed read: when a peer on this node
     * has died, that was the read from it (now orphaned with the peer) */
    if (!ctx)
        return tn_ofi_watch_wait(tp, TN_OFI_BLAME_MS)
                   ? MPI_SUCCESS
                   : tn_ofi_error(tp, "an operation (the provider does not say which)", -1,
                                  err.err, detail);
    switch (ctx->kind) {
    case TN_OFI_RECV:
        if (err.err == FI_ECANCELED) /* the endpoint is closing */
            return MPI_SUCCESS;
        return tn_ofi_error(tp, err.err == FI_ETRUNC ? "a message larger than the receive "
                                                       "buffers (TERN_OFI_EAGER_MAX differs "
                                                       "between ranks?) from"
                                                     : "receiving from",
                            -1, err.err, detail);
    default: {
        tn_ofi_op_t *op = (tn_ofi_op_t *)ctx;
        if (op->orphan || tp->peer[op->peer].lost) /* no second message for one loss */
            return tn_ofi_op_done(tp, op, tp->peer[op->peer].lost);
        return tn_ofi_op_done(tp, op,
                              tn_ofi_error(tp, tn_ofi_what(op), op->peer, err.err, detail));
    }
    }
}

/* Reads the CQ until it is empty; *events counts completions. Returns the
 * first error met (after handling everything else). */
static int cq_poll(tn_ofi_t *tp, int *events)
{
    struct fi_cq_data_entry e[TN_OFI_CQ_BATCH];
    int err = MPI_SUCCESS;

    for (;;) {
        ssize_t n = fi_cq_read(tp->cq, e, TN_OFI_CQ_BATCH);
        int rc = MPI_SUCCESS;

        if (n > 0) {
            for (ssize_t i = 0; i < n; i++) {
                int r = complete(tp, &e[i]);
                if (r != MPI_SUCCESS && rc == MPI_SUCCESS)
                    rc = r;
            }
            *events += (int)n;
        } else if (n == -FI_EAVAIL) {
            rc = complete_error(tp);
            ++*events;
        } else if (n == -FI_EAGAIN) {
            return err;
        } else {
            rc = tn_ofi_error(tp, "reading the completion queue", -1, (int)-n, NULL);
        }
        if (rc != MPI_SUCCESS && err == MPI_SUCCESS)
            err = rc;
        if (n > 0 && n < TN_OFI_CQ_BATCH)
            return err;
        if (n < 0 && n != -FI_EAVAIL)
            return err;
    }
}

/* Nothing happened: before the engine sleeps on wait_fd, libfabric must agree. */
static int idle(tn_ofi_t *tp, int *events)
{
    tn_ofi_watch_check(tp);
    if (tp->base.wait_fd < 0 || ++tp->idle < tn_config.spin_count)
        return MPI_SUCCESS;
    for (int t = 0; t < TN_OFI_TRYWAIT_TRIES; t++) {
        struct fid *f = &tp->cq->fid;
        int rc = fi_trywait(tp->fabric, &f, 1);

        if (rc == FI_SUCCESS)
            return MPI_SUCCESS;
        if (rc != -FI_EAGAIN)
            return tn_ofi_error(tp, "fi_trywait", -1, -rc, NULL);
        if ((rc = cq_poll(tp, events)) != MPI_SUCCESS || *events)
            return rc;
    }
    *events = 1; /* the provider has work under way: keep polling */
    return MPI_SUCCESS;
}

/* Sends BYE to each peer that exchanged messages with this rank and wants
 * one (see ofi.h), once; a peer that cannot be sent to is done with. Peers
 * whose messages arrive during close are found on later calls. */
static void bye_send(tn_ofi_t *tp)
{
    for (int r = 0; r < tp->params.size; r++) {
        uint8_t b = tp->peer[r].bits;
        if (!(b & (TN_OFI_PEER_SENT | TN_OFI_PEER_RCVD)) || (b & TN_OFI_PEER_BYE) ||
            ((b & TN_OFI_PEER_DONE) && !(b & TN_OFI_PEER_WANTS) && !tp->bye_wait))
            continue;
        tp->peer[r].bits |= TN_OFI_PEER_BYE;
        if (tn_ofi_send_bye(tp, r) != MPI_SUCCESS)
            tp->peer[r].bits |= TN_OFI_PEER_DONE;
    }
}

/* Whether close may go on: nothing left to send, and every peer that
 * exchanged messages with this rank is done with (see ofi.h). */
static int bye_done(const tn_ofi_t *tp)
{
    if (tp->nbusy || tp->inflight)
        return 0;
    for (int r = 0; r < tp->params.size; r++)
        if ((tp->peer[r].bits & (TN_OFI_PEER_SENT | TN_OFI_PEER_RCVD)) &&
            !(tp->peer[r].bits & TN_OFI_PEER_DONE))
            return 0;
    return 1;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* See ofi.h: BYE to every peer this rank talked to, then wait (bounded). */
static void bye(tn_ofi_t *tp)
{
    long long deadline = now_ms() + TN_OFI_BYE_WAIT_MS;
    int events = 0;

    cq_poll(tp, &events); /* BYEs already here spare ours */
    for (;;) {
        bye_send(tp);
        if (bye_done(tp) || now_ms() >= deadline)
            break;
        events = 0;
        if (tp->nrx_idle)
            tn_ofi_rx_post_all(tp);
        if (tp->nbusy)
            tn_ofi_queue_drain(tp);
        cq_poll(tp, &events);
        if (!events)
            sched_yield();
    }
    if (tn_config.debug && !bye_done(tp))
        fprintf(stderr, "[tern] rank %d: ofi provider closing without every peer's goodbye\n",
                tp->params.rank);
}

static void ofi_close(tn_tp_t *base)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;

    tp->in_progress = 1; /* handlers calling progress from here on find nothing to do */
    bye(tp);
    tn_ofi_ep_close(tp);
    tn_ofi_early_free(tp);
    tn_ofi_lib.freeinfo(tp->info);
    for (int r = 0; r < tp->params.size; r++)
        if (tp->peer[r].pidfd >= 0)
            close(tp->peer[r].pidfd);
    free(tp->chunks);
    free(tp->busy);
    free(tp->peer);
    free(tp);
}

static int ofi_progress(tn_tp_t *base)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;
    int events = 0, rc = MPI_SUCCESS;

    if (tp->in_progress) /* from inside a handler: the outer call goes on */
        return 0;
    tp->in_progress = 1;
    if (tp->nrx_idle)
        rc = tn_ofi_rx_post_all(tp);
    if (rc == MPI_SUCCESS && tp->nbusy)
        rc = tn_ofi_queue_drain(tp);
    if (rc == MPI_SUCCESS)
        rc = cq_poll(tp, &events);
    if (rc == MPI_SUCCESS && tp->nbusy && events) /* completions made room */
        rc = tn_ofi_queue_drain(tp);
    if (rc == MPI_SUCCESS && !events)
        rc = idle(tp, &events);
    if (events)
        tp->idle = 0;
    tp->in_progress = 0;
    return rc != MPI_SUCCESS ? -rc : events;
}

static int ofi_flush(tn_tp_t *base)
{
    const tn_ofi_t *tp = (const tn_ofi_t *)base;

    return !tp->nbusy && tp->inflight == 0;
}

const tn_transport_ops_t tn_ofi_ops = {
    .name = "ofi",
    .probe = ofi_probe,
    .open = ofi_open,
    .start = tn_ofi_watch_start,
    .close = ofi_close,
    .addr = tn_ofi_addr,
    .am_send = tn_ofi_am_send,
    .progress = ofi_progress,
    .flush = ofi_flush,
    .mem_reg = tn_ofi_mem_reg,
    .mem_dereg = tn_ofi_mem_dereg,
    .get = tn_ofi_get,
    .put = tn_ofi_put,
};
