/* libfabric provider: fabric, domain, completion queue, address vector and
 * endpoint; the address blob and lazy insertion of peers; memory blocks;
 * error messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/ofi/ofi.h"

#define BLOCK_HEAD 64 /* tn_ofi_block_t, padded so that memory stays aligned */
_Static_assert(sizeof(tn_ofi_block_t) <= BLOCK_HEAD, "block header");

int tn_ofi_error(tn_ofi_t *tp, const char *what, int peer, int fi_err, const char *detail)
{
    char lost[32] = "";
    int more = detail && *detail;

    if (peer >= 0)
        snprintf(lost, sizeof(lost), "lost rank %d: ", peer);
    return tn_err_set(MPI_ERR_OTHER, "ofi provider (libfabric %s), rank %d: %s%s failed: %s%s%s%s",
                      tp->prov, tp->params.rank, lost, what, tn_ofi_lib.strerror(fi_err),
                      more ? " (" : "", more ? detail : "", more ? ")" : "");
}

int tn_ofi_block_alloc(tn_ofi_t *tp, size_t len, int reg, void **mem, void **desc)
{
    tn_ofi_block_t *b;
    void *p;
    int rc;

    if (posix_memalign(&p, BLOCK_HEAD, BLOCK_HEAD + len))
        return TN_ERR_SETMEM("ofi provider: buffers");
    b = p;
    b->mr = NULL;
    if (reg && tp->mr_local) {
        rc = tn_ofi_mr_reg(tp, (char *)p + BLOCK_HEAD, len, FI_SEND | FI_RECV, &b->mr);
        if (rc != MPI_SUCCESS) {
            free(p);
            return rc;
        }
    }
    b->next = tp->blocks;
    tp->blocks = b;
    *mem = (char *)p + BLOCK_HEAD;
    *desc = b->mr ? fi_mr_desc(b->mr) : NULL;
    return MPI_SUCCESS;
}

static void blocks_free(tn_ofi_t *tp)
{
    while (tp->blocks) {
        tn_ofi_block_t *b = tp->blocks;
        tp->blocks = b->next;
        if (b->mr)
            fi_close(&b->mr->fid);
        free(b);
    }
}

/* The receive buffers: a few large FI_MULTI_RECV buffers, each released by
 * the provider once less than one largest message fits, or many buffers of
 * one largest message each. */
static int rx_open(tn_ofi_t *tp)
{
    const struct fi_info *info = tp->info;
    size_t size = tp->msg_max, count = TN_OFI_RX_BUFS;
    uint8_t *mem;
    void *desc;
    int rc;

    if (tp->multi) {
        count = TN_OFI_MULTI_BUFS;
        size = TN_OFI_MULTI_MSGS * tp->msg_max;
        if (size < TN_OFI_MULTI_MIN)
            size = TN_OFI_MULTI_MIN;
    } else if (info->rx_attr->size && count > info->rx_attr->size) {
        count = info->rx_attr->size;
    }
    size = (size + 63) & ~(size_t)63;
    tp->rx = calloc(count, sizeof(*tp->rx));
    tp->rx_idle = malloc(count * sizeof(*tp->rx_idle));
    if (!tp->rx || !tp->rx_idle)
        return TN_ERR_SETMEM("ofi provider: receive buffers");
    rc = tn_ofi_block_alloc(tp, count * size, 1, (void **)&mem, &desc);
    if (rc != MPI_SUCCESS)
        return rc;
    for (size_t i = 0; i < count; i++) {
        tp->rx[i] = (tn_ofi_rxbuf_t){
            .ctx.kind = TN_OFI_RECV, .mem = mem + i * size, .size = size, .desc = desc};
        tp->rx_idle[i] = &tp->rx[i];
    }
    tp->nrx = tp->nrx_idle = (int)count;
    return tn_ofi_rx_post_all(tp);
}

/* Limits from the provider's attributes. */
static int limits(tn_ofi_t *tp)
{
    const struct fi_info *info = tp->info;
    const size_t head = sizeof(tn_ofi_wire_t) + TN_OFI_HDR_MAX;
    size_t max = info->ep_attr->max_msg_size;

    if (max <= head)
        return tn_err_set(MPI_ERR_OTHER,
                          "ofi provider: libfabric %s carries messages of at most %zu bytes; "
                          "Tern needs more than %zu",
                          tp->prov, max, head);
    if (tp->base.eager_max > max - head)
        tp->base.eager_max = max - head;
    tp->msg_max = head + tp->base.eager_max;
    tp->mr_local = (info->domain_attr->mr_mode & FI_MR_LOCAL) != 0;
    tp->inject_max = info->tx_attr->inject_size < TN_OFI_INJECT_MAX ? info->tx_attr->inject_size
                                                                     : TN_OFI_INJECT_MAX;
    tp->iov_limit = info->tx_attr->iov_limit < TN_OFI_IOV_MAX ? info->tx_attr->iov_limit
                                                               : TN_OFI_IOV_MAX;
    if (tp->iov_limit < 1)
        tp->iov_limit = 1;
    tp->rma_max = max;
    /* FI_MULTI_RECV only where completions come in order: with out-of-order
     * completions a buffer can be released while a message sent before the
     * last one in it is still landing (tcp;ofi_rxm 1.17 then overwrites it). */
    tp->multi = (info->caps & FI_MULTI_RECV) && (info->rx_attr->comp_order & FI_ORDER_STRICT);
    return MPI_SUCCESS;
}

