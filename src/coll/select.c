/* Algorithm selection (see select.h): the names, the table, TERN_<OP>_ALGO.
 *
 * The switch points are MPICH's long-standing published defaults (bytes);
 * they are kept here and nowhere else. Measure before changing them. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "coll/node.h"
#include "coll/select.h"

#define BCAST_SHORT 12288 /* below, or with fewer than BCAST_MIN_PROCS: binomial */
#define BCAST_MIN_PROCS 8
#define BCAST_LONG 524288      /* below, power-of-two sizes: scatter + recursive doubling */
#define BCAST_PIPELINE 8388608 /* from here: pipelined chain (not tuned yet) */
/* When a node's ranks outnumber its cores, a collective round waits until
 * every rank in it has been scheduled, so fewer rounds win over less data:
 * broadcasts stay binomial at every size (1 MiB on 8 ranks, 2 cores: 240-350
 * us binomial, 550-640 scatter + allgather, Open MPI 310). */
#define REDUCE_SHORT 2048      /* from here (commutative op, p > 2): Rabenseifner */
/* At 2 ranks Rabenseifner is two rounds where the binomial tree is one
 * message: 128 KiB 13 us vs 7, 1 MiB 84 vs 87 (shm, 2 ranks, 2 cores). */
#define ALLREDUCE_SHORT 2048   /* from here (commutative op): Rabenseifner */
/* Crowded (see above), reduces stay binomial (1 MiB on 8 ranks, 2 cores:
 * 360-420 us binomial, 610 Rabenseifner, Open MPI 1080) and allreduces
 * recursive doubling up to 16 KiB (4 KiB, 8 ranks: 14 us, Rabenseifner 24). */
#define ALLREDUCE_SHORT_CROWDED 32768
#define ALLREDUCE_RING 1048576 /* from here, non-power-of-two sizes (commutative): ring */
#define ALLGATHER_SHORT 81920  /* total; below, on non-power-of-two sizes: Bruck */
#define ALLGATHER_LONG 524288  /* total; from here: ring */
#define ALLTOALL_SHORT 256     /* per block; up to here, with >= ALLTOALL_MIN_PROCS: Bruck */
#define ALLTOALL_MIN_PROCS 8
#define ALLTOALL_LONG 32768 /* per block; from here: pairwise exchange */
#define REDSCAT_LONG 524288 /* total; from here (commutative op): pairwise exchange */

struct op_desc {
    const char *name; /* TERN_<name>_ALGO */
    const char *const *algos;
    int nalgos;
};

