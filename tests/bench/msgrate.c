/* Message rate: ranks pair up (i sends to i + n/2; with an odd count the last
 * rank idles); each sender streams windows of nonblocking sends, its receiver
 * acknowledges each window. The figure is messages per second summed over the
 * pairs; the third column is the matching MB/s (10^6 bytes/s). */
#include "bench_util.h"

#define PROG "msgrate"

static void windows(void *sbuf, void *rbuf, size_t size, int peer, int sender, int window,
                    int iters, MPI_Request *req, MPI_Status *st)
{
    int ack = 0;
    for (int i = 0; i < iters; i++) {
        if (sender) {
            for (int w = 0; w < window; w++)
                MPI_Isend(sbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD, &req[w]);
            MPI_Waitall(window, req, st);
            MPI_Recv(&ack, 1, MPI_INT, peer, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            for (int w = 0; w < window; w++)
                MPI_Irecv(rbuf, (int)size, MPI_BYTE, peer, 1, MPI_COMM_WORLD, &req[w]);
            MPI_Waitall(window, req, st);
            MPI_Send(&ack, 1, MPI_INT, peer, 2, MPI_COMM_WORLD);
        }
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
    bench_header(&o, PROG, "pairs i -> i+n/2, windows of nonblocking sends, messages/s (all pairs)",
                 "size messages/s MB/s");

    int pairs = n / 2, sender = rank < pairs, active = rank < 2 * pairs;
    int peer = sender ? rank + pairs : rank - pairs;
    char *sbuf = bench_alloc(PROG, o.max_size), *rbuf = bench_alloc(PROG, o.max_size);
    double *t = bench_alloc(PROG, (size_t)o.reps * sizeof *t);
    MPI_Request *req = bench_alloc(PROG, (size_t)o.window * sizeof *req);
    MPI_Status *st = bench_alloc(PROG, (size_t)o.window * sizeof *st);
    for (size_t size = bench_first_size(&o, 0); size <= o.max_size; size = bench_next_size(size)) {
        int iters = bench_iters(&o, size);
        if (sender)
            bench_fill(sbuf, size, bench_seed(size, rank, 0));
        if (active)
            windows(sbuf, rbuf, size, peer, sender, o.window, bench_warmup(&o, size), req, st);
        memset(rbuf, 0, size);
        for (int r = 0; r < o.reps; r++) {
            double rate = 0, sum = 0;
            MPI_Barrier(MPI_COMM_WORLD);
            if (active) {
                double t0 = MPI_Wtime();
                windows(sbuf, rbuf, size, peer, sender, o.window, iters, req, st);
                if (sender)
                    rate = (double)o.window * iters / (MPI_Wtime() - t0);
            }
            MPI_Reduce(&rate, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
            t[r] = sum;
        }
        if (active && !sender)
            bench_check(PROG, rbuf, size, bench_seed(size, peer, 0), size);
        if (rank == 0) {
            double mps = bench_median(t, o.reps);
            printf("%-10zu %.0f %.2f\n", size, mps, mps * (double)size / 1e6);
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
