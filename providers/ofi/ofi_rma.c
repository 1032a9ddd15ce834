/* libfabric provider: memory registration and RMA (get = fi_read, put =
 * fi_write).
 *
 * Registration honours the domain's mr_mode: keys are chosen by Tern (a
 * counter) unless FI_MR_PROV_KEY, regions are bound to the endpoint under
 * FI_MR_ENDPOINT, remote addresses are virtual addresses under
 * FI_MR_VIRT_ADDR and offsets into the region otherwise, and local buffers
 * carry their descriptor (FI_MR_LOCAL). A transfer larger than the provider's
 * largest message is split; its completion runs once every piece is done. */
#include <stdlib.h>
#include <string.h>
#include "core/error.h"
#include "providers/ofi/ofi.h"

#define KEY_TRIES 16 /* requested keys tried when one is taken */

int tn_ofi_mr_reg(tn_ofi_t *tp, void *addr, size_t len, uint64_t access, struct fid_mr **out)
{
    const struct fi_domain_attr *d = tp->info->domain_attr;
    uint64_t key_mask = d->mr_key_size >= 8 ? ~0ull : (1ull << (8 * d->mr_key_size)) - 1;
    struct fid_mr *mr = NULL;
    int rc;

    for (int t = 0; t < KEY_TRIES; t++) {
        uint64_t key = (d->mr_mode & FI_MR_PROV_KEY) ? 0 : tp->next_key++ & key_mask;
        rc = fi_mr_reg(tp->domain, addr, len, access, 0, key, 0, &mr, NULL);
        if (rc != -FI_ENOKEY || (d->mr_mode & FI_MR_PROV_KEY))
            break;
    }
    if (rc)
        return tn_ofi_error(tp, "registering memory", -1, -rc, NULL);
    if ((d->mr_mode & FI_MR_ENDPOINT) &&
        ((rc = fi_mr_bind(mr, &tp->ep->fid, 0)) || (rc = fi_mr_enable(mr)))) {
        fi_close(&mr->fid);
        return tn_ofi_error(tp, "binding registered memory to the endpoint", -1, -rc, NULL);
    }
    *out = mr;
    return MPI_SUCCESS;
}

int tn_ofi_mem_reg(tn_tp_t *base, void *addr, size_t len, struct tn_tp_mr **out, void *rkey,
                   size_t *rkey_len)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;
    uint64_t access = FI_READ | FI_REMOTE_READ;
    tn_ofi_rkey_t k = {0, 0};
    struct tn_tp_mr *m;
    int rc;

    if (*rkey_len < sizeof(k))
        return tn_err_set(MPI_ERR_INTERN, "ofi provider: mem_reg needs %zu bytes for the rkey, "
                                          "got %zu",
                          sizeof(k), *rkey_len);
    /* a handle per registration: next to registering, malloc costs nothing */
    if (!(m = calloc(1, sizeof(*m))))
        return TN_ERR_SETMEM("ofi provider: mem_reg");
    if (tp->base.caps & TN_TP_CAP_PUT)
        access |= FI_WRITE | FI_REMOTE_WRITE;
    if (len) {
        if ((rc = tn_ofi_mr_reg(tp, addr, len, access, &m->mr)) != MPI_SUCCESS) {
            tn_ofi_mem_dereg(base, m);
            return rc;
        }
        m->desc = fi_mr_desc(m->mr);
        k.key = fi_mr_key(m->mr);
        if (tp->info->domain_attr->mr_mode & FI_MR_VIRT_ADDR)
            k.addr = (uint64_t)(uintptr_t)addr;
    }
    memcpy(rkey, &k, sizeof(k));
    *rkey_len = sizeof(k);
    *out = m;
    return MPI_SUCCESS;
}

int tn_ofi_mem_dereg(tn_tp_t *base, struct tn_tp_mr *m)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;
    int rc = m->mr ? fi_close(&m->mr->fid) : 0;

    free(m);
    return rc ? tn_ofi_error(tp, "deregistering memory", -1, -rc, NULL) : MPI_SUCCESS;
}

