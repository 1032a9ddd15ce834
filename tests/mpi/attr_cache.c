/* Attribute caching on communicators: keyvals with copy and delete callbacks
 * (called on dup, set over an old value, delete, free, and for MPI_COMM_SELF at
 * MPI_Finalize), the predefined MPI_COMM_NULL_COPY_FN / MPI_COMM_DUP_FN, a copy
 * callback that declines, and keyval free. */
#include "mtest.h"

static int copies, deletes, self_deleted;
static int last_deleted = -1;

/* Copies the attribute as value+1 (so copies can be told apart). */
static int copy_plus_one(MPI_Comm old, int key, void *extra, void *in, void *out, int *flag)
{
    (void)old;
    (void)key;
    CHECK_EQ(*(int *)extra, 99);
    copies++;
    *(void **)out = (void *)((char *)in + 1);
    *flag = 1;
    return MPI_SUCCESS;
}

static int copy_never(MPI_Comm old, int key, void *extra, void *in, void *out, int *flag)
{
    (void)old, (void)key, (void)extra, (void)in, (void)out;
    copies++;
    *flag = 0;
    return MPI_SUCCESS;
}

static int count_delete(MPI_Comm comm, int key, void *val, void *extra)
{
    (void)comm, (void)key;
    CHECK_EQ(*(int *)extra, 99);
    deletes++;
    last_deleted = (int)(MPI_Aint)val;
    return MPI_SUCCESS;
}

static int self_delete(MPI_Comm comm, int key, void *val, void *extra)
{
    (void)comm, (void)key, (void)val, (void)extra;
    self_deleted++;
    return MPI_SUCCESS;
}

static void *as_ptr(MPI_Aint v) { return (void *)v; }

int main(int argc, char **argv)
{
    int extra = 99, key, key_never, key_null, key_dup, key_self, flag;
    void *val;
    mtest_init(&argc, &argv);

    MPI_Comm_create_keyval(copy_plus_one, count_delete, &key, &extra);
    MPI_Comm_create_keyval(copy_never, count_delete, &key_never, &extra);
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &key_null, NULL);
    MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &key_dup, NULL);

    MPI_Comm a, b;
    MPI_Comm_dup(MPI_COMM_WORLD, &a);

    /* Unset: flag false. */
    flag = 1;
    MPI_Comm_get_attr(a, key, &val, &flag);
    CHECK_EQ(flag, 0);

    MPI_Comm_set_attr(a, key, as_ptr(100));
    MPI_Comm_set_attr(a, key_never, as_ptr(200));
    MPI_Comm_set_attr(a, key_null, as_ptr(300));
    MPI_Comm_set_attr(a, key_dup, as_ptr(400));
    MPI_Comm_get_attr(a, key, &val, &flag);
    CHECK_EQ(flag, 1);
    CHECK_EQ((MPI_Aint)val, 100);

    /* Overwrite: the delete callback sees the old value. */
    MPI_Comm_set_attr(a, key, as_ptr(110));
    CHECK_EQ(deletes, 1);
    CHECK_EQ(last_deleted, 100);

    /* Dup copies through the callbacks. */
    MPI_Comm_dup(a, &b);
    CHECK_EQ(copies, 2);
    MPI_Comm_get_attr(b, key, &val, &flag);
    CHECK_EQ(flag, 1);
    CHECK_EQ((MPI_Aint)val, 111);
    MPI_Comm_get_attr(b, key_never, &val, &flag);
    CHECK_EQ(flag, 0);
    MPI_Comm_get_attr(b, key_null, &val, &flag);
    CHECK_EQ(flag, 0);
    MPI_Comm_get_attr(b, key_dup, &val, &flag);
    CHECK_EQ(flag, 1);
    CHECK_EQ((MPI_Aint)val, 400);
    /* The original is unchanged. */
    MPI_Comm_get_attr(a, key, &val, &flag);
    CHECK_EQ((MPI_Aint)val, 110);

    /* Explicit delete. */
    MPI_Comm_delete_attr(b, key);
    CHECK_EQ(deletes, 2);
    CHECK_EQ(last_deleted, 111);
    MPI_Comm_get_attr(b, key, &val, &flag);
    CHECK_EQ(flag, 0);

    /* Freeing a communicator deletes its attributes (key and key_never on a). */
    MPI_Comm_free(&a);
    CHECK_EQ(deletes, 4);
    MPI_Comm_free(&b);
    CHECK_EQ(deletes, 4);

    /* A freed keyval stays usable by communicators that still hold it. */
    MPI_Comm c;
    MPI_Comm_dup(MPI_COMM_WORLD, &c);
    MPI_Comm_set_attr(c, key, as_ptr(500));
    int key_copy = key;
    MPI_Comm_free_keyval(&key);
    CHECK_EQ(key, MPI_KEYVAL_INVALID);
    MPI_Comm_get_attr(c, key_copy, &val, &flag);
    CHECK_EQ(flag, 1);
    CHECK_EQ((MPI_Aint)val, 500);
    MPI_Comm_free(&c);
    CHECK_EQ(deletes, 5);
    CHECK_EQ(last_deleted, 500);
    MPI_Comm_free_keyval(&key_never);
    MPI_Comm_free_keyval(&key_null);
    MPI_Comm_free_keyval(&key_dup);

    /* Attributes on MPI_COMM_SELF are deleted first thing in MPI_Finalize. */
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, self_delete, &key_self, NULL);
    MPI_Comm_set_attr(MPI_COMM_SELF, key_self, as_ptr(1));

    int errs = mtest_finish();
    if (self_deleted != 1) {
        fprintf(stderr, "MPI_Finalize called the MPI_COMM_SELF delete callback %d times, "
                "expected once\n", self_deleted);
        errs = 1;
    }
    return errs;
}
