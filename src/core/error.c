/* Error codes, classes and messages.
 *
 * Codes made by tn_err_set carry a sequence number: code = class | seq << 7,
 * 1 <= seq < 2^23, so every code stays <= MPI_ERR_LASTCODE. The message sits in
 * ring[seq % TN_ERR_RING] together with the code it belongs to; once the slot
 * is reused the code falls back to its class's generic text.
 *
 * Classes and codes added by the user (MPI_Add_error_class/_code) have bit 30
 * set: TN_ERR_USER_BIT | index << 7 | low, where low is the class when that is
 * predefined (so masking still gives something sensible) and MPI_ERR_OTHER
 * otherwise. tn_err_class looks the true class up in the table. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"

#define TN_ERR_RING 64 /* power of two */
#define TN_ERR_SEQ_LIMIT (1u << 23)
#define TN_ERR_USER_BIT 0x40000000
#define TN_ERR_USER_INDEX(code) ((((unsigned)(code)) & ~(unsigned)TN_ERR_USER_BIT) >> TN_ERR_CLASS_BITS)
#define TN_ERR_NBUILTIN (TN_ERR_CLASS_MASK + 1)

static const char *const class_text[TN_ERR_NBUILTIN] = {
    [MPI_SUCCESS] = "No MPI error",
    [MPI_ERR_BUFFER] = "Invalid buffer pointer",
    [MPI_ERR_COUNT] = "Invalid count argument",
    [MPI_ERR_TYPE] = "Invalid datatype argument",
    [MPI_ERR_TAG] = "Invalid tag argument",
    [MPI_ERR_COMM] = "Invalid communicator",
    [MPI_ERR_RANK] = "Invalid rank",
    [MPI_ERR_ROOT] = "Invalid root",
    [MPI_ERR_GROUP] = "Invalid group",
    [MPI_ERR_OP] = "Invalid operation",
    [MPI_ERR_TOPOLOGY] = "Invalid topology",
    [MPI_ERR_DIMS] = "Invalid dimension argument",
    [MPI_ERR_ARG] = "Invalid argument",
    [MPI_ERR_UNKNOWN] = "Unknown error",
    [MPI_ERR_TRUNCATE] = "Message truncated on receive",
    [MPI_ERR_OTHER] = "Other MPI error",
    [MPI_ERR_INTERN] = "Internal MPI error",
    [MPI_ERR_IN_STATUS] = "Error code is in status",
    [MPI_ERR_PENDING] = "Pending request",
    [MPI_ERR_REQUEST] = "Invalid request",
    [MPI_ERR_ACCESS] = "Permission denied",
    [MPI_ERR_AMODE] = "Invalid file access mode",
    [MPI_ERR_BAD_FILE] = "Invalid file name",
    [MPI_ERR_CONVERSION] = "Error in a user data conversion function",
    [MPI_ERR_DUP_DATAREP] = "Data representation is already registered",
    [MPI_ERR_FILE_EXISTS] = "File exists",
    [MPI_ERR_FILE_IN_USE] = "File is in use",
    [MPI_ERR_FILE] = "Invalid file handle",
    [MPI_ERR_INFO] = "Invalid info object",
    [MPI_ERR_INFO_KEY] = "Invalid info key",
    [MPI_ERR_INFO_VALUE] = "Invalid info value",
    [MPI_ERR_INFO_NOKEY] = "Info key is not defined",
    [MPI_ERR_IO] = "I/O error",
    [MPI_ERR_NAME] = "Invalid service name",
    [MPI_ERR_NO_MEM] = "Out of memory",
    [MPI_ERR_NOT_SAME] = "Arguments are not the same on all processes",
    [MPI_ERR_NO_SPACE] = "Not enough space",
    [MPI_ERR_NO_SUCH_FILE] = "File does not exist",
    [MPI_ERR_PORT] = "Invalid port name",
    [MPI_ERR_QUOTA] = "Quota exceeded",
    [MPI_ERR_READ_ONLY] = "File or directory is read-only",
    [MPI_ERR_SERVICE] = "Service name is not published",
    [MPI_ERR_SPAWN] = "Could not spawn processes",
    [MPI_ERR_UNSUPPORTED_DATAREP] = "Unsupported data representation",
    [MPI_ERR_UNSUPPORTED_OPERATION] = "Unsupported operation",
    [MPI_ERR_WIN] = "Invalid window",
    [MPI_ERR_BASE] = "Invalid base address",
    [MPI_ERR_LOCKTYPE] = "Invalid lock type",
    [MPI_ERR_KEYVAL] = "Invalid attribute key",
    [MPI_ERR_RMA_CONFLICT] = "Conflicting accesses to a window",
    [MPI_ERR_RMA_SYNC] = "Wrong synchronization of RMA calls",
    [MPI_ERR_SIZE] = "Invalid size argument",
    [MPI_ERR_DISP] = "Invalid displacement argument",
    [MPI_ERR_ASSERT] = "Invalid assert argument",
    [MPI_ERR_RMA_RANGE] = "Target memory is outside the window",
    [MPI_ERR_RMA_ATTACH] = "Memory can not be attached to the window",
    [MPI_ERR_RMA_SHARED] = "Memory can not be shared",
    [MPI_ERR_RMA_FLAVOR] = "Wrong window flavor for this call",
    [MPI_T_ERR_MEMORY] = "MPI_T: out of memory",
    [MPI_T_ERR_NOT_INITIALIZED] = "MPI_T: the tool interface is not initialized",
    [MPI_T_ERR_CANNOT_INIT] = "MPI_T: the tool interface can not be initialized now",
    [MPI_T_ERR_INVALID_INDEX] = "MPI_T: invalid index",
    [MPI_T_ERR_INVALID_ITEM] = "MPI_T: invalid item index",
    [MPI_T_ERR_INVALID_HANDLE] = "MPI_T: invalid handle",
    [MPI_T_ERR_OUT_OF_HANDLES] = "MPI_T: no more handles available",
    [MPI_T_ERR_OUT_OF_SESSIONS] = "MPI_T: no more sessions available",
    [MPI_T_ERR_INVALID_SESSION] = "MPI_T: invalid session",
    [MPI_T_ERR_CVAR_SET_NOT_NOW] = "MPI_T: the control variable can not be set now",
    [MPI_T_ERR_CVAR_SET_NEVER] = "MPI_T: the control variable can not be set",
    [MPI_T_ERR_PVAR_NO_STARTSTOP] = "MPI_T: the performance variable can not be started or stopped",
    [MPI_T_ERR_PVAR_NO_WRITE] = "MPI_T: the performance variable can not be written or reset",
    [MPI_T_ERR_PVAR_NO_ATOMIC] = "MPI_T: the performance variable can not be read and written atomically",
    [MPI_T_ERR_INVALID_NAME] = "MPI_T: invalid name",
    [MPI_T_ERR_INVALID] = "MPI_T: invalid use of the tool interface",
    [MPI_ERR_SESSION] = "Invalid session",
    [MPI_ERR_PROC_ABORTED] = "A process involved in the operation has aborted",
    [MPI_ERR_VALUE_TOO_LARGE] = "Value is too large to store",
    [MPI_T_ERR_NOT_SUPPORTED] = "MPI_T: the requested functionality is not supported",
#ifdef MPI_T_ERR_NOT_ACCESSIBLE
    [MPI_T_ERR_NOT_ACCESSIBLE] = "MPI_T: the variable is not accessible",
#endif
#ifdef MPI_ERR_ERRHANDLER
    [MPI_ERR_ERRHANDLER] = "Invalid error handler",
#endif
};

