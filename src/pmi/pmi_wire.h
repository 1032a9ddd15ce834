/* The PMI-1 "simple" wire format, shared by the client (pmi_simple.c) and the
 * launcher's server (src/launcher/pmi_server.c).
 *
 * A message is one line: "cmd=NAME key=value key=value\n". Tokens are
 * separated by one or more spaces; a value runs to the next space, so values
 * can not contain spaces or newlines (the protocol has no quoting; callers
 * hex-encode binary data). Keys are letters, digits, '_', '-' and '/'.
 *
 * This module has no dependency on the rest of the library: it returns 0 or
 * -1 and describes problems with static strings, so that the launcher can
 * link it alone. */
#ifndef TN_PMI_WIRE_H
#define TN_PMI_WIRE_H

#include <stddef.h>

#include "pmi/pmi.h"

#define TN_PMI_WIRE_LINE_MAX 4096 /* longest line, newline included */
/* Longest request a client sends: Slurm's pmi2 plugin reads a PMI-1 request
 * with one read() of this size, as MPICH's simple PMI wrote them. */
#define TN_PMI_WIRE_REQUEST_MAX 1024
#define TN_PMI_WIRE_ARGS_MAX 16 /* key=value pairs after cmd= */
#define TN_PMI_WIRE_NAME_MAX 32 /* longest command name or key, plus 1 */

typedef struct tn_pmi_msg {
    const char *cmd;
    int nargs;
    struct tn_pmi_arg {
        const char *key, *value;
    } args[TN_PMI_WIRE_ARGS_MAX];
} tn_pmi_msg_t;

/* Splits line (NUL-terminated; a trailing newline is allowed) in place into
 * msg; msg points into line afterwards. Values must be shorter than
 * TN_PMI_VALUE_MAX. Returns 0, or -1 with *why describing the problem (msg
 * is then unspecified). */
int tn_pmi_wire_parse(char *line, tn_pmi_msg_t *msg, const char **why);

/* The value of key in msg, or NULL when absent. */
const char *tn_pmi_wire_find(const tn_pmi_msg_t *msg, const char *key);

/* Reads key as a decimal int into *out. Returns 0, or -1 (leaving *out
 * alone) when key is absent or not a number in int's range. */
int tn_pmi_wire_int(const tn_pmi_msg_t *msg, const char *key, int *out);

/* Building a line: start, add pairs, finish. Adding never fails by itself;
 * an overflow or a bad value is remembered and reported by finish. */
typedef struct tn_pmi_line {
    size_t len;
    const char *bad; /* first problem seen, or NULL */
    char buf[TN_PMI_WIRE_LINE_MAX];
} tn_pmi_line_t;

void tn_pmi_wire_start(tn_pmi_line_t *line, const char *cmd);
void tn_pmi_wire_add(tn_pmi_line_t *line, const char *key, const char *value);
void tn_pmi_wire_add_int(tn_pmi_line_t *line, const char *key, int value);
/* Appends the newline. Returns 0, or -1 with *why set when the line is too
 * long or a value is empty or contains a space or a newline. */
int tn_pmi_wire_finish(tn_pmi_line_t *line, const char **why);

/* 1 when s can be sent as a value: non-empty, shorter than TN_PMI_VALUE_MAX,
 * no spaces, no control characters. */
int tn_pmi_wire_value_ok(const char *s);

#endif
