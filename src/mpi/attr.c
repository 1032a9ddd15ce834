/* MPI 4.1 §7.7: attribute caching on communicators and datatypes, and the
 * deprecated MPI-1 names (MPI_Keyval_create, MPI_Attr_put …). */
#include <stddef.h>
#include "mpi/api.h"
#include "mpi/check.h"
#include "core/attr.h"
#include "core/comm.h"
#include "core/datatype.h"
#include "core/handle.h"

/* The keyval pointer of the keyval calls. */
static int keyval_arg(const char *fname, const int *keyval)
{
    int rc = tn_rt_check(fname);
    if (!rc && !keyval)
        rc = tn_err_set(MPI_ERR_ARG, "%s: keyval is NULL", fname);
    return rc;
}

static int create_keyval(const char *fname, int kind, void (*copy_fn)(void),
                         void (*delete_fn)(void), int *keyval, void *extra_state)
{
    int rc = keyval_arg(fname, keyval);
    if (!rc)
        rc = tn_keyval_create(kind, copy_fn, delete_fn, extra_state, keyval);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

static int free_keyval(const char *fname, int kind, int *keyval)
{
    int rc = keyval_arg(fname, keyval);
    if (!rc)
        rc = tn_keyval_free(fname, kind, keyval);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

/* What comm_attr and type_attr do. */
enum attr_op { ATTR_SET, ATTR_GET, ATTR_DELETE };

/* op on the attribute list of the object handle of this kind. */
static int attr_op(const char *fname, enum attr_op op, int kind, int handle, tn_attr_t **attrs,
                   int keyval, void *val, int *flag)
{
    switch (op) {
    case ATTR_SET:
        return tn_attr_set(fname, kind, handle, attrs, keyval, val);
    case ATTR_GET:
        return tn_attr_get(fname, kind, *attrs, keyval, val, flag);
    default:
        return tn_attr_delete(fname, kind, handle, attrs, keyval);
    }
}

static int comm_attr(const char *fname, enum attr_op op, MPI_Comm comm, int keyval, void *val,
                     int *flag)
{
    tn_comm_t *c;
    int rc = tn_rt_check(fname);
    if (!rc)
        rc = tn_check_comm(fname, comm, &c);
    if (!rc)
        rc = attr_op(fname, op, TN_KIND_COMM, c->handle, &c->attrs, keyval, val, flag);
    return rc ? tn_err_raise_comm(comm, rc) : MPI_SUCCESS;
}

static int type_attr(const char *fname, enum attr_op op, MPI_Datatype type, int keyval,
                     void *val, int *flag)
{
    tn_datatype_t *dt = NULL;
    int rc = tn_rt_check(fname);
    if (!rc && !(dt = tn_datatype_get(type)))
        rc = tn_err_set(MPI_ERR_TYPE, "%s: datatype %s", fname,
                        type == MPI_DATATYPE_NULL ? "is MPI_DATATYPE_NULL"
                                                  : "is not a valid datatype");
    if (!rc)
        rc = attr_op(fname, op, TN_KIND_DATATYPE, type, &dt->attrs, keyval, val, flag);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Comm_create_keyval)
int PMPI_Comm_create_keyval(MPI_Comm_copy_attr_function *comm_copy_attr_fn,
                            MPI_Comm_delete_attr_function *comm_delete_attr_fn, int *comm_keyval,
                            void *extra_state)
{
    return create_keyval("MPI_Comm_create_keyval", TN_KIND_COMM,
                         (void (*)(void))comm_copy_attr_fn, (void (*)(void))comm_delete_attr_fn,
                         comm_keyval, extra_state);
}

TN_API(Comm_free_keyval)
int PMPI_Comm_free_keyval(int *comm_keyval)
{
    return free_keyval("MPI_Comm_free_keyval", TN_KIND_COMM, comm_keyval);
}

TN_API(Comm_set_attr)
int PMPI_Comm_set_attr(MPI_Comm comm, int comm_keyval, void *attribute_val)
{
    return comm_attr("MPI_Comm_set_attr", ATTR_SET, comm, comm_keyval, attribute_val, NULL);
}

TN_API(Comm_get_attr)
int PMPI_Comm_get_attr(MPI_Comm comm, int comm_keyval, void *attribute_val, int *flag)
{
    return comm_attr("MPI_Comm_get_attr", ATTR_GET, comm, comm_keyval, attribute_val, flag);
}

TN_API(Comm_delete_attr)
int PMPI_Comm_delete_attr(MPI_Comm comm, int comm_keyval)
{
    return comm_attr("MPI_Comm_delete_attr", ATTR_DELETE, comm, comm_keyval, NULL, NULL);
}

TN_API(Type_create_keyval)
int PMPI_Type_create_keyval(MPI_Type_copy_attr_function *type_copy_attr_fn,
                            MPI_Type_delete_attr_function *type_delete_attr_fn, int *type_keyval,
                            void *extra_state)
{
    return create_keyval("MPI_Type_create_keyval", TN_KIND_DATATYPE,
                         (void (*)(void))type_copy_attr_fn, (void (*)(void))type_delete_attr_fn,
                         type_keyval, extra_state);
}

TN_API(Type_free_keyval)
int PMPI_Type_free_keyval(int *type_keyval)
{
    return free_keyval("MPI_Type_free_keyval", TN_KIND_DATATYPE, type_keyval);
}

TN_API(Type_set_attr)
int PMPI_Type_set_attr(MPI_Datatype datatype, int type_keyval, void *attribute_val)
{
    return type_attr("MPI_Type_set_attr", ATTR_SET, datatype, type_keyval, attribute_val, NULL);
}

TN_API(Type_get_attr)
int PMPI_Type_get_attr(MPI_Datatype datatype, int type_keyval, void *attribute_val, int *flag)
{
    return type_attr("MPI_Type_get_attr", ATTR_GET, datatype, type_keyval, attribute_val, flag);
}

TN_API(Type_delete_attr)
int PMPI_Type_delete_attr(MPI_Datatype datatype, int type_keyval)
{
    return type_attr("MPI_Type_delete_attr", ATTR_DELETE, datatype, type_keyval, NULL, NULL);
}

/* MPI-1 names, deprecated since MPI 2.0; MPICH still exports them. */
TN_API(Keyval_create)
int PMPI_Keyval_create(MPI_Copy_function *copy_fn, MPI_Delete_function *delete_fn, int *keyval,
                       void *extra_state)
{
    return create_keyval("MPI_Keyval_create", TN_KIND_COMM, (void (*)(void))copy_fn,
                         (void (*)(void))delete_fn, keyval, extra_state);
}

TN_API(Keyval_free)
int PMPI_Keyval_free(int *keyval)
{
    return free_keyval("MPI_Keyval_free", TN_KIND_COMM, keyval);
}

TN_API(Attr_put)
int PMPI_Attr_put(MPI_Comm comm, int keyval, void *attribute_val)
{
    return comm_attr("MPI_Attr_put", ATTR_SET, comm, keyval, attribute_val, NULL);
}

TN_API(Attr_get)
int PMPI_Attr_get(MPI_Comm comm, int keyval, void *attribute_val, int *flag)
{
    return comm_attr("MPI_Attr_get", ATTR_GET, comm, keyval, attribute_val, flag);
}

TN_API(Attr_delete)
int PMPI_Attr_delete(MPI_Comm comm, int keyval)
{
    return comm_attr("MPI_Attr_delete", ATTR_DELETE, comm, keyval, NULL, NULL);
}
