/* MPI_Alltoall, MPI_Alltoallv and MPI_Alltoallw: counts 0, 1, odd and large,
 * MPI_IN_PLACE, uneven counts with displacements, and per-peer datatypes, on
 * MPI_COMM_WORLD and on a split communicator with reordered ranks. */
#include "mtest.h"

static const int counts[] = {0, 1, 101, 20000};
#define NCOUNTS ((int)(sizeof counts / sizeof counts[0]))

/* What rank `from` sends to rank `to`, element i. */
static int val(int from, int to, int i) { return from * 1000000 + to * 10000 + i; }

/* Ints rank `from` sends to rank `to` in the Alltoallv test. */
static int vcount(int from, int to, int symmetric)
{
    return (from + to) % 4 * 100 + (symmetric ? (from < to ? from : to) : to);
}

static void run(MPI_Comm comm)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int max = counts[NCOUNTS - 1];
    size_t cap = (size_t)size * (max + size * 8 + 8);
    int *send = mtest_malloc(cap * sizeof(int)), *recv = mtest_malloc(cap * sizeof(int));
    int *sc = mtest_malloc(size * sizeof(int)), *sd = mtest_malloc(size * sizeof(int));
    int *rc = mtest_malloc(size * sizeof(int)), *rd = mtest_malloc(size * sizeof(int));

    for (int c = 0; c < NCOUNTS; c++) {
        int n = counts[c];
        for (int inplace = 0; inplace < 2; inplace++) {
            for (int to = 0; to < size; to++)
                for (int i = 0; i < n; i++)
                    send[(size_t)to * n + i] = val(rank, to, i);
            for (size_t i = 0; i < (size_t)size * n; i++)
                recv[i] = inplace ? send[i] : -1;
            MPI_Alltoall(inplace ? MPI_IN_PLACE : send, n, MPI_INT, recv, n, MPI_INT,
                         comm);
            for (int from = 0; from < size; from++)
                for (int i = 0; i < n; i++)
                    if (recv[(size_t)from * n + i] != val(from, rank, i)) {
                        CHECK_MSG(0, "Alltoall%s of %d: from %d [%d] is %d",
                                  inplace ? " in place" : "", n, from, i,
                                  recv[(size_t)from * n + i]);
                        from = size;
                        break;
                    }
        }
    }

    /* Alltoallv: blocks in reverse rank order with gaps.  In place, the counts must
     * be symmetric (what a sends to b is what b sends to a). */
    for (int inplace = 0; inplace < 2; inplace++) {
        int stot = 0, rtot = 0;
        for (int p = size - 1; p >= 0; p--) {
            sc[p] = vcount(rank, p, inplace);
            sd[p] = stot;
            stot += sc[p] + 2;
            rc[p] = vcount(p, rank, inplace);
            rd[p] = rtot;
            rtot += rc[p] + 3;
        }
        for (int i = 0; i < rtot; i++)
            recv[i] = -1;
        if (inplace) {
            for (int p = 0; p < size; p++)
                for (int i = 0; i < rc[p]; i++)
                    recv[rd[p] + i] = val(rank, p, i);
            MPI_Alltoallv(MPI_IN_PLACE, NULL, NULL, MPI_INT, recv, rc, rd, MPI_INT,
                          comm);
        } else {
            for (int p = 0; p < size; p++)
                for (int i = 0; i < sc[p]; i++)
                    send[sd[p] + i] = val(rank, p, i);
            MPI_Alltoallv(send, sc, sd, MPI_INT, recv, rc, rd, MPI_INT, comm);
        }
        int bad = 0;
        for (int p = 0; p < size && !bad; p++) {
            for (int i = 0; i < rc[p] && !bad; i++)
                if (recv[rd[p] + i] != val(p, rank, i)) {
                    CHECK_MSG(0, "Alltoallv%s: from %d [%d] is %d", inplace ? " in place" : "",
                              p, i, recv[rd[p] + i]);
                    bad = 1;
                }
            for (int g = 0; g < 3 && !bad; g++)
                if (recv[rd[p] + rc[p] + g] != -1) {
                    CHECK_MSG(0, "Alltoallv%s wrote into the gap after block %d",
                              inplace ? " in place" : "", p);
                    bad = 1;
                }
        }
    }

    /* Alltoallw: to peer p, p+1 ints; sent as MPI_INT from a packed send buffer, received
     * through a vector of stride 2 (every other int), byte displacements. */
    MPI_Datatype *st = mtest_malloc(size * sizeof(MPI_Datatype));
    MPI_Datatype *rt = mtest_malloc(size * sizeof(MPI_Datatype));
    int off = 0, roff = 0;
    for (int p = 0; p < size; p++) {
        sc[p] = p + 1;
        sd[p] = off * (int)sizeof(int);
        st[p] = MPI_INT;
        for (int i = 0; i < sc[p]; i++)
            send[off + i] = val(rank, p, i);
        off += sc[p];
        MPI_Type_vector(rank + 1, 1, 2, MPI_INT, &rt[p]);
        MPI_Type_commit(&rt[p]);
        rc[p] = 1;
        rd[p] = roff * (int)sizeof(int);
        roff += 2 * (rank + 1);
    }
    for (int i = 0; i < roff; i++)
        recv[i] = -1;
    MPI_Alltoallw(send, sc, sd, st, recv, rc, rd, rt, comm);
    for (int p = 0; p < size; p++)
        for (int i = 0; i < 2 * (rank + 1); i++) {
            int got = recv[rd[p] / (int)sizeof(int) + i];
            int want = i % 2 ? -1 : val(p, rank, i / 2);
            if (got != want) {
                CHECK_MSG(0, "Alltoallw: from %d slot %d is %d, expected %d", p, i, got, want);
                break;
            }
        }
    for (int p = 0; p < size; p++)
        MPI_Type_free(&rt[p]);
    free(st);
    free(rt);

    free(send);
    free(recv);
    free(sc);
    free(sd);
    free(rc);
    free(rd);
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    mtest_on_world_and_split(run);
    return mtest_finish();
}
