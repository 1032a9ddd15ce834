/* The matching engine: posted receives and unexpected messages, each kept in
 * arrival order in a bucket per context id. Matching order within a bucket is
 * what MPI's non-overtaking rule needs, wildcards included. */
#include <stdlib.h>
#include "p2p/proto.h"

#define N_BUCKETS 64

static struct {
    tn_request_t *posted_head[N_BUCKETS], *posted_tail[N_BUCKETS];
    struct tn_p2p_msg *unexp_head[N_BUCKETS], *unexp_tail[N_BUCKETS];
} q;

static inline unsigned bucket(uint16_t ctx)
{
    return ctx % N_BUCKETS;
}

static inline int matches(int want_src, int want_tag, int src, int tag)
{
    return (want_src == src || want_src == MPI_ANY_SOURCE) &&
           (want_tag == tag || (want_tag == MPI_ANY_TAG && tag >= 0));
}

void tn_match_post(tn_request_t *r)
{
    unsigned b = bucket(r->context_id);
    r->state = TN_P2P_POSTED;
    r->next = NULL;
    r->prev = q.posted_tail[b];
    if (q.posted_tail[b])
        q.posted_tail[b]->next = r;
    else
        q.posted_head[b] = r;
    q.posted_tail[b] = r;
}

static void posted_unlink(tn_request_t *r)
{
    unsigned b = bucket(r->context_id);
    if (r->prev)
        r->prev->next = r->next;
    else
        q.posted_head[b] = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        q.posted_tail[b] = r->prev;
    r->next = r->prev = NULL;
    r->state = 0;
}

tn_request_t *tn_match_posted(const tn_p2p_match_hdr_t *hdr)
{
    for (tn_request_t *r = q.posted_head[bucket(hdr->context_id)]; r; r = r->next) {
        if (r->context_id == hdr->context_id && matches(r->peer, r->tag, hdr->src, hdr->tag)) {
            posted_unlink(r);
            return r;
        }
    }
    return NULL;
}

int tn_match_cancel(tn_request_t *r)
{
    if (r->state != TN_P2P_POSTED)
        return 0;
    posted_unlink(r);
    return 1;
}

/* Does comm's peer group (remote group of an intercomm) hold world rank peer? */
static int comm_has(const tn_comm_t *c, int peer)
{
    for (int i = 0, n = tn_comm_peer_size(c); i < n; i++)
        if (tn_comm_world_rank(c, i) == peer)
            return 1;
    return 0;
}

tn_request_t *tn_match_take_peer(int peer)
{
    tn_request_t *taken = NULL;
    for (int b = 0; b < N_BUCKETS; b++) {
        for (tn_request_t *r = q.posted_head[b], *next; r; r = next) {
            next = r->next;
            if (r->peer == MPI_ANY_SOURCE ? comm_has(r->comm, peer)
                                          : tn_comm_world_rank(r->comm, r->peer) == peer) {
                posted_unlink(r);
                r->next = taken;
                taken = r;
            }
        }
    }
    return taken;
}

void tn_match_add_unexpected(struct tn_p2p_msg *m)
{
    unsigned b = bucket(m->hdr.context_id);
    m->next = NULL;
    if (q.unexp_tail[b])
        q.unexp_tail[b]->next = m;
    else
        q.unexp_head[b] = m;
    q.unexp_tail[b] = m;
}

struct tn_p2p_msg *tn_match_unexpected(uint16_t ctx, int src, int tag, int take)
{
    unsigned b = bucket(ctx);
    struct tn_p2p_msg *prev = NULL;
    for (struct tn_p2p_msg *m = q.unexp_head[b]; m; prev = m, m = m->next) {
        if (m->hdr.context_id != ctx || !matches(src, tag, m->hdr.src, m->hdr.tag))
            continue;
        if (take) {
            if (prev)
                prev->next = m->next;
            else
                q.unexp_head[b] = m->next;
            if (q.unexp_tail[b] == m)
                q.unexp_tail[b] = prev;
            m->next = NULL;
        }
        return m;
    }
    return NULL;
}

void tn_match_finalize(void)
{
    for (int b = 0; b < N_BUCKETS; b++) {
        while (q.unexp_head[b]) {
            struct tn_p2p_msg *m = q.unexp_head[b];
            q.unexp_head[b] = m->next;
            free(m);
        }
        q.unexp_tail[b] = NULL;
    }
}
