/* mpirun: starts the ranks of one job, serves them PMI-1, forwards their
 * output and ends the whole job when one rank fails.
 *
 *   mpirun.c         options and main
 *   job.c            the event loop: reaping, failures, signals, timeout, killing
 *   spawn.c          starting a rank on this host (a remote spawner goes beside it)
 *   pmi_server.c     the PMI-1 server and the job's key-value space
 *   stdio_forward.c  rank output to mpirun's stdout/stderr, mpirun's stdin to rank 0
 */
#ifndef TN_LAUNCHER_H
#define TN_LAUNCHER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pmi/pmi_wire.h"

/* Exit statuses of mpirun that are not a rank's own. */
#define TN_EXIT_USAGE 2            /* bad command line */
#define TN_EXIT_NOT_EXECUTABLE 126 /* program exists but can not be executed */
#define TN_EXIT_NOT_FOUND 127      /* program not found */
#define TN_EXIT_TIMEOUT 124        /* --timeout expired (as timeout(1)) */
#define TN_EXIT_FAILED 1           /* mpirun could not run the job, or a rank broke the protocol */

/* One MPMD segment: "-n N [-env VAR VAL] program args". */
struct tn_app {
    int nprocs;
    char **argv; /* NULL-terminated; argv[0] as the user wrote it */
    char *path;  /* argv[0] resolved by tn_spawn_check */
    int nenv;
    char **env; /* "VAR=VAL" from -env, applied after the global ones */
};

struct tn_options {
    int napps;
    struct tn_app *apps;
    int nenv;
    char **env; /* "VAR=VAL" from -x and -genv */
    bool tag_output;
    int timeout;  /* seconds; 0 for none */
    bool verbose; /* trace PMI traffic on stderr */
    bool keep_going; /* --disable-auto-cleanup: a failed rank does not stop the others */
    bool no_bind;    /* --bind-to none: ranks keep mpirun's CPU affinity */
    int emulate_ppn; /* --emulate-ppn N: ranks are told of nodes of N; 0: one node */
};

/* One output stream of a rank, forwarded line by line. */
struct tn_stream {
    int fd;       /* read end of the rank's pipe; -1 once closed */
    int dest;     /* STDOUT_FILENO or STDERR_FILENO */
    bool midline; /* the last byte forwarded was not a newline */
    size_t len;
    char buf[8192];
};

struct tn_rank {
    int id, appnum;
    pid_t pid;    /* also the id of the rank's process group; 0 if never started */
    bool running; /* started and not reaped yet */
    int pmi_fd;   /* mpirun's end of the PMI socket; -1 once closed */
    bool pmi_inited, in_barrier, finalized;
    bool barrier_reported; /* its absence from a PMI barrier was reported */
    size_t pmi_len; /* bytes of an incomplete PMI line in pmi_buf */
    char pmi_buf[TN_PMI_WIRE_LINE_MAX];
    struct tn_stream out, err;
};

/* mpirun's stdin, copied to rank 0's stdin pipe. */
struct tn_stdin {
    int from; /* STDIN_FILENO while reading, -1 when done */
    int to;   /* write end of rank 0's stdin pipe, -1 when closed */
    size_t len, off;
    char buf[4096];
};

struct tn_job {
    const struct tn_options *opt;
    char host[256];
    char key[33]; /* TERN_JOB_KEY: 32 hex digits */
    int size;
    struct tn_rank *ranks;
    int nrunning;
    struct tn_stdin in;
    sigset_t saved_mask; /* the signal mask to give the ranks */
    bool stopping;       /* a failure ended the job; ranks are being killed */
    bool failed;         /* a failure was reported; status is its exit status */
    int status;          /* mpirun's exit status once failed */
    long long kill_at;   /* when SIGKILL follows SIGTERM (ms, CLOCK_MONOTONIC); 0: not due */
    /* An MPI_Abort waiting out a short grace period (see tn_job_abort). */
    long long abort_at;  /* 0: none pending */
    int abort_status;
    char abort_msg[256];
};

/* mpirun.c: prints "mpirun: <message>" on stderr. */
void tn_mpirun_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* job.c */
int tn_job_run(const struct tn_options *opt); /* returns mpirun's exit status */
/* Ends the job: the first call prints the message, records status and starts
 * killing the ranks; later calls do nothing. */
void tn_job_fail(struct tn_job *job, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A rank failed (died, exited badly): as tn_job_fail, except that with
 * --disable-auto-cleanup it only prints the message and records the first
 * failure's status, and the other ranks run on. */
void tn_job_rank_failed(struct tn_job *job, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A rank called MPI_Abort: fails the job with status after a short grace
 * period, unless another rank dies first, since an abort is often a rank's
 * reaction to a peer that crashed (its connection dropped). */
void tn_job_abort(struct tn_job *job, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* spawn.c */
/* Resolves every app's program (PATH search as execvp does); on failure
 * prints why and returns TN_EXIT_NOT_FOUND or TN_EXIT_NOT_EXECUTABLE. */
int tn_spawn_check(const struct tn_options *opt);
/* Starts rank r in its own process group with its PMI socket and output pipes;
 * stdin_fd is its stdin, or -1 for /dev/null. Returns 0, or -1 with errno set. */
int tn_spawn_local(struct tn_job *job, struct tn_rank *r, int stdin_fd);

/* pmi_server.c */
int tn_pmisrv_init(const struct tn_job *job); /* 0, or -1 after printing why */
void tn_pmisrv_free(void);
/* Handles the complete lines available on r's PMI socket; closes it at EOF. */
void tn_pmisrv_read(struct tn_job *job, struct tn_rank *r);
/* When a barrier waits for a rank that has exited, fails the job, or with
 * --disable-auto-cleanup fails the barrier for the ranks in it (call after a
 * rank exits; barrier_in checks it too). */
void tn_pmisrv_check_barrier(struct tn_job *job);

/* stdio_forward.c */
/* Forwards what s's pipe holds: whole lines, or the buffer once it is full;
 * at EOF (or when drain is set and nothing more is there) also the partial
 * last line, then closes the pipe. When mpirun's own output is closed, the
 * job ends with status 141 (128 + SIGPIPE). */
void tn_stdio_read(struct tn_job *job, const struct tn_rank *r, struct tn_stream *s, bool drain);
/* Moves data from mpirun's stdin to rank 0: call when in->from is readable
 * or in->to is writable. */
void tn_stdio_stdin(struct tn_stdin *in);

#endif
