/* Handle tables: dynamic handles index a growable slot array. */
#include <stdlib.h>
#include "core/handle.h"

static int htab_grow(tn_htab_t *t)
{
    int ncap = t->cap ? t->cap * 2 : 64;
    if (ncap > (int)TN_HANDLE_INDEX(~0u))
        return 0;
    void **slots = realloc(t->slots, (size_t)ncap * sizeof(*slots));
    if (!slots)
        return 0;
    t->slots = slots;
    int *stack = realloc(t->free_stack, (size_t)ncap * sizeof(*stack));
    if (!stack)
        return 0;
    t->free_stack = stack;
    /* Push the new indices so the lowest is handed out first. */
    for (int i = ncap - 1; i >= t->cap; i--) {
        t->slots[i] = NULL;
        t->free_stack[t->nfree++] = i;
    }
    t->cap = ncap;
    return 1;
}

int tn_htab_insert(tn_htab_t *t, void *obj)
{
    if (t->nfree == 0 && !htab_grow(t))
        return 0;
    int index = t->free_stack[--t->nfree];
    t->slots[index] = obj;
    return TN_HANDLE_MAKE(TN_HANDLE_TIER_DYNAMIC, t->kind, index);
}

void *tn_htab_lookup(const tn_htab_t *t, int handle)
{
    if (TN_HANDLE_TIER(handle) != TN_HANDLE_TIER_DYNAMIC || (int)TN_HANDLE_KIND(handle) != t->kind)
        return NULL;
    unsigned index = TN_HANDLE_INDEX(handle);
    return index < (unsigned)t->cap ? t->slots[index] : NULL;
}

void tn_htab_remove(tn_htab_t *t, int handle)
{
    if (!tn_htab_lookup(t, handle))
        return;
    int index = (int)TN_HANDLE_INDEX(handle);
    t->slots[index] = NULL;
    t->free_stack[t->nfree++] = index;
}

int tn_htab_count(const tn_htab_t *t)
{
    return t->cap - t->nfree;
}

void tn_htab_destroy(tn_htab_t *t)
{
    free(t->slots);
    free(t->free_stack);
    t->slots = NULL;
    t->free_stack = NULL;
    t->cap = t->nfree = 0;
}
