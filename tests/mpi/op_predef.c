/* Every predefined reduction operation on every type family it is defined for
 * (MPI 4.1 section 6.9.2), through MPI_Allreduce, MPI_Reduce (root size-1) and
 * MPI_Reduce_local, with exact results:
 *   MAX MIN SUM PROD     C integer, floating point, multi-language (Aint/Offset/Count)
 *   SUM PROD             complex
 *   LAND LOR LXOR        C integer, logical (C_BOOL)
 *   BAND BOR BXOR        C integer, byte, multi-language
 *   MINLOC MAXLOC        the pair types, ties going to the smaller index. */
#include "mtest.h"
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>

enum fam { F_INT = 1, F_FLOAT = 2, F_BOOL = 4, F_BYTE = 8, F_MULTI = 16 };
enum kind { K_SCHAR, K_UCHAR, K_SHORT, K_USHORT, K_INT, K_UINT, K_LONG, K_ULONG, K_LLONG,
            K_ULLONG, K_I8, K_U8, K_I16, K_U16, K_I32, K_U32, K_I64, K_U64, K_AINT, K_OFFSET,
            K_COUNT, K_BYTE, K_BOOL, K_FLOAT, K_DOUBLE, K_LDOUBLE };

static const struct tinfo {
    MPI_Datatype type;
    const char *name;
    enum kind kind;
    int fam, is_signed;
} types[] = {
    {MPI_SIGNED_CHAR, "MPI_SIGNED_CHAR", K_SCHAR, F_INT, 1},
    {MPI_UNSIGNED_CHAR, "MPI_UNSIGNED_CHAR", K_UCHAR, F_INT, 0},
    {MPI_SHORT, "MPI_SHORT", K_SHORT, F_INT, 1},
    {MPI_UNSIGNED_SHORT, "MPI_UNSIGNED_SHORT", K_USHORT, F_INT, 0},
    {MPI_INT, "MPI_INT", K_INT, F_INT, 1},
    {MPI_UNSIGNED, "MPI_UNSIGNED", K_UINT, F_INT, 0},
    {MPI_LONG, "MPI_LONG", K_LONG, F_INT, 1},
    {MPI_UNSIGNED_LONG, "MPI_UNSIGNED_LONG", K_ULONG, F_INT, 0},
    {MPI_LONG_LONG, "MPI_LONG_LONG", K_LLONG, F_INT, 1},
    {MPI_UNSIGNED_LONG_LONG, "MPI_UNSIGNED_LONG_LONG", K_ULLONG, F_INT, 0},
    {MPI_INT8_T, "MPI_INT8_T", K_I8, F_INT, 1},
    {MPI_UINT8_T, "MPI_UINT8_T", K_U8, F_INT, 0},
    {MPI_INT16_T, "MPI_INT16_T", K_I16, F_INT, 1},
    {MPI_UINT16_T, "MPI_UINT16_T", K_U16, F_INT, 0},
    {MPI_INT32_T, "MPI_INT32_T", K_I32, F_INT, 1},
    {MPI_UINT32_T, "MPI_UINT32_T", K_U32, F_INT, 0},
    {MPI_INT64_T, "MPI_INT64_T", K_I64, F_INT, 1},
    {MPI_UINT64_T, "MPI_UINT64_T", K_U64, F_INT, 0},
    {MPI_AINT, "MPI_AINT", K_AINT, F_MULTI, 1},
    {MPI_OFFSET, "MPI_OFFSET", K_OFFSET, F_MULTI, 1},
    {MPI_COUNT, "MPI_COUNT", K_COUNT, F_MULTI, 1},
    {MPI_BYTE, "MPI_BYTE", K_BYTE, F_BYTE, 0},
    {MPI_C_BOOL, "MPI_C_BOOL", K_BOOL, F_BOOL, 0},
    {MPI_FLOAT, "MPI_FLOAT", K_FLOAT, F_FLOAT, 1},
    {MPI_DOUBLE, "MPI_DOUBLE", K_DOUBLE, F_FLOAT, 1},
    {MPI_LONG_DOUBLE, "MPI_LONG_DOUBLE", K_LDOUBLE, F_FLOAT, 1},
};
#define NTYPES ((int)(sizeof types / sizeof types[0]))

enum opk { O_MAX, O_MIN, O_SUM, O_PROD, O_LAND, O_LOR, O_LXOR, O_BAND, O_BOR, O_BXOR, NOPS };
static const struct {
    const char *name;
    int fams;
} ops[NOPS] = {
    {"MPI_MAX", F_INT | F_FLOAT | F_MULTI},  {"MPI_MIN", F_INT | F_FLOAT | F_MULTI},
    {"MPI_SUM", F_INT | F_FLOAT | F_MULTI},  {"MPI_PROD", F_INT | F_FLOAT | F_MULTI},
    {"MPI_LAND", F_INT | F_BOOL},            {"MPI_LOR", F_INT | F_BOOL},
    {"MPI_LXOR", F_INT | F_BOOL},            {"MPI_BAND", F_INT | F_BYTE | F_MULTI},
    {"MPI_BOR", F_INT | F_BYTE | F_MULTI},   {"MPI_BXOR", F_INT | F_BYTE | F_MULTI},
};

