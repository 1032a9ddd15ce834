/* MPI 4.1 §9.3–9.5: error handlers, error codes and classes. */
#define TERN_ENABLE_REMOVED_API /* MPI_Errhandler_create/_get/_set, still exported by MPICH */
#include <string.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "core/comm.h"
#include "core/errhandler.h"

static int check_errhandler(const char *fname, MPI_Errhandler h, tn_errhandler_t **e)
{
    tn_errhandler_t *p = tn_errhandler_get(h);
    if (!p)
        return tn_err_set(MPI_ERR_ERRHANDLER, "%s: errhandler %s", fname,
                          h == MPI_ERRHANDLER_NULL ? "is MPI_ERRHANDLER_NULL"
                                                   : "is not a valid error handler");
    *e = p;
    return MPI_SUCCESS;
}

static int create_comm_errhandler(const char *fname, MPI_Comm_errhandler_function *fn,
                                  MPI_Errhandler *errhandler)
{
    tn_errhandler_t *e = NULL;
    int rc = tn_rt_check(fname);
    if (!rc && !fn)
        rc = tn_err_set(MPI_ERR_ARG, "%s: comm_errhandler_fn is NULL", fname);
    if (!rc && !errhandler)
        rc = tn_err_set(MPI_ERR_ARG, "%s: errhandler is NULL", fname);
    if (!rc)
        rc = tn_errhandler_create(TN_ERRH_USER_COMM, (void (*)(void))fn, &e);
    if (rc)
        return tn_err_raise(rc);
    *errhandler = e->handle;
    return MPI_SUCCESS;
}

TN_API(Comm_create_errhandler)
int PMPI_Comm_create_errhandler(MPI_Comm_errhandler_function *comm_errhandler_fn,
                                MPI_Errhandler *errhandler)
{
    return create_comm_errhandler("MPI_Comm_create_errhandler", comm_errhandler_fn, errhandler);
}

static int set_comm_errhandler(const char *fname, MPI_Comm comm, MPI_Errhandler errhandler)
{
    tn_comm_t *c;
    tn_errhandler_t *e = NULL;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc)
        rc = check_errhandler(fname, errhandler, &e);
    if (!rc && e->kind > TN_ERRH_USER_COMM)
        rc = tn_err_set(MPI_ERR_ARG,
                        "%s: errhandler was made for windows, files or sessions, not for "
                        "communicators",
                        fname);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    tn_errhandler_set_comm(c, e);
    return MPI_SUCCESS;
}

TN_API(Comm_set_errhandler)
int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    return set_comm_errhandler("MPI_Comm_set_errhandler", comm, errhandler);
}

static int get_comm_errhandler(const char *fname, MPI_Comm comm, MPI_Errhandler *errhandler)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc && !errhandler)
        rc = tn_err_set(MPI_ERR_ARG, "%s: errhandler is NULL", fname);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    /* The caller gets a new reference, to be given back with MPI_Errhandler_free. */
    *errhandler = tn_errhandler_ref(c->errhandler)->handle;
    return MPI_SUCCESS;
}

TN_API(Comm_get_errhandler)
int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    return get_comm_errhandler("MPI_Comm_get_errhandler", comm, errhandler);
}

TN_API(Comm_call_errhandler)
int PMPI_Comm_call_errhandler(MPI_Comm comm, int errorcode)
{
    const char *fname = "MPI_Comm_call_errhandler";
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (rc)
        return tn_err_raise_comm(comm, rc);
    /* MPI 4.1 §9.3.4: MPI_SUCCESS once the handler has been called and returned. */
    tn_errhandler_invoke_comm(c, errorcode);
    return MPI_SUCCESS;
}

TN_API(Errhandler_free)
int PMPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    const char *fname = "MPI_Errhandler_free";
    tn_errhandler_t *e = NULL;
    int rc = tn_rt_check(fname);
    if (!rc && !errhandler)
        rc = tn_err_set(MPI_ERR_ARG, "%s: errhandler is NULL", fname);
    if (!rc)
        rc = check_errhandler(fname, *errhandler, &e);
    if (rc)
        return tn_err_raise(rc);
    /* Predefined handlers may be freed too (MPI_Comm_get_errhandler hands them
     * out); that only clears the caller's handle. */
    tn_errhandler_release(e);
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}

