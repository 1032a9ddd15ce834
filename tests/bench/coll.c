/* Collective latency: `coll NAME [options]` times one collective (Barrier,
 * Bcast, Reduce, Allreduce, Allgather, Alltoall, Gather) over message sizes.
 * SIZE is the bytes each rank contributes (reductions: MPI_INT, MPI_SUM).
 * Each call is timed alone, with a barrier between calls so that rooted
 * collectives do not pipeline; the figure is the mean over ranks of the mean
 * time per call, in microseconds. Roots are rank 0. */
#include <strings.h>

#include "bench_util.h"

#define PROG "coll"

typedef struct {
    int rank, n;
    char *sbuf, *rbuf;
} ctx_t;

static void no_prepare(const ctx_t *c, size_t size)
{
    (void)c, (void)size;
}

static void no_check(const ctx_t *c, size_t size)
{
    (void)c, (void)size;
}

static void run_barrier(const ctx_t *c, size_t size)
{
    (void)c, (void)size;
    MPI_Barrier(MPI_COMM_WORLD);
}

static void prepare_bcast(const ctx_t *c, size_t size)
{
    if (c->rank == 0)
        bench_fill(c->sbuf, size, bench_seed(size, 0, 0));
}

static void run_bcast(const ctx_t *c, size_t size)
{
    MPI_Bcast(c->rank == 0 ? c->sbuf : c->rbuf, (int)size, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void check_bcast(const ctx_t *c, size_t size)
{
    if (c->rank != 0)
        bench_check(PROG, c->rbuf, size, bench_seed(size, 0, 0), size);
}

/* Reductions: rank r contributes r + i % 7 at index i. */
static void prepare_sum(const ctx_t *c, size_t size)
{
    int *v = (int *)c->sbuf;
    for (size_t i = 0; i < size / sizeof(int); i++)
        v[i] = c->rank + (int)(i % 7);
}

static void check_sum(const ctx_t *c, size_t size)
{
    const int *v = (const int *)c->rbuf;
    for (size_t i = 0; i < size / sizeof(int); i++) {
        int want = c->n * (c->n - 1) / 2 + c->n * (int)(i % 7);
        if (v[i] != want) {
            char msg[160];
            snprintf(msg, sizeof msg, "data check failed: size %zu, element %zu: got %d, expected %d",
                     size, i, v[i], want);
            bench_die(PROG, msg);
        }
    }
}

static void run_reduce(const ctx_t *c, size_t size)
{
    MPI_Reduce(c->sbuf, c->rbuf, (int)(size / sizeof(int)), MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
}

static void check_reduce(const ctx_t *c, size_t size)
{
    if (c->rank == 0)
        check_sum(c, size);
}

static void run_allreduce(const ctx_t *c, size_t size)
{
    MPI_Allreduce(c->sbuf, c->rbuf, (int)(size / sizeof(int)), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
}

/* Gathers: rank r's block carries seed (size, r). */
static void prepare_gather(const ctx_t *c, size_t size)
{
    bench_fill(c->sbuf, size, bench_seed(size, c->rank, 0));
}

static void check_blocks(const ctx_t *c, size_t size)
{
    for (int j = 0; j < c->n; j++)
        bench_check(PROG, c->rbuf + (size_t)j * size, size, bench_seed(size, j, 0), size);
}

static void run_allgather(const ctx_t *c, size_t size)
{
    MPI_Allgather(c->sbuf, (int)size, MPI_BYTE, c->rbuf, (int)size, MPI_BYTE, MPI_COMM_WORLD);
}

static void run_gather(const ctx_t *c, size_t size)
{
    MPI_Gather(c->sbuf, (int)size, MPI_BYTE, c->rbuf, (int)size, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void check_gather(const ctx_t *c, size_t size)
{
    if (c->rank == 0)
        check_blocks(c, size);
}

/* Alltoall: the block from s to d carries seed (size, s, d + 1). */
static void prepare_alltoall(const ctx_t *c, size_t size)
{
    for (int d = 0; d < c->n; d++)
        bench_fill(c->sbuf + (size_t)d * size, size, bench_seed(size, c->rank, d + 1));
}

static void run_alltoall(const ctx_t *c, size_t size)
{
    MPI_Alltoall(c->sbuf, (int)size, MPI_BYTE, c->rbuf, (int)size, MPI_BYTE, MPI_COMM_WORLD);
}

static void check_alltoall(const ctx_t *c, size_t size)
{
    for (int s = 0; s < c->n; s++)
        bench_check(PROG, c->rbuf + (size_t)s * size, size, bench_seed(size, s, c->rank + 1), size);
}

typedef struct {
    const char *name;
    size_t floor;             /* smallest size that carries data (one element) */
    int sblocks_n, rblocks_n; /* buffers hold one block per rank (else one block) */
    int root_only_rbuf;       /* only rank 0 receives n blocks */
    void (*prepare)(const ctx_t *, size_t);
    void (*run)(const ctx_t *, size_t);
    void (*check)(const ctx_t *, size_t);
} coll_t;

static const coll_t colls[] = {
    {"Barrier", 0, 0, 0, 0, no_prepare, run_barrier, no_check},
    {"Bcast", 0, 0, 0, 0, prepare_bcast, run_bcast, check_bcast},
    {"Reduce", sizeof(int), 0, 0, 0, prepare_sum, run_reduce, check_reduce},
    {"Allreduce", sizeof(int), 0, 0, 0, prepare_sum, run_allreduce, check_sum},
    {"Allgather", 0, 0, 1, 0, prepare_gather, run_allgather, check_blocks},
    {"Alltoall", 0, 1, 1, 0, prepare_alltoall, run_alltoall, check_alltoall},
    {"Gather", 0, 0, 1, 1, prepare_gather, run_gather, check_gather},
};

/* Mean time per call on this rank, in microseconds. */
static double timed(const coll_t *op, const ctx_t *c, size_t size, int iters)
{
    double sum = 0;
    if (op->run == run_barrier) {
        double t0 = MPI_Wtime();
        for (int i = 0; i < iters; i++)
            MPI_Barrier(MPI_COMM_WORLD);
        return (MPI_Wtime() - t0) * 1e6 / iters;
    }
    for (int i = 0; i < iters; i++) {
        double t0 = MPI_Wtime();
        op->run(c, size);
        sum += MPI_Wtime() - t0;
        MPI_Barrier(MPI_COMM_WORLD);
    }
    return sum * 1e6 / iters;
}

int main(int argc, char **argv)
{
    bench_opts_t o = {0, BENCH_MAX_DEFAULT, 1000, 100, 100, 10, 5, 0, NULL};
    const coll_t *op = NULL;
    ctx_t c;
    char what[96];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c.n);
    bench_parse(argc, argv, &o,
                PROG, "NAME\n  NAME        Barrier, Bcast, Reduce, Allreduce, Allgather, "
                      "Alltoall or Gather");
    for (size_t i = 0; i < sizeof colls / sizeof colls[0]; i++)
        if (!strcasecmp(o.arg, colls[i].name))
            op = &colls[i];
    if (!op)
        bench_die(PROG, "unknown collective (expected Barrier, Bcast, Reduce, Allreduce, "
                        "Allgather, Alltoall or Gather)");
    snprintf(what, sizeof what, "MPI_%s, mean latency per call (us)", op->name);
    bench_header(&o, op->name, what, "size latency_us");

    size_t n = (size_t)c.n, max = op->run == run_barrier ? 0 : o.max_size;
    int many = op->rblocks_n && (!op->root_only_rbuf || c.rank == 0);
    c.sbuf = bench_alloc(PROG, op->sblocks_n ? n * max : max);
    c.rbuf = bench_alloc(PROG, many ? n * max : max);
    double *t = bench_alloc(PROG, (size_t)o.reps * sizeof *t);
    size_t first = op->run == run_barrier ? 0 : bench_first_size(&o, op->floor);
    for (size_t size = first; size <= max; size = bench_next_size(size)) {
        op->prepare(&c, size);
        timed(op, &c, size, bench_warmup(&o, size));
        memset(c.rbuf, 0, many ? n * size : size);
        for (int r = 0; r < o.reps; r++) {
            double mine, sum = 0;
            MPI_Barrier(MPI_COMM_WORLD);
            mine = timed(op, &c, size, bench_iters(&o, size));
            MPI_Reduce(&mine, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
            t[r] = sum / c.n;
        }
        op->check(&c, size);
        if (c.rank == 0) {
            printf("%-10zu %.3f\n", size, bench_median(t, o.reps));
            fflush(stdout);
        }
    }
    bench_report_rss(PROG);
    free(t);
    free(c.rbuf);
    free(c.sbuf);
    MPI_Finalize();
    return 0;
}
