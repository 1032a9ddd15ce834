/* MPI 4.1 §10: info objects. These calls work at any time, before MPI_Init
 * and after MPI_Finalize too (MPI 4.1 §11.4.1), so they skip tn_rt_check. */
#include <string.h>
#include "mpi/api.h"
#include "core/info.h"

static int need(const char *fname, const char *argname, const void *p)
{
    return p ? MPI_SUCCESS : tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, argname);
}

/* Hands a new info to the user. */
static int give(tn_info_t *i, MPI_Info *out)
{
    int rc = tn_info_handle(i, out);
    if (rc)
        tn_info_release(i);
    return rc;
}

TN_API(Info_create)
int PMPI_Info_create(MPI_Info *info)
{
    tn_info_t *i;
    int rc = need("MPI_Info_create", "info", info);
    if (!rc)
        rc = tn_info_create(&i);
    if (!rc)
        rc = give(i, info);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Info_create_env)
int PMPI_Info_create_env(int argc, char *argv[], MPI_Info *info)
{
    tn_info_t *i;
    int rc = need("MPI_Info_create_env", "info", info);
    if (!rc)
        rc = tn_info_create_env(argc, argv, &i);
    if (!rc)
        rc = give(i, info);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Info_set)
int PMPI_Info_set(MPI_Info info, const char *key, const char *value)
{
    const char *fname = "MPI_Info_set";
    tn_info_t *i;
    int rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = tn_info_set(fname, i, key, value);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Info_delete)
int PMPI_Info_delete(MPI_Info info, const char *key)
{
    const char *fname = "MPI_Info_delete";
    tn_info_t *i;
    int rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = tn_info_delete(fname, i, key);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

/* Common checks of the getters; *val is the key's value or NULL. */
static int lookup(const char *fname, MPI_Info info, const char *key, const char **val)
{
    tn_info_t *i;
    int rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = tn_info_check_key(fname, key);
    if (!rc)
        *val = tn_info_lookup(i, key);
    return rc;
}

TN_API(Info_get_string)
int PMPI_Info_get_string(MPI_Info info, const char *key, int *buflen, char *value, int *flag)
{
    const char *fname = "MPI_Info_get_string", *v = NULL;
    int rc = lookup(fname, info, key, &v);
    if (!rc)
        rc = need(fname, "buflen", buflen);
    if (!rc)
        rc = need(fname, "flag", flag);
    if (!rc && *buflen < 0)
        rc = tn_err_set(MPI_ERR_ARG, "%s: *buflen = %d is negative", fname, *buflen);
    if (!rc && v && *buflen > 0 && !value)
        rc = tn_err_set(MPI_ERR_ARG, "%s: value is NULL while *buflen = %d", fname, *buflen);
    if (rc)
        return tn_err_raise(rc);
    *flag = v != NULL;
    if (!v)
        return MPI_SUCCESS;
    /* Copies what fits (truncated, always terminated); *buflen gets the full size. */
    size_t len = strlen(v);
    if (*buflen > 0) {
        size_t n = len < (size_t)*buflen - 1 ? len : (size_t)*buflen - 1;
        memcpy(value, v, n);
        value[n] = '\0';
    }
    *buflen = (int)len + 1;
    return MPI_SUCCESS;
}

TN_API(Info_get)
int PMPI_Info_get(MPI_Info info, const char *key, int valuelen, char *value, int *flag)
{
    const char *fname = "MPI_Info_get", *v = NULL;
    int rc = lookup(fname, info, key, &v);
    if (!rc)
        rc = need(fname, "flag", flag);
    if (!rc && valuelen < 0)
        rc = tn_err_set(MPI_ERR_ARG, "%s: valuelen = %d is negative", fname, valuelen);
    if (!rc && v && !value)
        rc = tn_err_set(MPI_ERR_ARG, "%s: value is NULL", fname);
    if (rc)
        return tn_err_raise(rc);
    *flag = v != NULL;
    if (v) {
        /* value holds valuelen characters plus the terminating NUL. */
        size_t n = strnlen(v, (size_t)valuelen);
        memcpy(value, v, n);
        value[n] = '\0';
    }
    return MPI_SUCCESS;
}

TN_API(Info_get_valuelen)
int PMPI_Info_get_valuelen(MPI_Info info, const char *key, int *valuelen, int *flag)
{
    const char *fname = "MPI_Info_get_valuelen", *v = NULL;
    int rc = lookup(fname, info, key, &v);
    if (!rc)
        rc = need(fname, "valuelen", valuelen);
    if (!rc)
        rc = need(fname, "flag", flag);
    if (rc)
        return tn_err_raise(rc);
    *flag = v != NULL;
    if (v)
        *valuelen = (int)strlen(v);
    return MPI_SUCCESS;
}

TN_API(Info_get_nkeys)
int PMPI_Info_get_nkeys(MPI_Info info, int *nkeys)
{
    const char *fname = "MPI_Info_get_nkeys";
    tn_info_t *i;
    int rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = need(fname, "nkeys", nkeys);
    if (rc)
        return tn_err_raise(rc);
    *nkeys = i->n;
    return MPI_SUCCESS;
}

TN_API(Info_get_nthkey)
int PMPI_Info_get_nthkey(MPI_Info info, int n, char *key)
{
    const char *fname = "MPI_Info_get_nthkey";
    tn_info_t *i;
    int rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = need(fname, "key", key);
    if (!rc && (n < 0 || n >= i->n))
        rc = tn_err_set(MPI_ERR_ARG, "%s: n = %d is out of range for an info with %d keys",
                        fname, n, i->n);
    if (rc)
        return tn_err_raise(rc);
    strcpy(key, i->keys[n]);
    return MPI_SUCCESS;
}

TN_API(Info_dup)
int PMPI_Info_dup(MPI_Info info, MPI_Info *newinfo)
{
    const char *fname = "MPI_Info_dup";
    tn_info_t *i, *copy;
    int rc = tn_info_check(fname, info, 0, &i);
    if (!rc)
        rc = need(fname, "newinfo", newinfo);
    if (!rc)
        rc = tn_info_dup(i, &copy);
    if (!rc)
        rc = give(copy, newinfo);
    return rc ? tn_err_raise(rc) : MPI_SUCCESS;
}

TN_API(Info_free)
int PMPI_Info_free(MPI_Info *info)
{
    const char *fname = "MPI_Info_free";
    tn_info_t *i;
    int rc = need(fname, "info", info);
    if (!rc)
        rc = tn_info_check(fname, *info, 0, &i);
    if (!rc && i->builtin)
        rc = tn_err_set(MPI_ERR_INFO, "%s: MPI_INFO_ENV is predefined and can not be freed",
                        fname);
    if (rc)
        return tn_err_raise(rc);
    tn_info_release(i);
    *info = MPI_INFO_NULL;
    return MPI_SUCCESS;
}
