/* Every rank floods rank 0 with small messages while rank 0 is not receiving:
 * the case that overruns a receiver's buffers (on verbs: its shared receive
 * queue, which without flow control ends in RNR retry errors that fail the
 * job). Written for verbs, correct MPI for every provider.
 *
 * Each sender posts NMSG nonblocking sends to rank 0, of sizes that cycle
 * through inline-sized, bounce-buffer-sized and empty messages, each carrying
 * its sequence number, then all ranks meet in a barrier; only after it does
 * rank 0 post its receives (MPI_ANY_SOURCE, MPI_ANY_TAG), so the messages
 * queue up at rank 0 or at the senders, as flow control decides. Rank 0 checks
 * that every message arrives once, whole, and in order per sender (MPI's
 * non-overtaking rule); then the roles turn: rank 0 floods every other rank
 * the same way, which exercises the credits returned in the other direction. */
#include "mtest.h"

#define NMSG 600
#define TAG_SPAN 7

static const int sizes[] = {8, 0, 100, 1000, 4000, 40, 2500};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))
#define MAXLEN 4000

/* Message i of src: size, tag and a payload whose first int is i. */
static int msg_len(int i)
{
    return sizes[i % NSIZES];
}

static void msg_fill(unsigned char *buf, int src, int i)
{
    int n = msg_len(i);
    mtest_fill(buf, n, src * 1000 + i);
    if (n >= (int)sizeof(int))
        memcpy(buf, &i, sizeof(int));
}

/* Sends NMSG messages to dest, posted before the barrier, completed after. */
static void flood(int rank, int dest)
{
    unsigned char *out = mtest_malloc((size_t)NMSG * MAXLEN);
    MPI_Request *req = mtest_malloc(NMSG * sizeof(*req));
    for (int i = 0; i < NMSG; i++) {
        unsigned char *b = out + (size_t)i * MAXLEN;
        msg_fill(b, rank, i);
        MPI_Isend(b, msg_len(i), MPI_BYTE, dest, i % TAG_SPAN, MPI_COMM_WORLD, &req[i]);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Waitall(NMSG, req, MPI_STATUSES_IGNORE);
    free(req);
    free(out);
}

/* After the barrier, receives NMSG messages from each rank in [lo, hi) by
 * MPI_ANY_SOURCE and checks them. */
static void drain(int lo, int hi, int size)
{
    unsigned char *in = mtest_malloc(MAXLEN), *ref = mtest_malloc(MAXLEN);
    int *next = calloc((size_t)size, sizeof(int));
    MPI_Status st;
    MPI_Barrier(MPI_COMM_WORLD);
    for (int k = 0; k < (hi - lo) * NMSG; k++) {
        int count = -1, src, i;
        MPI_Recv(in, MAXLEN, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        src = st.MPI_SOURCE;
        if (src < lo || src >= hi || next[src] >= NMSG) {
            CHECK_MSG(0, "message %d came from rank %d", k, src);
            continue;
        }
        i = next[src]++;
        MPI_Get_count(&st, MPI_BYTE, &count);
        CHECK_EQ(count, msg_len(i));
        CHECK_EQ(st.MPI_TAG, i % TAG_SPAN);
        msg_fill(ref, src, i);
        CHECK_MSG(count != msg_len(i) || memcmp(in, ref, (size_t)count) == 0,
                  "message %d of rank %d (%d bytes) arrived damaged or out of order", i, src,
                  count);
    }
    free(next);
    free(ref);
    free(in);
}

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    /* All to rank 0. */
    if (rank == 0)
        drain(1, size, size);
    else
        flood(rank, 0);

    /* Rank 0 to each other rank in turn, the others waiting in the barrier. */
    for (int r = 1; r < size; r++) {
        if (rank == 0)
            flood(0, r);
        else if (rank == r)
            drain(0, 1, size);
        else
            MPI_Barrier(MPI_COMM_WORLD);
    }
    return mtest_finish();
}
