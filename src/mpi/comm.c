/* MPI 4.1 §7.4–7.6: communicator management and intercommunicators. */
#include <string.h>
#include "mpi/api.h"
#include "mpi/args.h"
#include "mpi/check.h"
#include "coll/util.h"
#include "core/comm.h"
#include "core/info.h"
#include "p2p/request.h"

static int need_intra(const char *fname, const tn_comm_t *c)
{
    if (!c->remote_group)
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_COMM, "%s: comm is an intercommunicator; this call needs an "
                                    "intracommunicator", fname);
}

static int need_inter(const char *fname, const tn_comm_t *c)
{
    if (c->remote_group)
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_COMM, "%s: comm is an intracommunicator; this call needs an "
                                    "intercommunicator", fname);
}

/* The usual prologue: initialized, comm valid, output pointer given. */
static int prologue(const char *fname, MPI_Comm comm, tn_comm_t **c, const char *outname,
                    const void *out)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, c);
    if (!rc && outname)
        rc = tn_mpi_need(fname, outname, out);
    return rc;
}

/* The prologue of the constructors from an intracommunicator. */
static int new_intra(const char *fname, MPI_Comm comm, tn_comm_t **c, MPI_Comm *newcomm)
{
    int rc = prologue(fname, comm, c, "newcomm", newcomm);
    return rc ? rc : need_intra(fname, *c);
}

/* A second communicator argument, h, named argname. */
static int other_comm(const char *fname, const char *argname, MPI_Comm h, tn_comm_t **c)
{
    if ((*c = tn_comm_get(h)))
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_COMM, "%s: %s %s", fname, argname,
                      h == MPI_COMM_NULL ? "is MPI_COMM_NULL" : "is not a valid communicator");
}

TN_API(Comm_size)
int PMPI_Comm_size(MPI_Comm comm, int *size)
{
    tn_comm_t *c;
    int rc = prologue("MPI_Comm_size", comm, &c, "size", size);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *size = c->size;
    return MPI_SUCCESS;
}

TN_API(Comm_rank)
int PMPI_Comm_rank(MPI_Comm comm, int *rank)
{
    tn_comm_t *c;
    int rc = prologue("MPI_Comm_rank", comm, &c, "rank", rank);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *rank = c->rank;
    return MPI_SUCCESS;
}

TN_API(Comm_remote_size)
int PMPI_Comm_remote_size(MPI_Comm comm, int *size)
{
    const char *fname = "MPI_Comm_remote_size";
    tn_comm_t *c;
    int rc = prologue(fname, comm, &c, "size", size);
    if (!rc)
        rc = need_inter(fname, c);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *size = c->remote_group->size;
    return MPI_SUCCESS;
}

TN_API(Comm_test_inter)
int PMPI_Comm_test_inter(MPI_Comm comm, int *flag)
{
    tn_comm_t *c;
    int rc = prologue("MPI_Comm_test_inter", comm, &c, "flag", flag);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *flag = c->remote_group != NULL;
    return MPI_SUCCESS;
}

TN_API(Comm_compare)
int PMPI_Comm_compare(MPI_Comm comm1, MPI_Comm comm2, int *result)
{
    const char *fname = "MPI_Comm_compare";
    tn_comm_t *a, *b = NULL;
    int rc = prologue(fname, comm1, &a, "result", result);
    if (!rc)
        rc = other_comm(fname, "comm2", comm2, &b);
    if (rc)
        return tn_err_raise_comm(comm1, rc);
    *result = tn_comm_compare(a, b);
    return MPI_SUCCESS;
}

static int dup_common(const char *fname, MPI_Comm comm, MPI_Info info, int use_info,
                      MPI_Comm *newcomm)
{
    tn_comm_t *c, *n;
    tn_info_t *i = NULL;
    int rc = prologue(fname, comm, &c, "newcomm", newcomm);
    if (!rc && use_info)
        rc = tn_info_check(fname, info, 1, &i);
    if (!rc)
        rc = tn_comm_dup(fname, c, i, &n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newcomm = n->handle;
    return MPI_SUCCESS;
}

TN_API(Comm_dup)
int PMPI_Comm_dup(MPI_Comm comm, MPI_Comm *newcomm)
{
    return dup_common("MPI_Comm_dup", comm, MPI_INFO_NULL, 0, newcomm);
}

TN_API(Comm_dup_with_info)
int PMPI_Comm_dup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm)
{
    return dup_common("MPI_Comm_dup_with_info", comm, info, 1, newcomm);
}

