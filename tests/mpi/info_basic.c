/* MPI_Info: create, set (and overwrite), get, get_valuelen, get_nkeys, get_nthkey,
 * delete, dup, free, and MPI_INFO_ENV. */
#include "mtest.h"

static int get(MPI_Info info, const char *key, char *value, int size)
{
    int flag = 0;
#if MPI_VERSION >= 4
    int buflen = size;
    MPI_Info_get_string(info, key, &buflen, value, &flag);
    if (flag)
        CHECK_EQ(buflen, strlen(value) + 1);
#else
    MPI_Info_get(info, key, size - 1, value, &flag);
#endif
    return flag;
}

int main(int argc, char **argv)
{
    MPI_Info info, dup;
    char value[MPI_MAX_INFO_VAL], key[MPI_MAX_INFO_KEY];
    int n, flag, len;
    mtest_init(&argc, &argv);

    MPI_Info_create(&info);
    MPI_Info_get_nkeys(info, &n);
    CHECK_EQ(n, 0);
    MPI_Info_set(info, "alpha", "one");
    MPI_Info_set(info, "beta", "two words");
    MPI_Info_set(info, "gamma", "3");
    MPI_Info_set(info, "alpha", "uno"); /* overwrite */
    MPI_Info_get_nkeys(info, &n);
    CHECK_EQ(n, 3);

    flag = get(info, "alpha", value, sizeof value);
    CHECK_EQ(flag, 1);
    CHECK(strcmp(value, "uno") == 0);
    flag = get(info, "beta", value, sizeof value);
    CHECK(flag && strcmp(value, "two words") == 0);
    flag = get(info, "missing", value, sizeof value);
    CHECK_EQ(flag, 0);

    MPI_Info_get_valuelen(info, "beta", &len, &flag);
    CHECK_EQ(flag, 1);
    CHECK_EQ(len, strlen("two words"));
    MPI_Info_get_valuelen(info, "missing", &len, &flag);
    CHECK_EQ(flag, 0);

    /* nthkey: the three keys, each once. */
    int seen = 0;
    for (int i = 0; i < 3; i++) {
        MPI_Info_get_nthkey(info, i, key);
        if (strcmp(key, "alpha") == 0)
            seen |= 1;
        else if (strcmp(key, "beta") == 0)
            seen |= 2;
        else if (strcmp(key, "gamma") == 0)
            seen |= 4;
        else
            CHECK_MSG(0, "unexpected key '%s'", key);
    }
    CHECK_EQ(seen, 7);

    MPI_Info_dup(info, &dup);
    MPI_Info_delete(info, "gamma");
    MPI_Info_get_nkeys(info, &n);
    CHECK_EQ(n, 2);
    MPI_Info_get_nkeys(dup, &n);
    CHECK_EQ(n, 3);
    flag = get(dup, "gamma", value, sizeof value);
    CHECK(flag && strcmp(value, "3") == 0);
    MPI_Info_set(dup, "alpha", "changed");
    flag = get(info, "alpha", value, sizeof value);
    CHECK(flag && strcmp(value, "uno") == 0);

    MPI_Info_free(&info);
    MPI_Info_free(&dup);
    CHECK(info == MPI_INFO_NULL && dup == MPI_INFO_NULL);

    MPI_Info_get_nkeys(MPI_INFO_ENV, &n);
    CHECK(n >= 0);

    return mtest_finish();
}
