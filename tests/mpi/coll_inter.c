/* Collectives on an intercommunicator (MPI 4.1 §6.2.2), checked against
 * results computed locally. MPI_COMM_WORLD is cut into two groups of
 * different sizes where it can be (world ranks 0..a-1 and a..p-1 with
 * a = (p+1)/2, each group's ranks reversed), joined by MPI_Intercomm_create.
 * Every rooted operation runs twice, with the root in either group (its
 * last rank, or rank 0); the others give each group a result made of the
 * remote group's data. Counts: 0, 1 and 1000 elements. Then: a
 * non-commutative user op on a derived type (rank order of the remote group),
 * nonblocking forms several at a time, MPI_Comm_dup while one is in flight,
 * a persistent one started twice, and the erroneous cases (MPI_Scan,
 * MPI_IN_PLACE) returning MPI_ERR_COMM / MPI_ERR_BUFFER. */
#include "mtest.h"

static MPI_Comm inter;
static int side, lrank, lsize, rsize; /* side: 0 or 1, the group */

/* Element i of the data local rank r of group g contributes. */
static int val(int g, int r, int i)
{
    return g * 100000 + r * 1000 + i;
}

static int *ints(long n)
{
    int *a = mtest_malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
    for (long i = 0; i < n; i++)
        a[i] = -1;
    return a;
}

/* root argument for a rooted operation whose root is local rank rr of group g. */
static int root_arg(int g, int rr)
{
    if (side != g)
        return rr;
    return lrank == rr ? MPI_ROOT : MPI_PROC_NULL;
}

static void barrier(void)
{
    CHECK_EQ(MPI_Barrier(inter), MPI_SUCCESS);
}

static void bcast(int g, int rr, int n)
{
    int *b = ints(n), root = root_arg(g, rr);
    for (int i = 0; root == MPI_ROOT && i < n; i++)
        b[i] = val(g, rr, i);
    CHECK_EQ(MPI_Bcast(b, n, MPI_INT, root, inter), MPI_SUCCESS);
    for (int i = 0; i < n; i++)
        CHECK_EQ(b[i], root == MPI_PROC_NULL ? -1 : val(g, rr, i));
    free(b);
}

static void reduce(int g, int rr, int n)
{
    int *s = ints(n), *r = ints(n), root = root_arg(g, rr);
    for (int i = 0; i < n; i++)
        s[i] = val(side, lrank, i);
    CHECK_EQ(MPI_Reduce(s, r, n, MPI_INT, MPI_SUM, root, inter), MPI_SUCCESS);
    for (int i = 0; i < n; i++) {
        long want = 0;
        for (int k = 0; k < rsize; k++)
            want += val(1 - g, k, i);
        CHECK_EQ(r[i], root == MPI_ROOT ? want : -1);
    }
    free(s);
    free(r);
}

static void allreduce(int n)
{
    int *s = ints(n), *r = ints(n);
    for (int i = 0; i < n; i++)
        s[i] = val(side, lrank, i);
    CHECK_EQ(MPI_Allreduce(s, r, n, MPI_INT, MPI_SUM, inter), MPI_SUCCESS);
    for (int i = 0; i < n; i++) {
        long want = 0;
        for (int k = 0; k < rsize; k++)
            want += val(1 - side, k, i);
        CHECK_EQ(r[i], want);
    }
    free(s);
    free(r);
}

/* gather and gatherv (v: remote rank k sends n + k elements). */
static void gather(int g, int rr, int n, int v)
{
    int root = root_arg(g, rr), ns = v ? n + lrank : n;
    int *cnt = ints(rsize), *dsp = ints(rsize), total = 0;
    for (int k = 0; k < rsize; k++) {
        cnt[k] = v ? n + k : n;
        dsp[k] = total;
        total += cnt[k] + (v ? 1 : 0); /* v: a gap after each block */
    }
    int *s = ints(ns), *r = ints(total);
    for (int i = 0; i < ns; i++)
        s[i] = val(side, lrank, i);
    int rc = v ? MPI_Gatherv(s, ns, MPI_INT, r, cnt, dsp, MPI_INT, root, inter)
               : MPI_Gather(s, ns, MPI_INT, r, n, MPI_INT, root, inter);
    CHECK_EQ(rc, MPI_SUCCESS);
    for (int k = 0; root == MPI_ROOT && k < rsize; k++)
        for (int i = 0; i < cnt[k] + (v ? 1 : 0); i++)
            CHECK_EQ(r[dsp[k] + i], i < cnt[k] ? val(1 - g, k, i) : -1);
    free(s);
    free(r);
    free(cnt);
    free(dsp);
}

