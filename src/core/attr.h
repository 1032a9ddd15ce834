/* Attribute caching on communicators, datatypes and windows. */
#ifndef TN_ATTR_H
#define TN_ATTR_H

#include <mpi.h>

typedef struct tn_attr {
    int keyval;
    void *value;
    struct tn_attr *next;
} tn_attr_t;

/* Copies the attributes of a list for MPI_Comm_dup / MPI_Type_dup: calls each
 * keyval's copy callback. old_handle is the object being duplicated. */
int tn_attr_copy_list(int kind, int old_handle, tn_attr_t *src, tn_attr_t **dst);
/* Deletes every attribute (delete callbacks run), for MPI_Comm_free etc. */
int tn_attr_delete_all(int kind, int handle, tn_attr_t **list);

#endif
