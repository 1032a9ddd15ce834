/* Errors: every internal function returns an MPI error code.
 *
 * A code is an error class (< 128) optionally carrying a recorded message:
 * code = class | (slot << 7), slot > 0 indexing a ring of recent messages.
 * MPI_Error_class strips the slot; MPI_Error_string prints the message.
 * Classes and codes added with MPI_Add_error_class/_code have bit 30 set and
 * are not < 128: always use tn_err_class(code), never mask a code yourself.
 *
 * Usage:  return tn_err_set(MPI_ERR_RANK,
 *                "MPI_Send: dest %d is out of range for a communicator of size %d",
 *                dest, size);
 * The message names the call, the argument, the bad value and what was allowed. */
#ifndef TN_ERROR_H
#define TN_ERROR_H

#include <mpi.h>

#define TN_ERR_CLASS_BITS 7
#define TN_ERR_CLASS_MASK 0x7f

/* Records a message for err_class and returns a code that carries it. */
int tn_err_set(int err_class, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The class of any code (builtin or user-added). */
int tn_err_class(int code);
/* The message for code: the recorded one when it is still in the ring,
 * else the class's generic text. Never NULL. */
const char *tn_err_string(int code);
/* MPI_Add_error_class / _code / _string support. */
int tn_err_add_class(int *err_class);
int tn_err_add_code(int err_class, int *code);
int tn_err_set_string(int code, const char *str);
/* MPI_Remove_error_class / _code / _string (MPI 4.1). */
#define TN_ERR_REMOVE_CLASS 0
#define TN_ERR_REMOVE_CODE 1
#define TN_ERR_REMOVE_STRING 2
int tn_err_remove(int code, int what);
/* Whether code is MPI_SUCCESS, a predefined class or code, or a live user-added one. */
int tn_err_is_valid(int code);
/* The MPI_LASTUSEDCODE attribute: the largest user-added code or class so far,
 * MPI_ERR_LASTCODE before any. */
int tn_err_lastused(void);
/* Frees the user-added classes and codes (MPI_Finalize). */
void tn_err_finalize(void);

/* Reports code through the error handler of the object the call was made on.
 * Returns the code for MPI_ERRORS_RETURN (and user handlers); aborts for
 * MPI_ERRORS_ARE_FATAL / MPI_ERRORS_ABORT. Call as the last step of an API
 * function: `return tn_err_raise_comm(comm, rc);`. comm may be an invalid
 * handle (then the job-wide default handler is used, see errhandler.c). */
int tn_err_raise_comm(MPI_Comm comm, int code);
/* For calls not tied to a communicator (datatype, op, group, info calls):
 * uses MPI_COMM_SELF's handler if the user set one, else MPI_COMM_WORLD's. */
int tn_err_raise(int code);

/* Prints "[tern] rank R (HOST): message" to stderr and aborts the job
 * through the launcher. */
_Noreturn void tn_err_fatal(int code);

#define TN_ERR_SETMEM(what) tn_err_set(MPI_ERR_NO_MEM, "%s: out of memory", (what))

#endif
