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

/* Providers in order of preference (DESIGN.md: shm for peers on this node,
 * then verbs, ofi, tcp). */
static const tn_transport_ops_t *const provider_ops[] = {
#ifdef TN_HAVE_SHM
    &tn_shm_ops,
#endif
#ifdef TN_HAVE_VERBS
    &tn_verbs_ops,
#endif
#ifdef TN_HAVE_OFI
    &tn_ofi_ops,
#endif
    &tn_tcp_ops,
};
#define N_PROVIDERS ((int)(sizeof(provider_ops) / sizeof(provider_ops[0])))
static const tn_transport_ops_t *const all_ops[N_PROVIDERS + 1] = {
#ifdef TN_HAVE_SHM
    &tn_shm_ops,
#endif
#ifdef TN_HAVE_VERBS
    &tn_verbs_ops,
#endif
#ifdef TN_HAVE_OFI
    &tn_ofi_ops,
#endif
    &tn_tcp_ops,
    &tn_self_ops,
};

/* DESIGN: a provider that serves none of our peers yet (none was chosen
 * through it, it never had an event) is polled only every TN_TP_QUIET_EVERY
 * passes and on the first pass after a sleep. A single-node job must not pay
 * tcp's epoll_wait syscall on every pass of its shared-memory fast path, and
 * a peer that reaches us through such a provider later is still noticed a
 * few passes on; from then on the provider is busy and polled every pass. */
#define TN_TP_QUIET_EVERY 64

static struct {
    tn_tp_t *self;
    tn_tp_t *open[N_PROVIDERS];   /* opened providers, in preference order */
    const char *name[N_PROVIDERS];
    char busy[N_PROVIDERS];       /* serves a peer: polled on every pass */
    tn_tp_t *hot[N_PROVIDERS];    /* the busy ones, in preference order */
    int nhot;
    int nopen;
    unsigned pass;                /* passes since the last full one */
    tn_tp_t **peer;               /* world_size entries, filled on first use */
    int *node_of;
    int *local_of;                /* world rank -> index on this node, -1 elsewhere */
    int rank, size;
} reg;

