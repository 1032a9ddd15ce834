/* MPI 4.1 §7.3: group management. Group calls are local; errors go to the
 * default handler (tn_err_raise), MPI_Comm_group's to the communicator's. */
#include <stddef.h>
#include "mpi/api.h"
#include "mpi/args.h"
#include "mpi/check.h"
#include "core/group.h"

/* Hands a new group reference to the user as a handle. */
static int give(tn_group_t *g, MPI_Group *out)
{
    int rc = tn_group_handle(g, out);
    if (rc)
        tn_group_release(g);
    return rc;
}

/* A query of one group with one output, outname. */
static int query(const char *fname, MPI_Group group, const char *outname, const void *out,
                 tn_group_t **g)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_group_check(fname, "group", group, g);
    return rc ? rc : tn_mpi_need(fname, outname, out);
}

/* The two groups of a call on a pair. */
static int two_groups(const char *fname, MPI_Group group1, MPI_Group group2, tn_group_t **a,
                      tn_group_t **b)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_group_check(fname, "group1", group1, a);
    return rc ? rc : tn_group_check(fname, "group2", group2, b);
}

TN_API(Group_size)
int PMPI_Group_size(MPI_Group group, int *size)
{
    tn_group_t *g;
    int rc = query("MPI_Group_size", group, "size", size, &g);
    if (rc)
        return tn_err_raise(rc);
    *size = g->size;
    return MPI_SUCCESS;
}

TN_API(Group_rank)
int PMPI_Group_rank(MPI_Group group, int *rank)
{
    tn_group_t *g;
    int rc = query("MPI_Group_rank", group, "rank", rank, &g);
    if (rc)
        return tn_err_raise(rc);
    *rank = g->rank;
    return MPI_SUCCESS;
}

TN_API(Group_translate_ranks)
int PMPI_Group_translate_ranks(MPI_Group group1, int n, const int ranks1[], MPI_Group group2,
                               int ranks2[])
{
    const char *fname = "MPI_Group_translate_ranks";
    tn_group_t *a, *b;
    int rc = two_groups(fname, group1, group2, &a, &b);
    if (!rc)
        rc = tn_group_translate(fname, a, n, ranks1, b, ranks2);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Group_compare)
int PMPI_Group_compare(MPI_Group group1, MPI_Group group2, int *result)
{
    const char *fname = "MPI_Group_compare";
    tn_group_t *a, *b;
    int rc = two_groups(fname, group1, group2, &a, &b);
    if (!rc)
        rc = tn_mpi_need(fname, "result", result);
    if (rc)
        return tn_err_raise(rc);
    *result = tn_group_compare(a, b);
    return MPI_SUCCESS;
}

enum set_op { SET_UNION, SET_INTERSECTION, SET_DIFFERENCE };

static int set_op(const char *fname, enum set_op op, MPI_Group group1, MPI_Group group2,
                  MPI_Group *newgroup)
{
    tn_group_t *a, *b, *r;
    int rc = two_groups(fname, group1, group2, &a, &b);
    if (!rc)
        rc = tn_mpi_need(fname, "newgroup", newgroup);
    if (!rc)
        rc = op == SET_UNION          ? tn_group_union(a, b, &r)
             : op == SET_INTERSECTION ? tn_group_intersection(a, b, &r)
                                      : tn_group_difference(a, b, &r);
    if (!rc)
        rc = give(r, newgroup);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Group_union)
int PMPI_Group_union(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return set_op("MPI_Group_union", SET_UNION, group1, group2, newgroup);
}

TN_API(Group_intersection)
int PMPI_Group_intersection(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return set_op("MPI_Group_intersection", SET_INTERSECTION, group1, group2, newgroup);
}

TN_API(Group_difference)
int PMPI_Group_difference(MPI_Group group1, MPI_Group group2, MPI_Group *newgroup)
{
    return set_op("MPI_Group_difference", SET_DIFFERENCE, group1, group2, newgroup);
}

enum pick_kind { PICK_INCL, PICK_EXCL, PICK_RANGE_INCL, PICK_RANGE_EXCL };

static int pick(const char *fname, enum pick_kind kind, MPI_Group group, int n,
                const int ranks[], int ranges[][3], MPI_Group *newgroup)
{
    tn_group_t *g, *r;
    int rc = query(fname, group, "newgroup", newgroup, &g);
    if (!rc) {
        switch (kind) {
        case PICK_INCL:
            rc = tn_group_incl(fname, g, n, ranks, &r);
            break;
        case PICK_EXCL:
            rc = tn_group_excl(fname, g, n, ranks, &r);
            break;
        case PICK_RANGE_INCL:
            rc = tn_group_range_incl(fname, g, n, ranges, &r);
            break;
        case PICK_RANGE_EXCL:
            rc = tn_group_range_excl(fname, g, n, ranges, &r);
            break;
        }
    }
    if (!rc)
        rc = give(r, newgroup);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Group_incl)
int PMPI_Group_incl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    return pick("MPI_Group_incl", PICK_INCL, group, n, ranks, NULL, newgroup);
}

TN_API(Group_excl)
int PMPI_Group_excl(MPI_Group group, int n, const int ranks[], MPI_Group *newgroup)
{
    return pick("MPI_Group_excl", PICK_EXCL, group, n, ranks, NULL, newgroup);
}

TN_API(Group_range_incl)
int PMPI_Group_range_incl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    return pick("MPI_Group_range_incl", PICK_RANGE_INCL, group, n, NULL, ranges, newgroup);
}

TN_API(Group_range_excl)
int PMPI_Group_range_excl(MPI_Group group, int n, int ranges[][3], MPI_Group *newgroup)
{
    return pick("MPI_Group_range_excl", PICK_RANGE_EXCL, group, n, NULL, ranges, newgroup);
}

TN_API(Group_free)
int PMPI_Group_free(MPI_Group *group)
{
    const char *fname = "MPI_Group_free";
    tn_group_t *g;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_mpi_need(fname, "group", group);
    if (!rc)
        rc = tn_group_check(fname, "group", *group, &g);
    if (rc)
        return tn_err_raise(rc);
    /* MPI_GROUP_EMPTY comes out of group constructors, so freeing it is allowed. */
    tn_group_release(g);
    *group = MPI_GROUP_NULL;
    return MPI_SUCCESS;
}

/* A communicator's local group, or remote one (an intercommunicator's). */
static int comm_group(const char *fname, MPI_Comm comm, int remote, MPI_Group *group)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc && remote && !c->remote_group)
        rc = tn_err_set(MPI_ERR_COMM, "%s: comm is an intracommunicator; an intercommunicator "
                                      "is required", fname);
    if (!rc)
        rc = tn_mpi_need(fname, "group", group);
    if (!rc)
        rc = give(tn_group_ref(remote ? c->remote_group : c->group), group);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

TN_API(Comm_group)
int PMPI_Comm_group(MPI_Comm comm, MPI_Group *group)
{
    return comm_group("MPI_Comm_group", comm, 0, group);
}

TN_API(Comm_remote_group)
int PMPI_Comm_remote_group(MPI_Comm comm, MPI_Group *group)
{
    return comm_group("MPI_Comm_remote_group", comm, 1, group);
}
