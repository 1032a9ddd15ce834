/* Reduction ops: every predefined op on each family of types it is defined
 * for, MINLOC/MAXLOC ties, derived types, user ops (non-commutative, large
 * count), and the op/type pairings that must be refused.
 *
 * As in test_datatype, the API runs without MPI_Init: the runtime is marked
 * initialized and MPI_COMM_WORLD is a stand-in with MPI_ERRORS_RETURN. */
#include <check.h>
#include <complex.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/comm.h"
#include "core/error.h"
#include "core/errhandler.h"
#include "core/op.h"
#include "core/runtime.h"

static tn_comm_t fake_world;

static void setup(void)
{
    tn_rt.state = TN_RT_INIT;
    fake_world.handle = MPI_COMM_WORLD;
    fake_world.errhandler = tn_errhandler_get(MPI_ERRORS_RETURN);
    tn_comm_world = &fake_world;
}

static int reduce(const void *in, void *inout, int n, MPI_Datatype t, MPI_Op op)
{
    return PMPI_Reduce_local(in, inout, n, t, op);
}

static int err_class(int code)
{
    return tn_err_class(code);
}

START_TEST(integers)
{
    int a[3] = {1, -5, 7}, b[3] = {4, 2, 7};
    ck_assert_int_eq(reduce(a, b, 3, MPI_INT, MPI_SUM), MPI_SUCCESS);
    ck_assert(b[0] == 5 && b[1] == -3 && b[2] == 14);
    int c[3] = {4, 2, 7};
    ck_assert_int_eq(reduce(a, c, 3, MPI_INT, MPI_MAX), MPI_SUCCESS);
    ck_assert(c[0] == 4 && c[1] == 2 && c[2] == 7);
    ck_assert_int_eq(reduce(a, c, 3, MPI_INT, MPI_MIN), MPI_SUCCESS);
    ck_assert(c[0] == 1 && c[1] == -5 && c[2] == 7);
    int d[3] = {2, 3, -1};
    ck_assert_int_eq(reduce(a, d, 3, MPI_INT, MPI_PROD), MPI_SUCCESS);
    ck_assert(d[0] == 2 && d[1] == -15 && d[2] == -7);
    /* overflow wraps */
    int big = INT_MAX, one = 1;
    ck_assert_int_eq(reduce(&one, &big, 1, MPI_INT, MPI_SUM), MPI_SUCCESS);
    ck_assert_int_eq(big, INT_MIN);
    unsigned char uc[2] = {200, 3}, ud[2] = {100, 250};
    ck_assert_int_eq(reduce(uc, ud, 2, MPI_UNSIGNED_CHAR, MPI_MAX), MPI_SUCCESS);
    ck_assert(ud[0] == 200 && ud[1] == 250);
    ck_assert_int_eq(reduce(uc, ud, 2, MPI_UNSIGNED_CHAR, MPI_SUM), MPI_SUCCESS);
    ck_assert(ud[0] == 144 && ud[1] == 253);
    uint16_t us = 65535, ut = 65535;
    ck_assert_int_eq(reduce(&us, &ut, 1, MPI_UINT16_T, MPI_PROD), MPI_SUCCESS);
    ck_assert_int_eq(ut, 1);
    int64_t l[2] = {INT64_MIN, 5}, m[2] = {0, -6};
    ck_assert_int_eq(reduce(l, m, 2, MPI_INT64_T, MPI_MIN), MPI_SUCCESS);
    ck_assert(m[0] == INT64_MIN && m[1] == -6);
    MPI_Aint x = 40, y = 2;
    ck_assert_int_eq(reduce(&x, &y, 1, MPI_AINT, MPI_SUM), MPI_SUCCESS);
    ck_assert_int_eq(y, 42);
    int32_t fi = 3, fj = 4; /* Fortran INTEGER */
    ck_assert_int_eq(reduce(&fi, &fj, 1, MPI_INTEGER, MPI_PROD), MPI_SUCCESS);
    ck_assert_int_eq(fj, 12);
    signed char sc = -3, sd = 2;
    ck_assert_int_eq(reduce(&sc, &sd, 1, MPI_SIGNED_CHAR, MPI_MIN), MPI_SUCCESS);
    ck_assert_int_eq(sd, -3);
    unsigned long long q = 1ull << 63, r = 1;
    ck_assert_int_eq(reduce(&q, &r, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX), MPI_SUCCESS);
    ck_assert(r == 1ull << 63);
}
END_TEST

