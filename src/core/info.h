/* Info objects: ordered (key, value) string pairs. */
#ifndef TN_INFO_H
#define TN_INFO_H

#include <mpi.h>

typedef struct tn_info {
    int handle;  /* 0 until handed to the user */
    int refs;
    int builtin; /* MPI_INFO_ENV: read-only, never freed */
    int n, cap;
    char **keys, **vals; /* in insertion order (MPI_Info_get_nthkey) */
} tn_info_t;

/* Handle → object (MPI_INFO_ENV included); NULL when invalid or MPI_INFO_NULL. */
tn_info_t *tn_info_get(MPI_Info h);
/* Validates an info argument (MPI_ERR_INFO); allow_null accepts MPI_INFO_NULL (*out = NULL). */
int tn_info_check(const char *fname, MPI_Info h, int allow_null, tn_info_t **out);
/* Empty info, refs = 1, no handle. */
int tn_info_create(tn_info_t **out);
/* The info MPI_Info_create_env / MPI_INFO_ENV describe (argc may be 0). */
int tn_info_create_env(int argc, char **argv, tn_info_t **out);
/* Registers i in the handle table (once) and returns its handle. */
int tn_info_handle(tn_info_t *i, MPI_Info *h);
/* Adds or replaces key (MPI_ERR_INFO_KEY / _VALUE on bad lengths). */
int tn_info_set(const char *fname, tn_info_t *i, const char *key, const char *val);
/* The value of key, or NULL. */
const char *tn_info_lookup(const tn_info_t *i, const char *key);
/* Removes key (MPI_ERR_INFO_NOKEY when absent). */
int tn_info_delete(const char *fname, tn_info_t *i, const char *key);
/* A copy of src (src may be NULL: an empty info). */
int tn_info_dup(const tn_info_t *src, tn_info_t **out);
/* Validates a key argument: not NULL, 1..MPI_MAX_INFO_KEY-1 characters. */
int tn_info_check_key(const char *fname, const char *key);
void tn_info_release(tn_info_t *i);

#endif
