/* Derived datatype constructors -- contiguous, vector (also with a negative
 * stride), hvector, indexed, struct, resized, dup -- checked for size, lower
 * bound, extent, true extent, and what MPI_Type_get_envelope/get_contents give back. */
#include "mtest.h"

static void check_shape(MPI_Datatype t, const char *what, int size, MPI_Aint lb, MPI_Aint extent,
                        MPI_Aint true_lb, MPI_Aint true_extent)
{
    int s = -1;
    MPI_Aint l = -1, e = -1, tl = -1, te = -1;
    MPI_Type_size(t, &s);
    MPI_Type_get_extent(t, &l, &e);
    MPI_Type_get_true_extent(t, &tl, &te);
    CHECK_MSG(s == size, "%s: size %d, expected %d", what, s, size);
    CHECK_MSG(l == lb && e == extent, "%s: lb %ld extent %ld, expected %ld and %ld", what,
              (long)l, (long)e, (long)lb, (long)extent);
    CHECK_MSG(tl == true_lb && te == true_extent,
              "%s: true lb %ld extent %ld, expected %ld and %ld", what, (long)tl, (long)te,
              (long)true_lb, (long)true_extent);
}

/* Envelope and contents; the returned datatypes are freed unless predefined. */
static void check_contents(MPI_Datatype t, const char *what, int combiner, int ni, const int *ints,
                           int na, const MPI_Aint *addrs, int nd, const MPI_Datatype *types)
{
    int gi = -1, ga = -1, gd = -1, gc = -1;
    MPI_Type_get_envelope(t, &gi, &ga, &gd, &gc);
    CHECK_MSG(gc == combiner && gi == ni && ga == na && gd == nd,
              "%s: envelope combiner %d ints %d addrs %d types %d, expected %d %d %d %d", what, gc,
              gi, ga, gd, combiner, ni, na, nd);
    if (gc != combiner || gi != ni || ga != na || gd != nd)
        return;
    int ri[16];
    MPI_Aint ra[16];
    MPI_Datatype rt[16];
    MPI_Type_get_contents(t, ni, na, nd, ri, ra, rt);
    for (int i = 0; i < ni; i++)
        CHECK_MSG(ri[i] == ints[i], "%s: integer %d is %d, expected %d", what, i, ri[i], ints[i]);
    for (int i = 0; i < na; i++)
        CHECK_MSG(ra[i] == addrs[i], "%s: address %d is %ld, expected %ld", what, i, (long)ra[i],
                  (long)addrs[i]);
    for (int i = 0; i < nd; i++) {
        int ci, ca, cd, cc;
        MPI_Type_get_envelope(rt[i], &ci, &ca, &cd, &cc);
        if (cc == MPI_COMBINER_NAMED) {
            CHECK_MSG(rt[i] == types[i], "%s: datatype %d is not the one given", what, i);
        } else {
            int s1, s2;
            MPI_Type_size(rt[i], &s1);
            MPI_Type_size(types[i], &s2);
            CHECK_MSG(s1 == s2, "%s: datatype %d has size %d, expected %d", what, i, s1, s2);
            MPI_Type_free(&rt[i]);
        }
    }
}

