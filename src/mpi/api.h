/* Common to every file of the API layer (src/mpi). Each public function is
 * defined as PMPI_x, with MPI_x a weak alias so tools can intercept it:
 *
 *   TN_API(Send)
 *   int PMPI_Send(const void *buf, int count, ...)
 */
#ifndef TN_API_H
#define TN_API_H

#include <mpi.h>
#include "core/error.h"
#include "core/runtime.h"

#define TN_PRAGMA_(x) _Pragma(#x)
#define TN_API(name) TN_PRAGMA_(weak MPI_##name = PMPI_##name)

#endif
