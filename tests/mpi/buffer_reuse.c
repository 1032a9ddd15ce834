/* Large messages from and into memory that is freed and allocated again
 * between them, so that a provider which caches memory registrations by
 * address must notice that the pages behind an address changed: partners
 * (0<->1, 2<->3, ...; a last odd rank talks to itself) exchange rendezvous-size
 * messages both ways from buffers that are
 *   - malloc()ed, filled, sent or received into, checked and free()d, again
 *     and again (glibc hands back the same addresses, from the heap or from
 *     fresh mappings);
 *   - mmap()ed, used, munmap()ed and mapped again at the same address when the
 *     kernel grants the hint, with new contents each time;
 *   - kept, with new contents written between sends;
 * and every message is checked byte by byte. */
#include "mtest.h"
#include <sys/mman.h>

#define ROUNDS 6

static const long lens[] = {256 * 1024 + 5, 4L << 20};
#define NLENS (int)(sizeof(lens) / sizeof(lens[0]))

enum kind { MALLOC, MMAP, KEEP };

static int rank, size, partner;

static void *get(enum kind k, long n, void *hint)
{
    if (k != MMAP)
        return mtest_malloc((size_t)n);
    void *p = mmap(hint, (size_t)n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "rank %d: mmap of %ld bytes failed\n", rank, n);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    return p;
}

static void put(enum kind k, void *p, long n)
{
    if (k == MMAP)
        munmap(p, (size_t)n);
    else
        free(p);
}

/* One exchange of n bytes with the partner; seeds differ per round and rank. */
static void exchange(void *out, void *in, long n, int seed)
{
    MPI_Request req[2];
    MPI_Status st[2];
    int count = -1;

    mtest_fill(out, n, seed + rank);
    memset(in, 0, (size_t)n);
    MPI_Irecv(in, (int)n, MPI_CHAR, partner, seed, MPI_COMM_WORLD, &req[0]);
    MPI_Isend(out, (int)n, MPI_CHAR, partner, seed, MPI_COMM_WORLD, &req[1]);
    MPI_Waitall(2, req, st);
    MPI_Get_count(&st[0], MPI_CHAR, &count);
    CHECK_EQ(count, n);
    CHECK_BYTES(in, n, seed + partner);
}

static void run(enum kind k, long n, int base)
{
    void *out = NULL, *in = NULL;

    for (int r = 0; r < ROUNDS; r++) {
        if (k != KEEP || r == 0) {
            out = get(k, n, out);
            in = get(k, n, in);
        }
        exchange(out, in, n, base + r * 16);
        /* blocking calls, the other side's buffer changes next */
        MPI_Barrier(MPI_COMM_WORLD);
        if (k != KEEP || r == ROUNDS - 1) {
            put(k, in, n);
            put(k, out, n);
        }
    }
}

int main(int argc, char **argv)
{
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    partner = mtest_partner(rank, size);

    for (int l = 0; l < NLENS; l++) {
        run(MALLOC, lens[l], 1000 + l * 100);
        run(MMAP, lens[l], 2000 + l * 100);
        run(KEEP, lens[l], 3000 + l * 100);
    }
    /* the same address first as a mapping, then from malloc, then mapped again */
    for (int l = 0; l < NLENS; l++) {
        void *out = get(MMAP, lens[l], NULL), *in = get(MMAP, lens[l], NULL), *o2, *i2;
        exchange(out, in, lens[l], 4000 + l * 100);
        put(MMAP, in, lens[l]);
        put(MMAP, out, lens[l]);
        o2 = get(MALLOC, lens[l], NULL);
        i2 = get(MALLOC, lens[l], NULL);
        exchange(o2, i2, lens[l], 4016 + l * 100);
        out = get(MMAP, lens[l], out);
        in = get(MMAP, lens[l], in);
        exchange(out, in, lens[l], 4032 + l * 100);
        put(MALLOC, i2, lens[l]);
        put(MALLOC, o2, lens[l]);
        put(MMAP, in, lens[l]);
        put(MMAP, out, lens[l]);
    }
    return mtest_finish();
}
