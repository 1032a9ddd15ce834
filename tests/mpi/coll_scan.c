/* MPI_Scan and MPI_Exscan with SUM and MAX, counts 0, 1, odd and large (over 1 MiB),
 * with MPI_IN_PLACE, on MPI_COMM_WORLD and on a split communicator with reordered
 * ranks; rank 0's Exscan result is undefined and not checked. */
#include "mtest.h"

static int val(int r, int i) { return (r * 7 + i) % 11 - 5; }

static void run(MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const int counts[4] = {0, 1, 37, 300000};

    for (int c = 0; c < 4; c++) {
        int n = counts[c];
        int *in = mtest_malloc(n * sizeof(int)), *out = mtest_malloc(n * sizeof(int));
        for (int inplace = 0; inplace < 2; inplace++) {
            for (int o = 0; o < 2; o++) {
                MPI_Op op = o ? MPI_MAX : MPI_SUM;
                for (int i = 0; i < n; i++) {
                    in[i] = val(rank, i);
                    out[i] = inplace ? in[i] : -99;
                }
                MPI_Scan(inplace ? MPI_IN_PLACE : in, out, n, MPI_INT, op, comm);
                for (int i = 0; i < n; i++) {
                    int want = val(0, i);
                    for (int r = 1; r <= rank; r++)
                        want = o ? (val(r, i) > want ? val(r, i) : want) : want + val(r, i);
                    if (out[i] != want) {
                        CHECK_MSG(0, "Scan%s %s of %d: [%d] is %d, expected %d",
                                  inplace ? " in place" : "", o ? "MAX" : "SUM", n, i, out[i],
                                  want);
                        break;
                    }
                }

                for (int i = 0; i < n; i++)
                    out[i] = inplace ? in[i] : -99;
                MPI_Exscan(inplace ? MPI_IN_PLACE : in, out, n, MPI_INT, op, comm);
                if (rank == 0)
                    continue;
                for (int i = 0; i < n; i++) {
                    int want = val(0, i);
                    for (int r = 1; r < rank; r++)
                        want = o ? (val(r, i) > want ? val(r, i) : want) : want + val(r, i);
                    if (out[i] != want) {
                        CHECK_MSG(0, "Exscan%s %s of %d: [%d] is %d, expected %d",
                                  inplace ? " in place" : "", o ? "MAX" : "SUM", n, i, out[i],
                                  want);
                        break;
                    }
                }
            }
        }
        free(in);
        free(out);
    }
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    mtest_on_world_and_split(run);
    return mtest_finish();
}
