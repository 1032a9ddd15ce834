/* The collectives on intercommunicators (MPI 4.1 §6.2.2).
 *
 * In a rooted operation the root passes MPI_ROOT, the other ranks of its
 * group MPI_PROC_NULL (they take no part), and the ranks of the other group
 * the root's rank in the remote group.
 *   bcast, scatter(v) feed the other group: bcast goes to its rank 0, which
 *     broadcasts it in its local group; the scatters go to each rank directly.
 *   reduce, gather(v) collect from the other group: reduce reduces in that
 *     group onto its rank 0, which sends the result to the root; the gathers
 *     come from each rank directly.
 * The other operations give each group a result made of the remote group's
 * data:
 *   barrier: a local barrier, the two groups' rank 0 exchange a message, a
 *     second local barrier;
 *   allreduce, reduce_scatter(_block): each group reduces onto its rank 0, the
 *     two rank 0 swap the results, and each spreads what it received in its
 *     group (broadcast, or scatter by the local recvcounts);
 *   allgather(v), alltoall(v/w): every rank exchanges with every remote rank,
 *     TN_COLL_BATCH pairs at a time.
 * The local parts are the intracommunicator algorithms, run in the local group
 * through tn_sched_local. MPI_IN_PLACE is refused by the API layer. */
#include "coll/util.h"

/* Ends a local part (see LOCAL) whose building returned rc. */
static int local_end(tn_sched_t *s, int rc)
{
    tn_sched_local(s, 0);
    return rc ? rc : tn_sched_fence(s);
}

/* Builds call's steps in the local group, then fences. */
#define LOCAL(s, call) (tn_sched_local((s), 1), local_end((s), (call)))

int tn_coll_inter_barrier_sched(tn_sched_t *s)
{
    tn_comm_t *c = tn_sched_comm(s);
    tn_datatype_t *byte = tn_coll_bytes();
    int rc = LOCAL(s, tn_coll_barrier_sched(s));
    if (!rc && c->rank == 0)
        rc = tn_coll_sendrecv(s, NULL, 0, byte, 0, NULL, 0, byte, 0);
    return rc ? rc : LOCAL(s, tn_coll_barrier_sched(s));
}

