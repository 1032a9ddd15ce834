/* Shared by the OSU-style benchmarks: options, message sizes, timing by
 * median of repetitions, data patterns and their checks, peak RSS.
 * Plain MPI, so the programs build with any implementation's mpicc.
 *
 * Output format (parsed by scripts/bench-compare): lines starting with '#'
 * are comments; every other line is "SIZE FIGURE [MORE...]", one per size.
 * The last comment line is "# peak_rss_kib R0 R1 ...", one value per rank. */
#ifndef TN_BENCH_UTIL_H
#define TN_BENCH_UTIL_H

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

/* Above this size a message counts as large: fewer iterations (as OSU does). */
#define BENCH_LARGE 8192
#define BENCH_MAX_DEFAULT ((size_t)4 << 20)

typedef struct {
    size_t min_size, max_size; /* -m MIN:MAX, bytes */
    int iters, iters_large;    /* -i N[:M]: timed iterations per repetition */
    int warmup, warmup_large;  /* -w N[:M]: untimed iterations before the repetitions */
    int reps;                  /* -r N: the figure is the median of N repetitions */
    int window;                /* -W N: messages in flight (bw, bibw, msgrate) */
    const char *arg;           /* first operand (coll: the collective's name) */
} bench_opts_t;

static inline int bench_rank(void)
{
    int r;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

/* Stops the whole job: a benchmark that can not run must not print figures. */
static inline void bench_die(const char *prog, const char *msg)
{
    fprintf(stderr, "%s: rank %d: %s\n", prog, bench_rank(), msg);
    MPI_Abort(MPI_COMM_WORLD, 3);
    exit(3);
}

/* "4096", "64K", "4M" -> bytes; 0 on success. */
static inline int bench_parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno)
        return -1;
    if (*end == 'k' || *end == 'K')
        v <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        v <<= 20, end++;
    else if (*end == 'g' || *end == 'G')
        v <<= 30, end++;
    if (*end)
        return -1;
    *out = (size_t)v;
    return 0;
}

/* "N" or "N:M" (two positive counts); M defaults to max(1, N/10). */
static inline int bench_parse_pair(const char *s, int *small, int *large)
{
    char *end;
    long a = strtol(s, &end, 10), b;
    if (end == s || a < 1 || a > 1000000000)
        return -1;
    if (*end == ':') {
        const char *t = end + 1;
        b = strtol(t, &end, 10);
        if (end == t || b < 1 || b > 1000000000)
            return -1;
    } else {
        b = a / 10 > 0 ? a / 10 : 1;
    }
    if (*end)
        return -1;
    *small = (int)a;
    *large = (int)b;
    return 0;
}

static inline int bench_parse_range(const char *s, size_t *lo, size_t *hi)
{
    char buf[64];
    const char *colon = strchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof buf)
        return -1;
    memcpy(buf, s, (size_t)(colon - s));
    buf[colon - s] = '\0';
    if (bench_parse_size(buf, lo) || bench_parse_size(colon + 1, hi) || *lo > *hi ||
        *hi > (size_t)INT_MAX) /* MPI counts are ints */
        return -1;
    return 0;
}

/* A whole number in [1, max]; 0 on success. */
static inline int bench_parse_count(const char *s, int max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* Parses the common options after MPI_Init. On a bad command line rank 0
 * prints the usage, every rank finalizes and the program exits 2. The
 * caller fills *o with its defaults first. */
static inline void bench_parse(int argc, char **argv, bench_opts_t *o, const char *prog,
                               const char *operand_help)
{
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = getopt(argc, argv, "m:i:w:r:W:h")) != -1) {
        switch (c) {
        case 'm':
            bad = bench_parse_range(optarg, &o->min_size, &o->max_size);
            break;
        case 'i':
            bad = bench_parse_pair(optarg, &o->iters, &o->iters_large);
            break;
        case 'w':
            bad = bench_parse_pair(optarg, &o->warmup, &o->warmup_large);
            break;
        case 'r':
            bad = bench_parse_count(optarg, 100000, &o->reps);
            break;
        case 'W':
            bad = bench_parse_count(optarg, 100000, &o->window);
            break;
        default:
            bad = 1;
        }
    }
    if (optind < argc)
        o->arg = argv[optind++];
    if (optind < argc || (operand_help && !o->arg) || (!operand_help && o->arg))
        bad = 1;
    if (!bad)
        return;
    if (bench_rank() == 0)
        fprintf(stderr,
                "Usage: %s [options]%s%s\n"
                "  -m MIN:MAX  message sizes in bytes, powers of two (K/M suffixes; default "
                "%zu:%zu)\n"
                "  -i N[:M]    timed iterations per repetition, small[:large > %d B] messages "
                "(default %d:%d)\n"
                "  -w N[:M]    warm-up iterations (default %d:%d)\n"
                "  -r N        repetitions; the figure is their median (default %d)\n",
                prog, operand_help ? " " : "", operand_help ? operand_help : "", o->min_size,
                o->max_size, BENCH_LARGE, o->iters, o->iters_large, o->warmup, o->warmup_large,
                o->reps);
    if (bench_rank() == 0 && o->window > 0)
        fprintf(stderr, "  -W N        messages in flight per window (default %d)\n", o->window);
    MPI_Finalize();
    exit(2);
}