static MPI_Op op_handle(int o)
{
    const MPI_Op h[NOPS] = {MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD, MPI_LAND,
                            MPI_LOR, MPI_LXOR, MPI_BAND, MPI_BOR, MPI_BXOR};
    return h[o];
}

#define COUNT 6

/* Values are small integers, so every type holds them and every result exactly. */
static long long value(int o, const struct tinfo *t, int r, int i)
{
    switch (o) {
    case O_MAX:
    case O_MIN:
    case O_SUM: {
        /* Open MPI 4.1.4 compares MPI_OFFSET as unsigned: negative offsets for Tern only */
        long long v = (r * 3 + i * 5) % 7;
        return t->is_signed && (t->kind != K_OFFSET || mtest_tern) ? v - 3 : v;
    }
    case O_PROD: /* at most 3 factors of 2 over 8 ranks */
        return (r + i) % 3 == 0 ? (t->is_signed && r % 2 ? -2 : 2) : 1;
    case O_LAND:
    case O_LOR:
    case O_LXOR: {
        /* columns: all true, all false, only rank 0, odd ranks, mixed, true as 2 */
        const int truth[COUNT] = {1, 0, r == 0, r % 2, (r + 1) % 3 != 0, r % 2};
        return truth[i] ? (i == 5 && t->kind != K_BOOL ? 2 : 1) : 0;
    }
    default: /* bitwise: 7 bits at most so signed char is fine */
        return ((0x5a >> (r % 4)) ^ (i * 19) ^ (r * 7)) & 0x7f;
    }
}

static long long combine(int o, long long a, long long b)
{
    switch (o) {
    case O_MAX: return a > b ? a : b;
    case O_MIN: return a < b ? a : b;
    case O_SUM: return a + b;
    case O_PROD: return a * b;
    case O_LAND: return (a != 0) && (b != 0);
    case O_LOR: return (a != 0) || (b != 0);
    case O_LXOR: return (a != 0) != (b != 0);
    case O_BAND: return a & b;
    case O_BOR: return a | b;
    default: return a ^ b;
    }
}

static void put(enum kind k, void *buf, int i, long long v)
{
    switch (k) {
    case K_SCHAR: ((signed char *)buf)[i] = (signed char)v; break;
    case K_UCHAR: ((unsigned char *)buf)[i] = (unsigned char)v; break;
    case K_SHORT: ((short *)buf)[i] = (short)v; break;
    case K_USHORT: ((unsigned short *)buf)[i] = (unsigned short)v; break;
    case K_INT: ((int *)buf)[i] = (int)v; break;
    case K_UINT: ((unsigned *)buf)[i] = (unsigned)v; break;
    case K_LONG: ((long *)buf)[i] = (long)v; break;
    case K_ULONG: ((unsigned long *)buf)[i] = (unsigned long)v; break;
    case K_LLONG: ((long long *)buf)[i] = v; break;
    case K_ULLONG: ((unsigned long long *)buf)[i] = (unsigned long long)v; break;
    case K_I8: ((int8_t *)buf)[i] = (int8_t)v; break;
    case K_U8: ((uint8_t *)buf)[i] = (uint8_t)v; break;
    case K_I16: ((int16_t *)buf)[i] = (int16_t)v; break;
    case K_U16: ((uint16_t *)buf)[i] = (uint16_t)v; break;
    case K_I32: ((int32_t *)buf)[i] = (int32_t)v; break;
    case K_U32: ((uint32_t *)buf)[i] = (uint32_t)v; break;
    case K_I64: ((int64_t *)buf)[i] = v; break;
    case K_U64: ((uint64_t *)buf)[i] = (uint64_t)v; break;
    case K_AINT: ((MPI_Aint *)buf)[i] = (MPI_Aint)v; break;
    case K_OFFSET: ((MPI_Offset *)buf)[i] = (MPI_Offset)v; break;
    case K_COUNT: ((MPI_Count *)buf)[i] = (MPI_Count)v; break;
    case K_BYTE: ((unsigned char *)buf)[i] = (unsigned char)v; break;
    case K_BOOL: ((bool *)buf)[i] = v != 0; break;
    case K_FLOAT: ((float *)buf)[i] = (float)v; break;
    case K_DOUBLE: ((double *)buf)[i] = (double)v; break;
    case K_LDOUBLE: ((long double *)buf)[i] = (long double)v; break;
    }
}

