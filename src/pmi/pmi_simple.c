/* PMI-1 client over the PMI_FD socket, as served by MPICH's hydra, Slurm's
 * pmi2 plugin and Tern's mpirun. Every request gets exactly one reply line,
 * so the client is a plain request/response loop. Without PMI_FD the process
 * is a singleton and the key-value space is a local list. */
#include "pmi/pmi.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "pmi/pmi_wire.h"

struct local_kv {
    struct local_kv *next;
    char *key, *value;
};

static struct {
    int fd;                    /* PMI_FD, or -1 for a singleton / before init */
    size_t key_max, value_max; /* strlen limits (exclusive) agreed with the server */
    char kvsname[TN_PMI_VALUE_MAX];
    size_t in_len; /* bytes in `in` not yet consumed */
    char in[TN_PMI_WIRE_LINE_MAX];
    char reply[TN_PMI_WIRE_LINE_MAX]; /* the last reply line, parsed in place */
    struct local_kv *local;           /* singleton key-value space */
} pmi = {.fd = -1, .key_max = TN_PMI_KEY_MAX, .value_max = TN_PMI_VALUE_MAX};

static int send_line(const char *call, tn_pmi_line_t *req)
{
    const char *why;
    if (tn_pmi_wire_finish(req, &why))
        return tn_err_set(MPI_ERR_OTHER, "%s: can not build the PMI request: %s", call, why);
    const char *p = req->buf;
    size_t left = req->len;
    while (left > 0) {
        ssize_t n = send(pmi.fd, p, left, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return tn_err_set(MPI_ERR_OTHER,
                              "%s: writing to the process manager (PMI_FD=%d) failed: %s", call,
                              pmi.fd, strerror(errno));
        p += n;
        left -= (size_t)n;
    }
    return MPI_SUCCESS;
}

/* Reads one line into pmi.reply (newline stripped). */
static int recv_line(const char *call)
{
    for (;;) {
        char *nl = memchr(pmi.in, '\n', pmi.in_len);
        if (nl) {
            size_t n = (size_t)(nl - pmi.in) + 1;
            memcpy(pmi.reply, pmi.in, n - 1);
            pmi.reply[n - 1] = '\0';
            pmi.in_len -= n;
            memmove(pmi.in, pmi.in + n, pmi.in_len);
            return MPI_SUCCESS;
        }
        if (pmi.in_len == sizeof pmi.in)
            return tn_err_set(MPI_ERR_OTHER,
                              "%s: the process manager sent a line longer than %d bytes", call,
                              TN_PMI_WIRE_LINE_MAX);
        ssize_t n = read(pmi.fd, pmi.in + pmi.in_len, sizeof pmi.in - pmi.in_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return tn_err_set(MPI_ERR_OTHER,
                              "%s: reading from the process manager (PMI_FD=%d) failed: %s", call,
                              pmi.fd, strerror(errno));
        if (n == 0)
            return tn_err_set(MPI_ERR_OTHER,
                              "%s: the process manager closed the PMI connection (PMI_FD=%d) "
                              "before answering",
                              call, pmi.fd);
        pmi.in_len += (size_t)n;
    }
}

/* Sends req and reads the reply, which must be cmd=expect. The reply's rc,
 * when present, is left to the caller (see check_rc). */
static int call_server(const char *call, tn_pmi_line_t *req, const char *expect,
                       tn_pmi_msg_t *reply)
{
    int rc = send_line(call, req);
    if (rc == MPI_SUCCESS)
        rc = recv_line(call);
    if (rc != MPI_SUCCESS)
        return rc;
    const char *why;
    if (tn_pmi_wire_parse(pmi.reply, reply, &why))
        return tn_err_set(MPI_ERR_OTHER, "%s: malformed reply from the process manager: %s", call,
                          why);
    if (strcmp(reply->cmd, expect) != 0) {
        const char *msg = tn_pmi_wire_find(reply, "msg");
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: expected cmd=%s from the process manager, got cmd=%s%s%s", call,
                          expect, reply->cmd, msg ? " msg=" : "", msg ? msg : "");
    }
    return MPI_SUCCESS;
}

static int check_rc(const char *call, const tn_pmi_msg_t *reply)
{
    int code = 0;
    if (tn_pmi_wire_find(reply, "rc") && tn_pmi_wire_int(reply, "rc", &code))
        return tn_err_set(MPI_ERR_OTHER, "%s: the process manager sent rc=%s, not a number", call,
                          tn_pmi_wire_find(reply, "rc"));
    if (code != 0) {
        const char *msg = tn_pmi_wire_find(reply, "msg");
        return tn_err_set(MPI_ERR_OTHER, "%s: the process manager answered cmd=%s rc=%d%s%s", call,
                          reply->cmd, code, msg ? " msg=" : "", msg ? msg : "");
    }
    return MPI_SUCCESS;
}

/* Sends a request without arguments; the reply must be cmd=expect rc=0. */
static int query(const char *call, const char *cmd, const char *expect, tn_pmi_msg_t *reply)
{
    tn_pmi_line_t req;
    tn_pmi_wire_start(&req, cmd);
    int rc = call_server(call, &req, expect, reply);
    return rc == MPI_SUCCESS ? check_rc(call, reply) : rc;
}

/* A query whose reply carries the int key. */
static int query_int(const char *call, const char *cmd, const char *expect, const char *key,
                     int *out)
{
    tn_pmi_msg_t reply;
    int rc = query(call, cmd, expect, &reply);
    if (rc == MPI_SUCCESS && tn_pmi_wire_int(&reply, key, out))
        rc = tn_err_set(MPI_ERR_OTHER,
                        "%s: the process manager's cmd=%s reply has no numeric %s=", call, expect,
                        key);
    return rc;
}

static int env_int(const char *name, int min, int *out)
{
    const char *s = getenv(name);
    if (!s)
        return tn_err_set(MPI_ERR_OTHER,
                          "tn_pmi_init: PMI_FD is set but %s is not; the process manager must "
                          "set both",
                          name);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || end == s || v < min || v > INT_MAX)
        return tn_err_set(MPI_ERR_OTHER, "tn_pmi_init: %s=%s is not an integer >= %d", name, s,
                          min);
    *out = (int)v;
    return MPI_SUCCESS;
}

