/* MPI 4.1 chapter 6: the collectives, blocking, nonblocking and persistent,
 * on intra- and intercommunicators. One function per operation checks the
 * arguments (only those significant on the calling rank) and builds the
 * operation's schedule (src/coll; src/coll/inter.c on intercommunicators),
 * which coll_end then runs, starts or keeps;
 * the entry points are here (blocking), in coll_nb.c and coll_persist.c.
 * Per-rank count and displacement arrays (int, or MPI_Count/MPI_Aint for _c)
 * are widened to MPI_Aint in the schedule's scratch, so they live as long as
 * a nonblocking or persistent operation does. */
#include <stdlib.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "mpi/coll.h"
#include "mpi/pt2pt.h"
#include "coll/node.h"
#include "coll/util.h"
#include "core/topo.h"

/* ---- argument checks ---- */

static int coll_comm(const char *fname, tn_coll_how_t how, MPI_Comm comm, tn_comm_t **c)
{
    tn_comm_t *p = NULL;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &p);
    if (!rc && how.mode != TN_COLL_BLOCKING)
        rc = tn_check_ptr(fname, "request", how.request);
    if (!rc)
        *c = p;
    return rc;
}

static int in_place_error(const char *fname, const char *argname, const char *rule)
{
    return tn_err_set(MPI_ERR_BUFFER, "%s: %s is MPI_IN_PLACE, %s", fname, argname, rule);
}

#define ROOT_ONLY "which only the root may pass"
#define NEVER "which is not allowed for this argument"
#define INTER "which intercommunicators do not allow"

/* On an intercommunicator, a rank of the root's group other than the root:
 * no argument but root is significant. */
static int inter_idle(const tn_comm_t *c, int root)
{
    return c->remote_group && root == MPI_PROC_NULL;
}

/* A buffer that is not MPI_IN_PLACE and is NULL only when it describes no data. */
static int check_buf(const char *fname, const char *argname, const void *buf, MPI_Aint count,
                     const tn_datatype_t *dt)
{
    if (buf == MPI_IN_PLACE)
        return in_place_error(fname, argname, NEVER);
    return tn_check_buf(fname, buf, count, dt);
}

/* A (buf, count, datatype) triple. */
static int check_data(const char *fname, const char *argname, const void *buf, MPI_Aint count,
                      MPI_Datatype type, tn_datatype_t **dt)
{
    tn_datatype_t *d = NULL;
    int rc = tn_check_type(fname, count, type, &d);
    if (!rc)
        rc = check_buf(fname, argname, buf, count, d);
    if (!rc)
        *dt = d;
    return rc;
}

/* sendbuf is recvbuf, or this rank's block of it, without MPI_IN_PLACE: the
 * data would be overwritten while it is read (MPICH reports it the same way). */
static int check_alias(const char *fname, const void *sbuf, const void *rbuf, const void *mine,
                       size_t bytes)
{
    if (bytes == 0 || sbuf == MPI_BOTTOM || (sbuf != rbuf && sbuf != mine))
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_BUFFER,
                      "%s: sendbuf %p overlaps recvbuf (%p); pass MPI_IN_PLACE as sendbuf for an "
                      "in-place operation",
                      fname, sbuf, rbuf);
}

static int check_op(const char *fname, MPI_Op op, const tn_datatype_t *dt, tn_op_t **o)
{
    tn_op_t *p = NULL;
    int rc = tn_check_op(fname, op, &p);
    if (!rc)
        rc = tn_op_check(fname, p, dt);
    if (!rc)
        *o = p;
    return rc;
}

/* The buffers of a reduction: scount elements in, rcount out. sendbuf may be
 * MPI_IN_PLACE unless no_in_place says why not; recvbuf is checked when used. */
static int check_reduce_bufs(const char *fname, const void *sbuf, const void *rbuf, MPI_Aint scount,
                             MPI_Aint rcount, const tn_datatype_t *dt, const char *no_in_place,
                             int rbuf_used)
{
    int rc = MPI_SUCCESS;
    if (sbuf == MPI_IN_PLACE) {
        if (no_in_place)
            return in_place_error(fname, "sendbuf", no_in_place);
    } else {
        rc = tn_check_buf(fname, sbuf, scount, dt);
    }
    if (!rc && rbuf_used)
        rc = check_buf(fname, "recvbuf", rbuf, rcount, dt);
    if (!rc && rbuf_used)
        rc = check_alias(fname, sbuf, rbuf, rbuf, (size_t)rcount * (size_t)dt->size);
    return rc;
}

/* ---- schedules ---- */

/* Checks the communicator and the request pointer (unless blocking), then
 * makes the empty schedule *s. */
static int coll_begin(const char *fname, tn_coll_how_t how, MPI_Comm comm, tn_comm_t **c,
                      tn_sched_t **s)
{
    int rc = coll_comm(fname, how, comm, c);
    return rc ? rc : tn_sched_create(*c, fname, s);
}

/* References the user may drop while the operation is pending. */
static int hold(tn_coll_how_t how, tn_sched_t *s, tn_datatype_t *dt, tn_op_t *op)
{
    return how.mode == TN_COLL_BLOCKING ? MPI_SUCCESS : tn_sched_hold(s, dt, op);
}

/* After building (rc: how that went): runs, starts or keeps s, or frees it. */
static int coll_end(const char *fname, tn_coll_how_t how, tn_sched_t *s, int rc)
{
    tn_request_t *r;
    if (rc) {
        tn_sched_free(s);
        return rc;
    }
    switch (how.mode) {
    case TN_COLL_BLOCKING:
        return tn_sched_run(s);
    case TN_COLL_NONBLOCKING:
        rc = tn_sched_start(s, &r);
        break;
    default:
        rc = tn_sched_persist(s, &r);
    }
    return rc ? rc : tn_mpi_request_out(fname, r, how.request);
}