int tn_coll_inter_bcast_sched(tn_sched_t *s, void *buf, MPI_Aint count, tn_datatype_t *dt,
                              int root)
{
    int rc = MPI_SUCCESS;
    if (root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (root == MPI_ROOT)
        return tn_sched_send(s, buf, count, dt, 0);
    if (tn_sched_comm(s)->rank == 0 && !(rc = tn_sched_recv(s, buf, count, dt, root)))
        rc = tn_sched_fence(s);
    return rc ? rc : LOCAL(s, tn_coll_bcast_sched(s, buf, count, dt, 0));
}

/* Reduces everyone's sbuf in the local group onto its rank 0, into scratch
 * *acc (NULL elsewhere). */
static int reduce_local(tn_sched_t *s, const void *sbuf, MPI_Aint count, tn_datatype_t *dt,
                        tn_op_t *op, void **acc)
{
    int rc = MPI_SUCCESS;
    *acc = NULL;
    if (tn_sched_comm(s)->rank == 0)
        rc = tn_sched_scratch(s, count, dt, acc);
    return rc ? rc : LOCAL(s, tn_coll_reduce_sched(s, sbuf, *acc, count, dt, op, 0));
}

int tn_coll_inter_reduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                               tn_datatype_t *dt, tn_op_t *op, int root)
{
    void *acc;
    int rc;
    if (root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (root == MPI_ROOT)
        return tn_sched_recv(s, rbuf, count, dt, 0);
    rc = reduce_local(s, sbuf, count, dt, op, &acc);
    return rc || !acc ? rc : tn_sched_send(s, acc, count, dt, root);
}

/* Rank 0 sends mine (count elements) to the remote rank 0 and receives its
 * counterpart into theirs. */
static int leaders_swap(tn_sched_t *s, const void *mine, void *theirs, MPI_Aint count,
                        tn_datatype_t *dt)
{
    if (tn_sched_comm(s)->rank != 0)
        return MPI_SUCCESS;
    return tn_coll_sendrecv(s, mine, count, dt, 0, theirs, count, dt, 0);
}

int tn_coll_inter_allreduce_sched(tn_sched_t *s, const void *sbuf, void *rbuf, MPI_Aint count,
                                  tn_datatype_t *dt, tn_op_t *op)
{
    void *acc;
    int rc = reduce_local(s, sbuf, count, dt, op, &acc);
    if (!rc)
        rc = leaders_swap(s, acc, rbuf, count, dt);
    return rc ? rc : LOCAL(s, tn_coll_bcast_sched(s, rbuf, count, dt, 0));
}

int tn_coll_inter_reduce_scatter_sched(tn_sched_t *s, const void *sbuf, void *rbuf,
                                       const MPI_Aint *rcounts, MPI_Aint rcount, tn_datatype_t *dt,
                                       tn_op_t *op)
{
    tn_comm_t *c = tn_sched_comm(s);
    int p = c->size, rc;
    MPI_Aint total = rcounts ? 0 : rcount * p, *displs = NULL;
    void *acc, *theirs = NULL;
    if (rcounts) {
        rc = tn_sched_scratch_bytes(s, (size_t)p * sizeof(*displs), (void **)&displs);
        for (int i = 0; !rc && i < p; i++) {
            displs[i] = total;
            total += rcounts[i];
        }
        if (rc)
            return rc;
    }
    rc = reduce_local(s, sbuf, total, dt, op, &acc);
    if (!rc && acc)
        rc = tn_sched_scratch(s, total, dt, &theirs);
    if (!rc)
        rc = leaders_swap(s, acc, theirs, total, dt);
    if (rc)
        return rc;
    return rcounts ? LOCAL(s, tn_coll_scatterv_sched(s, theirs, rcounts, displs, dt, rbuf,
                                                     rcounts[c->rank], dt, 0))
                   : LOCAL(s, tn_coll_scatter_sched(s, theirs, rcount, dt, rbuf, rcount, dt, 0));
}

/* ---- the linear exchanges ---- */

/* With every remote rank, a receive of its block of rl (unless rl is NULL)
 * and a send of its block of sl (unless sl is NULL), TN_COLL_BATCH ranks per
 * round. */
static int linear(tn_sched_t *s, const tn_coll_layout_t *sl, const tn_coll_layout_t *rl)
{
    int n = tn_comm_peer_size(tn_sched_comm(s)), rc = MPI_SUCCESS;
    for (int i = 0; !rc && i < n; i++) {
        char *buf;
        MPI_Aint count;
        tn_datatype_t *dt;
        if (rl) {
            tn_coll_layout_block(rl, i, &buf, &count, &dt);
            rc = tn_sched_recv(s, buf, count, dt, i);
        }
        if (!rc && sl) {
            tn_coll_layout_block(sl, i, &buf, &count, &dt);
            rc = tn_sched_send(s, buf, count, dt, i);
        }
        if (!rc && (i + 1) % TN_COLL_BATCH == 0)
            rc = tn_sched_fence(s);
    }
    return rc;
}

int tn_coll_inter_gather_sched(tn_sched_t *s, const void *sbuf, MPI_Aint scount,
                               tn_datatype_t *stype, const tn_coll_layout_t *rl, int root)
{
    if (root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (root != MPI_ROOT)
        return tn_sched_send(s, sbuf, scount, stype, root);
    return linear(s, NULL, rl);
}

int tn_coll_inter_scatter_sched(tn_sched_t *s, const tn_coll_layout_t *sl, void *rbuf,
                                MPI_Aint rcount, tn_datatype_t *rtype, int root)
{
    if (root == MPI_PROC_NULL)
        return MPI_SUCCESS;
    if (root != MPI_ROOT)
        return tn_sched_recv(s, rbuf, rcount, rtype, root);
    return linear(s, sl, NULL);
}

int tn_coll_inter_exchange_sched(tn_sched_t *s, const tn_coll_layout_t *sl,
                                 const tn_coll_layout_t *rl)
{
    return linear(s, sl, rl);
}
