/* Shared-memory provider: the ops table, open/start/close, the address blob,
 * progress and flush. See shm.h for the segment and the rings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/shm/shm.h"

static int shm_probe(const char **why)
{
    if (access("/dev/shm", W_OK) != 0) {
        *why = "/dev/shm is missing or not writable";
        return 0;
    }
    return 1;
}

/* Who is on this node, from node_of[]. */
static int shm_locate(tn_shm_t *s, const tn_tp_params_t *p)
{
    int n = 0;
    if (!(s->local_of = malloc((size_t)p->size * sizeof(int))) ||
        !(s->world_of = malloc((size_t)p->local_size * sizeof(int))))
        return TN_ERR_SETMEM("shm provider: open");
    for (int r = 0; r < p->size; r++) {
        s->local_of[r] = -1;
        if (p->node_of[r] != p->node_of[p->rank])
            continue;
        if (n == p->local_size || (r == p->rank && n != p->local_rank))
            return tn_err_set(MPI_ERR_OTHER, "shm provider: the node map does not agree with "
                              "local rank %d of %d", p->local_rank, p->local_size);
        s->world_of[n] = r;
        s->local_of[r] = n++;
    }
    if (n != p->local_size)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: the node map has %d ranks on this node, "
                          "not %d", n, p->local_size);
    return MPI_SUCCESS;
}

static void shm_close(tn_tp_t *tp)
{
    tn_shm_t *s = (tn_shm_t *)tp;

    if (s->tx)
        tn_shm_ring_free(s);
    tn_shm_watch_close(s);
    tn_shm_seg_release(s);
    tn_shm_wake_close(s);
    free(s->done);
    free(s->rx);
    free(s->tx);
    free(s->world_of);
    free(s->local_of);
    free(s);
}

static int shm_open_tp(const tn_tp_params_t *p, tn_tp_t **out)
{
    tn_shm_t *s;
    size_t seg_bytes;
    int rc;

    if (p->size < 1 || p->rank < 0 || p->rank >= p->size || !p->node_of || p->local_size < 1 ||
        p->local_rank < 0 || p->local_rank >= p->local_size)
        return tn_err_set(MPI_ERR_ARG, "shm provider: rank %d (local %d of %d) in a world of %d, "
                          "or no node map", p->rank, p->local_rank, p->local_size, p->size);
    if (!(s = calloc(1, sizeof(*s))))
        return TN_ERR_SETMEM("shm provider: open");
    s->params = *p;
    s->me = p->local_rank;
    s->nlocal = p->local_size;
    s->pid = (int)getpid();
    s->wake_fd = s->sock_fd = -1;
    if ((rc = shm_locate(s, p)))
        goto fail;
    if (!(s->tx = calloc((size_t)s->nlocal, sizeof(*s->tx))) ||
        !(s->rx = calloc((size_t)s->nlocal, sizeof(*s->rx)))) {
        rc = TN_ERR_SETMEM("shm provider: open");
        goto fail;
    }
    for (int l = 0; l < s->nlocal; l++)
        s->tx[l].wake_fd = -1;
    tn_shm_seg_layout(s->nlocal, &s->ring_bytes, &seg_bytes);
    /* a single record takes less than half a ring, so an empty ring always fits
     * one, with the line kept for a WAKE record */
    s->single_max = s->ring_bytes / 2 - TN_SHM_REC_HDR - TN_SHM_HDR_MAX - TN_SHM_LINE;
    s->chunk = (s->ring_bytes / 4 < TN_SHM_CHUNK_MAX ? s->ring_bytes / 4 : TN_SHM_CHUNK_MAX) -
               2 * TN_SHM_LINE;
    if ((rc = tn_shm_wake_open(s)))
        goto fail;
    if (s->nlocal > 1 && s->me == 0 && (rc = tn_shm_seg_create(s)))
        goto fail;
    s->base = (tn_tp_t){
        .ops = &tn_shm_ops,
        .caps = TN_TP_CAP_INTRA_NODE | TN_TP_CAP_STREAM, /* + GET once start() checked CMA */
        .eager_max = tn_config.shm_eager_max < s->single_max ? tn_config.shm_eager_max
                                                             : s->single_max,
        .hdr_max = TN_SHM_HDR_MAX,
        .wait_fd = s->wake_fd,
    };
    *out = &s->base;
    return MPI_SUCCESS;
fail:
    shm_close(&s->base);
    return rc;
}

