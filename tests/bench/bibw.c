/* Bidirectional bandwidth: ranks 0 and 1 each post a window of receives and
 * a window of sends at once; the figure is the total MB/s (10^6 bytes/s) of
 * both directions. In-window receives share one buffer, as in OSU. */
#include "bench_util.h"

#define PROG "bibw"

static void exchange(void *sbuf, void *rbuf, size_t size, int rank, int window, int iters,
                     MPI_Request *req, MPI_Status *st)
{
    int peer = 1 - rank;
    for (int i = 0; i < iters; i++) {
        for (int w = 0; w < window; w++)
            MPI_Irecv(rbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD, &req[w]);
        for (int w = 0; w < window; w++)
            MPI_Isend(sbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD, &req[window + w]);
        MPI_Waitall(2 * window, req, st);
    }
}

int main(int argc, char **argv)
{
    bench_opts_t o = {0, BENCH_MAX_DEFAULT, 100, 10, 10, 2, 5, 64, NULL};
    int rank, n;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    bench_parse(argc, argv, &o, PROG, NULL);
    if (n < 2)
        bench_die(PROG, "needs at least 2 ranks");
    bench_header(&o, PROG, "ranks 0 <-> 1, windows both ways at once, total bandwidth (MB/s)",
                 "size MB/s");

    char *sbuf = bench_alloc(PROG, o.max_size), *rbuf = bench_alloc(PROG, o.max_size);
    double *t = bench_alloc(PROG, (size_t)o.reps * sizeof *t);
    MPI_Request *req = bench_alloc(PROG, 2 * (size_t)o.window * sizeof *req);
    MPI_Status *st = bench_alloc(PROG, 2 * (size_t)o.window * sizeof *st);
    for (size_t size = bench_first_size(&o, 1); rank < 2 && size <= o.max_size;
         size = bench_next_size(size)) {
        int iters = bench_iters(&o, size);
        bench_fill(sbuf, size, bench_seed(size, rank, 0));
        exchange(sbuf, rbuf, size, rank, o.window, bench_warmup(&o, size), req, st);
        memset(rbuf, 0, size);
        for (int r = 0; r < o.reps; r++) {
            double t0 = MPI_Wtime();
            exchange(sbuf, rbuf, size, rank, o.window, iters, req, st);
            t[r] = 2.0 * (double)size * o.window * iters / (MPI_Wtime() - t0) / 1e6;
        }
        bench_check(PROG, rbuf, size, bench_seed(size, 1 - rank, 0), size);
        if (rank == 0) {
            printf("%-10zu %.2f\n", size, bench_median(t, o.reps));
            fflush(stdout);
        }
    }
    bench_report_rss(PROG);
    free(st);
    free(req);
    free(t);
    free(rbuf);
    free(sbuf);
    MPI_Finalize();
    return 0;
}
