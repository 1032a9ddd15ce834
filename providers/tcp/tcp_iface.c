/* TCP provider: which address to listen on and advertise, and address helpers.
 *
 * TERN_TCP_IF names the interface (its first IPv4 address, else its first
 * global IPv6 one). Without it: the first interface that is up, running and not
 * loopback with an IPv4 address, so other hosts can reach us; else 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "core/error.h"
#include "providers/tcp/tcp.h"

static int usable_v6(const struct sockaddr *sa)
{
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    /* link-local addresses need a scope that means nothing on another host */
    return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_UNSPECIFIED(a);
}

static int pick_named(const struct ifaddrs *all, const char *name, tn_tcp_addr_t *addr)
{
    const struct ifaddrs *i, *v4 = NULL, *v6 = NULL;
    int found = 0, up = 0;

    for (i = all; i; i = i->ifa_next) {
        if (strcmp(i->ifa_name, name) != 0)
            continue;
        found = 1;
        if (!(i->ifa_flags & IFF_UP))
            continue;
        up = 1;
        if (!i->ifa_addr)
            continue;
        if (i->ifa_addr->sa_family == AF_INET && !v4)
            v4 = i;
        else if (i->ifa_addr->sa_family == AF_INET6 && !v6 && usable_v6(i->ifa_addr))
            v6 = i;
    }
    if (!found)
        return tn_err_set(MPI_ERR_OTHER,
                          "TERN_TCP_IF=%s: this host has no network interface of that name", name);
    if (!up)
        return tn_err_set(MPI_ERR_OTHER, "TERN_TCP_IF=%s: the interface is down", name);
    if (!v4 && !v6)
        return tn_err_set(MPI_ERR_OTHER,
                          "TERN_TCP_IF=%s: the interface has no IPv4 or global IPv6 address", name);
    tn_tcp_addr_from_sockaddr((v4 ? v4 : v6)->ifa_addr, addr);
    return MPI_SUCCESS;
}

static void pick_default(const struct ifaddrs *all, tn_tcp_addr_t *addr)
{
    const struct ifaddrs *i;
    const unsigned need = IFF_UP | IFF_RUNNING;

    for (i = all; i; i = i->ifa_next) {
        if ((i->ifa_flags & need) == need && !(i->ifa_flags & IFF_LOOPBACK) && i->ifa_addr &&
            i->ifa_addr->sa_family == AF_INET) {
            tn_tcp_addr_from_sockaddr(i->ifa_addr, addr);
            return;
        }
    }
    memset(addr, 0, sizeof(*addr));
    addr->family = TN_TCP_FAMILY_IPV4;
    const uint32_t lo = htonl(INADDR_LOOPBACK);
    memcpy(addr->ip, &lo, 4);
}

int tn_tcp_iface_pick(const char *ifname, tn_tcp_addr_t *addr)
{
    struct ifaddrs *all;
    tn_tcp_addr_t a;
    int rc = MPI_SUCCESS;

    if (getifaddrs(&all) != 0)
        return tn_err_set(MPI_ERR_OTHER, "tcp provider: listing network interfaces failed: %s",
                          strerror(errno));
    if (ifname)
        rc = pick_named(all, ifname, &a);
    else
        pick_default(all, &a);
    freeifaddrs(all);
    if (rc == MPI_SUCCESS)
        *addr = a;
    return rc;
}

socklen_t tn_tcp_addr_to_sockaddr(const tn_tcp_addr_t *addr, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (addr->family == TN_TCP_FAMILY_IPV4) {
        struct sockaddr_in *s = (struct sockaddr_in *)ss;
        s->sin_family = AF_INET;
        s->sin_port = addr->port;
        memcpy(&s->sin_addr, addr->ip, 4);
        return sizeof(*s);
    }
    if (addr->family == TN_TCP_FAMILY_IPV6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
        s->sin6_family = AF_INET6;
        s->sin6_port = addr->port;
        memcpy(&s->sin6_addr, addr->ip, 16);
        return sizeof(*s);
    }
    return 0;
}

void tn_tcp_addr_from_sockaddr(const struct sockaddr *sa, tn_tcp_addr_t *addr)
{
    memset(addr, 0, sizeof(*addr));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
        addr->family = TN_TCP_FAMILY_IPV4;
        addr->port = s->sin_port;
        memcpy(addr->ip, &s->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
        addr->family = TN_TCP_FAMILY_IPV6;
        addr->port = s->sin6_port;
        memcpy(addr->ip, &s->sin6_addr, 16);
    }
}

void tn_tcp_addr_str(const tn_tcp_addr_t *addr, char *buf, size_t len)
{
    char ip[INET6_ADDRSTRLEN];
    const int v6 = addr->family == TN_TCP_FAMILY_IPV6;

    if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr->ip, ip, sizeof(ip)))
        snprintf(ip, sizeof(ip), "?");
    snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", ip, (unsigned)ntohs(addr->port));
}
