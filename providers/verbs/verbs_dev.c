/* verbs provider: settings, the choice of device, port and GID, the address
 * blob, and what tern_info shows. The choice and the blob are pure functions
 * of tables the caller reads, so the unit tests need no device. */
#include <arpa/inet.h>
#include <glob.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "providers/verbs/verbs.h"

/* From tn_config (src/core/config.c reads the TERN_VERBS_* variables); the
 * eager limit is kept within what a 32-bit SEND length and the bounce buffers
 * allow. */
void tn_verbs_settings(tn_verbs_settings_t *s)
{
    s->device = tn_config.verbs_device;
    s->gid_index = tn_config.verbs_gid_index;
    s->eager_max = tn_config.verbs_eager_max ? tn_config.verbs_eager_max : TN_VERBS_EAGER_MAX;
    if (s->eager_max > TN_VERBS_EAGER_LIMIT)
        s->eager_max = TN_VERBS_EAGER_LIMIT;
    s->max_msg = tn_config.verbs_max_msg;
}

uint32_t tn_verbs_window(int size, uint32_t max_srq_wr)
{
    uint32_t peers = size > 1 ? (uint32_t)size - 1 : 1, w = TN_VERBS_WINDOW;

    if (w * peers > TN_VERBS_RX_TOTAL)
        w = TN_VERBS_RX_TOTAL / peers;
    if (w * peers > max_srq_wr)
        w = max_srq_wr / peers;
    return w < TN_VERBS_WINDOW_MIN ? TN_VERBS_WINDOW_MIN : w;
}

/* ---- GIDs ----------------------------------------------------------------- */

static int gid_v4mapped(const union ibv_gid *g)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(g->raw, prefix, sizeof(prefix)) == 0;
}

static int gid_global6(const union ibv_gid *g)
{
    static const uint8_t zero[16];
    return !gid_v4mapped(g) && memcmp(g->raw, zero, 16) != 0 &&
           !(g->raw[0] == 0xfe && (g->raw[1] & 0xc0) == 0x80);
}

int tn_verbs_gid_ip(const union ibv_gid *g, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (gid_v4mapped(g)) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        memcpy(&in->sin_addr, g->raw + 12, 4);
        return 1;
    }
    if (gid_global6(g)) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_addr, g->raw, 16);
        return 1;
    }
    return 0;
}

int tn_verbs_gid_pick(const struct ibv_gid_entry *e, int n, int forced)
{
    if (forced >= 0) {
        for (int i = 0; i < n; i++)
            if ((int)e[i].gid_index == forced)
                return i;
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (e[i].gid_type == IBV_GID_TYPE_ROCE_V2 && gid_v4mapped(&e[i].gid))
            return i;
    for (int i = 0; i < n; i++)
        if (e[i].gid_type == IBV_GID_TYPE_ROCE_V2 && gid_global6(&e[i].gid))
            return i;
    for (int i = 0; i < n; i++)
        if (e[i].gid_type == IBV_GID_TYPE_ROCE_V1 && gid_v4mapped(&e[i].gid))
            return i;
    return -1;
}

const char *tn_verbs_gid_type_str(uint32_t type)
{
    switch (type) {
    case IBV_GID_TYPE_IB:
        return "IB";
    case IBV_GID_TYPE_ROCE_V1:
        return "RoCE v1";
    case IBV_GID_TYPE_ROCE_V2:
        return "RoCE v2";
    default:
        return "?";
    }
}

/* ---- the address blob ----------------------------------------------------- */

int tn_verbs_addr_encode(const struct sockaddr *sa, void *buf, size_t *len)
{
    tn_verbs_addr_t a = {.magic = TN_VERBS_ADDR_MAGIC};

    if (*len < sizeof(a))
        return 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        a.family = TN_VERBS_FAMILY_IPV4;
        a.port = in->sin_port;
        memcpy(a.ip, &in->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        a.family = TN_VERBS_FAMILY_IPV6;
        a.port = in6->sin6_port;
        memcpy(a.ip, &in6->sin6_addr, 16);
    } else {
        return 0;
    }
    memcpy(buf, &a, sizeof(a));
    *len = sizeof(a);
    return 1;
}

int tn_verbs_addr_decode(const void *buf, size_t len, struct sockaddr_storage *ss)
{
    tn_verbs_addr_t a;

    if (len != sizeof(a))
        return 0;
    memcpy(&a, buf, sizeof(a));
    if (a.magic != TN_VERBS_ADDR_MAGIC || a.port == 0)
        return 0;
    memset(ss, 0, sizeof(*ss));
    if (a.family == TN_VERBS_FAMILY_IPV4) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = a.port;
        memcpy(&in->sin_addr, a.ip, 4);
        return 1;
    }
    if (a.family == TN_VERBS_FAMILY_IPV6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = a.port;
        memcpy(&in6->sin6_addr, a.ip, 16);
        return 1;
    }
    return 0;
}