int tn_ofi_rma_done(tn_ofi_t *tp, tn_ofi_op_t *op, int status)
{
    tn_ofi_op_t *p = op->u.rma.parent;
    tn_tp_completion_t *comp;

    tp->inflight--;
    if (status != MPI_SUCCESS) { /* may fail the group's other pieces first */
        status = tn_ofi_peer_lost(tp, op->peer, status);
        if (p->u.rma.status == MPI_SUCCESS)
            p->u.rma.status = status;
    }
    if (op != p)
        tn_ofi_op_release(tp, op);
    if (--p->u.rma.pending)
        return MPI_SUCCESS;
    comp = p->comp;
    status = p->u.rma.status;
    tn_ofi_op_release(tp, p);
    comp->cb(comp, status);
    return MPI_SUCCESS;
}

/* Reads (kind TN_OFI_READ) or writes [local, local+len) from or to the
 * peer's region named by rkey, from offset on. */
static int rma(tn_ofi_t *tp, enum tn_ofi_kind kind, int peer, void *local, size_t len,
               struct tn_tp_mr *local_mr, const void *rkey, size_t rkey_len, uint64_t offset,
               tn_tp_completion_t *comp)
{
    size_t pieces = len ? (len - 1) / tp->rma_max + 1 : 0;
    tn_ofi_op_t *first = NULL, **link = &first;
    tn_ofi_rkey_t k;
    fi_addr_t dest;
    int rc;

    if ((unsigned)peer >= (unsigned)tp->params.size || rkey_len != sizeof(k) || !comp ||
        (tp->mr_local && len && !local_mr))
        return tn_err_set(MPI_ERR_INTERN,
                          "ofi provider: %s(peer %d, rkey of %zu bytes, %s completion, %s local "
                          "registration): expected a peer below %d, a %zu-byte rkey from "
                          "mem_reg, a completion%s",
                          kind == TN_OFI_READ ? "get" : "put", peer, rkey_len,
                          comp ? "a" : "no", local_mr ? "a" : "no", tp->params.size, sizeof(k),
                          tp->mr_local ? " and a local registration" : "");
    if (!pieces) {
        comp->cb(comp, MPI_SUCCESS);
        return MPI_SUCCESS;
    }
    if ((rc = tn_ofi_peer(tp, peer, &dest)) != MPI_SUCCESS)
        return rc;
    memcpy(&k, rkey, sizeof(k));
    for (size_t i = 0; i < pieces; i++, link = &(*link)->next) {
        if ((rc = tn_ofi_op_get(tp, 0, link)) != MPI_SUCCESS) {
            while (first) {
                tn_ofi_op_t *next = first->next;
                tn_ofi_op_put(tp, first);
                first = next;
            }
            return rc;
        }
        tn_ofi_op_t *op = *link;
        size_t off = i * tp->rma_max;
        op->ctx.kind = kind;
        op->peer = peer;
        op->dest = dest;
        op->u.rma.parent = first;
        op->u.rma.local = (char *)local + off;
        op->u.rma.len = len - off < tp->rma_max ? len - off : tp->rma_max;
        op->u.rma.desc = local_mr ? local_mr->desc : NULL;
        op->u.rma.raddr = k.addr + offset + off;
        op->u.rma.key = k.key;
    }
    first->comp = comp;
    first->u.rma.pending = (int)pieces;
    first->u.rma.status = MPI_SUCCESS;
    for (tn_ofi_op_t *op = first, *next; op; op = next) {
        next = op->next;
        if ((rc = tn_ofi_submit(tp, op)) == MPI_SUCCESS)
            continue;
        if (op == first) { /* nothing went out: the caller hears of it */
            for (; op; op = next) {
                next = op->next;
                tn_ofi_op_put(tp, op);
            }
            return rc;
        }
        for (; op; op = next) { /* the pieces that went out finish first */
            next = op->next;
            tp->inflight++;
            tn_ofi_rma_done(tp, op, rc);
        }
        break;
    }
    return MPI_SUCCESS;
}

int tn_ofi_get(tn_tp_t *base, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp)
{
    return rma((tn_ofi_t *)base, TN_OFI_READ, peer, local, len, local_mr, rkey, rkey_len, offset,
               comp);
}

int tn_ofi_put(tn_tp_t *base, int peer, const void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;

    if (!(tp->base.caps & TN_TP_CAP_PUT))
        return tn_err_set(MPI_ERR_INTERN, "ofi provider: put() on libfabric %s, which offers no "
                                          "RMA writes here",
                          tp->prov);
    return rma(tp, TN_OFI_WRITE, peer, (void *)local, len, local_mr, rkey, rkey_len, offset,
               comp);
}
