/* Neighbourhood collectives (MPI 4.1 §8.6) on four topologies: a 2-D
 * Cartesian grid periodic in its first dimension only (MPI_PROC_NULL borders),
 * a periodic ring (with 1 or 2 ranks a rank is its own neighbour, or the same
 * neighbour twice), a graph ring, and a distributed graph where rank r sends
 * to r+1 and r+2 and receives from r-1 and r-2. For each: MPI_Neighbor_
 * allgather, allgatherv, alltoall, alltoallv, alltoallw, MPI_Ineighbor_alltoall
 * and a persistent MPI_Neighbor_alltoallv_init started twice, every block
 * checked, blocks from MPI_PROC_NULL untouched. Where a neighbour occurs more
 * than once, the k-th send to it meets its k-th receive; on a Cartesian
 * grid the data sent towards +1 arrives in the block for -1 (as per-dimension
 * MPI_Sendrecv pairs would deliver it). Without a topology: MPI_ERR_TOPOLOGY. */
#include "mtest.h"

#define MAXN 8   /* neighbours per rank, at most */
#define CNT 3    /* elements per block in the fixed-count forms */
#define UNT (-7) /* receive memory that must stay untouched */

enum { CART, RING, GRAPH, DIST, NTOPO };
static const char *const names[NTOPO] = {"cart", "ring", "graph", "dist_graph"};
static int rank, size, dims[2];

/* Rank r's neighbour lists in the standard's order, as every rank can
 * compute them. */
static void lists(int topo, int r, int *in, int src[], int *out, int dst[])
{
    if (topo == CART || topo == RING) {
        int nd = topo == CART ? 2 : 1, d0 = topo == CART ? dims[0] : size;
        int c[2] = {topo == CART ? r / dims[1] : r, topo == CART ? r % dims[1] : 0};
        for (int d = 0; d < nd; d++) {
            int n = d == 0 ? d0 : dims[1], periodic = d == 0;
            for (int s = -1; s <= 1; s += 2) {
                int x = c[d] + s, other[2] = {c[0], c[1]};
                if (periodic)
                    x = (x + n) % n;
                other[d] = x;
                src[2 * d + (s > 0)] =
                    x < 0 || x >= n ? MPI_PROC_NULL
                                    : (topo == CART ? other[0] * dims[1] + other[1] : other[0]);
            }
        }
        *in = *out = 2 * nd;
        for (int i = 0; i < *in; i++)
            dst[i] = src[i];
    } else if (topo == GRAPH) {
        *in = *out = size > 1 ? 2 : 0;
        src[0] = dst[0] = (r + 1) % size; /* MPI_Graph_create's edge order below */
        src[1] = dst[1] = (r - 1 + size) % size;
    } else {
        *in = *out = 2;
        for (int k = 0; k < 2; k++) {
            dst[k] = (r + k + 1) % size;
            src[k] = ((r - k - 1) % size + size) % size;
        }
    }
}

/* For receiver r's in-block i: the sending rank (or MPI_PROC_NULL) and the
 * index of the block it sent. */
static int sender(int topo, int r, int i, int *j)
{
    int in, out, src[MAXN], dst[MAXN], sin, sout, ssrc[MAXN], sdst[MAXN];
    lists(topo, r, &in, src, &out, dst);
    int s = src[i];
    if (s == MPI_PROC_NULL)
        return s;
    if (topo == CART || topo == RING) {
        *j = i ^ 1;
        return s;
    }
    int k = 0; /* r's earlier receives from s */
    for (int x = 0; x < i; x++)
        k += src[x] == s;
    lists(topo, s, &sin, ssrc, &sout, sdst);
    for (int x = 0; x < sout; x++)
        if (sdst[x] == r && k-- == 0)
            *j = x;
    return s;
}

/* Whether s occurs more than once in list[n]. */
static int repeated(const int list[], int n, int s)
{
    int k = 0;
    for (int x = 0; x < n; x++)
        k += list[x] == s;
    return k > 1;
}

static int val(int s, int j, int e)
{
    return s * 1000 + j * 50 + e;
}

/* Elements of block j sent by s in the v/w forms. */
static int vcount(int s, int j)
{
    return 1 + (s + j) % 3;
}

/* kind: 0 allgather, 1 allgatherv, 2 alltoall, 3 alltoallv, 4 alltoallw,
 * 5 ineighbor_alltoall, 6 persistent alltoallv (started twice). */
