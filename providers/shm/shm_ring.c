/* The rings: writing records (am_send, and the per-peer queue behind it when
 * a ring is full) and taking them (delivery straight from the ring; messages
 * of several records are placed or assembled). See shm.h for the format. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "providers/shm/shm.h"

static inline uint64_t word0(size_t data_len, unsigned type, unsigned am_id, size_t hdr_len)
{
    return (uint64_t)data_len | (uint64_t)type << 32 | (uint64_t)am_id << 40 |
           (uint64_t)hdr_len << 48;
}

/* Reserves len bytes for one record in tx's ring: returns where it goes, or
 * NULL while the consumer has not freed enough. *pad: bytes skipped at the
 * ring's end (the record then goes to the start), else 0. Beyond the record,
 * the next record's word0 (zeroed) and the line kept for a WAKE record must
 * be free too. */
static inline unsigned char *ring_reserve(tn_shm_t *s, tn_shm_tx_t *tx, size_t len, size_t *pad)
{
    uint64_t ring = s->ring_bytes;
    size_t pos = tx->tail & (ring - 1);
    size_t skip = pos + len > ring ? ring - pos : 0;
    uint64_t end = tx->tail + skip + len + 8 + TN_SHM_LINE;

    if (end - tx->head_seen > ring) {
        tx->head_seen = __atomic_load_n(tx->head, __ATOMIC_ACQUIRE);
        if (end - tx->head_seen > ring)
            return NULL;
    }
    *pad = skip;
    return tx->data + (skip ? 0 : pos);
}

/* Makes a filled record visible: zeroes the word0 after it, stores its own,
 * then the PAD's when it went to the ring's start. The last store is ordered
 * before tn_shm_wake_check's read as shm.h's "Waking" says. */
static inline void ring_publish(tn_shm_t *s, tn_shm_tx_t *tx, unsigned char *rec, size_t len,
                                size_t pad, uint64_t w0)
{
    uint64_t ring = s->ring_bytes;
    size_t next = ((size_t)(rec - tx->data) + len) & (ring - 1);

    __atomic_store_n((uint64_t *)(void *)(tx->data + next), 0, __ATOMIC_RELAXED);
    if (pad) {
        __atomic_store_n((uint64_t *)(void *)rec, w0, __ATOMIC_RELEASE);
        w0 = word0(pad, TN_SHM_PAD, 0, 0);
        rec = tx->data + (tx->tail & (ring - 1));
    }
    if (__builtin_expect(s->asym_fence, 1))
        __atomic_store_n((uint64_t *)(void *)rec, w0, __ATOMIC_RELEASE);
    else
        (void)__atomic_exchange_n((uint64_t *)(void *)rec, w0, __ATOMIC_SEQ_CST);
    tx->tail += pad + len;
    tn_shm_wake_check(tx);
}

static size_t iov_total(const struct iovec *iov, int n)
{
    size_t t = 0;
    for (int i = 0; i < n; i++)
        t += iov[i].iov_len;
    return t;
}

static void iov_gather(unsigned char *dst, const struct iovec *iov, int n)
{
    for (int i = 0; i < n; i++) {
        memcpy(dst, iov[i].iov_base, iov[i].iov_len);
        dst += iov[i].iov_len;
    }
}

/* Copies n bytes from e's payload position to dst and advances it. */
static void send_copy(tn_shm_send_t *e, unsigned char *dst, size_t n)
{
    while (n) {
        const struct iovec *v = &e->iov[e->cur];
        size_t k = v->iov_len - e->off < n ? v->iov_len - e->off : n;
        memcpy(dst, (const char *)v->iov_base + e->off, k);
        dst += k;
        n -= k;
        e->off += k;
        if (e->off == v->iov_len) {
            e->cur++;
            e->off = 0;
        }
    }
}

/* Writes as much of e as tx's ring takes; 1 when all of it is in. *records
 * counts the records written. */
