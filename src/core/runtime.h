/* Process-wide state of the MPI library. */
#ifndef TN_RUNTIME_H
#define TN_RUNTIME_H

#include <stddef.h>
#include <mpi.h>

enum tn_rt_state { TN_RT_UNINIT = 0, TN_RT_INIT = 1, TN_RT_FINALIZED = 2 };

struct tn_runtime {
    enum tn_rt_state state;
    int world_rank, world_size;
    int appnum;          /* MPI_APPNUM, or -1 when the launcher gives none */
    int universe_size;
    int singleton;
    int thread_level;    /* provided level */
    char hostname[MPI_MAX_PROCESSOR_NAME];
    unsigned char job_key[32];
    size_t job_key_len;
};

extern struct tn_runtime tn_rt;

/* MPI_Init_thread / MPI_Finalize's work. */
int tn_rt_start(int required, int *provided);
int tn_rt_stop(void);

/* Guard for API calls that need MPI to be initialized and not finalized.
 * Returns MPI_SUCCESS or an MPI_ERR_OTHER code naming fname. */
int tn_rt_check(const char *fname);

#endif