static size_t min_size(size_t a, int b)
{
    return b > 0 && (size_t)b < a ? (size_t)b : a;
}

/* Limits on keys and values, which count the NUL as the server's do: the
 * server's, ours, and what fits in one request line (see
 * TN_PMI_WIRE_REQUEST_MAX). */
static int set_limits(const char *call, int server_key_max, int server_value_max)
{
    pmi.key_max = min_size(TN_PMI_KEY_MAX, server_key_max);
    size_t put_line =
        strlen("cmd=put kvsname= key= value=\n") + strlen(pmi.kvsname) + pmi.key_max - 1;
    if (put_line + 2 > TN_PMI_WIRE_REQUEST_MAX)
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: the process manager's kvsname (%zu bytes) leaves no room for "
                          "values in a PMI request",
                          call, strlen(pmi.kvsname));
    pmi.value_max = min_size(TN_PMI_WIRE_REQUEST_MAX - put_line + 1, server_value_max);
    if (pmi.value_max > TN_PMI_VALUE_MAX)
        pmi.value_max = TN_PMI_VALUE_MAX;
    return MPI_SUCCESS;
}

/* The init exchange and the queries that follow it (in the order MPICH's
 * client sends them), over pmi.fd. */
static int handshake(tn_pmi_info_t *info)
{
    const char *call = "tn_pmi_init";
    tn_pmi_line_t req;
    tn_pmi_msg_t reply;

    tn_pmi_wire_start(&req, "init");
    tn_pmi_wire_add_int(&req, "pmi_version", 1);
    tn_pmi_wire_add_int(&req, "pmi_subversion", 1);
    int rc = call_server(call, &req, "response_to_init", &reply);
    if (rc == MPI_SUCCESS)
        rc = check_rc(call, &reply);
    if (rc == MPI_SUCCESS)
        rc = query(call, "get_maxes", "maxes", &reply);
    if (rc != MPI_SUCCESS)
        return rc;
    int key_max, value_max;
    if (tn_pmi_wire_int(&reply, "keylen_max", &key_max) ||
        tn_pmi_wire_int(&reply, "vallen_max", &value_max))
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: the process manager's cmd=maxes reply lacks keylen_max= or "
                          "vallen_max=",
                          call);

    rc = query_int(call, "get_appnum", "appnum", "appnum", &info->appnum);
    if (rc == MPI_SUCCESS)
        rc = query(call, "get_my_kvsname", "my_kvsname", &reply);
    if (rc != MPI_SUCCESS)
        return rc;
    const char *kvsname = tn_pmi_wire_find(&reply, "kvsname");
    if (!kvsname)
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: the process manager's cmd=my_kvsname reply has no kvsname=", call);
    strcpy(pmi.kvsname, kvsname); /* the parser bounds values by TN_PMI_VALUE_MAX */

    rc = set_limits(call, key_max, value_max);
    if (rc == MPI_SUCCESS)
        rc = query_int(call, "get_universe_size", "universe_size", "size", &info->universe_size);
    return rc;
}

