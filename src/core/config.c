/* The one place TERN_* environment variables are read. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <mpi.h>
#include "core/config.h"
#include "core/error.h"

struct tn_config tn_config;

static const tn_config_var_t vars[] = {
    {"TRANSPORTS", "(all usable)",
     "comma-separated providers to use, in order of preference (e.g. tcp)"},
    {"TCP_EAGER_MAX", "65536", "largest message the tcp provider sends eagerly, in bytes"},
    {"TCP_IF", "(first non-loopback interface)", "network interface the tcp provider uses"},
    {"OFI_PROVIDER", "(libfabric's first choice with the needed caps)",
     "libfabric provider the ofi transport uses (FI_PROVIDER also works)"},
    {"OFI_EAGER_MAX", "16384", "largest message the ofi provider sends eagerly, in bytes"},
    {"VERBS_DEVICE", "(first active port)",
     "RDMA device the verbs provider uses, as name or name:port (e.g. mlx5_0:1)"},
    {"VERBS_GID_INDEX", "(RoCE v2 IPv4 entry)",
     "GID table index the verbs provider uses on RoCE ports"},
    {"VERBS_EAGER_MAX", "8192", "largest message the verbs provider sends eagerly, in bytes"},
    {"VERBS_MAX_MSG", "(port's max_msg_sz)",
     "largest single RDMA READ of the verbs provider; larger reads are split"},
    {"SHM_CMA", "1",
     "large shm messages by process_vm_readv: 0 never, 1 when ranks outnumber cores, 2 always"},
    {"SHM_EAGER_MAX", "16384", "largest message the shm provider sends eagerly, in bytes"},
    {"SPIN_COUNT", "(auto)",
     "progress polls before a blocking call sleeps; auto spins only when no core is oversubscribed"},
    {"YIELD_COUNT", "(auto)",
     "after the spin, polls that each first yield the core (sched_yield) before a blocking call "
     "sleeps; auto: 50 when ranks outnumber cores, else 0"},
    {"DEBUG", "0", "1 prints bootstrap and provider decisions to stderr"},
};

const tn_config_var_t *tn_config_vars(int *count)
{
    *count = (int)(sizeof(vars) / sizeof(vars[0]));
    return vars;
}

static const char *env(const char *name)
{
    char full[64];
    snprintf(full, sizeof(full), "TERN_%s", name);
    const char *v = getenv(full);
    return v && *v ? v : NULL;
}

/* Parses a non-negative size with optional k/m/g suffix. */
static int parse_size(const char *name, const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (errno || end == s || *end || s[0] == '-')
        return tn_err_set(MPI_ERR_OTHER,
                          "TERN_%s=%s is not a size (expected bytes, optionally with k, m or g)",
                          name, s);
    *out = (size_t)v;
    return MPI_SUCCESS;
}

static int parse_int(const char *name, const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > 1000000000)
        return tn_err_set(MPI_ERR_OTHER, "TERN_%s=%s is not a non-negative integer", name, s);
    *out = (int)v;
    return MPI_SUCCESS;
}

/* Do this node's ranks outnumber its cores? Spinning only pays when every
 * rank has a core of its own; otherwise a waiting rank yields its core a few
 * times (the rank it waits for may be next in line for it) before sleeping. */
static int oversubscribed(void)
{
    const char *local = getenv("TERN_LOCAL_SIZE");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long nlocal = local ? strtol(local, NULL, 10) : 1;
    return cores > 0 && nlocal > cores;
}

int tn_config_load(void)
{
    const char *v;
    int rc;
    struct tn_config c = {
        .tcp_eager_max = 64 * 1024,
        .ofi_eager_max = 16 * 1024,
        .verbs_gid_index = -1,
        .verbs_eager_max = 8 * 1024,
        .shm_cma = 1,
        .shm_eager_max = 16 * 1024,
        .crowded = oversubscribed(),
        .spin_count = oversubscribed() ? 1 : 2000,
        .yield_count = oversubscribed() ? 50 : 0,
    };
    c.transports = env("TRANSPORTS");
    if ((v = env("JOB_ID"))) /* from mpirun, not a tunable: a bad value is ignored */
        c.job_id = (unsigned)strtoul(v, NULL, 10);
    c.tcp_if = env("TCP_IF");
    c.ofi_provider = env("OFI_PROVIDER");
    if ((v = env("TCP_EAGER_MAX")) && (rc = parse_size("TCP_EAGER_MAX", v, &c.tcp_eager_max)))
        return rc;
    if ((v = env("OFI_EAGER_MAX")) && (rc = parse_size("OFI_EAGER_MAX", v, &c.ofi_eager_max)))
        return rc;
    c.verbs_device = env("VERBS_DEVICE");
    if ((v = env("VERBS_GID_INDEX")) && (rc = parse_int("VERBS_GID_INDEX", v, &c.verbs_gid_index)))
        return rc;
    if ((v = env("VERBS_EAGER_MAX")) &&
        (rc = parse_size("VERBS_EAGER_MAX", v, &c.verbs_eager_max)))
        return rc;
    if ((v = env("VERBS_MAX_MSG")) && (rc = parse_size("VERBS_MAX_MSG", v, &c.verbs_max_msg)))
        return rc;
    if ((v = env("SHM_EAGER_MAX")) && (rc = parse_size("SHM_EAGER_MAX", v, &c.shm_eager_max)))
        return rc;
    if ((v = env("SHM_CMA")) && (rc = parse_int("SHM_CMA", v, &c.shm_cma)))
        return rc;
    if ((v = env("SPIN_COUNT")) && (rc = parse_int("SPIN_COUNT", v, &c.spin_count)))
        return rc;
    if ((v = env("YIELD_COUNT")) && (rc = parse_int("YIELD_COUNT", v, &c.yield_count)))
        return rc;
    if ((v = env("DEBUG")) && (rc = parse_int("DEBUG", v, &c.debug)))
        return rc;
    tn_config = c;
    return MPI_SUCCESS;
}

void tn_config_shm_name(char *buf, size_t size, const char *prefix)
{
    uint64_t nonce;

    if (getrandom(&nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce))
        nonce = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
    snprintf(buf, size, "%stern-%u-%d-%016llx", prefix, tn_config.job_id, (int)getpid(),
             (unsigned long long)nonce);
}