static int tx_push(tn_shm_t *s, tn_shm_tx_t *tx, tn_shm_send_t *e, int *records)
{
    while (!e->started || e->done < e->total) {
        unsigned type = TN_SHM_CONT;
        size_t n = e->total - e->done < s->chunk ? e->total - e->done : s->chunk;
        size_t hl = 0, pad;

        if (!e->started) {
            type = e->total <= s->single_max ? TN_SHM_MSG : TN_SHM_FIRST;
            n = type == TN_SHM_MSG ? e->total : s->chunk;
            hl = e->hdr_len;
        }
        size_t rl = tn_shm_rec_len(hl, n);
        unsigned char *rec = ring_reserve(s, tx, rl, &pad);
        if (!rec)
            return 0;
        if (type == TN_SHM_FIRST)
            memcpy(rec + 8, &e->total, 8);
        memcpy(rec + TN_SHM_REC_HDR, e->hdr, hl);
        send_copy(e, rec + TN_SHM_REC_HDR + hl, n);
        e->done += n;
        e->started = 1;
        tx->wake_asked = 0;
        ring_publish(s, tx, rec, rl, pad, word0(n, type, e->am_id, hl));
        ++*records;
    }
    return 1;
}

void tn_shm_tx_ask_wake(tn_shm_t *s)
{
    for (int l = 0; l < s->nlocal; l++) {
        tn_shm_tx_t *tx = &s->tx[l];
        if (!tx->q || tx->wake_asked)
            continue;
        /* the line every other record leaves free: it always fits, no pad */
        unsigned char *rec = tx->data + (tx->tail & (s->ring_bytes - 1));
        ring_publish(s, tx, rec, TN_SHM_LINE, 0, word0(0, TN_SHM_WAKE, 0, 0));
        tx->wake_asked = 1;
    }
}

/* Pushes tx's queue; completes what is fully in. Returns records written. */
static int tx_push_queue(tn_shm_t *s, tn_shm_tx_t *tx)
{
    int n = 0;
    while (tx->q && tx_push(s, tx, tx->q, &n)) {
        tn_shm_send_t *e = tx->q;
        tn_tp_completion_t *c = e->comp;
        if (!(tx->q = e->next))
            tx->qtail = &tx->q;
        s->nqueued--;
        free(e);
        if (c) /* may send again, to this peer too: e is off the queue */
            c->cb(c, MPI_SUCCESS);
    }
    return n;
}

int tn_shm_tx_drain(tn_shm_t *s)
{
    int n = 0;
    for (int l = 0; l < s->nlocal && s->nqueued; l++)
        if (s->tx[l].q)
            n += tx_push_queue(s, &s->tx[l]);
    return n;
}

/* The slow path of am_send: queues behind earlier sends or a full ring. The
 * header is copied; so is the payload of an inject (comp NULL). */
static int send_queue(tn_shm_t *s, tn_shm_tx_t *tx, unsigned am_id, const void *hdr,
                      size_t hdr_len, const struct iovec *iov, int iovcnt, size_t len,
                      tn_tp_completion_t *comp)
{
    if (tx->lost)
        return tx->lost;
    int nv = comp ? iovcnt : 1;
    size_t bytes = sizeof(tn_shm_send_t) + (size_t)nv * sizeof(struct iovec) + hdr_len +
                   (comp ? 0 : len);
    tn_shm_send_t *e = malloc(bytes);

    if (!e)
        return TN_ERR_SETMEM("shm provider: am_send");
    *e = (tn_shm_send_t){.comp = comp, .am_id = am_id, .hdr_len = hdr_len, .total = len,
                         .iovcnt = nv};
    e->iov = (struct iovec *)(e + 1);
    e->hdr = (unsigned char *)(e->iov + nv);
    memcpy(e->hdr, hdr, hdr_len);
    if (comp) {
        memcpy(e->iov, iov, (size_t)iovcnt * sizeof(*iov));
    } else {
        e->iov[0] = (struct iovec){e->hdr + hdr_len, len};
        iov_gather(e->iov[0].iov_base, iov, iovcnt);
    }
    *tx->qtail = e;
    tx->qtail = &e->next;
    s->nqueued++;
    if (tx->q == e)
        tx_push_queue(s, tx);
    return MPI_SUCCESS;
}

