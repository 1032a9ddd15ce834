/* Init/Finalize and the runtime queries: Initialized, Finalized, Get_version,
 * Get_library_version, Get_processor_name, Wtime/Wtick, COMM_WORLD/COMM_SELF. */
#include "mtest.h"

int main(int argc, char **argv)
{
    int flag, version, subversion, rank, size, len;
    char lib[MPI_MAX_LIBRARY_VERSION_STRING];
    char name[MPI_MAX_PROCESSOR_NAME];

    /* These may be called before MPI_Init. */
    MPI_Initialized(&flag);
    CHECK_EQ(flag, 0);
    MPI_Finalized(&flag);
    CHECK_EQ(flag, 0);
    MPI_Get_version(&version, &subversion);
    CHECK_EQ(version, MPI_VERSION);
    CHECK_EQ(subversion, MPI_SUBVERSION);
    MPI_Get_library_version(lib, &len);
    CHECK(len > 0);

    mtest_init(&argc, &argv);

    MPI_Initialized(&flag);
    CHECK_EQ(flag, 1);
    MPI_Finalized(&flag);
    CHECK_EQ(flag, 0);

    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK(size >= 1);
    CHECK(rank >= 0 && rank < size);
    MPI_Comm_rank(MPI_COMM_SELF, &rank);
    MPI_Comm_size(MPI_COMM_SELF, &size);
    CHECK_EQ(rank, 0);
    CHECK_EQ(size, 1);

    MPI_Get_version(&version, &subversion);
    CHECK(version >= 3);
    CHECK_EQ(version, MPI_VERSION);
    CHECK_EQ(subversion, MPI_SUBVERSION);

    memset(lib, 'x', sizeof lib);
    MPI_Get_library_version(lib, &len);
    CHECK(len > 0 && len < MPI_MAX_LIBRARY_VERSION_STRING);
    /* The string is stored with a '\0' at lib[len].  Open MPI 4.1 counts the '\0'
     * in len, so elsewhere one more is let through. */
    long slen = (long)strnlen(lib, sizeof lib);
    if (mtest_tern)
        CHECK_EQ(slen, len);
    else
        CHECK(slen == len || slen + 1 == len);

    memset(name, 'x', sizeof name);
    MPI_Get_processor_name(name, &len);
    CHECK(len > 0 && len < MPI_MAX_PROCESSOR_NAME);
    CHECK_EQ(strnlen(name, sizeof name), len);

    /* Wtime never goes backwards; Wtick is a positive resolution of at most 1 s. */
    double tick = MPI_Wtick(), prev = MPI_Wtime();
    CHECK(tick > 0.0 && tick <= 1.0);
    for (int i = 0; i < 10000; i++) {
        double t = MPI_Wtime();
        CHECK_MSG(t >= prev, "MPI_Wtime went backwards: %.9f after %.9f", t, prev);
        prev = t;
    }

    int errs = mtest_finish();

    /* After MPI_Finalize: Initialized stays true, Finalized becomes true, and
     * Get_version still works.  Failures here can only be told by the exit status. */
    MPI_Initialized(&flag);
    if (!flag) {
        fprintf(stderr, "MPI_Initialized returned false after MPI_Finalize\n");
        errs = 1;
    }
    MPI_Finalized(&flag);
    if (!flag) {
        fprintf(stderr, "MPI_Finalized returned false after MPI_Finalize\n");
        errs = 1;
    }
    MPI_Get_version(&version, &subversion);
    if (version != MPI_VERSION) {
        fprintf(stderr, "MPI_Get_version after MPI_Finalize gave %d\n", version);
        errs = 1;
    }
    return errs;
}
