/* The PMI-1 server: each rank sends one request line at a time and gets one
 * reply line (barrier_in is answered when every rank has sent it, abort not
 * at all). One key-value space for the job. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher/launcher.h"

#define KVS_BUCKETS 1024
#define KVSNAME_MAX 256 /* advertised; ours is much shorter */

struct kv {
    struct kv *next;
    char *value;
    char key[];
};

static struct {
    char kvsname[32];
    int nbarrier; /* ranks waiting in the current barrier */
    struct kv *buckets[KVS_BUCKETS];
} srv;

/* The link that holds key, or the NULL link at the end of its chain. */
static struct kv **kvs_link(const char *key)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (const char *c = key; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    struct kv **link = &srv.buckets[h % KVS_BUCKETS];
    while (*link && strcmp((*link)->key, key) != 0)
        link = &(*link)->next;
    return link;
}

/* 0, or -1 when out of memory. A later put of the same key replaces the value. */
static int kvs_put(const char *key, const char *value)
{
    char *v = strdup(value);
    if (!v)
        return -1;
    struct kv **link = kvs_link(key);
    if (!*link) {
        size_t klen = strlen(key) + 1;
        struct kv *kv = malloc(sizeof *kv + klen);
        if (!kv) {
            free(v);
            return -1;
        }
        memcpy(kv->key, key, klen);
        kv->next = NULL;
        kv->value = NULL;
        *link = kv;
    }
    free((*link)->value);
    (*link)->value = v;
    return 0;
}

int tn_pmisrv_init(const struct tn_job *job)
{
    snprintf(srv.kvsname, sizeof srv.kvsname, "tern_%d", (int)getpid());
    /* all ranks on one node, as hydra describes it (MPICH programs need it),
     * or nodes of --emulate-ppn ranks in rank order, the last one short */
    int ppn = job->opt->emulate_ppn && job->opt->emulate_ppn < job->size ? job->opt->emulate_ppn
                                                                         : job->size;
    int full = job->size / ppn, rest = job->size % ppn;
    char map[96];
    if (rest)
        snprintf(map, sizeof map, "(vector,(0,%d,%d),(%d,1,%d))", full, ppn, full, rest);
    else
        snprintf(map, sizeof map, "(vector,(0,%d,%d))", full, ppn);
    if (kvs_put("PMI_process_mapping", map)) {
        tn_mpirun_say("out of memory");
        return -1;
    }
    return 0;
}

void tn_pmisrv_free(void)
{
    for (int b = 0; b < KVS_BUCKETS; b++) {
        while (srv.buckets[b]) {
            struct kv *kv = srv.buckets[b];
            srv.buckets[b] = kv->next;
            free(kv->value);
            free(kv);
        }
    }
}

static void trace(const struct tn_job *job, const struct tn_rank *r, const char *dir,
                  const char *line)
{
    if (job->opt->verbose)
        tn_mpirun_say("pmi: rank %d %s %.*s", r->id, dir, (int)strcspn(line, "\n"), line);
}

static void close_pmi(struct tn_rank *r)
{
    close(r->pmi_fd);
    r->pmi_fd = -1;
}

static void send_reply(const struct tn_job *job, struct tn_rank *r, tn_pmi_line_t *line)
{
    const char *why;
    if (tn_pmi_wire_finish(line, &why)) {
        tn_mpirun_say("can not build a PMI reply for rank %d: %s", r->id, why);
        return;
    }
    trace(job, r, "<-", line->buf);
    ssize_t n = send(r->pmi_fd, line->buf, line->len, MSG_NOSIGNAL);
    if (n == (ssize_t)line->len)
        return;
    /* a rank that has gone needs no answer; one that does not read its answers
     * (the socket is full) has broken the protocol */
    if (n >= 0 || errno == EAGAIN)
        tn_mpirun_say("rank %d does not read its PMI replies; closing its PMI connection", r->id);
    close_pmi(r);
}

/* A reply that only carries rc=-1 and msg (msg without spaces, as every
 * PMI-1 client can parse). */
static void send_error(const struct tn_job *job, struct tn_rank *r, const char *cmd,
                       const char *msg)
{
    tn_pmi_line_t line;
    tn_pmi_wire_start(&line, cmd);
    tn_pmi_wire_add_int(&line, "rc", -1);
    tn_pmi_wire_add(&line, "msg", msg);
    send_reply(job, r, &line);
}