int main(int argc, char **argv)
{
    const int I = sizeof(int);
    mtest_init(&argc, &argv);

    MPI_Datatype contig, vec, negvec, hvec, idx, st, res, dup, nested;
    MPI_Type_contiguous(3, MPI_INT, &contig);
    check_shape(contig, "contiguous(3,int)", 3 * I, 0, 3 * I, 0, 3 * I);
    check_contents(contig, "contiguous", MPI_COMBINER_CONTIGUOUS, 1, (int[]){3}, 0, NULL, 1,
                   (MPI_Datatype[]){MPI_INT});

    MPI_Type_vector(3, 2, 4, MPI_INT, &vec);
    check_shape(vec, "vector(3,2,4,int)", 6 * I, 0, 10 * I, 0, 10 * I);
    check_contents(vec, "vector", MPI_COMBINER_VECTOR, 3, (int[]){3, 2, 4}, 0, NULL, 1,
                   (MPI_Datatype[]){MPI_INT});

    MPI_Type_vector(3, 1, -2, MPI_INT, &negvec); /* blocks at 0, -2, -4 ints */
    check_shape(negvec, "vector(3,1,-2,int)", 3 * I, -4 * I, 5 * I, -4 * I, 5 * I);

    /* (A stride that keeps the doubles aligned: otherwise the extent may be rounded
     * up to the alignment, which MPI leaves to the implementation.) */
    MPI_Type_create_hvector(2, 1, 104, MPI_DOUBLE, &hvec);
    check_shape(hvec, "hvector(2,1,104,double)", 16, 0, 112, 0, 112);
    check_contents(hvec, "hvector", MPI_COMBINER_HVECTOR, 2, (int[]){2, 1}, 1, (MPI_Aint[]){104},
                   1, (MPI_Datatype[]){MPI_DOUBLE});

    int bl[3] = {1, 2, 3}, dis[3] = {4, 0, 10};
    MPI_Type_indexed(3, bl, dis, MPI_INT, &idx); /* ints 4, 0-1, 10-12 */
    check_shape(idx, "indexed", 6 * I, 0, 13 * I, 0, 13 * I);
    check_contents(idx, "indexed", MPI_COMBINER_INDEXED, 7, (int[]){3, 1, 2, 3, 4, 0, 10}, 0, NULL,
                   1, (MPI_Datatype[]){MPI_INT});

    /* {char at 0, double at 8, 2 ints at 16}: natural layout, no trailing padding. */
    struct rec { char c; double d; int i[2]; };
    int sbl[3] = {1, 1, 2};
    MPI_Aint sdisp[3] = {offsetof(struct rec, c), offsetof(struct rec, d),
                         offsetof(struct rec, i)};
    MPI_Datatype stypes[3] = {MPI_CHAR, MPI_DOUBLE, MPI_INT};
    MPI_Type_create_struct(3, sbl, sdisp, stypes, &st);
    check_shape(st, "struct", 1 + 8 + 2 * I, 0, sizeof(struct rec), 0,
                offsetof(struct rec, i) + 2 * I);
    check_contents(st, "struct", MPI_COMBINER_STRUCT, 4, (int[]){3, 1, 1, 2}, 3, sdisp, 3, stypes);

    MPI_Type_create_resized(MPI_INT, -4, 12, &res);
    check_shape(res, "resized(int,-4,12)", I, -4, 12, 0, I);
    check_contents(res, "resized", MPI_COMBINER_RESIZED, 0, NULL, 2, (MPI_Aint[]){-4, 12}, 1,
                   (MPI_Datatype[]){MPI_INT});

    MPI_Type_dup(vec, &dup);
    check_shape(dup, "dup(vector)", 6 * I, 0, 10 * I, 0, 10 * I);
    check_contents(dup, "dup", MPI_COMBINER_DUP, 0, NULL, 0, NULL, 1, (MPI_Datatype[]){vec});

    /* A vector of a derived type: contents hand back a new handle to free. */
    MPI_Type_vector(2, 1, 3, contig, &nested);
    check_shape(nested, "vector(2,1,3,contig)", 6 * I, 0, 12 * I, 0, 12 * I);
    check_contents(nested, "nested", MPI_COMBINER_VECTOR, 3, (int[]){2, 1, 3}, 0, NULL, 1,
                   (MPI_Datatype[]){contig});

    /* Resized types tile at their new extent: 3 of res span 36 bytes from -4. */
    MPI_Datatype three;
    MPI_Type_contiguous(3, res, &three);
    check_shape(three, "contiguous(3,resized)", 3 * I, -4, 36, 0, 24 + I);
    MPI_Type_free(&three);

    /* Names of derived types. */
    char name[MPI_MAX_OBJECT_NAME];
    int len = -1;
    MPI_Type_set_name(vec, "columns");
    MPI_Type_get_name(vec, name, &len);
    CHECK(strcmp(name, "columns") == 0);
    CHECK_EQ(len, 7);

    /* Committed types can be used, then freed; the handle becomes NULL. */
    MPI_Datatype all[] = {contig, vec, negvec, hvec, idx, st, res, dup, nested};
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) {
        MPI_Type_commit(&all[i]);
        MPI_Type_free(&all[i]);
        CHECK(all[i] == MPI_DATATYPE_NULL);
    }

    return mtest_finish();
}