int tn_pmi_init(tn_pmi_info_t *info)
{
    tn_pmi_info_t out = {.rank = 0,
                         .size = 1,
                         .appnum = 0,
                         .universe_size = 1,
                         .singleton = 1,
                         .value_max = TN_PMI_VALUE_MAX - 1};
    if (!getenv("PMI_FD")) {
        *info = out;
        return MPI_SUCCESS;
    }

    int fd, rc = env_int("PMI_FD", 0, &fd);
    if (rc == MPI_SUCCESS)
        rc = env_int("PMI_RANK", 0, &out.rank);
    if (rc == MPI_SUCCESS)
        rc = env_int("PMI_SIZE", 1, &out.size);
    if (rc != MPI_SUCCESS)
        return rc;
    if (out.rank >= out.size)
        return tn_err_set(MPI_ERR_OTHER, "tn_pmi_init: PMI_RANK=%d is not below PMI_SIZE=%d",
                          out.rank, out.size);
    /* keep the socket away from programs the application starts */
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        return tn_err_set(MPI_ERR_OTHER, "tn_pmi_init: PMI_FD=%d is not an open descriptor: %s", fd,
                          strerror(errno));

    pmi.fd = fd;
    pmi.in_len = 0;
    out.singleton = 0;
    rc = handshake(&out);
    if (rc != MPI_SUCCESS) {
        pmi.fd = -1;
        pmi.key_max = TN_PMI_KEY_MAX;
        pmi.value_max = TN_PMI_VALUE_MAX;
        return rc;
    }
    out.value_max = pmi.value_max - 1;
    *info = out;
    return MPI_SUCCESS;
}

/* Checks key and value against the limits agreed at init. */
static int check_kv(const char *call, const char *key, const char *value)
{
    if (!tn_pmi_wire_value_ok(key) || strlen(key) >= pmi.key_max)
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: key '%s' must be 1 to %zu printable characters without spaces", call,
                          key, pmi.key_max - 1);
    if (value && (!tn_pmi_wire_value_ok(value) || strlen(value) >= pmi.value_max))
        return tn_err_set(MPI_ERR_OTHER,
                          "%s: the value for key '%s' (%zu bytes) must be 1 to %zu printable "
                          "characters without spaces",
                          call, key, strlen(value), pmi.value_max - 1);
    return MPI_SUCCESS;
}

static struct local_kv *local_find(const char *key)
{
    for (struct local_kv *kv = pmi.local; kv; kv = kv->next)
        if (strcmp(kv->key, key) == 0)
            return kv;
    return NULL;
}

static int local_put(const char *key, const char *value)
{
    char *v = strdup(value);
    if (!v)
        return TN_ERR_SETMEM("tn_pmi_put");
    struct local_kv *kv = local_find(key);
    if (kv) {
        free(kv->value);
        kv->value = v;
        return MPI_SUCCESS;
    }
    kv = malloc(sizeof *kv);
    char *k = strdup(key);
    if (!kv || !k) {
        free(k);
        free(kv);
        free(v);
        return TN_ERR_SETMEM("tn_pmi_put");
    }
    *kv = (struct local_kv){.next = pmi.local, .key = k, .value = v};
    pmi.local = kv;
    return MPI_SUCCESS;
}

int tn_pmi_put(const char *key, const char *value)
{
    int rc = check_kv("tn_pmi_put", key, value);
    if (rc != MPI_SUCCESS)
        return rc;
    if (pmi.fd < 0)
        return local_put(key, value);

    tn_pmi_line_t req;
    tn_pmi_msg_t reply;
    tn_pmi_wire_start(&req, "put");
    tn_pmi_wire_add(&req, "kvsname", pmi.kvsname);
    tn_pmi_wire_add(&req, "key", key);
    tn_pmi_wire_add(&req, "value", value);
    rc = call_server("tn_pmi_put", &req, "put_result", &reply);
    return rc == MPI_SUCCESS ? check_rc("tn_pmi_put", &reply) : rc;
}

