/* The progress engine: polls the transports; blocking calls spin briefly, then
 * sleep on the transports' wait fds so oversubscribed jobs run well. */
#ifndef TN_PROGRESS_H
#define TN_PROGRESS_H

/* One pass over every transport; returns events handled, or an error code < 0 negated. */
int tn_progress_poll(void);
/* Progresses until done(arg) returns non-zero. Returns MPI_SUCCESS or the
 * error code of a failed transport. done may act on what it finds (a matched
 * probe takes the message out of the queue): once it has returned non-zero it
 * is not called again. */
int tn_progress_wait(int (*done)(void *arg), void *arg);
/* For providers: world rank peer can no longer be reached (it died); code is
 * the error, whose message names the peer and the cause. Every pending
 * operation with that peer completes with code at the end of the current
 * progress pass (not from inside the provider), and later ones fail at once. */
void tn_progress_peer_lost(int peer, int code);

#endif