static long long get(enum kind k, const void *buf, int i)
{
    switch (k) {
    case K_SCHAR: return ((const signed char *)buf)[i];
    case K_UCHAR: return ((const unsigned char *)buf)[i];
    case K_SHORT: return ((const short *)buf)[i];
    case K_USHORT: return ((const unsigned short *)buf)[i];
    case K_INT: return ((const int *)buf)[i];
    case K_UINT: return ((const unsigned *)buf)[i];
    case K_LONG: return ((const long *)buf)[i];
    case K_ULONG: return (long long)((const unsigned long *)buf)[i];
    case K_LLONG: return ((const long long *)buf)[i];
    case K_ULLONG: return (long long)((const unsigned long long *)buf)[i];
    case K_I8: return ((const int8_t *)buf)[i];
    case K_U8: return ((const uint8_t *)buf)[i];
    case K_I16: return ((const int16_t *)buf)[i];
    case K_U16: return ((const uint16_t *)buf)[i];
    case K_I32: return ((const int32_t *)buf)[i];
    case K_U32: return ((const uint32_t *)buf)[i];
    case K_I64: return ((const int64_t *)buf)[i];
    case K_U64: return (long long)((const uint64_t *)buf)[i];
    case K_AINT: return ((const MPI_Aint *)buf)[i];
    case K_OFFSET: return ((const MPI_Offset *)buf)[i];
    case K_COUNT: return ((const MPI_Count *)buf)[i];
    case K_BYTE: return ((const unsigned char *)buf)[i];
    case K_BOOL: return ((const bool *)buf)[i];
    case K_FLOAT: return (long long)((const float *)buf)[i];
    case K_DOUBLE: return (long long)((const double *)buf)[i];
    default: return (long long)((const long double *)buf)[i];
    }
}

static void test_basic(int rank, int size)
{
    long double in[COUNT], out[COUNT], inout[COUNT]; /* big and aligned enough for any type */
    for (int o = 0; o < NOPS; o++) {
        for (int t = 0; t < NTYPES; t++) {
            const struct tinfo *ti = &types[t];
            if (!(ops[o].fams & ti->fam))
                continue;
            long long want[COUNT];
            for (int i = 0; i < COUNT; i++) {
                want[i] = value(o, ti, 0, i);
                for (int r = 1; r < size; r++)
                    want[i] = combine(o, want[i], value(o, ti, r, i));
                put(ti->kind, in, i, value(o, ti, rank, i));
            }
            for (int way = 0; way < 2; way++) {
                memset(out, 0, sizeof out);
                if (way == 0) {
                    MPI_Allreduce(in, out, COUNT, ti->type, op_handle(o), MPI_COMM_WORLD);
                } else {
                    MPI_Reduce(in, out, COUNT, ti->type, op_handle(o), size - 1, MPI_COMM_WORLD);
                    if (rank != size - 1)
                        continue;
                }
                for (int i = 0; i < COUNT; i++) {
                    long long got = get(ti->kind, out, i);
                    CHECK_MSG(got == want[i], "%s %s on %s: element %d is %lld, expected %lld",
                              way ? "Reduce" : "Allreduce", ops[o].name, ti->name, i, got, want[i]);
                }
            }
            /* Reduce_local on this rank's value and rank+1's. */
            for (int i = 0; i < COUNT; i++)
                put(ti->kind, inout, i, value(o, ti, rank + 1, i));
            MPI_Reduce_local(in, inout, COUNT, ti->type, op_handle(o));
            for (int i = 0; i < COUNT; i++) {
                long long w = combine(o, value(o, ti, rank, i), value(o, ti, rank + 1, i));
                long long got = get(ti->kind, inout, i);
                CHECK_MSG(got == w, "Reduce_local %s on %s: element %d is %lld, expected %lld",
                          ops[o].name, ti->name, i, got, w);
            }
        }
    }
}

/* Complex SUM and PROD: factors 1, i and 1+i keep every product exact. */
#define COMPLEX_TEST(ctype, mtype, name)                                            \
    static void test_##name(int rank, int size)                                     \
    {                                                                               \
        ctype in[COUNT], out[COUNT];                                                \
        for (int o = 0; o < 2; o++) {                                               \
            MPI_Op op = o ? MPI_PROD : MPI_SUM;                                     \
            long double _Complex want[COUNT];                                       \
            for (int i = 0; i < COUNT; i++) {                                       \
                want[i] = o ? 1 : 0;                                                \
                for (int r = 0; r < size; r++) {                                    \
                    int k = (r + i) % 3;                                            \
                    long double _Complex v =                                        \
                        o ? (k == 0 ? 1 : k == 1 ? I : 1 + I) : (r - i) + (r * i) * I; \
                    want[i] = o ? want[i] * v : want[i] + v;                        \
                    if (r == rank)                                                  \
                        in[i] = (ctype)v;                                           \
                }                                                                   \
            }                                                                       \
            MPI_Allreduce(in, out, COUNT, mtype, op, MPI_COMM_WORLD);               \
            for (int i = 0; i < COUNT; i++)                                         \
                CHECK_MSG(out[i] == (ctype)want[i],                                 \
                          "%s on " #mtype " element %d: (%g,%g), expected (%g,%g)", \
                          o ? "MPI_PROD" : "MPI_SUM", i, (double)creall(out[i]),    \
                          (double)cimagl(out[i]), (double)creall(want[i]),          \
                          (double)cimagl(want[i]));                                 \
        }                                                                           \
    }
