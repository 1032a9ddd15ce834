/* Small blocking collectives run back to back, the way node-local
 * algorithms (one slot per rank, reused every other call) can get wrong:
 * broadcasts from rotating roots with no other call between them (a root may
 * run ahead of slow readers), reduces and allreduces with a non-commutative
 * op (rank order), MPI_IN_PLACE, sizes around 2 KiB, contiguous and
 * non-contiguous types (a vector with gaps, MPI_DOUBLE_INT), a sequence of
 * mixed calls every rank draws alike, point-to-point traffic in flight across
 * them, and more communicators alive at once than an MPI keeps fast paths
 * for, freed and made again (whatever a communicator used must come back
 * clean to the next one). */
#include "mtest.h"

#define ROUNDS 60
#define NCOMMS 40

static const int sizes[] = {0, 1, 8, 100, 1000, 1024, 2040, 2048, 2049, 4096, 100003, 1048600};
#define NSIZES ((int)(sizeof(sizes) / sizeof(sizes[0])))

/* The same pseudo-random sequence on every rank. */
static unsigned next_draw(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 16;
}

static void check_bcast(MPI_Comm comm, int root, int n, int seed)
{
    int rank;
    unsigned char *buf = mtest_malloc((size_t)n + 1);
    MPI_Comm_rank(comm, &rank);
    if (rank == root)
        mtest_fill(buf, n, seed);
    else
        memset(buf, 0xee, (size_t)n + 1);
    MPI_Bcast(buf, n, MPI_BYTE, root, comm);
    CHECK_BYTES(buf, n, seed);
    if (rank != root)
        CHECK_EQ(buf[n], 0xee);
    free(buf);
}

/* Non-commutative: results must follow rank order. */
static void check_affine(MPI_Comm comm, int root, int count, int in_place, MPI_Datatype aff,
                         MPI_Op op, int seed)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    mtest_affine *mine = mtest_malloc(((size_t)count + 1) * sizeof(*mine));
    mtest_affine *got = mtest_malloc(((size_t)count + 1) * sizeof(*got));
    for (int i = 0; i < count; i++)
        mine[i] = mtest_affine_val(rank, i, seed);
    memcpy(got, mine, (size_t)count * sizeof(*got));
    got[count].m = got[count].c = 77;
    const void *sbuf = in_place && (root < 0 || rank == root) ? MPI_IN_PLACE : mine;
    if (root < 0)
        MPI_Allreduce(sbuf, got, count, aff, op, comm);
    else
        MPI_Reduce(sbuf, got, count, aff, op, root, comm);
    if (root < 0 || rank == root) {
        for (int i = 0; i < count; i++) {
            mtest_affine want = mtest_affine_val(size - 1, i, seed);
            for (int r = size - 2; r >= 0; r--)
                want = mtest_affine_then(mtest_affine_val(r, i, seed), want);
            CHECK_MSG(got[i].m == want.m && got[i].c == want.c,
                      "%s root %d count %d elem %d: got (%u,%u), expected (%u,%u)",
                      root < 0 ? "allreduce" : "reduce", root, count, i, got[i].m, got[i].c,
                      want.m, want.c);
        }
        CHECK_EQ(got[count].m, 77);
    }
    free(mine);
    free(got);
}

/* A broadcast of n elements of a vector type with gaps (each spans 10
 * doubles, 6 of them data): the gaps keep what they held. n = 400 is more
 * than a slot holds. */
static void check_vector_bcast(MPI_Comm comm, int root, int n)
{
    int rank, len = 10 * n + 2;
    MPI_Datatype vec;
    double *buf = mtest_malloc((size_t)len * sizeof(double));
    MPI_Comm_rank(comm, &rank);
    MPI_Type_vector(3, 2, 4, MPI_DOUBLE, &vec);
    MPI_Type_commit(&vec);
    for (int i = 0; i < len; i++)
        buf[i] = rank == root ? 100 + i : -rank;
    MPI_Bcast(buf, n, vec, root, comm);
    for (int i = 0; i < len; i++) {
        int used = i < 10 * n && i % 10 % 4 < 2;
        double want = used || rank == root ? 100 + i : -rank;
        CHECK_MSG(buf[i] == want, "vector bcast root %d n %d elem %d: got %g, expected %g", root,
                  n, i, buf[i], want);
    }
    MPI_Type_free(&vec);
    free(buf);
}

/* MAXLOC on MPI_DOUBLE_INT, whose elements have a gap after the int. */
static void check_maxloc(MPI_Comm comm)
{
    struct {
        double v;
        int i;
    } in[20], out[20];
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (int i = 0; i < 20; i++) {
        in[i].v = (rank * 5 + i) % 4;
        in[i].i = rank;
    }
    MPI_Allreduce(in, out, 20, MPI_DOUBLE_INT, MPI_MAXLOC, comm);
    for (int i = 0; i < 20; i++) {
        double best = -1;
        int at = -1;
        for (int r = 0; r < size; r++)
            if ((r * 5 + i) % 4 > best) {
                best = (r * 5 + i) % 4;
                at = r;
            }
        CHECK_MSG(out[i].v == best && out[i].i == at, "maxloc elem %d: got (%g,%d), expected "
                  "(%g,%d)", i, out[i].v, out[i].i, best, at);
    }
}