struct ring_slot {
    _Atomic int code; /* 0 while the message is being written */
    char msg[MPI_MAX_ERROR_STRING];
};

static struct ring_slot ring[TN_ERR_RING];
static atomic_uint ring_seq;

/* User classes and codes; index 0 is unused so that no user code has slot 0. */
struct user_err {
    int cls;    /* the class (the entry's own code for a user class) */
    int live;
    int ncodes; /* for classes: live codes in this class */
    char *str;
};

static pthread_mutex_t user_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_err *users;
static int nusers = 1, users_cap;
static int lastused = MPI_ERR_LASTCODE;

int tn_err_set(int err_class, const char *fmt, ...)
{
    if (err_class <= MPI_SUCCESS || err_class >= TN_ERR_NBUILTIN)
        return err_class; /* user classes carry no message */
    unsigned seq = atomic_fetch_add_explicit(&ring_seq, 1, memory_order_relaxed)
                   % (TN_ERR_SEQ_LIMIT - 1) + 1;
    int code = err_class | (int)(seq << TN_ERR_CLASS_BITS);
    struct ring_slot *s = &ring[seq % TN_ERR_RING];
    atomic_store_explicit(&s->code, 0, memory_order_relaxed);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    atomic_store_explicit(&s->code, code, memory_order_release);
    return code;
}

