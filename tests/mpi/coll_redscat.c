/* MPI_Reduce_scatter (uneven counts, some zero) and MPI_Reduce_scatter_block, with
 * and without MPI_IN_PLACE, for small (odd) and large blocks, on MPI_COMM_WORLD and
 * on a split communicator with reordered ranks. */
#include "mtest.h"

static int val(int r, int i) { return (r + 1) * (i % 97) + r; }

static int sum_at(int size, int i)
{
    int s = 0;
    for (int r = 0; r < size; r++)
        s += val(r, i);
    return s;
}

static void run(MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int *rcounts = mtest_malloc(size * sizeof(int));

    for (int big = 0; big < 2; big++) {
        /* Reduce_scatter: rank r gets (r % 3) * unit ints (rank 0, 3, ... get none). */
        int unit = big ? 20000 : 3, total = 0, before = 0;
        for (int r = 0; r < size; r++) {
            rcounts[r] = (r % 3) * unit;
            if (r < rank)
                before += rcounts[r];
            total += rcounts[r];
        }
        int *in = mtest_malloc((total + 1) * sizeof(int));
        int *out = mtest_malloc((total + 1) * sizeof(int));
        for (int inplace = 0; inplace < 2; inplace++) {
            /* MPICH 4.0.2 trips an internal assertion (memcpy onto itself) for in-place
             * Reduce_scatter with uneven counts on 8 or more ranks: Tern only there. */
            if (inplace && !mtest_tern && size >= 8)
                continue;
            for (int i = 0; i < total; i++)
                in[i] = val(rank, i);
            for (int i = 0; i <= total; i++)
                out[i] = -1;
            if (inplace) {
                MPI_Reduce_scatter(MPI_IN_PLACE, in, rcounts, MPI_INT, MPI_SUM, comm);
                memcpy(out, in, rcounts[rank] * sizeof(int));
            } else {
                MPI_Reduce_scatter(in, out, rcounts, MPI_INT, MPI_SUM, comm);
                CHECK_EQ(out[rcounts[rank]], -1);
            }
            for (int i = 0; i < rcounts[rank]; i++)
                if (out[i] != sum_at(size, before + i)) {
                    CHECK_MSG(0, "Reduce_scatter%s (unit %d): [%d] is %d, expected %d",
                              inplace ? " in place" : "", unit, i, out[i],
                              sum_at(size, before + i));
                    break;
                }
        }
        free(in);
        free(out);

        /* Reduce_scatter_block: unit ints each. */
        in = mtest_malloc((size_t)size * unit * sizeof(int));
        out = mtest_malloc((unit + 1) * sizeof(int));
        for (int inplace = 0; inplace < 2; inplace++) {
            for (int i = 0; i < size * unit; i++)
                in[i] = val(rank, i);
            for (int i = 0; i <= unit; i++)
                out[i] = -1;
            if (inplace) {
                MPI_Reduce_scatter_block(MPI_IN_PLACE, in, unit, MPI_INT, MPI_SUM,
                                         comm);
                memcpy(out, in, unit * sizeof(int));
            } else {
                MPI_Reduce_scatter_block(in, out, unit, MPI_INT, MPI_SUM, comm);
                CHECK_EQ(out[unit], -1);
            }
            for (int i = 0; i < unit; i++)
                if (out[i] != sum_at(size, rank * unit + i)) {
                    CHECK_MSG(0, "Reduce_scatter_block%s (%d): [%d] is %d, expected %d",
                              inplace ? " in place" : "", unit, i, out[i],
                              sum_at(size, rank * unit + i));
                    break;
                }
        }
        free(in);
        free(out);
    }
    free(rcounts);
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    mtest_on_world_and_split(run);
    return mtest_finish();
}
