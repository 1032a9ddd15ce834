/* The job: start the ranks, then one poll loop over every rank's PMI socket
 * and output pipes, mpirun's stdin, a signalfd (SIGCHLD, SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT) and the deadlines (--timeout, SIGKILL one second after SIGTERM),
 * until every rank has been reaped. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "launcher/launcher.h"

#define KILL_GRACE_MS 1000  /* SIGTERM, then SIGKILL this much later */
#define ABORT_GRACE_MS 300  /* an abort waits this long for a crash that caused it */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Signals the process group of every rank not reaped yet: while the rank (or
 * its zombie) exists, its pid is also its group's id and can not be reused. */
static void kill_all(const struct tn_job *job, int sig)
{
    for (int i = 0; i < job->size; i++)
        if (job->ranks[i].running)
            kill(-job->ranks[i].pid, sig);
}

/* Prints msg and records status unless an earlier failure did; with stop,
 * also starts killing the ranks. */
static void report(struct tn_job *job, int status, bool stop, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    tn_mpirun_say("%s", msg);
    if (!job->failed) {
        job->failed = true;
        job->status = status;
    }
    if (stop) {
        job->stopping = true;
        kill_all(job, SIGTERM);
        job->kill_at = now_ms() + KILL_GRACE_MS;
    }
}

void tn_job_fail(struct tn_job *job, int status, const char *fmt, ...)
{
    if (job->stopping)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(job, status, true, fmt, ap);
    va_end(ap);
}

void tn_job_rank_failed(struct tn_job *job, int status, const char *fmt, ...)
{
    if (job->stopping)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(job, status, !job->opt->keep_going, fmt, ap);
    va_end(ap);
}

void tn_job_abort(struct tn_job *job, int status, const char *fmt, ...)
{
    if (job->stopping || job->abort_at)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->abort_msg, sizeof job->abort_msg, fmt, ap);
    va_end(ap);
    job->abort_status = status;
    job->abort_at = now_ms() + ABORT_GRACE_MS;
}

/* Rank r has exited with wait status ws. */
static void on_exit_status(struct tn_job *job, struct tn_rank *r, int ws)
{
    /* what it said last (finalize, abort, output) comes before the verdict */
    tn_pmisrv_read(job, r);
    tn_stdio_read(job, r, &r->out, true);
    tn_stdio_read(job, r, &r->err, true);
    if (r->pmi_fd >= 0) {
        close(r->pmi_fd);
        r->pmi_fd = -1;
    }
    r->running = false;
    job->nrunning--;

    if (WIFSIGNALED(ws))
        tn_job_rank_failed(job, 128 + WTERMSIG(ws),
                           "rank %d (pid %d) on host %s was killed by signal %d (%s)", r->id,
                           (int)r->pid, job->host, WTERMSIG(ws), strsignal(WTERMSIG(ws)));
    else if (WEXITSTATUS(ws) != 0)
        tn_job_rank_failed(job, WEXITSTATUS(ws),
                           "rank %d (pid %d) on host %s exited with status %d", r->id,
                           (int)r->pid, job->host, WEXITSTATUS(ws));
    else if (r->pmi_inited && !r->finalized)
        tn_job_rank_failed(job, TN_EXIT_FAILED,
                           "rank %d (pid %d) on host %s exited without calling MPI_Finalize",
                           r->id, (int)r->pid, job->host);
    tn_pmisrv_check_barrier(job);
}

static void reap(struct tn_job *job)
{
    siginfo_t si;
    for (;;) {
        si.si_pid = 0;
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
            return;
        /* the zombie still holds its group's id: kill what the rank left
         * behind in its group before reaping it makes the id reusable */
        pid_t pid = si.si_pid;
        kill(-pid, SIGKILL);
        int ws;
        if (waitpid(pid, &ws, 0) != pid)
            return;
        for (int i = 0; i < job->size; i++) {
            if (job->ranks[i].running && job->ranks[i].pid == pid) {
                on_exit_status(job, &job->ranks[i], ws);
                break;
            }
        }
    }
}

