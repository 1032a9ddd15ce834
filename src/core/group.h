/* Groups: ordered sets of processes, named by world rank. */
#ifndef TN_GROUP_H
#define TN_GROUP_H

#include <mpi.h>

typedef struct tn_group_index {
    int world, rank;
} tn_group_index_t;

typedef struct tn_group {
    int handle;
    int refs;
    int size;
    int rank;         /* this process's rank in the group, or MPI_UNDEFINED */
    int *world_ranks; /* world_ranks[i]: world rank of group rank i */
    /* For tn_group_rank_of: world_ranks[i] == base + i for every i (base >= 0),
     * else base < 0 and, for larger groups, index holds the pairs sorted by world rank. */
    int base;
    tn_group_index_t *index;
} tn_group_t;

/* Builds a group from world ranks (copied); refs = 1, no handle yet. A group
 * of size 0 is MPI_GROUP_EMPTY's object. */
int tn_group_create(const int *world_ranks, int size, tn_group_t **group);
/* Takes a reference to g and returns it. */
tn_group_t *tn_group_ref(tn_group_t *g);
void tn_group_release(tn_group_t *g);
/* Handle → object (builtin MPI_GROUP_EMPTY included); NULL if invalid. */
tn_group_t *tn_group_get(MPI_Group handle);
/* Registers the group in the handle table (once) and returns its handle. The
 * caller hands one of its references to the user with it. */
int tn_group_handle(tn_group_t *g, MPI_Group *handle);
/* Rank of world rank w in g, or MPI_UNDEFINED. O(1) for contiguous groups,
 * O(log n) otherwise. */
int tn_group_rank_of(const tn_group_t *g, int w);
/* Validates a group handle argument: not MPI_GROUP_NULL, valid (MPI_ERR_GROUP). */
int tn_group_check(const char *fname, const char *argname, MPI_Group handle, tn_group_t **g);

/* Group constructors and queries of MPI 4.1 §7.3; fname names the API call in
 * messages. Results are new references (or the empty group). */
int tn_group_incl(const char *fname, tn_group_t *g, int n, const int ranks[], tn_group_t **out);
int tn_group_excl(const char *fname, tn_group_t *g, int n, const int ranks[], tn_group_t **out);
int tn_group_range_incl(const char *fname, tn_group_t *g, int n, int ranges[][3],
                        tn_group_t **out);
int tn_group_range_excl(const char *fname, tn_group_t *g, int n, int ranges[][3],
                        tn_group_t **out);
int tn_group_union(tn_group_t *a, tn_group_t *b, tn_group_t **out);
int tn_group_intersection(tn_group_t *a, tn_group_t *b, tn_group_t **out);
int tn_group_difference(tn_group_t *a, tn_group_t *b, tn_group_t **out);
/* ranks_b[i] = rank in b of rank ranks_a[i] of a (MPI_UNDEFINED if absent;
 * MPI_PROC_NULL maps to MPI_PROC_NULL). */
int tn_group_translate(const char *fname, const tn_group_t *a, int n, const int ranks_a[],
                       const tn_group_t *b, int ranks_b[]);
/* MPI_IDENT, MPI_SIMILAR or MPI_UNEQUAL. */
int tn_group_compare(const tn_group_t *a, const tn_group_t *b);

void tn_group_init_builtins(void);

#endif
