/* Point-to-point messaging: matching and protocols (eager, rendezvous).
 * Ranks are ranks in comm (remote group for intercommunicators); ctx_off picks
 * the communicator's point-to-point or collective context. All calls are
 * nonblocking; PROC_NULL gives an already-complete request. */
#ifndef TN_P2P_H
#define TN_P2P_H

#include "p2p/request.h"

enum tn_send_mode { TN_SEND_STD, TN_SEND_SYNC, TN_SEND_READY };

void tn_p2p_finalize(void);
/* World rank peer is lost (from the progress engine, see tn_progress_peer_lost):
 * the operations waiting on it complete with code. */
void tn_p2p_peer_lost(int peer, int code);
/* By world rank: the error each lost peer was lost with; NULL until one is. */
extern int *tn_p2p_lost_codes;
/* The error world rank peer was lost with, or MPI_SUCCESS. */
static inline int tn_p2p_lost(int peer_world)
{
    return __builtin_expect(tn_p2p_lost_codes != NULL, 0) ? tn_p2p_lost_codes[peer_world]
                                                          : MPI_SUCCESS;
}

int tn_p2p_isend(const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest, int tag,
                 tn_comm_t *comm, int ctx_off, int mode, tn_request_t **req);
int tn_p2p_irecv(void *buf, MPI_Aint count, tn_datatype_t *dt, int src, int tag,
                 tn_comm_t *comm, int ctx_off, tn_request_t **req);

/* Probe: flag = 1 and status filled when a matching message has arrived. */
int tn_p2p_iprobe(int src, int tag, tn_comm_t *comm, int ctx_off, int *flag, MPI_Status *status);

/* Matched probe: on a match *msg is the message, removed from matching. */
typedef struct tn_p2p_msg tn_p2p_msg_t;
int tn_p2p_improbe(int src, int tag, tn_comm_t *comm, int *flag, tn_p2p_msg_t **msg,
                   MPI_Status *status);
/* Receives a message taken by improbe (msg == NULL: the PROC_NULL message). */
int tn_p2p_imrecv(void *buf, MPI_Aint count, tn_datatype_t *dt, tn_p2p_msg_t *msg,
                  tn_comm_t *comm, tn_request_t **req);

/* Cancels a receive that has not matched yet (completes it, cancelled flag set).
 * Sends that can not be cancelled any more are left alone. */
int tn_p2p_cancel(tn_request_t *req);

/* Blocking conveniences (MPI_Send, MPI_Recv, collectives). */
int tn_p2p_send(const void *buf, MPI_Aint count, tn_datatype_t *dt, int dest, int tag,
                tn_comm_t *comm, int ctx_off);
int tn_p2p_recv(void *buf, MPI_Aint count, tn_datatype_t *dt, int src, int tag,
                tn_comm_t *comm, int ctx_off, MPI_Status *status);

#endif