static int is_user(int code)
{
    return code > 0 && (code & TN_ERR_USER_BIT);
}

/* The live user entry for code, or NULL; call with user_lock held. */
static struct user_err *user_entry(int code)
{
    unsigned i = TN_ERR_USER_INDEX(code);
    if (i == 0 || i >= (unsigned)nusers || !users[i].live)
        return NULL;
    return &users[i];
}

int tn_err_is_valid(int code)
{
    if (code < 0)
        return 0;
    if (!is_user(code))
        return code == MPI_SUCCESS ||
               ((code & TN_ERR_CLASS_MASK) && class_text[code & TN_ERR_CLASS_MASK]);
    pthread_mutex_lock(&user_lock);
    int ok = user_entry(code) != NULL;
    pthread_mutex_unlock(&user_lock);
    return ok;
}

int tn_err_class(int code)
{
    if (!is_user(code))
        return code & TN_ERR_CLASS_MASK;
    pthread_mutex_lock(&user_lock);
    struct user_err *u = user_entry(code);
    int cls = u ? u->cls : MPI_ERR_UNKNOWN;
    pthread_mutex_unlock(&user_lock);
    return cls;
}

const char *tn_err_string(int code)
{
    if (is_user(code)) {
        /* The standard gives "" for user codes and classes without a string. */
        pthread_mutex_lock(&user_lock);
        struct user_err *u = user_entry(code);
        const char *s = u && u->str ? u->str : "";
        pthread_mutex_unlock(&user_lock);
        return s;
    }
    if (code >> TN_ERR_CLASS_BITS) {
        const struct ring_slot *s = &ring[(unsigned)code >> TN_ERR_CLASS_BITS & (TN_ERR_RING - 1)];
        if (atomic_load_explicit(&s->code, memory_order_acquire) == code)
            return s->msg;
    }
    const char *t = code >= 0 ? class_text[code & TN_ERR_CLASS_MASK] : NULL;
    return t ? t : "Unknown error code";
}

/* Appends an entry; returns its code or 0 when out of memory. */
static int user_add(int cls)
{
    if (nusers >= users_cap) {
        int cap = users_cap ? 2 * users_cap : 16;
        if ((unsigned)cap >= TN_ERR_SEQ_LIMIT)
            return 0;
        struct user_err *u = realloc(users, (size_t)cap * sizeof *u);
        if (!u)
            return 0;
        users = u;
        users_cap = cap;
    }
    int i = nusers++;
    int low = cls > 0 && cls < TN_ERR_NBUILTIN ? cls : MPI_ERR_OTHER;
    int code = TN_ERR_USER_BIT | i << TN_ERR_CLASS_BITS | low;
    users[i] = (struct user_err){.cls = cls ? cls : code, .live = 1};
    lastused = code;
    return code;
}

int tn_err_add_class(int *err_class)
{
    pthread_mutex_lock(&user_lock);
    int code = user_add(0);
    pthread_mutex_unlock(&user_lock);
    if (!code)
        return TN_ERR_SETMEM("MPI_Add_error_class");
    *err_class = code;
    return MPI_SUCCESS;
}

