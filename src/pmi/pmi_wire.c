/* PMI-1 wire format: parsing and building "cmd=NAME key=value ...\n" lines. */
#include "pmi/pmi_wire.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '/';
}

/* Splits one "key=value" token (already NUL-terminated) at its '='. */
static int parse_token(char *tok, const char **key, const char **value, const char **why)
{
    char *eq = strchr(tok, '=');
    if (!eq) {
        *why = "a token has no '=' (expected key=value)";
        return -1;
    }
    *eq = '\0';
    if (eq == tok) {
        *why = "a token has an empty key";
        return -1;
    }
    if (eq - tok >= TN_PMI_WIRE_NAME_MAX) {
        *why = "a key is too long";
        return -1;
    }
    for (const char *c = tok; c < eq; c++) {
        if (!is_key_char(*c)) {
            *why = "a key contains a character other than letters, digits, '_', '-', '/'";
            return -1;
        }
    }
    size_t vlen = strlen(eq + 1);
    if (vlen == 0) {
        *why = "a key has an empty value";
        return -1;
    }
    if (vlen >= TN_PMI_VALUE_MAX) {
        *why = "a value is too long";
        return -1;
    }
    *key = tok;
    *value = eq + 1;
    return 0;
}

int tn_pmi_wire_parse(char *line, tn_pmi_msg_t *msg, const char **why)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
        line[--n] = '\0';

    int first = 1;
    msg->nargs = 0;
    for (char *p = line;;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        char *tok = p;
        p = strchr(p, ' ');
        if (p)
            *p++ = '\0';

        const char *key, *value;
        if (parse_token(tok, &key, &value, why))
            return -1;
        if (first) {
            if (strcmp(key, "cmd") != 0) {
                *why = "the line does not start with cmd=";
                return -1;
            }
            msg->cmd = value;
            first = 0;
        } else {
            if (strcmp(key, "cmd") == 0 || tn_pmi_wire_find(msg, key)) {
                *why = "a key appears twice";
                return -1;
            }
            if (msg->nargs == TN_PMI_WIRE_ARGS_MAX) {
                *why = "the line has too many key=value pairs";
                return -1;
            }
            msg->args[msg->nargs].key = key;
            msg->args[msg->nargs].value = value;
            msg->nargs++;
        }
        if (!p)
            break;
    }
    if (first) {
        *why = "the line is empty";
        return -1;
    }
    return 0;
}

const char *tn_pmi_wire_find(const tn_pmi_msg_t *msg, const char *key)
{
    for (int i = 0; i < msg->nargs; i++)
        if (strcmp(msg->args[i].key, key) == 0)
            return msg->args[i].value;
    return NULL;
}

int tn_pmi_wire_int(const tn_pmi_msg_t *msg, const char *key, int *out)
{
    const char *s = tn_pmi_wire_find(msg, key);
    if (!s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < INT_MIN || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

int tn_pmi_wire_value_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] <= ' ' || s[n] == 0x7f)
            return 0;
    return n > 0 && n < TN_PMI_VALUE_MAX;
}

static void append(tn_pmi_line_t *line, const char *s)
{
    size_t n = strlen(s);
    /* keep room for the final newline */
    if (line->len + n + 1 >= sizeof line->buf) {
        if (!line->bad)
            line->bad = "the line would be too long";
        return;
    }
    memcpy(line->buf + line->len, s, n);
    line->len += n;
}

void tn_pmi_wire_start(tn_pmi_line_t *line, const char *cmd)
{
    line->len = 0;
    line->bad = NULL;
    append(line, "cmd=");
    append(line, cmd);
}

void tn_pmi_wire_add(tn_pmi_line_t *line, const char *key, const char *value)
{
    if (!tn_pmi_wire_value_ok(value) && !line->bad)
        line->bad = "a value is empty, too long, or contains spaces or control characters";
    append(line, " ");
    append(line, key);
    append(line, "=");
    append(line, value);
}

void tn_pmi_wire_add_int(tn_pmi_line_t *line, const char *key, int value)
{
    char num[16];
    snprintf(num, sizeof num, "%d", value);
    tn_pmi_wire_add(line, key, num);
}

int tn_pmi_wire_finish(tn_pmi_line_t *line, const char **why)
{
    if (line->bad) {
        *why = line->bad;
        return -1;
    }
    line->buf[line->len++] = '\n';
    line->buf[line->len] = '\0';
    return 0;
}