static void check_minloc(MPI_Comm comm)
{
    int rank, size, in[2 * 50], out[2 * 50];
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (int i = 0; i < 50; i++) {
        in[2 * i] = (rank * 7 + i) % 3;
        in[2 * i + 1] = rank;
    }
    MPI_Allreduce(in, out, 50, MPI_2INT, MPI_MINLOC, comm);
    for (int i = 0; i < 50; i++) {
        int best = -1, at = -1;
        for (int r = 0; r < size; r++)
            if (best < 0 || (r * 7 + i) % 3 < best) {
                best = (r * 7 + i) % 3;
                at = r;
            }
        CHECK_MSG(out[2 * i] == best && out[2 * i + 1] == at,
                  "minloc elem %d: got (%d,%d), expected (%d,%d)", i, out[2 * i], out[2 * i + 1],
                  best, at);
    }
}

static void check_sum(MPI_Comm comm, int n, int root)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    long *in = mtest_malloc(((size_t)n + 1) * sizeof(long));
    long *out = mtest_malloc(((size_t)n + 1) * sizeof(long));
    for (int i = 0; i < n; i++)
        in[i] = (long)rank * 1000 + i;
    out[n] = -5;
    if (root < 0)
        MPI_Allreduce(in, out, n, MPI_LONG, MPI_SUM, comm);
    else
        MPI_Reduce(in, out, n, MPI_LONG, MPI_SUM, root, comm);
    if (root < 0 || rank == root) {
        for (int i = 0; i < n; i++)
            CHECK_MSG(out[i] == 1000L * size * (size - 1) / 2 + (long)size * i,
                      "sum n %d root %d elem %d: got %ld", n, root, i, out[i]);
        CHECK_EQ(out[n], -5);
    }
    free(in);
    free(out);
}

/* Back-to-back broadcasts from rotating roots, then a mixed sequence. */
static void exercise(MPI_Comm comm, MPI_Datatype aff, MPI_Op op, unsigned seed)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (int k = 0; k < ROUNDS; k++)
        check_bcast(comm, k % size, sizes[k % NSIZES], k);
    for (int k = 0; k < ROUNDS; k++) {
        int n = sizes[next_draw(&seed) % NSIZES];
        int root = (int)(next_draw(&seed) % (unsigned)size);
        switch (next_draw(&seed) % 6) {
        case 0:
            check_bcast(comm, root, n, k);
            break;
        case 1:
            check_affine(comm, root, n / 8, k & 1, aff, op, k);
            break;
        case 2:
            check_affine(comm, -1, n / 8, k & 1, aff, op, k);
            break;
        case 3:
            check_sum(comm, n / 8, next_draw(&seed) & 1 ? root : -1);
            break;
        case 4:
            MPI_Barrier(comm);
            break;
        default:
            check_minloc(comm);
            check_maxloc(comm);
            check_vector_bcast(comm, root, 1);
            check_vector_bcast(comm, root, 400);
        }
    }
}

/* Every rank sends to the next before an allreduce and receives after it. */
static void with_p2p(MPI_Comm comm)
{
    int rank, size, got = -1, token;
    MPI_Request req;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    for (int k = 0; k < 20; k++) {
        token = rank * 100 + k;
        MPI_Isend(&token, 1, MPI_INT, (rank + 1) % size, k, comm, &req);
        check_sum(comm, 3, -1);
        MPI_Recv(&got, 1, MPI_INT, (rank + size - 1) % size, k, comm, MPI_STATUS_IGNORE);
        MPI_Wait(&req, MPI_STATUS_IGNORE);
        CHECK_EQ(got, ((rank + size - 1) % size) * 100 + k);
    }
}

int main(int argc, char **argv)
{
    MPI_Datatype aff;
    MPI_Op op;
    MPI_Comm half, comms[NCOMMS];
    int rank, size;

    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    mtest_affine_create(&aff, &op);

    exercise(MPI_COMM_WORLD, aff, op, 1);
    with_p2p(MPI_COMM_WORLD);
    MPI_Comm_split(MPI_COMM_WORLD, rank % 2, size - rank, &half);
    exercise(half, aff, op, 2);
    MPI_Comm_free(&half);

    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < NCOMMS; i++)
            MPI_Comm_dup(MPI_COMM_WORLD, &comms[i]);
        /* all alive at once, used in turn, each with its own history */
        for (int k = 0; k < 4; k++)
            for (int i = 0; i < NCOMMS; i++) {
                check_sum(comms[i], 2, -1);
                check_bcast(comms[i], (i + k) % size, 16, i + k);
            }
        /* a root that returns at once, then frees: its slot goes to the next comm */
        for (int i = 0; i < NCOMMS; i++) {
            check_bcast(comms[i], i % size, 64, i);
            MPI_Comm_free(&comms[i]);
        }
    }
    MPI_Op_free(&op);
    MPI_Type_free(&aff);
    return mtest_finish();
}