/* Whether the node-local algorithms (coll/node.h) may serve the call. */
static int node_may(tn_coll_how_t how, const tn_comm_t *c)
{
    return how.mode == TN_COLL_BLOCKING && !c->remote_group;
}

/* A call the node-local algorithm served (rc: how that went) needs no schedule. */
static int node_end(tn_sched_t *s, int rc)
{
    tn_sched_free(s);
    return rc;
}

static int coll_raise(MPI_Comm comm, int rc)
{
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

/* ---- per-rank arrays ---- */

static MPI_Aint arr_at(const void *a, enum tn_arr_kind k, int i)
{
    switch (k) {
    case TN_ARR_INT:
        return ((const int *)a)[i];
    case TN_ARR_COUNT:
        return (MPI_Aint)((const MPI_Count *)a)[i];
    default:
        return ((const MPI_Aint *)a)[i];
    }
}

/* Copies n entries of array a into out; counts must be >= 0. */
static int load(const char *fname, const char *argname, const void *a, enum tn_arr_kind k, int n,
                int counts, MPI_Aint *out)
{
    int rc = tn_check_ptr(fname, argname, a);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        MPI_Aint v = arr_at(a, k, i);
        if (counts && v < 0)
            return tn_err_set(MPI_ERR_COUNT, "%s: %s[%d] is %lld (must be >= 0)", fname, argname, i,
                              (long long)v);
        out[i] = v;
    }
    return MPI_SUCCESS;
}

static MPI_Aint sum(const MPI_Aint *v, int n)
{
    MPI_Aint s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* Room in s for p times per_rank bytes of arrays. */
static int arrays(tn_sched_t *s, size_t per_rank, int p, void **out)
{
    return tn_sched_scratch_bytes(s, per_rank * (size_t)p, out);
}

/* The count and displacement arrays of one side of a v/w-variant. */
static int load_side(const char *fname, const char *cname, const char *dname, const void *counts,
                     const void *displs, enum tn_arr_kind ck, enum tn_arr_kind dk, int p,
                     MPI_Aint *cnt, MPI_Aint *dsp)
{
    int rc = load(fname, cname, counts, ck, p, 1, cnt);
    return rc ? rc : load(fname, dname, displs, dk, p, 0, dsp);
}

/* The counts and displacements of a v-variant, in s's scratch. */
static int load_counts(tn_sched_t *s, const char *fname, const char *cname, const char *dname,
                       const void *counts, const void *displs, enum tn_arr_kind ck,
                       enum tn_arr_kind dk, int p, MPI_Aint **cnt, MPI_Aint **dsp)
{
    MPI_Aint *a;
    int rc = arrays(s, 2 * sizeof(MPI_Aint), p, (void **)&a);
    if (!rc)
        rc = load_side(fname, cname, dname, counts, displs, ck, dk, p, a, a + p);
    if (!rc) {
        *cnt = a;
        *dsp = a + p;
    }
    return rc;
}

/* ---- barrier, broadcast ---- */

int tn_mpi_barrier(const char *fname, tn_coll_how_t how, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s), nrc;
    if (!rc && node_may(how, c) && (nrc = tn_coll_node_barrier(c)) != TN_COLL_NODE_NO)
        return coll_raise(comm, node_end(s, nrc));
    if (!rc)
        rc = coll_end(fname, how, s,
                      c->remote_group ? tn_coll_inter_barrier_sched(s) : tn_coll_barrier_sched(s));
    return coll_raise(comm, rc);
}

int tn_mpi_bcast(const char *fname, tn_coll_how_t how, void *buf, MPI_Aint count, MPI_Datatype type,
                 int root, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *dt = NULL;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s), nrc;
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_check_root(fname, root, c);
    if (!rc && !inter_idle(c, root))
        rc = check_data(fname, "buffer", buf, count, type, &dt);
    if (!rc && node_may(how, c) &&
        (nrc = tn_coll_node_bcast(c, buf, count, dt, root)) != TN_COLL_NODE_NO)
        return coll_raise(comm, node_end(s, nrc));
    if (!rc)
        rc = hold(how, s, dt, NULL);
    if (!rc)
        rc = c->remote_group ? tn_coll_inter_bcast_sched(s, buf, count, dt, root)
                             : tn_coll_bcast_sched(s, buf, count, dt, root);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* ---- reductions: reduce, allreduce, scan, exscan ---- */

int tn_mpi_reduce(const char *fname, tn_coll_how_t how, const void *sbuf, void *rbuf,
                  MPI_Aint count, MPI_Datatype type, MPI_Op op, int root, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *dt = NULL;
    tn_op_t *o = NULL;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s), nrc;
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_check_root(fname, root, c);
    if (rc || inter_idle(c, root))
        return coll_raise(comm, coll_end(fname, how, s, rc));
    rc = tn_check_type(fname, count, type, &dt);
    if (!rc)
        rc = check_op(fname, op, dt, &o);
    if (!rc && !c->remote_group)
        rc = check_reduce_bufs(fname, sbuf, rbuf, count, count, dt,
                               c->rank == root ? NULL : ROOT_ONLY, c->rank == root);
    else if (!rc) /* the root only receives, the other group only sends */
        rc = root == MPI_ROOT ? check_buf(fname, "recvbuf", rbuf, count, dt)
                              : check_reduce_bufs(fname, sbuf, rbuf, count, count, dt, INTER, 0);
    if (!rc && node_may(how, c) &&
        (nrc = tn_coll_node_reduce(c, sbuf, rbuf, count, dt, o, root)) != TN_COLL_NODE_NO)
        return coll_raise(comm, node_end(s, nrc));
    if (!rc)
        rc = hold(how, s, dt, o);
    if (!rc)
        rc = c->remote_group ? tn_coll_inter_reduce_sched(s, sbuf, rbuf, count, dt, o, root)
                             : tn_coll_reduce_sched(s, sbuf, rbuf, count, dt, o, root);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