/* Non-zero local ranks: the segment name from local rank 0's blob. */
static int shm_attach(tn_shm_t *s)
{
    tn_shm_addr_t a;
    unsigned char blob[TN_TP_ADDR_MAX];
    size_t len = sizeof(blob);
    int rc = s->params.peer_addr(s->params.peer_addr_arg, s->world_of[0], blob, &len);

    if (rc)
        return rc;
    memcpy(&a, blob, len < sizeof(a) ? len : sizeof(a));
    if (len != sizeof(a) || a.magic != (uint32_t)TN_SHM_MAGIC || a.version != TN_SHM_VERSION ||
        !memchr(a.seg_name, 0, sizeof(a.seg_name)))
        return tn_err_set(MPI_ERR_OTHER, "shm provider: rank %d published a malformed address",
                          s->world_of[0]);
    return tn_shm_seg_attach(s, a.seg_name);
}

static int shm_start(tn_tp_t *tp)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    tn_shm_seg_t *h;
    int rc;

    if (s->nlocal > 1) {
        if (s->me != 0 && (rc = shm_attach(s)))
            return rc;
        tn_shm_seg_bind(s);
        h = s->seg;
        s->ctl[s->me].pid = s->pid;
        s->ctl[s->me].wake_id = s->wake_id;
        tn_shm_cma_prepare(s);
        tn_shm_seg_joined(s);
        if ((rc = tn_shm_seg_wait(s, &h->attached, "mapped the segment")))
            return rc;
        s->linked = 0; /* the last rank to map it has unlinked it */
        tn_shm_wake_start(s);
        tn_shm_cma_probe(s);
        __atomic_add_fetch(&h->checked, 1, __ATOMIC_ACQ_REL);
        if ((rc = tn_shm_seg_wait(s, &h->checked, "checked wake-ups and cross-memory attach")))
            return rc;
        tn_shm_wake_decide(s);
        tn_shm_cma_decide(s);
        tn_shm_watch_start(s);
    }
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: shm provider: local rank %d of %d, %llu-byte rings, "
                "eager up to %zu bytes\n", s->params.rank, s->me, s->nlocal,
                (unsigned long long)s->ring_bytes, s->base.eager_max);
    s->idle_max = tn_shm_idle_max();
    s->started = 1;
    return MPI_SUCCESS;
}

static int shm_addr(tn_tp_t *tp, void *buf, size_t *len)
{
    const tn_shm_t *s = (const tn_shm_t *)tp;
    tn_shm_addr_t a = {.magic = (uint32_t)TN_SHM_MAGIC, .version = TN_SHM_VERSION};

    memcpy(a.seg_name, s->seg_name, sizeof(a.seg_name));
    memcpy(buf, &a, sizeof(a));
    *len = sizeof(a);
    return MPI_SUCCESS;
}

/* One pass: queued sends, the rings, finished gets. Events or -code. */
static int shm_pass(tn_shm_t *s)
{
    int n = 0, k;

    if (s->nqueued) /* first: what waited longest, and room for replies */
        n += tn_shm_tx_drain(s);
    if ((k = tn_shm_ring_poll(s)) < 0)
        return k;
    n += k;
    if (s->ndone)
        n += tn_shm_cma_complete(s);
    if (s->nqueued)
        n += tn_shm_tx_drain(s);
    return n;
}

static int shm_progress(tn_tp_t *tp)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    int n;

    if (s->in_progress || !s->started) /* from inside a handler: the outer call goes on */
        return 0;
    /* the spinning rank's pass: nothing queued, nothing landed, not yet time
     * to arm the wake-up */
    if (!(s->nqueued | s->ndone) && s->idle + 1 < s->idle_max && !tn_shm_rx_ready(s)) {
        s->idle++;
        return 0;
    }
    s->in_progress = 1;
    n = shm_pass(s);
    if (n == 0 && ++s->idle >= s->idle_max)
        n = tn_shm_wake_idle(s) ? shm_pass(s) : tn_shm_watch_check(s);
    if (n > 0 && (s->idle | s->armed))
        tn_shm_wake_busy(s);
    s->in_progress = 0;
    return n;
}

static int shm_flush(tn_tp_t *tp)
{
    return ((tn_shm_t *)tp)->nqueued == 0;
}

const tn_transport_ops_t tn_shm_ops = {
    .name = "shm",
    .probe = shm_probe,
    .open = shm_open_tp,
    .start = shm_start,
    .close = shm_close,
    .addr = shm_addr,
    .am_send = tn_shm_am_send,
    .progress = shm_progress,
    .flush = shm_flush,
    .mem_reg = tn_shm_mem_reg,
    .mem_dereg = tn_shm_mem_dereg,
    .get = tn_shm_get,
    .node_mem = tn_shm_node_mem,
    .node_wake = tn_shm_node_wake,
};
