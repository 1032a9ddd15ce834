/* Objects and callbacks that mpi.h names as library symbols.
 *
 * Programs compiled against MPICH's header refer to these exact symbols, so names and
 * types are MPICH's.  Every object is initialised statically: an executable that refers
 * to one gets its own copy (a copy relocation) when it is loaded, and that copy must
 * already hold the final value. */
#include "mpi.h"

/* Sentinels: only their addresses matter, nothing ever reads or writes them. */
static int unweighted_sentinel;
static int weights_empty_sentinel;
static char pvar_all_handles_sentinel;

/* What MPI_F_STATUS(ES)_IGNORE and MPI_F08_STATUS(ES)_IGNORE point at.  The status
 * conversion functions compare against the pointers and never touch the contents. */
static MPI_Fint f_status_ignore[MPI_F_STATUS_SIZE];
static MPI_Fint f_statuses_ignore[MPI_F_STATUS_SIZE];
static MPI_F08_status f08_status_ignore;
static MPI_F08_status f08_statuses_ignore[1];

int *const MPI_UNWEIGHTED = &unweighted_sentinel;
int *const MPI_WEIGHTS_EMPTY = &weights_empty_sentinel;

MPI_Fint *MPI_F_STATUS_IGNORE = f_status_ignore;
MPI_Fint *MPI_F_STATUSES_IGNORE = f_statuses_ignore;
MPI_F08_status *MPI_F08_STATUS_IGNORE = &f08_status_ignore;
MPI_F08_status *MPI_F08_STATUSES_IGNORE = f08_statuses_ignore;

struct MPIR_T_pvar_handle_s *const MPI_T_PVAR_ALL_HANDLES =
    (struct MPIR_T_pvar_handle_s *)&pvar_all_handles_sentinel;

/* MPI_DUP_FN and MPI_{COMM,TYPE,WIN}_DUP_FN: the copy gets the same attribute value. */
int MPIR_Dup_fn(MPI_Comm oldcomm, int keyval, void *extra_state, void *attribute_val_in,
                void *attribute_val_out, int *flag)
{
    (void)oldcomm;
    (void)keyval;
    (void)extra_state;
    *(void **)attribute_val_out = attribute_val_in;
    *flag = 1;
    return MPI_SUCCESS;
}
