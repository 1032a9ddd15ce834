/* The node's segment: sizing, creation by local rank 0, mapping by the
 * others, and removal of its name as soon as every local rank has mapped it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "core/config.h"
#include "core/error.h"
#include "providers/shm/shm.h"

#define SHM_DIR "/dev/shm"
#define SHM_PAGE 4096

static size_t npairs(int n)
{
    return (size_t)n * (size_t)(n - 1);
}

/* Ring data starts on a page after the control blocks. */
static size_t data_offset(int n)
{
    return tn_shm_align(TN_SHM_CTL_BYTES * (1 + (size_t)n + npairs(n)), SHM_PAGE);
}

static size_t node_mem_bytes(int n)
{
    return tn_shm_align((size_t)n * TN_TP_NODE_MEM_PER_RANK, SHM_PAGE);
}

void tn_shm_seg_layout(int n, uint64_t *ring_bytes, size_t *seg_bytes)
{
    uint64_t r = TN_SHM_RING_MAX;
    while (r > TN_SHM_RING_MIN && r * npairs(n) > TN_SHM_RING_BUDGET)
        r /= 2;
    *ring_bytes = r;
    *seg_bytes = data_offset(n) + npairs(n) * r + node_mem_bytes(n);
}

int tn_shm_node_mem(tn_tp_t *tp, void **base, size_t *len)
{
    tn_shm_t *s = (tn_shm_t *)tp;
    size_t bytes = node_mem_bytes(s->nlocal);
    if (!s->seg)
        return MPI_ERR_OTHER; /* alone on the node: no segment */
    *base = (unsigned char *)s->seg + s->seg_bytes - bytes;
    *len = bytes;
    return MPI_SUCCESS;
}

/* The ring of the ordered pair (from, to). */
static size_t pair_index(int from, int to, int n)
{
    return (size_t)from * (size_t)(n - 1) + (size_t)(to < from ? to : to - 1);
}

void tn_shm_seg_bind(tn_shm_t *s)
{
    unsigned char *base = s->seg;
    int n = s->nlocal;
    tn_shm_ring_ctl_t *rc;
    unsigned char *data = base + data_offset(n);

    s->ctl = (tn_shm_ctl_t *)(base + TN_SHM_CTL_BYTES);
    rc = (tn_shm_ring_ctl_t *)(s->ctl + n);
    for (int l = 0; l < n; l++) {
        size_t out = pair_index(s->me, l, n), in = pair_index(l, s->me, n);
        if (l == s->me)
            continue;
        s->tx[l].data = data + out * s->ring_bytes;
        s->tx[l].head = &rc[out].head;
        s->tx[l].sleeping = &s->ctl[l].sleeping;
        s->tx[l].qtail = &s->tx[l].q;
        s->rx[l].data = data + in * s->ring_bytes;
        s->rx[l].head_pub = &rc[in].head;
    }
}

/* Maps fd's size bytes, pre-faulted so the fast path takes no page faults. */
static int seg_map(tn_shm_t *s, int fd, size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: can not map the %zu-byte segment %s%s: %s",
                          size, SHM_DIR, s->seg_name, strerror(errno));
    s->seg = p;
    s->seg_bytes = size;
    return MPI_SUCCESS;
}

static int no_room(const tn_shm_t *s, size_t size, int err)
{
    struct statvfs v;
    char avail[64] = "unknown";
    if (statvfs(SHM_DIR, &v) == 0)
        snprintf(avail, sizeof(avail), "%llu", (unsigned long long)v.f_bavail * v.f_frsize);
    return tn_err_set(MPI_ERR_OTHER,
                      "shm provider: can not allocate the %zu-byte segment %s%s for %d local "
                      "ranks: %s (%s has %s bytes free; a container may need a larger "
                      "--shm-size, or set TERN_TRANSPORTS to leave shm out)",
                      size, SHM_DIR, s->seg_name, s->nlocal, strerror(err), SHM_DIR, avail);
}