/* The CQ, with a wait fd where the provider has one and the progress engine
 * sleeps early (see TN_OFI_FD_SPIN_MAX). */
static int cq_open(tn_ofi_t *tp)
{
    const struct fi_info *info = tp->info;
    struct fi_cq_attr attr = {
        .size = info->tx_attr->size + info->rx_attr->size,
        .format = FI_CQ_FORMAT_DATA,
        .wait_obj = tn_config.spin_count <= TN_OFI_FD_SPIN_MAX ? FI_WAIT_FD : FI_WAIT_NONE,
    };
    int rc = fi_cq_open(tp->domain, &attr, &tp->cq, NULL);

    tp->base.wait_fd = -1;
    if (rc == -FI_ENOSYS || rc == -FI_EINVAL || rc == -FI_EOPNOTSUPP || rc == -FI_ENODATA) {
        attr.wait_obj = FI_WAIT_NONE;
        rc = fi_cq_open(tp->domain, &attr, &tp->cq, NULL);
    }
    if (rc)
        return tn_ofi_error(tp, "fi_cq_open", -1, -rc, NULL);
    if (attr.wait_obj == FI_WAIT_FD) {
        int fd = -1;
        if (fi_control(&tp->cq->fid, FI_GETWAIT, &fd) == 0 && fd >= 0)
            tp->base.wait_fd = fd;
    }
    return MPI_SUCCESS;
}

/* libfabric shm names its region /dev/shm/<pid>:<uid>:<n> and refuses to
 * start (EBUSY) when a killed process left one under a pid that is now ours.
 * Naming it like Tern's own segments makes it unique and lets mpirun remove
 * what a killed rank leaves behind. */
static int shm_name_set(tn_ofi_t *tp)
{
    struct fi_info *info = tp->info;
    char name[96];

    if (strcmp(tp->prov, "shm") != 0 || info->addr_format != FI_ADDR_STR)
        return MPI_SUCCESS;
    tn_config_shm_name(name, sizeof(name), "fi_shm://");
    free(info->src_addr);
    info->src_addr = strdup(name);
    info->src_addrlen = info->src_addr ? strlen(name) + 1 : 0;
    return info->src_addr ? MPI_SUCCESS : TN_ERR_SETMEM("ofi provider");
}

int tn_ofi_ep_open(tn_ofi_t *tp)
{
    struct fi_info *info = tp->info;
    struct fi_av_attr av_attr = {
        .type = info->domain_attr->av_type == FI_AV_UNSPEC ? FI_AV_TABLE
                                                           : info->domain_attr->av_type,
        .count = (size_t)tp->params.size,
    };
    int rc;

    if ((rc = limits(tp)) != MPI_SUCCESS)
        return rc;
    if ((rc = tn_ofi_lib.fabric(info->fabric_attr, &tp->fabric, NULL))) {
        rc = tn_ofi_error(tp, "fi_fabric", -1, -rc, NULL);
        goto fail;
    }
    if ((rc = fi_domain(tp->fabric, info, &tp->domain, NULL))) {
        rc = tn_ofi_error(tp, "fi_domain", -1, -rc, NULL);
        goto fail;
    }
    if ((rc = cq_open(tp)) != MPI_SUCCESS)
        goto fail;
    if ((rc = fi_av_open(tp->domain, &av_attr, &tp->av, NULL))) {
        rc = tn_ofi_error(tp, "fi_av_open", -1, -rc, NULL);
        goto fail;
    }
    if ((rc = shm_name_set(tp)) != MPI_SUCCESS)
        goto fail;
    if ((rc = fi_endpoint(tp->domain, info, &tp->ep, NULL))) {
        rc = tn_ofi_error(tp, "fi_endpoint", -1, -rc, NULL);
        goto fail;
    }
    if ((rc = fi_ep_bind(tp->ep, &tp->av->fid, 0)) ||
        (rc = fi_ep_bind(tp->ep, &tp->cq->fid, FI_TRANSMIT | FI_RECV))) {
        rc = tn_ofi_error(tp, "fi_ep_bind", -1, -rc, NULL);
        goto fail;
    }
    if ((rc = fi_enable(tp->ep))) {
        rc = tn_ofi_error(tp, "fi_enable", -1, -rc, NULL);
        goto fail;
    }
    /* after fi_enable: shm (1.17) crashes on it before */
    if (tp->multi && (rc = fi_setopt(&tp->ep->fid, FI_OPT_ENDPOINT, FI_OPT_MIN_MULTI_RECV,
                                     &tp->msg_max, sizeof(tp->msg_max)))) {
        rc = tn_ofi_error(tp, "setting FI_OPT_MIN_MULTI_RECV", -1, -rc, NULL);
        goto fail;
    }
    if ((rc = rx_open(tp)) != MPI_SUCCESS)
        goto fail;
    return MPI_SUCCESS;
fail:
    tn_ofi_ep_close(tp);
    return rc;
}