START_TEST(logical_and_bitwise)
{
    int a[4] = {0, 0, 5, 5}, b[4] = {0, 3, 0, 3}, c[4];
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_INT, MPI_LAND), MPI_SUCCESS);
    ck_assert(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 1);
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_INT, MPI_LOR), MPI_SUCCESS);
    ck_assert(c[0] == 0 && c[1] == 1 && c[2] == 1 && c[3] == 1);
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_INT, MPI_LXOR), MPI_SUCCESS);
    ck_assert(c[0] == 0 && c[1] == 1 && c[2] == 1 && c[3] == 0);
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_INT, MPI_BAND), MPI_SUCCESS);
    ck_assert(c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 1);
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_INT, MPI_BOR), MPI_SUCCESS);
    ck_assert(c[0] == 0 && c[1] == 3 && c[2] == 5 && c[3] == 7);
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_INT, MPI_BXOR), MPI_SUCCESS);
    ck_assert(c[0] == 0 && c[1] == 3 && c[2] == 5 && c[3] == 6);
    bool p[4] = {false, false, true, true}, q[4] = {false, true, false, true};
    ck_assert_int_eq(reduce(p, q, 4, MPI_C_BOOL, MPI_LXOR), MPI_SUCCESS);
    ck_assert(!q[0] && q[1] && q[2] && !q[3]);
    ck_assert_int_eq(reduce(p, q, 4, MPI_CXX_BOOL, MPI_LOR), MPI_SUCCESS);
    ck_assert(!q[0] && q[1] && q[2] && q[3]);
    int32_t fl[2] = {1, 0}, fm[2] = {1, 1}; /* Fortran LOGICAL */
    ck_assert_int_eq(reduce(fl, fm, 2, MPI_LOGICAL, MPI_LAND), MPI_SUCCESS);
    ck_assert(fm[0] == 1 && fm[1] == 0);
    unsigned char by[2] = {0xf0, 0x0f}, bz[2] = {0xff, 0xff};
    ck_assert_int_eq(reduce(by, bz, 2, MPI_BYTE, MPI_BXOR), MPI_SUCCESS);
    ck_assert(bz[0] == 0x0f && bz[1] == 0xf0);
    ck_assert_int_eq(reduce(by, bz, 2, MPI_BYTE, MPI_BAND), MPI_SUCCESS);
    ck_assert(bz[0] == 0 && bz[1] == 0);
}
END_TEST

START_TEST(floating_and_complex)
{
    float f[2] = {1.5f, -2}, g[2] = {0.25f, 8};
    ck_assert_int_eq(reduce(f, g, 2, MPI_FLOAT, MPI_SUM), MPI_SUCCESS);
    ck_assert(g[0] == 1.75f && g[1] == 6);
    double d[2] = {3, -1}, e[2] = {2, 4};
    ck_assert_int_eq(reduce(d, e, 2, MPI_DOUBLE, MPI_PROD), MPI_SUCCESS);
    ck_assert(e[0] == 6 && e[1] == -4);
    ck_assert_int_eq(reduce(d, e, 2, MPI_DOUBLE_PRECISION, MPI_MAX), MPI_SUCCESS);
    ck_assert(e[0] == 6 && e[1] == -1);
    long double ld = 1e300L * 1e10L, le = 1;
    ck_assert_int_eq(reduce(&ld, &le, 1, MPI_LONG_DOUBLE, MPI_MIN), MPI_SUCCESS);
    ck_assert(le == 1);
    tn_real16_t qa = 2, qb = 3; /* REAL*16 is IEEE quad */
    ck_assert_int_eq(reduce(&qa, &qb, 1, MPI_REAL16, MPI_PROD), MPI_SUCCESS);
    ck_assert(qb == 6);
    double _Complex za = 1 + 2 * I, zb = 3 + 4 * I;
    ck_assert_int_eq(reduce(&za, &zb, 1, MPI_C_DOUBLE_COMPLEX, MPI_PROD), MPI_SUCCESS);
    ck_assert(creal(zb) == -5 && cimag(zb) == 10);
    float _Complex fa = 1 + 1 * I, fb = 2 - 3 * I;
    ck_assert_int_eq(reduce(&fa, &fb, 1, MPI_COMPLEX, MPI_SUM), MPI_SUCCESS);
    ck_assert(crealf(fb) == 3 && cimagf(fb) == -2);
    long double _Complex la = 2 * I, lb = 2 * I;
    ck_assert_int_eq(reduce(&la, &lb, 1, MPI_C_LONG_DOUBLE_COMPLEX, MPI_PROD), MPI_SUCCESS);
    ck_assert(creall(lb) == -4 && cimagl(lb) == 0);
    tn_complex32_t ca = 1, cb = 2; /* COMPLEX*32 */
    ck_assert_int_eq(reduce(&ca, &cb, 1, MPI_COMPLEX32, MPI_SUM), MPI_SUCCESS);
    ck_assert(cb == 3);
}
END_TEST

