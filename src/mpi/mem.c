/* MPI 4.1 §9.2 memory allocation (MPI_Alloc_mem, MPI_Free_mem) and §15.2.3
 * profiling control (MPI_Pcontrol). Memory comes from the C heap, aligned to
 * a cache line: no provider here needs it registered in advance (rendezvous
 * registers per message), so no info key changes anything. */
#include <stdlib.h>
#include "mpi/api.h"
#include "core/error.h"
#include "core/info.h"

#define TN_MEM_ALIGN 64

TN_API(Alloc_mem)
int PMPI_Alloc_mem(MPI_Aint size, MPI_Info info, void *baseptr)
{
    const char *fname = "MPI_Alloc_mem";
    tn_info_t *i;
    void *p = NULL;
    int rc = MPI_SUCCESS;
    if (size < 0)
        rc = tn_err_set(MPI_ERR_ARG, "%s: size %lld is negative", fname, (long long)size);
    if (!rc)
        rc = tn_info_check(fname, info, 1, &i);
    if (!rc && !baseptr)
        rc = tn_err_set(MPI_ERR_ARG, "%s: baseptr argument is NULL", fname);
    if (!rc && posix_memalign(&p, TN_MEM_ALIGN, size ? (size_t)size : 1))
        rc = tn_err_set(MPI_ERR_NO_MEM, "%s: no memory for %lld bytes", fname, (long long)size);
    if (rc)
        return tn_err_raise(rc);
    *(void **)baseptr = p;
    return MPI_SUCCESS;
}

TN_API(Free_mem)
int PMPI_Free_mem(void *base)
{
    free(base);
    return MPI_SUCCESS;
}

/* No profiling levels of Tern's own: a profiling library layered over PMPI
 * intercepts MPI_Pcontrol itself. */
TN_API(Pcontrol)
int PMPI_Pcontrol(const int level, ...)
{
    (void)level;
    return MPI_SUCCESS;
}