/* Also unwinds a partly done tn_ofi_ep_open. */
void tn_ofi_ep_close(tn_ofi_t *tp)
{
    if (tp->ep)
        fi_close(&tp->ep->fid); /* cancels the posted receives */
    blocks_free(tp);
    free(tp->rx_idle);
    free(tp->rx);
    if (tp->av)
        fi_close(&tp->av->fid);
    if (tp->cq)
        fi_close(&tp->cq->fid);
    if (tp->domain)
        fi_close(&tp->domain->fid);
    if (tp->fabric)
        fi_close(&tp->fabric->fid);
    tp->ep = NULL;
    tp->rx_idle = NULL;
    tp->rx = NULL;
    tp->av = NULL;
    tp->cq = NULL;
    tp->domain = NULL;
    tp->fabric = NULL;
}

/* The provider name as the address blob carries it. */
static void prov_field(const tn_ofi_t *tp, char out[20])
{
    memset(out, 0, 20);
    strncpy(out, tp->prov, 19);
}

int tn_ofi_addr(tn_tp_t *base, void *buf, size_t *len)
{
    tn_ofi_t *tp = (tn_ofi_t *)base;
    tn_ofi_blob_t blob;
    size_t n = sizeof(blob) - sizeof(blob.a);
    int rc = fi_getname(&tp->ep->fid, blob.a.name, &n);

    if (rc)
        return tn_ofi_error(tp, "fi_getname (an address longer than Tern's blobs?)", -1, -rc,
                            NULL);
    blob.a.magic = TN_OFI_ADDR_MAGIC;
    blob.a.addr_format = tp->info->addr_format;
    blob.a.pid = (int32_t)getpid();
    prov_field(tp, blob.a.prov);
    memcpy(buf, blob.bytes, sizeof(blob.a) + n);
    *len = sizeof(blob.a) + n;
    return MPI_SUCCESS;
}

int tn_ofi_peer_blob(tn_ofi_t *tp, int peer, tn_ofi_blob_t *blob, size_t *len)
{
    char prov[20];
    int rc;

    *len = sizeof(*blob);
    if ((rc = tp->params.peer_addr(tp->params.peer_addr_arg, peer, blob->bytes, len)) !=
        MPI_SUCCESS)
        return rc;
    if (*len <= sizeof(blob->a) || blob->a.magic != TN_OFI_ADDR_MAGIC)
        return tn_err_set(MPI_ERR_OTHER, "ofi provider: rank %d published a malformed address "
                                         "(%zu bytes)",
                          peer, *len);
    prov_field(tp, prov);
    if (blob->a.addr_format != tp->info->addr_format || memcmp(prov, blob->a.prov, sizeof(prov)))
        return tn_err_set(MPI_ERR_OTHER,
                          "ofi provider: rank %d uses libfabric provider %.19s and rank %d uses "
                          "%s; set FI_PROVIDER or TERN_OFI_PROVIDER alike on every rank",
                          peer, blob->a.prov, tp->params.rank, tp->prov);
    return MPI_SUCCESS;
}

int tn_ofi_peer_insert(tn_ofi_t *tp, int peer, fi_addr_t *out)
{
    tn_ofi_blob_t blob;
    size_t len;
    fi_addr_t fa;
    int rc = tn_ofi_peer_blob(tp, peer, &blob, &len);

    if (rc != MPI_SUCCESS)
        return rc;
    rc = fi_av_insert(tp->av, blob.a.name, 1, &fa, 0, NULL);
    if (rc != 1)
        return tn_ofi_peer_lost(tp, peer,
                                tn_ofi_error(tp, "inserting its address", peer,
                                             rc < 0 ? -rc : FI_EINVAL, NULL));
    tp->peer[peer].addr = fa;
    *out = fa;
    return MPI_SUCCESS;
}
