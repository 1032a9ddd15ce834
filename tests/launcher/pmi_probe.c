/* A tiny PMI program for tests/launcher/run.sh, built on src/pmi alone.
 *
 *   pmi_probe ok            init, put, fence, read every rank's key, finalize
 *   pmi_probe abort R CODE  rank R calls abort; the others wait in a fence
 *   pmi_probe segv R        rank R dies of SIGSEGV; the others wait in a fence
 *   pmi_probe exit R CODE   rank R exits with CODE after init; the others wait
 *   pmi_probe nofinalize    init, then exit 0 without finalize
 *   pmi_probe hang          init, then sleep until killed
 *   pmi_probe info          print rank, size, appnum, job key and local rank
 *   pmi_probe trapterm      init, ignore SIGTERM, wait in a fence (needs SIGKILL) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mpi.h>

#include "pmi/pmi.h"

static tn_pmi_info_t info;

static void check(int rc, const char *what)
{
    if (rc != MPI_SUCCESS) {
        fprintf(stderr, "pmi_probe: rank %d: %s failed\n", info.rank, what);
        exit(3);
    }
}

static int arg(int argc, char **argv, int i)
{
    return i < argc ? atoi(argv[i]) : 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "ok";
    check(tn_pmi_init(&info), "tn_pmi_init");

    if (strcmp(mode, "ok") == 0) {
        char key[32], value[64], got[64];
        snprintf(key, sizeof key, "probe-%d", info.rank);
        snprintf(value, sizeof value, "value-of-%d", info.rank);
        check(tn_pmi_put(key, value), "tn_pmi_put");
        /* the longest value allowed goes through; one more byte is refused */
        static char big[TN_PMI_VALUE_MAX + 1], big_got[TN_PMI_VALUE_MAX];
        memset(big, 'a' + info.rank % 26, info.value_max + 1);
        if (tn_pmi_put("too-big", big) == MPI_SUCCESS) {
            fprintf(stderr, "pmi_probe: rank %d: a value over value_max was taken\n", info.rank);
            return 4;
        }
        big[info.value_max] = '\0';
        snprintf(key, sizeof key, "big-%d", info.rank);
        check(tn_pmi_put(key, big), "tn_pmi_put of value_max bytes");
        check(tn_pmi_fence(), "tn_pmi_fence");
        int peer = (info.rank + 1) % info.size;
        snprintf(key, sizeof key, "big-%d", peer);
        check(tn_pmi_get(key, big_got, sizeof big_got), "tn_pmi_get of value_max bytes");
        if (strlen(big_got) != info.value_max || big_got[0] != 'a' + peer % 26) {
            fprintf(stderr, "pmi_probe: rank %d: %s came back wrong\n", info.rank, key);
            return 4;
        }
        for (int r = 0; r < info.size; r++) {
            snprintf(key, sizeof key, "probe-%d", r);
            snprintf(value, sizeof value, "value-of-%d", r);
            check(tn_pmi_get(key, got, sizeof got), "tn_pmi_get");
            if (strcmp(got, value) != 0) {
                fprintf(stderr, "pmi_probe: rank %d: %s=%s, expected %s\n", info.rank, key, got,
                        value);
                return 4;
            }
        }
        if (tn_pmi_get("no-such-key", got, sizeof got) == MPI_SUCCESS) {
            fprintf(stderr, "pmi_probe: rank %d: a missing key was found\n", info.rank);
            return 4;
        }
        if (info.singleton)
            snprintf(got, sizeof got, "singleton");
        else
            check(tn_pmi_get("PMI_process_mapping", got, sizeof got), "get PMI_process_mapping");
        check(tn_pmi_fence(), "tn_pmi_fence");
        printf("rank %d of %d ok %s\n", info.rank, info.size, got);
    } else if (strcmp(mode, "abort") == 0 || strcmp(mode, "segv") == 0 ||
               strcmp(mode, "exit") == 0) {
        if (info.rank == arg(argc, argv, 2)) {
            sleep(1); /* let the others reach the fence */
            if (mode[0] == 'a')
                tn_pmi_abort(arg(argc, argv, 3), NULL);
            if (mode[0] == 's') {
                signal(SIGSEGV, SIG_DFL); /* past any sanitizer's handler */
                raise(SIGSEGV);
            }
            exit(arg(argc, argv, 3));
        }
        tn_pmi_fence();
        return 0;
    } else if (strcmp(mode, "nofinalize") == 0) {
        return 0;
    } else if (strcmp(mode, "hang") == 0 || strcmp(mode, "trapterm") == 0) {
        if (mode[0] == 't')
            signal(SIGTERM, SIG_IGN);
        printf("pid %d\n", (int)getpid());
        fflush(stdout);
        for (;;)
            pause();
    } else if (strcmp(mode, "info") == 0) {
        const char *key = getenv("TERN_JOB_KEY"), *local = getenv("TERN_LOCAL_RANK");
        printf("rank=%d size=%d appnum=%d universe=%d key=%s local=%s\n", info.rank, info.size,
               info.appnum, info.universe_size, key ? key : "(none)", local ? local : "(none)");
    } else {
        fprintf(stderr, "pmi_probe: unknown mode '%s'\n", mode);
        return 2;
    }
    check(tn_pmi_finalize(), "tn_pmi_finalize");
    return 0;
}
