/* The provider registry: opens the usable providers, publishes their address
 * blobs through PMI and picks one provider per peer on first use.
 *
 * Keys in the PMI key-value space:
 *   tn-tps-<rank>          the network providers <rank> opened, in its order
 *   tn-addr-<name>-<rank>  <rank>'s address blob for provider <name> (hex)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>
#include "core/config.h"
#include "core/error.h"
#include "pmi/pmi.h"
#include "transport/transport.h"

/* Network providers in order of preference (DESIGN.md: verbs, ofi, tcp). */
static const tn_transport_ops_t *const network_ops[] = {
    &tn_tcp_ops,
};
#define N_NETWORK ((int)(sizeof(network_ops) / sizeof(network_ops[0])))
static const tn_transport_ops_t *const all_ops[] = {&tn_self_ops, &tn_tcp_ops};

static struct {
    tn_tp_t *self;
    tn_tp_t *net[N_NETWORK];   /* opened network providers, in preference order */
    const char *net_name[N_NETWORK];
    int nnet;
    tn_tp_t **peer;            /* world_size entries, filled on first use */
    int rank, size;
} reg;

int tn_transport_list(const tn_transport_ops_t *const **ops)
{
    *ops = all_ops;
    return (int)(sizeof(all_ops) / sizeof(all_ops[0]));
}

/* Whether name appears in the comma-separated list (NULL list: everything). */
static int allowed(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, n) == 0)
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

/* Every name in TERN_TRANSPORTS must be a provider Tern knows. */
static int check_transport_names(const char *list)
{
    if (!list)
        return MPI_SUCCESS;
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int known = 0;
        for (int i = 0; i < N_NETWORK; i++)
            known |= strcmp(tok, network_ops[i]->name) == 0;
        if (!known)
            return tn_err_set(MPI_ERR_OTHER,
                              "TERN_TRANSPORTS names '%s', which is not a provider built into "
                              "this Tern (run tern_info for the list)", tok);
    }
    return MPI_SUCCESS;
}

static int peer_addr(void *arg, int peer, void *buf, size_t *len)
{
    const char *name = arg;
    char key[TN_PMI_KEY_MAX], val[TN_PMI_VALUE_MAX];
    snprintf(key, sizeof(key), "tn-addr-%s-%d", name, peer);
    int rc = tn_pmi_get(key, val, sizeof(val));
    if (rc)
        return rc;
    size_t n = TN_TP_ADDR_MAX;
    if (tn_pmi_decode(val, buf, &n) || n > *len)
        return tn_err_set(MPI_ERR_OTHER, "rank %d published a malformed %s address", peer, name);
    *len = n;
    return MPI_SUCCESS;
}

static int publish(const char *name, tn_tp_t *tp)
{
    unsigned char blob[TN_TP_ADDR_MAX];
    size_t len = sizeof(blob);
    char key[TN_PMI_KEY_MAX], val[2 * TN_TP_ADDR_MAX + 1];
    int rc = tp->ops->addr(tp, blob, &len);
    if (rc)
        return rc;
    if ((rc = tn_pmi_encode(blob, len, val, sizeof(val))))
        return rc;
    snprintf(key, sizeof(key), "tn-addr-%s-%d", name, reg.rank);
    return tn_pmi_put(key, val);
}

int tn_transport_init(const tn_tp_params_t *params)
{
    int rc;
    char list[256] = "";
    reg.rank = params->rank;
    reg.size = params->size;
    if ((rc = check_transport_names(tn_config.transports)))
        return rc;
    reg.peer = calloc((size_t)params->size, sizeof(*reg.peer));
    if (!reg.peer)
        return TN_ERR_SETMEM("MPI_Init");
    if ((rc = tn_self_ops.open(params, &reg.self)))
        goto fail;
    for (int i = 0; i < N_NETWORK; i++) {
        const tn_transport_ops_t *ops = network_ops[i];
        const char *why = NULL;
        if (!allowed(tn_config.transports, ops->name))
            continue;
        if (!ops->probe(&why)) {
            if (tn_config.debug)
                fprintf(stderr, "[tern] rank %d: provider %s unusable: %s\n", reg.rank, ops->name,
                        why ? why : "?");
            continue;
        }
        tn_tp_params_t p = *params;
        p.peer_addr = peer_addr;
        p.peer_addr_arg = (void *)ops->name;
        tn_tp_t *tp;
        if ((rc = ops->open(&p, &tp)))
            goto fail;
        reg.net[reg.nnet] = tp;
        reg.net_name[reg.nnet++] = ops->name;
        if ((rc = publish(ops->name, tp)))
            goto fail;
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", *list ? "," : "",
                 ops->name);
    }
    if (reg.nnet == 0 && params->size > 1) {
        rc = tn_err_set(MPI_ERR_OTHER, "MPI_Init: no usable network provider (TERN_TRANSPORTS=%s)",
                        tn_config.transports ? tn_config.transports : "(unset)");
        goto fail;
    }
    char key[TN_PMI_KEY_MAX];
    snprintf(key, sizeof(key), "tn-tps-%d", reg.rank);
    if ((rc = tn_pmi_put(key, *list ? list : "-")))
        goto fail;
    reg.peer[reg.rank] = reg.self;
    return MPI_SUCCESS;
fail:
    tn_transport_finalize();
    return rc;
}

/* First provider of ours that peer opened too. */
static int choose(int peer, tn_tp_t **tp)
{
    char key[TN_PMI_KEY_MAX], theirs[TN_PMI_VALUE_MAX];
    snprintf(key, sizeof(key), "tn-tps-%d", peer);
    int rc = tn_pmi_get(key, theirs, sizeof(theirs));
    if (rc)
        return rc;
    for (int i = 0; i < reg.nnet; i++) {
        if (allowed(theirs, reg.net_name[i])) {
            *tp = reg.peer[peer] = reg.net[i];
            return MPI_SUCCESS;
        }
    }
    return tn_err_set(MPI_ERR_OTHER, "rank %d and rank %d share no transport (rank %d has: %s)",
                      reg.rank, peer, peer, theirs);
}

int tn_transport_for(int peer, tn_tp_t **tp)
{
    tn_tp_t *t = reg.peer[peer];
    if (__builtin_expect(t != NULL, 1)) {
        *tp = t;
        return MPI_SUCCESS;
    }
    return choose(peer, tp);
}

int tn_transport_progress(void)
{
    int total = reg.self ? reg.self->ops->progress(reg.self) : 0;
    for (int i = 0; i < reg.nnet; i++) {
        int n = reg.net[i]->ops->progress(reg.net[i]);
        if (n < 0)
            return n;
        total += n;
    }
    return total;
}

int tn_transport_wait_fds(int *fds, int max)
{
    int n = 0;
    for (int i = 0; i < reg.nnet && n < max; i++) {
        if (reg.net[i]->wait_fd < 0)
            return -1;
        fds[n++] = reg.net[i]->wait_fd;
    }
    return n;
}

/* Drains every provider's send queue so nothing in flight is lost at close. */
static void flush_all(void)
{
    for (;;) {
        int pending = 0;
        for (int i = 0; i < reg.nnet; i++)
            pending |= !reg.net[i]->ops->flush(reg.net[i]);
        if (!pending || tn_transport_progress() < 0)
            return;
    }
}

void tn_transport_finalize(void)
{
    flush_all();
    for (int i = reg.nnet - 1; i >= 0; i--)
        reg.net[i]->ops->close(reg.net[i]);
    if (reg.self)
        reg.self->ops->close(reg.self);
    free(reg.peer);
    memset(&reg, 0, sizeof(reg));
}
