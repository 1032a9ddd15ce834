/* MPI 4.1 chapter 11.2: starting and ending the World Model. */
#include <pthread.h>
#include <stdio.h>
#include "mpi/api.h"
#include "core/comm.h"
#include "mpi/pt2pt.h"
#include "pmi/pmi.h"

static pthread_t main_thread;

static int init_common(const char *fname, int required, int *provided)
{
    if (tn_rt.state != TN_RT_UNINIT)
        return tn_err_raise(tn_err_set(MPI_ERR_OTHER, "%s: MPI is already %s", fname,
                                       tn_rt.state == TN_RT_INIT ? "initialized" : "finalized"));
    main_thread = pthread_self();
    int rc = tn_rt_start(required, provided);
    if (rc) {
        /* No communicator exists yet: report and end the process. */
        fprintf(stderr, "[tern] %s failed: %s\n", fname, tn_err_string(rc));
        tn_pmi_abort(1, NULL);
    }
    return MPI_SUCCESS;
}

TN_API(Init)
int PMPI_Init(int *argc, char ***argv)
{
    int provided;
    (void)argc, (void)argv;
    return init_common("MPI_Init", MPI_THREAD_SINGLE, &provided);
}

TN_API(Init_thread)
int PMPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    (void)argc, (void)argv;
    if (required < MPI_THREAD_SINGLE || required > MPI_THREAD_MULTIPLE) {
        fprintf(stderr, "[tern] MPI_Init_thread: required = %d is not a thread level\n", required);
        required = MPI_THREAD_SINGLE;
    }
    if (!provided) {
        tn_pmi_abort(1, "[tern] MPI_Init_thread: provided is NULL");
    }
    return init_common("MPI_Init_thread", required, provided);
}

TN_API(Finalize)
int PMPI_Finalize(void)
{
    int rc = tn_rt_check("MPI_Finalize");
    if (rc)
        return tn_err_raise(rc);
    /* Buffered sends still pending complete first (MPI 4.1 §3.6.1). */
    rc = tn_bsend_finalize();
    int src = tn_rt_stop();
    rc = rc ? rc : src;
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Initialized)
int PMPI_Initialized(int *flag)
{
    if (!flag)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG, "MPI_Initialized: flag is NULL"));
    *flag = tn_rt.state != TN_RT_UNINIT;
    return MPI_SUCCESS;
}

TN_API(Finalized)
int PMPI_Finalized(int *flag)
{
    if (!flag)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG, "MPI_Finalized: flag is NULL"));
    *flag = tn_rt.state == TN_RT_FINALIZED;
    return MPI_SUCCESS;
}

TN_API(Query_thread)
int PMPI_Query_thread(int *provided)
{
    int rc = tn_rt_check("MPI_Query_thread");
    if (!rc && !provided)
        rc = tn_err_set(MPI_ERR_ARG, "MPI_Query_thread: provided is NULL");
    if (rc)
        return tn_err_raise(rc);
    *provided = tn_rt.thread_level;
    return MPI_SUCCESS;
}

TN_API(Is_thread_main)
int PMPI_Is_thread_main(int *flag)
{
    int rc = tn_rt_check("MPI_Is_thread_main");
    if (!rc && !flag)
        rc = tn_err_set(MPI_ERR_ARG, "MPI_Is_thread_main: flag is NULL");
    if (rc)
        return tn_err_raise(rc);
    *flag = pthread_equal(pthread_self(), main_thread);
    return MPI_SUCCESS;
}

TN_API(Abort)
int PMPI_Abort(MPI_Comm comm, int errorcode)
{
    char msg[160];
    tn_comm_t *c = tn_comm_get(comm);
    snprintf(msg, sizeof(msg), "rank %d called MPI_Abort(%s, %d)", tn_rt.world_rank,
             comm == MPI_COMM_WORLD ? "MPI_COMM_WORLD" : c ? c->name : "invalid communicator",
             errorcode);
    tn_pmi_abort(errorcode, msg);
}
