/* Many rendezvous messages in flight at once: every rank posts, to every other
 * rank, NMSG sends of 65 KiB to 129 KiB (every 50th 1 MiB), all above any
 * provider's eager limit, then the receives for them in the opposite order,
 * then waits for everything. One in ten messages is received through a
 * wildcard instead: MPI_ANY_SOURCE with its tag, its source with MPI_ANY_TAG,
 * or both wildcards, posted after all the named receives (so those are never
 * taken by a wildcard) and wildcards on the tag only after those on the
 * source (so each can always find a message). A wildcard receive's status
 * says which message it got; every message must arrive exactly once, with its
 * length and contents.
 *
 * Sends come from one read-only pattern per rank at offsets that differ per
 * message (MPI allows concurrent sends from overlapping buffers), so each
 * message has its own contents without a buffer of its own. */
#include "mtest.h"

#define MIN_LEN (65 * 1024)
#define STEP 4099 /* pattern offset between messages to one peer */
#define WILD_MAX (MIN_LEN + 64 * 1024)

static int nmsg(int size)
{
    return size <= 4 ? 300 : 120;
}

static long len_of(int src, int dst, int k)
{
    if (k % 50 == 7)
        return (1L << 20) + k;
    return MIN_LEN + ((long)k * 7919 + (long)src * 104729 + (long)dst * 613) % (64 * 1024);
}

static long off_of(int dst, int k)
{
    return (long)k * STEP + (long)dst * 131;
}

/* 0: named receive; 1: MPI_ANY_SOURCE; 2: MPI_ANY_TAG; 3: both */
static int wild_of(int k)
{
    return k % 10 != 3 ? 0 : 1 + (k / 10) % 3;
}

static unsigned char *pattern(int size, int rank)
{
    long n = off_of(size, nmsg(size)) + (1L << 20) + nmsg(size);
    unsigned char *p = mtest_malloc((size_t)n);
    mtest_fill(p, n, rank);
    return p;
}

int main(int argc, char **argv)
{
    int rank, size;

    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int m = nmsg(size), total = m * (size - 1);
    unsigned char **pat = mtest_malloc((size_t)size * sizeof(*pat));
    unsigned char **buf = mtest_malloc((size_t)(2 * total + 1) * sizeof(*buf));
    MPI_Request *req = mtest_malloc((size_t)(2 * total + 1) * sizeof(*req));
    MPI_Status *st = mtest_malloc((size_t)(2 * total + 1) * sizeof(*st));
    int *src_of = mtest_malloc((size_t)(total + 1) * sizeof(int));
    int *tag_of = mtest_malloc((size_t)(total + 1) * sizeof(int));
    char *seen = calloc((size_t)size * (size_t)m, 1);
    int nreq = 0, nrecv = 0;

    for (int r = 0; r < size; r++)
        pat[r] = r == rank ? pattern(size, r) : NULL;
    /* sends, interleaved over the peers */
    for (int k = 0; k < m; k++)
        for (int d = 0; d < size; d++)
            if (d != rank)
                MPI_Isend(pat[rank] + off_of(d, k), (int)len_of(rank, d, k), MPI_CHAR, d, k,
                          MPI_COMM_WORLD, &req[nreq++]);
    const int nsend = nreq;
    /* named receives, last sent first */
    for (int k = m - 1; k >= 0; k--)
        for (int s = size - 1; s >= 0; s--)
            if (s != rank && !wild_of(k)) {
                buf[nrecv] = mtest_malloc((size_t)len_of(s, rank, k));
                src_of[nrecv] = s;
                tag_of[nrecv] = k;
                MPI_Irecv(buf[nrecv++], (int)len_of(s, rank, k), MPI_CHAR, s, k,
                          MPI_COMM_WORLD, &req[nreq++]);
            }
    /* wildcards: MPI_ANY_SOURCE first, then MPI_ANY_TAG, then both */
    for (int w = 1; w <= 3; w++)
        for (int k = 0; k < m; k++)
            for (int s = 0; s < size; s++)
                if (s != rank && wild_of(k) == w) {
                    buf[nrecv] = mtest_malloc(WILD_MAX);
                    src_of[nrecv] = w == 1 || w == 3 ? MPI_ANY_SOURCE : s;
                    tag_of[nrecv] = w >= 2 ? MPI_ANY_TAG : k;
                    MPI_Irecv(buf[nrecv], WILD_MAX, MPI_CHAR, src_of[nrecv], tag_of[nrecv],
                              MPI_COMM_WORLD, &req[nreq++]);
                    nrecv++;
                }
    CHECK_EQ(nrecv, total);
    MPI_Waitall(nreq, req, st);

    for (int r = 0; r < size; r++)
        if (r != rank && !pat[r])
            pat[r] = pattern(size, r);
    for (int i = 0; i < nrecv; i++) {
        const MPI_Status *s = &st[nsend + i];
        int src = s->MPI_SOURCE, tag = s->MPI_TAG, count = -1;

        if ((src_of[i] != MPI_ANY_SOURCE && src != src_of[i]) ||
            (tag_of[i] != MPI_ANY_TAG && tag != tag_of[i]) || src < 0 || src >= size ||
            src == rank || tag < 0 || tag >= m) {
            CHECK_MSG(0, "receive %d (source %d, tag %d) got source %d, tag %d", i, src_of[i],
                      tag_of[i], src, tag);
            continue;
        }
        CHECK_MSG(!seen[src * m + tag], "message %d from rank %d received twice", tag, src);
        seen[src * m + tag] = 1;
        MPI_Get_count(s, MPI_CHAR, &count);
        CHECK_EQ(count, len_of(src, rank, tag));
        CHECK_MSG(memcmp(buf[i], pat[src] + off_of(rank, tag), (size_t)len_of(src, rank, tag)) ==
                      0,
                  "message %d from rank %d (%ld bytes) has wrong contents", tag, src,
                  len_of(src, rank, tag));
    }
    for (int i = 0; i < nrecv; i++)
        free(buf[i]);
    for (int r = 0; r < size; r++)
        free(pat[r]);
    free(seen);
    free(tag_of);
    free(src_of);
    free(st);
    free(req);
    free(buf);
    free(pat);
    return mtest_finish();
}
