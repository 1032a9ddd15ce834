/* MPI_Comm_split_type with MPI_COMM_TYPE_SHARED: the ranks of a shared-memory
 * communicator share a processor name, key order is respected, a single-host job
 * (all ranks report one processor name) gets one communicator of everyone, and
 * MPI_UNDEFINED gives MPI_COMM_NULL. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int rank, size, r, s, len;
    char name[MPI_MAX_PROCESSOR_NAME];
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    memset(name, 0, sizeof name);
    MPI_Get_processor_name(name, &len);

    char *all = mtest_malloc((size_t)size * MPI_MAX_PROCESSOR_NAME);
    MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
                  MPI_COMM_WORLD);
    int one_host = 1;
    for (int q = 0; q < size; q++)
        if (strcmp(all + (size_t)q * MPI_MAX_PROCESSOR_NAME, name) != 0)
            one_host = 0;

    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, -rank, MPI_INFO_NULL, &node);
    CHECK(node != MPI_COMM_NULL);
    MPI_Comm_rank(node, &r);
    MPI_Comm_size(node, &s);
    CHECK(s >= 1 && s <= size);
    if (one_host) {
        CHECK_EQ(s, size);
        CHECK_EQ(r, size - 1 - rank); /* keys reversed the order */
    }
    char *local = mtest_malloc((size_t)s * MPI_MAX_PROCESSOR_NAME);
    MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, local, MPI_MAX_PROCESSOR_NAME,
                  MPI_CHAR, node);
    for (int q = 0; q < s; q++)
        CHECK_MSG(strcmp(local + (size_t)q * MPI_MAX_PROCESSOR_NAME, name) == 0,
                  "shared-memory peer %d runs on '%s', this rank on '%s'", q,
                  local + (size_t)q * MPI_MAX_PROCESSOR_NAME, name);
    int ranks_sum = 0;
    MPI_Allreduce(&rank, &ranks_sum, 1, MPI_INT, MPI_SUM, node);
    CHECK(ranks_sum >= rank);
    MPI_Comm_free(&node);

    MPI_Comm none;
    MPI_Comm_split_type(MPI_COMM_WORLD, rank % 2 ? MPI_UNDEFINED : MPI_COMM_TYPE_SHARED, 0,
                        MPI_INFO_NULL, &none);
    if (rank % 2) {
        CHECK(none == MPI_COMM_NULL);
    } else {
        CHECK(none != MPI_COMM_NULL);
        if (none != MPI_COMM_NULL) {
            MPI_Comm_size(none, &s);
            if (one_host)
                CHECK_EQ(s, (size + 1) / 2);
            MPI_Comm_free(&none);
        }
    }

    free(all);
    free(local);
    return mtest_finish();
}