int tn_mpi_allred(const char *fname, tn_coll_how_t how, enum tn_allred_kind kind, const void *sbuf,
                  void *rbuf, MPI_Aint count, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_op_t *o;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s), nrc;
    if (rc)
        return coll_raise(comm, rc);
    if (c->remote_group && kind != TN_ALLREDUCE)
        rc = tn_err_set(MPI_ERR_COMM, "%s: comm 0x%x is an intercommunicator; the operation is "
                                      "defined on intracommunicators only",
                        fname, (unsigned)comm);
    if (!rc)
        rc = tn_check_type(fname, count, type, &dt);
    if (!rc)
        rc = check_op(fname, op, dt, &o);
    if (!rc)
        rc = check_reduce_bufs(fname, sbuf, rbuf, count, count, dt, c->remote_group ? INTER : NULL,
                               1);
    if (!rc && kind == TN_ALLREDUCE && node_may(how, c) &&
        (nrc = tn_coll_node_allreduce(c, sbuf, rbuf, count, dt, o)) != TN_COLL_NODE_NO)
        return coll_raise(comm, node_end(s, nrc));
    if (!rc)
        rc = hold(how, s, dt, o);
    if (!rc && c->remote_group) {
        rc = tn_coll_inter_allreduce_sched(s, sbuf, rbuf, count, dt, o);
    } else if (!rc) {
        switch (kind) {
        case TN_ALLREDUCE:
            rc = tn_coll_allreduce_sched(s, sbuf, rbuf, count, dt, o);
            break;
        case TN_SCAN:
            rc = tn_coll_scan_sched(s, sbuf, rbuf, count, dt, o);
            break;
        case TN_EXSCAN:
            rc = tn_coll_exscan_sched(s, sbuf, rbuf, count, dt, o);
            break;
        }
    }
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

