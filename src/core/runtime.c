/* Bringing the library up and down: configuration, bootstrap, builtin
 * objects, transports, the job key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include "coll/coll.h"
#include "coll/select.h"
#include "core/attr.h"
#include "core/comm.h"
#include "core/config.h"
#include "core/datatype.h"
#include "core/error.h"
#include "core/group.h"
#include "core/op.h"
#include "core/runtime.h"
#include "p2p/proto.h"
#include "pmi/pmi.h"
#include "transport/transport.h"

#define TN_JOB_KEY_LEN 16
#define TN_JOB_KEY_PMI "tn-job-key"

struct tn_runtime tn_rt;

int tn_rt_check(const char *fname)
{
    if (__builtin_expect(tn_rt.state == TN_RT_INIT, 1))
        return MPI_SUCCESS;
    return tn_err_set(MPI_ERR_OTHER, "%s: called %s", fname,
                      tn_rt.state == TN_RT_UNINIT ? "before MPI_Init" : "after MPI_Finalize");
}

/* The job key comes from Tern's mpirun (TERN_JOB_KEY); under another process
 * manager rank 0 draws one and shares it through PMI. Returns 1 when the key
 * must be fetched from PMI after the fence. */
static int job_key_start(int *rc)
{
    const char *env = getenv("TERN_JOB_KEY");
    size_t len = sizeof(tn_rt.job_key);
    tn_rt.job_key_len = TN_JOB_KEY_LEN;
    *rc = MPI_SUCCESS;
    if (env) {
        if (tn_pmi_decode(env, tn_rt.job_key, &len) || len != TN_JOB_KEY_LEN)
            *rc = tn_err_set(MPI_ERR_OTHER, "MPI_Init: TERN_JOB_KEY is not %d hex digits",
                             2 * TN_JOB_KEY_LEN);
        return 0;
    }
    if (tn_rt.world_rank != 0)
        return 1;
    char hex[2 * TN_JOB_KEY_LEN + 1];
    if (getrandom(tn_rt.job_key, TN_JOB_KEY_LEN, 0) != TN_JOB_KEY_LEN)
        *rc = tn_err_set(MPI_ERR_OTHER, "MPI_Init: getrandom failed for the job key");
    else if (!(*rc = tn_pmi_encode(tn_rt.job_key, TN_JOB_KEY_LEN, hex, sizeof(hex))))
        *rc = tn_pmi_put(TN_JOB_KEY_PMI, hex);
    return 0;
}

static int job_key_fetch(void)
{
    char hex[TN_PMI_VALUE_MAX];
    size_t len = sizeof(tn_rt.job_key);
    int rc = tn_pmi_get(TN_JOB_KEY_PMI, hex, sizeof(hex));
    if (!rc && (tn_pmi_decode(hex, tn_rt.job_key, &len) || len != TN_JOB_KEY_LEN))
        rc = tn_err_set(MPI_ERR_OTHER, "MPI_Init: rank 0 published a malformed job key");
    return rc;
}

int tn_rt_start(int required, int *provided)
{
    tn_pmi_info_t pi;
    int rc, fetch_key;
    if ((rc = tn_config_load()) || (rc = tn_coll_select_init(tn_config.crowded)) ||
        (rc = tn_pmi_init(&pi)))
        return rc;
    tn_rt.world_rank = pi.rank;
    tn_rt.world_size = pi.size;
    tn_rt.appnum = pi.appnum;
    tn_rt.universe_size = pi.universe_size > 0 ? pi.universe_size : pi.size;
    tn_rt.singleton = pi.singleton;
    /* No internal locks: calls from several threads must be serialized. */
    tn_rt.thread_level = required < MPI_THREAD_SERIALIZED ? required : MPI_THREAD_SERIALIZED;
    if (gethostname(tn_rt.hostname, sizeof(tn_rt.hostname) - 1))
        strcpy(tn_rt.hostname, "localhost");

    tn_datatype_init_builtins();
    tn_op_init_builtins();
    tn_group_init_builtins();

    fetch_key = job_key_start(&rc);
    if (rc)
        return rc;
    tn_tp_params_t params = {
        .rank = pi.rank,
        .size = pi.size,
        .job_key = tn_rt.job_key,
        .job_key_len = TN_JOB_KEY_LEN,
        .handlers = tn_p2p_handlers,
    };
    if ((rc = tn_transport_init(&params)))
        return rc;
    if ((rc = tn_pmi_fence()) || (fetch_key && (rc = job_key_fetch())) ||
        (rc = tn_transport_start()))
        goto fail;
    if ((rc = tn_comm_init_builtins()))
        goto fail;
    tn_rt.state = TN_RT_INIT;
    *provided = tn_rt.thread_level;
    return MPI_SUCCESS;
fail:
    tn_transport_finalize();
    return rc;
}

int tn_rt_stop(void)
{
    /* Every rank waits for the others so no connection closes under a peer
     * that still talks to it; then the attributes of MPI_COMM_SELF and
     * MPI_COMM_WORLD are deleted (MPI 4.1 §11.2.4), while the transports
     * still run for delete callbacks that communicate. */
    int rc = tn_coll_barrier(tn_comm_world);
    tn_comm_finalize_builtins();
    tn_transport_finalize();
    tn_p2p_finalize();
    tn_datatype_finalize();
    tn_attr_finalize();
    tn_err_finalize();
    int prc = tn_pmi_finalize();
    tn_rt.state = TN_RT_FINALIZED;
    return rc ? rc : prc;
}
