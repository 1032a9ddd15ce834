/* Attribute caching on communicators, datatypes and windows. */
#ifndef TN_ATTR_H
#define TN_ATTR_H

#include <mpi.h>

typedef struct tn_attr {
    int keyval;
    void *value;
    struct tn_attr *next;
} tn_attr_t;

/* kind below is the object kind the attributes hang on: TN_KIND_COMM,
 * TN_KIND_DATATYPE or TN_KIND_WIN (src/core/handle.h). */

/* Copies the attributes of a list for MPI_Comm_dup / MPI_Type_dup: calls each
 * keyval's copy callback. old_handle is the object being duplicated. *dst is
 * set only on success; on error the copies made so far are dropped (without
 * delete callbacks) and the callback's error code is returned. */
int tn_attr_copy_list(int kind, int old_handle, tn_attr_t *src, tn_attr_t **dst);
/* Deletes every attribute (delete callbacks run, newest first), for
 * MPI_Comm_free etc. The list ends empty even when callbacks fail; the code
 * of the first failure is returned. */
int tn_attr_delete_all(int kind, int handle, tn_attr_t **list);

/* Keyvals. copy_fn/delete_fn are the kind's callback types, cast; NULL is the
 * NULL_COPY_FN / NULL_DELETE_FN. */
int tn_keyval_create(int kind, void (*copy_fn)(void), void (*delete_fn)(void), void *extra,
                     int *keyval);
/* MPI_*_free_keyval: the keyval lives on while attributes use it. */
int tn_keyval_free(const char *fname, int kind, int *keyval);

/* MPI_*_set_attr / _get_attr / _delete_attr on the object handle with list.
 * get stores the value (a pointer) at *(void **)val and sets *flag; the
 * predefined attributes (MPI_TAG_UB …) are answered on every communicator. */
int tn_attr_set(const char *fname, int kind, int handle, tn_attr_t **list, int keyval,
                void *value);
int tn_attr_get(const char *fname, int kind, tn_attr_t *list, int keyval, void *val, int *flag);
int tn_attr_delete(const char *fname, int kind, int handle, tn_attr_t **list, int keyval);

/* Frees the keyval table at MPI_Finalize. */
void tn_attr_finalize(void);

#endif
