/* MPI 4.1 chapter 3.8: probes, and matched probes with their MPI_Message
 * handles (received by MPI_Mrecv/MPI_Imrecv, see recv.c). */
#include <stdlib.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/pt2pt.h"
#include "core/handle.h"
#include "core/progress.h"

/* What an MPI_Message handle names: a message taken out of matching, and the
 * communicator it was probed on (referenced until the message is received). */
struct tn_message {
    tn_p2p_msg_t *msg;
    tn_comm_t *comm;
};

static tn_htab_t msg_tab = TN_HTAB_INIT(TN_KIND_MESSAGE);

/* One probe attempt; also the predicate of the blocking probes. With m set it
 * is a matched probe that, on a match, leaves the message in m->msg. */
struct probe {
    int source, tag;
    tn_comm_t *comm;
    struct tn_message *m;
    int flag;
    int rc;
    MPI_Status st;
};

static int probe_once(void *arg)
{
    struct probe *p = arg;
    if (p->m)
        p->rc = tn_p2p_improbe(p->source, p->tag, p->comm, &p->flag, &p->m->msg, &p->st);
    else
        p->rc = tn_p2p_iprobe(p->source, p->tag, p->comm, TN_CTX_P2P, &p->flag, &p->st);
    return p->rc || p->flag;
}

static int probe_check(const char *fname, int source, int tag, MPI_Comm comm, MPI_Status *status,
                       struct probe *p)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &p->comm);
    if (!rc)
        rc = tn_check_rank(fname, "source", source, p->comm, TN_RANK_ANY | TN_RANK_NULL);
    if (!rc)
        rc = tn_check_tag(fname, tag, 1);
    if (!rc)
        rc = tn_check_ptr(fname, "status", status);
    p->source = source;
    p->tag = tag;
    p->m = NULL;
    p->flag = 0;
    p->rc = MPI_SUCCESS;
    return rc;
}

/* Runs the probe once, or until it matches when blocking. */
static int probe_run(struct probe *p, int blocking)
{
    if (!blocking) {
        probe_once(p);
        return p->rc;
    }
    int rc = tn_progress_wait(probe_once, p);
    return rc ? rc : p->rc;
}

static int probe(const char *fname, int source, int tag, MPI_Comm comm, int blocking, int *flag,
                 MPI_Status *status)
{
    struct probe p;
    int rc = probe_check(fname, source, tag, comm, status, &p);
    if (!rc && !blocking)
        rc = tn_check_ptr(fname, "flag", flag);
    if (!rc)
        rc = probe_run(&p, blocking);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    if (!blocking)
        *flag = p.flag;
    if (p.flag)
        tn_mpi_status_copy(status, &p.st);
    return MPI_SUCCESS;
}

TN_API(Probe)
int PMPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    return probe("MPI_Probe", source, tag, comm, 1, NULL, status);
}

TN_API(Iprobe)
int PMPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status)
{
    return probe("MPI_Iprobe", source, tag, comm, 0, flag, status);
}

/* Matched probes: a match leaves the matching queues and gets a handle. */
static int mprobe(const char *fname, int source, int tag, MPI_Comm comm, int blocking, int *flag,
                  MPI_Message *message, MPI_Status *status)
{
    struct probe p;
    struct tn_message *m;
    int h = 0;
    int rc = probe_check(fname, source, tag, comm, status, &p);
    if (!rc && !blocking)
        rc = tn_check_ptr(fname, "flag", flag);
    if (!rc)
        rc = tn_check_ptr(fname, "message", message);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    if (source == MPI_PROC_NULL) {
        if (status != MPI_STATUS_IGNORE)
            tn_status_set_empty(status);
        *message = MPI_MESSAGE_NO_PROC;
        if (!blocking)
            *flag = 1;
        return MPI_SUCCESS;
    }
    /* The handle is made before probing: once matched, the message can not
     * go back into the queues. */
    if (!(m = malloc(sizeof(*m))) || !(h = tn_htab_insert(&msg_tab, m))) {
        free(m);
        return tn_err_raise_comm(comm, TN_ERR_SETMEM(fname));
    }
    m->comm = p.comm;
    p.m = m;
    rc = probe_run(&p, blocking);
    if (rc || !p.flag) {
        tn_htab_remove(&msg_tab, h);
        free(m);
        if (rc)
            return tn_err_raise_comm(comm, rc);
        *flag = 0;
        *message = MPI_MESSAGE_NULL;
        return MPI_SUCCESS;
    }
    tn_comm_ref(m->comm);
    *message = h;
    if (!blocking)
        *flag = 1;
    tn_mpi_status_copy(status, &p.st);
    return MPI_SUCCESS;
}

TN_API(Mprobe)
int PMPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *message, MPI_Status *status)
{
    return mprobe("MPI_Mprobe", source, tag, comm, 1, NULL, message, status);
}

TN_API(Improbe)
int PMPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *message,
                 MPI_Status *status)
{
    return mprobe("MPI_Improbe", source, tag, comm, 0, flag, message, status);
}

int tn_message_irecv(const char *fname, void *buf, MPI_Aint count, MPI_Datatype datatype,
                     MPI_Message *message, tn_request_t **req, MPI_Comm *comm)
{
    struct tn_message *m = NULL;
    tn_comm_t *c = tn_comm_self;
    tn_datatype_t *dt;
    int rc = tn_check_ptr(fname, "message", message);
    if (rc)
        return rc;
    if (*message != MPI_MESSAGE_NO_PROC) {
        if (!(m = tn_htab_lookup(&msg_tab, *message)))
            return *message == MPI_MESSAGE_NULL
                       ? tn_err_set(MPI_ERR_REQUEST, "%s: message is MPI_MESSAGE_NULL", fname)
                       : tn_err_set(MPI_ERR_REQUEST, "%s: message 0x%x is not a valid message",
                                    fname, (unsigned)*message);
        c = m->comm;
    }
    *comm = c->handle;
    rc = tn_check_type(fname, count, datatype, &dt);
    if (!rc)
        rc = tn_check_buf(fname, buf, count, dt);
    if (!rc)
        rc = tn_p2p_imrecv(buf, count, dt, m ? m->msg : NULL, c, req);
    if (rc)
        return rc;
    if (m) {
        tn_htab_remove(&msg_tab, *message);
        tn_comm_release(m->comm);
        free(m);
    }
    *message = MPI_MESSAGE_NULL;
    return MPI_SUCCESS;
}