int tn_shm_seg_create(tn_shm_t *s)
{
    size_t size;
    int fd, err, rc;

    tn_config_shm_name(s->seg_name, sizeof(s->seg_name), "/");
    tn_shm_seg_layout(s->nlocal, &s->ring_bytes, &size);
    fd = shm_open(s->seg_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: can not create the segment %s%s: %s",
                          SHM_DIR, s->seg_name, strerror(errno));
    s->linked = 1;
    /* Allocates every page now: running out later would be a SIGBUS. */
    if ((err = posix_fallocate(fd, 0, (off_t)size))) {
        rc = no_room(s, size, err);
        goto fail;
    }
    if ((rc = seg_map(s, fd, size)))
        goto fail;
    close(fd);
    tn_shm_seg_t *h = s->seg;
    h->magic = TN_SHM_MAGIC;
    h->version = TN_SHM_VERSION;
    h->nlocal = (uint32_t)s->nlocal;
    h->seg_bytes = size;
    h->ring_bytes = s->ring_bytes;
    return MPI_SUCCESS;
fail:
    close(fd);
    shm_unlink(s->seg_name);
    s->linked = 0;
    return rc;
}

int tn_shm_seg_attach(tn_shm_t *s, const char *name)
{
    struct stat st;
    size_t want;
    int fd, rc;

    if (name[0] != '/' || strchr(name + 1, '/') || strlen(name) >= sizeof(s->seg_name))
        return tn_err_set(MPI_ERR_OTHER, "shm provider: local rank 0 published a malformed "
                          "segment name");
    strcpy(s->seg_name, name);
    tn_shm_seg_layout(s->nlocal, &s->ring_bytes, &want);
    fd = shm_open(name, O_RDWR | O_CLOEXEC, 0);
    if (fd < 0)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: can not open the segment %s%s that "
                          "local rank 0 created: %s", SHM_DIR, name, strerror(errno));
    s->linked = 1;
    if (fstat(fd, &st) || (size_t)st.st_size != want) {
        rc = tn_err_set(MPI_ERR_OTHER, "shm provider: the segment %s%s is %lld bytes, not the "
                        "%zu expected for %d local ranks", SHM_DIR, name,
                        (long long)st.st_size, want, s->nlocal);
        close(fd);
        return rc;
    }
    rc = seg_map(s, fd, want);
    close(fd);
    if (rc)
        return rc;
    const tn_shm_seg_t *h = s->seg;
    if (h->magic != TN_SHM_MAGIC || h->version != TN_SHM_VERSION ||
        h->nlocal != (uint32_t)s->nlocal || h->ring_bytes != s->ring_bytes ||
        h->seg_bytes != want)
        return tn_err_set(MPI_ERR_OTHER, "shm provider: the segment %s%s was made for another "
                          "job or Tern version (magic, version or rank count differ)",
                          SHM_DIR, name);
    return MPI_SUCCESS;
}

void tn_shm_seg_joined(tn_shm_t *s)
{
    tn_shm_seg_t *h = s->seg;
    if (__atomic_add_fetch(&h->attached, 1, __ATOMIC_ACQ_REL) == (uint32_t)s->nlocal) {
        shm_unlink(s->seg_name);
        s->linked = 0;
    }
}

int tn_shm_seg_wait(tn_shm_t *s, uint32_t *counter, const char *what)
{
    struct timespec t0, now;
    uint32_t c;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 0;; i++) {
        if ((c = __atomic_load_n(counter, __ATOMIC_ACQUIRE)) >= (uint32_t)s->nlocal)
            return MPI_SUCCESS;
        if (i < 1000) {
            sched_yield();
            continue;
        }
        nanosleep(&(struct timespec){0, 1000000}, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > TN_SHM_ATTACH_WAIT_S)
            return tn_err_set(MPI_ERR_OTHER, "shm provider: only %u of the %d local ranks %s "
                              "within %d s (segment %s%s)", c, s->nlocal, what,
                              TN_SHM_ATTACH_WAIT_S, SHM_DIR, s->seg_name);
    }
}

void tn_shm_seg_release(tn_shm_t *s)
{
    if (s->seg)
        munmap(s->seg, s->seg_bytes);
    if (s->linked)
        shm_unlink(s->seg_name);
    s->seg = NULL;
    s->linked = 0;
}