int tn_mpi_reduce_scatter(const char *fname, tn_coll_how_t how, const void *sbuf, void *rbuf,
                          int block, const void *counts, enum tn_arr_kind ck, MPI_Aint rcount,
                          MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *dt;
    tn_op_t *o;
    tn_sched_t *s;
    MPI_Aint *rcounts = NULL;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    if (!block) {
        rc = arrays(s, sizeof(MPI_Aint), c->size, (void **)&rcounts);
        if (!rc)
            rc = load(fname, "recvcounts", counts, ck, c->size, 1, rcounts);
        if (!rc)
            rcount = rcounts[c->rank];
    }
    if (!rc)
        rc = tn_check_type(fname, rcount, type, &dt);
    if (!rc)
        rc = check_op(fname, op, dt, &o);
    if (!rc) {
        MPI_Aint total = block ? rcount * c->size : sum(rcounts, c->size);
        rc = check_reduce_bufs(fname, sbuf, rbuf, total, rcount, dt, c->remote_group ? INTER : NULL,
                               1);
    }
    if (!rc)
        rc = hold(how, s, dt, o);
    if (!rc && c->remote_group)
        rc = tn_coll_inter_reduce_scatter_sched(s, sbuf, rbuf, rcounts, rcount, dt, o);
    else if (!rc)
        rc = block ? tn_coll_reduce_scatter_block_sched(s, sbuf, rbuf, rcount, dt, o)
                   : tn_coll_reduce_scatter_sched(s, sbuf, rbuf, rcounts, dt, o);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* ---- gather, scatter ---- */

/* sendbuf of a gather: MPI_IN_PLACE at the root only; *st stays NULL then. */
static int check_gather_send(const char *fname, const void *sbuf, MPI_Aint scount,
                             MPI_Datatype stype, int is_root, tn_datatype_t **st)
{
    if (sbuf != MPI_IN_PLACE)
        return check_data(fname, "sendbuf", sbuf, scount, stype, st);
    return is_root ? MPI_SUCCESS : in_place_error(fname, "sendbuf", ROOT_ONLY);
}

/* gather(v) on an intercommunicator (rcounts NULL: gather, rcount each): the
 * root checks the receive side, the other group the send side. */
static int inter_gather(const char *fname, tn_coll_how_t how, tn_sched_t *s, const tn_comm_t *c,
                        const void *sbuf, MPI_Aint scount, MPI_Datatype stype, void *rbuf,
                        const void *rcounts, const void *displs, enum tn_arr_kind ck,
                        enum tn_arr_kind dk, MPI_Aint rcount, MPI_Datatype rtype, int root)
{
    tn_datatype_t *st = NULL, *rt = NULL;
    MPI_Aint *cnt = NULL, *dsp = NULL;
    int p = tn_comm_peer_size(c), rc = MPI_SUCCESS;
    if (root == MPI_ROOT) {
        if (rcounts)
            rc = load_counts(s, fname, "recvcounts", "displs", rcounts, displs, ck, dk, p, &cnt,
                             &dsp);
        if (!rc)
            rc = check_data(fname, "recvbuf", rbuf, cnt ? sum(cnt, p) : rcount * p, rtype, &rt);
    } else if (root != MPI_PROC_NULL) {
        rc = check_data(fname, "sendbuf", sbuf, scount, stype, &st);
    }
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    tn_coll_layout_t rl = {.buf = rbuf, .counts = cnt, .count = rcount, .displs = dsp, .dt = rt};
    return rc ? rc : tn_coll_inter_gather_sched(s, sbuf, scount, st, &rl, root);
}

/* scatter(v) on an intercommunicator (scounts NULL: scatter, scount each). */
static int inter_scatter(const char *fname, tn_coll_how_t how, tn_sched_t *s, const tn_comm_t *c,
                         const void *sbuf, const void *scounts, const void *displs,
                         enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Aint scount,
                         MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype,
                         int root)
{
    tn_datatype_t *st = NULL, *rt = NULL;
    MPI_Aint *cnt = NULL, *dsp = NULL;
    int p = tn_comm_peer_size(c), rc = MPI_SUCCESS;
    if (root == MPI_ROOT) {
        if (scounts)
            rc = load_counts(s, fname, "sendcounts", "displs", scounts, displs, ck, dk, p, &cnt,
                             &dsp);
        if (!rc)
            rc = check_data(fname, "sendbuf", sbuf, cnt ? sum(cnt, p) : scount * p, stype, &st);
    } else if (root != MPI_PROC_NULL) {
        rc = check_data(fname, "recvbuf", rbuf, rcount, rtype, &rt);
    }
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    tn_coll_layout_t sl = {.buf = sbuf, .counts = cnt, .count = scount, .displs = dsp, .dt = st};
    return rc ? rc : tn_coll_inter_scatter_sched(s, &sl, rbuf, rcount, rt, root);
}

int tn_mpi_gather(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                  MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype, int root,
                  MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_check_root(fname, root, c);
    if (!rc && c->remote_group)
        return coll_raise(comm, coll_end(fname, how, s,
                                         inter_gather(fname, how, s, c, sbuf, scount, stype, rbuf,
                                                      NULL, NULL, 0, 0, rcount, rtype, root)));
    if (!rc)
        rc = check_gather_send(fname, sbuf, scount, stype, c->rank == root, &st);
    if (!rc && c->rank == root) {
        rc = check_data(fname, "recvbuf", rbuf, rcount, rtype, &rt);
        if (!rc && st)
            rc = check_alias(fname, sbuf, rbuf, tn_coll_block(rbuf, root, rcount, rt),
                             (size_t)rcount * (size_t)rt->size);
    }
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc)
        rc = tn_coll_gather_sched(s, sbuf, scount, st, rbuf, rcount, rt, root);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

int tn_mpi_gatherv(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                   MPI_Datatype stype, void *rbuf, const void *rcounts, const void *displs,
                   enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Datatype rtype, int root,
                   MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    MPI_Aint *cnt = NULL, *dsp = NULL;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_check_root(fname, root, c);
    if (!rc && c->remote_group)
        return coll_raise(comm, coll_end(fname, how, s,
                                         inter_gather(fname, how, s, c, sbuf, scount, stype, rbuf,
                                                      rcounts, displs, ck, dk, 0, rtype, root)));
    if (!rc)
        rc = check_gather_send(fname, sbuf, scount, stype, c->rank == root, &st);
    if (!rc && c->rank == root) {
        int p = c->size;
        rc = load_counts(s, fname, "recvcounts", "displs", rcounts, displs, ck, dk, p, &cnt, &dsp);
        if (!rc)
            rc = check_data(fname, "recvbuf", rbuf, sum(cnt, p), rtype, &rt);
        if (!rc && st)
            rc = check_alias(fname, sbuf, rbuf, (char *)rbuf + dsp[root] * rt->extent,
                             (size_t)cnt[root] * (size_t)rt->size);
    }
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc)
        rc = tn_coll_gatherv_sched(s, sbuf, scount, st, rbuf, cnt, dsp, rt, root);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* recvbuf of a scatter: MPI_IN_PLACE at the root only; *rt stays NULL then. */
static int check_scatter_recv(const char *fname, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype,
                              int is_root, tn_datatype_t **rt)
{
    if (rbuf != MPI_IN_PLACE)
        return check_data(fname, "recvbuf", rbuf, rcount, rtype, rt);
    return is_root ? MPI_SUCCESS : in_place_error(fname, "recvbuf", ROOT_ONLY);
}

int tn_mpi_scatter(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                   MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype, int root,
                   MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_check_root(fname, root, c);
    if (!rc && c->remote_group)
        return coll_raise(comm, coll_end(fname, how, s,
                                         inter_scatter(fname, how, s, c, sbuf, NULL, NULL, 0, 0,
                                                       scount, stype, rbuf, rcount, rtype, root)));
    if (!rc)
        rc = check_scatter_recv(fname, rbuf, rcount, rtype, c->rank == root, &rt);
    if (!rc && c->rank == root) {
        rc = check_data(fname, "sendbuf", sbuf, scount, stype, &st);
        if (!rc && rt)
            rc = check_alias(fname, rbuf, sbuf, tn_coll_block(sbuf, root, scount, st),
                             (size_t)scount * (size_t)st->size);
    }
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc)
        rc = tn_coll_scatter_sched(s, sbuf, scount, st, rbuf, rcount, rt, root);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

int tn_mpi_scatterv(const char *fname, tn_coll_how_t how, const void *sbuf, const void *scounts,
                    const void *displs, enum tn_arr_kind ck, enum tn_arr_kind dk,
                    MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype, int root,
                    MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    MPI_Aint *cnt = NULL, *dsp = NULL;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_check_root(fname, root, c);
    if (!rc && c->remote_group)
        return coll_raise(comm, coll_end(fname, how, s,
                                         inter_scatter(fname, how, s, c, sbuf, scounts, displs, ck,
                                                       dk, 0, stype, rbuf, rcount, rtype, root)));
    if (!rc)
        rc = check_scatter_recv(fname, rbuf, rcount, rtype, c->rank == root, &rt);
    if (!rc && c->rank == root) {
        int p = c->size;
        rc = load_counts(s, fname, "sendcounts", "displs", scounts, displs, ck, dk, p, &cnt, &dsp);
        if (!rc)
            rc = check_data(fname, "sendbuf", sbuf, sum(cnt, p), stype, &st);
        if (!rc && rt)
            rc = check_alias(fname, rbuf, sbuf, (const char *)sbuf + dsp[root] * st->extent,
                             (size_t)cnt[root] * (size_t)st->size);
    }
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc)
        rc = tn_coll_scatterv_sched(s, sbuf, cnt, dsp, st, rbuf, rcount, rt, root);
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* ---- allgather ---- */

/* sendbuf of an allgather or alltoall: MPI_IN_PLACE allowed on
 * intracommunicators (*st stays NULL). */
static int check_all_send(const char *fname, const tn_comm_t *c, const void *sbuf, MPI_Aint scount,
                          MPI_Datatype stype, tn_datatype_t **st)
{
    if (sbuf != MPI_IN_PLACE)
        return check_data(fname, "sendbuf", sbuf, scount, stype, st);
    return c->remote_group ? in_place_error(fname, "sendbuf", INTER) : MPI_SUCCESS;
}

int tn_mpi_allgather(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                     MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype,
                     MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = check_all_send(fname, c, sbuf, scount, stype, &st);
    if (!rc)
        rc = check_data(fname, "recvbuf", rbuf, rcount, rtype, &rt);
    if (!rc && st && !c->remote_group)
        rc = check_alias(fname, sbuf, rbuf, tn_coll_block(rbuf, c->rank, rcount, rt),
                         (size_t)rcount * (size_t)rt->size);
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc && c->remote_group) {
        tn_coll_layout_t sl = {.buf = sbuf, .count = scount, .dt = st, .same = 1};
        tn_coll_layout_t rl = {.buf = rbuf, .count = rcount, .dt = rt};
        rc = tn_coll_inter_exchange_sched(s, &sl, &rl);
    } else if (!rc) {
        rc = tn_coll_allgather_sched(s, sbuf, scount, st, rbuf, rcount, rt);
    }
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

int tn_mpi_allgatherv(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                      MPI_Datatype stype, void *rbuf, const void *rcounts, const void *displs,
                      enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Datatype rtype, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    MPI_Aint *cnt = NULL, *dsp = NULL;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    int p = tn_comm_peer_size(c);
    rc = check_all_send(fname, c, sbuf, scount, stype, &st);
    if (!rc)
        rc = load_counts(s, fname, "recvcounts", "displs", rcounts, displs, ck, dk, p, &cnt, &dsp);
    if (!rc)
        rc = check_data(fname, "recvbuf", rbuf, sum(cnt, p), rtype, &rt);
    if (!rc && st && !c->remote_group)
        rc = check_alias(fname, sbuf, rbuf, (char *)rbuf + dsp[c->rank] * rt->extent,
                         (size_t)cnt[c->rank] * (size_t)rt->size);
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc && c->remote_group) {
        tn_coll_layout_t sl = {.buf = sbuf, .count = scount, .dt = st, .same = 1};
        tn_coll_layout_t rl = {.buf = rbuf, .counts = cnt, .displs = dsp, .dt = rt};
        rc = tn_coll_inter_exchange_sched(s, &sl, &rl);
    } else if (!rc) {
        rc = tn_coll_allgatherv_sched(s, sbuf, scount, st, rbuf, cnt, dsp, rt);
    }
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* ---- alltoall ---- */

int tn_mpi_alltoall(const char *fname, tn_coll_how_t how, const void *sbuf, MPI_Aint scount,
                    MPI_Datatype stype, void *rbuf, MPI_Aint rcount, MPI_Datatype rtype,
                    MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = check_all_send(fname, c, sbuf, scount, stype, &st);
    if (!rc)
        rc = check_data(fname, "recvbuf", rbuf, rcount, rtype, &rt);
    if (!rc && st)
        rc = check_alias(fname, sbuf, rbuf, rbuf, (size_t)rcount * (size_t)rt->size);
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc && c->remote_group) {
        tn_coll_layout_t sl = {.buf = sbuf, .count = scount, .dt = st};
        tn_coll_layout_t rl = {.buf = rbuf, .count = rcount, .dt = rt};
        rc = tn_coll_inter_exchange_sched(s, &sl, &rl);
    } else if (!rc) {
        rc = tn_coll_alltoall_sched(s, sbuf, scount, st, rbuf, rcount, rt);
    }
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

int tn_mpi_alltoallv(const char *fname, tn_coll_how_t how, const void *sbuf, const void *scounts,
                     const void *sdispls, MPI_Datatype stype, void *rbuf, const void *rcounts,
                     const void *rdispls, MPI_Datatype rtype, enum tn_arr_kind ck,
                     enum tn_arr_kind dk, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_datatype_t *st = NULL, *rt = NULL;
    tn_sched_t *s;
    MPI_Aint *a = NULL;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    int p = tn_comm_peer_size(c);
    /* a: sendcounts, sdispls, recvcounts, rdispls */
    rc = arrays(s, 4 * sizeof(MPI_Aint), p, (void **)&a);
    if (!rc && sbuf == MPI_IN_PLACE && c->remote_group)
        rc = in_place_error(fname, "sendbuf", INTER);
    if (!rc && sbuf != MPI_IN_PLACE) {
        rc = load_side(fname, "sendcounts", "sdispls", scounts, sdispls, ck, dk, p, a, a + p);
        if (!rc)
            rc = check_data(fname, "sendbuf", sbuf, sum(a, p), stype, &st);
    }
    if (!rc)
        rc = load_side(fname, "recvcounts", "rdispls", rcounts, rdispls, ck, dk, p, a + 2 * p,
                       a + 3 * p);
    if (!rc)
        rc = check_data(fname, "recvbuf", rbuf, sum(a + 2 * p, p), rtype, &rt);
    if (!rc && st)
        rc = check_alias(fname, sbuf, rbuf, rbuf, (size_t)sum(a + 2 * p, p) * (size_t)rt->size);
    if (!rc)
        rc = hold(how, s, st, NULL);
    if (!rc)
        rc = hold(how, s, rt, NULL);
    if (!rc && c->remote_group) {
        tn_coll_layout_t sl = {.buf = sbuf, .counts = a, .displs = a + p, .dt = st};
        tn_coll_layout_t rl = {.buf = rbuf, .counts = a + 2 * p, .displs = a + 3 * p, .dt = rt};
        rc = tn_coll_inter_exchange_sched(s, &sl, &rl);
    } else if (!rc) {
        rc = tn_coll_alltoallv_sched(s, sbuf, st ? a : NULL, st ? a + p : NULL, st, rbuf, a + 2 * p,
                                     a + 3 * p, rt);
    }
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* Per-rank datatypes of an alltoallw; an empty block may name MPI_DATATYPE_NULL.
 * *bytes is the total size of the blocks. */
static int load_types(const char *fname, const char *argname, const MPI_Datatype *types,
                      const MPI_Aint *counts, int p, tn_datatype_t **out, size_t *bytes)
{
    int rc = tn_check_ptr(fname, argname, types);
    size_t total = 0;
    for (int i = 0; !rc && i < p; i++) {
        if (counts[i] == 0 && types[i] == MPI_DATATYPE_NULL)
            out[i] = tn_datatype_get(MPI_BYTE);
        else
            rc = tn_check_type(fname, counts[i], types[i], &out[i]);
        if (!rc)
            total += (size_t)counts[i] * (size_t)out[i]->size;
    }
    if (!rc)
        *bytes = total;
    return rc;
}

int tn_mpi_alltoallw(const char *fname, tn_coll_how_t how, const void *sbuf, const void *scounts,
                     const void *sdispls, const MPI_Datatype *stypes, void *rbuf,
                     const void *rcounts, const void *rdispls, const MPI_Datatype *rtypes,
                     enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_sched_t *s;
    MPI_Aint *a = NULL;
    size_t sbytes = 0, rbytes = 0;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    int p = tn_comm_peer_size(c), in_place = sbuf == MPI_IN_PLACE;
    /* a: sendcounts, sdispls, recvcounts, rdispls; then t: sendtypes, recvtypes.
     * Buffers may be MPI_BOTTOM with absolute displacements, so NULL is not refused. */
    rc = arrays(s, 4 * sizeof(MPI_Aint) + 2 * sizeof(tn_datatype_t *), p, (void **)&a);
    tn_datatype_t **t = rc ? NULL : (tn_datatype_t **)(a + 4 * p);
    if (!rc && in_place && c->remote_group)
        rc = in_place_error(fname, "sendbuf", INTER);
    if (!rc && !in_place) {
        rc = load_side(fname, "sendcounts", "sdispls", scounts, sdispls, ck, dk, p, a, a + p);
        if (!rc)
            rc = load_types(fname, "sendtypes", stypes, a, p, t, &sbytes);
    }
    if (!rc)
        rc = load_side(fname, "recvcounts", "rdispls", rcounts, rdispls, ck, dk, p, a + 2 * p,
                       a + 3 * p);
    if (!rc)
        rc = load_types(fname, "recvtypes", rtypes, a + 2 * p, p, t + p, &rbytes);
    if (!rc && rbuf == MPI_IN_PLACE)
        rc = in_place_error(fname, "recvbuf", NEVER);
    if (!rc && !in_place)
        rc = check_alias(fname, sbuf, rbuf, rbuf, sbytes < rbytes ? sbytes : rbytes);
    for (int i = in_place ? p : 0; !rc && i < 2 * p; i++)
        rc = hold(how, s, t[i], NULL);
    if (!rc && c->remote_group) {
        tn_coll_layout_t sl = {.buf = sbuf, .counts = a, .displs = a + p, .types = t};
        tn_coll_layout_t rl = {.buf = rbuf, .counts = a + 2 * p, .displs = a + 3 * p, .types = t + p};
        rc = tn_coll_inter_exchange_sched(s, &sl, &rl);
    } else if (!rc) {
        rc = tn_coll_alltoallw_sched(s, sbuf, in_place ? NULL : a, in_place ? NULL : a + p,
                                     in_place ? NULL : t, rbuf, a + 2 * p, a + 3 * p, t + p);
    }
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* ---- neighbourhood collectives ---- */

/* One side of a neighbourhood collective with n neighbours, checked, as a
 * layout: per-neighbour counts and displacements (v; dname names the
 * latter), also types (w), or one count for each neighbour's block (same:
 * one block for all). */
static int neighbor_side(const char *fname, tn_coll_how_t how, tn_sched_t *s, int recv,
                         const char *dname, const tn_mpi_side_t *x, int n, int v, int w,
                         int same, enum tn_arr_kind ck, enum tn_arr_kind dk,
                         tn_coll_layout_t *l)
{
    const char *bufname = recv ? "recvbuf" : "sendbuf";
    MPI_Aint *a = NULL;
    tn_datatype_t *dt = NULL;
    int rc = MPI_SUCCESS;
    *l = (tn_coll_layout_t){.buf = x->buf, .count = x->count, .same = same};
    if (x->buf == MPI_IN_PLACE)
        return in_place_error(fname, bufname, NEVER);
    if (v || w) {
        rc = arrays(s, 2 * sizeof(MPI_Aint) + (w ? sizeof(tn_datatype_t *) : 0), n, (void **)&a);
        if (!rc)
            rc = load_side(fname, recv ? "recvcounts" : "sendcounts", dname, x->counts,
                           x->displs, ck, dk, n, a, a + n);
        l->counts = a;
        l->displs = a + n;
    }
    if (!rc && w) { /* buffers may be MPI_BOTTOM with absolute displacements */
        tn_datatype_t **t = (tn_datatype_t **)(a + 2 * n);
        size_t bytes;
        rc = load_types(fname, recv ? "recvtypes" : "sendtypes", x->types, a, n, t, &bytes);
        for (int i = 0; !rc && i < n; i++)
            rc = hold(how, s, t[i], NULL);
        l->types = t;
    } else if (!rc) {
        rc = check_data(fname, bufname, x->buf, v ? sum(a, n) : same ? x->count : x->count * n,
                        x->type, &dt);
        if (!rc)
            rc = hold(how, s, dt, NULL);
        l->dt = dt;
    }
    return rc;
}

int tn_mpi_neighbor(const char *fname, tn_coll_how_t how, enum tn_nbr_kind kind, tn_mpi_side_t snd,
                    tn_mpi_side_t rcv, enum tn_arr_kind ck, enum tn_arr_kind dk, MPI_Comm comm)
{
    tn_comm_t *c;
    tn_sched_t *s;
    tn_coll_layout_t sl, rl;
    int in = 0, out = 0, *sources = NULL, *dests = NULL, w = kind == TN_NBR_ALLTOALLW;
    int rc = coll_begin(fname, how, comm, &c, &s);
    if (rc)
        return coll_raise(comm, rc);
    rc = tn_topo_neighbors(fname, c, &in, &sources, &out, &dests);
    if (!rc)
        rc = neighbor_side(fname, how, s, 0, "sdispls", &snd, out, kind == TN_NBR_ALLTOALLV, w,
                           kind == TN_NBR_ALLGATHER || kind == TN_NBR_ALLGATHERV, ck, dk, &sl);
    if (!rc)
        rc = neighbor_side(fname, how, s, 1, kind == TN_NBR_ALLGATHERV ? "displs" : "rdispls",
                           &rcv, in, kind == TN_NBR_ALLGATHERV || kind == TN_NBR_ALLTOALLV, w, 0,
                           ck, dk, &rl);
    if (!rc)
        rc = tn_coll_neighbor_sched(s, c->topo == MPI_CART, in, sources, &rl, out, dests, &sl);
    free(sources); /* the schedule has its own copy of the ranks */
    return coll_raise(comm, coll_end(fname, how, s, rc));
}

/* ---- the blocking entry points ---- */

static const tn_coll_how_t blocking = {TN_COLL_BLOCKING, NULL};

TN_API(Barrier)
int PMPI_Barrier(MPI_Comm comm)
{
    return tn_mpi_barrier("MPI_Barrier", blocking, comm);
}

TN_API(Bcast)
int PMPI_Bcast(void *buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    return tn_mpi_bcast("MPI_Bcast", blocking, buffer, count, datatype, root, comm);
}

TN_API(Bcast_c)
int PMPI_Bcast_c(void *buffer, MPI_Count count, MPI_Datatype datatype, int root, MPI_Comm comm)
{
    return tn_mpi_bcast("MPI_Bcast_c", blocking, buffer, count, datatype, root, comm);
}

TN_API(Reduce)
int PMPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                int root, MPI_Comm comm)
{
    return tn_mpi_reduce("MPI_Reduce", blocking, sendbuf, recvbuf, count, datatype, op, root, comm);
}

TN_API(Reduce_c)
int PMPI_Reduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                  MPI_Op op, int root, MPI_Comm comm)
{
    return tn_mpi_reduce("MPI_Reduce_c", blocking, sendbuf, recvbuf, count, datatype, op, root,
                         comm);
}

TN_API(Allreduce)
int PMPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                   MPI_Comm comm)
{
    return tn_mpi_allred("MPI_Allreduce", blocking, TN_ALLREDUCE, sendbuf, recvbuf, count, datatype,
                         op, comm);
}

