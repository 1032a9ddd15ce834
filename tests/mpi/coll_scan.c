/* MPI_Scan and MPI_Exscan with SUM and MAX, counts 1 and large, with MPI_IN_PLACE;
 * Exscan leaves rank 0's receive buffer alone (its value is undefined). */
#include "mtest.h"

static int val(int r, int i) { return (r * 7 + i) % 11 - 5; }

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int counts[2] = {1, 30000};

    for (int c = 0; c < 2; c++) {
        int n = counts[c];
        int *in = mtest_malloc(n * sizeof(int)), *out = mtest_malloc(n * sizeof(int));
        for (int inplace = 0; inplace < 2; inplace++) {
            for (int o = 0; o < 2; o++) {
                MPI_Op op = o ? MPI_MAX : MPI_SUM;
                for (int i = 0; i < n; i++) {
                    in[i] = val(rank, i);
                    out[i] = inplace ? in[i] : -99;
                }
                MPI_Scan(inplace ? MPI_IN_PLACE : in, out, n, MPI_INT, op, MPI_COMM_WORLD);
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
                MPI_Exscan(inplace ? MPI_IN_PLACE : in, out, n, MPI_INT, op, MPI_COMM_WORLD);
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
    return mtest_finish();
}