/* A reply with rc=0 and, when key is not NULL, one int. */
static void send_ok(const struct tn_job *job, struct tn_rank *r, const char *cmd, const char *key,
                    int value)
{
    tn_pmi_line_t line;
    tn_pmi_wire_start(&line, cmd);
    tn_pmi_wire_add_int(&line, "rc", 0);
    if (key)
        tn_pmi_wire_add_int(&line, key, value);
    send_reply(job, r, &line);
}

static void on_init(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    int version;
    if (tn_pmi_wire_int(msg, "pmi_version", &version) || version != 1) {
        tn_mpirun_say("rank %d asked for PMI version %s; mpirun serves PMI-1 only", r->id,
                      tn_pmi_wire_find(msg, "pmi_version") ? tn_pmi_wire_find(msg, "pmi_version")
                                                           : "(none)");
        send_error(job, r, "response_to_init", "mpirun_serves_PMI-1_only");
        return;
    }
    r->pmi_inited = true;
    tn_pmi_line_t line;
    tn_pmi_wire_start(&line, "response_to_init");
    tn_pmi_wire_add_int(&line, "pmi_version", 1);
    tn_pmi_wire_add_int(&line, "pmi_subversion", 1);
    tn_pmi_wire_add_int(&line, "rc", 0);
    send_reply(job, r, &line);
}

static void on_get_maxes(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    (void)msg;
    tn_pmi_line_t line;
    tn_pmi_wire_start(&line, "maxes");
    tn_pmi_wire_add_int(&line, "rc", 0);
    tn_pmi_wire_add_int(&line, "kvsname_max", KVSNAME_MAX);
    tn_pmi_wire_add_int(&line, "keylen_max", TN_PMI_KEY_MAX);
    tn_pmi_wire_add_int(&line, "vallen_max", TN_PMI_VALUE_MAX);
    send_reply(job, r, &line);
}

static void on_get_appnum(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    (void)msg;
    send_ok(job, r, "appnum", "appnum", r->appnum);
}

static void on_get_universe_size(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    (void)msg;
    send_ok(job, r, "universe_size", "size", job->size);
}

static void on_get_my_kvsname(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    (void)msg;
    tn_pmi_line_t line;
    tn_pmi_wire_start(&line, "my_kvsname");
    tn_pmi_wire_add_int(&line, "rc", 0);
    tn_pmi_wire_add(&line, "kvsname", srv.kvsname);
    send_reply(job, r, &line);
}

/* The key of a put or get, or NULL after answering what is wrong. */
static const char *request_key(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg,
                               const char *reply_cmd)
{
    const char *kvsname = tn_pmi_wire_find(msg, "kvsname");
    const char *key = tn_pmi_wire_find(msg, "key");
    if (kvsname && strcmp(kvsname, srv.kvsname) != 0) {
        send_error(job, r, reply_cmd, "unknown_kvsname");
        return NULL;
    }
    if (!key || strlen(key) >= TN_PMI_KEY_MAX) {
        send_error(job, r, reply_cmd, key ? "key_too_long" : "missing_key");
        return NULL;
    }
    return key;
}

static void on_put(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    const char *key = request_key(job, r, msg, "put_result");
    if (!key)
        return;
    const char *value = tn_pmi_wire_find(msg, "value");
    if (!value) {
        send_error(job, r, "put_result", "missing_value");
        return;
    }
    if (kvs_put(key, value)) {
        tn_mpirun_say("out of memory storing PMI key '%s' of rank %d", key, r->id);
        send_error(job, r, "put_result", "out_of_memory");
        return;
    }
    send_ok(job, r, "put_result", NULL, 0);
}

static void on_get(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    const char *key = request_key(job, r, msg, "get_result");
    if (!key)
        return;
    struct kv *kv = *kvs_link(key);
    if (!kv) {
        send_error(job, r, "get_result", "key_not_found");
        return;
    }
    tn_pmi_line_t line;
    tn_pmi_wire_start(&line, "get_result");
    tn_pmi_wire_add_int(&line, "rc", 0);
    tn_pmi_wire_add(&line, "value", kv->value);
    send_reply(job, r, &line);
}

