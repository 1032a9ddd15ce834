/* The reductions (MPI_Reduce at roots first, middle and last, MPI_Allreduce,
 * MPI_Reduce_scatter, MPI_Reduce_scatter_block, MPI_Scan, MPI_Exscan) with ops that
 * expose ordering and pairing mistakes: a non-commutative user op on a derived
 * type (results must follow rank order), MPI_MINLOC on MPI_2INT and MPI_MAXLOC on
 * MPI_DOUBLE_INT with ties (the lower index wins).  Counts 0, 1 and odd, with and
 * without MPI_IN_PLACE, on MPI_COMM_WORLD and on a split communicator with
 * reordered ranks; one large (over 1 MiB) Reduce and Allreduce. */
#include "mtest.h"

#define UNT (-7) /* bytes of receive memory that nothing may write */

typedef struct {
    double v;
    int i;
} dbl_int;

/* One reduction setting: datatype, op, element size, rank r's element i, and how
 * two elements combine (acc = left op acc) and compare. */
struct red {
    const char *name;
    MPI_Datatype type;
    MPI_Op op;
    size_t esize;
    void (*val)(int r, long i, void *out);
    void (*combine)(const void *left, void *acc);
    int (*equal)(const void *a, const void *b);
};

static void aff_val(int r, long i, void *out) { *(mtest_affine *)out = mtest_affine_val(r, i, 3); }
static void aff_combine(const void *left, void *acc)
{
    *(mtest_affine *)acc = mtest_affine_then(*(const mtest_affine *)left, *(mtest_affine *)acc);
}
static int aff_equal(const void *a, const void *b)
{
    const mtest_affine *x = a, *y = b;
    return x->m == y->m && x->c == y->c;
}

/* Values repeat across ranks (ties), the index is the rank. */
static void minloc_val(int r, long i, void *out)
{
    int *p = out;
    p[0] = (int)((r * 7 + i) % 5);
    p[1] = r;
}
static void minloc_combine(const void *left, void *acc)
{
    const int *a = left;
    int *b = acc;
    if (a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])) {
        b[0] = a[0];
        b[1] = a[1];
    }
}
static int minloc_equal(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return x[0] == y[0] && x[1] == y[1];
}

static void maxloc_val(int r, long i, void *out)
{
    dbl_int *p = out;
    p->v = (double)((r * 3 + i) % 4) * 0.5;
    p->i = r;
}
static void maxloc_combine(const void *left, void *acc)
{
    const dbl_int *a = left;
    dbl_int *b = acc;
    if (a->v > b->v || (a->v == b->v && a->i < b->i))
        *b = *a;
}
static int maxloc_equal(const void *a, const void *b)
{
    const dbl_int *x = a, *y = b;
    return x->v == y->v && x->i == y->i;
}

static void fill(const struct red *d, void *buf, int r, long first, long count)
{
    for (long k = 0; k < count; k++)
        d->val(r, first + k, (char *)buf + k * d->esize);
}

/* buf holds, for k < count, the reduction over ranks lo..hi of element first+k, and
 * (if end) the byte after it is untouched. */
static void check(const struct red *d, const char *what, const void *buf, int lo, int hi,
                  long first, long count, int end)
{
    char want[32], tmp[32];
    for (long k = 0; k < count; k++) {
        d->val(lo, first + k, want);
        for (int r = lo + 1; r <= hi; r++) {
            d->val(r, first + k, tmp);
            d->combine(want, tmp);
            memcpy(want, tmp, d->esize);
        }
        if (!d->equal((const char *)buf + k * d->esize, want)) {
            CHECK_MSG(0, "%s %s of %ld: element %ld wrong", what, d->name, count, k);
            return;
        }
    }
    if (end)
        CHECK_MSG(((const signed char *)buf)[count * d->esize] == UNT,
                  "%s %s of %ld: wrote past the result", what, d->name, count);
}