TN_API(Allreduce_c)
int PMPI_Allreduce_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                     MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_allred("MPI_Allreduce_c", blocking, TN_ALLREDUCE, sendbuf, recvbuf, count,
                         datatype, op, comm);
}

TN_API(Scan)
int PMPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
              MPI_Comm comm)
{
    return tn_mpi_allred("MPI_Scan", blocking, TN_SCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Scan_c)
int PMPI_Scan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_allred("MPI_Scan_c", blocking, TN_SCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Exscan)
int PMPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype datatype, MPI_Op op,
                MPI_Comm comm)
{
    return tn_mpi_allred("MPI_Exscan", blocking, TN_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Exscan_c)
int PMPI_Exscan_c(const void *sendbuf, void *recvbuf, MPI_Count count, MPI_Datatype datatype,
                  MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_allred("MPI_Exscan_c", blocking, TN_EXSCAN, sendbuf, recvbuf, count, datatype, op,
                         comm);
}

TN_API(Reduce_scatter)
int PMPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int recvcounts[],
                        MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter", blocking, sendbuf, recvbuf, 0, recvcounts,
                                 TN_ARR_INT, 0, datatype, op, comm);
}

TN_API(Reduce_scatter_c)
int PMPI_Reduce_scatter_c(const void *sendbuf, void *recvbuf, const MPI_Count recvcounts[],
                          MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_c", blocking, sendbuf, recvbuf, 0, recvcounts,
                                 TN_ARR_COUNT, 0, datatype, op, comm);
}