void tn_pmisrv_check_barrier(struct tn_job *job)
{
    if (srv.nbarrier == 0 || job->stopping)
        return;
    struct tn_rank *gone = NULL;
    for (int i = 0; i < job->size && !gone; i++)
        if (job->ranks[i].pid > 0 && !job->ranks[i].running && !job->ranks[i].in_barrier)
            gone = &job->ranks[i];
    if (!gone)
        return;
    if (!gone->barrier_reported)
        tn_job_rank_failed(job, TN_EXIT_FAILED,
                           "rank %d (pid %d) on host %s exited while other ranks wait for it in "
                           "a PMI barrier (MPI_Init, MPI_Finalize or a fence)%s",
                           gone->id, (int)gone->pid, job->host,
                           job->stopping ? "" : "; the barrier fails for them");
    gone->barrier_reported = true;
    if (job->stopping)
        return;
    /* --disable-auto-cleanup: the barrier can never complete; the ranks in it
     * get an error reply and go on to their own end */
    char msg[64];
    snprintf(msg, sizeof msg, "rank_%d_exited", gone->id);
    srv.nbarrier = 0;
    for (int i = 0; i < job->size; i++) {
        struct tn_rank *q = &job->ranks[i];
        if (q->in_barrier) {
            q->in_barrier = false;
            if (q->pmi_fd >= 0)
                send_error(job, q, "barrier_out", msg);
        }
    }
}

static void on_barrier_in(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    (void)msg;
    if (r->in_barrier) {
        tn_mpirun_say("rank %d entered a PMI barrier twice", r->id);
        send_error(job, r, "barrier_out", "already_in_barrier");
        return;
    }
    r->in_barrier = true;
    if (++srv.nbarrier < job->size) {
        tn_pmisrv_check_barrier(job);
        return;
    }
    srv.nbarrier = 0;
    for (int i = 0; i < job->size; i++) {
        struct tn_rank *q = &job->ranks[i];
        q->in_barrier = false;
        if (q->pmi_fd >= 0)
            send_ok(job, q, "barrier_out", NULL, 0);
    }
}

static void on_finalize(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    (void)msg;
    r->finalized = true;
    send_ok(job, r, "finalize_ack", NULL, 0);
}

static void on_abort(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg)
{
    int code = 1;
    tn_pmi_wire_int(msg, "exitcode", &code);
    /* as the shell sees it, but a non-zero code never becomes success */
    int status = code & 0xff;
    if (status == 0 && code != 0)
        status = 1;
    tn_job_abort(job, status, "rank %d (pid %d) on host %s called MPI_Abort with error code %d",
                r->id, (int)r->pid, job->host, code);
}

static const struct {
    const char *cmd;
    void (*handle)(struct tn_job *job, struct tn_rank *r, const tn_pmi_msg_t *msg);
} handlers[] = {
    {"init", on_init},
    {"get_maxes", on_get_maxes},
    {"get_appnum", on_get_appnum},
    {"get_universe_size", on_get_universe_size},
    {"get_my_kvsname", on_get_my_kvsname},
    {"put", on_put},
    {"get", on_get},
    {"barrier_in", on_barrier_in},
    {"finalize", on_finalize},
    {"abort", on_abort},
};

static void handle_line(struct tn_job *job, struct tn_rank *r, char *line)
{
    trace(job, r, "->", line);
    char copy[TN_PMI_WIRE_LINE_MAX];
    snprintf(copy, sizeof copy, "%s", line); /* parsing cuts line up */

    tn_pmi_msg_t msg;
    const char *why;
    if (tn_pmi_wire_parse(line, &msg, &why)) {
        tn_mpirun_say("rank %d sent a malformed PMI line (%s): %.200s", r->id, why, copy);
        send_error(job, r, "error", "malformed_line");
        return;
    }
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        if (strcmp(msg.cmd, handlers[i].cmd) == 0) {
            handlers[i].handle(job, r, &msg);
            return;
        }
    }
    tn_mpirun_say("rank %d sent the PMI command '%s', which mpirun does not support", r->id,
                  msg.cmd);
    send_error(job, r, "error", "unsupported_command");
}

void tn_pmisrv_read(struct tn_job *job, struct tn_rank *r)
{
    while (r->pmi_fd >= 0) {
        ssize_t n = read(r->pmi_fd, r->pmi_buf + r->pmi_len, sizeof r->pmi_buf - r->pmi_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) { /* EOF: after finalize, or the rank is gone */
            close_pmi(r);
            return;
        }
        r->pmi_len += (size_t)n;

        char *start = r->pmi_buf, *end = r->pmi_buf + r->pmi_len, *nl;
        while (r->pmi_fd >= 0 && (nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
            *nl = '\0';
            handle_line(job, r, start);
            start = nl + 1;
        }
        r->pmi_len -= (size_t)(start - r->pmi_buf);
        memmove(r->pmi_buf, start, r->pmi_len);
        if (r->pmi_fd >= 0 && r->pmi_len == sizeof r->pmi_buf) {
            tn_mpirun_say("rank %d sent a PMI line longer than %d bytes; closing its PMI "
                          "connection",
                          r->id, TN_PMI_WIRE_LINE_MAX);
            close_pmi(r);
        }
    }
}
