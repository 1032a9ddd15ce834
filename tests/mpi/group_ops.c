/* Group calls: incl, excl, range_incl, range_excl, union, intersection, difference,
 * translate_ranks, compare, rank of a non-member, MPI_GROUP_EMPTY, free. */
#include "mtest.h"

static void check_members(MPI_Group g, MPI_Group world, const int *want, int n, const char *what)
{
    int s = -1;
    MPI_Group_size(g, &s);
    CHECK_MSG(s == n, "%s: size %d, expected %d", what, s, n);
    if (s != n)
        return;
    int *idx = mtest_malloc((n + 1) * sizeof(int)), *wr = mtest_malloc((n + 1) * sizeof(int));
    for (int i = 0; i < n; i++)
        idx[i] = i;
    MPI_Group_translate_ranks(g, n, idx, world, wr);
    for (int i = 0; i < n; i++)
        CHECK_MSG(wr[i] == want[i], "%s: member %d is world rank %d, expected %d", what, i,
                  wr[i], want[i]);
    free(idx);
    free(wr);
}

int main(int argc, char **argv)
{
    int rank, size, result, r;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Group world;
    MPI_Comm_group(MPI_COMM_WORLD, &world);
    int *want = mtest_malloc(size * sizeof(int)), *ranks = mtest_malloc(size * sizeof(int));

    /* incl, reversed */
    MPI_Group rev;
    for (int i = 0; i < size; i++)
        ranks[i] = size - 1 - i;
    MPI_Group_incl(world, size, ranks, &rev);
    check_members(rev, world, ranks, size, "reversed incl");
    MPI_Group_rank(rev, &r);
    CHECK_EQ(r, size - 1 - rank);
    MPI_Group_compare(world, rev, &result);
    CHECK_EQ(result, size == 1 ? MPI_IDENT : MPI_SIMILAR);

    /* evens via range_incl, odds via excl of the evens */
    MPI_Group evens, odds;
    int range[1][3] = {{0, size - 1, 2}};
    MPI_Group_range_incl(world, 1, range, &evens);
    int ne = 0, no = 0;
    for (int i = 0; i < size; i += 2)
        want[ne++] = i;
    check_members(evens, world, want, ne, "range_incl evens");
    MPI_Group_excl(world, ne, want, &odds);
    for (int i = 1; i < size; i += 2)
        ranks[no++] = i;
    check_members(odds, world, ranks, no, "excl evens");
    MPI_Group_rank(odds, &r);
    CHECK_EQ(r, rank % 2 ? rank / 2 : MPI_UNDEFINED);

    /* range_excl of the odds is the evens */
    MPI_Group evens2;
    if (size > 1) {
        int orange[1][3] = {{1, size - 1, 2}};
        MPI_Group_range_excl(world, 1, orange, &evens2);
    } else {
        MPI_Group_range_excl(world, 0, NULL, &evens2);
    }
    MPI_Group_compare(evens, evens2, &result);
    CHECK_EQ(result, MPI_IDENT);

    /* union: members of the first, then those of the second not in the first */
    MPI_Group u, in, diff;
    MPI_Group_union(odds, evens, &u);
    for (int i = 0; i < no; i++)
        want[i] = ranks[i];
    for (int i = 0; i < ne; i++)
        want[no + i] = 2 * i;
    check_members(u, world, want, size, "union");
    MPI_Group_compare(u, world, &result);
    CHECK_EQ(result, size <= 1 ? MPI_IDENT : MPI_SIMILAR);

    /* intersection and difference keep the first group's order */
    MPI_Group_intersection(rev, evens, &in);
    int ni = 0;
    for (int i = size - 1; i >= 0; i--)
        if (i % 2 == 0)
            want[ni++] = i;
    check_members(in, world, want, ni, "intersection");
    MPI_Group_difference(rev, evens, &diff);
    int nd = 0;
    for (int i = size - 1; i >= 0; i--)
        if (i % 2)
            want[nd++] = i;
    check_members(diff, world, want, nd, "difference");

    /* empty results */
    MPI_Group none, none2;
    MPI_Group_intersection(evens, odds, &none);
    int s = -1;
    MPI_Group_size(none, &s);
    CHECK_EQ(s, 0);
    MPI_Group_compare(none, MPI_GROUP_EMPTY, &result);
    CHECK_EQ(result, MPI_IDENT);
    MPI_Group_difference(world, world, &none2);
    MPI_Group_size(none2, &s);
    CHECK_EQ(s, 0);
    MPI_Group_size(MPI_GROUP_EMPTY, &s);
    CHECK_EQ(s, 0);
    MPI_Group_rank(MPI_GROUP_EMPTY, &r);
    CHECK_EQ(r, MPI_UNDEFINED);

    /* translate: a rank not in the target gives MPI_UNDEFINED, MPI_PROC_NULL stays.
     * (The target is non-empty: MPICH 4.0.2 returns garbage for MPI_PROC_NULL when
     * translating into an empty group.) */
    int from[2] = {MPI_PROC_NULL, 0}, to[2] = {-5, -5};
    MPI_Group_translate_ranks(world, size > 1 ? 2 : 1, from, size > 1 ? odds : evens, to);
    CHECK_EQ(to[0], MPI_PROC_NULL);
    if (size > 1)
        CHECK_EQ(to[1], MPI_UNDEFINED);

    MPI_Group_compare(evens, odds, &result);
    CHECK_EQ(result, MPI_UNEQUAL);

    MPI_Group gs[] = {rev, evens, odds, evens2, u, in, diff, none, none2, world};
    for (unsigned i = 0; i < sizeof gs / sizeof gs[0]; i++) {
        MPI_Group_free(&gs[i]);
        CHECK(gs[i] == MPI_GROUP_NULL);
    }
    free(want);
    free(ranks);
    return mtest_finish();
}
