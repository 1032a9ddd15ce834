/* The reference for shared-memory bandwidth: one core copying between two
 * buffers with memcpy, in the bw benchmark's pattern (the same source and
 * destination every time, so what fits in the caches stays there). Run on
 * one rank, beside bw on two; the figure is MB/s (10^6 bytes/s). */
#include "bench_util.h"

#define PROG "memcpy"

int main(int argc, char **argv)
{
    bench_opts_t o = {1, BENCH_MAX_DEFAULT, 1000, 100, 100, 10, 5, 0, NULL};

    MPI_Init(&argc, &argv);
    bench_parse(argc, argv, &o, PROG, NULL);
    bench_header(&o, PROG, "memcpy on one core, bandwidth (MB/s)", "size MB/s");

    char *src = bench_alloc(PROG, o.max_size), *dst = bench_alloc(PROG, o.max_size);
    double *t = bench_alloc(PROG, (size_t)o.reps * sizeof *t);
    bench_fill(src, o.max_size, 1);
    for (size_t size = bench_first_size(&o, 1); bench_rank() == 0 && size <= o.max_size;
         size = bench_next_size(size)) {
        int iters = bench_iters(&o, size);
        for (int i = 0; i < bench_warmup(&o, size); i++)
            memcpy(dst, src, size);
        for (int r = 0; r < o.reps; r++) {
            double t0 = MPI_Wtime();
            for (int i = 0; i < iters; i++) {
                memcpy(dst, src, size);
                __asm__ volatile("" : : "r"(dst) : "memory"); /* keep every copy */
            }
            t[r] = (double)size * iters / (MPI_Wtime() - t0) / 1e6;
        }
        bench_check(PROG, dst, size, 1, size);
        printf("%-10zu %.2f\n", size, bench_median(t, o.reps));
        fflush(stdout);
    }
    bench_report_rss(PROG);
    free(t);
    free(dst);
    free(src);
    MPI_Finalize();
    return 0;
}
