/* tn_err_set for programs that use src/pmi without the library: the message
 * goes to stderr and the code is the bare class. */
#include <stdarg.h>
#include <stdio.h>

#include "core/error.h"

int tn_err_set(int err_class, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tn_err_set: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return err_class;
}
