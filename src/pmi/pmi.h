/* Bootstrap through a process manager: the PMI-1 "simple" wire protocol over
 * the PMI_FD socket (as MPICH's hydra, Slurm's pmi2 plugin and Tern's own
 * mpirun serve it). Without PMI_FD the process runs as a singleton. */
#ifndef TN_PMI_H
#define TN_PMI_H

#include <stddef.h>

#define TN_PMI_VALUE_MAX 1024 /* values are kept under this many bytes */
#define TN_PMI_KEY_MAX 64

typedef struct tn_pmi_info {
    int rank, size;
    int appnum;        /* -1 when the process manager does not say (Slurm) */
    int universe_size; /* -1 when the process manager does not say (hydra) */
    int singleton;     /* 1 when started without a process manager */
    size_t value_max;  /* longest value tn_pmi_put takes (bytes, without the NUL);
                          below TN_PMI_VALUE_MAX: a request line must fit the
                          1024 bytes that PMI-1 servers read at once */
} tn_pmi_info_t;

int tn_pmi_init(tn_pmi_info_t *info);
/* Publishes key=value in the job's key-value space; visible to others only
 * after the next tn_pmi_fence(). */
int tn_pmi_put(const char *key, const char *value);
/* Barrier across all ranks that also commits puts. */
int tn_pmi_fence(void);
/* Looks key up; MPI_SUCCESS or MPI_ERR_OTHER when absent. */
int tn_pmi_get(const char *key, char *value, size_t len);
/* Tells the process manager to end the whole job with code; does not return
 * normally (exits with code after asking). msg, when not NULL, is printed to
 * stderr first; pass NULL when the caller has printed its message. */
_Noreturn void tn_pmi_abort(int code, const char *msg);
int tn_pmi_finalize(void);
/* Fills node_of[0..size-1] with each rank's node index from the process
 * manager's PMI_process_mapping. Returns 1 when the mapping was known, 0 when
 * every rank had to be put on a node of its own. */
int tn_pmi_node_map(int size, int *node_of);
/* The parser behind it: 0 on success, -1 for a malformed mapping. */
int tn_pmi_parse_mapping(const char *mapping, int size, int *node_of);
/* Binary-safe encoding for values (address blobs are binary): hex.
 * encode needs out_len >= 2 * len + 1 and NUL-terminates out. decode takes
 * the room in data in *len and sets *len to the bytes decoded. */
int tn_pmi_encode(const void *data, size_t len, char *out, size_t out_len);
int tn_pmi_decode(const char *in, void *data, size_t *len);

#endif
