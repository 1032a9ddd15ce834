/* The datatype engine: predefined types, derived layouts and extents (checked
 * against hand-computed values and MPICH's answers), packing in windows,
 * copies, element counts, decoding, external32, argument errors.
 *
 * No MPI_Init: the API functions run with the runtime marked initialized and
 * MPI_COMM_WORLD stood in by a communicator object whose error handler is
 * MPI_ERRORS_RETURN, so errors come back as codes. */
#define TERN_ENABLE_REMOVED_API 1 /* MPI_Type_lb & co. are exported for old binaries */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/comm.h"
#include "core/datatype.h"
#include "core/error.h"
#include "core/errhandler.h"
#include "core/runtime.h"

static tn_comm_t fake_world;

static void setup(void)
{
    tn_rt.state = TN_RT_INIT;
    fake_world.handle = MPI_COMM_WORLD;
    fake_world.errhandler = tn_errhandler_get(MPI_ERRORS_RETURN);
    tn_comm_world = &fake_world;
}

static tn_datatype_t *obj(MPI_Datatype t)
{
    tn_datatype_t *dt = tn_datatype_get(t);
    ck_assert_ptr_nonnull(dt);
    return dt;
}

/* size, lb, extent, true lb, true extent */
static void layout_is(MPI_Datatype t, MPI_Count size, MPI_Aint lb, MPI_Aint extent,
                      MPI_Aint tlb, MPI_Aint textent)
{
    MPI_Count sz;
    MPI_Aint l, e, tl, te;
    ck_assert_int_eq(PMPI_Type_size_c(t, &sz), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_extent(t, &l, &e), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_true_extent(t, &tl, &te), MPI_SUCCESS);
    ck_assert_int_eq(sz, size);
    ck_assert_int_eq(l, lb);
    ck_assert_int_eq(e, extent);
    ck_assert_int_eq(tl, tlb);
    ck_assert_int_eq(te, textent);
}

static void segs_are(MPI_Datatype t, int n, const MPI_Aint *disp_len)
{
    tn_datatype_t *dt = obj(t);
    ck_assert_int_eq(dt->nsegs, n);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(dt->segs[i].disp, disp_len[2 * i]);
        ck_assert_int_eq(dt->segs[i].len, disp_len[2 * i + 1]);
    }
}

static int err_class(int code)
{
    return tn_err_class(code);
}

static MPI_Datatype make_struct(int n, const int *bl, const MPI_Aint *d, const MPI_Datatype *t)
{
    MPI_Datatype s;
    ck_assert_int_eq(PMPI_Type_create_struct(n, bl, d, t, &s), MPI_SUCCESS);
    return s;
}

static void free_type(MPI_Datatype t)
{
    ck_assert_int_eq(PMPI_Type_free(&t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_DATATYPE_NULL);
}

/* ---- Predefined types ---- */

static const MPI_Datatype scalars[] = {
    MPI_CHAR, MPI_SIGNED_CHAR, MPI_UNSIGNED_CHAR, MPI_BYTE, MPI_WCHAR, MPI_SHORT,
    MPI_UNSIGNED_SHORT, MPI_INT, MPI_UNSIGNED, MPI_LONG, MPI_UNSIGNED_LONG, MPI_LONG_LONG_INT,
    MPI_UNSIGNED_LONG_LONG, MPI_FLOAT, MPI_DOUBLE, MPI_LONG_DOUBLE, MPI_PACKED, MPI_INT8_T,
    MPI_INT16_T, MPI_INT32_T, MPI_INT64_T, MPI_UINT8_T, MPI_UINT16_T, MPI_UINT32_T, MPI_UINT64_T,
    MPI_C_BOOL, MPI_C_FLOAT_COMPLEX, MPI_C_DOUBLE_COMPLEX, MPI_C_LONG_DOUBLE_COMPLEX, MPI_AINT,
    MPI_OFFSET, MPI_COUNT, MPI_CXX_BOOL, MPI_CXX_FLOAT_COMPLEX, MPI_CXX_DOUBLE_COMPLEX,
    MPI_CXX_LONG_DOUBLE_COMPLEX, MPI_CHARACTER, MPI_LOGICAL, MPI_INTEGER, MPI_REAL,
    MPI_DOUBLE_PRECISION, MPI_COMPLEX, MPI_DOUBLE_COMPLEX, MPI_INTEGER1, MPI_INTEGER2,
    MPI_INTEGER4, MPI_INTEGER8, MPI_REAL4, MPI_REAL8, MPI_REAL16, MPI_COMPLEX8, MPI_COMPLEX16,
    MPI_COMPLEX32,
};

START_TEST(scalars_match_their_handles)
{
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++) {
        MPI_Datatype h = scalars[i];
        tn_datatype_t *dt = obj(h);
        MPI_Count size = ((unsigned)h >> 8) & 0xff;
        ck_assert_int_eq(dt->size, size);
        ck_assert_int_eq(dt->extent, size);
        ck_assert_int_eq(dt->lb, 0);
        ck_assert(dt->builtin && dt->committed && dt->contig);
        ck_assert_int_eq(dt->basic, h);
        ck_assert_int_eq(dt->basic_count, 1);
        ck_assert_int_eq(dt->combiner, MPI_COMBINER_NAMED);
        ck_assert(strncmp(dt->name, "MPI_", 4) == 0);
        MPI_Count n;
        ck_assert_int_eq(PMPI_Type_size_c(h, &n), MPI_SUCCESS);
        ck_assert_int_eq(n, size);
    }
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    ck_assert_int_eq(PMPI_Type_get_name(MPI_LONG_LONG, name, &len), MPI_SUCCESS);
    ck_assert_str_eq(name, "MPI_LONG_LONG_INT");
    ck_assert_int_eq(len, 17);
}
END_TEST