#define ALGOS(...)                                                                                 \
    (const char *const[]){__VA_ARGS__},                                                            \
        (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static const struct op_desc ops[TN_COLL_NOPS] = {
    [TN_COLL_BARRIER] = {"BARRIER", ALGOS("dissemination", "node")},
    [TN_COLL_BCAST] = {"BCAST",
                       ALGOS("binomial", "scatter_rdbl", "scatter_ring", "pipeline", "node")},
    [TN_COLL_REDUCE] = {"REDUCE", ALGOS("binomial", "rabenseifner", "node")},
    [TN_COLL_ALLREDUCE] = {"ALLREDUCE",
                           ALGOS("recursive_doubling", "rabenseifner", "ring", "node")},
    [TN_COLL_GATHER] = {"GATHER", ALGOS("binomial", "linear")},
    [TN_COLL_GATHERV] = {"GATHERV", ALGOS("linear")},
    [TN_COLL_SCATTER] = {"SCATTER", ALGOS("binomial", "linear")},
    [TN_COLL_SCATTERV] = {"SCATTERV", ALGOS("linear")},
    [TN_COLL_ALLGATHER] = {"ALLGATHER", ALGOS("recursive_doubling", "bruck", "ring")},
    [TN_COLL_ALLGATHERV] = {"ALLGATHERV", ALGOS("recursive_doubling", "bruck", "ring")},
    [TN_COLL_ALLTOALL] = {"ALLTOALL", ALGOS("bruck", "pairwise", "linear")},
    [TN_COLL_ALLTOALLV] = {"ALLTOALLV", ALGOS("pairwise", "linear")},
    [TN_COLL_ALLTOALLW] = {"ALLTOALLW", ALGOS("pairwise", "linear")},
    [TN_COLL_REDUCE_SCATTER] = {"REDUCE_SCATTER",
                                ALGOS("recursive_halving", "pairwise", "reduce_scatterv")},
    [TN_COLL_REDUCE_SCATTER_BLOCK] = {"REDUCE_SCATTER_BLOCK",
                                      ALGOS("recursive_halving", "pairwise", "reduce_scatterv")},
    [TN_COLL_SCAN] = {"SCAN", ALGOS("recursive_doubling")},
    [TN_COLL_EXSCAN] = {"EXSCAN", ALGOS("recursive_doubling")},
};

/* -1: the table decides. */
static int forced[TN_COLL_NOPS] = {[0 ... TN_COLL_NOPS - 1] = -1};
static int crowded; /* see tn_coll_select_init */

static int is_pof2(int p)
{
    return !(p & (p - 1));
}

static int table(enum tn_coll_op op, int p, size_t bytes, int commute)
{
    switch (op) {
    case TN_COLL_BCAST:
        if (bytes < BCAST_SHORT || p < BCAST_MIN_PROCS || crowded)
            return TN_BCAST_BINOMIAL;
        if (bytes >= BCAST_PIPELINE)
            return TN_BCAST_PIPELINE;
        return bytes < BCAST_LONG && is_pof2(p) ? TN_BCAST_SCATTER_RDBL : TN_BCAST_SCATTER_RING;
    case TN_COLL_REDUCE:
        return commute && bytes >= REDUCE_SHORT && p > 2 && !crowded ? TN_REDUCE_RABENSEIFNER
                                                                     : TN_REDUCE_BINOMIAL;
    case TN_COLL_ALLREDUCE:
        if (!commute || bytes < (crowded ? ALLREDUCE_SHORT_CROWDED : ALLREDUCE_SHORT))
            return TN_ALLREDUCE_RECURSIVE_DOUBLING;
        return bytes >= ALLREDUCE_RING && !is_pof2(p) ? TN_ALLREDUCE_RING
                                                      : TN_ALLREDUCE_RABENSEIFNER;
    case TN_COLL_ALLGATHER:
        if (is_pof2(p) && bytes < ALLGATHER_LONG)
            return TN_ALLGATHER_RECURSIVE_DOUBLING;
        return !is_pof2(p) && bytes < ALLGATHER_SHORT ? TN_ALLGATHER_BRUCK : TN_ALLGATHER_RING;
    case TN_COLL_ALLGATHERV:
        return TN_ALLGATHER_RING;
    case TN_COLL_ALLTOALL:
        if (bytes <= ALLTOALL_SHORT && p >= ALLTOALL_MIN_PROCS)
            return TN_ALLTOALL_BRUCK;
        return bytes < ALLTOALL_LONG ? TN_ALLTOALL_LINEAR : TN_ALLTOALL_PAIRWISE;
    case TN_COLL_ALLTOALLV:
    case TN_COLL_ALLTOALLW:
        return TN_ALLTOALLV_LINEAR;
    case TN_COLL_REDUCE_SCATTER:
    case TN_COLL_REDUCE_SCATTER_BLOCK:
        if (!commute)
            return TN_REDSCAT_REDUCE_SCATTERV;
        return bytes >= REDSCAT_LONG ? TN_REDSCAT_PAIRWISE : TN_REDSCAT_RECURSIVE_HALVING;
    default:
        return 0; /* the first algorithm */
    }
}

static int node_algo(enum tn_coll_op op)
{
    switch (op) {
    case TN_COLL_BARRIER:
        return TN_BARRIER_NODE;
    case TN_COLL_BCAST:
        return TN_BCAST_NODE;
    case TN_COLL_REDUCE:
        return TN_REDUCE_NODE;
    case TN_COLL_ALLREDUCE:
        return TN_ALLREDUCE_NODE;
    default:
        return -1;
    }
}

int tn_coll_node_wanted(enum tn_coll_op op)
{
    return forced[op] < 0 || forced[op] == node_algo(op);
}

/* Whether algo can serve a schedule for an op that does (not) commute. */
static int serves(enum tn_coll_op op, int algo, int commute)
{
    if (algo == node_algo(op))
        return 0;
    if (commute)
        return 1;
    switch (op) {
    case TN_COLL_REDUCE:
        return algo != TN_REDUCE_RABENSEIFNER;
    case TN_COLL_ALLREDUCE:
        return algo == TN_ALLREDUCE_RECURSIVE_DOUBLING;
    case TN_COLL_REDUCE_SCATTER:
    case TN_COLL_REDUCE_SCATTER_BLOCK:
        return algo == TN_REDSCAT_REDUCE_SCATTERV;
    default:
        return 1;
    }
}

int tn_coll_algo(enum tn_coll_op op, int p, size_t bytes, int commute)
{
    int f = forced[op];
    if (f >= 0 && serves(op, f, commute))
        return f;
    return table(op, p, bytes, commute);
}

void tn_coll_force(enum tn_coll_op op, int algo)
{
    forced[op] = algo;
}

int tn_coll_nalgos(enum tn_coll_op op)
{
    return ops[op].nalgos;
}

const char *tn_coll_algo_name(enum tn_coll_op op, int algo)
{
    return algo >= 0 && algo < ops[op].nalgos ? ops[op].algos[algo] : "?";
}

/* "a, b or c" for the error message. */
static void list_names(const struct op_desc *d, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (int i = 0; i < d->nalgos && at < len; i++) {
        const char *sep = i == 0 ? "" : i == d->nalgos - 1 ? " or " : ", ";
        int n = snprintf(out + at, len - at, "%s%s", sep, d->algos[i]);
        at += n > 0 ? (size_t)n : 0;
    }
}

int tn_coll_select_init(int crowded_node)
{
    static int done;
    if (done)
        return MPI_SUCCESS;
    crowded = crowded_node;
    for (int op = 0; op < TN_COLL_NOPS; op++) {
        char var[64], names[256];
        snprintf(var, sizeof(var), "TERN_%s_ALGO", ops[op].name);
        const char *v = getenv(var);
        forced[op] = -1;
        if (!v || !*v)
            continue;
        for (int a = 0; a < ops[op].nalgos; a++)
            if (!strcmp(v, ops[op].algos[a]))
                forced[op] = a;
        if (forced[op] >= 0)
            continue;
        list_names(&ops[op], names, sizeof(names));
        return tn_err_set(MPI_ERR_OTHER,
                          "MPI_Init: %s is \"%s\", which is not an algorithm of "
                          "this collective (valid: %s)",
                          var, v, names);
    }
    done = 1;
    return MPI_SUCCESS;
}

void tn_coll_select_describe(FILE *out)
{
    fprintf(out, "  TERN_<OP>_ALGO=<name> forces an algorithm (one the call can not use, e.g.\n"
                 "  Rabenseifner with a non-commutative op, gives way to the table):\n");
    for (int op = 0; op < TN_COLL_NOPS; op++) {
        char names[256], var[64];
        list_names(&ops[op], names, sizeof(names));
        snprintf(var, sizeof(var), "TERN_%s_ALGO", ops[op].name);
        fprintf(out, "    %-30s %s\n", var, names);
    }
    fprintf(
        out,
        "  The table (p ranks; sizes in bytes, of the whole message unless it says\n"
        "  block or total):\n"
        "    bcast           binomial if < %d or p < %d or ranks outnumber cores; pipeline if\n"
        "                    >= %d;\n"
        "                    else scatter_rdbl if < %d and p a power of two, else scatter_ring\n"
        "    reduce          rabenseifner if commutative, >= %d, p > 2 and ranks do not\n"
        "                    outnumber cores, else binomial\n"
        "    allreduce       recursive_doubling if < %d (< %d where ranks outnumber cores)\n"
        "                    or not commutative; ring if >= %d and p not a power of two;\n"
        "                    else rabenseifner\n"
        "    allgather       recursive_doubling if p a power of two and total < %d; bruck if\n"
        "                    p not a power of two and total < %d; else ring (allgatherv: ring)\n"
        "    alltoall        bruck if block <= %d and p >= %d; linear if < %d; else pairwise\n"
        "                    (alltoallv/w: linear, %s)\n"
        "    reduce_scatter  reduce_scatterv if not commutative; pairwise if total >= %d;\n"
        "                    else recursive_halving\n"
        "    others          their first algorithm\n"
        "  Blocking barrier, bcast, reduce and allreduce of up to %d bytes (contiguous\n"
        "  data for the reductions) take node, through memory every rank maps, when\n"
        "  all ranks of the communicator share a node and reach each other through\n"
        "  shared memory; so do larger bcasts where ranks read each other's memory\n"
        "  (cross-memory attach, ranks outnumbering cores); the table applies to the\n"
        "  others.\n"
        "  On intercommunicators the table picks the algorithm of each local part\n"
        "  (broadcast, reduction, scatter in one group); data crosses between the\n"
        "  groups' first ranks, or directly between every pair of ranks for the\n"
        "  gathers, scatters, allgathers and alltoalls.\n",
        BCAST_SHORT, BCAST_MIN_PROCS, BCAST_PIPELINE, BCAST_LONG, REDUCE_SHORT, ALLREDUCE_SHORT,
        ALLREDUCE_SHORT_CROWDED, ALLREDUCE_RING, ALLGATHER_LONG, ALLGATHER_SHORT, ALLTOALL_SHORT, ALLTOALL_MIN_PROCS,
        ALLTOALL_LONG, "a bounded number of messages in flight", REDSCAT_LONG, TN_COLL_NODE_MAX);
}