/* Nonblocking dup done as a blocking one: the request is complete at once. */
static int idup_common(const char *fname, MPI_Comm comm, MPI_Info info, int use_info,
                       MPI_Comm *newcomm, MPI_Request *request)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_mpi_need(fname, "request", request);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    tn_request_t *r = tn_request_alloc(TN_REQ_COLL);
    if (!r)
        return tn_err_raise_comm(comm, TN_ERR_SETMEM(fname));
    if ((rc = dup_common(fname, comm, info, use_info, newcomm))) {
        tn_request_free(r);
        return rc;
    }
    tn_status_set_empty(&r->status);
    tn_request_complete(r);
    *request = tn_request_handle(r);
    return MPI_SUCCESS;
}

TN_API(Comm_idup)
int PMPI_Comm_idup(MPI_Comm comm, MPI_Comm *newcomm, MPI_Request *request)
{
    return idup_common("MPI_Comm_idup", comm, MPI_INFO_NULL, 0, newcomm, request);
}

TN_API(Comm_idup_with_info)
int PMPI_Comm_idup_with_info(MPI_Comm comm, MPI_Info info, MPI_Comm *newcomm,
                             MPI_Request *request)
{
    return idup_common("MPI_Comm_idup_with_info", comm, info, 1, newcomm, request);
}

