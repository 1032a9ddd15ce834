/* Error handlers (communicator, window, file, session). */
#ifndef TN_ERRHANDLER_H
#define TN_ERRHANDLER_H

#include <mpi.h>

enum tn_errh_kind { TN_ERRH_FATAL, TN_ERRH_RETURN, TN_ERRH_ABORT, TN_ERRH_USER_COMM,
                    TN_ERRH_USER_WIN, TN_ERRH_USER_FILE, TN_ERRH_USER_SESSION };

typedef struct tn_errhandler {
    int handle;
    int refs;
    enum tn_errh_kind kind;
    void (*fn)(void); /* the user's function, cast back by kind */
} tn_errhandler_t;

struct tn_comm;

/* Handle → object (builtins included); NULL if invalid or MPI_ERRHANDLER_NULL. */
tn_errhandler_t *tn_errhandler_get(MPI_Errhandler h);
tn_errhandler_t *tn_errhandler_ref(tn_errhandler_t *e);
void tn_errhandler_release(tn_errhandler_t *e);
/* A user handler of kind (TN_ERRH_USER_*) calling fn; refs = 1, handle assigned. */
int tn_errhandler_create(enum tn_errh_kind kind, void (*fn)(void), tn_errhandler_t **out);
/* Attaches e to c (taking a reference, dropping the old one). */
void tn_errhandler_set_comm(struct tn_comm *c, tn_errhandler_t *e);
/* Calls comm's handler for code as MPI_Comm_call_errhandler does: returns code
 * for MPI_ERRORS_RETURN and user handlers, aborts for the fatal ones. */
int tn_errhandler_invoke_comm(struct tn_comm *c, int code);

#endif
