/* Error handlers: the builtin ones, user handlers, and raising an error on
 * the object a call was made on. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "core/comm.h"
#include "core/error.h"
#include "core/errhandler.h"
#include "core/handle.h"
#include "core/runtime.h"
#include "pmi/pmi.h"

/* Indexed by the builtin handles' index bits (MPICH: 0 fatal, 1 return, 3 abort). */
static tn_errhandler_t builtins[4] = {
    [0] = {.handle = MPI_ERRORS_ARE_FATAL, .refs = 1, .kind = TN_ERRH_FATAL},
    [1] = {.handle = MPI_ERRORS_RETURN, .refs = 1, .kind = TN_ERRH_RETURN},
    [3] = {.handle = MPI_ERRORS_ABORT, .refs = 1, .kind = TN_ERRH_ABORT},
};

static tn_htab_t errh_tab = TN_HTAB_INIT(TN_KIND_ERRHANDLER);

/* Whether the user set a handler on MPI_COMM_SELF (see tn_err_raise). */
static int self_handler_set;

static int is_builtin(const tn_errhandler_t *e)
{
    return e >= builtins && e < builtins + 4;
}

tn_errhandler_t *tn_errhandler_get(MPI_Errhandler h)
{
    if (TN_HANDLE_TIER(h) == TN_HANDLE_TIER_BUILTIN && TN_HANDLE_KIND(h) == TN_KIND_ERRHANDLER) {
        unsigned i = TN_HANDLE_INDEX(h);
        return i < 4 && builtins[i].handle == h ? &builtins[i] : NULL;
    }
    return tn_htab_lookup(&errh_tab, h);
}

tn_errhandler_t *tn_errhandler_ref(tn_errhandler_t *e)
{
    if (!is_builtin(e))
        e->refs++;
    return e;
}

void tn_errhandler_release(tn_errhandler_t *e)
{
    if (!e || is_builtin(e) || --e->refs > 0)
        return;
    tn_htab_remove(&errh_tab, e->handle);
    free(e);
}

int tn_errhandler_create(enum tn_errh_kind kind, void (*fn)(void), tn_errhandler_t **out)
{
    tn_errhandler_t *e = malloc(sizeof *e);
    if (!e)
        return TN_ERR_SETMEM("MPI_Comm_create_errhandler");
    *e = (tn_errhandler_t){.refs = 1, .kind = kind, .fn = fn};
    if (!(e->handle = tn_htab_insert(&errh_tab, e))) {
        free(e);
        return TN_ERR_SETMEM("MPI_Comm_create_errhandler");
    }
    *out = e;
    return MPI_SUCCESS;
}

void tn_errhandler_set_comm(tn_comm_t *c, tn_errhandler_t *e)
{
    tn_errhandler_ref(e);
    tn_errhandler_release(c->errhandler);
    c->errhandler = e;
    if (c == tn_comm_self)
        self_handler_set = 1;
}

_Noreturn void tn_err_fatal(int code)
{
    char host[MPI_MAX_PROCESSOR_NAME] = "";
    const char *h = tn_rt.hostname;
    if (!h[0]) {
        h = host;
        if (gethostname(host, sizeof host - 1))
            host[0] = '\0';
    }
    char line[MPI_MAX_ERROR_STRING + MPI_MAX_PROCESSOR_NAME + 64];
    snprintf(line, sizeof line, "[tern] rank %d (%s): %s", tn_rt.world_rank, h,
             tn_err_string(code));
    int cls = tn_err_class(code);
    /* tn_pmi_abort prints the line to stderr before it ends the job. */
    tn_pmi_abort(cls > 0 && cls <= TN_ERR_CLASS_MASK ? cls : 1, line);
}

/* Runs handler e for code raised on the communicator with handle h. */
static int invoke(tn_errhandler_t *e, MPI_Comm h, int code)
{
    switch (e->kind) {
    case TN_ERRH_RETURN:
        return code;
    case TN_ERRH_USER_COMM: {
        int c = code;
        /* The handler may free itself or reset the comm's handler: keep it alive. */
        tn_errhandler_ref(e);
        ((MPI_Comm_errhandler_function *)(void *)e->fn)(&h, &c);
        tn_errhandler_release(e);
        return code;
    }
    default: /* fatal, abort; other kinds are never attached to communicators */
        tn_err_fatal(code);
    }
}

/* The handler for errors not tied to a valid communicator. MPI 4 raises them
 * on MPI_COMM_SELF, older codes expect MPI_COMM_WORLD: honour SELF's handler
 * when the user set one. Before MPI_Init and after MPI_Finalize errors are fatal. */
static tn_comm_t *default_comm(void)
{
    if (self_handler_set && tn_comm_self)
        return tn_comm_self;
    return tn_comm_world;
}

int tn_errhandler_invoke_comm(tn_comm_t *c, int code)
{
    return invoke(c->errhandler, c->handle, code);
}

int tn_err_raise_comm(MPI_Comm comm, int code)
{
    if (code == MPI_SUCCESS)
        return code;
    tn_comm_t *c = tn_comm_world ? tn_comm_get(comm) : NULL;
    if (!c)
        c = default_comm();
    if (!c)
        tn_err_fatal(code);
    return invoke(c->errhandler, c->handle, code);
}

int tn_err_raise(int code)
{
    if (code == MPI_SUCCESS)
        return code;
    tn_comm_t *c = default_comm();
    if (!c)
        tn_err_fatal(code);
    return invoke(c->errhandler, c->handle, code);
}
