/* User-defined operations: a non-commutative one (2x2 integer matrix product on a
 * derived datatype) must combine the contributions in rank order in MPI_Reduce (at
 * every root), MPI_Allreduce, MPI_Scan and MPI_Reduce_local; a commutative one on a
 * predefined type; MPI_Op_commutative; MPI_Op_free. */
#include "mtest.h"

#define COUNT 3

typedef struct { long long a, b, c, d; } mat; /* [[a b] [c d]] */

static mat mul(mat x, mat y)
{
    mat z = {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c,
             x.c * y.b + x.d * y.d};
    return z;
}

/* inout[k] = in[k] * inout[k]: "in" holds the lower ranks' part. */
static void matmul(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    mat *x = in, *y = inout;
    for (int k = 0; k < *len; k++)
        y[k] = mul(x[k], y[k]);
}

static int user_sum_calls;
static void isum(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    CHECK(*dt == MPI_INT);
    user_sum_calls++;
    for (int k = 0; k < *len; k++)
        ((int *)inout)[k] += ((int *)in)[k];
}

/* Rank r's k-th matrix; these do not commute with each other. */
static mat mine(int r, int k)
{
    mat m = {1, r + k + 1, (r + k) % 2, 1};
    return m;
}

static mat product(int from, int to, int k) /* mine(from) * ... * mine(to) */
{
    mat p = {1, 0, 0, 1};
    for (int r = from; r <= to; r++)
        p = mul(p, mine(r, k));
    return p;
}

static int same(mat x, mat y) { return x.a == y.a && x.b == y.b && x.c == y.c && x.d == y.d; }

int main(int argc, char **argv)
{
    int rank, size, commute = -1;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    MPI_Datatype mt;
    MPI_Type_contiguous(4, MPI_LONG_LONG, &mt);
    MPI_Type_commit(&mt);
    MPI_Op op, sum;
    MPI_Op_create(matmul, 0, &op);
    MPI_Op_create(isum, 1, &sum);
    MPI_Op_commutative(op, &commute);
    CHECK_EQ(commute, 0);
    MPI_Op_commutative(sum, &commute);
    CHECK_EQ(commute, 1);
    MPI_Op_commutative(MPI_SUM, &commute);
    CHECK_EQ(commute, 1);

    /* Not commuting, really. */
    if (size > 1)
        CHECK(!same(mul(mine(0, 0), mine(1, 0)), mul(mine(1, 0), mine(0, 0))));

    mat in[COUNT], out[COUNT];
    for (int k = 0; k < COUNT; k++)
        in[k] = mine(rank, k);

    for (int root = 0; root < size; root++) {
        memset(out, 0, sizeof out);
        MPI_Reduce(in, out, COUNT, mt, op, root, MPI_COMM_WORLD);
        if (rank == root)
            for (int k = 0; k < COUNT; k++)
                CHECK_MSG(same(out[k], product(0, size - 1, k)),
                          "Reduce at root %d, matrix %d: [[%lld %lld] [%lld %lld]]", root, k,
                          out[k].a, out[k].b, out[k].c, out[k].d);
    }

    memset(out, 0, sizeof out);
    MPI_Allreduce(in, out, COUNT, mt, op, MPI_COMM_WORLD);
    for (int k = 0; k < COUNT; k++)
        CHECK_MSG(same(out[k], product(0, size - 1, k)), "Allreduce matrix %d", k);

    memcpy(out, in, sizeof in);
    MPI_Allreduce(MPI_IN_PLACE, out, COUNT, mt, op, MPI_COMM_WORLD);
    for (int k = 0; k < COUNT; k++)
        CHECK_MSG(same(out[k], product(0, size - 1, k)), "Allreduce in place, matrix %d", k);

    memset(out, 0, sizeof out);
    MPI_Scan(in, out, COUNT, mt, op, MPI_COMM_WORLD);
    for (int k = 0; k < COUNT; k++)
        CHECK_MSG(same(out[k], product(0, rank, k)), "Scan matrix %d", k);

    if (size > 1) {
        MPI_Exscan(in, out, COUNT, mt, op, MPI_COMM_WORLD);
        if (rank > 0)
            for (int k = 0; k < COUNT; k++)
                CHECK_MSG(same(out[k], product(0, rank - 1, k)), "Exscan matrix %d", k);
    }

    /* Reduce_local: inout = in (op) inout. */
    mat loc[COUNT];
    for (int k = 0; k < COUNT; k++)
        loc[k] = mine(rank + 1, k);
    MPI_Reduce_local(in, loc, COUNT, mt, op);
    for (int k = 0; k < COUNT; k++)
        CHECK(same(loc[k], mul(mine(rank, k), mine(rank + 1, k))));

    /* Commutative user op on MPI_INT, 1000 elements. */
    int *v = mtest_malloc(1000 * sizeof(int)), *w = mtest_malloc(1000 * sizeof(int));
    for (int i = 0; i < 1000; i++)
        v[i] = rank + i;
    MPI_Allreduce(v, w, 1000, MPI_INT, sum, MPI_COMM_WORLD);
    for (int i = 0; i < 1000; i++)
        if (w[i] != size * (size - 1) / 2 + size * i) {
            CHECK_MSG(0, "user sum element %d is %d", i, w[i]);
            break;
        }
    if (size > 1) {
        int calls = 0;
        MPI_Allreduce(&user_sum_calls, &calls, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        CHECK(calls >= 1); /* the user's function did the work somewhere */
    }
    free(v);
    free(w);

    MPI_Op_free(&op);
    MPI_Op_free(&sum);
    CHECK(op == MPI_OP_NULL && sum == MPI_OP_NULL);
    MPI_Type_free(&mt);
    return mtest_finish();
}
