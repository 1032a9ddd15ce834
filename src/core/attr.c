/* Keyvals and attribute lists (MPI 4.1 §7.7), and the predefined attributes
 * of MPI_COMM_WORLD. */
#include <stdlib.h>
#include "core/attr.h"
#include "core/error.h"
#include "core/handle.h"
#include "core/runtime.h"
#include "mpi/check.h"

typedef struct tn_keyval {
    int handle;
    int refs;  /* the user's (until freed) + one per attribute using it */
    int kind;
    int freed; /* the user freed it: no new uses */
    void (*copy_fn)(void);
    void (*delete_fn)(void);
    void *extra;
} tn_keyval_t;

static tn_htab_t keyval_tab = TN_HTAB_INIT(TN_KIND_KEYVAL);

static const char *kind_name(int kind)
{
    return kind == TN_KIND_COMM ? "communicator" : kind == TN_KIND_DATATYPE ? "datatype" : "window";
}

static int is_predefined(int keyval)
{
    return TN_HANDLE_TIER(keyval) == TN_HANDLE_TIER_BUILTIN &&
           TN_HANDLE_KIND(keyval) == TN_KIND_KEYVAL;
}

static void keyval_release(tn_keyval_t *kv)
{
    if (--kv->refs > 0)
        return;
    tn_htab_remove(&keyval_tab, kv->handle);
    free(kv);
}

/* A user keyval of kind. A freed keyval still names the attributes that use
 * it, so reading and deleting them stay allowed (as in MPICH); new uses not. */
static int keyval_check(const char *fname, int kind, int keyval, int allow_freed,
                        tn_keyval_t **out)
{
    tn_keyval_t *kv = tn_htab_lookup(&keyval_tab, keyval);
    if (keyval == MPI_KEYVAL_INVALID)
        return tn_err_set(MPI_ERR_KEYVAL, "%s: keyval is MPI_KEYVAL_INVALID", fname);
    if (is_predefined(keyval))
        return tn_err_set(MPI_ERR_KEYVAL,
                          "%s: keyval %#x is predefined; its attribute can only be read", fname,
                          (unsigned)keyval);
    if (!kv || (kv->freed && !allow_freed))
        return tn_err_set(MPI_ERR_KEYVAL, "%s: keyval %#x is %s", fname, (unsigned)keyval,
                          kv ? "freed" : "not a valid keyval");
    if (kv->kind != kind)
        return tn_err_set(MPI_ERR_KEYVAL, "%s: keyval %#x was made for %ss, not %ss", fname,
                          (unsigned)keyval, kind_name(kv->kind), kind_name(kind));
    *out = kv;
    return MPI_SUCCESS;
}

int tn_keyval_create(int kind, void (*copy_fn)(void), void (*delete_fn)(void), void *extra,
                     int *keyval)
{
    tn_keyval_t *kv = malloc(sizeof *kv);
    if (!kv)
        return TN_ERR_SETMEM("keyval creation");
    *kv = (tn_keyval_t){
        .refs = 1, .kind = kind, .copy_fn = copy_fn, .delete_fn = delete_fn, .extra = extra};
    if (!(kv->handle = tn_htab_insert(&keyval_tab, kv))) {
        free(kv);
        return TN_ERR_SETMEM("keyval creation");
    }
    *keyval = kv->handle;
    return MPI_SUCCESS;
}

int tn_keyval_free(const char *fname, int kind, int *keyval)
{
    tn_keyval_t *kv = NULL;
    int rc = keyval_check(fname, kind, *keyval, 0, &kv);
    if (rc)
        return rc;
    kv->freed = 1;
    keyval_release(kv);
    *keyval = MPI_KEYVAL_INVALID;
    return MPI_SUCCESS;
}

/* Runs kv's delete callback for value on the object handle. */
static int call_delete(const tn_keyval_t *kv, int handle, void *value)
{
    if (!kv->delete_fn)
        return MPI_SUCCESS;
    switch (kv->kind) {
    case TN_KIND_DATATYPE:
        return ((MPI_Type_delete_attr_function *)(void *)kv->delete_fn)(handle, kv->handle, value,
                                                                        kv->extra);
    case TN_KIND_WIN:
        return ((MPI_Win_delete_attr_function *)(void *)kv->delete_fn)(handle, kv->handle, value,
                                                                       kv->extra);
    default:
        return ((MPI_Comm_delete_attr_function *)(void *)kv->delete_fn)(handle, kv->handle, value,
                                                                        kv->extra);
    }
}

static int call_copy(const tn_keyval_t *kv, int handle, void *in, void **out, int *flag)
{
    switch (kv->kind) {
    case TN_KIND_DATATYPE:
        return ((MPI_Type_copy_attr_function *)(void *)kv->copy_fn)(handle, kv->handle, kv->extra,
                                                                    in, out, flag);
    case TN_KIND_WIN:
        return ((MPI_Win_copy_attr_function *)(void *)kv->copy_fn)(handle, kv->handle, kv->extra,
                                                                   in, out, flag);
    default:
        return ((MPI_Comm_copy_attr_function *)(void *)kv->copy_fn)(handle, kv->handle, kv->extra,
                                                                    in, out, flag);
    }
}

static tn_attr_t **find(tn_attr_t **list, int keyval)
{
    while (*list && (*list)->keyval != keyval)
        list = &(*list)->next;
    return list;
}

/* Unlinks *pos and drops its keyval reference (no callback). */
static void unlink_attr(tn_attr_t **pos)
{
    tn_attr_t *a = *pos;
    *pos = a->next;
    keyval_release(tn_htab_lookup(&keyval_tab, a->keyval));
    free(a);
}