/* MPI_Error_string and MPI_Error_class may be called at any time (MPI 4.1 §11.4.1). */
TN_API(Error_string)
int PMPI_Error_string(int errorcode, char *string, int *resultlen)
{
    const char *fname = "MPI_Error_string";
    int rc = MPI_SUCCESS;
    if (!string || !resultlen)
        rc = tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, string ? "resultlen" : "string");
    else if (!tn_err_is_valid(errorcode))
        rc = tn_err_set(MPI_ERR_ARG, "%s: errorcode %d is not a valid error code", fname,
                        errorcode);
    if (rc)
        return tn_err_raise(rc);
    const char *s = tn_err_string(errorcode);
    size_t n = strnlen(s, MPI_MAX_ERROR_STRING - 1);
    memcpy(string, s, n);
    string[n] = '\0';
    *resultlen = (int)n;
    return MPI_SUCCESS;
}

TN_API(Error_class)
int PMPI_Error_class(int errorcode, int *errorclass)
{
    const char *fname = "MPI_Error_class";
    int rc = MPI_SUCCESS;
    if (!errorclass)
        rc = tn_err_set(MPI_ERR_ARG, "%s: errorclass is NULL", fname);
    else if (!tn_err_is_valid(errorcode))
        rc = tn_err_set(MPI_ERR_ARG, "%s: errorcode %d is not a valid error code", fname,
                        errorcode);
    if (rc)
        return tn_err_raise(rc);
    *errorclass = tn_err_class(errorcode);
    return MPI_SUCCESS;
}

TN_API(Add_error_class)
int PMPI_Add_error_class(int *errorclass)
{
    const char *fname = "MPI_Add_error_class";
    int rc = tn_rt_check(fname);
    if (!rc && !errorclass)
        rc = tn_err_set(MPI_ERR_ARG, "%s: errorclass is NULL", fname);
    if (!rc)
        rc = tn_err_add_class(errorclass);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Add_error_code)
int PMPI_Add_error_code(int errorclass, int *errorcode)
{
    const char *fname = "MPI_Add_error_code";
    int rc = tn_rt_check(fname);
    if (!rc && !errorcode)
        rc = tn_err_set(MPI_ERR_ARG, "%s: errorcode is NULL", fname);
    if (!rc)
        rc = tn_err_add_code(errorclass, errorcode);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Add_error_string)
int PMPI_Add_error_string(int errorcode, const char *string)
{
    const char *fname = "MPI_Add_error_string";
    int rc = tn_rt_check(fname);
    if (!rc && !string)
        rc = tn_err_set(MPI_ERR_ARG, "%s: string is NULL", fname);
    if (!rc)
        rc = tn_err_set_string(errorcode, string);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

static int remove_error(const char *fname, int code, int what)
{
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_err_remove(code, what);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Remove_error_class)
int PMPI_Remove_error_class(int errorclass)
{
    return remove_error("MPI_Remove_error_class", errorclass, TN_ERR_REMOVE_CLASS);
}

TN_API(Remove_error_code)
int PMPI_Remove_error_code(int errorcode)
{
    return remove_error("MPI_Remove_error_code", errorcode, TN_ERR_REMOVE_CODE);
}

TN_API(Remove_error_string)
int PMPI_Remove_error_string(int errorcode)
{
    return remove_error("MPI_Remove_error_string", errorcode, TN_ERR_REMOVE_STRING);
}

/* The MPI-1 names, removed from the standard in 3.0. */
TN_API(Errhandler_create)
int PMPI_Errhandler_create(MPI_Comm_errhandler_function *comm_errhandler_fn,
                           MPI_Errhandler *errhandler)
{
    return create_comm_errhandler("MPI_Errhandler_create", comm_errhandler_fn, errhandler);
}

TN_API(Errhandler_set)
int PMPI_Errhandler_set(MPI_Comm comm, MPI_Errhandler errhandler)
{
    return set_comm_errhandler("MPI_Errhandler_set", comm, errhandler);
}

TN_API(Errhandler_get)
int PMPI_Errhandler_get(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    return get_comm_errhandler("MPI_Errhandler_get", comm, errhandler);
}