/* scatter and scatterv (v: remote rank k gets n + k elements). */
static void scatter(int g, int rr, int n, int v)
{
    int root = root_arg(g, rr), nr = v ? n + lrank : n;
    int *cnt = ints(rsize), *dsp = ints(rsize), total = 0;
    for (int k = 0; k < rsize; k++) {
        cnt[k] = v ? n + k : n;
        dsp[k] = total;
        total += cnt[k] + (v ? 1 : 0);
    }
    int *s = ints(total), *r = ints(nr);
    for (int k = 0; root == MPI_ROOT && k < rsize; k++)
        for (int i = 0; i < cnt[k]; i++)
            s[dsp[k] + i] = val(g, k, i);
    int rc = v ? MPI_Scatterv(s, cnt, dsp, MPI_INT, r, nr, MPI_INT, root, inter)
               : MPI_Scatter(s, n, MPI_INT, r, nr, MPI_INT, root, inter);
    CHECK_EQ(rc, MPI_SUCCESS);
    for (int i = 0; i < nr; i++)
        CHECK_EQ(r[i], side == g ? -1 : val(g, lrank, i));
    free(s);
    free(r);
    free(cnt);
    free(dsp);
}

/* allgather and allgatherv (v: remote rank k sends n + k elements). */
static void allgather(int n, int v)
{
    int ns = v ? n + lrank : n, *cnt = ints(rsize), *dsp = ints(rsize), total = 0;
    for (int k = 0; k < rsize; k++) {
        cnt[k] = v ? n + k : n;
        dsp[k] = total;
        total += cnt[k];
    }
    int *s = ints(ns), *r = ints(total);
    for (int i = 0; i < ns; i++)
        s[i] = val(side, lrank, i);
    int rc = v ? MPI_Allgatherv(s, ns, MPI_INT, r, cnt, dsp, MPI_INT, inter)
               : MPI_Allgather(s, n, MPI_INT, r, n, MPI_INT, inter);
    CHECK_EQ(rc, MPI_SUCCESS);
    for (int k = 0; k < rsize; k++)
        for (int i = 0; i < cnt[k]; i++)
            CHECK_EQ(r[dsp[k] + i], val(1 - side, k, i));
    free(s);
    free(r);
    free(cnt);
    free(dsp);
}

/* What local rank from of group g sends to remote rank to: element i. */
static int a2a(int g, int from, int to, int i)
{
    return val(g, from, i) * 7 + to;
}

/* alltoall (kind 0), alltoallv (1), alltoallw (2): n elements per pair, and
 * for v and w n + (sender's rank) elements. */
static void alltoall(int n, int kind)
{
    int *sc = ints(rsize), *sd = ints(rsize), *rc_ = ints(rsize), *rd = ints(rsize);
    MPI_Datatype *st = mtest_malloc((size_t)rsize * sizeof(*st));
    MPI_Datatype *rt = mtest_malloc((size_t)rsize * sizeof(*rt));
    int stot = 0, rtot = 0;
    for (int k = 0; k < rsize; k++) {
        sc[k] = kind ? n + lrank : n;
        rc_[k] = kind ? n + k : n;
        sd[k] = stot;
        rd[k] = rtot;
        stot += sc[k];
        rtot += rc_[k];
        st[k] = rt[k] = MPI_INT;
    }
    int *s = ints(stot), *r = ints(rtot), rc;
    for (int k = 0; k < rsize; k++)
        for (int i = 0; i < sc[k]; i++)
            s[sd[k] + i] = a2a(side, lrank, k, i);
    if (kind == 0) {
        rc = MPI_Alltoall(s, n, MPI_INT, r, n, MPI_INT, inter);
    } else if (kind == 1) {
        rc = MPI_Alltoallv(s, sc, sd, MPI_INT, r, rc_, rd, MPI_INT, inter);
    } else {
        for (int k = 0; k < rsize; k++) { /* byte displacements */
            sd[k] *= (int)sizeof(int);
            rd[k] *= (int)sizeof(int);
        }
        rc = MPI_Alltoallw(s, sc, sd, st, r, rc_, rd, rt, inter);
        for (int k = 0; k < rsize; k++)
            rd[k] /= (int)sizeof(int);
    }
    CHECK_EQ(rc, MPI_SUCCESS);
    for (int k = 0; k < rsize; k++)
        for (int i = 0; i < rc_[k]; i++)
            CHECK_EQ(r[rd[k] + i], a2a(1 - side, k, lrank, i));
    free(s);
    free(r);
    free(sc);
    free(sd);
    free(rc_);
    free(rd);
    free(st);
    free(rt);
}

