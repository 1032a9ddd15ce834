/* MPI_Probe and MPI_Iprobe, then a receive of exactly the probed size from the
 * probed source and tag.  Every rank sends two messages (a small and a large one)
 * to rank 0, which probes with wildcards. */
#include "mtest.h"

static int msg_size(int src, int k) { return k == 0 ? src * 13 + 1 : 70000 + src * 1001; }

int main(int argc, char **argv)
{
    int rank, size, flag, count;
    MPI_Status st;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* Nothing is ever sent with tag 999: Iprobe says no and leaves flag false. */
    flag = -1;
    MPI_Iprobe(MPI_ANY_SOURCE, 999, MPI_COMM_WORLD, &flag, &st);
    CHECK_EQ(flag, 0);

    for (int pass = 0; pass < 2; pass++) { /* pass 0: Probe, pass 1: Iprobe */
        unsigned char *out[2];
        MPI_Request reqs[2];
        for (int k = 0; k < 2; k++) {
            int n = msg_size(rank, k);
            out[k] = mtest_malloc(n);
            mtest_fill(out[k], n, rank + k + pass);
            MPI_Isend(out[k], n, MPI_BYTE, 0, 10 * pass + k, MPI_COMM_WORLD, &reqs[k]);
        }
        if (rank == 0) {
            int *seen = calloc(2 * size, sizeof(int));
            for (int m = 0; m < 2 * size; m++) {
                if (pass == 0) {
                    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
                } else {
                    flag = 0;
                    while (!flag)
                        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
                }
                int src = st.MPI_SOURCE, k = st.MPI_TAG - 10 * pass;
                CHECK_MSG(src >= 0 && src < size && (k == 0 || k == 1),
                          "probe found source %d tag %d", src, st.MPI_TAG);
                if (!(src >= 0 && src < size && (k == 0 || k == 1)))
                    MPI_Abort(MPI_COMM_WORLD, 1); /* no way to go on */
                MPI_Get_count(&st, MPI_BYTE, &count);
                CHECK_EQ(count, msg_size(src, k));
                /* A probe again finds the same message. */
                MPI_Status st2;
                MPI_Probe(src, st.MPI_TAG, MPI_COMM_WORLD, &st2);
                CHECK_EQ(st2.MPI_SOURCE, src);
                unsigned char *in = mtest_malloc(count);
                MPI_Recv(in, count, MPI_BYTE, src, st.MPI_TAG, MPI_COMM_WORLD, &st2);
                CHECK_BYTES(in, count, src + k + pass);
                free(in);
                CHECK_EQ(seen[2 * src + k], 0);
                seen[2 * src + k] = 1;
            }
            free(seen);
        }
        MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE);
        MPI_Barrier(MPI_COMM_WORLD); /* no pass-1 message may meet a pass-0 probe */
        free(out[0]);
        free(out[1]);
    }

    /* Probing MPI_PROC_NULL returns at once with the empty-source status. */
    MPI_Probe(MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    CHECK_EQ(st.MPI_SOURCE, MPI_PROC_NULL);
    CHECK_EQ(st.MPI_TAG, MPI_ANY_TAG);
    flag = 0;
    MPI_Iprobe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &flag, &st);
    CHECK_EQ(flag, 1);
    CHECK_EQ(st.MPI_SOURCE, MPI_PROC_NULL);

    return mtest_finish();
}
