/* Forwarding the ranks' stdout/stderr line by line, so that a line is never
 * mixed with another rank's, and mpirun's stdin to rank 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "launcher/launcher.h"

/* Writes all of iov to fd. Returns 0, or -1 with errno set. */
static int write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        while (n > 0 && (size_t)w >= iov->iov_len) {
            w -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + w;
            iov->iov_len -= (size_t)w;
        }
    }
    return 0;
}

/* Per destination (stdout, stderr): the stream whose last line there is
 * unfinished. Output from another stream first ends that line, so lines of
 * different ranks never share a line, while one rank's bytes pass unchanged. */
static struct tn_stream *unfinished[3];

/* Forwards s->buf[0, len), prefixed with the tag when it starts a line. */
static void emit(struct tn_job *job, const struct tn_rank *r, struct tn_stream *s, size_t len)
{
    char tag[64];
    struct iovec iov[3];
    int n = 0;
    struct tn_stream **open = &unfinished[s->dest];
    if (*open && *open != s) {
        iov[n++] = (struct iovec){"\n", 1};
        (*open)->midline = false;
    }
    if (job->opt->tag_output && !s->midline) {
        int t = snprintf(tag, sizeof tag, "[1,%d]<%s>:", r->id,
                         s->dest == STDOUT_FILENO ? "stdout" : "stderr");
        iov[n++] = (struct iovec){tag, (size_t)t};
    }
    iov[n++] = (struct iovec){s->buf, len};
    /* whoever reads mpirun's output has gone (mpirun ... | head): end the job
     * as SIGPIPE would end a plain program; other errors only lose output */
    if (write_all(s->dest, iov, n) < 0 && errno == EPIPE)
        tn_job_fail(job, 128 + SIGPIPE, "%s is closed; stopping the job",
                    s->dest == STDOUT_FILENO ? "stdout" : "stderr");
    s->midline = s->buf[len - 1] != '\n';
    *open = s->midline ? s : NULL;
    s->len -= len;
    memmove(s->buf, s->buf + len, s->len);
}

/* Forwards the complete lines in s->buf, or all of it once it is full. */
static void forward_lines(struct tn_job *job, const struct tn_rank *r, struct tn_stream *s)
{
    char *nl;
    if (job->opt->tag_output) {
        while ((nl = memchr(s->buf, '\n', s->len)) != NULL)
            emit(job, r, s, (size_t)(nl - s->buf) + 1); /* each line gets its tag */
    } else if ((nl = memrchr(s->buf, '\n', s->len)) != NULL) {
        emit(job, r, s, (size_t)(nl - s->buf) + 1); /* all complete lines in one write */
    }
    if (s->len == sizeof s->buf)
        emit(job, r, s, s->len); /* a very long line goes out in pieces */
}

void tn_stdio_read(struct tn_job *job, const struct tn_rank *r, struct tn_stream *s, bool drain)
{
    /* one read per call keeps a chatty rank from starving the others; a drain
     * empties the pipe (bounded, in case a left-over process keeps writing) */
    bool done = false;
    for (int reads = 0; s->fd >= 0 && !done && reads < (drain ? 128 : 1); reads++) {
        ssize_t n = read(s->fd, s->buf + s->len, sizeof s->buf - s->len);
        if (n > 0) {
            s->len += (size_t)n;
            forward_lines(job, r, s);
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            done = true; /* EOF or a broken pipe */
        } else if (errno == EAGAIN) {
            break;
        }
    }
    if (s->fd >= 0 && (done || drain)) {
        if (s->len > 0)
            emit(job, r, s, s->len); /* the last line had no newline */
        close(s->fd);
        s->fd = -1;
    }
}

void tn_stdio_stdin(struct tn_stdin *in)
{
    if (in->len == 0 && in->from >= 0) {
        ssize_t n = read(in->from, in->buf, sizeof in->buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n <= 0) {
            in->from = -1; /* EOF (or an unreadable stdin): rank 0 sees EOF */
        } else {
            in->len = (size_t)n;
            in->off = 0;
        }
    }
    if (in->len > 0) {
        ssize_t n = write(in->to, in->buf + in->off, in->len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n < 0) { /* rank 0 closed its stdin or exited: stop reading ours */
            in->from = -1;
            in->len = 0;
        } else {
            in->off += (size_t)n;
            in->len -= (size_t)n;
        }
    }
    if (in->len == 0 && in->from < 0 && in->to >= 0) {
        close(in->to);
        in->to = -1;
    }
}
