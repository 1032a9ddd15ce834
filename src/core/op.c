/* Reduction op objects and applying an op to typed buffers. */
#include <limits.h>
#include <stdlib.h>
#include "core/error.h"
#include "core/handle.h"
#include "core/op.h"

#define NBUILTIN 15 /* index = low bits of the handle, 1..14 */
#define BUILTIN_OP(h) [(unsigned)(h) & 0xfu] = {.handle = (h), .refs = 1, .builtin = 1, .commute = 1}

static tn_op_t builtins[NBUILTIN] = {
    BUILTIN_OP(MPI_MAX),    BUILTIN_OP(MPI_MIN),    BUILTIN_OP(MPI_SUM),
    BUILTIN_OP(MPI_PROD),   BUILTIN_OP(MPI_LAND),   BUILTIN_OP(MPI_BAND),
    BUILTIN_OP(MPI_LOR),    BUILTIN_OP(MPI_BOR),    BUILTIN_OP(MPI_LXOR),
    BUILTIN_OP(MPI_BXOR),   BUILTIN_OP(MPI_MINLOC), BUILTIN_OP(MPI_MAXLOC),
    /* MPICH reports these two as not commutative. */
    [(unsigned)MPI_REPLACE & 0xfu] = {.handle = MPI_REPLACE, .refs = 1, .builtin = 1},
    [(unsigned)MPI_NO_OP & 0xfu] = {.handle = MPI_NO_OP, .refs = 1, .builtin = 1},
};

static const char *const names[NBUILTIN] = {
    [(unsigned)MPI_MAX & 0xfu] = "MPI_MAX",       [(unsigned)MPI_MIN & 0xfu] = "MPI_MIN",
    [(unsigned)MPI_SUM & 0xfu] = "MPI_SUM",       [(unsigned)MPI_PROD & 0xfu] = "MPI_PROD",
    [(unsigned)MPI_LAND & 0xfu] = "MPI_LAND",     [(unsigned)MPI_BAND & 0xfu] = "MPI_BAND",
    [(unsigned)MPI_LOR & 0xfu] = "MPI_LOR",       [(unsigned)MPI_BOR & 0xfu] = "MPI_BOR",
    [(unsigned)MPI_LXOR & 0xfu] = "MPI_LXOR",     [(unsigned)MPI_BXOR & 0xfu] = "MPI_BXOR",
    [(unsigned)MPI_MINLOC & 0xfu] = "MPI_MINLOC", [(unsigned)MPI_MAXLOC & 0xfu] = "MPI_MAXLOC",
    [(unsigned)MPI_REPLACE & 0xfu] = "MPI_REPLACE", [(unsigned)MPI_NO_OP & 0xfu] = "MPI_NO_OP",
};

static tn_htab_t op_tab = TN_HTAB_INIT(TN_KIND_OP);

void tn_op_init_builtins(void)
{
    /* The predefined ops are static; nothing to set up. */
}

tn_op_t *tn_op_get(MPI_Op handle)
{
    if (TN_HANDLE_TIER(handle) == TN_HANDLE_TIER_BUILTIN && TN_HANDLE_KIND(handle) == TN_KIND_OP) {
        unsigned i = TN_HANDLE_INDEX(handle);
        return i < NBUILTIN && builtins[i].handle == handle ? &builtins[i] : NULL;
    }
    return tn_htab_lookup(&op_tab, handle);
}

tn_op_t *tn_op_ref(tn_op_t *op)
{
    if (!op->builtin)
        op->refs++;
    return op;
}

void tn_op_release(tn_op_t *op)
{
    if (!op || op->builtin || --op->refs > 0)
        return;
    tn_htab_remove(&op_tab, op->handle);
    free(op);
}

int tn_op_create(MPI_User_function *fn, MPI_User_function_c *fn_c, int commute, tn_op_t **out)
{
    tn_op_t *op = malloc(sizeof *op);
    if (!op)
        return TN_ERR_SETMEM("MPI_Op_create");
    *op = (tn_op_t){.refs = 1, .commute = commute != 0, .user_fn = fn, .user_fn_c = fn_c};
    if (!(op->handle = tn_htab_insert(&op_tab, op))) {
        free(op);
        return TN_ERR_SETMEM("MPI_Op_create");
    }
    *out = op;
    return MPI_SUCCESS;
}

const char *tn_op_name(const tn_op_t *op)
{
    return op->builtin ? names[(unsigned)op->handle & 0xfu] : "user op";
}

static int is_acc_only(const tn_op_t *op)
{
    return op->handle == MPI_REPLACE || op->handle == MPI_NO_OP;
}