TN_API(Reduce_scatter_block)
int PMPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount,
                              MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_block", blocking, sendbuf, recvbuf, 1, NULL,
                                 TN_ARR_INT, recvcount, datatype, op, comm);
}

TN_API(Reduce_scatter_block_c)
int PMPI_Reduce_scatter_block_c(const void *sendbuf, void *recvbuf, MPI_Count recvcount,
                                MPI_Datatype datatype, MPI_Op op, MPI_Comm comm)
{
    return tn_mpi_reduce_scatter("MPI_Reduce_scatter_block_c", blocking, sendbuf, recvbuf, 1, NULL,
                                 TN_ARR_INT, recvcount, datatype, op, comm);
}

TN_API(Gather)
int PMPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return tn_mpi_gather("MPI_Gather", blocking, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                         recvtype, root, comm);
}

TN_API(Gather_c)
int PMPI_Gather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                  MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return tn_mpi_gather("MPI_Gather_c", blocking, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                         recvtype, root, comm);
}

TN_API(Gatherv)
int PMPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 const int recvcounts[], const int displs[], MPI_Datatype recvtype, int root,
                 MPI_Comm comm)
{
    return tn_mpi_gatherv("MPI_Gatherv", blocking, sendbuf, sendcount, sendtype, recvbuf,
                          recvcounts, displs, TN_ARR_INT, TN_ARR_INT, recvtype, root, comm);
}

