/* Every predefined C datatype: size, extent and lower bound match the C type, the
 * pair types for MINLOC/MAXLOC have the size of their parts and the extent of the
 * C struct, names are the handles' names, the envelope says "named", and each one
 * goes across the wire (to the right neighbour) intact. */
#include "mtest.h"
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

struct float_int { float v; int i; };
struct double_int { double v; int i; };
struct long_int { long v; int i; };
struct two_int { int v; int i; };
struct short_int { short v; int i; };
struct long_double_int { long double v; int i; };

#define T(t, ctype) {t, #t, sizeof(ctype), sizeof(ctype), sizeof(ctype), 0}
#define P(t, vtype, stype)                                                          \
    {t, #t, sizeof(vtype) + sizeof(int), sizeof(struct stype), sizeof(vtype),        \
     offsetof(struct stype, i)}

static const struct {
    MPI_Datatype type;
    const char *name;
    size_t size, extent;
    size_t vsize, ioff; /* the value's bytes; for pair types the int's offset */
} types[] = {
    T(MPI_CHAR, char), T(MPI_SIGNED_CHAR, signed char), T(MPI_UNSIGNED_CHAR, unsigned char),
    T(MPI_BYTE, unsigned char), T(MPI_WCHAR, wchar_t), T(MPI_SHORT, short),
    T(MPI_UNSIGNED_SHORT, unsigned short), T(MPI_INT, int), T(MPI_UNSIGNED, unsigned),
    T(MPI_LONG, long), T(MPI_UNSIGNED_LONG, unsigned long), T(MPI_LONG_LONG_INT, long long),
    T(MPI_LONG_LONG, long long), T(MPI_UNSIGNED_LONG_LONG, unsigned long long),
    T(MPI_FLOAT, float), T(MPI_DOUBLE, double), T(MPI_LONG_DOUBLE, long double),
    T(MPI_INT8_T, int8_t), T(MPI_INT16_T, int16_t), T(MPI_INT32_T, int32_t),
    T(MPI_INT64_T, int64_t), T(MPI_UINT8_T, uint8_t), T(MPI_UINT16_T, uint16_t),
    T(MPI_UINT32_T, uint32_t), T(MPI_UINT64_T, uint64_t), T(MPI_C_BOOL, bool),
    T(MPI_C_COMPLEX, float _Complex), T(MPI_C_FLOAT_COMPLEX, float _Complex),
    T(MPI_C_DOUBLE_COMPLEX, double _Complex),
    T(MPI_C_LONG_DOUBLE_COMPLEX, long double _Complex), T(MPI_AINT, MPI_Aint),
    T(MPI_OFFSET, MPI_Offset), T(MPI_COUNT, MPI_Count), T(MPI_PACKED, char),
    P(MPI_FLOAT_INT, float, float_int), P(MPI_DOUBLE_INT, double, double_int),
    P(MPI_LONG_INT, long, long_int), P(MPI_2INT, int, two_int),
    P(MPI_SHORT_INT, short, short_int), P(MPI_LONG_DOUBLE_INT, long double, long_double_int),
};
#define NTYPES ((int)(sizeof types / sizeof types[0]))

/* The name MPI_Type_get_name may give: the handle's, or its synonym's (the
 * synonyms may be one handle). */
static int name_ok(const char *want, const char *got)
{
    static const char *synonyms[][2] = {{"MPI_LONG_LONG_INT", "MPI_LONG_LONG"},
                                        {"MPI_C_COMPLEX", "MPI_C_FLOAT_COMPLEX"}};
    if (strcmp(want, got) == 0)
        return 1;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (strcmp(want, synonyms[i][j]) == 0 && strcmp(got, synonyms[i][1 - j]) == 0)
                return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int right = (rank + 1) % size, left = (rank + size - 1) % size;

    for (int t = 0; t < NTYPES; t++) {
        int sz = -1, ni, na, nd, comb, len;
        MPI_Aint lb = -1, extent = -1, tlb = -1, textent = -1;
        MPI_Count szx = -1;
        char name[MPI_MAX_OBJECT_NAME];
        MPI_Type_size(types[t].type, &sz);
        CHECK_MSG(sz == (int)types[t].size, "MPI_Type_size(%s) is %d, expected %zu",
                  types[t].name, sz, types[t].size);
        MPI_Type_size_x(types[t].type, &szx);
        CHECK_EQ(szx, sz);
        MPI_Type_get_extent(types[t].type, &lb, &extent);
        CHECK_MSG(lb == 0 && extent == (MPI_Aint)types[t].extent,
                  "%s: lb %ld extent %ld, expected 0 and %zu", types[t].name, (long)lb,
                  (long)extent, types[t].extent);
        MPI_Type_get_true_extent(types[t].type, &tlb, &textent);
        CHECK_EQ(tlb, 0);
        CHECK(textent >= sz && textent <= extent);
        MPI_Type_get_envelope(types[t].type, &ni, &na, &nd, &comb);
        CHECK_MSG(comb == MPI_COMBINER_NAMED, "%s: combiner %d", types[t].name, comb);
        MPI_Type_get_name(types[t].type, name, &len);
        CHECK_MSG(name_ok(types[t].name, name), "name of %s is '%s'", types[t].name, name);

        /* Three of them to the right neighbour, bytes compared (no padding). */
        enum { N = 3 };
        unsigned char out[N * 64], in[N * 64];
        size_t nbytes = N * types[t].extent;
        mtest_fill(out, nbytes, rank + t);
        memset(in, 0, sizeof in);
        MPI_Sendrecv(out, N, types[t].type, right, t, in, N, types[t].type, left, t,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        for (int k = 0; k < N; k++) {
            size_t base = k * types[t].extent;
            for (size_t b = 0; b < types[t].vsize; b++)
                if (in[base + b] != mtest_byte(base + b, left + t)) {
                    CHECK_MSG(0, "%s element %d: value byte %zu differs", types[t].name, k, b);
                    break;
                }
            for (size_t b = types[t].ioff; types[t].ioff && b < types[t].ioff + sizeof(int); b++)
                if (in[base + b] != mtest_byte(base + b, left + t)) {
                    CHECK_MSG(0, "%s element %d: int byte %zu differs", types[t].name, k, b);
                    break;
                }
        }
    }

    return mtest_finish();
}