int tn_transport_list(const tn_transport_ops_t *const **ops)
{
    *ops = all_ops;
    return N_PROVIDERS + 1;
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
        for (int i = 0; i < N_PROVIDERS; i++)
            known |= strcmp(tok, provider_ops[i]->name) == 0;
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

/* Locality from the process manager, for intra-node providers. */
static int locate(tn_tp_params_t *p)
{
    if (!(reg.node_of = malloc((size_t)p->size * sizeof(int))) ||
        !(reg.local_of = malloc((size_t)p->size * sizeof(int))))
        return TN_ERR_SETMEM("MPI_Init");
    tn_pmi_node_map(p->size, reg.node_of);
    p->node_of = reg.node_of;
    p->local_rank = p->local_size = 0;
    for (int r = 0; r < p->size; r++) {
        reg.local_of[r] = -1;
        if (reg.node_of[r] != reg.node_of[p->rank])
            continue;
        if (r == p->rank)
            p->local_rank = p->local_size;
        reg.local_of[r] = p->local_size++;
    }
    return MPI_SUCCESS;
}

int tn_transport_init(const tn_tp_params_t *params)
{
    int rc;
    char list[256] = "";
    tn_tp_params_t base = *params;
    reg.rank = params->rank;
    reg.size = params->size;
    if ((rc = check_transport_names(tn_config.transports)))
        return rc;
    reg.peer = calloc((size_t)params->size, sizeof(*reg.peer));
    if (!reg.peer) {
        rc = TN_ERR_SETMEM("MPI_Init");
        goto fail;
    }
    if ((rc = locate(&base)) || (rc = tn_self_ops.open(&base, &reg.self)))
        goto fail;
    for (int i = 0; i < N_PROVIDERS; i++) {
        const tn_transport_ops_t *ops = provider_ops[i];
        const char *why = NULL;
        if (!allowed(tn_config.transports, ops->name))
            continue;
        if (!ops->probe(&why)) {
            if (tn_config.debug)
                fprintf(stderr, "[tern] rank %d: provider %s unusable: %s\n", reg.rank, ops->name,
                        why ? why : "?");
            continue;
        }
        tn_tp_params_t p = base;
        p.peer_addr = peer_addr;
        p.peer_addr_arg = (void *)ops->name;
        tn_tp_t *tp;
        if ((rc = ops->open(&p, &tp)))
            goto fail;
        reg.open[reg.nopen] = tp;
        reg.name[reg.nopen++] = ops->name;
        if ((rc = publish(ops->name, tp)))
            goto fail;
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", *list ? "," : "",
                 ops->name);
    }
    if (reg.nopen == 0 && params->size > 1) {
        rc = tn_err_set(MPI_ERR_OTHER, "MPI_Init: no usable transport (TERN_TRANSPORTS=%s; "
                        "tern_info lists the providers usable here)",
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

int tn_transport_start(void)
{
    for (int i = 0; i < reg.nopen; i++) {
        tn_tp_t *tp = reg.open[i];
        int rc = tp->ops->start ? tp->ops->start(tp) : MPI_SUCCESS;
        if (rc)
            return rc;
    }
    return MPI_SUCCESS;
}

/* First provider of ours that peer opened too and that reaches it. */
static void make_busy(int i)
{
    if (reg.busy[i])
        return;
    reg.busy[i] = 1;
    reg.nhot = 0;
    for (int j = 0; j < reg.nopen; j++)
        if (reg.busy[j])
            reg.hot[reg.nhot++] = reg.open[j];
}

static int choose(int peer, tn_tp_t **tp)
{
    char key[TN_PMI_KEY_MAX], theirs[TN_PMI_VALUE_MAX];
    snprintf(key, sizeof(key), "tn-tps-%d", peer);
    int rc = tn_pmi_get(key, theirs, sizeof(theirs));
    if (rc)
        return rc;
    int same_node = reg.node_of[peer] == reg.node_of[reg.rank];
    for (int i = 0; i < reg.nopen; i++) {
        if (!same_node && (reg.open[i]->caps & TN_TP_CAP_INTRA_NODE))
            continue;
        if (allowed(theirs, reg.name[i])) {
            *tp = reg.peer[peer] = reg.open[i];
            make_busy(i);
            if (tn_config.debug)
                fprintf(stderr, "[tern] rank %d reaches rank %d through %s\n", reg.rank, peer,
                        reg.name[i]);
            return MPI_SUCCESS;
        }
    }
    return tn_err_set(MPI_ERR_OTHER,
                      "rank %d can not reach rank %d: no transport in common (rank %d has: %s; "
                      "TERN_TRANSPORTS=%s)",
                      reg.rank, peer, peer, theirs,
                      tn_config.transports ? tn_config.transports : "(unset)");
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

tn_tp_t *tn_transport_node(const int *peers, int n, int *local)
{
    tn_tp_t *node = NULL;
    for (int i = 0; i < n; i++)
        local[i] = reg.local_of[peers[i]];
    for (int i = 0; i < n; i++) {
        tn_tp_t *tp;
        if (local[i] < 0)
            return NULL;
        if (peers[i] == reg.rank)
            continue;
        /* a failure here is the p2p fallback's to report */
        if (tn_transport_for(peers[i], &tp) || !tp->ops->node_mem || (node && tp != node))
            return NULL;
        node = tp;
    }
    return node;
}

/* The quiet providers' turn (see TN_TP_QUIET_EVERY). */
static int quiet_pass(void)
{
    int total = 0;
    reg.pass = 0;
    for (int i = 0; i < reg.nopen; i++) {
        if (reg.busy[i])
            continue;
        int n = reg.open[i]->ops->progress(reg.open[i]);
        if (n < 0)
            return n;
        if (n > 0)
            make_busy(i);
        total += n;
    }
    return total;
}

int tn_transport_progress(void)
{
    int total = reg.self ? reg.self->ops->progress(reg.self) : 0;
    for (int i = 0; i < reg.nhot; i++) {
        int n = reg.hot[i]->ops->progress(reg.hot[i]);
        if (n < 0)
            return n;
        total += n;
    }
    if (__builtin_expect(++reg.pass >= TN_TP_QUIET_EVERY, 0)) {
        int n = quiet_pass();
        if (n < 0)
            return n;
        total += n;
    }
    return total;
}

int tn_transport_wait_fds(int *fds, int max)
{
    int n = 0;
    reg.pass = TN_TP_QUIET_EVERY - 1; /* whatever wakes us is seen at once */
    for (int i = 0; i < reg.nopen && n < max; i++) {
        if (reg.open[i]->wait_fd < 0)
            return -1;
        fds[n++] = reg.open[i]->wait_fd;
    }
    return n;
}

/* Drains every provider's send queue so nothing in flight is lost at close. */
static void flush_all(void)
{
    for (;;) {
        int pending = 0;
        for (int i = 0; i < reg.nopen; i++)
            pending |= !reg.open[i]->ops->flush(reg.open[i]);
        if (!pending || tn_transport_progress() < 0)
            return;
    }
}

void tn_transport_finalize(void)
{
    flush_all();
    for (int i = reg.nopen - 1; i >= 0; i--)
        reg.open[i]->ops->close(reg.open[i]);
    if (reg.self)
        reg.self->ops->close(reg.self);
    free(reg.peer);
    free(reg.node_of);
    free(reg.local_of);
    memset(&reg, 0, sizeof(reg));
}