/* reduce_scatter_block (v = 0) and reduce_scatter (v = 1). Both groups reduce
 * vectors of the same length m = a * b (a, b: the group sizes): a rank of a
 * group of size q gets m / q elements (block), or for v rank j gets
 * m / q - 1 elements and the last rank the rest. */
static void reduce_scatter(int v)
{
    int m = lsize * rsize, per = m / lsize, *cnt = ints(lsize), off = 0;
    for (int j = 0; j < lsize; j++)
        cnt[j] = !v ? per : j < lsize - 1 ? per - 1 : m - (per - 1) * (lsize - 1);
    for (int j = 0; j < lrank; j++)
        off += cnt[j];
    int *s = ints(m), *r = ints(cnt[lrank]);
    for (int i = 0; i < m; i++)
        s[i] = val(side, lrank, i);
    int rc = v ? MPI_Reduce_scatter(s, r, cnt, MPI_INT, MPI_SUM, inter)
               : MPI_Reduce_scatter_block(s, r, per, MPI_INT, MPI_SUM, inter);
    CHECK_EQ(rc, MPI_SUCCESS);
    for (int i = 0; i < cnt[lrank]; i++) {
        long want = 0;
        for (int k = 0; k < rsize; k++)
            want += val(1 - side, k, off + i);
        CHECK_EQ(r[i], want);
    }
    free(s);
    free(r);
    free(cnt);
}

/* Reduce and Allreduce with a non-commutative op: the remote group's data
 * folded in its rank order. */
static void noncommutative(void)
{
    MPI_Datatype t;
    MPI_Op op;
    enum { N = 5 };
    mtest_affine s[N], r[N], want[N];
    mtest_affine_create(&t, &op);
    for (int i = 0; i < N; i++) {
        s[i] = mtest_affine_val(side * 50 + lrank, i, 3);
        want[i] = mtest_affine_val((1 - side) * 50, i, 3);
        for (int k = 1; k < rsize; k++)
            want[i] = mtest_affine_then(want[i], mtest_affine_val((1 - side) * 50 + k, i, 3));
    }
    CHECK_EQ(MPI_Allreduce(s, r, N, t, op, inter), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        CHECK(r[i].m == want[i].m && r[i].c == want[i].c);
    for (int g = 0; g < 2; g++) {
        int root = root_arg(g, 0);
        memset(r, 0, sizeof(r));
        CHECK_EQ(MPI_Reduce(s, r, N, t, op, root, inter), MPI_SUCCESS);
        for (int i = 0; root == MPI_ROOT && i < N; i++)
            CHECK(r[i].m == want[i].m && r[i].c == want[i].c);
    }
    MPI_Op_free(&op);
    MPI_Type_free(&t);
}

/* Several nonblocking collectives in flight at once, completed in reverse. */
static void nonblocking(void)
{
    enum { N = 64 };
    int b[N], s[N], r[N], ga[N * 8], root = root_arg(1, 0);
    MPI_Request req[4];
    for (int i = 0; i < N; i++) {
        b[i] = root == MPI_ROOT ? val(1, 0, i) : -1;
        s[i] = val(side, lrank, i);
        r[i] = -1;
    }
    CHECK_EQ(MPI_Ibcast(b, N, MPI_INT, root, inter, &req[0]), MPI_SUCCESS);
    CHECK_EQ(MPI_Iallreduce(s, r, N, MPI_INT, MPI_MAX, inter, &req[1]), MPI_SUCCESS);
    CHECK_EQ(MPI_Iallgather(s, 1, MPI_INT, ga, 1, MPI_INT, inter, &req[2]), MPI_SUCCESS);
    CHECK_EQ(MPI_Ibarrier(inter, &req[3]), MPI_SUCCESS);
    for (int i = 3; i >= 0; i--)
        CHECK_EQ(MPI_Wait(&req[i], MPI_STATUS_IGNORE), MPI_SUCCESS);
    for (int i = 0; i < N; i++) {
        CHECK_EQ(b[i], root == MPI_PROC_NULL ? -1 : val(1, 0, i));
        CHECK_EQ(r[i], val(1 - side, rsize - 1, i)); /* the largest local rank's value */
    }
    for (int k = 0; k < rsize; k++)
        CHECK_EQ(ga[k], val(1 - side, k, 0));
}

/* MPI_Comm_dup of the intercommunicator (whose internal collectives run in
 * the local groups) while a nonblocking allreduce on it is in flight, then
 * collectives on both. */
static void dup_in_flight(void)
{
    enum { N = 8 };
    int s[N], r[N], r2[N];
    MPI_Comm dup;
    MPI_Request req;
    for (int i = 0; i < N; i++)
        s[i] = val(side, lrank, i);
    CHECK_EQ(MPI_Iallreduce(s, r, N, MPI_INT, MPI_SUM, inter, &req), MPI_SUCCESS);
    CHECK_EQ(MPI_Comm_dup(inter, &dup), MPI_SUCCESS);
    CHECK_EQ(MPI_Allreduce(s, r2, N, MPI_INT, MPI_SUM, dup), MPI_SUCCESS);
    CHECK_EQ(MPI_Wait(&req, MPI_STATUS_IGNORE), MPI_SUCCESS);
    for (int i = 0; i < N; i++) {
        long want = 0;
        for (int k = 0; k < rsize; k++)
            want += val(1 - side, k, i);
        CHECK_EQ(r[i], want);
        CHECK_EQ(r2[i], want);
    }
    CHECK_EQ(MPI_Barrier(dup), MPI_SUCCESS);
    MPI_Comm_free(&dup);
}

/* A persistent allreduce started twice with new contents. */
static void persistent(void)
{
    enum { N = 16 };
    int s[N], r[N];
    MPI_Request req;
    CHECK_EQ(MPI_Allreduce_init(s, r, N, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &req),
             MPI_SUCCESS);
    for (int it = 0; it < 2; it++) {
        for (int i = 0; i < N; i++)
            s[i] = val(side, lrank, i) + it;
        CHECK_EQ(MPI_Start(&req), MPI_SUCCESS);
        CHECK_EQ(MPI_Wait(&req, MPI_STATUS_IGNORE), MPI_SUCCESS);
        for (int i = 0; i < N; i++) {
            long want = 0;
            for (int k = 0; k < rsize; k++)
                want += val(1 - side, k, i) + it;
            CHECK_EQ(r[i], want);
        }
    }
    MPI_Request_free(&req);
}

static void errors(void)
{
    int x = 1, y = 0, cls = 0;
    MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN);
    int rc = MPI_Scan(&x, &y, 1, MPI_INT, MPI_SUM, inter);
    MPI_Error_class(rc, &cls);
    CHECK_EQ(cls, MPI_ERR_COMM);
    rc = MPI_Exscan(&x, &y, 1, MPI_INT, MPI_SUM, inter);
    MPI_Error_class(rc, &cls);
    CHECK_EQ(cls, MPI_ERR_COMM);
    if (mtest_tern) { /* erroneous everywhere, reported by Tern */
        rc = MPI_Allreduce(MPI_IN_PLACE, &y, 1, MPI_INT, MPI_SUM, inter);
        MPI_Error_class(rc, &cls);
        CHECK_EQ(cls, MPI_ERR_BUFFER);
    }
}