TN_API(Comm_split)
int PMPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm *newcomm)
{
    const char *fname = "MPI_Comm_split";
    tn_comm_t *c, *n;
    int rc = new_intra(fname, comm, &c, newcomm);
    if (!rc && color < 0 && color != MPI_UNDEFINED)
        rc = tn_err_set(MPI_ERR_ARG, "%s: color = %d; it must be >= 0 or MPI_UNDEFINED", fname,
                        color);
    if (!rc)
        rc = tn_comm_split(c, color, key, &n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newcomm = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

/* Whether a split of this type and info groups by node; *undefined when the
 * process asks for no communicator. */
static int split_type_kind(const char *fname, int split_type, const tn_info_t *info,
                           int *undefined)
{
    *undefined = 0;
    switch (split_type) {
    case MPI_UNDEFINED:
        *undefined = 1;
        return MPI_SUCCESS;
    case MPI_COMM_TYPE_SHARED:
    case MPI_COMM_TYPE_HW_UNGUIDED:
        return MPI_SUCCESS;
    case MPI_COMM_TYPE_HW_GUIDED:
    case MPI_COMM_TYPE_RESOURCE_GUIDED: {
        /* Only the node level is known: other resource types give MPI_COMM_NULL. */
        const char *v = info ? tn_info_lookup(info, "mpi_hw_resource_type") : NULL;
        *undefined = !v || strcmp(v, "mpi_shared_memory") != 0;
        return MPI_SUCCESS;
    }
    }
    return tn_err_set(MPI_ERR_ARG,
                      "%s: split_type = %d is not MPI_COMM_TYPE_SHARED, _HW_GUIDED, "
                      "_HW_UNGUIDED, _RESOURCE_GUIDED or MPI_UNDEFINED",
                      fname, split_type);
}

TN_API(Comm_split_type)
int PMPI_Comm_split_type(MPI_Comm comm, int split_type, int key, MPI_Info info,
                         MPI_Comm *newcomm)
{
    const char *fname = "MPI_Comm_split_type";
    tn_comm_t *c, *n;
    tn_info_t *i;
    int undefined;
    int rc = new_intra(fname, comm, &c, newcomm);
    if (!rc)
        rc = tn_info_check(fname, info, 1, &i);
    if (!rc)
        rc = split_type_kind(fname, split_type, i, &undefined);
    if (!rc)
        rc = tn_comm_split_shared(c, undefined, key, &n);
    /* HW_UNGUIDED asks for a strict subset: one node holding all of comm gives none. */
    if (!rc && n && split_type == MPI_COMM_TYPE_HW_UNGUIDED && n->size == c->size) {
        rc = tn_comm_free(n);
        n = NULL;
    }
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newcomm = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

/* group must be a subset of c's group. */
static int check_subgroup(const char *fname, const tn_comm_t *c, const tn_group_t *g)
{
    for (int i = 0; i < g->size; i++)
        if (tn_group_rank_of(c->group, g->world_ranks[i]) == MPI_UNDEFINED)
            return tn_err_set(MPI_ERR_GROUP,
                              "%s: rank %d of group (world rank %d) is not in the communicator's "
                              "group",
                              fname, i, g->world_ranks[i]);
    return MPI_SUCCESS;
}

TN_API(Comm_create)
int PMPI_Comm_create(MPI_Comm comm, MPI_Group group, MPI_Comm *newcomm)
{
    const char *fname = "MPI_Comm_create";
    tn_comm_t *c, *n;
    tn_group_t *g;
    int rc = new_intra(fname, comm, &c, newcomm);
    if (!rc)
        rc = tn_group_check(fname, "group", group, &g);
    if (!rc)
        rc = check_subgroup(fname, c, g);
    if (!rc)
        rc = tn_comm_create_from(c, g->rank != MPI_UNDEFINED ? g : NULL, &n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newcomm = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

TN_API(Comm_create_group)
int PMPI_Comm_create_group(MPI_Comm comm, MPI_Group group, int tag, MPI_Comm *newcomm)
{
    const char *fname = "MPI_Comm_create_group";
    tn_comm_t *c, *n = NULL;
    tn_group_t *g;
    int rc = new_intra(fname, comm, &c, newcomm);
    if (!rc)
        rc = tn_group_check(fname, "group", group, &g);
    if (!rc)
        rc = tn_check_tag(fname, tag, 0);
    if (!rc)
        rc = check_subgroup(fname, c, g);
    /* Processes outside group may call it too; they get MPI_COMM_NULL. */
    if (!rc && g->rank != MPI_UNDEFINED)
        rc = tn_comm_create_group(c, g, tag, &n);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    *newcomm = tn_mpi_comm_handle(n);
    return MPI_SUCCESS;
}

/* MPI_Comm_free and MPI_Comm_disconnect of a user communicator; disconnect
 * first runs a barrier over it (both groups of an intercommunicator), so
 * that every member has stopped communicating on it. */
static int comm_release(const char *fname, MPI_Comm *comm, int disconnect)
{
    tn_comm_t *c;
    tn_sched_t *s;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_mpi_need(fname, "comm", comm);
    if (rc)
        return tn_err_raise(rc);
    MPI_Comm h = *comm;
    if ((rc = tn_check_comm(fname, h, &c)))
        return tn_err_raise_comm(h, rc);
    if (c == tn_comm_world || c == tn_comm_self)
        return tn_err_raise_comm(h, tn_err_set(MPI_ERR_COMM, "%s: %s is predefined and can not "
                                                             "be %s",
                                               fname, c->name,
                                               disconnect ? "disconnected" : "freed"));
    if (disconnect && !(rc = tn_sched_create(c, fname, &s)))
        rc = tn_coll_finish(s, c->remote_group ? tn_coll_inter_barrier_sched(s)
                                               : tn_coll_barrier_sched(s));
    if (!rc)
        rc = tn_comm_free(c);
    if (rc)
        return tn_err_raise_comm(h, rc);
    *comm = MPI_COMM_NULL;
    return MPI_SUCCESS;
}

TN_API(Comm_free)
int PMPI_Comm_free(MPI_Comm *comm)
{
    return comm_release("MPI_Comm_free", comm, 0);
}

TN_API(Comm_disconnect)
int PMPI_Comm_disconnect(MPI_Comm *comm)
{
    return comm_release("MPI_Comm_disconnect", comm, 1);
}

/* Tern starts no processes with MPI_Comm_spawn, so no process has a parent. */
TN_API(Comm_get_parent)
int PMPI_Comm_get_parent(MPI_Comm *parent)
{
    const char *fname = "MPI_Comm_get_parent";
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_mpi_need(fname, "parent", parent);
    if (rc)
        return tn_err_raise(rc);
    *parent = MPI_COMM_NULL;
    return MPI_SUCCESS;
}

TN_API(Comm_set_name)
int PMPI_Comm_set_name(MPI_Comm comm, const char *comm_name)
{
    tn_comm_t *c;
    int rc = prologue("MPI_Comm_set_name", comm, &c, "comm_name", comm_name);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    /* Longer names are cut to what fits (MPI_MAX_OBJECT_NAME - 1 characters). */
    size_t n = strnlen(comm_name, MPI_MAX_OBJECT_NAME - 1);
    memcpy(c->name, comm_name, n);
    c->name[n] = '\0';
    return MPI_SUCCESS;
}

TN_API(Comm_get_name)
int PMPI_Comm_get_name(MPI_Comm comm, char *comm_name, int *resultlen)
{
    const char *fname = "MPI_Comm_get_name";
    tn_comm_t *c;
    int rc = prologue(fname, comm, &c, "comm_name", comm_name);
    if (!rc)
        rc = tn_mpi_need(fname, "resultlen", resultlen);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    size_t n = strlen(c->name);
    memcpy(comm_name, c->name, n + 1);
    *resultlen = (int)n;
    return MPI_SUCCESS;
}

TN_API(Comm_set_info)
int PMPI_Comm_set_info(MPI_Comm comm, MPI_Info info)
{
    const char *fname = "MPI_Comm_set_info";
    tn_comm_t *c;
    tn_info_t *i, *copy;
    int rc = prologue(fname, comm, &c, NULL, NULL);
    if (!rc)
        rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = tn_info_dup(i, &copy);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    tn_info_release(c->info);
    c->info = copy;
    return MPI_SUCCESS;
}

TN_API(Comm_get_info)
int PMPI_Comm_get_info(MPI_Comm comm, MPI_Info *info_used)
{
    const char *fname = "MPI_Comm_get_info";
    tn_comm_t *c;
    tn_info_t *copy;
    int rc = prologue(fname, comm, &c, "info_used", info_used);
    if (!rc)
        rc = tn_info_dup(c->info, &copy);
    if (!rc && (rc = tn_info_handle(copy, info_used)))
        tn_info_release(copy);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Intercomm_create)
int PMPI_Intercomm_create(MPI_Comm local_comm, int local_leader, MPI_Comm peer_comm,
                          int remote_leader, int tag, MPI_Comm *newintercomm)
{
    const char *fname = "MPI_Intercomm_create";
    tn_comm_t *lc, *pc = NULL, *n;
    int rc = prologue(fname, local_comm, &lc, "newintercomm", newintercomm);
    if (!rc)
        rc = need_intra(fname, lc);
    if (!rc)
        rc = tn_check_rank(fname, "local_leader", local_leader, lc, 0);
    if (!rc)
        rc = tn_check_tag(fname, tag, 0);
    /* peer_comm and remote_leader matter at the local leader only. */
    if (!rc && lc->rank == local_leader) {
        rc = other_comm(fname, "peer_comm", peer_comm, &pc);
        if (!rc)
            rc = tn_check_rank(fname, "remote_leader", remote_leader, pc, 0);
        if (!rc && !pc->remote_group && remote_leader == pc->rank)
            rc = tn_err_set(MPI_ERR_RANK,
                            "%s: remote_leader %d is the local leader itself; it must be in "
                            "the other group",
                            fname, remote_leader);
    }
    if (!rc)
        rc = tn_comm_intercomm_create(lc, local_leader, pc, remote_leader, tag, &n);
    if (rc)
        return tn_err_raise_comm(local_comm, rc);
    *newintercomm = n->handle;
    return MPI_SUCCESS;
}

TN_API(Intercomm_merge)
int PMPI_Intercomm_merge(MPI_Comm intercomm, int high, MPI_Comm *newintracomm)
{
    const char *fname = "MPI_Intercomm_merge";
    tn_comm_t *c, *n;
    int rc = prologue(fname, intercomm, &c, "newintracomm", newintracomm);
    if (!rc)
        rc = need_inter(fname, c);
    if (!rc)
        rc = tn_comm_intercomm_merge(c, high, &n);
    if (rc)
        return tn_err_raise_comm(intercomm, rc);
    *newintracomm = n->handle;
    return MPI_SUCCESS;
}