int tn_pmi_fence(void)
{
    if (pmi.fd < 0)
        return MPI_SUCCESS;
    tn_pmi_line_t req;
    tn_pmi_msg_t reply;
    tn_pmi_wire_start(&req, "barrier_in");
    int rc = call_server("tn_pmi_fence", &req, "barrier_out", &reply);
    return rc == MPI_SUCCESS ? check_rc("tn_pmi_fence", &reply) : rc;
}

/* Copies value to out (room: len bytes) or says why it can not. */
static int copy_value(const char *key, const char *value, char *out, size_t len)
{
    size_t n = strlen(value);
    if (n >= len)
        return tn_err_set(MPI_ERR_OTHER,
                          "tn_pmi_get: the value for key '%s' has %zu bytes; the buffer has "
                          "room for %zu",
                          key, n, len ? len - 1 : 0);
    memcpy(out, value, n + 1);
    return MPI_SUCCESS;
}

int tn_pmi_get(const char *key, char *value, size_t len)
{
    int rc = check_kv("tn_pmi_get", key, NULL);
    if (rc != MPI_SUCCESS)
        return rc;
    if (pmi.fd < 0) {
        struct local_kv *kv = local_find(key);
        if (!kv)
            return tn_err_set(MPI_ERR_OTHER,
                              "tn_pmi_get: key '%s' was never put (singleton, no process "
                              "manager)",
                              key);
        return copy_value(key, kv->value, value, len);
    }

    tn_pmi_line_t req;
    tn_pmi_msg_t reply;
    tn_pmi_wire_start(&req, "get");
    tn_pmi_wire_add(&req, "kvsname", pmi.kvsname);
    tn_pmi_wire_add(&req, "key", key);
    rc = call_server("tn_pmi_get", &req, "get_result", &reply);
    if (rc != MPI_SUCCESS)
        return rc;
    int code = 0;
    if (tn_pmi_wire_find(&reply, "rc") && tn_pmi_wire_int(&reply, "rc", &code))
        code = -1;
    const char *found = tn_pmi_wire_find(&reply, "value");
    if (code != 0 || !found) {
        const char *msg = tn_pmi_wire_find(&reply, "msg");
        return tn_err_set(MPI_ERR_OTHER,
                          "tn_pmi_get: key '%s' is not in the job's key-value space%s%s%s", key,
                          msg ? " (process manager: " : "", msg ? msg : "", msg ? ")" : "");
    }
    return copy_value(key, found, value, len);
}

#define TN_PMI_ABORT_WAIT_MS 5000

_Noreturn void tn_pmi_abort(int code, const char *msg)
{
    if (msg)
        fprintf(stderr, "%s\n", msg);
    fflush(stdout);
    fflush(stderr);
    if (pmi.fd >= 0) {
        tn_pmi_line_t req;
        tn_pmi_wire_start(&req, "abort");
        tn_pmi_wire_add_int(&req, "exitcode", code);
        /* Nothing to do if this fails: we exit anyway. */
        if (send_line("tn_pmi_abort", &req) == MPI_SUCCESS) {
            /* Stay until the process manager ends the job (it answers abort by
             * killing every rank), so peers do not see this rank's connections
             * drop first and report that instead; bounded for managers that
             * only wait for us to exit. */
            struct pollfd pfd = {.fd = pmi.fd, .events = POLLIN};
            (void)poll(&pfd, 1, TN_PMI_ABORT_WAIT_MS);
        }
    }
    _exit(code);
}

int tn_pmi_finalize(void)
{
    while (pmi.local) {
        struct local_kv *kv = pmi.local;
        pmi.local = kv->next;
        free(kv->key);
        free(kv->value);
        free(kv);
    }
    if (pmi.fd < 0)
        return MPI_SUCCESS;

    tn_pmi_line_t req;
    tn_pmi_msg_t reply;
    tn_pmi_wire_start(&req, "finalize");
    int rc = call_server("tn_pmi_finalize", &req, "finalize_ack", &reply);
    if (rc == MPI_SUCCESS)
        rc = check_rc("tn_pmi_finalize", &reply);
    close(pmi.fd);
    pmi.fd = -1;
    return rc;
}