static int bad_send(const tn_shm_t *s, int peer, unsigned am_id, size_t hdr_len)
{
    if (am_id >= TN_AM_MAX || hdr_len > TN_SHM_HDR_MAX)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: am_send with am id %u and a %zu-byte "
                          "header (at most id %d and %d bytes)", am_id, hdr_len,
                          TN_AM_MAX - 1, TN_SHM_HDR_MAX);
    if (!s->started)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: am_send to rank %d before start()", peer);
    return tn_err_set(MPI_ERR_OTHER, "shm provider: am_send to rank %d, which is not another "
                      "rank on this node", peer);
}

int tn_shm_am_send(tn_tp_t *tp, int peer, unsigned am_id, const void *hdr, size_t hdr_len,
                   const struct iovec *iov, int iovcnt, tn_tp_completion_t *comp)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    int l;

    if (__builtin_expect(peer < 0 || peer >= s->params.size || (l = s->local_of[peer]) < 0 ||
                             l == s->me || !s->started || am_id >= TN_AM_MAX ||
                             hdr_len > TN_SHM_HDR_MAX, 0))
        return bad_send(s, peer, am_id, hdr_len);
    tn_shm_tx_t *tx = &s->tx[l];
    size_t len = iovcnt == 1 ? iov[0].iov_len : iov_total(iov, iovcnt);
    if (__builtin_expect(tx->q == NULL && len <= s->single_max && !tx->lost, 1)) {
        size_t rl = tn_shm_rec_len(hdr_len, len), pad;
        unsigned char *rec = ring_reserve(s, tx, rl, &pad);
        if (__builtin_expect(rec != NULL, 1)) {
            memcpy(rec + TN_SHM_REC_HDR, hdr, hdr_len);
            iov_gather(rec + TN_SHM_REC_HDR + hdr_len, iov, iovcnt);
            ring_publish(s, tx, rec, rl, pad, word0(len, TN_SHM_MSG, am_id, hdr_len));
            if (comp)
                comp->cb(comp, MPI_SUCCESS);
            return MPI_SUCCESS;
        }
    }
    return send_queue(s, tx, am_id, hdr, hdr_len, iov, iovcnt, len, comp);
}

/* ---- receiving ------------------------------------------------------------ */

/* Copies n bytes into the placed iovec at the receive's position; bytes
 * beyond its end are dropped. */
static void place_copy(tn_shm_rx_t *rx, const unsigned char *src, size_t n)
{
    while (n && rx->pidx < rx->piovcnt) {
        const struct iovec *v = &rx->piov[rx->pidx];
        size_t k = v->iov_len - rx->poff < n ? v->iov_len - rx->poff : n;
        memcpy((char *)v->iov_base + rx->poff, src, k);
        src += k;
        n -= k;
        rx->poff += k;
        if (rx->poff == v->iov_len) {
            rx->pidx++;
            rx->poff = 0;
        }
    }
}

/* The first record of a multi-record message: where its payload goes. */
static int rx_first(tn_shm_t *s, tn_shm_rx_t *rx, int peer, unsigned am_id,
                    const unsigned char *hdr, size_t hdr_len, uint64_t total)
{
    const tn_am_handler_t *h = &s->params.handlers[am_id];

    rx->placed = h->place && h->place(s->params.handler_arg, peer, hdr, hdr_len, total,
                                      &rx->piov, &rx->piovcnt);
    if (!rx->placed && !(rx->buf = malloc(total)))
        return TN_ERR_SETMEM("shm provider: receiving a large message");
    rx->am_id = am_id;
    rx->hdr_len = hdr_len;
    memcpy(rx->hdr, hdr, hdr_len);
    rx->total = total;
    rx->got = 0;
    rx->pidx = 0;
    rx->poff = 0;
    return MPI_SUCCESS;
}

/* A chunk of the multi-record message; delivers it after the last. */
static void rx_chunk(tn_shm_t *s, tn_shm_rx_t *rx, int peer, const unsigned char *data, size_t n)
{
    if (rx->placed)
        place_copy(rx, data, n);
    else
        memcpy(rx->buf + rx->got, data, n);
    rx->got += n;
    if (rx->got < rx->total)
        return;
    s->params.handlers[rx->am_id].deliver(s->params.handler_arg, peer, rx->hdr, rx->hdr_len,
                                          rx->placed ? NULL : rx->buf, rx->total);
    free(rx->buf);
    rx->buf = NULL;
}

