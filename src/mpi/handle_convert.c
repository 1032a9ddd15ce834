/* MPI 4.1 §19.3.4: handle conversion between C and Fortran. Tern's handles
 * are MPICH's integers, so a conversion is the identity. mpi.h also defines
 * these names as macros; the parentheses keep the macros out of the way. */
#include <string.h>
#include "mpi/api.h"

#define TN_CONVERT(kind)                                                  \
    TN_API(kind##_c2f)                                                    \
    MPI_Fint(PMPI_##kind##_c2f)(MPI_##kind handle) { return (MPI_Fint)handle; } \
    TN_API(kind##_f2c)                                                    \
    MPI_##kind(PMPI_##kind##_f2c)(MPI_Fint handle) { return (MPI_##kind)handle; }

TN_CONVERT(Comm)
TN_CONVERT(Errhandler)
TN_CONVERT(Group)
TN_CONVERT(Info)
TN_CONVERT(Message)
TN_CONVERT(Op)
TN_CONVERT(Request)
TN_CONVERT(Session)
TN_CONVERT(Win)

TN_API(Type_c2f)
MPI_Fint(PMPI_Type_c2f)(MPI_Datatype handle) { return (MPI_Fint)handle; }
TN_API(Type_f2c)
MPI_Datatype(PMPI_Type_f2c)(MPI_Fint handle) { return (MPI_Datatype)handle; }

/* Fortran's status is an array of MPI_F_STATUS_SIZE integers laid out like
 * the C struct. */
TN_API(Status_c2f)
int PMPI_Status_c2f(const MPI_Status *c_status, MPI_Fint *f_status)
{
    if (!c_status || !f_status || c_status == MPI_STATUS_IGNORE)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG, "MPI_Status_c2f: a status argument is NULL "
                                                    "or MPI_STATUS_IGNORE"));
    memcpy(f_status, c_status, sizeof(*c_status));
    return MPI_SUCCESS;
}

TN_API(Status_f2c)
int PMPI_Status_f2c(const MPI_Fint *f_status, MPI_Status *c_status)
{
    if (!f_status || !c_status || f_status == MPI_F_STATUS_IGNORE)
        return tn_err_raise(tn_err_set(MPI_ERR_ARG, "MPI_Status_f2c: a status argument is NULL "
                                                    "or MPI_F_STATUS_IGNORE"));
    memcpy(c_status, f_status, sizeof(*c_status));
    return MPI_SUCCESS;
}
