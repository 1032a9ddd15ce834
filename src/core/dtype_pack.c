/* Moving typed data: packing in windows, local copies, element counts, and
 * the external32 representation. */
#include <float.h>
#include <stdint.h>
#include <string.h>
#include "core/datatype.h"
#include "core/error.h"

/* The segment holding byte r (0 <= r < size) of a packed element. */
static int seg_find(const tn_datatype_t *dt, MPI_Aint r)
{
    int lo = 0, hi = dt->nsegs - 1;
    while (lo < hi) { /* the last segment starting at or before r */
        int mid = (lo + hi + 1) / 2;
        if (dt->seg_pos[mid] <= r)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

void tn_dtype_iter_init(tn_dtype_iter_t *it, const tn_datatype_t *dt, const void *buf,
                        MPI_Aint count, MPI_Count offset)
{
    MPI_Count total = (MPI_Count)count * dt->size;
    it->dt = dt;
    it->left = offset < total ? total - offset : 0;
    it->seg = it->off = 0;
    if (!it->left) {
        it->base = (char *)buf;
    } else if (dt->contig) {
        /* one block: base walks through it, seg stays unused */
        it->base = (char *)buf + dt->segs[0].disp + offset;
    } else {
        MPI_Aint r = (MPI_Aint)(offset % dt->size);
        it->base = (char *)buf + (MPI_Aint)(offset / dt->size) * dt->extent;
        it->seg = dt->nsegs > 1 ? seg_find(dt, r) : 0;
        it->off = r - (dt->nsegs > 1 ? dt->seg_pos[it->seg] : 0);
    }
}

MPI_Aint tn_dtype_iter_next(tn_dtype_iter_t *it, MPI_Aint max, void **ptr)
{
    const tn_datatype_t *dt = it->dt;
    MPI_Aint len = it->left < max ? (MPI_Aint)it->left : max;
    if (len <= 0)
        return 0;
    if (dt->contig) {
        *ptr = it->base;
        it->base += len;
        it->left -= len;
        return len;
    }
    const tn_dtype_seg_t *s = &dt->segs[it->seg];
    if (len > s->len - it->off)
        len = s->len - it->off;
    *ptr = it->base + s->disp + it->off;
    it->left -= len;
    if ((it->off += len) == s->len) {
        it->off = 0;
        if (++it->seg == dt->nsegs) {
            it->seg = 0;
            it->base += dt->extent;
        }
    }
    return len;
}

/* Copies n bytes between the packed stream at p and the typed buffer buf,
 * starting at packed offset offset; dt is not contiguous. */
static void move(const tn_datatype_t *dt, char *buf, MPI_Count offset, char *p, MPI_Count n,
                 int pack)
{
    const tn_dtype_seg_t *segs = dt->segs;
    MPI_Aint r = (MPI_Aint)(offset % dt->size);
    int s = dt->nsegs > 1 ? seg_find(dt, r) : 0;
    MPI_Aint within = r - (dt->nsegs > 1 ? dt->seg_pos[s] : 0);
    char *base = buf + (MPI_Aint)(offset / dt->size) * dt->extent;
    while (n > 0) {
        MPI_Aint len = segs[s].len - within;
        if (len > n)
            len = (MPI_Aint)n;
        char *u = base + segs[s].disp + within;
        char *dst = pack ? p : u, *src = pack ? u : p;
        /* Strided scalars: fixed-size copies compile to plain moves. */
        if (len == 8)
            memcpy(dst, src, 8);
        else if (len == 4)
            memcpy(dst, src, 4);
        else
            memcpy(dst, src, (size_t)len);
        p += len;
        n -= len;
        within = 0;
        if (++s == dt->nsegs) {
            s = 0;
            base += dt->extent;
        }
    }
}

/* Bytes of the window [offset, offset + max) inside count elements. */
static MPI_Count window(const tn_datatype_t *dt, MPI_Aint count, size_t offset, size_t max)
{
    MPI_Count total = (MPI_Count)count * dt->size;
    if ((MPI_Count)offset >= total)
        return 0;
    return total - (MPI_Count)offset < (MPI_Count)max ? total - (MPI_Count)offset
                                                      : (MPI_Count)max;
}

size_t tn_dtype_pack(const tn_datatype_t *dt, const void *buf, MPI_Aint count, size_t offset,
                     void *out, size_t max)
{
    MPI_Count n = window(dt, count, offset, max);
    if (n == 0)
        return 0;
    if (dt->contig)
        memcpy(out, (const char *)buf + dt->segs[0].disp + offset, (size_t)n);
    else
        move(dt, (char *)buf, (MPI_Count)offset, out, n, 1);
    return (size_t)n;
}

size_t tn_dtype_unpack(const tn_datatype_t *dt, void *buf, MPI_Aint count, size_t offset,
                       const void *in, size_t len)
{
    MPI_Count n = window(dt, count, offset, len);
    if (n == 0)
        return 0;
    if (dt->contig)
        memcpy((char *)buf + dt->segs[0].disp + offset, in, (size_t)n);
    else
        move(dt, buf, (MPI_Count)offset, (char *)in, n, 0);
    return (size_t)n;
}

int tn_dtype_is_contig(const tn_datatype_t *dt, MPI_Aint count, const void *buf,
                       const void **start)
{
    if (count == 0 || dt->size == 0) {
        *start = buf;
        return 1;
    }
    if (dt->contig || (count == 1 && dt->nsegs == 1)) {
        *start = (const char *)buf + dt->segs[0].disp;
        return 1;
    }
    return 0;
}

int tn_dtype_copy(const void *sbuf, MPI_Aint scount, const tn_datatype_t *stype, void *rbuf,
                  MPI_Aint rcount, const tn_datatype_t *rtype)
{
    MPI_Count sbytes = (MPI_Count)scount * stype->size, rbytes = (MPI_Count)rcount * rtype->size;
    MPI_Count n = sbytes < rbytes ? sbytes : rbytes;
    const void *s0, *r0;
    int sc = tn_dtype_is_contig(stype, scount, sbuf, &s0);
    int rc = tn_dtype_is_contig(rtype, rcount, rbuf, &r0);
    if (n == 0) {
        /* nothing to move */
    } else if (sc && rc) {
        if (s0 != r0)
            memmove((void *)r0, s0, (size_t)n);
    } else if (sc) {
        tn_dtype_unpack(rtype, rbuf, rcount, 0, s0, (size_t)n);
    } else if (rc) {
        tn_dtype_pack(stype, sbuf, scount, 0, (void *)r0, (size_t)n);
    } else {
        /* Both scattered: walk the two piece lists together. */
        tn_dtype_iter_t si, ri;
        tn_dtype_iter_init(&si, stype, sbuf, scount, 0);
        tn_dtype_iter_init(&ri, rtype, rbuf, rcount, 0);
        void *sp = NULL, *rp = NULL;
        MPI_Aint slen = 0, rlen = 0;
        while (n > 0) {
            if (!slen)
                slen = tn_dtype_iter_next(&si, (MPI_Aint)n, &sp);
            if (!rlen)
                rlen = tn_dtype_iter_next(&ri, (MPI_Aint)n, &rp);
            MPI_Aint len = slen < rlen ? slen : rlen;
            memcpy(rp, sp, (size_t)len);
            sp = (char *)sp + len;
            rp = (char *)rp + len;
            slen -= len;
            rlen -= len;
            n -= len;
        }
    }
    if (sbytes > rbytes)
        return tn_err_set(MPI_ERR_TRUNCATE,
                          "message of %lld bytes truncated to the %lld bytes of the receive buffer",
                          (long long)sbytes, (long long)rbytes);
    return MPI_SUCCESS;
}

/* ---- Element counts ---- */

static MPI_Count partial(const tn_datatype_t *dt, MPI_Count r);

typedef struct elem_ctx {
    MPI_Count r, n; /* bytes still to place, basic elements counted (-1: not whole) */
} elem_ctx_t;

static int partial_block(void *ctx, MPI_Aint disp, MPI_Count n, tn_datatype_t *t)
{
    elem_ctx_t *c = ctx;
    (void)disp;
    if (t->size == 0)
        return 0;
    MPI_Count bytes = n * t->size;
    if (c->r >= bytes) {
        c->n += n * t->basic_count;
        c->r -= bytes;
        return c->r == 0;
    }
    MPI_Count p = partial(t, c->r % t->size);
    c->n = p < 0 ? -1 : c->n + c->r / t->size * t->basic_count + p;
    return 1;
}

/* Basic elements in the first r bytes (r < size) of one element of dt; -1
 * when r is not on an element boundary. */
static MPI_Count partial(const tn_datatype_t *dt, MPI_Count r)
{
    if (r == 0)
        return 0;
    const tn_datatype_t *b = dt->basic != MPI_DATATYPE_NULL ? tn_datatype_get(dt->basic) : NULL;
    if (b && b->basic_count == 1)
        return r % b->size ? -1 : r / b->size;
    if (dt->builtin) /* a pair: its value part is pos_inline[1] bytes */
        return r == dt->pos_inline[1] ? 1 : -1;
    elem_ctx_t c = {.r = r};
    tn_dtype_foreach_block(dt, partial_block, &c);
    return c.n;
}

MPI_Count tn_dtype_elements(const tn_datatype_t *dt, MPI_Count nbytes)
{
    if (nbytes == 0)
        return 0;
    if (dt->size == 0)
        return MPI_UNDEFINED;
    MPI_Count p = partial(dt, nbytes % dt->size);
    return p < 0 ? MPI_UNDEFINED : nbytes / dt->size * dt->basic_count + p;
}

/* ---- external32: big-endian, fixed sizes (MPI 4.1 §14.5.2) ---- */

enum ext_kind {
    X_NONE,  /* no data (MPI_LB, MPI_UB) */
    X_BYTES, /* 1-byte types, copied */
    X_INT,   /* signed integers, resized to the external size */
    X_UINT,
    X_FLOAT, /* IEEE formats of the same size both sides: byte order only */
    X_LDOUBLE,
    X_PAIR,
};

typedef struct ext_info {
    unsigned char kind, ext_size, parts; /* parts: 2 for complex (two halves) */
} ext_info_t;

#define X(h, k, sz) [TN_DTYPE_SLOT(h)] = {(k), (sz), 1}
#define XC(h, k, sz) [TN_DTYPE_SLOT(h)] = {(k), (sz), 2}
static const ext_info_t ext_tab[256] = {
    X(MPI_CHAR, X_BYTES, 1), X(MPI_SIGNED_CHAR, X_BYTES, 1), X(MPI_UNSIGNED_CHAR, X_BYTES, 1),
    X(MPI_BYTE, X_BYTES, 1), X(MPI_PACKED, X_BYTES, 1), X(MPI_CHARACTER, X_BYTES, 1),
    X(MPI_C_BOOL, X_BYTES, 1), X(MPI_CXX_BOOL, X_BYTES, 1), X(MPI_INT8_T, X_BYTES, 1),
    X(MPI_UINT8_T, X_BYTES, 1), X(MPI_INTEGER1, X_BYTES, 1),
    X(MPI_WCHAR, X_UINT, 4), X(MPI_SHORT, X_INT, 2), X(MPI_UNSIGNED_SHORT, X_UINT, 2),
    X(MPI_INT, X_INT, 4), X(MPI_UNSIGNED, X_UINT, 4), X(MPI_LONG, X_INT, 4),
    X(MPI_UNSIGNED_LONG, X_UINT, 4), X(MPI_LONG_LONG_INT, X_INT, 8),
    X(MPI_UNSIGNED_LONG_LONG, X_UINT, 8), X(MPI_INT16_T, X_INT, 2), X(MPI_INT32_T, X_INT, 4),
    X(MPI_INT64_T, X_INT, 8), X(MPI_UINT16_T, X_UINT, 2), X(MPI_UINT32_T, X_UINT, 4),
    X(MPI_UINT64_T, X_UINT, 8), X(MPI_AINT, X_INT, 8), X(MPI_OFFSET, X_INT, 8),
    X(MPI_COUNT, X_INT, 8), X(MPI_LOGICAL, X_INT, 4), X(MPI_INTEGER, X_INT, 4),
    X(MPI_INTEGER2, X_INT, 2), X(MPI_INTEGER4, X_INT, 4), X(MPI_INTEGER8, X_INT, 8),
    X(MPI_FLOAT, X_FLOAT, 4), X(MPI_DOUBLE, X_FLOAT, 8), X(MPI_LONG_DOUBLE, X_LDOUBLE, 16),
    X(MPI_REAL, X_FLOAT, 4), X(MPI_DOUBLE_PRECISION, X_FLOAT, 8), X(MPI_REAL4, X_FLOAT, 4),
    X(MPI_REAL8, X_FLOAT, 8), X(MPI_REAL16, X_FLOAT, 16),
    XC(MPI_C_FLOAT_COMPLEX, X_FLOAT, 8), XC(MPI_C_DOUBLE_COMPLEX, X_FLOAT, 16),
    XC(MPI_C_LONG_DOUBLE_COMPLEX, X_LDOUBLE, 32), XC(MPI_CXX_FLOAT_COMPLEX, X_FLOAT, 8),
    XC(MPI_CXX_DOUBLE_COMPLEX, X_FLOAT, 16), XC(MPI_CXX_LONG_DOUBLE_COMPLEX, X_LDOUBLE, 32),
    XC(MPI_COMPLEX, X_FLOAT, 8), XC(MPI_DOUBLE_COMPLEX, X_FLOAT, 16),
    XC(MPI_COMPLEX8, X_FLOAT, 8), XC(MPI_COMPLEX16, X_FLOAT, 16),
    XC(MPI_COMPLEX32, X_FLOAT, 32),
    X(MPI_FLOAT_INT, X_PAIR, 8), X(MPI_DOUBLE_INT, X_PAIR, 12), X(MPI_LONG_INT, X_PAIR, 8),
    X(MPI_SHORT_INT, X_PAIR, 6), X(MPI_LONG_DOUBLE_INT, X_PAIR, 20), X(MPI_2INT, X_PAIR, 8),
    X(MPI_2INTEGER, X_PAIR, 8), X(MPI_2REAL, X_PAIR, 8), X(MPI_2DOUBLE_PRECISION, X_PAIR, 16),
    X(MPI_LB, X_NONE, 0), X(MPI_UB, X_NONE, 0),
};
#undef X
#undef XC

/* The value and index types of a pair type. */
static void pair_parts(MPI_Datatype h, MPI_Datatype *v, MPI_Datatype *i)
{
    *i = MPI_INT;
    switch (h) {
    case MPI_FLOAT_INT: *v = MPI_FLOAT; break;
    case MPI_DOUBLE_INT: *v = MPI_DOUBLE; break;
    case MPI_LONG_INT: *v = MPI_LONG; break;
    case MPI_SHORT_INT: *v = MPI_SHORT; break;
    case MPI_LONG_DOUBLE_INT: *v = MPI_LONG_DOUBLE; break;
    case MPI_2REAL: *v = *i = MPI_FLOAT; break;
    case MPI_2DOUBLE_PRECISION: *v = *i = MPI_DOUBLE; break;
    default: *v = MPI_INT; break; /* MPI_2INT, MPI_2INTEGER */
    }
}

static int ext_size_block(void *ctx, MPI_Aint disp, MPI_Count n, tn_datatype_t *t)
{
    (void)disp;
    *(MPI_Count *)ctx += n * tn_dtype_external_size(t, 1);
    return 0;
}

static MPI_Count ext_size_block_sum(const tn_datatype_t *dt)
{
    MPI_Count sum = 0;
    tn_dtype_foreach_block(dt, ext_size_block, &sum);
    return sum;
}

MPI_Count tn_dtype_external_size(const tn_datatype_t *dt, MPI_Count count)
{
    if (dt->builtin)
        return count * ext_tab[TN_DTYPE_SLOT(dt->handle)].ext_size;
    if (dt->basic != MPI_DATATYPE_NULL) {
        const tn_datatype_t *b = tn_datatype_get(dt->basic);
        return count * dt->basic_count / b->basic_count * ext_tab[TN_DTYPE_SLOT(b->handle)].ext_size;
    }
    return count * ext_size_block_sum(dt);
}

/* Big-endian integer of n bytes at e <-> native value. */
static void put_be(unsigned char *e, int n, uint64_t v)
{
    for (int k = n - 1; k >= 0; k--, v >>= 8)
        e[k] = (unsigned char)v;
}

static uint64_t get_be(const unsigned char *e, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v = v << 8 | e[k];
    return v;
}

static void reverse(unsigned char *dst, const unsigned char *src, int n)
{
    for (int k = 0; k < n; k++)
        dst[k] = src[n - 1 - k];
}

/* Native long double <-> IEEE binary128, big-endian. x87's 80-bit format
 * has the same sign and exponent fields and an explicit integer bit; its 63
 * fraction bits are the top of the 112-bit fraction. */
static void ldouble_conv(unsigned char *nat, unsigned char *e, int to_external)
{
#if LDBL_MANT_DIG == 64
    uint64_t mant;
    uint16_t se;
    if (to_external) {
        memcpy(&mant, nat, 8);
        memcpy(&se, nat + 8, 2);
        put_be(e, 2, se);
        put_be(e + 2, 8, mant << 1); /* drops the integer bit */
        put_be(e + 10, 6, 0);
    } else {
        se = (uint16_t)get_be(e, 2);
        mant = get_be(e + 2, 8) >> 1; /* the low 49 fraction bits do not fit */
        if (se & 0x7fff)
            mant |= 1ull << 63;
        memset(nat, 0, sizeof(long double));
        memcpy(nat, &mant, 8);
        memcpy(nat + 8, &se, 2);
    }
#else /* long double is already binary128 (aarch64) */
    if (to_external)
        reverse(e, nat, 16);
    else
        reverse(nat, e, 16);
#endif
}

/* Converts one predefined scalar (all parts) between nat and e. */
static void scalar_conv(MPI_Datatype h, int nat_size, unsigned char *nat, unsigned char *e,
                        int to_external)
{
    const ext_info_t *x = &ext_tab[TN_DTYPE_SLOT(h)];
    int psz = x->ext_size / x->parts, pnat = nat_size / x->parts;
    for (int p = 0; p < x->parts; p++, nat += pnat, e += psz) {
        switch (x->kind) {
        case X_BYTES:
            if (to_external)
                *e = *nat;
            else
                *nat = *e;
            break;
        case X_INT:
        case X_UINT:
            if (to_external) {
                uint64_t v = 0;
                memcpy(&v, nat, (size_t)pnat); /* little-endian: low bytes first */
                put_be(e, psz, v);
            } else {
                uint64_t v = get_be(e, psz);
                if (x->kind == X_INT && psz < 8 && (v >> (8 * psz - 1) & 1))
                    v |= ~0ull << (8 * psz); /* sign-extend */
                memcpy(nat, &v, (size_t)pnat);
            }
            break;
        case X_FLOAT:
            if (to_external)
                reverse(e, nat, psz);
            else
                reverse(nat, e, psz);
            break;
        case X_LDOUBLE:
            ldouble_conv(nat, e, to_external);
            break;
        default:
            break;
        }
    }
}

typedef struct ext_ctx {
    char *base;
    unsigned char *ext;
    int to_external;
} ext_ctx_t;

static void ext_conv(const tn_datatype_t *dt, char *buf, MPI_Count count, ext_ctx_t *c);

static int ext_block(void *ctx, MPI_Aint disp, MPI_Count n, tn_datatype_t *t)
{
    ext_ctx_t *c = ctx;
    ext_conv(t, c->base + disp, n, c);
    return 0;
}

static void ext_conv(const tn_datatype_t *dt, char *buf, MPI_Count count, ext_ctx_t *c)
{
    for (MPI_Count k = 0; k < count; k++, buf += dt->extent) {
        if (!dt->builtin) {
            ext_ctx_t inner = {.base = buf, .ext = c->ext, .to_external = c->to_external};
            tn_dtype_foreach_block(dt, ext_block, &inner);
            c->ext = inner.ext;
            continue;
        }
        const ext_info_t *x = &ext_tab[TN_DTYPE_SLOT(dt->handle)];
        if (x->kind == X_PAIR) {
            MPI_Datatype v, i;
            pair_parts(dt->handle, &v, &i);
            const tn_datatype_t *vt = tn_datatype_get(v), *it = tn_datatype_get(i);
            scalar_conv(v, (int)vt->size, (unsigned char *)buf, c->ext, c->to_external);
            c->ext += ext_tab[TN_DTYPE_SLOT(v)].ext_size;
            scalar_conv(i, (int)it->size, (unsigned char *)buf + dt->true_ub - it->size, c->ext,
                        c->to_external);
            c->ext += ext_tab[TN_DTYPE_SLOT(i)].ext_size;
        } else {
            scalar_conv(dt->handle, (int)dt->size, (unsigned char *)buf, c->ext, c->to_external);
            c->ext += x->ext_size;
        }
    }
}

void tn_dtype_external(const tn_datatype_t *dt, void *buf, MPI_Aint count, void *ext,
                       int to_external)
{
    ext_ctx_t c = {.ext = ext, .to_external = to_external};
    ext_conv(dt, buf, count, &c);
}