/* Sizes: 0 when the range starts there, then the powers of two in range,
 * never below floor (e.g. one element of the reduced type). */
static inline size_t bench_first_size(const bench_opts_t *o, size_t floor)
{
    size_t s = 1;
    if (o->min_size == 0 && floor == 0)
        return 0;
    while (s < o->min_size || s < floor)
        s <<= 1;
    return s;
}

static inline size_t bench_next_size(size_t s)
{
    return s ? s << 1 : 1;
}

static inline int bench_iters(const bench_opts_t *o, size_t size)
{
    return size > BENCH_LARGE ? o->iters_large : o->iters;
}

static inline int bench_warmup(const bench_opts_t *o, size_t size)
{
    return size > BENCH_LARGE ? o->warmup_large : o->warmup;
}

/* Page-aligned, touched (so first-touch faults are not timed), never NULL. */
static inline void *bench_alloc(const char *prog, size_t len)
{
    void *p = NULL;
    if (posix_memalign(&p, 4096, len ? len : 1))
        bench_die(prog, "out of memory");
    memset(p, 0, len ? len : 1);
    return p;
}

/* A pattern that differs per seed and does not repeat every 256 bytes. */
static inline unsigned char bench_pattern_byte(unsigned seed, size_t i)
{
    return (unsigned char)(seed * 131u + i * 7u + (i >> 8) * 13u + 1u);
}

static inline unsigned bench_seed(size_t size, int a, int b)
{
    return (unsigned)(size * 2654435761u) ^ (unsigned)(a * 40503 + b * 977);
}

static inline void bench_fill(void *buf, size_t len, unsigned seed)
{
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = bench_pattern_byte(seed, i);
}

/* Aborts the job with a message naming the first wrong byte. */
static inline void bench_check(const char *prog, const void *buf, size_t len, unsigned seed,
                               size_t size)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        unsigned char want = bench_pattern_byte(seed, i);
        if (p[i] != want) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "data check failed: size %zu, byte %zu: got 0x%02x, expected 0x%02x", size,
                     i, p[i], want);
            bench_die(prog, msg);
        }
    }
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v in place. */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline void bench_header(const bench_opts_t *o, const char *name, const char *what,
                                const char *columns)
{
    int n;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    if (bench_rank() != 0)
        return;
    printf("# tern-bench %s: %s\n# ranks %d, iterations %d:%d, warm-up %d:%d, repetitions %d "
           "(median)",
           name, what, n, o->iters, o->iters_large, o->warmup, o->warmup_large, o->reps);
    if (o->window > 0)
        printf(", window %d", o->window);
    printf("\n# %s\n", columns);
    fflush(stdout);
}

/* VmHWM from /proc/self/status in KiB, -1 where there is none. */
static inline long bench_peak_rss_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}

/* Collective: rank 0 prints every rank's peak RSS on one comment line. */
static inline void bench_report_rss(const char *prog)
{
    int n, r = bench_rank();
    long mine = bench_peak_rss_kib(), *all = NULL;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    if (r == 0)
        all = bench_alloc(prog, (size_t)n * sizeof *all);
    MPI_Gather(&mine, 1, MPI_LONG, all, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    if (r != 0)
        return;
    printf("# peak_rss_kib");
    for (int i = 0; i < n; i++)
        printf(" %ld", all[i]);
    printf("\n");
    fflush(stdout);
    free(all);
}

#endif