static void run(MPI_Comm comm, const char *cname, const struct red *d, long n, int large)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    size_t cap = ((size_t)size * (n + size) + 1) * d->esize;
    char *in = mtest_malloc(cap), *out = mtest_malloc(cap);
    int *rc = mtest_malloc(size * sizeof(int));
    char what[96];

    for (int inplace = 0; inplace < 2; inplace++) {
        const char *ip = inplace ? " in place" : "";
        int roots[3] = {0, size / 2, size - 1};
        for (int k = 0; k < (large ? 1 : 3); k++) {
            int root = large ? size - 1 : roots[k], me_in = inplace && rank == root;
            memset(out, UNT, cap);
            fill(d, me_in ? out : in, rank, 0, n);
            MPI_Reduce(me_in ? MPI_IN_PLACE : in, out, (int)n, d->type, d->op, root, comm);
            snprintf(what, sizeof what, "%s: Reduce%s at %d", cname, ip, root);
            if (rank == root)
                check(d, what, out, 0, size - 1, 0, n, 1);
        }

        memset(out, UNT, cap);
        fill(d, inplace ? out : in, rank, 0, n);
        MPI_Allreduce(inplace ? MPI_IN_PLACE : in, out, (int)n, d->type, d->op, comm);
        snprintf(what, sizeof what, "%s: Allreduce%s", cname, ip);
        check(d, what, out, 0, size - 1, 0, n, 1);
        if (large)
            continue;

        memset(out, UNT, cap);
        fill(d, inplace ? out : in, rank, 0, n);
        MPI_Scan(inplace ? MPI_IN_PLACE : in, out, (int)n, d->type, d->op, comm);
        snprintf(what, sizeof what, "%s: Scan%s", cname, ip);
        check(d, what, out, 0, rank, 0, n, 1);

        memset(out, UNT, cap);
        fill(d, inplace ? out : in, rank, 0, n);
        MPI_Exscan(inplace ? MPI_IN_PLACE : in, out, (int)n, d->type, d->op, comm);
        snprintf(what, sizeof what, "%s: Exscan%s", cname, ip);
        if (rank > 0) /* rank 0's result is undefined */
            check(d, what, out, 0, rank - 1, 0, n, 1);

        memset(out, UNT, cap);
        fill(d, inplace ? out : in, rank, 0, n * size);
        MPI_Reduce_scatter_block(inplace ? MPI_IN_PLACE : in, out, (int)n, d->type, d->op, comm);
        snprintf(what, sizeof what, "%s: Reduce_scatter_block%s", cname, ip);
        check(d, what, out, 0, size - 1, rank * n, n, !inplace);

        /* Rank r gets n + r elements, none when r % 3 == 1. */
        long total = 0, before = 0;
        for (int r = 0; r < size; r++) {
            rc[r] = r % 3 == 1 ? 0 : (int)n + r;
            before += r < rank ? rc[r] : 0;
            total += rc[r];
        }
        memset(out, UNT, cap);
        fill(d, inplace ? out : in, rank, 0, total);
        MPI_Reduce_scatter(inplace ? MPI_IN_PLACE : in, out, rc, d->type, d->op, comm);
        snprintf(what, sizeof what, "%s: Reduce_scatter%s", cname, ip);
        check(d, what, out, 0, size - 1, before, rc[rank], !inplace);
    }
    free(in);
    free(out);
    free(rc);
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    MPI_Datatype aff_type;
    MPI_Op aff_op;
    mtest_affine_create(&aff_type, &aff_op);
    const struct red reds[] = {
        {"non-commutative", aff_type, aff_op, sizeof(mtest_affine), aff_val, aff_combine,
         aff_equal},
        {"MINLOC 2INT", MPI_2INT, MPI_MINLOC, 2 * sizeof(int), minloc_val, minloc_combine,
         minloc_equal},
        {"MAXLOC DOUBLE_INT", MPI_DOUBLE_INT, MPI_MAXLOC, sizeof(dbl_int), maxloc_val,
         maxloc_combine, maxloc_equal},
    };
    MPI_Comm split;
    mtest_split_reversed(&split);
    static const long counts[] = {0, 1, 37};
    for (int d = 0; d < 3; d++)
        for (int c = 0; c < 3; c++) {
            run(MPI_COMM_WORLD, "world", &reds[d], counts[c], 0);
            run(split, "split", &reds[d], counts[c], 0);
        }
    run(MPI_COMM_WORLD, "world", &reds[0], 150001, 1); /* 1.2 MB */
    MPI_Comm_free(&split);
    MPI_Op_free(&aff_op);
    MPI_Type_free(&aff_type);
    return mtest_finish();
}
