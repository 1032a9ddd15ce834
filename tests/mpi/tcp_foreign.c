/* Tern only: a foreign connection to a rank's TCP port is rejected and the job is
 * unharmed.  Rank 0 finds rank 1's listening TCP sockets (socket inodes from
 * /proc/PID/fd matched against LISTEN entries of /proc/net/tcp and tcp6), and while
 * rank 1 waits in MPI_Recv it connects to each one several times: a plausible but
 * unkeyed handshake, random garbage, a flood of 1 MiB, a connection closed at once,
 * and one left idle until the end.  The first three must be closed by rank 1 (read
 * gives 0 or ECONNRESET; a 10 s receive timeout is only a safety net).  Then every
 * pair of ranks exchanges eager and rendezvous messages, checked. */
#include "mtest.h"
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAXLISTEN 16
#define BIG 300000

struct endpoint {
    int family;
    struct sockaddr_storage addr;
    socklen_t len;
};

/* Socket inodes of process pid. */
static int socket_inodes(int pid, unsigned long *inodes, int max)
{
    char path[64], link[128];
    int n = 0;
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        char fd[320];
        snprintf(fd, sizeof fd, "%s/%s", path, e->d_name);
        ssize_t k = readlink(fd, link, sizeof link - 1);
        if (k <= 0)
            continue;
        link[k] = '\0';
        if (sscanf(link, "socket:[%lu]", &inodes[n]) == 1)
            n++;
    }
    closedir(d);
    return n;
}

/* LISTEN sockets in /proc/net/tcp{,6} whose inode is one of inodes. */
static int listening(const unsigned long *inodes, int ninodes, struct endpoint *out, int max)
{
    int n = 0;
    for (int v6 = 0; v6 < 2; v6++) {
        FILE *f = fopen(v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "r");
        char line[512];
        if (!f)
            continue;
        if (!fgets(line, sizeof line, f)) { /* header */
            fclose(f);
            continue;
        }
        while (fgets(line, sizeof line, f) && n < max) {
            char local[64];
            unsigned port, state;
            unsigned long inode;
            if (sscanf(line, " %*d: %63[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*s %*s %lu", local,
                       &port, &state, &inode) != 4 || state != 0x0A) /* 0A: LISTEN */
                continue;
            int mine = 0;
            for (int i = 0; i < ninodes; i++)
                mine |= inodes[i] == inode;
            if (!mine)
                continue;
            struct endpoint *ep = &out[n];
            memset(ep, 0, sizeof *ep);
            if (!v6) {
                struct sockaddr_in *a = (struct sockaddr_in *)&ep->addr;
                uint32_t w = (uint32_t)strtoul(local, NULL, 16); /* printed in host order */
                a->sin_family = AF_INET;
                a->sin_port = htons((uint16_t)port);
                memcpy(&a->sin_addr, &w, 4);
                if (a->sin_addr.s_addr == htonl(INADDR_ANY))
                    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                ep->len = sizeof *a;
            } else {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ep->addr;
                a->sin6_family = AF_INET6;
                a->sin6_port = htons((uint16_t)port);
                for (int k = 0; k < 4; k++) {
                    char word[9];
                    memcpy(word, local + 8 * k, 8);
                    word[8] = '\0';
                    uint32_t w = (uint32_t)strtoul(word, NULL, 16);
                    memcpy(&a->sin6_addr.s6_addr[4 * k], &w, 4);
                }
                if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr))
                    a->sin6_addr = in6addr_loopback;
                ep->len = sizeof *a;
            }
            ep->family = v6 ? AF_INET6 : AF_INET;
            n++;
        }
        fclose(f);
    }
    return n;
}

