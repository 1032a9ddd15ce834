/* Matched probes: MPI_Mprobe/Improbe take a message out of matching, so a later
 * wildcard receive gets another one, and MPI_Mrecv/Imrecv receive exactly it.
 * Every rank (rank 0 included) sends NMSG messages of growing size to rank 0, which
 * takes them with MPI_ANY_SOURCE/MPI_ANY_TAG in four different ways and checks
 * that each source's messages are matched in the order they were sent. */
#include "mtest.h"

#define NMSG 4

static int msg_size(int src, int seq) { return seq == NMSG - 1 ? 100000 + src : 10 * seq + src; }

/* Every message is an int array; element 0 is the source, 1 the sequence number. */
static void fill(int *buf, int n, int src, int seq)
{
    for (int i = 0; i < n; i++)
        buf[i] = i == 0 ? src : i == 1 ? seq : src * 1000 + seq * 100 + i;
}

/* Checks a received message's length and contents. */
static void check_msg(const int *buf, const MPI_Status *st)
{
    int src = st->MPI_SOURCE, seq = st->MPI_TAG, count = -1;
    MPI_Get_count(st, MPI_INT, &count);
    CHECK_EQ(count, msg_size(src, seq));
    if (count >= 2) {
        CHECK_EQ(buf[0], src);
        CHECK_EQ(buf[1], seq);
    }
    for (int i = 2; i < count; i++)
        CHECK_MSG(buf[i] == src * 1000 + seq * 100 + i, "from %d seq %d: [%d] is %d", src, seq,
                  i, buf[i]);
}

int main(int argc, char **argv)
{
    int rank, size, count, flag;
    MPI_Status st;
    MPI_Message msg;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    int *out[NMSG];
    MPI_Request reqs[NMSG];
    for (int seq = 0; seq < NMSG; seq++) {
        int n = msg_size(rank, seq);
        out[seq] = mtest_malloc(n * sizeof(int));
        fill(out[seq], n, rank, seq);
        MPI_Isend(out[seq], n, MPI_INT, 0, seq, MPI_COMM_WORLD, &reqs[seq]);
    }

    if (rank == 0) {
        int *next_seq = calloc(size, sizeof(int));
        int left = NMSG * size;
        for (int way = 0; left > 0; way = (way + 1) % 4) {
            int *buf;
            if (way == 0 || way == 2) {
                MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &msg, &st);
            } else {
                flag = 0;
                while (!flag)
                    MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &msg, &st);
            }
            CHECK(msg != MPI_MESSAGE_NULL && msg != MPI_MESSAGE_NO_PROC);
            int src = st.MPI_SOURCE, seq = st.MPI_TAG;
            CHECK_MSG(src >= 0 && src < size && seq >= 0 && seq < NMSG, "source %d tag %d",
                      src, seq);
            if (!(src >= 0 && src < size && seq >= 0 && seq < NMSG))
                MPI_Abort(MPI_COMM_WORLD, 1); /* no way to go on */
            MPI_Get_count(&st, MPI_INT, &count);
            /* The order in which messages are matched is checked at the probe. */
            CHECK_EQ(seq, next_seq[src]);
            next_seq[src]++;
            left--;

            if (way == 2 && left > 0) {
                /* While one message is held, a wildcard receive gets a different one. */
                int n = 100000 + size;
                int *other = mtest_malloc(n * sizeof(int));
                MPI_Status ost;
                MPI_Recv(other, n, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ost);
                CHECK_EQ(ost.MPI_TAG, next_seq[ost.MPI_SOURCE]);
                next_seq[ost.MPI_SOURCE]++;
                check_msg(other, &ost);
                left--;
                free(other);
            }

            buf = mtest_malloc(count * sizeof(int));
            MPI_Status rst;
            if (way % 2 == 0) {
                MPI_Mrecv(buf, count, MPI_INT, &msg, &rst);
            } else {
                MPI_Request r;
                MPI_Imrecv(buf, count, MPI_INT, &msg, &r);
                MPI_Wait(&r, &rst);
            }
            CHECK(msg == MPI_MESSAGE_NULL);
            CHECK_EQ(rst.MPI_SOURCE, src);
            CHECK_EQ(rst.MPI_TAG, seq);
            check_msg(buf, &rst);
            free(buf);
        }
        for (int r = 0; r < size; r++)
            CHECK_EQ(next_seq[r], NMSG);
        free(next_seq);
    }
    MPI_Waitall(NMSG, reqs, MPI_STATUSES_IGNORE);
    for (int seq = 0; seq < NMSG; seq++)
        free(out[seq]);

    /* MPI_PROC_NULL: the "no process" message, received at once as an empty one. */
    int x = 5;
    MPI_Mprobe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &msg, &st);
    CHECK(msg == MPI_MESSAGE_NO_PROC);
    CHECK_EQ(st.MPI_SOURCE, MPI_PROC_NULL);
    CHECK_EQ(st.MPI_TAG, MPI_ANY_TAG);
    MPI_Mrecv(&x, 1, MPI_INT, &msg, &st);
    CHECK(msg == MPI_MESSAGE_NULL);
    CHECK_EQ(st.MPI_SOURCE, MPI_PROC_NULL);
    MPI_Get_count(&st, MPI_INT, &count);
    CHECK_EQ(count, 0);
    CHECK_EQ(x, 5);
    flag = 0;
    MPI_Improbe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, &flag, &msg, &st);
    CHECK_EQ(flag, 1);
    CHECK(msg == MPI_MESSAGE_NO_PROC);
    MPI_Request r;
    MPI_Imrecv(&x, 1, MPI_INT, &msg, &r);
    MPI_Wait(&r, &st);
    CHECK_EQ(st.MPI_SOURCE, MPI_PROC_NULL);
    CHECK_EQ(x, 5);

    return mtest_finish();
}
