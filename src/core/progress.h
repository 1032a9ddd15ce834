/* The progress engine: polls the transports; blocking calls spin briefly, then
 * sleep on the transports' wait fds so oversubscribed jobs run well. */
#ifndef TN_PROGRESS_H
#define TN_PROGRESS_H

/* One pass over every transport; returns events handled, or an error code < 0 negated. */
int tn_progress_poll(void);
/* Progresses until done(arg) returns non-zero. Returns MPI_SUCCESS or the
 * error code of a failed transport. */
int tn_progress_wait(int (*done)(void *arg), void *arg);

#endif
