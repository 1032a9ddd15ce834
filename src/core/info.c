/* Info objects (MPI 4.1 §10) and MPI_INFO_ENV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "core/error.h"
#include "core/handle.h"
#include "core/info.h"
#include "core/runtime.h"

static tn_htab_t info_tab = TN_HTAB_INIT(TN_KIND_INFO);

static tn_info_t env_info = {.handle = MPI_INFO_ENV, .refs = 1, .builtin = 1};
/* tn_rt.state when env_info was filled in, or -1 before that. */
static int env_state = -1;

static void info_clear(tn_info_t *i)
{
    for (int k = 0; k < i->n; k++) {
        free(i->keys[k]);
        free(i->vals[k]);
    }
    free(i->keys);
    free(i->vals);
    i->keys = i->vals = NULL;
    i->n = i->cap = 0;
}

/* MPI_INFO_ENV describes the world once MPI is initialized: refill it when
 * first used after a change of state. */
static tn_info_t *env_get(void)
{
    if (env_state == (int)tn_rt.state)
        return &env_info;
    tn_info_t *fresh;
    if (tn_info_create_env(0, NULL, &fresh))
        return env_state < 0 ? NULL : &env_info; /* out of memory: keep what we had */
    info_clear(&env_info);
    env_info.n = fresh->n;
    env_info.cap = fresh->cap;
    env_info.keys = fresh->keys;
    env_info.vals = fresh->vals;
    free(fresh);
    env_state = (int)tn_rt.state;
    return &env_info;
}

tn_info_t *tn_info_get(MPI_Info h)
{
    if (h == MPI_INFO_ENV)
        return env_get();
    return tn_htab_lookup(&info_tab, h);
}

int tn_info_check(const char *fname, MPI_Info h, int allow_null, tn_info_t **out)
{
    if (h == MPI_INFO_NULL && allow_null) {
        *out = NULL;
        return MPI_SUCCESS;
    }
    tn_info_t *i = tn_info_get(h);
    if (!i)
        return tn_err_set(MPI_ERR_INFO, "%s: info %s", fname,
                          h == MPI_INFO_NULL ? "is MPI_INFO_NULL" : "is not a valid info handle");
    *out = i;
    return MPI_SUCCESS;
}

int tn_info_create(tn_info_t **out)
{
    tn_info_t *i = calloc(1, sizeof *i);
    if (!i)
        return TN_ERR_SETMEM("MPI_Info_create");
    i->refs = 1;
    *out = i;
    return MPI_SUCCESS;
}

int tn_info_handle(tn_info_t *i, MPI_Info *h)
{
    if (!i->handle && !(i->handle = tn_htab_insert(&info_tab, i)))
        return TN_ERR_SETMEM("info handle");
    *h = i->handle;
    return MPI_SUCCESS;
}

int tn_info_check_key(const char *fname, const char *key)
{
    if (!key)
        return tn_err_set(MPI_ERR_INFO_KEY, "%s: key is NULL", fname);
    size_t len = strlen(key);
    if (len == 0 || len >= MPI_MAX_INFO_KEY)
        return tn_err_set(MPI_ERR_INFO_KEY,
                          "%s: key \"%.40s%s\" is %zu characters long; 1 to %d are allowed", fname,
                          key, len > 40 ? "..." : "", len, MPI_MAX_INFO_KEY - 1);
    return MPI_SUCCESS;
}

static int find(const tn_info_t *i, const char *key)
{
    for (int k = 0; k < i->n; k++)
        if (!strcmp(i->keys[k], key))
            return k;
    return -1;
}

/* Sets key without checks; i is not the builtin. */
static int info_put(tn_info_t *i, const char *key, const char *val)
{
    char *v = strdup(val);
    if (!v)
        return TN_ERR_SETMEM("MPI_Info_set");
    int k = find(i, key);
    if (k >= 0) {
        free(i->vals[k]);
        i->vals[k] = v;
        return MPI_SUCCESS;
    }
    char *kc = strdup(key);
    if (!kc)
        goto fail_v;
    if (i->n == i->cap) {
        int cap = i->cap ? 2 * i->cap : 8;
        char **keys = realloc(i->keys, (size_t)cap * sizeof *keys);
        if (!keys)
            goto fail_k;
        i->keys = keys;
        char **vals = realloc(i->vals, (size_t)cap * sizeof *vals);
        if (!vals)
            goto fail_k;
        i->vals = vals;
        i->cap = cap;
    }
    i->keys[i->n] = kc;
    i->vals[i->n++] = v;
    return MPI_SUCCESS;
fail_k:
    free(kc);
fail_v:
    free(v);
    return TN_ERR_SETMEM("MPI_Info_set");
}

int tn_info_set(const char *fname, tn_info_t *i, const char *key, const char *val)
{
    int rc = tn_info_check_key(fname, key);
    if (rc)
        return rc;
    if (!val)
        return tn_err_set(MPI_ERR_INFO_VALUE, "%s: value is NULL", fname);
    size_t len = strlen(val);
    if (len > MPI_MAX_INFO_VAL)
        return tn_err_set(MPI_ERR_INFO_VALUE,
                          "%s: the value for key \"%s\" is %zu characters long; at most %d are "
                          "allowed",
                          fname, key, len, MPI_MAX_INFO_VAL);
    if (i->builtin)
        return tn_err_set(MPI_ERR_INFO, "%s: MPI_INFO_ENV can not be changed", fname);
    return info_put(i, key, val);
}