static void on_signals(struct tn_job *job, int sfd)
{
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) == sizeof si) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD) {
            reap(job);
        } else if (job->stopping) {
            kill_all(job, SIGKILL); /* asked twice: do not wait for the grace period */
        } else {
            tn_job_fail(job, 128 + sig, "received signal %d (%s); stopping the job", sig,
                        strsignal(sig));
        }
    }
}

/* What poll()'s entry i watches. */
struct watch {
    struct tn_rank *rank; /* NULL for the signalfd and stdin */
    enum { W_SIGNALS, W_STDIN_READ, W_STDIN_WRITE, W_PMI, W_OUT, W_ERR } what;
};

static int add(struct pollfd *fds, struct watch *w, int n, int fd, short events, struct tn_rank *r,
               int what)
{
    fds[n] = (struct pollfd){.fd = fd, .events = events};
    w[n] = (struct watch){.rank = r, .what = what};
    return n + 1;
}

static int build_poll_set(struct tn_job *job, int sfd, struct pollfd *fds, struct watch *w)
{
    int n = add(fds, w, 0, sfd, POLLIN, NULL, W_SIGNALS);
    if (job->in.len > 0 && job->in.to >= 0)
        n = add(fds, w, n, job->in.to, POLLOUT, NULL, W_STDIN_WRITE);
    else if (job->in.from >= 0 && job->in.to >= 0)
        n = add(fds, w, n, job->in.from, POLLIN, NULL, W_STDIN_READ);
    for (int i = 0; i < job->size; i++) {
        struct tn_rank *r = &job->ranks[i];
        if (r->pmi_fd >= 0)
            n = add(fds, w, n, r->pmi_fd, POLLIN, r, W_PMI);
        if (r->out.fd >= 0)
            n = add(fds, w, n, r->out.fd, POLLIN, r, W_OUT);
        if (r->err.fd >= 0)
            n = add(fds, w, n, r->err.fd, POLLIN, r, W_ERR);
    }
    return n;
}

/* fds and w have room for 3 entries per rank plus 2. */
static void event_loop(struct tn_job *job, int sfd, struct pollfd *fds, struct watch *w)
{
    long long deadline = job->opt->timeout ? now_ms() + job->opt->timeout * 1000LL : 0;
    while (job->nrunning > 0) {
        long long due = job->stopping ? job->kill_at : deadline;
        if (!job->stopping && job->abort_at && (!due || job->abort_at < due))
            due = job->abort_at;
        int timeout = -1;
        if (due) {
            long long left = due - now_ms();
            timeout = left < 0 ? 0 : (int)left;
        }
        int n = build_poll_set(job, sfd, fds, w);
        if (poll(fds, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            /* can not watch the ranks any more: kill them and wait for them */
            tn_job_fail(job, TN_EXIT_FAILED, "poll failed: %s", strerror(errno));
            kill_all(job, SIGKILL);
            while (job->nrunning > 0 && wait(NULL) > 0)
                job->nrunning--;
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!fds[i].revents)
                continue;
            struct tn_rank *r = w[i].rank;
            switch (w[i].what) {
            case W_SIGNALS:
                on_signals(job, sfd);
                break;
            case W_STDIN_READ:
            case W_STDIN_WRITE:
                tn_stdio_stdin(&job->in);
                break;
            case W_PMI:
                tn_pmisrv_read(job, r);
                break;
            case W_OUT:
                tn_stdio_read(job, r, &r->out, false);
                break;
            case W_ERR:
                tn_stdio_read(job, r, &r->err, false);
                break;
            }
        }
        if (!job->stopping && job->abort_at && now_ms() >= job->abort_at)
            tn_job_fail(job, job->abort_status, "%s", job->abort_msg);
        if (job->stopping && job->kill_at && now_ms() >= job->kill_at) {
            kill_all(job, SIGKILL);
            job->kill_at = 0;
        } else if (!job->stopping && deadline && now_ms() >= deadline) {
            tn_job_fail(job, TN_EXIT_TIMEOUT, "timed out after %d s (--timeout); stopping the job",
                        job->opt->timeout);
        }
    }
}

