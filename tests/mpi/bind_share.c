/* CPU binding by Tern's mpirun: with the ranks no more than the CPUs and
 * mpirun free to use all of them, each rank gets an equal share of its own
 * (the shares are disjoint); otherwise, and with --bind-to none (this
 * program then runs with TERN_TEST_UNBOUND=1), every rank keeps the same
 * affinity as mpirun. */
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "mtest.h"

#define WORDS (CPU_SETSIZE / 64)

int main(int argc, char **argv)
{
    int rank, size;
    cpu_set_t set;
    unsigned long long mine[WORDS] = {0}, *all;
    long online = sysconf(_SC_NPROCESSORS_ONLN);

    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set))
            mine[c / 64] |= 1ull << (c % 64);
    all = mtest_malloc((size_t)size * sizeof(mine));
    MPI_Allgather(mine, WORDS, MPI_UNSIGNED_LONG_LONG, all, WORDS, MPI_UNSIGNED_LONG_LONG,
                  MPI_COMM_WORLD);

    /* the same affinity everywhere: nobody was bound */
    int same = 1;
    for (int r = 1; r < size; r++)
        same &= !memcmp(all, all + (size_t)r * WORDS, sizeof(mine));
    if (size == 1 || getenv("TERN_TEST_UNBOUND") || size > online) {
        CHECK_MSG(same, "ranks were bound (%d ranks, %ld CPUs)", size, online);
    } else if (same) { /* only right when mpirun itself had part of the machine */
        CHECK_MSG(CPU_COUNT(&set) < online, "%d ranks on %ld CPUs were not bound", size, online);
    } else {
        CHECK_EQ(CPU_COUNT(&set), online / size);
        for (int r = 0; r < size; r++)
            for (int q = r + 1; q < size; q++)
                for (int w = 0; w < WORDS; w++)
                    CHECK_MSG(!(all[(size_t)r * WORDS + w] & all[(size_t)q * WORDS + w]),
                              "ranks %d and %d share CPUs", r, q);
    }
    free(all);
    return mtest_finish();
}
