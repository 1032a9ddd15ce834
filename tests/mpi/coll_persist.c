/* Persistent collectives (MPI 4.0: MPI_Barrier_init ... MPI_Exscan_init and some _c
 * forms): coll_nb.c built with COLL_PERSIST, so the same operations and checks run
 * as persistent requests, each started several times with new buffer contents,
 * all of them at once with MPI_Startall, interleaved with p2p and completed by
 * MPI_Test loops, and inactive requests freed with MPI_Request_free. */
#define COLL_PERSIST 1
#include "coll_nb.c"
