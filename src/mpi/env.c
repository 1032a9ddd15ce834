/* MPI 4.1 chapter 9: implementation information and timers. */
#include <string.h>
#include <time.h>
#include "mpi/api.h"

TN_API(Get_version)
int PMPI_Get_version(int *version, int *subversion)
{
    if (!version || !subversion)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG, "MPI_Get_version: %s is NULL",
                                       version ? "subversion" : "version"));
    *version = MPI_VERSION;
    *subversion = MPI_SUBVERSION;
    return MPI_SUCCESS;
}

TN_API(Get_library_version)
int PMPI_Get_library_version(char *version, int *resultlen)
{
    if (!version || !resultlen)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG, "MPI_Get_library_version: %s is NULL",
                                       version ? "resultlen" : "version"));
    static const char text[] = "Tern MPI " PACKAGE_VERSION " (MPI 4.1, MPICH ABI)";
    memcpy(version, text, sizeof(text));
    *resultlen = (int)sizeof(text) - 1;
    return MPI_SUCCESS;
}

TN_API(Get_processor_name)
int PMPI_Get_processor_name(char *name, int *resultlen)
{
    int rc = tn_rt_check("MPI_Get_processor_name");
    if (!rc && (!name || !resultlen))
        rc = tn_err_set(MPI_ERR_ARG, "MPI_Get_processor_name: %s is NULL",
                        name ? "resultlen" : "name");
    if (rc)
        return tn_err_raise(rc);
    size_t n = strnlen(tn_rt.hostname, MPI_MAX_PROCESSOR_NAME - 1);
    memcpy(name, tn_rt.hostname, n);
    name[n] = '\0';
    *resultlen = (int)n;
    return MPI_SUCCESS;
}

TN_API(Wtime)
double PMPI_Wtime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

TN_API(Wtick)
double PMPI_Wtick(void)
{
    struct timespec ts;
    clock_getres(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