void tn_verbs_sockaddr_str(const struct sockaddr *sa, char *buf, size_t size)
{
    char ip[INET6_ADDRSTRLEN] = "?";

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
        snprintf(buf, size, "%s:%u", ip, ntohs(in->sin_port));
    } else {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
        snprintf(buf, size, "[%s]:%u", ip, ntohs(in6->sin6_port));
    }
}

/* ---- choosing ------------------------------------------------------------- */

static int have_devices(void)
{
    glob_t g;
    int found = glob("/sys/class/infiniband/*", 0, NULL, &g) == 0 && g.gl_pathc > 0;

    globfree(&g);
    return found;
}

/* Whether rdma_cm, bound to ss, lands on device dev, port port. */
static int binds_to(const struct sockaddr_storage *ss, const char *dev, int port)
{
    struct rdma_cm_id *id;
    int ok = 0;

    if (rdma_create_id(NULL, &id, NULL, RDMA_PS_TCP))
        return 0;
    if (rdma_bind_addr(id, (struct sockaddr *)ss) == 0 && id->verbs &&
        strcmp(ibv_get_device_name(id->verbs->device), dev) == 0 && id->port_num == port)
        ok = 1;
    rdma_destroy_id(id);
    return ok;
}

/* An address of this host on dev:port (IPoIB on InfiniBand): the first
 * interface address rdma_cm binds to that port. */
static int ip_of_port(const char *dev, int port, struct sockaddr_storage *out)
{
    struct ifaddrs *ifs;
    int found = 0;

    if (getifaddrs(&ifs))
        return 0;
    for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next) {
        struct sockaddr_storage ss;
        if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
            continue;
        memset(&ss, 0, sizeof(ss));
        if (i->ifa_addr->sa_family == AF_INET)
            memcpy(&ss, i->ifa_addr, sizeof(struct sockaddr_in));
        else if (i->ifa_addr->sa_family == AF_INET6 &&
                 !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
            memcpy(&ss, i->ifa_addr, sizeof(struct sockaddr_in6));
        else
            continue;
        if (binds_to(&ss, dev, port)) {
            *out = ss;
            found = 1;
        }
    }
    freeifaddrs(ifs);
    return found;
}

/* The address to use on an active port: from the GID table on RoCE. */
static int port_address(struct ibv_context *ctx, const char *dev, int port,
                        const struct ibv_port_attr *pa, int forced_gid, tn_verbs_choice_t *c,
                        char *why, size_t size)
{
    struct ibv_gid_entry g[TN_VERBS_GID_MAX];
    ssize_t n, k = 0;
    int pick;

    c->gid_index = -1;
    if (pa->link_layer != IBV_LINK_LAYER_ETHERNET) {
        if (ip_of_port(dev, port, &c->ip))
            return 1;
        snprintf(why, size, "%s port %d has no IP address (IPoIB) for rdma_cm", dev, port);
        return 0;
    }
    n = ibv_query_gid_table(ctx, g, TN_VERBS_GID_MAX, 0);
    n = n < 0 ? 0 : n;
    for (ssize_t i = 0; i < n; i++) /* this port's entries only */
        if ((int)g[i].port_num == port)
            g[k++] = g[i];
    pick = tn_verbs_gid_pick(g, (int)k, forced_gid);
    if (pick < 0 || !tn_verbs_gid_ip(&g[pick].gid, &c->ip)) {
        if (forced_gid >= 0)
            snprintf(why, size, "%s port %d: GID index %d (TERN_VERBS_GID_INDEX) %s", dev, port,
                     forced_gid, pick < 0 ? "is not in the GID table" : "carries no IP address");
        else
            snprintf(why, size, "%s port %d: no RoCE GID with an IP address (give the "
                                "netdev an address)", dev, port);
        return 0;
    }
    c->gid_index = (int)g[pick].gid_index;
    return 1;
}

int tn_verbs_choose(tn_verbs_choice_t *c, const char **why)
{
    static char text[256];
    tn_verbs_settings_t set;
    struct ibv_device **list;
    char want[64] = "";
    int want_port = 0, ndev, found = 0;

    *why = text;
    tn_verbs_settings(&set);
    if (!have_devices()) {
        snprintf(text, sizeof(text), "no RDMA devices (/sys/class/infiniband is empty)");
        return 0;
    }
    if (set.device) {
        char *colon;
        snprintf(want, sizeof(want), "%s", set.device);
        if ((colon = strchr(want, ':'))) {
            *colon = '\0';
            want_port = atoi(colon + 1);
        }
    }
    if (!(list = ibv_get_device_list(&ndev)) || ndev == 0) {
        snprintf(text, sizeof(text), "libibverbs lists no devices (driver libraries missing? "
                                     "install ibverbs-providers)");
        if (list)
            ibv_free_device_list(list);
        return 0;
    }
    snprintf(text, sizeof(text), *want ? "no active port on %s (TERN_VERBS_DEVICE)"
                                       : "no device with an active port%s", want);
    for (int d = 0; d < ndev && !found; d++) {
        const char *name = ibv_get_device_name(list[d]);
        struct ibv_context *ctx;
        struct ibv_device_attr da;
        if (*want && strcmp(name, want) != 0)
            continue;
        if (!(ctx = ibv_open_device(list[d])))
            continue;
        if (ibv_query_device(ctx, &da) == 0) {
            for (int p = 1; p <= da.phys_port_cnt && !found; p++) {
                struct ibv_port_attr pa;
                if ((want_port && p != want_port) || ibv_query_port(ctx, (uint8_t)p, &pa) ||
                    pa.state != IBV_PORT_ACTIVE)
                    continue;
                snprintf(c->dev, sizeof(c->dev), "%s", name);
                c->port = p;
                c->state = pa.state;
                c->link_layer = pa.link_layer;
                found = port_address(ctx, name, p, &pa, set.gid_index, c, text, sizeof(text));
            }
        }
        ibv_close_device(ctx);
    }
    ibv_free_device_list(list);
    if (found) {
        char ip[80];
        tn_verbs_sockaddr_str((struct sockaddr *)&c->ip, ip, sizeof(ip));
        *strrchr(ip, ':') = '\0';
        if (c->gid_index >= 0)
            snprintf(text, sizeof(text), "%s port %d, GID index %d (%s)", c->dev, c->port,
                     c->gid_index, ip);
        else
            snprintf(text, sizeof(text), "%s port %d, LID-routed (IP %s)", c->dev, c->port, ip);
    }
    return found;
}