START_TEST(pair_types_have_c_struct_layouts)
{
    layout_is(MPI_FLOAT_INT, 8, 0, 8, 0, 8);
    layout_is(MPI_DOUBLE_INT, 12, 0, 16, 0, 12);
    layout_is(MPI_LONG_INT, 12, 0, 16, 0, 12);
    layout_is(MPI_SHORT_INT, 6, 0, 8, 0, 8);
    layout_is(MPI_2INT, 8, 0, 8, 0, 8);
    layout_is(MPI_LONG_DOUBLE_INT, 20, 0, 32, 0, 20);
    layout_is(MPI_2REAL, 8, 0, 8, 0, 8);
    layout_is(MPI_2DOUBLE_PRECISION, 16, 0, 16, 0, 16);
    layout_is(MPI_2INTEGER, 8, 0, 8, 0, 8);
    layout_is(MPI_LB, 0, 0, 0, 0, 0);
    layout_is(MPI_UB, 0, 0, 0, 0, 0);
    /* the padding of short_int shows in its segments */
    segs_are(MPI_SHORT_INT, 2, (MPI_Aint[]){0, 2, 4, 4});
    segs_are(MPI_DOUBLE_INT, 1, (MPI_Aint[]){0, 12});
    ck_assert(obj(MPI_FLOAT_INT)->contig);
    ck_assert(!obj(MPI_DOUBLE_INT)->contig);
    ck_assert_int_eq(obj(MPI_DOUBLE_INT)->basic_count, 2);
    ck_assert_int_eq(obj(MPI_DOUBLE_INT)->basic, MPI_DOUBLE_INT);
}
END_TEST

START_TEST(invalid_handles_are_rejected)
{
    ck_assert_ptr_null(tn_datatype_get(MPI_DATATYPE_NULL));
    ck_assert_ptr_null(tn_datatype_get((MPI_Datatype)0x4c0004ff));  /* wrong index */
    ck_assert_ptr_null(tn_datatype_get((MPI_Datatype)0x4c000805));  /* MPI_INT with size 8 */
    ck_assert_ptr_null(tn_datatype_get((MPI_Datatype)0x8c000005));  /* past the pairs */
    ck_assert_ptr_null(tn_datatype_get((MPI_Datatype)0xcc001234));  /* no such derived */
    ck_assert_ptr_null(tn_datatype_get(MPI_COMM_WORLD));
    tn_datatype_t *dt;
    int rc = tn_datatype_arg("MPI_Type_vector", "oldtype", (MPI_Datatype)0x12345, &dt);
    ck_assert_int_eq(err_class(rc), MPI_ERR_TYPE);
    ck_assert_str_eq(tn_err_string(rc),
                     "MPI_Type_vector: oldtype 0x12345 is not a valid datatype");
}
END_TEST

/* ---- Derived layouts ---- */

START_TEST(vector_with_negative_stride)
{
    MPI_Datatype v;
    ck_assert_int_eq(PMPI_Type_vector(3, 2, -3, MPI_INT, &v), MPI_SUCCESS);
    layout_is(v, 24, -24, 32, -24, 32);
    segs_are(v, 3, (MPI_Aint[]){0, 8, -12, 8, -24, 8});
    ck_assert_int_eq(obj(v)->basic, MPI_INT);
    ck_assert_int_eq(obj(v)->basic_count, 6);
    ck_assert(!obj(v)->committed);
    free_type(v);
}
END_TEST

START_TEST(adjacent_blocks_merge)
{
    MPI_Datatype v, c;
    ck_assert_int_eq(PMPI_Type_vector(4, 2, 2, MPI_INT, &v), MPI_SUCCESS);
    segs_are(v, 1, (MPI_Aint[]){0, 32});
    ck_assert(obj(v)->contig);
    ck_assert_int_eq(PMPI_Type_contiguous(1 << 20, MPI_INT, &c), MPI_SUCCESS);
    segs_are(c, 1, (MPI_Aint[]){0, 4 << 20});
    ck_assert(obj(c)->contig);
    free_type(c);
    /* a million separate blocks are a million segments */
    ck_assert_int_eq(PMPI_Type_vector(1 << 20, 1, 2, MPI_INT, &c), MPI_SUCCESS);
    ck_assert_int_eq(obj(c)->nsegs, 1 << 20);
    ck_assert_int_eq(obj(c)->segs[(1 << 20) - 1].disp, ((1 << 20) - 1) * 8);
    layout_is(c, 4 << 20, 0, (8 << 20) - 4, 0, (8 << 20) - 4);
    free_type(c);
    free_type(v);
}
END_TEST

START_TEST(struct_pads_to_member_alignment)
{
    int bl[2] = {1, 1};
    MPI_Aint d[2] = {0, 8};
    MPI_Datatype dc = make_struct(2, bl, d, (MPI_Datatype[]){MPI_DOUBLE, MPI_CHAR});
    layout_is(dc, 9, 0, 16, 0, 9);
    MPI_Datatype s = make_struct(2, bl, d, (MPI_Datatype[]){MPI_CHAR, MPI_LONG_DOUBLE});
    layout_is(s, 17, 0, 32, 0, 24);
    free_type(s);
    MPI_Aint d16[2] = {16, 0};
    s = make_struct(2, bl, d16, (MPI_Datatype[]){MPI_CHAR, MPI_C_DOUBLE_COMPLEX});
    layout_is(s, 17, 0, 24, 0, 17);
    free_type(s);
    s = make_struct(2, bl, d16, (MPI_Datatype[]){MPI_CHAR, MPI_DOUBLE_INT});
    layout_is(s, 13, 0, 24, 0, 17);
    free_type(s);
    s = make_struct(2, bl, d16, (MPI_Datatype[]){MPI_CHAR, MPI_SHORT_INT});
    layout_is(s, 7, 0, 20, 0, 17);
    free_type(s);
    /* a derived member brings its alignment */
    s = make_struct(2, bl, (MPI_Aint[]){24, 0}, (MPI_Datatype[]){MPI_CHAR, dc});
    layout_is(s, 10, 0, 32, 0, 25);
    free_type(s);
    /* zero-length blocks take no part, not even in the alignment */
    s = make_struct(2, (int[]){0, 1}, (MPI_Aint[]){0, 1}, (MPI_Datatype[]){MPI_DOUBLE, MPI_CHAR});
    layout_is(s, 1, 1, 1, 1, 1);
    free_type(s);
    /* hvector of it: copies spaced by the stride, no padding (MPICH) */
    MPI_Datatype h;
    ck_assert_int_eq(PMPI_Type_create_hvector(2, 1, 9, dc, &h), MPI_SUCCESS);
    layout_is(h, 18, 0, 25, 0, 18);
    free_type(h);
    ck_assert_int_eq(PMPI_Type_create_hvector(2, 1, -9, dc, &h), MPI_SUCCESS);
    layout_is(h, 18, -9, 25, -9, 18);
    free_type(h);
    free_type(dc);
}
END_TEST