static int dial(const struct endpoint *ep)
{
    int fd = socket(ep->family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Writes what it can (the peer may close early), then reads until the peer closes.
 * Returns 1 if it did, 0 if the receive timeout expired first. */
static int rejected(int fd, const unsigned char *data, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t k = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (k <= 0)
            break;
        off += (size_t)k;
    }
    char buf[4096];
    for (int i = 0; i < 1000; i++) { /* bounded: at most ~4 MB of replies */
        ssize_t k = read(fd, buf, sizeof buf);
        if (k == 0 || (k < 0 && (errno == ECONNRESET || errno == EPIPE)))
            return 1;
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return 0; /* EAGAIN: timed out */
    }
    return 0;
}

static void attack(const struct endpoint *ep, int *idle_fd)
{
    char where[INET6_ADDRSTRLEN + 16] = "?";
    const struct sockaddr_in *a4 = (const struct sockaddr_in *)&ep->addr;
    const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&ep->addr;
    if (ep->family == AF_INET)
        inet_ntop(AF_INET, &a4->sin_addr, where, sizeof where);
    else
        inet_ntop(AF_INET6, &a6->sin6_addr, where, sizeof where);

    /* A plausible handshake without the job's key: small lengths, then zeros. */
    unsigned char hello[512] = {'T', 'E', 'R', 'N', 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 16};
    unsigned char *junk = mtest_malloc(1 << 20);
    mtest_fill(junk, 1 << 20, 99);

    int fd = dial(ep);
    if (fd < 0) /* e.g. no IPv6 loopback here: nothing to attack at this address */
        return;
    CHECK_MSG(rejected(fd, hello, sizeof hello), "unkeyed handshake to %s was not closed", where);
    close(fd);

    fd = dial(ep);
    CHECK_MSG(fd >= 0, "second connection to %s failed", where);
    if (fd >= 0) {
        CHECK_MSG(rejected(fd, junk, 4096), "garbage to %s was not closed", where);
        close(fd);
    }

    fd = dial(ep);
    CHECK_MSG(fd >= 0, "third connection to %s failed", where);
    if (fd >= 0) {
        CHECK_MSG(rejected(fd, junk, 1 << 20), "1 MiB flood to %s was not closed", where);
        close(fd);
    }

    fd = dial(ep); /* connect and go away */
    if (fd >= 0)
        close(fd);

    if (*idle_fd < 0)
        *idle_fd = dial(ep); /* open and silent until the end */
    free(junk);
}

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    CHECK(size >= 2);
    if (size < 2)
        return mtest_finish();

    int pid = (int)getpid();
    int *pids = mtest_malloc(size * sizeof(int));
    MPI_Allgather(&pid, 1, MPI_INT, pids, 1, MPI_INT, MPI_COMM_WORLD);

    int idle_fd = -1, done = 1;
    if (rank == 0) {
        unsigned long inodes[256];
        struct endpoint eps[MAXLISTEN];
        int ni = socket_inodes(pids[1], inodes, 256);
        int ne = listening(inodes, ni, eps, MAXLISTEN);
        CHECK_MSG(ne > 0, "rank 1 (pid %d) has no listening TCP socket (%d sockets)", pids[1], ni);
        for (int i = 0; i < ne; i++)
            attack(&eps[i], &idle_fd);
        printf("attacked %d listening TCP socket(s) of rank 1\n", ne);
        for (int r = 1; r < size; r++)
            MPI_Send(&done, 1, MPI_INT, r, 0, MPI_COMM_WORLD);
    } else {
        MPI_Recv(&done, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }

    /* The job goes on: every pair, small and large, both ways. */
    unsigned char *out = mtest_malloc(BIG), *in = mtest_malloc(BIG);
    for (int peer = 0; peer < size; peer++) {
        if (peer == rank)
            continue;
        for (int k = 0; k < 2; k++) {
            int n = k ? BIG : 16;
            mtest_fill(out, n, rank * 100 + peer);
            memset(in, 0, n);
            MPI_Sendrecv(out, n, MPI_BYTE, peer, 1, in, n, MPI_BYTE, peer, 1, MPI_COMM_WORLD,
                         MPI_STATUS_IGNORE);
            CHECK_BYTES(in, n, peer * 100 + rank);
        }
    }
    int sum = 0;
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    CHECK_EQ(sum, size * (size - 1) / 2);

    if (idle_fd >= 0)
        close(idle_fd);
    free(out);
    free(in);
    free(pids);
    return mtest_finish();
}