TN_API(Gatherv_c)
int PMPI_Gatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                   const MPI_Count recvcounts[], const MPI_Aint displs[], MPI_Datatype recvtype,
                   int root, MPI_Comm comm)
{
    return tn_mpi_gatherv("MPI_Gatherv_c", blocking, sendbuf, sendcount, sendtype, recvbuf,
                          recvcounts, displs, TN_ARR_COUNT, TN_ARR_AINT, recvtype, root, comm);
}

TN_API(Scatter)
int PMPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return tn_mpi_scatter("MPI_Scatter", blocking, sendbuf, sendcount, sendtype, recvbuf, recvcount,
                          recvtype, root, comm);
}

TN_API(Scatter_c)
int PMPI_Scatter_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                   MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return tn_mpi_scatter("MPI_Scatter_c", blocking, sendbuf, sendcount, sendtype, recvbuf,
                          recvcount, recvtype, root, comm);
}

TN_API(Scatterv)
int PMPI_Scatterv(const void *sendbuf, const int sendcounts[], const int displs[],
                  MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                  int root, MPI_Comm comm)
{
    return tn_mpi_scatterv("MPI_Scatterv", blocking, sendbuf, sendcounts, displs, TN_ARR_INT,
                           TN_ARR_INT, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

TN_API(Scatterv_c)
int PMPI_Scatterv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint displs[],
                    MPI_Datatype sendtype, void *recvbuf, MPI_Count recvcount,
                    MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return tn_mpi_scatterv("MPI_Scatterv_c", blocking, sendbuf, sendcounts, displs, TN_ARR_COUNT,
                           TN_ARR_AINT, sendtype, recvbuf, recvcount, recvtype, root, comm);
}

TN_API(Allgather)
int PMPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_allgather("MPI_Allgather", blocking, sendbuf, sendcount, sendtype, recvbuf,
                            recvcount, recvtype, comm);
}