/* Takes what peer l's ring holds; returns records taken or -code. */
static int rx_poll(tn_shm_t *s, int l)
{
    tn_shm_rx_t *rx = &s->rx[l];
    uint64_t ring = s->ring_bytes;
    int peer = s->world_of[l], n = 0;

    for (int i = 0; i < TN_SHM_BATCH; i++) {
        unsigned char *rec = rx->data + (rx->head & (ring - 1));
        uint64_t w = __atomic_load_n((uint64_t *)(void *)rec, __ATOMIC_ACQUIRE);
        if (!w)
            break;
        size_t dlen = (uint32_t)w, hl = (size_t)(w >> 48);
        unsigned type = (unsigned)(w >> 32) & 0xff, am_id = (unsigned)(w >> 40) & 0xff;
        const unsigned char *hdr = rec + TN_SHM_REC_HDR, *data = hdr + hl;

        if (type == TN_SHM_PAD) {
            rx->head += dlen;
            continue;
        }
        if (type == TN_SHM_WAKE) { /* the producer sleeps until we got here */
            rx->head += TN_SHM_LINE;
            rx->published = rx->head;
            __atomic_store_n(rx->head_pub, rx->head, __ATOMIC_RELEASE);
            tn_shm_wake_peer(&s->tx[l]);
            n++;
            continue;
        }
        n++; /* a record taken is an event: a long message keeps its peers awake */
        if (type == TN_SHM_MSG) {
            s->params.handlers[am_id].deliver(s->params.handler_arg, peer, hdr, hl, data, dlen);
        } else {
            if (type == TN_SHM_FIRST) {
                uint64_t total;
                memcpy(&total, rec + 8, 8);
                int rc = rx_first(s, rx, peer, am_id, hdr, hl, total);
                if (rc)
                    return -rc;
            }
            rx_chunk(s, rx, peer, data, dlen);
        }
        rx->head += tn_shm_rec_len(hl, dlen);
        /* hand long stretches back early: the producer may be waiting */
        if (rx->head - rx->published >= ring / 4) {
            rx->published = rx->head;
            __atomic_store_n(rx->head_pub, rx->head, __ATOMIC_RELEASE);
        }
    }
    if (rx->head != rx->published) {
        rx->published = rx->head;
        __atomic_store_n(rx->head_pub, rx->head, __ATOMIC_RELEASE);
    }
    return n;
}

int tn_shm_ring_poll(tn_shm_t *s)
{
    int n = 0;
    for (int l = 0; l < s->nlocal; l++) {
        if (l == s->me)
            continue;
        int k = rx_poll(s, l);
        if (k < 0)
            return k;
        n += k;
    }
    return n;
}

void tn_shm_ring_lost(tn_shm_t *s, int l, int code)
{
    tn_shm_tx_t *tx = &s->tx[l];
    tn_shm_rx_t *rx = &s->rx[l];
    tn_shm_send_t *q = tx->q;

    while (rx_poll(s, l) > 0)
        ;
    free(rx->buf);
    rx->buf = NULL;
    rx->total = rx->got = 0;
    tx->lost = code;
    tx->q = NULL;
    tx->qtail = &tx->q;
    while (q) { /* callbacks may send (and fail at once): the queue is off tx */
        tn_shm_send_t *e = q;
        q = e->next;
        s->nqueued--;
        if (e->comp)
            e->comp->cb(e->comp, code);
        free(e);
    }
}

void tn_shm_ring_free(tn_shm_t *s)
{
    for (int l = 0; l < s->nlocal; l++) {
        while (s->tx[l].q) {
            tn_shm_send_t *e = s->tx[l].q;
            s->tx[l].q = e->next;
            free(e);
        }
        free(s->rx[l].buf);
        s->rx[l].buf = NULL;
    }
    s->nqueued = 0;
}
