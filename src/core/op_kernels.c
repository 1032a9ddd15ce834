/* The predefined reduction kernels, one per (op, C representation), and the
 * table of which predefined types each op is defined for (MPI 4.1 §6.9.2). */
#include <limits.h>
#include <stdint.h>
#include "core/op.h"

/* C representations the kernels work on. */
enum repr {
    R_NONE, R_I8, R_U8, R_I16, R_U16, R_I32, R_U32, R_I64, R_U64,
    R_F32, R_F64, R_FLD, R_F128, R_C32, R_C64, R_CLD, R_C128,
    R_FI, R_DI, R_LI, R_SI, R_II, R_LDI, R_FF, R_DD, /* value-index pairs */
    R_COUNT
};

/* The standard's groups of types. */
enum tclass { C_NONE, C_INT, C_FLOAT, C_COMPLEX, C_LOGICAL, C_BYTE, C_PAIR };

/* ---- Kernels ---- */

#define LOOP(T, name, body)                                        \
    static void name(const void *in_, void *io_, MPI_Aint n)       \
    {                                                              \
        const T *x = in_;                                          \
        T *y = io_;                                                \
        for (MPI_Aint i = 0; i < n; i++)                           \
            body;                                                  \
    }

/* Integers: SUM/PROD in the unsigned type UT so overflow wraps. */
#define INT_KERNELS(T, UT, s)                                          \
    LOOP(T, max_##s, y[i] = x[i] > y[i] ? x[i] : y[i])                 \
    LOOP(T, min_##s, y[i] = x[i] < y[i] ? x[i] : y[i])                 \
    LOOP(T, sum_##s, y[i] = (T)((UT)x[i] + (UT)y[i]))                  \
    LOOP(T, prod_##s, y[i] = (T)((UT)x[i] * (UT)y[i]))                 \
    LOOP(T, land_##s, y[i] = (T)(x[i] && y[i]))                        \
    LOOP(T, lor_##s, y[i] = (T)(x[i] || y[i]))                         \
    LOOP(T, lxor_##s, y[i] = (T)(!x[i] != !y[i]))                      \
    LOOP(T, band_##s, y[i] = (T)(x[i] & y[i]))                         \
    LOOP(T, bor_##s, y[i] = (T)(x[i] | y[i]))                          \
    LOOP(T, bxor_##s, y[i] = (T)(x[i] ^ y[i]))

#define FLOAT_KERNELS(T, s)                              \
    LOOP(T, max_##s, y[i] = x[i] > y[i] ? x[i] : y[i])   \
    LOOP(T, min_##s, y[i] = x[i] < y[i] ? x[i] : y[i])   \
    LOOP(T, sum_##s, y[i] = x[i] + y[i])                 \
    LOOP(T, prod_##s, y[i] = x[i] * y[i])

#define COMPLEX_KERNELS(T, s)                \
    LOOP(T, sum_##s, y[i] = x[i] + y[i])     \
    LOOP(T, prod_##s, y[i] = x[i] * y[i])

/* MINLOC/MAXLOC: the better value wins; on ties the lower index. Fields are
 * copied one by one: a buffer of these types ends at the last element's true
 * upper bound, before its padding (MPI_DOUBLE_INT: 12 of 16 bytes). */
#define PAIR_TAKE(i) (y[i].v = x[i].v, y[i].i = x[i].i)
#define PAIR_KERNELS(P, s)                                                                \
    LOOP(P, minloc_##s,                                                                   \
         if (x[i].v < y[i].v || (x[i].v == y[i].v && x[i].i < y[i].i)) PAIR_TAKE(i))       \
    LOOP(P, maxloc_##s,                                                                   \
         if (x[i].v > y[i].v || (x[i].v == y[i].v && x[i].i < y[i].i)) PAIR_TAKE(i))

INT_KERNELS(int8_t, unsigned, i8)
INT_KERNELS(uint8_t, unsigned, u8)
INT_KERNELS(int16_t, unsigned, i16)
INT_KERNELS(uint16_t, unsigned, u16)
INT_KERNELS(int32_t, uint32_t, i32)
INT_KERNELS(uint32_t, uint32_t, u32)
INT_KERNELS(int64_t, uint64_t, i64)
INT_KERNELS(uint64_t, uint64_t, u64)
FLOAT_KERNELS(float, f32)
FLOAT_KERNELS(double, f64)
FLOAT_KERNELS(long double, fld)
FLOAT_KERNELS(tn_real16_t, f128)
COMPLEX_KERNELS(float _Complex, c32)
COMPLEX_KERNELS(double _Complex, c64)
COMPLEX_KERNELS(long double _Complex, cld)
COMPLEX_KERNELS(tn_complex32_t, c128)
PAIR_KERNELS(tn_float_int_t, fi)
PAIR_KERNELS(tn_double_int_t, di)
PAIR_KERNELS(tn_long_int_t, li)
PAIR_KERNELS(tn_short_int_t, si)
PAIR_KERNELS(tn_2int_t, ii)
PAIR_KERNELS(tn_long_double_int_t, ldi)
PAIR_KERNELS(tn_2float_t, ff)
PAIR_KERNELS(tn_2double_t, dd)

/* Row of the kernel table for a representation; columns are the low bits
 * of the op handles (MPI_MAX = 1 … MPI_MAXLOC = 12). */
#define OPI(op) ((unsigned)(op) & 0xfu)
#define INT_ROW(s)                                                                        \
    {[OPI(MPI_MAX)] = max_##s, [OPI(MPI_MIN)] = min_##s, [OPI(MPI_SUM)] = sum_##s,       \
     [OPI(MPI_PROD)] = prod_##s, [OPI(MPI_LAND)] = land_##s, [OPI(MPI_LOR)] = lor_##s,   \
     [OPI(MPI_LXOR)] = lxor_##s, [OPI(MPI_BAND)] = band_##s, [OPI(MPI_BOR)] = bor_##s,   \
     [OPI(MPI_BXOR)] = bxor_##s}
#define FLOAT_ROW(s)                                                                      \
    {[OPI(MPI_MAX)] = max_##s, [OPI(MPI_MIN)] = min_##s, [OPI(MPI_SUM)] = sum_##s,       \
     [OPI(MPI_PROD)] = prod_##s}
#define COMPLEX_ROW(s) {[OPI(MPI_SUM)] = sum_##s, [OPI(MPI_PROD)] = prod_##s}
#define PAIR_ROW(s) {[OPI(MPI_MINLOC)] = minloc_##s, [OPI(MPI_MAXLOC)] = maxloc_##s}

static tn_op_kernel_t *const kernels[R_COUNT][16] = {
    [R_I8] = INT_ROW(i8),     [R_U8] = INT_ROW(u8),     [R_I16] = INT_ROW(i16),
    [R_U16] = INT_ROW(u16),   [R_I32] = INT_ROW(i32),   [R_U32] = INT_ROW(u32),
    [R_I64] = INT_ROW(i64),   [R_U64] = INT_ROW(u64),   [R_F32] = FLOAT_ROW(f32),
    [R_F64] = FLOAT_ROW(f64), [R_FLD] = FLOAT_ROW(fld), [R_F128] = FLOAT_ROW(f128),
    [R_C32] = COMPLEX_ROW(c32), [R_C64] = COMPLEX_ROW(c64), [R_CLD] = COMPLEX_ROW(cld),
    [R_C128] = COMPLEX_ROW(c128), [R_FI] = PAIR_ROW(fi), [R_DI] = PAIR_ROW(di),
    [R_LI] = PAIR_ROW(li),    [R_SI] = PAIR_ROW(si),    [R_II] = PAIR_ROW(ii),
    [R_LDI] = PAIR_ROW(ldi),  [R_FF] = PAIR_ROW(ff),    [R_DD] = PAIR_ROW(dd),
};

/* ---- Predefined types: representation and class ---- */

typedef struct type_info {
    unsigned char repr, tclass;
} type_info_t;

#define T(h, r, c) [TN_DTYPE_SLOT(h)] = {(r), (c)}
#define R_CHAR (CHAR_MIN < 0 ? R_I8 : R_U8)
static const type_info_t types[256] = {
    /* MPI_CHAR is not an integer type in the standard; MPICH accepts it. */
    T(MPI_CHAR, R_CHAR, C_INT),
    T(MPI_SIGNED_CHAR, R_I8, C_INT), T(MPI_UNSIGNED_CHAR, R_U8, C_INT),
    T(MPI_SHORT, R_I16, C_INT), T(MPI_UNSIGNED_SHORT, R_U16, C_INT),
    T(MPI_INT, R_I32, C_INT), T(MPI_UNSIGNED, R_U32, C_INT),
    T(MPI_LONG, R_I64, C_INT), T(MPI_UNSIGNED_LONG, R_U64, C_INT),
    T(MPI_LONG_LONG_INT, R_I64, C_INT), T(MPI_UNSIGNED_LONG_LONG, R_U64, C_INT),
    T(MPI_INT8_T, R_I8, C_INT), T(MPI_INT16_T, R_I16, C_INT),
    T(MPI_INT32_T, R_I32, C_INT), T(MPI_INT64_T, R_I64, C_INT),
    T(MPI_UINT8_T, R_U8, C_INT), T(MPI_UINT16_T, R_U16, C_INT),
    T(MPI_UINT32_T, R_U32, C_INT), T(MPI_UINT64_T, R_U64, C_INT),
    T(MPI_AINT, R_I64, C_INT), T(MPI_OFFSET, R_I64, C_INT), T(MPI_COUNT, R_I64, C_INT),
    T(MPI_INTEGER, R_I32, C_INT), T(MPI_INTEGER1, R_I8, C_INT),
    T(MPI_INTEGER2, R_I16, C_INT), T(MPI_INTEGER4, R_I32, C_INT),
    T(MPI_INTEGER8, R_I64, C_INT),
    T(MPI_FLOAT, R_F32, C_FLOAT), T(MPI_DOUBLE, R_F64, C_FLOAT),
    T(MPI_LONG_DOUBLE, R_FLD, C_FLOAT), T(MPI_REAL, R_F32, C_FLOAT),
    T(MPI_DOUBLE_PRECISION, R_F64, C_FLOAT), T(MPI_REAL4, R_F32, C_FLOAT),
    T(MPI_REAL8, R_F64, C_FLOAT), T(MPI_REAL16, R_F128, C_FLOAT),
    T(MPI_C_FLOAT_COMPLEX, R_C32, C_COMPLEX), T(MPI_C_DOUBLE_COMPLEX, R_C64, C_COMPLEX),
    T(MPI_C_LONG_DOUBLE_COMPLEX, R_CLD, C_COMPLEX),
    T(MPI_CXX_FLOAT_COMPLEX, R_C32, C_COMPLEX), T(MPI_CXX_DOUBLE_COMPLEX, R_C64, C_COMPLEX),
    T(MPI_CXX_LONG_DOUBLE_COMPLEX, R_CLD, C_COMPLEX),
    T(MPI_COMPLEX, R_C32, C_COMPLEX), T(MPI_DOUBLE_COMPLEX, R_C64, C_COMPLEX),
    T(MPI_COMPLEX8, R_C32, C_COMPLEX), T(MPI_COMPLEX16, R_C64, C_COMPLEX),
    T(MPI_COMPLEX32, R_C128, C_COMPLEX),
    T(MPI_C_BOOL, R_U8, C_LOGICAL), T(MPI_CXX_BOOL, R_U8, C_LOGICAL),
    T(MPI_LOGICAL, R_I32, C_LOGICAL),
    T(MPI_BYTE, R_U8, C_BYTE),
    T(MPI_FLOAT_INT, R_FI, C_PAIR), T(MPI_DOUBLE_INT, R_DI, C_PAIR),
    T(MPI_LONG_INT, R_LI, C_PAIR), T(MPI_SHORT_INT, R_SI, C_PAIR),
    T(MPI_2INT, R_II, C_PAIR), T(MPI_LONG_DOUBLE_INT, R_LDI, C_PAIR),
    T(MPI_2INTEGER, R_II, C_PAIR), T(MPI_2REAL, R_FF, C_PAIR),
    T(MPI_2DOUBLE_PRECISION, R_DD, C_PAIR),
};

/* Which classes each op accepts (bit per class). */
#define B(c) (1u << (c))
static const unsigned op_classes[16] = {
    [OPI(MPI_MAX)] = B(C_INT) | B(C_FLOAT),
    [OPI(MPI_MIN)] = B(C_INT) | B(C_FLOAT),
    [OPI(MPI_SUM)] = B(C_INT) | B(C_FLOAT) | B(C_COMPLEX),
    [OPI(MPI_PROD)] = B(C_INT) | B(C_FLOAT) | B(C_COMPLEX),
    [OPI(MPI_LAND)] = B(C_INT) | B(C_LOGICAL),
    [OPI(MPI_LOR)] = B(C_INT) | B(C_LOGICAL),
    [OPI(MPI_LXOR)] = B(C_INT) | B(C_LOGICAL),
    [OPI(MPI_BAND)] = B(C_INT) | B(C_BYTE),
    [OPI(MPI_BOR)] = B(C_INT) | B(C_BYTE),
    [OPI(MPI_BXOR)] = B(C_INT) | B(C_BYTE),
    [OPI(MPI_MINLOC)] = B(C_PAIR),
    [OPI(MPI_MAXLOC)] = B(C_PAIR),
};

tn_op_kernel_t *tn_op_kernel(MPI_Op op, MPI_Datatype basic)
{
    const type_info_t *t = &types[TN_DTYPE_SLOT(basic)];
    unsigned o = OPI(op);
    if (t->tclass == C_NONE || !(op_classes[o] & B(t->tclass)))
        return NULL;
    return kernels[t->repr][o];
}
