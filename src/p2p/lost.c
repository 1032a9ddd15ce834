/* Lost peers: once a provider can no longer reach a rank (it died), every
 * operation waiting on that rank completes with the provider's error instead
 * of hanging: posted receives naming it (or MPI_ANY_SOURCE on a communicator
 * that holds it, pending at the time of the loss), sends waiting for its CTS,
 * FIN or synchronous ack, and receives waiting for its rendezvous data. Later
 * receives and sends naming it fail at once, whichever provider found the
 * loss: the one that carries them may not have noticed yet (a rank on this
 * node watched by both shm and a network provider).
 *
 * Requests waiting for a peer's answer are kept in one list. Eager sends never
 * are, so the fast path does not pay for it. Operations a provider still holds
 * (a queued send, a get in flight) are failed through their completions. */
#include <stdlib.h>
#include "core/runtime.h"
#include "p2p/proto.h"

static tn_request_t *waiting; /* linked through next/prev */
int *tn_p2p_lost_codes;         /* by world rank; NULL until the first loss */

static int listed(const tn_request_t *r)
{
    return r->state == TN_P2P_WAIT_CTS || r->state == TN_P2P_WAIT_ACK ||
           r->state == TN_P2P_WAIT_DATA;
}

void tn_p2p_wait_peer(tn_request_t *r, int state)
{
    r->state = state;
    r->prev = NULL;
    r->next = waiting;
    if (waiting)
        waiting->prev = r;
    waiting = r;
}

void tn_p2p_unwait(tn_request_t *r, int state)
{
    if (listed(r)) {
        if (r->prev)
            r->prev->next = r->next;
        else
            waiting = r->next;
        if (r->next)
            r->next->prev = r->prev;
        r->next = r->prev = NULL;
    }
    r->state = state;
}

void tn_p2p_peer_lost(int peer, int code)
{
    tn_request_t *fail = NULL;

    if (!tn_p2p_lost_codes &&
        !(tn_p2p_lost_codes = calloc((size_t)tn_rt.world_size, sizeof(int))))
        return; /* out of memory: the requests stay pending, as before */
    /* posted receives only at the first report: later ANY_SOURCE receives
     * are the program's choice */
    if (!tn_p2p_lost_codes[peer]) {
        tn_p2p_lost_codes[peer] = code;
        fail = tn_match_take_peer(peer);
    }
    code = tn_p2p_lost_codes[peer];
    /* taken off the list first: completions may add to it */
    for (tn_request_t *r = waiting, *next; r; r = next) {
        next = r->next;
        if (r->peer_world == peer) {
            tn_p2p_unwait(r, 0);
            r->next = fail;
            fail = r;
        }
    }
    while (fail) {
        tn_request_t *r = fail;
        fail = r->next;
        r->next = NULL;
        if (r->kind == TN_REQ_SEND) { /* the peer's share of its pending count */
            tn_rget_dereg(r);
            tn_p2p_send_progress(r, code);
        } else {
            r->status.MPI_ERROR = code;
            tn_request_complete(r);
        }
    }
}

void tn_p2p_lost_finalize(void)
{
    free(tn_p2p_lost_codes);
    tn_p2p_lost_codes = NULL;
    waiting = NULL;
}
