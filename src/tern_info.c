/* tern_info: what this Tern is, which providers it has, and every tunable. */
#include <stdio.h>
#include <mpi.h>
#include "coll/select.h"
#include "core/config.h"
#include "core/error.h"
#include "transport/transport.h"

int main(void)
{
    const tn_transport_ops_t *const *ops;
    int n = tn_transport_list(&ops), nvars;
    const tn_config_var_t *vars = tn_config_vars(&nvars);

    printf("Tern MPI %s (MPI %d.%d, MPICH ABI: libmpich.so.12)\n", PACKAGE_VERSION, MPI_VERSION,
           MPI_SUBVERSION);
    /* Probes and descriptions follow the TERN_* settings, as in MPI_Init. */
    int rc = tn_config_load();
    if (rc == MPI_SUCCESS)
        rc = tn_coll_select_init(tn_config.crowded);
    if (rc != MPI_SUCCESS) {
        fprintf(stderr, "tern_info: %s\n", tn_err_string(rc));
        return 1;
    }
    printf("\nProviders built (in order of preference):\n");
    for (int i = 0; i < n; i++) {
        const char *why = NULL;
        int ok = ops[i]->probe(&why);
        printf("  %-8s %s%s%s\n", ops[i]->name, ok ? "usable" : "not usable", why ? ": " : "",
               why ? why : "");
    }
    for (int i = 0; i < n; i++) {
        if (!ops[i]->describe)
            continue;
        printf("\nProvider %s:\n", ops[i]->name);
        ops[i]->describe(stdout);
    }
    printf("\nCollective algorithms:\n");
    tn_coll_select_describe(stdout);
    printf("\nEnvironment variables:\n");
    for (int i = 0; i < nvars; i++)
        printf("  TERN_%-16s default %s\n  %-21s %s\n", vars[i].name, vars[i].default_str, "",
               vars[i].meaning);
    return 0;
}
