/* libfabric provider: loading libfabric at run time.
 *
 * Linking libfabric would load it into every Tern process, whether or not it
 * uses ofi, and with it the libraries it is linked with (psm on Debian, whose
 * constructor alone takes about 0.2 s). So it is opened with dlopen() the
 * first time the provider is probed; only the few entry points that are real
 * functions are looked up, the rest of libfabric's API being inline calls
 * through the objects' operation tables. It stays loaded: libfabric keeps
 * threads and destructors of its own. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "providers/ofi/ofi.h"

#ifndef TN_LIBFABRIC_SO
#define TN_LIBFABRIC_SO "libfabric.so.1"
#endif

tn_ofi_lib_t tn_ofi_lib;

/* DESIGN: ofi_rxm carries messages up to its buffer size (16 KiB) eagerly and
 * larger ones by segmentation or rendezvous, which cost it extra copies and
 * round trips. Tern's largest eager message is a header larger than
 * TERN_OFI_EAGER_MAX, so unless the user set them, rxm's limits are raised to
 * hold it (before libfabric reads its environment, at its first call). */
static void rxm_defaults(void)
{
    char v[32];

    snprintf(v, sizeof(v), "%zu",
             sizeof(tn_ofi_wire_t) + TN_OFI_HDR_MAX + tn_config.ofi_eager_max);
    setenv("FI_OFI_RXM_BUFFER_SIZE", v, 0);
    setenv("FI_OFI_RXM_EAGER_LIMIT", v, 0);
    /* DESIGN: without a shared receive context, rxm (1.17) posts its receive
     * buffers on each connection's endpoint, and when it closes a connection
     * (a peer's disconnection, or fi_close) with messages still unread there,
     * it reposts their buffers on the endpoint it has just freed: verbs;ofi_rxm
     * then crashes at MPI_Finalize. Buffers of the shared context outlive the
     * connections. Only for verbs: over tcp it costs about 5 % of the
     * small-message latency, and tcp;ofi_rxm does not have the fault. */
    const char *want = tn_config.ofi_provider ? tn_config.ofi_provider : getenv("FI_PROVIDER");
    if (!want || !*want || strstr(want, "verbs"))
        setenv("FI_OFI_RXM_USE_SRX", "1", 0);
    /* Over tcp, rxm's passthru mode hands messages to tcp's own reliable
     * datagrams without rxm's protocol (72 instead of 136 bytes on the wire
     * for an 8-byte MPI message). (It was turned off once for losing
     * messages; the loss was Tern's matched probe, fixed in the progress
     * engine: p2p_mprobe at 4 ranks then passed 200 of 200 runs over it.) */
    if (want && strstr(want, "tcp"))
        setenv("FI_OFI_RXM_ENABLE_PASSTHRU", "1", 0);
}

int tn_ofi_lib_load(const char **why)
{
    static int state; /* 0: not tried yet, 1: loaded, -1: failed */
    static char text[320];
    const struct {
        const char *name;
        void **slot;
    } syms[] = {
        {"fi_getinfo", (void **)&tn_ofi_lib.getinfo},
        {"fi_freeinfo", (void **)&tn_ofi_lib.freeinfo},
        {"fi_dupinfo", (void **)&tn_ofi_lib.dupinfo},
        {"fi_fabric", (void **)&tn_ofi_lib.fabric},
        {"fi_strerror", (void **)&tn_ofi_lib.strerror},
        {"fi_version", (void **)&tn_ofi_lib.version},
    };
    void *h;
    uint32_t v;

    *why = text;
    if (state)
        return state > 0;
    state = -1;
    rxm_defaults();
    if (!(h = dlopen(TN_LIBFABRIC_SO, RTLD_NOW | RTLD_LOCAL))) {
        snprintf(text, sizeof(text), "libfabric can not be loaded (%s)", dlerror());
        return 0;
    }
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
        if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
            snprintf(text, sizeof(text), "%s lacks %s", TN_LIBFABRIC_SO, syms[i].name);
            return 0;
        }
    v = tn_ofi_lib.version();
    if (FI_VERSION_LT(v, FI_VERSION(1, 10))) {
        snprintf(text, sizeof(text), "libfabric %u.%u is too old (1.10 or newer is needed)",
                 FI_MAJOR(v), FI_MINOR(v));
        return 0;
    }
    snprintf(text, sizeof(text), "libfabric %u.%u", FI_MAJOR(v), FI_MINOR(v));
    state = 1;
    return 1;
}