int tn_attr_set(const char *fname, int kind, int handle, tn_attr_t **list, int keyval,
                void *value)
{
    tn_keyval_t *kv = NULL;
    int rc = keyval_check(fname, kind, keyval, 0, &kv);
    if (rc)
        return rc;
    tn_attr_t **pos = find(list, keyval);
    if (*pos) {
        /* As if the old value were deleted first (its callback runs). */
        if ((rc = call_delete(kv, handle, (*pos)->value)))
            return rc;
        (*pos)->value = value;
        return MPI_SUCCESS;
    }
    tn_attr_t *a = malloc(sizeof *a);
    if (!a)
        return TN_ERR_SETMEM(fname);
    *a = (tn_attr_t){.keyval = keyval, .value = value, .next = *list};
    kv->refs++;
    *list = a;
    return MPI_SUCCESS;
}

/* The predefined attributes' values live here; get hands out their addresses. */
static int predefined_values[8];

static int get_predefined(const char *fname, int kind, int keyval, void *val, int *flag)
{
    int v, present = 1;
    switch (kind == TN_KIND_COMM ? keyval : 0) {
    case MPI_TAG_UB:
        v = TN_TAG_UB;
        break;
    case MPI_HOST: /* no host process */
        v = MPI_PROC_NULL;
        break;
    case MPI_IO: /* every process can do I/O */
        v = MPI_ANY_SOURCE;
        break;
    case MPI_WTIME_IS_GLOBAL:
        v = 0;
        break;
    case MPI_UNIVERSE_SIZE:
        v = tn_rt.universe_size > 0 ? tn_rt.universe_size : tn_rt.world_size;
        break;
    case MPI_LASTUSEDCODE:
        v = tn_err_lastused();
        break;
    case MPI_APPNUM:
        v = tn_rt.appnum;
        present = v >= 0;
        break;
    default:
        return tn_err_set(MPI_ERR_KEYVAL, "%s: keyval %#x is not a predefined %s keyval", fname,
                          (unsigned)keyval, kind_name(kind));
    }
    *flag = present;
    if (present) {
        int *slot = &predefined_values[(TN_HANDLE_INDEX(keyval) & 0xf) >> 1];
        *slot = v;
        *(void **)val = slot;
    }
    return MPI_SUCCESS;
}

int tn_attr_get(const char *fname, int kind, tn_attr_t *list, int keyval, void *val, int *flag)
{
    if (!val || !flag)
        return tn_err_set(MPI_ERR_ARG, "%s: %s is NULL", fname, val ? "flag" : "attribute_val");
    if (is_predefined(keyval))
        return get_predefined(fname, kind, keyval, val, flag);
    tn_keyval_t *kv = NULL;
    int rc = keyval_check(fname, kind, keyval, 1, &kv);
    if (rc)
        return rc;
    tn_attr_t *a = *find(&list, keyval);
    *flag = a != NULL;
    if (a)
        *(void **)val = a->value;
    return MPI_SUCCESS;
}

int tn_attr_delete(const char *fname, int kind, int handle, tn_attr_t **list, int keyval)
{
    tn_keyval_t *kv = NULL;
    int rc = keyval_check(fname, kind, keyval, 1, &kv);
    if (rc)
        return rc;
    tn_attr_t **pos = find(list, keyval);
    if (!*pos)
        return tn_err_set(MPI_ERR_KEYVAL, "%s: no attribute is set for keyval %#x on this %s",
                          fname, (unsigned)keyval, kind_name(kind));
    if ((rc = call_delete(kv, handle, (*pos)->value)))
        return rc;
    unlink_attr(pos);
    return MPI_SUCCESS;
}

int tn_attr_copy_list(int kind, int old_handle, tn_attr_t *src, tn_attr_t **dst)
{
    tn_attr_t *head = NULL, **tail = &head;
    int rc = MPI_SUCCESS;
    for (tn_attr_t *a = src; a; a = a->next) {
        tn_keyval_t *kv = tn_htab_lookup(&keyval_tab, a->keyval);
        void *out = NULL;
        int flag = 0;
        if (!kv->copy_fn)
            continue;
        if ((rc = call_copy(kv, old_handle, a->value, &out, &flag)))
            break;
        if (!flag)
            continue;
        tn_attr_t *c = malloc(sizeof *c);
        if (!c) {
            rc = TN_ERR_SETMEM(kind == TN_KIND_COMM ? "MPI_Comm_dup" : "MPI_Type_dup");
            break;
        }
        *c = (tn_attr_t){.keyval = a->keyval, .value = out};
        kv->refs++;
        *tail = c;
        tail = &c->next;
    }
    if (rc) {
        while (head)
            unlink_attr(&head);
        return rc;
    }
    *dst = head;
    return MPI_SUCCESS;
}

int tn_attr_delete_all(int kind, int handle, tn_attr_t **list)
{
    int first_rc = MPI_SUCCESS;
    (void)kind;
    while (*list) {
        int rc = call_delete(tn_htab_lookup(&keyval_tab, (*list)->keyval), handle,
                             (*list)->value);
        if (!first_rc)
            first_rc = rc;
        unlink_attr(list);
    }
    return first_rc;
}

void tn_attr_finalize(void)
{
    for (int i = 0; i < keyval_tab.cap; i++)
        free(keyval_tab.slots[i]);
    tn_htab_destroy(&keyval_tab);
}
