/* Communicators: Comm_dup, Comm_split (keys reorder, MPI_UNDEFINED gives
 * MPI_COMM_NULL), Comm_free, Comm_compare, Comm_group, names, and isolation: the
 * same tag on duplicated communicators, and point-to-point traffic pending on a
 * communicator while a collective runs on it, never get mixed up. */
#include "mtest.h"

static void check_name(MPI_Comm comm, const char *want)
{
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    MPI_Comm_get_name(comm, name, &len);
    CHECK_MSG(strcmp(name, want) == 0, "communicator name is '%s', expected '%s'", name, want);
    CHECK_EQ(len, strlen(want));
}

int main(int argc, char **argv)
{
    int rank, size, r, s, result;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    check_name(MPI_COMM_WORLD, "MPI_COMM_WORLD");
    check_name(MPI_COMM_SELF, "MPI_COMM_SELF");

    MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_WORLD, &result);
    CHECK_EQ(result, MPI_IDENT);
    MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_SELF, &result);
    CHECK_EQ(result, size == 1 ? MPI_CONGRUENT : MPI_UNEQUAL);

    /* Dup. */
    MPI_Comm dup, dup2;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    MPI_Comm_rank(dup, &r);
    MPI_Comm_size(dup, &s);
    CHECK_EQ(r, rank);
    CHECK_EQ(s, size);
    MPI_Comm_compare(MPI_COMM_WORLD, dup, &result);
    CHECK_EQ(result, MPI_CONGRUENT);
    MPI_Comm_dup(dup, &dup2);
    MPI_Comm_compare(dup, dup2, &result);
    CHECK_EQ(result, MPI_CONGRUENT);
    MPI_Comm_set_name(dup, "my duplicate");
    check_name(dup, "my duplicate");
    MPI_Comm_set_name(dup, "renamed");
    check_name(dup, "renamed");
    int inter = -1;
    MPI_Comm_test_inter(dup, &inter);
    CHECK_EQ(inter, 0);

    /* Isolation: the same (source, tag) on WORLD, dup and dup2; received in the
     * opposite order with wildcards. */
    int right = (rank + 1) % size, left = (rank + size - 1) % size;
    int vw = 1000 + rank, vd = 2000 + rank, vd2 = 3000 + rank, got;
    MPI_Request reqs[3];
    MPI_Status st;
    MPI_Isend(&vw, 1, MPI_INT, right, 7, MPI_COMM_WORLD, &reqs[0]);
    MPI_Isend(&vd, 1, MPI_INT, right, 7, dup, &reqs[1]);
    MPI_Isend(&vd2, 1, MPI_INT, right, 7, dup2, &reqs[2]);
    MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup2, &st);
    CHECK_EQ(got, 3000 + left);
    MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &st);
    CHECK_EQ(got, 2000 + left);
    MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    CHECK_EQ(got, 1000 + left);
    MPI_Waitall(3, reqs, MPI_STATUSES_IGNORE);

    /* A pending message on a communicator does not disturb a collective on it, nor
     * does the collective's traffic reach a wildcard receive. */
    MPI_Request rr;
    int pending = -1, root_val = rank == 0 ? 4242 : -1;
    MPI_Irecv(&pending, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &rr);
    MPI_Bcast(&root_val, 1, MPI_INT, 0, dup);
    MPI_Barrier(dup);
    CHECK_EQ(root_val, 4242);
    int flag = 1;
    MPI_Test(&rr, &flag, MPI_STATUS_IGNORE);
    CHECK_EQ(flag, 0);
    MPI_Barrier(MPI_COMM_WORLD); /* everyone has tested before anyone sends */
    MPI_Send(&vd, 1, MPI_INT, right, 0, dup);
    MPI_Wait(&rr, MPI_STATUS_IGNORE);
    CHECK_EQ(pending, 2000 + left);

    /* Split by parity, ordered by descending world rank. */
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, size - rank, &half);
    MPI_Comm_rank(half, &r);
    MPI_Comm_size(half, &s);
    int same_parity = (size - rank % 2 + 1) / 2; /* ranks with my parity */
    CHECK_EQ(s, same_parity);
    int higher = 0; /* same-parity ranks above me come first */
    for (int q = rank + 2; q < size; q += 2)
        higher++;
    CHECK_EQ(r, higher);
    int *members = mtest_malloc(s * sizeof(int));
    MPI_Allgather(&rank, 1, MPI_INT, members, 1, MPI_INT, half);
    for (int k = 0; k + 1 < s; k++)
        CHECK(members[k] > members[k + 1] && members[k] % 2 == rank % 2);
    free(members);
    MPI_Comm_compare(MPI_COMM_WORLD, half, &result);
    CHECK_EQ(result, size == 1 ? MPI_CONGRUENT : MPI_UNEQUAL);

    /* Split with everyone in one color, reversed: same group, other order. */
    MPI_Comm rev;
    MPI_Comm_split(MPI_COMM_WORLD, 0, -rank, &rev);
    MPI_Comm_rank(rev, &r);
    CHECK_EQ(r, size - 1 - rank);
    MPI_Comm_compare(MPI_COMM_WORLD, rev, &result);
    CHECK_EQ(result, size == 1 ? MPI_CONGRUENT : MPI_SIMILAR);
    /* Equal keys keep the old order. */
    MPI_Comm same;
    MPI_Comm_split(MPI_COMM_WORLD, 5, 0, &same);
    MPI_Comm_compare(MPI_COMM_WORLD, same, &result);
    CHECK_EQ(result, MPI_CONGRUENT);

    /* MPI_UNDEFINED: no communicator for rank 0. */
    MPI_Comm some;
    MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? MPI_UNDEFINED : 1, 0, &some);
    if (rank == 0) {
        CHECK(some == MPI_COMM_NULL);
    } else {
        MPI_Comm_size(some, &s);
        CHECK_EQ(s, size - 1);
        MPI_Comm_rank(some, &r);
        CHECK_EQ(r, rank - 1);
        int sum = 0;
        MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, some);
        CHECK_EQ(sum, size * (size - 1) / 2);
        MPI_Comm_free(&some);
    }

    /* Groups of communicators. */
    MPI_Group gw, gd, gr;
    MPI_Comm_group(MPI_COMM_WORLD, &gw);
    MPI_Comm_group(dup, &gd);
    MPI_Comm_group(rev, &gr);
    MPI_Group_compare(gw, gd, &result);
    CHECK_EQ(result, MPI_IDENT);
    MPI_Group_compare(gw, gr, &result);
    CHECK_EQ(result, size == 1 ? MPI_IDENT : MPI_SIMILAR);
    MPI_Group_size(gd, &s);
    CHECK_EQ(s, size);
    MPI_Group_rank(gr, &r);
    CHECK_EQ(r, size - 1 - rank);
    MPI_Group_free(&gw);
    MPI_Group_free(&gd);
    MPI_Group_free(&gr);
    CHECK(gw == MPI_GROUP_NULL && gd == MPI_GROUP_NULL);

    /* Dup/free cycles reuse context ids (more cycles than some id pools hold
     * would take too long oversubscribed). */
    for (int i = 0; i < 128; i++) {
        MPI_Comm c;
        MPI_Comm_dup(MPI_COMM_WORLD, &c);
        MPI_Comm_free(&c);
    }

    MPI_Comm_free(&dup);
    MPI_Comm_free(&dup2);
    MPI_Comm_free(&half);
    MPI_Comm_free(&rev);
    MPI_Comm_free(&same);
    CHECK(dup == MPI_COMM_NULL && half == MPI_COMM_NULL);
    return mtest_finish();
}
