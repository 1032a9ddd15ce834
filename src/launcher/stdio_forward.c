/* Forwarding the ranks' stdout/stderr line by line, so that a line is never
 * mixed with another rank's, and mpirun's stdin to rank 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "launcher/launcher.h"

/* Writes all of iov to fd. Errors (mpirun's own output closed) drop the
 * data: the ranks must keep running and their pipes must keep draining. */
static void write_all(int fd, struct iovec *iov, int n)
{
    while (n > 0) {
        ssize_t w = writev(fd, iov, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return;
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
}

/* Forwards s->buf[0, len), prefixed with the tag when it starts a line. */
static void emit(const struct tn_job *job, const struct tn_rank *r, struct tn_stream *s,
                 size_t len)
{
    char tag[64];
    struct iovec iov[2];
    int n = 0;
    if (job->opt->tag_output && !s->midline) {
        int t = snprintf(tag, sizeof tag, "[1,%d]<%s>:", r->id,
                         s->dest == STDOUT_FILENO ? "stdout" : "stderr");
        iov[n++] = (struct iovec){tag, (size_t)t};
    }
    iov[n++] = (struct iovec){s->buf, len};
    write_all(s->dest, iov, n);
    s->midline = s->buf[len - 1] != '\n';
    s->len -= len;
    memmove(s->buf, s->buf + len, s->len);
}

/* Forwards the complete lines in s->buf, or all of it once it is full. */
static void forward_lines(const struct tn_job *job, const struct tn_rank *r, struct tn_stream *s)
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

void tn_stdio_read(const struct tn_job *job, const struct tn_rank *r, struct tn_stream *s,
                   bool drain)
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
        if (n <= 0)
            in->from = -1; /* EOF (or an unreadable stdin): rank 0 sees EOF */
        else
            in->len = (size_t)n, in->off = 0;
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