COMPLEX_TEST(float _Complex, MPI_C_FLOAT_COMPLEX, cfloat)
COMPLEX_TEST(double _Complex, MPI_C_DOUBLE_COMPLEX, cdouble)
COMPLEX_TEST(long double _Complex, MPI_C_LONG_DOUBLE_COMPLEX, cldouble)

/* MINLOC/MAXLOC on a pair type: values with ties; the index is (size-rank)*10+i so
 * that the tie rule (smaller index) differs from "lower rank". */
#define PAIR_TEST(vtype, mtype, name)                                               \
    static void test_##name(int rank, int size)                                     \
    {                                                                               \
        struct { vtype v; int i; } in[COUNT], out[COUNT], loc[COUNT];               \
        for (int o = 0; o < 2; o++) {                                               \
            MPI_Op op = o ? MPI_MAXLOC : MPI_MINLOC;                                \
            for (int i = 0; i < COUNT; i++) {                                       \
                in[i].v = (vtype)((rank * 5 + i * 3) % 4);                          \
                in[i].i = (size - rank) * 10 + i;                                   \
            }                                                                       \
            MPI_Allreduce(in, out, COUNT, mtype, op, MPI_COMM_WORLD);               \
            for (int i = 0; i < COUNT; i++) {                                       \
                int bv = -1, bi = 0;                                                \
                for (int r = 0; r < size; r++) {                                    \
                    int v = (r * 5 + i * 3) % 4, idx = (size - r) * 10 + i;         \
                    if (bv < 0 || (o ? v > bv : v < bv) || (v == bv && idx < bi)) { \
                        bv = v;                                                     \
                        bi = idx;                                                   \
                    }                                                               \
                }                                                                   \
                CHECK_MSG(out[i].v == (vtype)bv && out[i].i == bi,                  \
                          "%s on " #mtype " element %d: (%g, %d), expected (%d, %d)", \
                          o ? "MPI_MAXLOC" : "MPI_MINLOC", i, (double)out[i].v,     \
                          out[i].i, bv, bi);                                        \
                loc[i] = in[i];                                                     \
                loc[i].v = (vtype)(i % 2);                                          \
                loc[i].i = 5;                                                       \
            }                                                                       \
            /* local: inout = in op inout, equal values keep the smaller index */   \
            MPI_Reduce_local(in, loc, COUNT, mtype, op);                            \
            for (int i = 0; i < COUNT; i++) {                                       \
                vtype a = in[i].v, b = (vtype)(i % 2), wv = b;                      \
                int wi = 5;                                                         \
                if (o ? a > b : a < b) {                                            \
                    wv = a;                                                         \
                    wi = in[i].i;                                                   \
                } else if (a == b && in[i].i < wi) {                                \
                    wi = in[i].i;                                                   \
                }                                                                   \
                CHECK_MSG(loc[i].v == wv && loc[i].i == wi,                         \
                          "Reduce_local %s on " #mtype " element %d",               \
                          o ? "MPI_MAXLOC" : "MPI_MINLOC", i);                      \
            }                                                                       \
        }                                                                           \
    }
PAIR_TEST(float, MPI_FLOAT_INT, float_int)
PAIR_TEST(double, MPI_DOUBLE_INT, double_int)
PAIR_TEST(long, MPI_LONG_INT, long_int)
PAIR_TEST(int, MPI_2INT, two_int)
PAIR_TEST(short, MPI_SHORT_INT, short_int)
PAIR_TEST(long double, MPI_LONG_DOUBLE_INT, long_double_int)

int main(int argc, char **argv)
{
    int rank, size;
    mtest_init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    test_basic(rank, size);
    test_cfloat(rank, size);
    test_cdouble(rank, size);
    test_cldouble(rank, size);
    test_float_int(rank, size);
    test_double_int(rank, size);
    test_long_int(rank, size);
    test_two_int(rank, size);
    test_short_int(rank, size);
    test_long_double_int(rank, size);

    return mtest_finish();
}