TN_API(Allgather_c)
int PMPI_Allgather_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                     MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_allgather("MPI_Allgather_c", blocking, sendbuf, sendcount, sendtype, recvbuf,
                            recvcount, recvtype, comm);
}

TN_API(Allgatherv)
int PMPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                    const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                    MPI_Comm comm)
{
    return tn_mpi_allgatherv("MPI_Allgatherv", blocking, sendbuf, sendcount, sendtype, recvbuf,
                             recvcounts, displs, TN_ARR_INT, TN_ARR_INT, recvtype, comm);
}

TN_API(Allgatherv_c)
int PMPI_Allgatherv_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                      void *recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                      MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_allgatherv("MPI_Allgatherv_c", blocking, sendbuf, sendcount, sendtype, recvbuf,
                             recvcounts, displs, TN_ARR_COUNT, TN_ARR_AINT, recvtype, comm);
}

TN_API(Alltoall)
int PMPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_alltoall("MPI_Alltoall", blocking, sendbuf, sendcount, sendtype, recvbuf,
                           recvcount, recvtype, comm);
}

TN_API(Alltoall_c)
int PMPI_Alltoall_c(const void *sendbuf, MPI_Count sendcount, MPI_Datatype sendtype, void *recvbuf,
                    MPI_Count recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_alltoall("MPI_Alltoall_c", blocking, sendbuf, sendcount, sendtype, recvbuf,
                           recvcount, recvtype, comm);
}

TN_API(Alltoallv)
int PMPI_Alltoallv(const void *sendbuf, const int sendcounts[], const int sdispls[],
                   MPI_Datatype sendtype, void *recvbuf, const int recvcounts[],
                   const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_alltoallv("MPI_Alltoallv", blocking, sendbuf, sendcounts, sdispls, sendtype,
                            recvbuf, recvcounts, rdispls, recvtype, TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Alltoallv_c)
int PMPI_Alltoallv_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                     MPI_Datatype sendtype, void *recvbuf, const MPI_Count recvcounts[],
                     const MPI_Aint rdispls[], MPI_Datatype recvtype, MPI_Comm comm)
{
    return tn_mpi_alltoallv("MPI_Alltoallv_c", blocking, sendbuf, sendcounts, sdispls, sendtype,
                            recvbuf, recvcounts, rdispls, recvtype, TN_ARR_COUNT, TN_ARR_AINT,
                            comm);
}

TN_API(Alltoallw)
int PMPI_Alltoallw(const void *sendbuf, const int sendcounts[], const int sdispls[],
                   const MPI_Datatype sendtypes[], void *recvbuf, const int recvcounts[],
                   const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    return tn_mpi_alltoallw("MPI_Alltoallw", blocking, sendbuf, sendcounts, sdispls, sendtypes,
                            recvbuf, recvcounts, rdispls, recvtypes, TN_ARR_INT, TN_ARR_INT, comm);
}

TN_API(Alltoallw_c)
int PMPI_Alltoallw_c(const void *sendbuf, const MPI_Count sendcounts[], const MPI_Aint sdispls[],
                     const MPI_Datatype sendtypes[], void *recvbuf, const MPI_Count recvcounts[],
                     const MPI_Aint rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm)
{
    return tn_mpi_alltoallw("MPI_Alltoallw_c", blocking, sendbuf, sendcounts, sdispls, sendtypes,
                            recvbuf, recvcounts, rdispls, recvtypes, TN_ARR_COUNT, TN_ARR_AINT,
                            comm);
}
