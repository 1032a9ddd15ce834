/* Collective schedules.
 *
 * DESIGN: every collective algorithm is written once, as a function that
 * appends its steps to a schedule: sends, receives and local steps (copy,
 * reduce) in program order, cut into rounds by tn_sched_fence. The same
 * schedule then serves the three ways MPI calls a collective:
 *   blocking      tn_sched_run: issue, progress until done, free;
 *   nonblocking   tn_sched_start: a request the progress engine advances;
 *   persistent    tn_sched_start again on every MPI_Start, freed with the request.
 *
 * Semantics of a schedule:
 *  - Steps run in the order they were added. A send or receive is posted
 *    (nonblocking p2p on the communicator's collective context) and the next
 *    step follows at once; a local step runs when it is reached.
 *  - tn_sched_fence ends a round: no later step runs before every send and
 *    receive posted earlier has completed. A local step that reads data of a
 *    receive, or writes a buffer that a posted send reads or a posted receive
 *    writes, needs a fence between them.
 *  - Every message of a schedule carries the same tag, drawn at creation from
 *    the communicator's sequence (comm->coll_tag). Collectives are called in
 *    the same order on every rank, so the tags agree without communication,
 *    several nonblocking collectives can be in flight on one communicator, and
 *    within one schedule p2p's non-overtaking order keeps the messages of a
 *    pair apart (a schedule posts its receives from a peer in the order that
 *    peer's schedule posts the sends). A persistent schedule keeps its tag for
 *    every start: starts are ordered like other collectives and each completes
 *    locally before the next, so the same order keeps them apart.
 *  - On an intercommunicator, steps between members of the local group
 *    (tn_sched_local) travel on its local intracommunicator under a second
 *    tag, drawn from that communicator's sequence by every local rank for
 *    every intercommunicator collective; the internal collectives of
 *    intercommunicator dup and merge draw from the same sequence, so the tags
 *    agree there too.
 *  - Started schedules sit on a list; the p2p requests of a round count the
 *    round down from their on_done hook, which only marks the schedule ready
 *    (it may run inside a provider's progress call); the progress engine then
 *    calls tn_sched_progress, which posts the next round.
 *  - Buffers named by steps must stay valid until the schedule completes;
 *    scratch from tn_sched_scratch* lives exactly as long as the schedule.
 *  - The first failing step ends the schedule; its error is the result
 *    (the request's status.MPI_ERROR). Steps already posted are completed
 *    (receives cancelled) before the schedule is freed.
 *
 * Building does not communicate, so an algorithm may decide everything it
 * needs (ranks, block offsets, which algorithm) while it builds. */
#ifndef TN_COLL_SCHED_H
#define TN_COLL_SCHED_H

#include <stddef.h>
#include <mpi.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/op.h"
#include "p2p/request.h"

typedef struct tn_sched tn_sched_t;

/* An empty schedule on comm; fname names the MPI call in error messages. */
int tn_sched_create(tn_comm_t *comm, const char *fname, tn_sched_t **out);
/* The communicator whose ranks s's steps name: the one s runs on, or while
 * tn_sched_local is on, the local intracommunicator of that
 * intercommunicator. */
tn_comm_t *tn_sched_comm(const tn_sched_t *s);
/* Intercommunicators: while on, steps go to the local group (comm->local_comm,
 * with a tag drawn from that communicator's sequence), so the algorithms for
 * intracommunicators build the local parts of an intercommunicator collective
 * unchanged. No effect on intracommunicators. */
void tn_sched_local(tn_sched_t *s, int on);
/* Frees a schedule that was never started (an error while building); it
 * gives its tag back, so the next collective's tag agrees with the ranks
 * that did not fail. */
void tn_sched_free(tn_sched_t *s);

/* Point-to-point steps; peer is a rank of the schedule's communicator
 * (MPI_PROC_NULL: the step is a no-op). */
int tn_sched_send(tn_sched_t *s, const void *buf, MPI_Aint count, tn_datatype_t *dt, int peer);
int tn_sched_recv(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt, int peer);

/* inout = in op inout, in is the left operand (MPI's order for
 * non-commutative ops: lower ranks' data on the left). */
int tn_sched_reduce(tn_sched_t *s, const void *in, void *inout, MPI_Aint count, tn_datatype_t *dt,
                    tn_op_t *op);
/* Copies scount elements of sdt at src to dst as dcount elements of ddt
 * (type signatures must match, as for a message). */
int tn_sched_copy(tn_sched_t *s, const void *src, MPI_Aint scount, tn_datatype_t *sdt, void *dst,
                  MPI_Aint dcount, tn_datatype_t *ddt);

/* Ends the current round (see above). */
int tn_sched_fence(tn_sched_t *s);

/* Keeps a reference to dt and to op (either may be NULL) until s is freed:
 * nonblocking and persistent calls, whose user may free them meanwhile. */
int tn_sched_hold(tn_sched_t *s, tn_datatype_t *dt, tn_op_t *op);

/* Scratch for count elements of dt, freed with the schedule; *buf is where
 * element 0 goes (lb and extent accounted for). */
int tn_sched_scratch(tn_sched_t *s, MPI_Aint count, const tn_datatype_t *dt, void **buf);
/* Scratch of nbytes bytes (packed data; tn_coll_bytes() describes it). */
int tn_sched_scratch_bytes(tn_sched_t *s, size_t nbytes, void **buf);
/* Scratch outside a schedule, from the same kept blocks (see sched.c): at
 * least n bytes (*len: how many), or NULL; give it back with its length. */
void *tn_sched_scratch_take(size_t n, size_t *len);
void tn_sched_scratch_give(void *p, size_t len);

/* Blocking: runs s to completion and frees it; returns its result. */
int tn_sched_run(tn_sched_t *s);
/* Nonblocking: starts s; *req (kind TN_REQ_COLL) completes when s does and
 * owns it (s is freed with the request). */
int tn_sched_start(tn_sched_t *s, tn_request_t **req);
/* Persistent: *req is an inactive persistent collective request owning s;
 * each MPI_Start runs s again from its first step (tn_sched_restart). */
int tn_sched_persist(tn_sched_t *s, tn_request_t **req);
int tn_sched_restart(tn_request_t *req);
/* Releases the schedule of persistent request req (MPI_Request_free): now,
 * or when its running instance completes. */
void tn_sched_persist_free(tn_request_t *req);

/* Called by the progress engine after a transport pass (when tn_sched_nready): advances the
 * started schedules whose round has completed. Returns how many advanced. */
int tn_sched_progress(void);
/* Non-zero when some started schedule may advance: the progress engine
 * calls tn_sched_progress only then, so p2p's fast path does not pay. */
extern int tn_sched_nready;

#endif
