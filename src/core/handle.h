/* Handle tables: MPI handles are ints with MPICH's encoding.
 *
 *   bits 31-30  tier: 0 = null/invalid, 1 = builtin, 2 = dynamic (created at run time)
 *   bits 29-26  kind (TN_KIND_*)
 *   bits 25-0   builtin: the object's own bits (datatypes carry their size there);
 *               dynamic: index into the kind's table
 *
 * Builtin objects live in static arrays owned by their module; dynamic ones are
 * registered in a tn_htab_t so a handle maps back to its object in O(1). */
#ifndef TN_HANDLE_H
#define TN_HANDLE_H

#include <stddef.h>

enum tn_handle_kind {
    TN_KIND_COMM = 1,
    TN_KIND_GROUP = 2,
    TN_KIND_DATATYPE = 3,
    TN_KIND_FILE = 4,
    TN_KIND_ERRHANDLER = 5,
    TN_KIND_OP = 6,
    TN_KIND_INFO = 7,
    TN_KIND_WIN = 8,
    TN_KIND_KEYVAL = 9,
    TN_KIND_REQUEST = 11,
    TN_KIND_MESSAGE = 13,
    TN_KIND_SESSION = 14,
};

#define TN_HANDLE_TIER_NULL 0u
#define TN_HANDLE_TIER_BUILTIN 1u
#define TN_HANDLE_TIER_DYNAMIC 2u

#define TN_HANDLE_TIER(h) (((unsigned)(h)) >> 30)
#define TN_HANDLE_KIND(h) ((((unsigned)(h)) >> 26) & 0xfu)
#define TN_HANDLE_INDEX(h) (((unsigned)(h)) & 0x03ffffffu)
#define TN_HANDLE_MAKE(tier, kind, index) \
    ((int)(((unsigned)(tier) << 30) | ((unsigned)(kind) << 26) | (unsigned)(index)))

typedef struct tn_htab {
    int kind;
    void **slots;     /* slots[i] is the object for index i, or NULL */
    int *free_stack;  /* indices of free slots */
    int nfree;
    int cap;
} tn_htab_t;

#define TN_HTAB_INIT(k) { .kind = (k) }

/* Registers obj; returns its new handle, or 0 when out of memory. */
int tn_htab_insert(tn_htab_t *t, void *obj);
/* The object behind a dynamic handle of this table's kind, or NULL. */
void *tn_htab_lookup(const tn_htab_t *t, int handle);
void tn_htab_remove(tn_htab_t *t, int handle);
/* Number of live objects (for leak reports at finalize). */
int tn_htab_count(const tn_htab_t *t);
void tn_htab_destroy(tn_htab_t *t);

#endif