/* Whether builtin op has a kernel for dt's data. */
static int kernel_check(const char *fname, const tn_op_t *op, const tn_datatype_t *dt)
{
    if (dt->basic == MPI_DATATYPE_NULL)
        return tn_err_set(MPI_ERR_OP,
                          "%s: %s is not defined for datatype 0x%x, which mixes basic types",
                          fname, tn_op_name(op), (unsigned)dt->handle);
    if (!tn_op_kernel(op->handle, dt->basic))
        return tn_err_set(MPI_ERR_OP, "%s: %s is not defined for %s%s", fname, tn_op_name(op),
                          dt->builtin ? "" : "derived datatypes of ",
                          tn_datatype_name(tn_datatype_get(dt->basic)));
    return MPI_SUCCESS;
}

int tn_op_check(const char *fname, const tn_op_t *op, const tn_datatype_t *dt)
{
    if (!op->builtin)
        return MPI_SUCCESS;
    if (is_acc_only(op))
        return tn_err_set(MPI_ERR_OP, "%s: %s is only allowed in accumulate operations", fname,
                          tn_op_name(op));
    return kernel_check(fname, op, dt);
}

int tn_op_check_acc(const char *fname, const tn_op_t *op, const tn_datatype_t *dt)
{
    if (!op->builtin)
        return tn_err_set(MPI_ERR_OP, "%s: only predefined ops are allowed, not user ops", fname);
    if (dt->basic == MPI_DATATYPE_NULL)
        return tn_err_set(MPI_ERR_TYPE,
                          "%s: datatype 0x%x mixes basic types; accumulate needs a single one",
                          fname, (unsigned)dt->handle);
    return is_acc_only(op) ? MPI_SUCCESS : kernel_check(fname, op, dt);
}

/* Applies kernel k of basic type b over the basic elements of count
 * elements of derived type dt. */
static void apply_derived(tn_op_kernel_t *k, const tn_datatype_t *b, const char *in, char *io,
                          MPI_Aint count, const tn_datatype_t *dt)
{
    int dense = b->contig; /* b's elements have no holes */
    const void *start;
    if (dense && tn_dtype_is_contig(dt, count, io, &start)) {
        MPI_Aint off = (const char *)start - io;
        k(in + off, io + off, (MPI_Aint)((MPI_Count)count * dt->size / b->size));
        return;
    }
    /* Pieces hold whole basic elements of dense types; elements of pairs with
     * padding start where the packed offset is a multiple of their size. */
    tn_dtype_iter_t it;
    tn_dtype_iter_init(&it, dt, io, count, 0);
    MPI_Count pos = 0, bs = b->size;
    void *p;
    MPI_Aint len;
    while ((len = tn_dtype_iter_next(&it, LONG_MAX, &p))) {
        MPI_Aint off = (char *)p - io;
        if (dense) {
            k(in + off, p, len / bs);
        } else {
            for (MPI_Count m = (pos + bs - 1) / bs * bs; m < pos + len; m += bs)
                k(in + off + (m - pos), (char *)p + (m - pos), 1);
        }
        pos += len;
    }
}

static void apply_user(const tn_op_t *op, const char *in, char *io, MPI_Aint count,
                       const tn_datatype_t *dt)
{
    MPI_Datatype h = dt->handle;
    if (op->user_fn_c) {
        MPI_Count n = count;
        op->user_fn_c((void *)in, io, &n, &h);
        return;
    }
    while (count > 0) { /* the int interface takes at most INT_MAX at a time */
        int n = count > INT_MAX ? INT_MAX : (int)count;
        op->user_fn((void *)in, io, &n, &h);
        in += (MPI_Aint)n * dt->extent;
        io += (MPI_Aint)n * dt->extent;
        count -= n;
    }
}

int tn_op_apply(const tn_op_t *op, const void *in, void *inout, MPI_Aint count,
                const tn_datatype_t *dt)
{
    if (count == 0)
        return MPI_SUCCESS;
    if (!op->builtin) {
        apply_user(op, in, inout, count, dt);
        return MPI_SUCCESS;
    }
    if (op->handle == MPI_NO_OP)
        return MPI_SUCCESS;
    if (op->handle == MPI_REPLACE)
        return tn_dtype_copy(in, count, dt, inout, count, dt);
    tn_op_kernel_t *k = tn_op_kernel(op->handle, dt->basic);
    if (!k)
        return kernel_check("reduction", op, dt);
    if (dt->builtin)
        k(in, inout, count);
    else
        apply_derived(k, tn_datatype_get(dt->basic), in, inout, count, dt);
    return MPI_SUCCESS;
}