/* Long buffers, as collectives reduce them: the kernels are vectorized, so
 * every element (odd counts, a start off the vector alignment, a tail) must
 * match the element-by-element rule, NaN included: MAX and MIN keep inout's
 * element unless in's compares greater (less). */
START_TEST(long_buffers)
{
    enum { N = 1037, OFF = 1 };
    int *ia = malloc((N + OFF) * sizeof(int)), *ib = malloc((N + OFF) * sizeof(int));
    float *fa = malloc((N + OFF) * sizeof(float)), *fb = malloc((N + OFF) * sizeof(float));
    double *da = malloc(N * sizeof(double)), *db = malloc(N * sizeof(double));
    int8_t *ca = malloc(N), *cb = malloc(N);
    ck_assert(ia && ib && fa && fb && da && db && ca && cb);
    for (int i = 0; i < N + OFF; i++) {
        ia[i] = (i * 7919) % 1000 - 500;
        ib[i] = (i * 104729) % 1000 - 500;
        fa[i] = (float)ia[i] / 4;
        fb[i] = (float)ib[i] / 4;
    }
    fa[OFF + 5] = NAN; /* in is NaN: inout kept */
    fb[OFF + 9] = NAN; /* inout is NaN: stays NaN */
    for (int i = 0; i < N; i++) {
        da[i] = ia[i] * 0.5;
        db[i] = ib[i] * 0.5;
        ca[i] = (int8_t)ia[i];
        cb[i] = (int8_t)ib[i];
    }

    int *ir = malloc(N * sizeof(int));
    float *fr = malloc(N * sizeof(float));
    double *dr = malloc(N * sizeof(double));
    int8_t *cr = malloc(N);
    ck_assert(ir && fr && dr && cr);
    memcpy(ir, ib + OFF, N * sizeof(int));
    ck_assert_int_eq(reduce(ia + OFF, ir, N, MPI_INT, MPI_SUM), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(ir[i], ia[OFF + i] + ib[OFF + i]);
    memcpy(ir, ib + OFF, N * sizeof(int));
    ck_assert_int_eq(reduce(ia + OFF, ir, N, MPI_INT, MPI_MAX), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(ir[i], ia[OFF + i] > ib[OFF + i] ? ia[OFF + i] : ib[OFF + i]);
    memcpy(fr, fb + OFF, N * sizeof(float));
    ck_assert_int_eq(reduce(fa + OFF, fr, N, MPI_FLOAT, MPI_MIN), MPI_SUCCESS);
    for (int i = 0; i < N; i++) {
        float x = fa[OFF + i], y = fb[OFF + i];
        if (i == 9)
            ck_assert(isnan(fr[i]));
        else
            ck_assert(fr[i] == (x < y ? x : y));
    }
    ck_assert(fr[5] == fb[OFF + 5]);
    memcpy(fr, fb + OFF, N * sizeof(float));
    ck_assert_int_eq(reduce(fa + OFF, fr, N, MPI_FLOAT, MPI_MAX), MPI_SUCCESS);
    ck_assert(fr[5] == fb[OFF + 5] && isnan(fr[9]));
    memcpy(fr, fb + OFF, N * sizeof(float));
    ck_assert_int_eq(reduce(fa + OFF, fr, N, MPI_FLOAT, MPI_SUM), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        if (i != 5 && i != 9)
            ck_assert(fr[i] == fa[OFF + i] + fb[OFF + i]);
    memcpy(dr, db, N * sizeof(double));
    ck_assert_int_eq(reduce(da, dr, N, MPI_DOUBLE, MPI_PROD), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        ck_assert(dr[i] == da[i] * db[i]);
    memcpy(cr, cb, N);
    ck_assert_int_eq(reduce(ca, cr, N, MPI_INT8_T, MPI_SUM), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(cr[i], (int8_t)(uint8_t)((uint8_t)ca[i] + (uint8_t)cb[i]));
    memcpy(cr, cb, N);
    ck_assert_int_eq(reduce(ca, cr, N, MPI_INT8_T, MPI_MIN), MPI_SUCCESS);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(cr[i], ca[i] < cb[i] ? ca[i] : cb[i]);
    free(ia), free(ib), free(fa), free(fb), free(da), free(db), free(ca), free(cb);
    free(ir), free(fr), free(dr), free(cr);
}
END_TEST

/* in beats inout for MINLOC when smaller, or equal with a lower index. */
START_TEST(minloc_maxloc_with_ties)
{
    tn_double_int_t a[4] = {{1.0, 5}, {2.0, 1}, {3.0, 9}, {3.0, 2}};
    tn_double_int_t b[4] = {{2.0, 0}, {2.0, 3}, {3.0, 4}, {1.0, 7}};
    tn_double_int_t c[4];
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_DOUBLE_INT, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(c[0].v == 1.0 && c[0].i == 5);
    ck_assert(c[1].v == 2.0 && c[1].i == 1); /* tie: lowest index */
    ck_assert(c[2].v == 3.0 && c[2].i == 4);
    ck_assert(c[3].v == 1.0 && c[3].i == 7);
    /* the other argument order gives the same answer */
    memcpy(c, a, sizeof c);
    ck_assert_int_eq(reduce(b, c, 4, MPI_DOUBLE_INT, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(c[1].i == 1 && c[2].i == 4);
    memcpy(c, b, sizeof c);
    ck_assert_int_eq(reduce(a, c, 4, MPI_DOUBLE_INT, MPI_MAXLOC), MPI_SUCCESS);
    ck_assert(c[0].v == 2.0 && c[0].i == 0);
    ck_assert(c[1].v == 2.0 && c[1].i == 1);
    ck_assert(c[2].v == 3.0 && c[2].i == 4);
    ck_assert(c[3].v == 3.0 && c[3].i == 2);
    tn_short_int_t s = {-4, 8}, t = {-4, 6};
    ck_assert_int_eq(reduce(&s, &t, 1, MPI_SHORT_INT, MPI_MAXLOC), MPI_SUCCESS);
    ck_assert(t.v == -4 && t.i == 6);
    tn_2int_t u = {7, 1}, w = {3, 0};
    ck_assert_int_eq(reduce(&u, &w, 1, MPI_2INT, MPI_MAXLOC), MPI_SUCCESS);
    ck_assert(w.v == 7 && w.i == 1);
    tn_float_int_t fa = {0.5f, 2}, fb = {0.5f, 1};
    ck_assert_int_eq(reduce(&fa, &fb, 1, MPI_FLOAT_INT, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(fb.i == 1);
    tn_long_int_t la = {-1, 3}, lb = {0, 0};
    ck_assert_int_eq(reduce(&la, &lb, 1, MPI_LONG_INT, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(lb.v == -1 && lb.i == 3);
    tn_long_double_int_t xa = {2.0L, 9}, xb = {1.0L, 10};
    ck_assert_int_eq(reduce(&xa, &xb, 1, MPI_LONG_DOUBLE_INT, MPI_MAXLOC), MPI_SUCCESS);
    ck_assert(xb.v == 2.0L && xb.i == 9);
    tn_2float_t ra = {1, 4}, rb = {1, 2}; /* MPI_2REAL: index is a REAL */
    ck_assert_int_eq(reduce(&ra, &rb, 1, MPI_2REAL, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(rb.i == 2);
    tn_2double_t da = {5, 1}, db = {4, 0};
    ck_assert_int_eq(reduce(&da, &db, 1, MPI_2DOUBLE_PRECISION, MPI_MAXLOC), MPI_SUCCESS);
    ck_assert(db.v == 5 && db.i == 1);
    tn_2int_t ia = {1, 1}, ib = {2, 2};
    ck_assert_int_eq(reduce(&ia, &ib, 1, MPI_2INTEGER, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(ib.v == 1 && ib.i == 1);
}
END_TEST

START_TEST(derived_types_elementwise)
{
    MPI_Datatype v;
    double a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {10, 20, 30, 40, 50, 60};
    ck_assert_int_eq(PMPI_Type_vector(3, 1, 2, MPI_DOUBLE, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&v), MPI_SUCCESS);
    ck_assert_int_eq(reduce(a, b, 1, v, MPI_SUM), MPI_SUCCESS);
    const double want[6] = {11, 20, 33, 40, 55, 60};
    for (int i = 0; i < 6; i++)
        ck_assert(b[i] == want[i]);
    ck_assert_int_eq(PMPI_Type_free(&v), MPI_SUCCESS);
    /* contiguous of a contiguous type: one kernel call over all of it */
    int ia[6] = {1, 2, 3, 4, 5, 6}, ib[6] = {0};
    ck_assert_int_eq(PMPI_Type_contiguous(3, MPI_INT, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&v), MPI_SUCCESS);
    ck_assert_int_eq(reduce(ia, ib, 2, v, MPI_MAX), MPI_SUCCESS);
    ck_assert(ib[0] == 1 && ib[5] == 6);
    ck_assert_int_eq(PMPI_Type_free(&v), MPI_SUCCESS);
    /* pairs with padding inside a vector: elements found by their size */
    tn_short_int_t sa[4] = {{1, 0}, {9, 9}, {5, 2}, {9, 9}}, sb[4] = {{2, 7}, {0, 0}, {5, 1}, {0, 0}};
    ck_assert_int_eq(PMPI_Type_vector(2, 1, 2, MPI_SHORT_INT, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&v), MPI_SUCCESS);
    ck_assert_int_eq(reduce(sa, sb, 1, v, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(sb[0].v == 1 && sb[0].i == 0);
    ck_assert(sb[1].v == 0 && sb[1].i == 0); /* not part of the type */
    ck_assert(sb[2].v == 5 && sb[2].i == 1);
    ck_assert_int_eq(PMPI_Type_free(&v), MPI_SUCCESS);
    tn_short_int_t sc[3] = {{3, 3}, {1, 1}, {2, 2}}, sd[3] = {{2, 2}, {2, 2}, {2, 1}};
    ck_assert_int_eq(PMPI_Type_contiguous(3, MPI_SHORT_INT, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&v), MPI_SUCCESS);
    ck_assert_int_eq(reduce(sc, sd, 1, v, MPI_MINLOC), MPI_SUCCESS);
    ck_assert(sd[0].v == 2 && sd[1].v == 1 && sd[1].i == 1 && sd[2].i == 1);
    ck_assert_int_eq(PMPI_Type_free(&v), MPI_SUCCESS);
    /* a resized type with holes */
    float fa[4] = {1, 2, 3, 4}, fb[4] = {1, 1, 1, 1};
    ck_assert_int_eq(PMPI_Type_create_resized(MPI_FLOAT, 0, 8, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&v), MPI_SUCCESS);
    ck_assert_int_eq(reduce(fa, fb, 2, v, MPI_PROD), MPI_SUCCESS);
    ck_assert(fb[0] == 1 && fb[1] == 1 && fb[2] == 3 && fb[3] == 1);
    ck_assert_int_eq(PMPI_Type_free(&v), MPI_SUCCESS);
}
END_TEST

/* A non-commutative op on 2x2 matrices stored as 4 ints: inout = in x inout. */
static MPI_Datatype seen_type;
static int seen_len;

static void matmul(void *in_, void *inout_, int *len, MPI_Datatype *dt)
{
    int *in = in_, *io = inout_;
    seen_type = *dt;
    seen_len = *len;
    for (int k = 0; k < *len; k++, in += 4, io += 4) {
        int r[4] = {in[0] * io[0] + in[1] * io[2], in[0] * io[1] + in[1] * io[3],
                    in[2] * io[0] + in[3] * io[2], in[2] * io[1] + in[3] * io[3]};
        memcpy(io, r, sizeof r);
    }
}

static void count_c(void *in, void *inout, MPI_Count *len, MPI_Datatype *dt)
{
    (void)in;
    (void)inout;
    seen_type = *dt;
    seen_len = (int)*len;
}

START_TEST(user_ops)
{
    MPI_Op op;
    MPI_Datatype mat;
    int commute;
    ck_assert_int_eq(PMPI_Type_contiguous(4, MPI_INT, &mat), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&mat), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Op_create(matmul, 0, &op), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Op_commutative(op, &commute), MPI_SUCCESS);
    ck_assert_int_eq(commute, 0);
    int a[8] = {1, 1, 0, 1, 2, 0, 0, 2}, b[8] = {1, 0, 1, 1, 1, 2, 3, 4};
    ck_assert_int_eq(reduce(a, b, 2, mat, op), MPI_SUCCESS);
    ck_assert_int_eq(seen_type, mat); /* the user's handle */
    ck_assert_int_eq(seen_len, 2);
    const int want[8] = {2, 1, 1, 1, 2, 4, 6, 8};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(b[i], want[i]);
    ck_assert_int_eq(PMPI_Op_free(&op), MPI_SUCCESS);
    ck_assert_int_eq(op, MPI_OP_NULL);
    ck_assert_int_eq(PMPI_Op_create_c(count_c, 1, &op), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Op_commutative(op, &commute), MPI_SUCCESS);
    ck_assert_int_eq(commute, 1);
    ck_assert_int_eq(PMPI_Reduce_local_c(a, b, 2, MPI_INT, op), MPI_SUCCESS);
    ck_assert_int_eq(seen_type, MPI_INT);
    ck_assert_int_eq(seen_len, 2);
    ck_assert_int_eq(PMPI_Op_free(&op), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_free(&mat), MPI_SUCCESS);
    /* user ops accept any type, even mixed structs */
    tn_op_t *o;
    ck_assert_int_eq(tn_op_create(matmul, NULL, 0, &o), MPI_SUCCESS);
    ck_assert_int_eq(tn_op_check("MPI_Reduce", o, tn_datatype_get(MPI_DOUBLE_INT)), MPI_SUCCESS);
    tn_op_release(o);
}
END_TEST

START_TEST(builtin_op_properties)
{
    int commute;
    const MPI_Op comm_ops[] = {MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD, MPI_LAND, MPI_BAND,
                               MPI_LOR, MPI_BOR, MPI_LXOR, MPI_BXOR, MPI_MINLOC, MPI_MAXLOC};
    for (size_t i = 0; i < sizeof comm_ops / sizeof comm_ops[0]; i++) {
        ck_assert_int_eq(PMPI_Op_commutative(comm_ops[i], &commute), MPI_SUCCESS);
        ck_assert_int_eq(commute, 1);
    }
    MPI_Op op = MPI_SUM;
    ck_assert_int_eq(err_class(PMPI_Op_free(&op)), MPI_ERR_OP);
    ck_assert_int_eq(err_class(PMPI_Op_commutative(MPI_OP_NULL, &commute)), MPI_ERR_OP);
    ck_assert_int_eq(err_class(PMPI_Op_commutative((MPI_Op)0x5800000f, &commute)), MPI_ERR_OP);
    ck_assert_int_eq(err_class(PMPI_Op_create(NULL, 1, &op)), MPI_ERR_ARG);
    ck_assert_str_eq(tn_op_name(tn_op_get(MPI_MAXLOC)), "MPI_MAXLOC");
}
END_TEST

START_TEST(refused_pairings)
{
    char buf[64] = {0}, buf2[64] = {0};
    const struct {
        MPI_Datatype t;
        MPI_Op op;
    } bad[] = {
        {MPI_BYTE, MPI_SUM},       {MPI_FLOAT, MPI_BAND},      {MPI_FLOAT, MPI_LAND},
        {MPI_FLOAT, MPI_MAXLOC},   {MPI_2INT, MPI_SUM},        {MPI_C_FLOAT_COMPLEX, MPI_MAX},
        {MPI_C_BOOL, MPI_BOR},     {MPI_LOGICAL, MPI_SUM},     {MPI_PACKED, MPI_BAND},
        {MPI_WCHAR, MPI_SUM},      {MPI_INT, MPI_REPLACE},     {MPI_INT, MPI_NO_OP},
        {MPI_DOUBLE_INT, MPI_MAX},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(err_class(reduce(buf, buf2, 1, bad[i].t, bad[i].op)), MPI_ERR_OP);
    int bl[2] = {1, 1};
    MPI_Datatype s;
    ck_assert_int_eq(PMPI_Type_create_struct(2, bl, (MPI_Aint[]){0, 8},
                                             (MPI_Datatype[]){MPI_INT, MPI_DOUBLE}, &s),
                     MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&s), MPI_SUCCESS);
    int rc = reduce(buf, buf2, 1, s, MPI_SUM);
    ck_assert_int_eq(err_class(rc), MPI_ERR_OP);
    ck_assert_int_eq(err_class(reduce(buf, buf2, 1, MPI_INT, MPI_OP_NULL)), MPI_ERR_OP);
    ck_assert_int_eq(err_class(reduce(buf, buf2, -1, MPI_INT, MPI_SUM)), MPI_ERR_COUNT);
    ck_assert_int_eq(err_class(reduce(NULL, buf2, 1, MPI_INT, MPI_SUM)), MPI_ERR_BUFFER);
    /* MPICH accepts arithmetic on MPI_CHAR; so do we */
    ck_assert_int_eq(reduce(buf, buf2, 1, MPI_CHAR, MPI_SUM), MPI_SUCCESS);
    /* accumulate: REPLACE and NO_OP on single-type data, no mixed types */
    tn_op_t *rep = tn_op_get(MPI_REPLACE), *sum = tn_op_get(MPI_SUM);
    ck_assert_int_eq(tn_op_check_acc("MPI_Accumulate", rep, tn_datatype_get(MPI_INT)),
                     MPI_SUCCESS);
    ck_assert_int_eq(tn_op_check_acc("MPI_Accumulate", tn_op_get(MPI_NO_OP),
                                     tn_datatype_get(MPI_DOUBLE_INT)),
                     MPI_SUCCESS);
    ck_assert_int_eq(err_class(tn_op_check_acc("MPI_Accumulate", rep, tn_datatype_get(s))),
                     MPI_ERR_TYPE);
    ck_assert_int_eq(err_class(tn_op_check_acc("MPI_Accumulate", sum, tn_datatype_get(MPI_BYTE))),
                     MPI_ERR_OP);
    ck_assert_int_eq(PMPI_Type_free(&s), MPI_SUCCESS);
    int a[3] = {1, 2, 3}, b[3] = {0};
    ck_assert_int_eq(tn_op_apply(rep, a, b, 3, tn_datatype_get(MPI_INT)), MPI_SUCCESS);
    ck_assert(b[0] == 1 && b[2] == 3);
    ck_assert_int_eq(tn_op_apply(tn_op_get(MPI_NO_OP), (int[]){9, 9, 9}, b, 3,
                                 tn_datatype_get(MPI_INT)),
                     MPI_SUCCESS);
    ck_assert(b[0] == 1 && b[2] == 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("op");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, logical_and_bitwise);
    tcase_add_test(tc, floating_and_complex);
    tcase_add_test(tc, long_buffers);
    tcase_add_test(tc, minloc_maxloc_with_ties);
    tcase_add_test(tc, derived_types_elementwise);
    tcase_add_test(tc, user_ops);
    tcase_add_test(tc, builtin_op_properties);
    tcase_add_test(tc, refused_pairings);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
