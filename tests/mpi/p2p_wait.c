/* The completion calls -- Wait/Test and their all/any/some forms -- on arrays that
 * mix MPI_REQUEST_NULL, requests already complete (operations on MPI_PROC_NULL),
 * requests that cannot complete yet, and ordinary ones.  A "gate" receive is
 * deterministically pending: the partner sends the gate message only after it got
 * a "go" message this rank sends once its tests are done. */
#include "mtest.h"

#define TAG_GO 1
#define TAG_GATE 2
#define N 12

/* The empty status of a null or inactive request. */
static void check_empty(const MPI_Status *st)
{
    int count = -1;
    CHECK_EQ(st->MPI_SOURCE, MPI_ANY_SOURCE);
    CHECK_EQ(st->MPI_TAG, MPI_ANY_TAG);
    MPI_Get_count(st, MPI_INT, &count);
    CHECK_EQ(count, 0);
}

int main(int argc, char **argv)
{
    int rank, size, flag, idx, outcount, gate = -1, gate_out, go_out = 1, go_in = 0;
    int indices[N];
    MPI_Status st, sts[N];
    MPI_Request reqs[N], go_req, gate_send;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int partner = mtest_partner(rank, size);
    gate_out = 1000 + rank;

    /* Single null request. */
    MPI_Request null = MPI_REQUEST_NULL;
    MPI_Wait(&null, &st);
    check_empty(&st);
    flag = 0;
    MPI_Test(&null, &flag, &st);
    CHECK_EQ(flag, 1);
    check_empty(&st);

    /* All null: any/some report MPI_UNDEFINED, all report true. */
    for (int i = 0; i < 4; i++)
        reqs[i] = MPI_REQUEST_NULL;
    MPI_Waitany(4, reqs, &idx, &st);
    CHECK_EQ(idx, MPI_UNDEFINED);
    check_empty(&st);
    flag = 0;
    MPI_Testany(4, reqs, &idx, &flag, &st);
    CHECK_EQ(flag, 1);
    CHECK_EQ(idx, MPI_UNDEFINED);
    MPI_Waitsome(4, reqs, &outcount, indices, sts);
    CHECK_EQ(outcount, MPI_UNDEFINED);
    MPI_Testsome(4, reqs, &outcount, indices, sts);
    CHECK_EQ(outcount, MPI_UNDEFINED);
    flag = 0;
    MPI_Testall(4, reqs, &flag, sts);
    CHECK_EQ(flag, 1);
    MPI_Waitall(4, reqs, sts);
    for (int i = 0; i < 4; i++)
        check_empty(&sts[i]);
    MPI_Waitany(0, reqs, &idx, &st);
    CHECK_EQ(idx, MPI_UNDEFINED);

    /* [null, complete (PROC_NULL), gate (pending), null]. */
    reqs[0] = MPI_REQUEST_NULL;
    int nothing = -1;
    MPI_Irecv(&nothing, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &reqs[1]);
    MPI_Irecv(&gate, 1, MPI_INT, partner, TAG_GATE, MPI_COMM_WORLD, &reqs[2]);
    reqs[3] = MPI_REQUEST_NULL;

    flag = 1;
    MPI_Testall(4, reqs, &flag, sts);
    CHECK_EQ(flag, 0);
    CHECK(reqs[1] != MPI_REQUEST_NULL && reqs[2] != MPI_REQUEST_NULL); /* untouched */

    MPI_Testsome(4, reqs, &outcount, indices, sts);
    CHECK_EQ(outcount, 1);
    CHECK_EQ(indices[0], 1);
    CHECK_PROC_NULL_STATUS(&sts[0], 1);
    CHECK(reqs[1] == MPI_REQUEST_NULL);

    MPI_Testsome(4, reqs, &outcount, indices, sts);
    CHECK_EQ(outcount, 0);
    flag = 1;
    MPI_Testany(4, reqs, &idx, &flag, &st);
    CHECK_EQ(flag, 0);
    CHECK_EQ(idx, MPI_UNDEFINED);
    flag = 1;
    MPI_Test(&reqs[2], &flag, &st);
    CHECK_EQ(flag, 0);

    /* Open the gate: tell the partner, then send it its gate message. */
    MPI_Isend(&go_out, 1, MPI_INT, partner, TAG_GO, MPI_COMM_WORLD, &go_req);
    MPI_Recv(&go_in, 1, MPI_INT, partner, TAG_GO, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Isend(&gate_out, 1, MPI_INT, partner, TAG_GATE, MPI_COMM_WORLD, &gate_send);
    MPI_Waitany(4, reqs, &idx, &st);
    CHECK_EQ(idx, 2);
    CHECK_EQ(st.MPI_SOURCE, partner);
    CHECK_EQ(st.MPI_TAG, TAG_GATE);
    CHECK_EQ(gate, 1000 + partner);
    CHECK(reqs[2] == MPI_REQUEST_NULL);
    MPI_Waitany(4, reqs, &idx, &st);
    CHECK_EQ(idx, MPI_UNDEFINED);
    MPI_Request pair[2] = {go_req, gate_send};
    MPI_Waitall(2, pair, MPI_STATUSES_IGNORE);
    CHECK(pair[0] == MPI_REQUEST_NULL && pair[1] == MPI_REQUEST_NULL);

    /* N messages each way; odd slots are null.  Each form of completion in turn. */
    for (int form = 0; form < 5; form++) {
        int in[N], out[N], done[N] = {0}, ndone = 0, nreal = 0;
        MPI_Request sreqs[N];
        for (int i = 0; i < N; i++) {
            in[i] = -1;
            out[i] = rank * 100 + form * 10 + i;
            if (i % 2) {
                reqs[i] = MPI_REQUEST_NULL;
                sreqs[i] = MPI_REQUEST_NULL;
                continue;
            }
            nreal++;
            MPI_Irecv(&in[i], 1, MPI_INT, partner, 100 + i, MPI_COMM_WORLD, &reqs[i]);
        }
        for (int i = N - 1; i >= 0; i--)
            if (i % 2 == 0)
                MPI_Isend(&out[i], 1, MPI_INT, partner, 100 + i, MPI_COMM_WORLD, &sreqs[i]);

        switch (form) {
        case 0: /* Waitall with statuses */
            MPI_Waitall(N, reqs, sts);
            for (int i = 0; i < N; i++) {
                if (i % 2) {
                    check_empty(&sts[i]);
                } else {
                    CHECK_EQ(sts[i].MPI_TAG, 100 + i);
                    CHECK_EQ(sts[i].MPI_SOURCE, partner);
                }
                done[i] = 1;
            }
            ndone = nreal;
            break;
        case 1: /* Testall until true */
            flag = 0;
            while (!flag)
                MPI_Testall(N, reqs, &flag, MPI_STATUSES_IGNORE);
            ndone = nreal;
            for (int i = 0; i < N; i += 2)
                done[i] = 1;
            break;
        case 2: /* Waitany */
        case 3: /* Testany */
            for (;;) {
                if (form == 2) {
                    MPI_Waitany(N, reqs, &idx, &st);
                } else {
                    flag = 0;
                    MPI_Testany(N, reqs, &idx, &flag, &st);
                    if (!flag)
                        continue;
                }
                if (idx == MPI_UNDEFINED)
                    break;
                CHECK(idx >= 0 && idx < N && idx % 2 == 0 && !done[idx]);
                CHECK_EQ(st.MPI_TAG, 100 + idx);
                CHECK(reqs[idx] == MPI_REQUEST_NULL);
                if (idx >= 0 && idx < N) {
                    done[idx] = 1;
                    ndone++;
                }
            }
            break;
        default: /* Waitsome, then Testsome for what is left */
            for (int round = 0;; round++) {
                if (round % 2 == 0)
                    MPI_Waitsome(N, reqs, &outcount, indices, sts);
                else
                    MPI_Testsome(N, reqs, &outcount, indices, sts);
                if (outcount == MPI_UNDEFINED)
                    break;
                CHECK(outcount >= 0 && outcount <= nreal);
                if (round % 2 == 0)
                    CHECK(outcount >= 1);
                for (int k = 0; k < outcount && k < N; k++) {
                    int i = indices[k];
                    CHECK(i >= 0 && i < N && i % 2 == 0 && !done[i]);
                    CHECK_EQ(sts[k].MPI_TAG, 100 + i);
                    if (i >= 0 && i < N) {
                        done[i] = 1;
                        ndone++;
                    }
                }
            }
            break;
        }
        CHECK_EQ(ndone, nreal);
        for (int i = 0; i < N; i += 2) {
            CHECK(done[i]);
            CHECK_EQ(in[i], partner * 100 + form * 10 + i);
        }
        MPI_Waitall(N, sreqs, MPI_STATUSES_IGNORE);
    }

    return mtest_finish();
}