/* Rank 0's stdin: a pipe fed from ours, or -1 for /dev/null when mpirun runs
 * in the background of a terminal (reading it would stop mpirun). */
static int stdin_pipe(struct tn_job *job)
{
    int p[2];
    if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) != getpgrp())
        return -1;
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    job->in.from = STDIN_FILENO;
    job->in.to = p[1];
    return p[0];
}

static int make_key(struct tn_job *job)
{
    unsigned char raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        tn_mpirun_say("getrandom failed: %s", strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(job->key + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

/* Blocks the signals the loop reads from the returned signalfd (-1 on error). */
static int signal_setup(struct tn_job *job)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout or rank socket is an error return */
    if (sigprocmask(SIG_BLOCK, &set, &job->saved_mask) < 0)
        return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void start_ranks(struct tn_job *job)
{
    int stdin_fd = stdin_pipe(job);
    for (int a = 0, id = 0; a < job->opt->napps; a++) {
        for (int k = 0; k < job->opt->apps[a].nprocs; k++, id++) {
            struct tn_rank *r = &job->ranks[id];
            *r = (struct tn_rank){.id = id, .appnum = a, .pmi_fd = -1};
            r->out.fd = r->err.fd = -1;
            if (job->stopping) /* an earlier rank did not start */
                continue;
            if (tn_spawn_local(job, r, id == 0 ? stdin_fd : -1)) {
                tn_job_fail(job, TN_EXIT_FAILED, "can not start rank %d: %s", id, strerror(errno));
                continue;
            }
            job->nrunning++;
        }
    }
    if (stdin_fd >= 0)
        close(stdin_fd);
}

/* Removes the shared-memory segments named after this job (TERN_JOB_ID, our
 * pid: /dev/shm/tern-<pid>-*). A segment is unlinked as soon as every local
 * rank has mapped it, so only a rank killed before that leaves one behind. */
static void sweep_shm(void)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof prefix, "tern-%d-", (int)getpid());
    DIR *d = opendir("/dev/shm");
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strncmp(e->d_name, prefix, (size_t)n) == 0)
            (void)unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

int tn_job_run(const struct tn_options *opt)
{
    struct tn_job job = {.opt = opt, .in = {.from = -1, .to = -1}};
    for (int a = 0; a < opt->napps; a++)
        job.size += opt->apps[a].nprocs;
    gethostname(job.host, sizeof job.host - 1);

    int rc = tn_spawn_check(opt);
    if (rc)
        return rc;
    rc = TN_EXIT_FAILED;
    int sfd = -1;
    size_t nwatch = (size_t)job.size * 3 + 2;
    struct pollfd *fds = calloc(nwatch, sizeof *fds);
    struct watch *w = calloc(nwatch, sizeof *w);
    job.ranks = calloc((size_t)job.size, sizeof *job.ranks);
    if (!fds || !w || !job.ranks) {
        tn_mpirun_say("out of memory for %d ranks", job.size);
        goto out;
    }
    if (make_key(&job) || tn_pmisrv_init(&job))
        goto out;
    sfd = signal_setup(&job);
    if (sfd < 0) {
        tn_mpirun_say("can not set up signal handling: %s", strerror(errno));
        goto out;
    }

    start_ranks(&job);
    event_loop(&job, sfd, fds, w);
    sweep_shm();
    rc = job.failed ? job.status : 0;

out:
    if (job.in.to >= 0)
        close(job.in.to);
    if (sfd >= 0)
        close(sfd);
    tn_pmisrv_free();
    free(job.ranks);
    free(w);
    free(fds);
    return rc;
}