START_TEST(resized_and_markers)
{
    int bl[2] = {1, 1};
    MPI_Datatype r, s;
    ck_assert_int_eq(PMPI_Type_create_resized(MPI_INT, -4, 16, &r), MPI_SUCCESS);
    layout_is(r, 4, -4, 16, 0, 4);
    ck_assert(!obj(r)->contig);
    s = make_struct(2, bl, (MPI_Aint[]){0, -100}, (MPI_Datatype[]){r, MPI_INT});
    layout_is(s, 8, -100, 112, -100, 104);
    free_type(s);
    s = make_struct(2, bl, (MPI_Aint[]){0, 100}, (MPI_Datatype[]){r, MPI_INT});
    layout_is(s, 8, -4, 108, 0, 104);
    free_type(s);
    /* MPI_LB / MPI_UB members set the bounds */
    s = make_struct(2, bl, (MPI_Aint[]){0, -8}, (MPI_Datatype[]){MPI_INT, MPI_LB});
    layout_is(s, 4, -8, 12, 0, 4);
    free_type(s);
    s = make_struct(2, bl, (MPI_Aint[]){0, 8}, (MPI_Datatype[]){MPI_INT, MPI_LB});
    layout_is(s, 4, 8, -4, 0, 4);
    free_type(s);
    s = make_struct(2, bl, (MPI_Aint[]){0, 2}, (MPI_Datatype[]){MPI_INT, MPI_UB});
    layout_is(s, 4, 0, 2, 0, 4);
    free_type(s);
    /* resized to its own size is contiguous again */
    MPI_Datatype r2, c;
    ck_assert_int_eq(PMPI_Type_create_resized(MPI_INT, 0, 4, &r2), MPI_SUCCESS);
    ck_assert(obj(r2)->contig);
    ck_assert_int_eq(PMPI_Type_contiguous(3, r, &c), MPI_SUCCESS);
    layout_is(c, 12, -4, 48, 0, 36);
    segs_are(c, 3, (MPI_Aint[]){0, 4, 16, 4, 32, 4});
    free_type(c);
    ck_assert_int_eq(PMPI_Type_contiguous(0, MPI_INT, &c), MPI_SUCCESS);
    layout_is(c, 0, 0, 0, 0, 0);
    ck_assert(obj(c)->contig);
    free_type(c);
    free_type(r2);
    free_type(r);
}
END_TEST

START_TEST(indexed_family)
{
    MPI_Datatype t;
    ck_assert_int_eq(PMPI_Type_indexed(2, (int[]){2, 1}, (int[]){3, -2}, MPI_INT, &t),
                     MPI_SUCCESS);
    layout_is(t, 12, -8, 28, -8, 28);
    segs_are(t, 2, (MPI_Aint[]){12, 8, -8, 4});
    free_type(t);
    ck_assert_int_eq(PMPI_Type_create_hindexed(3, (int[]){1, 0, 2}, (MPI_Aint[]){4, 100, 8},
                                               MPI_SHORT, &t),
                     MPI_SUCCESS);
    layout_is(t, 6, 4, 8, 4, 8);
    segs_are(t, 2, (MPI_Aint[]){4, 2, 8, 4});
    ck_assert(!obj(t)->contig); /* extent 8 > 6 bytes of data */
    free_type(t);
    ck_assert_int_eq(PMPI_Type_create_indexed_block(3, 2, (int[]){0, 4, 2}, MPI_DOUBLE, &t),
                     MPI_SUCCESS);
    layout_is(t, 48, 0, 48, 0, 48);
    segs_are(t, 3, (MPI_Aint[]){0, 16, 32, 16, 16, 16});
    free_type(t);
    ck_assert_int_eq(
        PMPI_Type_create_hindexed_block(2, 3, (MPI_Aint[]){-6, 6}, MPI_SHORT, &t), MPI_SUCCESS);
    layout_is(t, 12, -6, 18, -6, 18);
    segs_are(t, 2, (MPI_Aint[]){-6, 6, 6, 6});
    free_type(t);
}
END_TEST

START_TEST(subarray_and_darray)
{
    int sizes[2] = {4, 5}, sub[2] = {2, 3}, st[2] = {1, 1};
    MPI_Datatype a;
    ck_assert_int_eq(PMPI_Type_create_subarray(2, sizes, sub, st, MPI_ORDER_C, MPI_INT, &a),
                     MPI_SUCCESS);
    layout_is(a, 24, 0, 80, 24, 32);
    segs_are(a, 2, (MPI_Aint[]){24, 12, 44, 12});
    free_type(a);
    ck_assert_int_eq(
        PMPI_Type_create_subarray(2, sizes, sub, st, MPI_ORDER_FORTRAN, MPI_INT, &a),
        MPI_SUCCESS);
    layout_is(a, 24, 0, 80, 20, 40);
    segs_are(a, 3, (MPI_Aint[]){20, 8, 36, 8, 52, 8});
    free_type(a);
    /* 5x7 ints, rows in blocks over 2 processes, columns cyclic(2) over 2 */
    int gs[2] = {5, 7}, dist[2] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC},
        darg[2] = {MPI_DISTRIBUTE_DFLT_DARG, 2}, ps[2] = {2, 2};
    const MPI_Count size[4] = {48, 36, 32, 24};
    const MPI_Aint tlb[4] = {0, 8, 84, 92}, text[4] = {80, 76, 52, 48};
    for (int r = 0; r < 4; r++) {
        ck_assert_int_eq(
            PMPI_Type_create_darray(4, r, 2, gs, dist, darg, ps, MPI_ORDER_C, MPI_INT, &a),
            MPI_SUCCESS);
        layout_is(a, size[r], 0, 140, tlb[r], text[r]);
        free_type(a);
    }
    ck_assert_int_eq(
        PMPI_Type_create_darray(4, 1, 2, gs, dist, darg, ps, MPI_ORDER_C, MPI_INT, &a),
        MPI_SUCCESS);
    /* rank 1: rows 0-2, columns 2, 3, 6 */
    segs_are(a, 6, (MPI_Aint[]){8, 8, 24, 4, 36, 8, 52, 4, 64, 8, 80, 4});
    free_type(a);
}
END_TEST

