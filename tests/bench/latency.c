/* Point-to-point latency: ping-pong between ranks 0 and 1; the figure is the
 * one-way time in microseconds (half a round trip). Other ranks only wait. */
#include "bench_util.h"

#define PROG "latency"

static void pingpong(void *sbuf, void *rbuf, size_t size, int rank, int iters)
{
    int peer = 1 - rank;
    for (int i = 0; i < iters; i++) {
        if (rank == 0) {
            MPI_Send(sbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD);
            MPI_Recv(rbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(rbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            MPI_Send(sbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD);
        }
    }
}

int main(int argc, char **argv)
{
    bench_opts_t o = {0, BENCH_MAX_DEFAULT, 1000, 100, 100, 10, 5, 0, NULL};
    int rank, n;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    bench_parse(argc, argv, &o, PROG, NULL);
    if (n < 2)
        bench_die(PROG, "needs at least 2 ranks");
    bench_header(&o, PROG, "ping-pong between ranks 0 and 1, one-way latency (us)",
                 "size latency_us");

    char *sbuf = bench_alloc(PROG, o.max_size), *rbuf = bench_alloc(PROG, o.max_size);
    double *t = bench_alloc(PROG, (size_t)o.reps * sizeof *t);
    for (size_t size = bench_first_size(&o, 0); rank < 2 && size <= o.max_size;
         size = bench_next_size(size)) {
        int iters = bench_iters(&o, size);
        bench_fill(sbuf, size, bench_seed(size, rank, 0));
        pingpong(sbuf, rbuf, size, rank, bench_warmup(&o, size));
        memset(rbuf, 0, size); /* so the check below sees only timed traffic */
        for (int r = 0; r < o.reps; r++) {
            double t0 = MPI_Wtime();
            pingpong(sbuf, rbuf, size, rank, iters);
            t[r] = (MPI_Wtime() - t0) * 1e6 / (2.0 * iters);
        }
        bench_check(PROG, rbuf, size, bench_seed(size, 1 - rank, 0), size);
        if (rank == 0) {
            printf("%-10zu %.3f\n", size, bench_median(t, o.reps));
            fflush(stdout);
        }
    }
    bench_report_rss(PROG);
    free(t);
    free(rbuf);
    free(sbuf);
    MPI_Finalize();
    return 0;
}
