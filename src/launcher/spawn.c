/* Starting ranks on this host. A remote spawner (ssh to a proxy) would sit
 * beside tn_spawn_local and hand back the same three descriptors per rank. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/launcher.h"

/* 0 when path is a regular file we may execute, else an errno value. */
static int check_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errno;
    if (S_ISDIR(st.st_mode))
        return EISDIR;
    if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
        return EACCES;
    return 0;
}

/* prog as execvp would find it; NULL with *err set when it can not. */
static char *resolve(const char *prog, int *err)
{
    if (strchr(prog, '/')) {
        *err = check_file(prog);
        return *err ? NULL : strdup(prog);
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    *err = ENOENT;
    for (const char *dir = path;;) {
        size_t len = strcspn(dir, ":");
        char *cand;
        if (asprintf(&cand, "%.*s%s%s", (int)len, dir, len ? "/" : "", prog) < 0)
            return NULL;
        int e = check_file(cand);
        if (e == 0)
            return cand;
        if (e != ENOENT)
            *err = e; /* remember "found but not executable" */
        free(cand);
        if (dir[len] == '\0')
            return NULL;
        dir += len + 1;
    }
}

int tn_spawn_check(const struct tn_options *opt)
{
    for (int a = 0; a < opt->napps; a++) {
        struct tn_app *app = &opt->apps[a];
        int err;
        app->path = resolve(app->argv[0], &err);
        if (!app->path) {
            tn_mpirun_say("%s: %s%s", app->argv[0], strerror(err),
                          err == ENOENT && !strchr(app->argv[0], '/') ? " (searched PATH)" : "");
            return err == ENOENT ? TN_EXIT_NOT_FOUND : TN_EXIT_NOT_EXECUTABLE;
        }
    }
    return 0;
}

static void set_env_int(const char *name, int value)
{
    char s[16];
    snprintf(s, sizeof s, "%d", value);
    setenv(name, s, 1);
}

/* In the child: rank r of n takes an equal share of the CPUs, in their
 * order, when they are at least n and mpirun may use all of them (a batch
 * system or the user that bound mpirun has decided already).
 * DESIGN: unbound, the kernel now and then keeps two ranks that wait on each
 * other on one core, and every message then costs a sleep and a wake-up
 * (8-byte latency 21 us instead of 0.12, windowed bandwidth 10 MB/s instead
 * of 150, in runs that land so); Open MPI binds by default for the same
 * reason. A share of several cores keeps threaded ranks' threads apart. */
static void bind_share(int r, int n)
{
    cpu_set_t all, share;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (sched_getaffinity(0, sizeof all, &all) || CPU_COUNT(&all) != online || n > online)
        return;
    int k = (int)(online / n), at = 0;
    CPU_ZERO(&share);
    for (int c = 0; c < CPU_SETSIZE && at < (r + 1) * k; c++) {
        if (!CPU_ISSET(c, &all))
            continue;
        if (at++ >= r * k)
            CPU_SET(c, &share);
    }
    (void)sched_setaffinity(0, sizeof share, &share); /* unbound is still correct */
}

/* In the child: becomes rank r and executes its program. */
static _Noreturn void exec_rank(const struct tn_job *job, const struct tn_rank *r, pid_t mpirun,
                                int pmi_fd, int out_fd, int err_fd, int in_fd)
{
    const struct tn_app *app = &job->opt->apps[r->appnum];
    setpgid(0, 0);
    /* should mpirun be killed outright, its ranks go with it */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != mpirun)
        _exit(TN_EXIT_FAILED);
    if (in_fd < 0)
        in_fd = open("/dev/null", O_RDONLY);
    /* the new descriptors 0-2 lose close-on-exec; every other one of ours has it */
    if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(err_fd, STDERR_FILENO) < 0 || fcntl(pmi_fd, F_SETFD, 0) < 0)
        _exit(TN_EXIT_FAILED);

    for (int i = 0; i < job->opt->nenv; i++)
        putenv(job->opt->env[i]);
    for (int i = 0; i < app->nenv; i++)
        putenv(app->env[i]);
    if (!job->opt->no_bind)
        bind_share(r->id, job->size);
    set_env_int("PMI_FD", pmi_fd);
    set_env_int("PMI_RANK", r->id);
    set_env_int("PMI_SIZE", job->size);
    set_env_int("TERN_LOCAL_RANK", r->id); /* one node: local rank = rank */
    set_env_int("TERN_LOCAL_SIZE", job->size);
    setenv("TERN_JOB_KEY", job->key, 1);
    set_env_int("TERN_JOB_ID", (int)mpirun); /* names the job's shm segments (see job.c) */

    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &job->saved_mask, NULL);
    execv(app->path, app->argv);
    int e = errno;
    fprintf(stderr, "mpirun: %s: %s\n", app->path, strerror(e));
    _exit(e == ENOENT ? TN_EXIT_NOT_FOUND : TN_EXIT_NOT_EXECUTABLE);
}

int tn_spawn_local(struct tn_job *job, struct tn_rank *r, int stdin_fd)
{
    int sv[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
        pipe2(err, O_CLOEXEC) < 0)
        goto fail;

    pid_t mpirun = getpid(), pid = fork();
    if (pid < 0)
        goto fail;
    if (pid == 0)
        exec_rank(job, r, mpirun, sv[1], out[1], err[1], stdin_fd);

    setpgid(pid, pid); /* also done by the child: whichever runs first wins the race */
    close(sv[1]);
    close(out[1]);
    close(err[1]);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    r->pid = pid;
    r->running = true;
    r->pmi_fd = sv[0];
    r->out = (struct tn_stream){.fd = out[0], .dest = STDOUT_FILENO};
    r->err = (struct tn_stream){.fd = err[0], .dest = STDERR_FILENO};
    return 0;

fail : {
    int saved = errno;
    int fds[] = {sv[0], sv[1], out[0], out[1], err[0], err[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    errno = saved;
    return -1;
}
}
