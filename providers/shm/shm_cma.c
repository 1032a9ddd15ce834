/* Single-copy transfers for get(): the receiver reads the sender's buffer
 * with process_vm_readv (cross-memory attach). The rkey blob names the owner's
 * pid and the region; nothing is pinned or registered. At start every local
 * rank reads another's memory once; get() works only if all of them could (a
 * kernel without CMA, seccomp in a container or Yama forbid it) and none has
 * TERN_SHM_CMA=0.
 *
 * Even then get() is advertised only when local ranks outnumber the CPUs, or
 * with TERN_SHM_CMA=2: the kernel copies at a fraction of memcpy's speed
 * (measured here: 15 GB/s against 50-60 GB/s for 1-4 MiB, 7 against 17 GB/s
 * for 64 MiB), while the rings' two copies run on two cores at once. With
 * more ranks than cores those two copies need both processes scheduled
 * together, and a single copy by the receiver alone is the safer choice. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/shm/shm.h"

#define CMA_DONE_MIN 64

/* Reads len bytes at raddr in process pid; 0 or an errno value. */
static int cma_read(int pid, void *local, uint64_t raddr, size_t len)
{
    while (len) {
        struct iovec l = {local, len}, r = {(void *)(uintptr_t)raddr, len};
        ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EFAULT;
        local = (char *)local + n;
        raddr += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

void tn_shm_cma_prepare(tn_shm_t *s)
{
    s->probe_word = TN_SHM_PROBE_MAGIC ^ (uint64_t)s->me;
    s->ctl[s->me].probe_addr = (uint64_t)(uintptr_t)&s->probe_word;
    /* Under Yama's ptrace_scope 1 only ancestors may read a process: let the
     * job's other ranks in (fails harmlessly without Yama). */
    if (tn_config.shm_cma)
        (void)prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
}

void tn_shm_cma_probe(tn_shm_t *s)
{
    int next = (s->me + 1) % s->nlocal;
    uint64_t v = 0;

    if (!tn_config.shm_cma)
        s->cma_err = EPERM;
    else if (!(s->cma_err = cma_read(s->ctl[next].pid, &v, s->ctl[next].probe_addr, sizeof(v))) &&
             v != (TN_SHM_PROBE_MAGIC ^ (uint64_t)next))
        s->cma_err = EIO;
    if (s->cma_err)
        __atomic_add_fetch(&((tn_shm_seg_t *)s->seg)->cma_fail, 1, __ATOMIC_ACQ_REL);
}

void tn_shm_cma_decide(tn_shm_t *s)
{
    uint32_t fails = __atomic_load_n(&((tn_shm_seg_t *)s->seg)->cma_fail, __ATOMIC_ACQUIRE);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int crowded = cpus > 0 && s->nlocal > cpus;

    s->cma_ok = fails == 0;
    if (s->cma_ok && (crowded || tn_config.shm_cma >= 2))
        s->base.caps |= TN_TP_CAP_GET;
    if (tn_config.debug)
        fprintf(stderr, "[tern] rank %d: shm provider: large messages %s (cross-memory attach: "
                "%s; %u of %d local ranks can not use it; %ld CPUs)\n", s->params.rank,
                (s->base.caps & TN_TP_CAP_GET) ? "read with process_vm_readv"
                                                : "streamed through the rings",
                !tn_config.shm_cma ? "TERN_SHM_CMA=0"
                                   : s->cma_err ? strerror(s->cma_err) : "probe passed",
                fails, s->nlocal, cpus);
}

int tn_shm_mem_reg(tn_tp_t *tp, void *addr, size_t len, struct tn_tp_mr **mr, void *rkey,
                   size_t *rkey_len)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    tn_shm_rkey_t k = {(uint64_t)(uintptr_t)addr, len, s->pid, (uint32_t)TN_SHM_PROBE_MAGIC};

    if (*rkey_len < sizeof(k))
        return tn_err_set(MPI_ERR_OTHER, "shm provider: mem_reg needs %zu bytes for the rkey, "
                          "got %zu", sizeof(k), *rkey_len);
    memcpy(rkey, &k, sizeof(k));
    *rkey_len = sizeof(k);
    *mr = (struct tn_tp_mr *)s; /* nothing to hold: any non-NULL token */
    return MPI_SUCCESS;
}

int tn_shm_mem_dereg(tn_tp_t *tp, struct tn_tp_mr *mr)
{
    (void)tp, (void)mr;
    return MPI_SUCCESS;
}

/* Queues a completion for progress(); the array only grows. */
static int done_push(tn_shm_t *s, tn_tp_completion_t *comp)
{
    if (s->ndone == s->done_cap) {
        size_t cap = s->done_cap ? 2 * s->done_cap : CMA_DONE_MIN;
        tn_tp_completion_t **d = realloc(s->done, cap * sizeof(*d));
        if (!d)
            return TN_ERR_SETMEM("shm provider: get");
        s->done = d;
        s->done_cap = cap;
    }
    s->done[s->ndone++] = comp;
    return MPI_SUCCESS;
}

int tn_shm_get(tn_tp_t *tp, int peer, void *local, size_t len, struct tn_tp_mr *local_mr,
               const void *rkey, size_t rkey_len, uint64_t offset, tn_tp_completion_t *comp)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    tn_shm_rkey_t k;
    int err;
    (void)local_mr;

    if (!s->cma_ok)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: get() without cross-memory attach");
    if (peer >= 0 && peer < s->params.size && s->local_of[peer] >= 0 &&
        s->tx[s->local_of[peer]].lost)
        return s->tx[s->local_of[peer]].lost;
    if (rkey_len != sizeof(k))
        return tn_err_set(MPI_ERR_OTHER, "shm provider: get() with a %zu-byte rkey, expected "
                          "%zu", rkey_len, sizeof(k));
    memcpy(&k, rkey, sizeof(k));
    if (k.magic != (uint32_t)TN_SHM_PROBE_MAGIC || offset > k.len || len > k.len - offset)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: get() of %zu bytes at offset %llu from "
                          "rank %d, outside its %llu-byte region (or not an shm rkey)", len,
                          (unsigned long long)offset, peer, (unsigned long long)k.len);
    if ((err = cma_read(k.pid, local, k.addr + offset, len)))
        return tn_err_set(MPI_ERR_OTHER, "shm provider: reading %zu bytes of rank %d (pid %d) "
                          "with process_vm_readv failed: %s", len, peer, k.pid, strerror(err));
    return done_push(s, comp);
}

int tn_shm_cma_complete(tn_shm_t *s)
{
    size_t i;
    /* callbacks may start gets: they join this pass */
    for (i = 0; i < s->ndone; i++)
        s->done[i]->cb(s->done[i], MPI_SUCCESS);
    s->ndone = 0;
    return (int)i;
}
