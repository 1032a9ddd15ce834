/* MPI_Reduce at every root and MPI_Allreduce, counts 0, 1, odd and large (over 1 MiB), with
 * SUM on int and double and MAX on int, with and without MPI_IN_PLACE. */
#include "mtest.h"

static const int counts[] = {0, 1, 999, 300000};
#define NCOUNTS ((int)(sizeof counts / sizeof counts[0]))

static int ival(int r, int i) { return (r + 1) * (i % 1000 + 1) - r * (i % 3); }

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int max = counts[NCOUNTS - 1];
    int *in = mtest_malloc((max + 1) * sizeof(int)), *out = mtest_malloc((max + 1) * sizeof(int));
    double *din = mtest_malloc(max * sizeof(double)), *dout = mtest_malloc(max * sizeof(double));

    for (int c = 0; c < NCOUNTS; c++) {
        int n = counts[c];
        for (int i = 0; i < n; i++) {
            in[i] = ival(rank, i);
            din[i] = ival(rank, i) * 0.5;
        }
        for (int root = 0; root < size; root++) {
            for (int inplace = 0; inplace < 2; inplace++) {
                for (int i = 0; i <= n; i++)
                    out[i] = rank == root && inplace ? (i < n ? in[i] : -1) : -1;
                const void *sb = inplace && rank == root ? MPI_IN_PLACE : in;
                MPI_Reduce(sb, out, n, MPI_INT, MPI_SUM, root, MPI_COMM_WORLD);
                if (rank == root) {
                    for (int i = 0; i < n; i++) {
                        int want = 0;
                        for (int r = 0; r < size; r++)
                            want += ival(r, i);
                        if (out[i] != want) {
                            CHECK_MSG(0, "Reduce%s SUM of %d at root %d: [%d] is %d, expected %d",
                                      inplace ? " in place" : "", n, root, i, out[i], want);
                            break;
                        }
                    }
                    CHECK_EQ(out[n], -1);
                }
            }
        }
        /* Allreduce SUM double, MAX int; in place too. */
        MPI_Allreduce(din, dout, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        for (int i = 0; i < n; i++) {
            double want = 0;
            for (int r = 0; r < size; r++)
                want += ival(r, i) * 0.5;
            if (dout[i] != want) {
                CHECK_MSG(0, "Allreduce SUM double of %d: [%d] is %g, expected %g", n, i, dout[i],
                          want);
                break;
            }
        }
        memcpy(out, in, n * sizeof(int));
        MPI_Allreduce(MPI_IN_PLACE, out, n, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        for (int i = 0; i < n; i++) {
            int want = ival(0, i);
            for (int r = 1; r < size; r++)
                want = ival(r, i) > want ? ival(r, i) : want;
            if (out[i] != want) {
                CHECK_MSG(0, "Allreduce MAX in place of %d: [%d] is %d, expected %d", n, i, out[i],
                          want);
                break;
            }
        }
    }

    /* Back-to-back reductions with different roots do not get mixed up. */
    int acc[8];
    for (int k = 0; k < 8; k++) {
        int v = rank * 8 + k;
        acc[k] = -1;
        MPI_Reduce(&v, &acc[k], 1, MPI_INT, MPI_SUM, k % size, MPI_COMM_WORLD);
    }
    for (int k = 0; k < 8; k++)
        if (rank == k % size)
            CHECK_EQ(acc[k], 8 * size * (size - 1) / 2 + size * k);

    free(in);
    free(out);
    free(din);
    free(dout);
    return mtest_finish();
}