/* ---- tern_info ------------------------------------------------------------ */

static const char *state_str(enum ibv_port_state s)
{
    switch (s) {
    case IBV_PORT_DOWN:
        return "down";
    case IBV_PORT_INIT:
        return "init";
    case IBV_PORT_ARMED:
        return "armed";
    case IBV_PORT_ACTIVE:
        return "active";
    default:
        return "?";
    }
}

static void describe_gids(FILE *out, struct ibv_context *ctx, int port)
{
    struct ibv_gid_entry g[TN_VERBS_GID_MAX];
    ssize_t n = ibv_query_gid_table(ctx, g, TN_VERBS_GID_MAX, 0);

    for (ssize_t i = 0; i < n; i++) {
        char ip[INET6_ADDRSTRLEN] = "", ifname[IF_NAMESIZE] = "";
        struct sockaddr_storage ss;
        if ((int)g[i].port_num != port)
            continue;
        if (tn_verbs_gid_ip(&g[i].gid, &ss)) {
            if (ss.ss_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip));
            else
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, ip, sizeof(ip));
        }
        if (g[i].ndev_ifindex)
            if_indextoname(g[i].ndev_ifindex, ifname);
        fprintf(out, "      GID %u: %s%s%s%s%s\n", g[i].gid_index,
                tn_verbs_gid_type_str(g[i].gid_type), *ip ? " " : "", ip, *ifname ? " on " : "",
                ifname);
    }
}

void tn_verbs_describe(FILE *out)
{
    tn_verbs_choice_t c;
    const char *why;
    struct ibv_device **list;
    int ndev = 0;

    if (!have_devices()) {
        fprintf(out, "  no RDMA devices (/sys/class/infiniband is empty)\n");
        return;
    }
    list = ibv_get_device_list(&ndev);
    for (int d = 0; d < ndev; d++) {
        struct ibv_context *ctx = ibv_open_device(list[d]);
        struct ibv_device_attr da;
        if (!ctx || ibv_query_device(ctx, &da)) {
            fprintf(out, "  %s: can not be opened\n", ibv_get_device_name(list[d]));
            if (ctx)
                ibv_close_device(ctx);
            continue;
        }
        fprintf(out, "  %s: %d port(s); max_qp_wr %d, max_sge %d, max_cqe %d, max_srq_wr %d, "
                     "max_qp_rd_atom %d, max_mr_size %llu\n",
                ibv_get_device_name(list[d]), da.phys_port_cnt, da.max_qp_wr, da.max_sge,
                da.max_cqe, da.max_srq_wr, da.max_qp_rd_atom, (unsigned long long)da.max_mr_size);
        for (int p = 1; p <= da.phys_port_cnt; p++) {
            struct ibv_port_attr pa;
            if (ibv_query_port(ctx, (uint8_t)p, &pa))
                continue;
            fprintf(out, "    port %d: %s, %s, LID %u, MTU %d (max %d), max_msg_sz %u\n", p,
                    state_str(pa.state),
                    pa.link_layer == IBV_LINK_LAYER_ETHERNET ? "Ethernet (RoCE)" : "InfiniBand",
                    pa.lid, 128 << pa.active_mtu, 128 << pa.max_mtu, pa.max_msg_sz);
            describe_gids(out, ctx, p);
        }
        ibv_close_device(ctx);
    }
    if (list)
        ibv_free_device_list(list);
    if (tn_verbs_choose(&c, &why))
        fprintf(out, "  Tern would use: %s; inline sends up to %d bytes (as the QP allows), "
                     "eager up to %d bytes, then RDMA READ\n",
                why, TN_VERBS_INLINE_WANT, TN_VERBS_EAGER_MAX);
    else
        fprintf(out, "  Tern would use nothing: %s\n", why);
}
