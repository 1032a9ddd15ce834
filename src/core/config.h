/* Every tunable is an environment variable TERN_<NAME>, read once in config.c.
 * tern_info lists them all with defaults and meanings (tn_config_list). */
#ifndef TN_CONFIG_H
#define TN_CONFIG_H

#include <stddef.h>

struct tn_config {
    const char *transports;  /* TERN_TRANSPORTS: comma list of providers allowed, or NULL for all */
    size_t tcp_eager_max;    /* TERN_TCP_EAGER_MAX */
    const char *tcp_if;      /* TERN_TCP_IF: interface name to use, or NULL to choose */
    const char *ofi_provider; /* TERN_OFI_PROVIDER: libfabric provider name, or NULL for libfabric's choice */
    size_t ofi_eager_max;     /* TERN_OFI_EAGER_MAX */
    const char *verbs_device; /* TERN_VERBS_DEVICE: "name" or "name:port", or NULL for the first active port */
    int verbs_gid_index;      /* TERN_VERBS_GID_INDEX: -1 to choose the RoCE v2 IPv4 GID */
    size_t verbs_eager_max;   /* TERN_VERBS_EAGER_MAX */
    size_t verbs_max_msg;     /* TERN_VERBS_MAX_MSG: largest RDMA READ; 0 for the port's max_msg_sz */
    int shm_cma;              /* TERN_SHM_CMA: 1 to use process_vm_readv for large messages */
    size_t shm_eager_max;     /* TERN_SHM_EAGER_MAX */
    unsigned job_id;          /* TERN_JOB_ID: set by mpirun (its pid) to name the job's shm
                                 segments, which it removes at the end; 0 when unset */
    int spin_count;          /* TERN_SPIN_COUNT: progress polls before a blocking call sleeps */
    int yield_count;         /* TERN_YIELD_COUNT: then polls after a sched_yield each */
    int crowded;             /* this node's ranks outnumber its cores (TERN_LOCAL_SIZE) */
    int debug;               /* TERN_DEBUG: print provider/bootstrap decisions to stderr */
};

extern struct tn_config tn_config;

/* Reads the environment; called first thing in MPI_Init. Returns MPI_SUCCESS or
 * MPI_ERR_OTHER with a message naming the bad variable and value. */
int tn_config_load(void);

typedef struct tn_config_var {
    const char *name;        /* without the TERN_ prefix */
    const char *default_str;
    const char *meaning;
} tn_config_var_t;

/* Writes "<prefix>tern-<job_id>-<pid>-<random hex>" into buf: the name of a
 * shared-memory object this process creates, unique even where pids are
 * recycled, and matched by mpirun's sweep of /dev/shm/tern-<job_id>-* at the
 * end of the job. */
void tn_config_shm_name(char *buf, size_t size, const char *prefix);

/* The table of all variables, for tern_info. */
const tn_config_var_t *tn_config_vars(int *count);

#endif