static void run(MPI_Comm comm, int topo, int kind)
{
    int in, out, src[MAXN], dst[MAXN];
    lists(topo, rank, &in, src, &out, dst);
    int sc[MAXN], sd[MAXN], rc_[MAXN], rd[MAXN], stot = 0, rtot = 0;
    MPI_Aint sdb[MAXN], rdb[MAXN];
    MPI_Datatype st[MAXN], rt[MAXN];
    int v = kind == 1 || kind == 3 || kind == 4 || kind == 6, gather = kind <= 1;
    for (int j = 0; j < out; j++) {
        sc[j] = gather ? CNT : v ? vcount(rank, j) : CNT;
        sd[j] = gather ? 0 : stot;
        stot += gather ? 0 : sc[j];
        st[j] = MPI_INT;
    }
    if (gather)
        stot = CNT;
    for (int i = 0; i < in; i++) {
        int j = 0, s = sender(topo, rank, i, &j);
        rc_[i] = !v || kind == 1 ? CNT : s == MPI_PROC_NULL ? 1 : vcount(s, j);
        rd[i] = rtot;
        rtot += rc_[i] + 1; /* a gap after each block */
        rt[i] = MPI_INT;
    }
    for (int x = 0; x < MAXN; x++) {
        sdb[x] = (MPI_Aint)sd[x] * (MPI_Aint)sizeof(int);
        rdb[x] = (MPI_Aint)rd[x] * (MPI_Aint)sizeof(int);
    }
    int *sbuf = mtest_malloc((size_t)(stot + 1) * sizeof(int));
    int *rbuf = mtest_malloc((size_t)(rtot + 1) * sizeof(int));
    MPI_Request preq = MPI_REQUEST_NULL; /* the persistent request, across rounds */
    for (int round = 0; round < (kind == 6 ? 2 : 1); round++) {
        MPI_Request req = MPI_REQUEST_NULL;
        int rc;
        for (int j = 0; j < out; j++)
            for (int e = 0; e < sc[j]; e++)
                sbuf[sd[j] + e] = val(rank, gather ? 0 : j, e) + round;
        for (int x = 0; x < rtot; x++)
            rbuf[x] = UNT;
        switch (kind) {
        case 0:
            rc = MPI_Neighbor_allgather(sbuf, CNT, MPI_INT, rbuf, CNT, MPI_INT, comm);
            break;
        case 1:
            rc = MPI_Neighbor_allgatherv(sbuf, CNT, MPI_INT, rbuf, rc_, rd, MPI_INT, comm);
            break;
        case 2:
            rc = MPI_Neighbor_alltoall(sbuf, CNT, MPI_INT, rbuf, CNT, MPI_INT, comm);
            break;
        case 3:
            rc = MPI_Neighbor_alltoallv(sbuf, sc, sd, MPI_INT, rbuf, rc_, rd, MPI_INT, comm);
            break;
        case 4:
            rc = MPI_Neighbor_alltoallw(sbuf, sc, sdb, st, rbuf, rc_, rdb, rt, comm);
            break;
        case 5:
            rc = MPI_Ineighbor_alltoall(sbuf, CNT, MPI_INT, rbuf, CNT, MPI_INT, comm, &req);
            break;
        default:
            rc = round ? MPI_SUCCESS
                       : MPI_Neighbor_alltoallv_init(sbuf, sc, sd, MPI_INT, rbuf, rc_, rd,
                                                     MPI_INT, comm, MPI_INFO_NULL, &preq);
            if (!rc)
                rc = MPI_Start(&preq);
            if (!rc)
                rc = MPI_Wait(&preq, MPI_STATUS_IGNORE);
            break;
        }
        CHECK_MSG(rc == MPI_SUCCESS, "%s kind %d: error %d", names[topo], kind, rc);
        if (req != MPI_REQUEST_NULL)
            CHECK_EQ(MPI_Wait(&req, MPI_STATUS_IGNORE), MPI_SUCCESS);
        /* fixed-count forms: blocks of CNT one after the other; the others
         * leave a gap element after each block, which stays untouched */
        int fixed = kind == 0 || kind == 2 || kind == 5;
        for (int i = 0; i < in; i++) {
            int j = 0, s = sender(topo, rank, i, &j), at = fixed ? i * CNT : rd[i];
            if (!mtest_tern && repeated(src, in, s))
                continue; /* MPICH matches repeated neighbours in another order */
            int n = fixed ? CNT : rc_[i];
            for (int e = 0; e < n + !fixed; e++) {
                int want = e == n || s == MPI_PROC_NULL ? UNT : val(s, gather ? 0 : j, e) + round;
                CHECK_MSG(rbuf[at + e] == want,
                          "%s kind %d round %d: block %d (from %d, its %d) element %d is %d, "
                          "expected %d",
                          names[topo], kind, round, i, s, j, e, rbuf[at + e], want);
            }
        }
        if (kind == 6 && round == 1)
            MPI_Request_free(&preq);
    }
    free(sbuf);
    free(rbuf);
}

int main(int argc, char **argv)
{
    MPI_Comm comm[NTOPO];
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    dims[0] = dims[1] = 0;
    MPI_Dims_create(size, 2, dims);
    int periods[2] = {1, 0}, ring = size, rper = 1;
    MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &comm[CART]);
    MPI_Cart_create(MPI_COMM_WORLD, 1, &ring, &rper, 0, &comm[RING]);
    int *index = mtest_malloc((size_t)size * sizeof(int));
    int *edges = mtest_malloc(2 * (size_t)size * sizeof(int));
    for (int r = 0; r < size; r++) {
        int in, out, src[MAXN], dst[MAXN];
        lists(GRAPH, r, &in, src, &out, dst);
        index[r] = (r ? index[r - 1] : 0) + out;
        for (int k = 0; k < out; k++)
            edges[index[r] - out + k] = dst[k];
    }
    MPI_Graph_create(MPI_COMM_WORLD, size, index, edges, 0, &comm[GRAPH]);
    {
        int in, out, src[MAXN], dst[MAXN];
        lists(DIST, rank, &in, src, &out, dst);
        MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, in, src, MPI_UNWEIGHTED, out, dst,
                                       MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &comm[DIST]);
    }
    for (int t = 0; t < NTOPO; t++)
        for (int kind = 0; kind <= 6; kind++)
            run(comm[t], t, kind);
    /* without a topology: an error that returns */
    int x = rank, y[2], cls = 0;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rc = MPI_Neighbor_allgather(&x, 1, MPI_INT, y, 1, MPI_INT, MPI_COMM_WORLD);
    MPI_Error_class(rc, &cls);
    CHECK_EQ(cls, MPI_ERR_TOPOLOGY);
    for (int t = 0; t < NTOPO; t++)
        MPI_Comm_free(&comm[t]);
    free(index);
    free(edges);
    return mtest_finish();
}