const char *tn_info_lookup(const tn_info_t *i, const char *key)
{
    int k = find(i, key);
    return k >= 0 ? i->vals[k] : NULL;
}

int tn_info_delete(const char *fname, tn_info_t *i, const char *key)
{
    int rc = tn_info_check_key(fname, key);
    if (rc)
        return rc;
    if (i->builtin)
        return tn_err_set(MPI_ERR_INFO, "%s: MPI_INFO_ENV can not be changed", fname);
    int k = find(i, key);
    if (k < 0)
        return tn_err_set(MPI_ERR_INFO_NOKEY, "%s: key \"%s\" is not set in the info", fname, key);
    free(i->keys[k]);
    free(i->vals[k]);
    memmove(i->keys + k, i->keys + k + 1, (size_t)(i->n - k - 1) * sizeof *i->keys);
    memmove(i->vals + k, i->vals + k + 1, (size_t)(i->n - k - 1) * sizeof *i->vals);
    i->n--;
    return MPI_SUCCESS;
}

int tn_info_dup(const tn_info_t *src, tn_info_t **out)
{
    tn_info_t *i = NULL;
    int rc = tn_info_create(&i);
    for (int k = 0; !rc && src && k < src->n; k++)
        rc = info_put(i, src->keys[k], src->vals[k]);
    if (rc) {
        if (i)
            tn_info_release(i);
        return rc;
    }
    *out = i;
    return MPI_SUCCESS;
}

void tn_info_release(tn_info_t *i)
{
    if (!i || i->builtin || --i->refs > 0)
        return;
    if (i->handle)
        tn_htab_remove(&info_tab, i->handle);
    info_clear(i);
    free(i);
}

/* The process's own command line, NUL-separated, from /proc. */
static char *read_cmdline(size_t *len)
{
    FILE *f = fopen("/proc/self/cmdline", "r");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *b = realloc(buf, cap *= 2);
        if (!b)
            free(buf);
        buf = b;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Joins argv[first..argc) with spaces. */
static char *join_args(int argc, char **argv, int first)
{
    size_t len = 1;
    for (int k = first; k < argc; k++)
        len += strlen(argv[k]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int k = first; k < argc; k++) {
        if (k > first)
            strcat(s, " ");
        strcat(s, argv[k]);
    }
    return s;
}

/* argc/argv of this process from /proc when the caller gave none. */
static int env_args(int argc, char **argv, tn_info_t *i)
{
    char *buf = NULL, **av = argv, *joined;
    int rc = MPI_SUCCESS;
    if (argc <= 0 || !argv) {
        size_t len = 0;
        argc = 0;
        if (!(buf = read_cmdline(&len)) || !len) {
            free(buf);
            return MPI_SUCCESS;
        }
        for (size_t k = 0; k < len; k++)
            argc += buf[k] == '\0';
        if (!(av = malloc((size_t)argc * sizeof *av))) {
            free(buf);
            return TN_ERR_SETMEM("MPI_Info_create_env");
        }
        for (size_t k = 0, a = 0; a < (size_t)argc; a++, k += strlen(buf + k) + 1)
            av[a] = buf + k;
    }
    if (argc > 0 && av[0])
        rc = info_put(i, "command", av[0]);
    if (!rc && argc > 1) {
        if (!(joined = join_args(argc, av, 1)))
            rc = TN_ERR_SETMEM("MPI_Info_create_env");
        else
            rc = info_put(i, "argv", joined);
        free(joined);
    }
    if (av != argv)
        free(av);
    free(buf);
    return rc;
}

int tn_info_create_env(int argc, char **argv, tn_info_t **out)
{
    static const char *const levels[] = {"MPI_THREAD_SINGLE", "MPI_THREAD_FUNNELED",
                                         "MPI_THREAD_SERIALIZED", "MPI_THREAD_MULTIPLE"};
    tn_info_t *i = NULL;
    char buf[4096];
    struct utsname u;
    int rc = tn_info_create(&i);
    if (rc)
        return rc;
    rc = env_args(argc, argv, i);
    if (!rc && tn_rt.state == TN_RT_INIT) {
        snprintf(buf, sizeof buf, "%d", tn_rt.world_size);
        rc = info_put(i, "maxprocs", buf);
        if (!rc && tn_rt.thread_level >= MPI_THREAD_SINGLE &&
            tn_rt.thread_level <= MPI_THREAD_MULTIPLE)
            rc = info_put(i, "thread_level", levels[tn_rt.thread_level - MPI_THREAD_SINGLE]);
    }
    if (!rc && tn_rt.hostname[0])
        rc = info_put(i, "host", tn_rt.hostname);
    if (!rc && !uname(&u))
        rc = info_put(i, "arch", u.machine);
    if (!rc && getcwd(buf, sizeof buf))
        rc = info_put(i, "wdir", buf);
    if (rc) {
        tn_info_release(i);
        return rc;
    }
    *out = i;
    return MPI_SUCCESS;
}