int tn_err_add_code(int err_class, int *code)
{
    int rc = MPI_SUCCESS, c = 0;
    pthread_mutex_lock(&user_lock);
    struct user_err *k = is_user(err_class) ? user_entry(err_class) : NULL;
    if (is_user(err_class) ? !k || k->cls != err_class
                           : err_class <= MPI_SUCCESS || err_class >= TN_ERR_NBUILTIN ||
                                 !class_text[err_class]) {
        rc = -1;
    } else if (!(c = user_add(err_class))) {
        rc = -2;
    } else if (k) {
        users[TN_ERR_USER_INDEX(err_class)].ncodes++;
    }
    pthread_mutex_unlock(&user_lock);
    if (rc == -1)
        return tn_err_set(MPI_ERR_ARG, "MPI_Add_error_code: errorclass %d is not a valid error class",
                          err_class);
    if (rc == -2)
        return TN_ERR_SETMEM("MPI_Add_error_code");
    *code = c;
    return MPI_SUCCESS;
}

int tn_err_set_string(int code, const char *str)
{
    size_t len = strlen(str);
    if (len >= MPI_MAX_ERROR_STRING)
        return tn_err_set(MPI_ERR_ARG,
                          "MPI_Add_error_string: the string is %zu characters long; at most %d "
                          "are allowed",
                          len, MPI_MAX_ERROR_STRING - 1);
    char *copy = strdup(str);
    if (!copy)
        return TN_ERR_SETMEM("MPI_Add_error_string");
    pthread_mutex_lock(&user_lock);
    struct user_err *u = is_user(code) ? user_entry(code) : NULL;
    if (u) {
        free(u->str);
        u->str = copy;
    }
    pthread_mutex_unlock(&user_lock);
    if (!u) {
        free(copy);
        return tn_err_set(MPI_ERR_ARG,
                          "MPI_Add_error_string: errorcode %d is not a user-added error code or "
                          "class (strings of predefined codes can not be changed)",
                          code);
    }
    return MPI_SUCCESS;
}

int tn_err_remove(int code, int what)
{
    const char *fname = what == TN_ERR_REMOVE_CLASS  ? "MPI_Remove_error_class"
                        : what == TN_ERR_REMOVE_CODE ? "MPI_Remove_error_code"
                                                     : "MPI_Remove_error_string";
    int rc = 0;
    pthread_mutex_lock(&user_lock);
    struct user_err *u = is_user(code) ? user_entry(code) : NULL;
    int is_class = u && u->cls == code;
    if (!u || (what == TN_ERR_REMOVE_CLASS && !is_class) ||
        (what == TN_ERR_REMOVE_CODE && is_class)) {
        rc = 1;
    } else if (what == TN_ERR_REMOVE_STRING) {
        if (!u->str)
            rc = 2;
        free(u->str);
        u->str = NULL;
    } else if (is_class && u->ncodes > 0) {
        rc = 3;
    } else {
        if (is_user(u->cls) && !is_class)
            users[TN_ERR_USER_INDEX(u->cls)].ncodes--;
        free(u->str);
        *u = (struct user_err){0};
    }
    int ncodes = u ? u->ncodes : 0;
    pthread_mutex_unlock(&user_lock);
    switch (rc) {
    case 1:
        return tn_err_set(MPI_ERR_ARG, "%s: %d is not a user-added error %s", fname, code,
                          what == TN_ERR_REMOVE_CLASS  ? "class"
                          : what == TN_ERR_REMOVE_CODE ? "code"
                                                       : "code or class");
    case 2:
        return tn_err_set(MPI_ERR_ARG, "%s: error code %d has no user-added string", fname, code);
    case 3:
        return tn_err_set(MPI_ERR_ARG,
                          "%s: error class %d still has %d error code(s); remove them first",
                          fname, code, ncodes);
    }
    return MPI_SUCCESS;
}

int tn_err_lastused(void)
{
    pthread_mutex_lock(&user_lock);
    int v = lastused;
    pthread_mutex_unlock(&user_lock);
    return v;
}

void tn_err_finalize(void)
{
    pthread_mutex_lock(&user_lock);
    for (int i = 1; i < nusers; i++)
        free(users[i].str);
    free(users);
    users = NULL;
    nusers = 1;
    users_cap = 0;
    lastused = MPI_ERR_LASTCODE;
    pthread_mutex_unlock(&user_lock);
}
