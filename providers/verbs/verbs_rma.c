/* verbs provider: memory registration and rendezvous reads (get = RDMA
 * READ). Every region is registered for local writes and remote reads (a
 * read-only buffer, which can not be pinned for writing, for remote reads
 * only); the rkey blob carries its virtual address and rkey. Registration is
 * per message: nothing stays registered after mem_dereg, so freed and reused
 * buffers can not meet a stale registration. A read larger than the port's
 * largest message (or TERN_VERBS_MAX_MSG) is split; its completion runs
 * once every piece has landed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "providers/verbs/verbs.h"

int tn_verbs_mem_reg(tn_tp_t *base, void *addr, size_t len, struct tn_tp_mr **out, void *rkey,
                     size_t *rkey_len)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;
    tn_verbs_rkey_t k = {0, 0, 0};
    struct tn_tp_mr *m;
    int rc;

    if (*rkey_len < sizeof(k))
        return tn_err_set(MPI_ERR_INTERN, "verbs provider: mem_reg needs %zu bytes for the rkey, "
                                          "got %zu", sizeof(k), *rkey_len);
    /* a handle per registration: next to registering, malloc costs nothing */
    if (!(m = calloc(1, sizeof(*m))))
        return TN_ERR_SETMEM("verbs provider: mem_reg");
    if (len) {
        m->mr = ibv_reg_mr(tp->pd, addr, len, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ);
        if (!m->mr && (errno == EFAULT || errno == EACCES))
            m->mr = ibv_reg_mr(tp->pd, addr, len, IBV_ACCESS_REMOTE_READ);
        if (!m->mr) {
            char detail[160];
            snprintf(detail, sizeof(detail), "%zu bytes: %s%s", len, strerror(errno),
                     errno == ENOMEM ? " (raise the locked-memory limit: ulimit -l unlimited)"
                                     : "");
            rc = tn_verbs_error(tp, "registering memory", -1, detail);
            tn_verbs_mem_dereg(base, m);
            return rc;
        }
        k.addr = (uint64_t)(uintptr_t)addr;
        k.rkey = m->mr->rkey;
    }
    memcpy(rkey, &k, sizeof(k));
    *rkey_len = sizeof(k);
    *out = m;
    return MPI_SUCCESS;
}

int tn_verbs_mem_dereg(tn_tp_t *base, struct tn_tp_mr *m)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;
    int err = m->mr ? ibv_dereg_mr(m->mr) : 0;

    free(m);
    return err ? tn_verbs_error(tp, "deregistering memory", -1, strerror(err)) : MPI_SUCCESS;
}

void tn_verbs_read_done(tn_verbs_t *tp, tn_verbs_op_t *op, int status)
{
    tn_verbs_op_t *p = op->u.rd.parent;
    tn_tp_completion_t *comp;

    if (status != MPI_SUCCESS && p->u.rd.status == MPI_SUCCESS)
        p->u.rd.status = status;
    if (op != p)
        tn_verbs_op_put(tp, op);
    if (--p->u.rd.pending)
        return;
    comp = p->u.rd.comp;
    status = p->u.rd.status;
    tn_verbs_op_put(tp, p);
    comp->cb(comp, status);
}

int tn_verbs_get(tn_tp_t *base, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
                 const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp)
{
    tn_verbs_t *tp = (tn_verbs_t *)base;
    size_t pieces = len ? (len - 1) / tp->max_msg + 1 : 0;
    tn_verbs_op_t *first = NULL, **link = &first;
    tn_verbs_peer_t *p;
    tn_verbs_rkey_t k;
    int rc;

    if ((unsigned)peer >= (unsigned)tp->params.size || rkey_len != sizeof(k) || !comp ||
        (len && (!local_mr || !local_mr->mr)))
        return tn_err_set(MPI_ERR_INTERN,
                          "verbs provider: get(peer %d, rkey of %zu bytes, %s completion, %s local "
                          "registration): expected a peer below %d, a %zu-byte rkey from "
                          "mem_reg, a completion and a local registration",
                          peer, rkey_len, comp ? "a" : "no", local_mr ? "a" : "no",
                          tp->params.size, sizeof(k));
    if (!pieces) {
        comp->cb(comp, MPI_SUCCESS);
        return MPI_SUCCESS;
    }
    p = &tp->peer[peer];
    if (p->state == TN_VERBS_P_LOST)
        return p->lost;
    if (p->state == TN_VERBS_P_NONE && (rc = tn_verbs_connect(tp, peer)) != MPI_SUCCESS) {
        tn_verbs_peer_lost(tp, peer, rc);
        return rc;
    }
    memcpy(&k, rkey, sizeof(k));
    for (size_t i = 0; i < pieces; i++, link = &(*link)->next) {
        if ((rc = tn_verbs_op_get(tp, 0, link)) != MPI_SUCCESS) {
            while (first) {
                tn_verbs_op_t *next = first->next;
                tn_verbs_op_put(tp, first);
                first = next;
            }
            return rc;
        }
        tn_verbs_op_t *op = *link;
        size_t off = i * tp->max_msg;
        op->peer = peer;
        op->u.rd.parent = first;
        op->u.rd.local = (char *)local + off;
        op->u.rd.len = (uint32_t)(len - off < tp->max_msg ? len - off : tp->max_msg);
        op->u.rd.lkey = local_mr->mr->lkey;
        op->u.rd.raddr = k.addr + offset + off;
        op->u.rd.rkey = k.rkey;
    }
    first->u.rd.comp = comp;
    first->u.rd.pending = (int)pieces;
    first->u.rd.status = MPI_SUCCESS;
    for (tn_verbs_op_t *op = first, *next; op; op = next) {
        next = op->next;
        if ((rc = tn_verbs_submit(tp, op)) == MPI_SUCCESS)
            continue;
        if (op == first) { /* nothing went out: the caller hears of it */
            for (; op; op = next) {
                next = op->next;
                tn_verbs_op_put(tp, op);
            }
            return rc;
        }
        for (; op; op = next) { /* the pieces that went out finish first */
            next = op->next;
            tn_verbs_read_done(tp, op, rc);
        }
        break;
    }
    return MPI_SUCCESS;
}