START_TEST(dup_and_names)
{
    int bl[2] = {1, 1};
    MPI_Datatype s = make_struct(2, bl, (MPI_Aint[]){0, 8}, (MPI_Datatype[]){MPI_DOUBLE, MPI_CHAR});
    ck_assert_int_eq(PMPI_Type_set_name(s, "mystruct"), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_commit(&s), MPI_SUCCESS);
    MPI_Datatype d;
    ck_assert_int_eq(PMPI_Type_dup(s, &d), MPI_SUCCESS);
    layout_is(d, 9, 0, 16, 0, 9);
    ck_assert(obj(d)->committed);
    char name[MPI_MAX_OBJECT_NAME];
    int len;
    ck_assert_int_eq(PMPI_Type_get_name(d, name, &len), MPI_SUCCESS);
    ck_assert_int_eq(len, 0);
    ck_assert_int_eq(PMPI_Type_get_name(s, name, &len), MPI_SUCCESS);
    ck_assert_str_eq(name, "mystruct");
    /* the dup outlives the original */
    free_type(s);
    layout_is(d, 9, 0, 16, 0, 9);
    free_type(d);
    ck_assert_int_eq(PMPI_Type_dup(MPI_FLOAT_INT, &d), MPI_SUCCESS);
    ck_assert_int_eq(obj(d)->basic, MPI_FLOAT_INT);
    free_type(d);
}
END_TEST

/* ---- Packing ---- */

/* The buffer offset of each packed byte of count elements, by walking the
 * segments the slow way. */
static MPI_Aint *packed_map(const tn_datatype_t *dt, int count, int *n)
{
    MPI_Aint *map = malloc((size_t)(count * dt->size) * sizeof *map);
    int k = 0;
    for (int e = 0; e < count; e++)
        for (int s = 0; s < dt->nsegs; s++)
            for (MPI_Aint b = 0; b < dt->segs[s].len; b++)
                map[k++] = e * dt->extent + dt->segs[s].disp + b;
    *n = k;
    return map;
}

/* Every window [off, off+max) packs and unpacks exactly its bytes. */
static void check_windows(MPI_Datatype t, int count)
{
    tn_datatype_t *dt = obj(t);
    int total;
    MPI_Aint *map = packed_map(dt, count, &total);
    MPI_Aint lo = dt->true_lb < 0 ? dt->true_lb : 0;
    size_t span = (size_t)(count * (dt->extent > 0 ? dt->extent : -dt->extent) +
                           (dt->true_ub - lo) + 64);
    unsigned char *mem = malloc(span), *mem2 = malloc(span), *out = malloc((size_t)total + 1);
    unsigned char *base = mem - lo, *base2 = mem2 - lo;
    for (size_t i = 0; i < span; i++)
        mem[i] = (unsigned char)(i * 7 + 3);
    for (int off = 0; off <= total; off++) {
        for (int max = 1; max <= total + 1; max++) {
            int want = total - off < max ? total - off : max;
            memset(out, 0, (size_t)total + 1);
            ck_assert_int_eq(tn_dtype_pack(dt, base, count, (size_t)off, out, (size_t)max), want);
            for (int i = 0; i < want; i++)
                ck_assert_int_eq(out[i], base[map[off + i]]);
            memset(mem2, 0xee, span);
            ck_assert_int_eq(tn_dtype_unpack(dt, base2, count, (size_t)off, out, (size_t)max),
                             want);
            for (int i = 0; i < total; i++)
                ck_assert_int_eq(base2[map[i]], i >= off && i < off + want ? base[map[i]] : 0xee);
        }
    }
    /* iterator pieces in order are the packed stream */
    for (int off = 0; off < total; off++) {
        tn_dtype_iter_t it;
        void *p;
        MPI_Aint len;
        int k = off;
        tn_dtype_iter_init(&it, dt, base, count, off);
        while ((len = tn_dtype_iter_next(&it, 3, &p))) {
            ck_assert_int_le(len, 3);
            for (MPI_Aint i = 0; i < len; i++, k++)
                ck_assert_ptr_eq((unsigned char *)p + i, base + map[k]);
        }
        ck_assert_int_eq(k, total);
    }
    free(out);
    free(mem2);
    free(mem);
    free(map);
}

START_TEST(pack_windows_at_every_offset)
{
    MPI_Datatype s = make_struct(3, (int[]){1, 2, 1}, (MPI_Aint[]){0, 4, 14},
                                 (MPI_Datatype[]){MPI_CHAR, MPI_INT, MPI_SHORT});
    ck_assert_int_eq(PMPI_Type_commit(&s), MPI_SUCCESS);
    layout_is(s, 11, 0, 16, 0, 16);
    segs_are(s, 3, (MPI_Aint[]){0, 1, 4, 8, 14, 2});
    check_windows(s, 3);
    MPI_Datatype v;
    ck_assert_int_eq(PMPI_Type_vector(3, 2, -3, MPI_INT, &v), MPI_SUCCESS);
    check_windows(v, 2);
    check_windows(MPI_SHORT_INT, 3);
    check_windows(MPI_INT, 5);
    MPI_Datatype c;
    ck_assert_int_eq(PMPI_Type_contiguous(2, s, &c), MPI_SUCCESS);
    check_windows(c, 2);
    free_type(c);
    free_type(v);
    free_type(s);
}
END_TEST

START_TEST(contiguity)
{
    int buf[8];
    const void *start;
    ck_assert(tn_dtype_is_contig(obj(MPI_INT), 8, buf, &start) && start == buf);
    MPI_Datatype h, v;
    ck_assert_int_eq(PMPI_Type_create_hindexed(1, (int[]){2}, (MPI_Aint[]){8}, MPI_INT, &h),
                     MPI_SUCCESS);
    ck_assert(tn_dtype_is_contig(obj(h), 3, buf, &start));
    ck_assert_ptr_eq(start, (char *)buf + 8);
    ck_assert_int_eq(PMPI_Type_vector(2, 1, 2, MPI_INT, &v), MPI_SUCCESS);
    ck_assert(!tn_dtype_is_contig(obj(v), 2, buf, &start));
    ck_assert(tn_dtype_is_contig(obj(v), 0, buf, &start));
    free_type(v);
    /* one element of a single-segment type is a block even when padded */
    ck_assert_int_eq(PMPI_Type_create_resized(MPI_INT, 0, 16, &v), MPI_SUCCESS);
    ck_assert(tn_dtype_is_contig(obj(v), 1, buf, &start));
    ck_assert(!tn_dtype_is_contig(obj(v), 2, buf, &start));
    free_type(v);
    free_type(h);
}
END_TEST