int main(int argc, char **argv)
{
    int rank, size, n[] = {0, 1, 1000};
    MPI_Comm half;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2)
        return mtest_finish();
    int a = (size + 1) / 2;
    side = rank >= a;
    MPI_Comm_split(MPI_COMM_WORLD, side, -rank, &half);
    MPI_Intercomm_create(half, 0, MPI_COMM_WORLD, side ? a - 1 : size - 1, 7, &inter);
    MPI_Comm_rank(inter, &lrank);
    MPI_Comm_size(inter, &lsize);
    MPI_Comm_remote_size(inter, &rsize);
    CHECK_EQ(lsize, side ? size - a : a);
    CHECK_EQ(rsize, side ? a : size - a);

    barrier();
    for (int c = 0; c < 3; c++) {
        for (int g = 0; g < 2; g++) {
            int rr = g ? 0 : (side == g ? lsize : rsize) - 1; /* group 0: its last rank */
            bcast(g, rr, n[c]);
            reduce(g, rr, n[c]);
            gather(g, rr, n[c], 0);
            gather(g, rr, n[c], 1);
            scatter(g, rr, n[c], 0);
            scatter(g, rr, n[c], 1);
        }
        allreduce(n[c]);
        allgather(n[c], 0);
        allgather(n[c], 1);
        alltoall(n[c], 0);
        alltoall(n[c], 1);
        alltoall(n[c], 2);
    }
    reduce_scatter(0);
    reduce_scatter(1);
    noncommutative();
    nonblocking();
    dup_in_flight();
    persistent();
    barrier();
    errors();
    MPI_Comm_free(&inter);
    MPI_Comm_free(&half);
    return mtest_finish();
}