START_TEST(copy_between_layouts)
{
    int src[8] = {0, 1, 2, 3, 4, 5, 6, 7}, dst[8];
    MPI_Datatype v, ix;
    ck_assert_int_eq(PMPI_Type_vector(2, 1, 2, MPI_INT, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_indexed(2, (int[]){1, 1}, (int[]){3, 0}, MPI_INT, &ix),
                     MPI_SUCCESS);
    /* two vectors (extent 3 ints) hold 0 2 3 5; the indexed type places
     * them at 3, 0 then 7, 4 */
    memset(dst, -1, sizeof dst);
    ck_assert_int_eq(tn_dtype_copy(src, 2, obj(v), dst, 2, obj(ix)), MPI_SUCCESS);
    const int want[8] = {2, -1, -1, 0, 5, -1, -1, 3};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(dst[i], want[i]);
    /* contiguous sides */
    memset(dst, -1, sizeof dst);
    ck_assert_int_eq(tn_dtype_copy(src, 4, obj(MPI_INT), dst, 2, obj(v)), MPI_SUCCESS);
    ck_assert(dst[0] == 0 && dst[2] == 1 && dst[3] == 2 && dst[5] == 3 && dst[1] == -1);
    ck_assert_int_eq(tn_dtype_copy(src, 2, obj(v), dst, 4, obj(MPI_INT)), MPI_SUCCESS);
    ck_assert(dst[0] == 0 && dst[1] == 2 && dst[2] == 3 && dst[3] == 5);
    /* truncation copies what fits */
    memset(dst, -1, sizeof dst);
    int rc = tn_dtype_copy(src, 3, obj(MPI_INT), dst, 1, obj(v));
    ck_assert_int_eq(err_class(rc), MPI_ERR_TRUNCATE);
    ck_assert(dst[0] == 0 && dst[2] == 1 && dst[3] == -1);
    free_type(ix);
    free_type(v);
}
END_TEST

/* ---- Element counts ---- */

START_TEST(elements_count_basic_elements)
{
    int bl[2] = {1, 1};
    MPI_Datatype s = make_struct(2, bl, (MPI_Aint[]){0, 8}, (MPI_Datatype[]){MPI_INT, MPI_DOUBLE});
    tn_datatype_t *dt = obj(s);
    ck_assert_int_eq(tn_dtype_elements(dt, 0), 0);
    ck_assert_int_eq(tn_dtype_elements(dt, 2), MPI_UNDEFINED);
    ck_assert_int_eq(tn_dtype_elements(dt, 4), 1);
    ck_assert_int_eq(tn_dtype_elements(dt, 6), MPI_UNDEFINED);
    ck_assert_int_eq(tn_dtype_elements(dt, 12), 2);
    ck_assert_int_eq(tn_dtype_elements(dt, 16), 3);
    ck_assert_int_eq(tn_dtype_elements(dt, 24), 4);
    MPI_Datatype c;
    ck_assert_int_eq(PMPI_Type_contiguous(2, s, &c), MPI_SUCCESS);
    ck_assert_int_eq(tn_dtype_elements(obj(c), 16), 3);
    ck_assert_int_eq(tn_dtype_elements(obj(c), 20), MPI_UNDEFINED);
    ck_assert_int_eq(tn_dtype_elements(obj(c), 24 + 16), 7);
    free_type(c);
    ck_assert_int_eq(PMPI_Type_contiguous(2, MPI_FLOAT, &c), MPI_SUCCESS);
    ck_assert_int_eq(tn_dtype_elements(obj(c), 12), 3);
    ck_assert_int_eq(tn_dtype_elements(obj(c), 5), MPI_UNDEFINED);
    free_type(c);
    ck_assert_int_eq(tn_dtype_elements(obj(MPI_SHORT_INT), 2), 1);
    ck_assert_int_eq(tn_dtype_elements(obj(MPI_SHORT_INT), 4), MPI_UNDEFINED);
    ck_assert_int_eq(tn_dtype_elements(obj(MPI_SHORT_INT), 6), 2);
    ck_assert_int_eq(tn_dtype_elements(obj(MPI_SHORT_INT), 14), 5);
    ck_assert_int_eq(PMPI_Type_vector(2, 1, 3, MPI_DOUBLE_INT, &c), MPI_SUCCESS);
    ck_assert_int_eq(tn_dtype_elements(obj(c), 12 + 8), 3);
    free_type(c);
    /* a struct of a struct: partial inner element */
    MPI_Datatype in = make_struct(2, (int[]){1, 2}, (MPI_Aint[]){0, 4},
                                  (MPI_Datatype[]){MPI_SHORT, MPI_INT}); /* 10 bytes, 3 elements */
    MPI_Datatype out = make_struct(2, (int[]){1, 2}, (MPI_Aint[]){0, 16},
                                   (MPI_Datatype[]){MPI_CHAR, in}); /* 21 bytes, 7 elements */
    ck_assert_int_eq(tn_dtype_elements(obj(out), 1 + 10 + 6), 1 + 3 + 2);
    ck_assert_int_eq(tn_dtype_elements(obj(out), 1 + 10 + 5), MPI_UNDEFINED);
    ck_assert_int_eq(tn_dtype_elements(obj(out), 21 + 3), 7 + 1 + 1);
    free_type(out);
    free_type(in);
    free_type(s);
}
END_TEST

/* ---- Decoding ---- */

START_TEST(envelope_and_contents)
{
    MPI_Datatype v, c, got[4];
    int ni, na, nd, comb, ints[16];
    MPI_Aint aints[4];
    ck_assert_int_eq(PMPI_Type_vector(3, 2, 4, MPI_INT, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_envelope(v, &ni, &na, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 3 && na == 0 && nd == 1 && comb == MPI_COMBINER_VECTOR);
    ck_assert_int_eq(PMPI_Type_get_contents(v, 16, 4, 4, ints, aints, got), MPI_SUCCESS);
    ck_assert(ints[0] == 3 && ints[1] == 2 && ints[2] == 4 && got[0] == MPI_INT);
    /* derived members come back as a new reference to the same type */
    ck_assert_int_eq(PMPI_Type_contiguous(3, v, &c), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_contents(c, 16, 4, 4, ints, aints, got), MPI_SUCCESS);
    ck_assert_int_eq(got[0], v);
    free_type(v);
    layout_is(got[0], 24, 0, 40, 0, 40); /* still valid: the contents handle */
    free_type(got[0]);
    ck_assert_ptr_null(tn_datatype_get(v)); /* every user handle freed */
    layout_is(c, 72, 0, 120, 0, 120);   /* c keeps its component */
    /* the argument lists of the other combiners */
    MPI_Datatype t;
    ck_assert_int_eq(PMPI_Type_create_hindexed(2, (int[]){1, 2}, (MPI_Aint[]){0, 8}, MPI_INT, &t),
                     MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_envelope(t, &ni, &na, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 3 && na == 2 && nd == 1 && comb == MPI_COMBINER_HINDEXED);
    ck_assert_int_eq(PMPI_Type_get_contents(t, 16, 4, 4, ints, aints, got), MPI_SUCCESS);
    ck_assert(ints[0] == 2 && ints[1] == 1 && ints[2] == 2 && aints[0] == 0 && aints[1] == 8);
    free_type(t);
    ck_assert_int_eq(PMPI_Type_create_resized(c, -2, 7, &t), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_envelope(t, &ni, &na, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 0 && na == 2 && nd == 1 && comb == MPI_COMBINER_RESIZED);
    ck_assert_int_eq(PMPI_Type_get_contents(t, 0, 2, 1, ints, aints, got), MPI_SUCCESS);
    ck_assert(aints[0] == -2 && aints[1] == 7 && got[0] == c);
    free_type(got[0]);
    free_type(t);
    int sizes[2] = {4, 5}, sub[2] = {2, 3}, st[2] = {1, 1};
    ck_assert_int_eq(PMPI_Type_create_subarray(2, sizes, sub, st, MPI_ORDER_FORTRAN, MPI_INT, &t),
                     MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_get_envelope(t, &ni, &na, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 8 && comb == MPI_COMBINER_SUBARRAY);
    ck_assert_int_eq(PMPI_Type_get_contents(t, 16, 0, 1, ints, aints, got), MPI_SUCCESS);
    const int want[8] = {2, 4, 5, 2, 3, 1, 1, MPI_ORDER_FORTRAN};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(ints[i], want[i]);
    /* too small an array, a predefined type */
    int rc = PMPI_Type_get_contents(t, 7, 0, 1, ints, aints, got);
    ck_assert_int_eq(err_class(rc), MPI_ERR_ARG);
    rc = PMPI_Type_get_contents(MPI_INT, 16, 4, 4, ints, aints, got);
    ck_assert_int_eq(err_class(rc), MPI_ERR_TYPE);
    ck_assert_int_eq(PMPI_Type_get_envelope(MPI_DOUBLE_INT, &ni, &na, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 0 && na == 0 && nd == 0 && comb == MPI_COMBINER_NAMED);
    free_type(t);
    free_type(c);
}
END_TEST

START_TEST(large_count_constructors)
{
    MPI_Datatype t;
    MPI_Count ni, na, nc, nd, counts[8];
    int comb, ints[4];
    MPI_Aint aints[2];
    MPI_Datatype got[2];
    ck_assert_int_eq(PMPI_Type_create_hindexed_c(2, (MPI_Count[]){1, 2}, (MPI_Count[]){0, 8},
                                                 MPI_INT, &t),
                     MPI_SUCCESS);
    layout_is(t, 12, 0, 16, 0, 16);
    ck_assert_int_eq(PMPI_Type_get_envelope_c(t, &ni, &na, &nc, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 0 && na == 0 && nc == 5 && nd == 1 && comb == MPI_COMBINER_HINDEXED);
    ck_assert_int_eq(PMPI_Type_get_contents_c(t, 0, 0, 8, 1, ints, aints, counts, got),
                     MPI_SUCCESS);
    const MPI_Count want[5] = {2, 1, 2, 0, 8};
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(counts[i], want[i]);
    int i1, i2, i3, c;
    ck_assert_int_eq(err_class(PMPI_Type_get_envelope(t, &i1, &i2, &i3, &c)), MPI_ERR_TYPE);
    free_type(t);
    ck_assert_int_eq(PMPI_Type_create_subarray_c(2, (MPI_Count[]){4, 5}, (MPI_Count[]){2, 3},
                                                 (MPI_Count[]){1, 1}, MPI_ORDER_C, MPI_INT, &t),
                     MPI_SUCCESS);
    layout_is(t, 24, 0, 80, 24, 32);
    ck_assert_int_eq(PMPI_Type_get_envelope_c(t, &ni, &na, &nc, &nd, &comb), MPI_SUCCESS);
    ck_assert(ni == 2 && nc == 6);
    free_type(t);
    ck_assert_int_eq(PMPI_Type_vector_c(3, 2, -3, MPI_INT, &t), MPI_SUCCESS);
    layout_is(t, 24, -24, 32, -24, 32);
    free_type(t);
    ck_assert_int_eq(PMPI_Type_create_resized_c(MPI_INT, -4, 16, &t), MPI_SUCCESS);
    layout_is(t, 4, -4, 16, 0, 4);
    free_type(t);
}
END_TEST

START_TEST(match_size_and_value_index)
{
    MPI_Datatype t;
    ck_assert_int_eq(PMPI_Type_match_size(MPI_TYPECLASS_INTEGER, 8, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_INTEGER8);
    ck_assert_int_eq(PMPI_Type_match_size(MPI_TYPECLASS_REAL, 4, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_REAL4);
    ck_assert_int_eq(PMPI_Type_match_size(MPI_TYPECLASS_COMPLEX, 16, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_COMPLEX16);
    ck_assert_int_eq(err_class(PMPI_Type_match_size(MPI_TYPECLASS_INTEGER, 3, &t)), MPI_ERR_ARG);
    ck_assert_int_eq(err_class(PMPI_Type_match_size(99, 4, &t)), MPI_ERR_ARG);
    ck_assert_int_eq(PMPI_Type_create_f90_real(10, MPI_UNDEFINED, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_REAL8);
    ck_assert_int_eq(PMPI_Type_create_f90_complex(6, 30, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_COMPLEX8);
    ck_assert_int_eq(PMPI_Type_create_f90_integer(5, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_INTEGER4);
    ck_assert_int_eq(err_class(PMPI_Type_create_f90_integer(19, &t)), MPI_ERR_ARG);
    ck_assert_int_eq(PMPI_Type_get_value_index(MPI_DOUBLE, MPI_INT, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_DOUBLE_INT);
    ck_assert_int_eq(PMPI_Type_get_value_index(MPI_DOUBLE, MPI_LONG, &t), MPI_SUCCESS);
    ck_assert_int_eq(t, MPI_DATATYPE_NULL);
}
END_TEST

/* ---- external32 ---- */

START_TEST(external32_is_big_endian_with_fixed_sizes)
{
    unsigned char out[64];
    MPI_Aint pos = 0, size;
    int i = 0x01020304;
    ck_assert_int_eq(PMPI_Pack_external("external32", &i, 1, MPI_INT, out, 64, &pos), MPI_SUCCESS);
    ck_assert(pos == 4 && out[0] == 1 && out[1] == 2 && out[2] == 3 && out[3] == 4);
    long l = -2;
    pos = 0;
    ck_assert_int_eq(PMPI_Pack_external("external32", &l, 1, MPI_LONG, out, 64, &pos), MPI_SUCCESS);
    ck_assert(pos == 4 && out[0] == 0xff && out[3] == 0xfe);
    long back = 0;
    pos = 0;
    ck_assert_int_eq(PMPI_Unpack_external("external32", out, 4, &pos, &back, 1, MPI_LONG),
                     MPI_SUCCESS);
    ck_assert_int_eq(back, -2);
    double d = 1.0;
    pos = 0;
    ck_assert_int_eq(PMPI_Pack_external("external32", &d, 1, MPI_DOUBLE, out, 64, &pos),
                     MPI_SUCCESS);
    ck_assert(out[0] == 0x3f && out[1] == 0xf0 && out[7] == 0);
    long double ld = -1.5L, ld2 = 0;
    pos = 0;
    ck_assert_int_eq(PMPI_Pack_external("external32", &ld, 1, MPI_LONG_DOUBLE, out, 64, &pos),
                     MPI_SUCCESS);
    ck_assert(pos == 16 && out[0] == 0xbf && out[1] == 0xff && out[2] == 0x80 && out[3] == 0);
    pos = 0;
    ck_assert_int_eq(PMPI_Unpack_external("external32", out, 16, &pos, &ld2, 1, MPI_LONG_DOUBLE),
                     MPI_SUCCESS);
    ck_assert(ld2 == -1.5L);
    ck_assert_int_eq(PMPI_Pack_external_size("external32", 3, MPI_DOUBLE_INT, &size), MPI_SUCCESS);
    ck_assert_int_eq(size, 36);
    ck_assert_int_eq(PMPI_Pack_external_size("external32", 3, MPI_LONG, &size), MPI_SUCCESS);
    ck_assert_int_eq(size, 12);
    ck_assert_int_eq(err_class(PMPI_Pack_external_size("native", 1, MPI_INT, &size)),
                     MPI_ERR_UNSUPPORTED_DATAREP);
    /* a mixed struct round trip */
    struct rec {
        char c;
        short s;
        long l;
        double d;
        tn_short_int_t p;
    } r[2] = {{'a', -3, 123456, 2.5, {7, -9}}, {'b', 4, -7, -0.25, {-1, 3}}}, r2[2];
    int bl[5] = {1, 1, 1, 1, 1};
    MPI_Aint disp[5] = {offsetof(struct rec, c), offsetof(struct rec, s), offsetof(struct rec, l),
                        offsetof(struct rec, d), offsetof(struct rec, p)};
    MPI_Datatype t = make_struct(5, bl, disp,
                                 (MPI_Datatype[]){MPI_CHAR, MPI_SHORT, MPI_LONG, MPI_DOUBLE,
                                                  MPI_SHORT_INT});
    ck_assert_int_eq(PMPI_Type_commit(&t), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Pack_external_size("external32", 2, t, &size), MPI_SUCCESS);
    ck_assert_int_eq(size, 2 * (1 + 2 + 4 + 8 + 6));
    pos = 0;
    ck_assert_int_eq(PMPI_Pack_external("external32", r, 2, t, out, 64, &pos), MPI_SUCCESS);
    ck_assert_int_eq(pos, size);
    ck_assert(out[0] == 'a' && out[1] == 0xff && out[2] == 0xfd); /* char, then short -3 */
    memset(r2, 0, sizeof r2);
    pos = 0;
    ck_assert_int_eq(PMPI_Unpack_external("external32", out, size, &pos, r2, 2, t), MPI_SUCCESS);
    for (int k = 0; k < 2; k++)
        ck_assert(r2[k].c == r[k].c && r2[k].s == r[k].s && r2[k].l == r[k].l &&
                  r2[k].d == r[k].d && r2[k].p.v == r[k].p.v && r2[k].p.i == r[k].p.i);
    pos = 60;
    ck_assert_int_eq(err_class(PMPI_Pack_external("external32", r, 2, t, out, 64, &pos)),
                     MPI_ERR_TRUNCATE);
    free_type(t);
}
END_TEST

/* ---- Argument errors ---- */

START_TEST(bad_arguments_have_the_right_class)
{
    MPI_Datatype t = MPI_DATATYPE_NULL, v;
    ck_assert_int_eq(err_class(PMPI_Type_vector(-1, 1, 1, MPI_INT, &t)), MPI_ERR_COUNT);
    ck_assert_int_eq(err_class(PMPI_Type_vector(1, -1, 1, MPI_INT, &t)), MPI_ERR_COUNT);
    ck_assert_int_eq(err_class(PMPI_Type_vector(1, 1, 1, (MPI_Datatype)0x12345, &t)),
                     MPI_ERR_TYPE);
    ck_assert_int_eq(err_class(PMPI_Type_vector(1, 1, 1, MPI_DATATYPE_NULL, &t)), MPI_ERR_TYPE);
    ck_assert_int_eq(err_class(PMPI_Type_vector(1, 1, 1, MPI_INT, NULL)), MPI_ERR_ARG);
    ck_assert_int_eq(err_class(PMPI_Type_indexed(-2, NULL, NULL, MPI_INT, &t)), MPI_ERR_COUNT);
    ck_assert_int_eq(err_class(PMPI_Type_indexed(2, (int[]){1, -1}, (int[]){0, 1}, MPI_INT, &t)),
                     MPI_ERR_COUNT);
    ck_assert_int_eq(err_class(PMPI_Type_indexed(2, NULL, (int[]){0, 1}, MPI_INT, &t)),
                     MPI_ERR_ARG);
    ck_assert_int_eq(err_class(PMPI_Type_create_struct(2, (int[]){1, 1}, (MPI_Aint[]){0, 4},
                                                       (MPI_Datatype[]){MPI_INT, 0x777}, &t)),
                     MPI_ERR_TYPE);
    ck_assert_int_eq(t, MPI_DATATYPE_NULL); /* outputs only on success */
    int sizes[2] = {4, 5}, sub[2] = {2, 6}, st[2] = {0, 0};
    ck_assert_int_eq(
        err_class(PMPI_Type_create_subarray(2, sizes, sub, st, MPI_ORDER_C, MPI_INT, &t)),
        MPI_ERR_ARG);
    ck_assert_int_eq(
        err_class(PMPI_Type_create_subarray(0, sizes, sub, st, MPI_ORDER_C, MPI_INT, &t)),
        MPI_ERR_ARG);
    int gs[2] = {5, 7}, dist[2] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC},
        darg[2] = {MPI_DISTRIBUTE_DFLT_DARG, 2}, ps[2] = {2, 3};
    ck_assert_int_eq(err_class(PMPI_Type_create_darray(4, 0, 2, gs, dist, darg, ps, MPI_ORDER_C,
                                                       MPI_INT, &t)),
                     MPI_ERR_ARG);
    /* predefined types cannot be freed; freed handles are invalid */
    v = MPI_INT;
    ck_assert_int_eq(err_class(PMPI_Type_free(&v)), MPI_ERR_TYPE);
    v = MPI_FLOAT_INT;
    ck_assert_int_eq(err_class(PMPI_Type_free(&v)), MPI_ERR_TYPE);
    ck_assert_int_eq(PMPI_Type_contiguous(2, MPI_INT, &v), MPI_SUCCESS);
    MPI_Datatype copy = v;
    free_type(v);
    ck_assert_int_eq(err_class(PMPI_Type_free(&copy)), MPI_ERR_TYPE);
    /* communication needs a committed type */
    tn_datatype_t *dt;
    ck_assert_int_eq(PMPI_Type_contiguous(2, MPI_INT, &v), MPI_SUCCESS);
    int rc = tn_datatype_check("MPI_Send", 1, v, &dt);
    ck_assert_int_eq(err_class(rc), MPI_ERR_TYPE);
    ck_assert_int_eq(err_class(tn_datatype_check("MPI_Send", -1, MPI_INT, &dt)), MPI_ERR_COUNT);
    MPI_Aint pos = 0;
    char buf[64];
    ck_assert_int_eq(err_class(PMPI_Pack_external("external32", buf, 1, v, buf, 64, &pos)),
                     MPI_ERR_TYPE);
    ck_assert_int_eq(PMPI_Type_commit(&v), MPI_SUCCESS);
    ck_assert_int_eq(tn_datatype_check("MPI_Send", 1, v, &dt), MPI_SUCCESS);
    free_type(v);
    int size;
    ck_assert_int_eq(err_class(PMPI_Type_size(MPI_INT, NULL)), MPI_ERR_ARG);
    ck_assert_int_eq(PMPI_Type_size(MPI_DOUBLE_INT, &size), MPI_SUCCESS);
    ck_assert_int_eq(size, 12);
}
END_TEST

START_TEST(addresses)
{
    int a[4] = {0};
    MPI_Aint p0, p2, p3;
    ck_assert_int_eq(PMPI_Get_address(&a[0], &p0), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Get_address(&a[2], &p2), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Aint_diff(p2, p0), 8);
    ck_assert_int_eq(PMPI_Aint_add(p0, 8), p2);
    ck_assert_int_eq(PMPI_Address(&a[3], &p3), MPI_SUCCESS);
    ck_assert_int_eq(p3 - p2, 4);
}
END_TEST

START_TEST(removed_mpi1_functions)
{
    MPI_Datatype v, h, s;
    MPI_Aint lb, ub, extent;
    ck_assert_int_eq(PMPI_Type_vector(3, 2, -3, MPI_INT, &v), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_lb(v, &lb), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_ub(v, &ub), MPI_SUCCESS);
    ck_assert_int_eq(PMPI_Type_extent(v, &extent), MPI_SUCCESS);
    ck_assert(lb == -24 && ub == 8 && extent == 32);
    ck_assert_int_eq(PMPI_Type_hvector(2, 1, 9, MPI_CHAR, &h), MPI_SUCCESS);
    layout_is(h, 2, 0, 10, 0, 10);
    free_type(h);
    ck_assert_int_eq(PMPI_Type_hindexed(2, (int[]){1, 1}, (MPI_Aint[]){4, 0}, MPI_INT, &h),
                     MPI_SUCCESS);
    layout_is(h, 8, 0, 8, 0, 8);
    ck_assert_int_eq(PMPI_Type_struct(2, (int[]){1, 1}, (MPI_Aint[]){0, 16},
                                      (MPI_Datatype[]){MPI_DOUBLE, MPI_UB}, &s),
                     MPI_SUCCESS);
    layout_is(s, 8, 0, 16, 0, 8);
    free_type(s);
    free_type(h);
    free_type(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("datatype");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, scalars_match_their_handles);
    tcase_add_test(tc, pair_types_have_c_struct_layouts);
    tcase_add_test(tc, invalid_handles_are_rejected);
    tcase_add_test(tc, vector_with_negative_stride);
    tcase_add_test(tc, adjacent_blocks_merge);
    tcase_add_test(tc, struct_pads_to_member_alignment);
    tcase_add_test(tc, resized_and_markers);
    tcase_add_test(tc, indexed_family);
    tcase_add_test(tc, subarray_and_darray);
    tcase_add_test(tc, dup_and_names);
    tcase_add_test(tc, pack_windows_at_every_offset);
    tcase_add_test(tc, contiguity);
    tcase_add_test(tc, copy_between_layouts);
    tcase_add_test(tc, elements_count_basic_elements);
    tcase_add_test(tc, envelope_and_contents);
    tcase_add_test(tc, large_count_constructors);
    tcase_add_test(tc, match_size_and_value_index);
    tcase_add_test(tc, external32_is_big_endian_with_fixed_sizes);
    tcase_add_test(tc, bad_arguments_have_the_right_class);
    tcase_add_test(tc, addresses);
    tcase_add_test(tc, removed_mpi1_functions);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
