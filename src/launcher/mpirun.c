/* mpirun / mpiexec: command line and main. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "launcher/launcher.h"

#ifdef PACKAGE_VERSION /* from config.h */
#define TN_VERSION PACKAGE_VERSION
#else
#define TN_VERSION "unknown"
#endif

#define NPROCS_MAX 100000

extern char **environ;

static const char usage[] =
    "Usage: mpirun [options] program [args] [: [options] program [args] ...]\n"
    "Runs an MPI job on this machine; also works for programs built with MPICH.\n"
    "\n"
    "  -n N, -np N         number of ranks for this program (default 1)\n"
    "  -x VAR[=VAL]        export VAR (its current value, or VAL) to all ranks\n"
    "  -genv VAR VAL       set VAR=VAL for all ranks\n"
    "  -env VAR VAL        set VAR=VAL for the ranks of this program only\n"
    "  --tag-output        prefix every output line with [1,RANK]<stdout>: or <stderr>:\n"
    "  --timeout SEC       stop the job after SEC seconds (exit status 124)\n"
    "  -host, --host LIST  comma-separated hosts; only this machine is supported\n"
    "  --oversubscribe, --allow-run-as-root\n"
    "                      accepted for compatibility; always allowed\n"
    "  --bind-to core|none each rank gets an equal share of the cores (default, when\n"
    "                      the ranks do not outnumber them and mpirun is not itself\n"
    "                      bound to part of the machine), or keeps mpirun's affinity;\n"
    "                      the other values Open MPI and hydra take mean core\n"
    "  --disable-auto-cleanup\n"
    "                      a rank that dies or exits without MPI_Finalize is reported,\n"
    "                      but the others are not stopped: they run to their own end\n"
    "                      (MPI_Abort, --timeout and signals still stop the whole job)\n"
    "  --emulate-ppn N     tell the ranks they run on nodes of N ranks each (in rank\n"
    "                      order), though all run here: ranks on different nodes\n"
    "                      then talk as across a network (tests multi-node paths)\n"
    "  -v, --verbose       print the PMI messages exchanged with the ranks\n"
    "  -h, --help          show this help;  --version  show the version\n"
    "\n"
    "Programs separated by ':' form one job (MPMD) with appnum 0, 1, ...\n"
    "Rank 0 reads mpirun's stdin; the others read /dev/null.\n"
    "\n"
    "Exit status: 0 when every rank exited 0; otherwise that of the first failure:\n"
    "a rank's exit status, 128+N for a rank killed by signal N, the code given to\n"
    "MPI_Abort, 1 for a rank that exited without MPI_Finalize, 124 on --timeout,\n"
    "128+N when mpirun gets signal N (SIGINT, SIGTERM, SIGHUP, SIGQUIT), 127 (126)\n"
    "when the program is not found (not executable), 2 for a bad command line.\n";

void tn_mpirun_say(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "mpirun: %s\n", msg);
}

enum opt_id {
    OPT_N,
    OPT_X,
    OPT_GENV,
    OPT_ENV,
    OPT_TAG,
    OPT_TIMEOUT,
    OPT_HOST,
    OPT_ACCEPTED,
    OPT_VERBOSE,
    OPT_KEEP_GOING,
    OPT_BIND,
    OPT_EMULATE_PPN,
    OPT_HELP,
    OPT_VERSION
};

static const struct {
    const char *name; /* matched after one or two leading dashes */
    int nargs;
    enum opt_id id;
} option_table[] = {
    {"n", 1, OPT_N},
    {"np", 1, OPT_N},
    {"x", 1, OPT_X},
    {"genv", 2, OPT_GENV},
    {"env", 2, OPT_ENV},
    {"tag-output", 0, OPT_TAG},
    {"timeout", 1, OPT_TIMEOUT},
    {"host", 1, OPT_HOST},
    {"hosts", 1, OPT_HOST},
    {"H", 1, OPT_HOST},
    {"oversubscribe", 0, OPT_ACCEPTED},
    {"allow-run-as-root", 0, OPT_ACCEPTED},
    {"v", 0, OPT_VERBOSE},
    {"verbose", 0, OPT_VERBOSE},
    {"disable-auto-cleanup", 0, OPT_KEEP_GOING}, /* hydra: -disable-auto-cleanup */
    {"bind-to", 1, OPT_BIND},                    /* Open MPI and hydra spell it so */
    {"emulate-ppn", 1, OPT_EMULATE_PPN},
    {"h", 0, OPT_HELP},
    {"help", 0, OPT_HELP},
    {"version", 0, OPT_VERSION},
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tn_mpirun_say("%s (see mpirun --help)", msg);
    return TN_EXIT_USAGE;
}

static int parse_count(const char *s, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < 1 || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* "VAR=VAL" from a name and a value; NULL when name is not a variable name. */
static char *make_env(const char *name, size_t name_len, const char *value)
{
    if (name_len == 0 || memchr(name, '=', name_len))
        return NULL;
    char *s;
    if (asprintf(&s, "%.*s=%s", (int)name_len, name, value) < 0) {
        tn_mpirun_say("out of memory");
        exit(TN_EXIT_FAILED);
    }
    return s;
}

/* name may be "localhost", this machine's name, or its short or long form. */
static bool is_this_host(const char *name, const char *self)
{
    size_t n = strcspn(name, "."), m = strcspn(self, ".");
    return strcmp(name, "localhost") == 0 || strcmp(name, "127.0.0.1") == 0 ||
           strcmp(name, self) == 0 ||
           (n == m && strncmp(name, self, n) == 0 && (name[n] == '\0' || self[m] == '\0'));
}

/* Every host in list (comma-separated, each "name" or "name:slots") must be this one. */
static int check_hosts(const char *list)
{
    char self[256] = "";
    gethostname(self, sizeof self - 1);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(p, ",:"), p);
        if (name[0] && !is_this_host(name, self)) {
            tn_mpirun_say("host '%s': remote hosts are not supported yet (only this machine, "
                          "'%s', can run ranks)",
                          name, self);
            return TN_EXIT_USAGE;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Applies option `flag` (table entry id, with its arguments) to opt, or to
 * app for per-program options. Returns -1 to go on, or the status to exit with. */
static int apply_option(struct tn_options *opt, struct tn_app *app, const char *flag,
                        enum opt_id id, const char *const *args)
{
    switch (id) {
    case OPT_N:
        if (parse_count(args[0], NPROCS_MAX, &app->nprocs))
            return usage_error("%s wants a number of ranks from 1 to %d, not '%s'", flag,
                               NPROCS_MAX, args[0]);
        break;
    case OPT_X: {
        const char *eq = strchr(args[0], '=');
        const char *value = eq ? eq + 1 : getenv(args[0]);
        if (!value)
            break; /* an unset variable is not exported */
        opt->env[opt->nenv] =
            make_env(args[0], eq ? (size_t)(eq - args[0]) : strlen(args[0]), value);
        if (!opt->env[opt->nenv++])
            return usage_error("%s '%s': not a variable name", flag, args[0]);
        break;
    }
    case OPT_GENV:
    case OPT_ENV: {
        char *var = make_env(args[0], strlen(args[0]), args[1]);
        if (!var)
            return usage_error("%s '%s': not a variable name", flag, args[0]);
        if (id == OPT_GENV)
            opt->env[opt->nenv++] = var;
        else
            app->env[app->nenv++] = var;
        break;
    }
    case OPT_TAG:
        opt->tag_output = true;
        break;
    case OPT_TIMEOUT:
        if (parse_count(args[0], INT_MAX / 1000, &opt->timeout))
            return usage_error("%s wants a positive number of seconds, not '%s'", flag, args[0]);
        break;
    case OPT_HOST:
        if (check_hosts(args[0]))
            return TN_EXIT_USAGE;
        break;
    case OPT_ACCEPTED:
        break;
    case OPT_VERBOSE:
        opt->verbose = true;
        break;
    case OPT_KEEP_GOING:
        opt->keep_going = true;
        break;
    case OPT_BIND:
        opt->no_bind = !strcmp(args[0], "none");
        break;
    case OPT_EMULATE_PPN:
        if (parse_count(args[0], NPROCS_MAX, &opt->emulate_ppn))
            return usage_error("%s wants a number of ranks per node from 1 to %d, not '%s'",
                               flag, NPROCS_MAX, args[0]);
        break;
    case OPT_HELP:
        fputs(usage, stdout);
        return 0;
    case OPT_VERSION:
        printf("mpirun (Tern) %s\n", TN_VERSION);
        return 0;
    }
    return -1;
}

/* Handles the option at argv[*i] (and its arguments, advancing *i past them). */
static int parse_option(int argc, char **argv, int *i, struct tn_options *opt, struct tn_app *app)
{
    const char *flag = argv[*i];
    const char *name = flag + (flag[1] == '-' ? 2 : 1);
    size_t name_len = strcspn(name, "=");
    size_t k = 0, n = sizeof option_table / sizeof option_table[0];
    while (k < n && !(strlen(option_table[k].name) == name_len &&
                      strncmp(option_table[k].name, name, name_len) == 0))
        k++;
    if (k == n)
        return usage_error("unknown option '%s'", flag);

    const char *args[2] = {NULL, NULL};
    int nargs = option_table[k].nargs, have = 0;
    if (name[name_len] == '=') { /* --opt=value */
        if (nargs != 1)
            return usage_error("option '%.*s' does not take '=value'",
                               (int)(name + name_len - flag), flag);
        args[have++] = name + name_len + 1;
    }
    for (; have < nargs; have++) {
        if (*i + 1 >= argc)
            return usage_error("option '%s' needs %d argument%s", flag, nargs,
                               nargs > 1 ? "s" : "");
        args[have] = argv[++*i];
    }
    return apply_option(opt, app, flag, option_table[k].id, args);
}

/* Parses argv into opt: segments "[options] program [args]" separated by ':'.
 * Returns -1 to go on, or the status to exit with. */
static int parse_args(int argc, char **argv, struct tn_options *opt)
{
    /* no array can have more entries than there are arguments */
    opt->apps = calloc((size_t)argc, sizeof *opt->apps);
    opt->env = calloc((size_t)argc, sizeof *opt->env);
    if (!opt->apps || !opt->env) {
        tn_mpirun_say("out of memory");
        return TN_EXIT_FAILED;
    }

    long total = 0;
    for (int i = 1; i < argc;) {
        struct tn_app *app = &opt->apps[opt->napps++];
        app->nprocs = 1;
        app->env = calloc((size_t)argc, sizeof *app->env);
        if (!app->env) {
            tn_mpirun_say("out of memory");
            return TN_EXIT_FAILED;
        }
        for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
            int rc = parse_option(argc, argv, &i, opt, app);
            if (rc >= 0)
                return rc;
        }
        if (i == argc || strcmp(argv[i], ":") == 0)
            return usage_error("no program given%s", opt->napps > 1 ? " after ':'" : "");
        app->argv = &argv[i];
        while (i < argc && strcmp(argv[i], ":") != 0)
            i++;
        if (i < argc) {
            argv[i++] = NULL; /* ends this program's argv */
            if (i == argc)
                return usage_error("no program given after ':'");
        }
        total += app->nprocs;
    }
    if (opt->napps == 0)
        return usage_error("no program given");
    if (total > NPROCS_MAX)
        return usage_error("%ld ranks in total; at most %d are allowed", total, NPROCS_MAX);
    return -1;
}

static void free_options(struct tn_options *opt)
{
    for (int a = 0; a < opt->napps; a++) {
        for (int i = 0; i < opt->apps[a].nenv; i++)
            free(opt->apps[a].env[i]);
        free(opt->apps[a].env);
        free(opt->apps[a].path);
    }
    for (int i = 0; i < opt->nenv; i++)
        free(opt->env[i]);
    free(opt->env);
    free(opt->apps);
}

/* The ranks must talk to this mpirun, not to a process manager that mpirun
 * itself may run under (srun, hydra, a PMIx server). */
static void drop_outer_pmi_env(void)
{
    for (size_t i = 0; environ[i];) {
        if (strncmp(environ[i], "PMI_", 4) == 0 || strncmp(environ[i], "PMIX_", 5) == 0) {
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(environ[i], "="), environ[i]);
            unsetenv(name); /* shifts the following entries down */
        } else {
            i++;
        }
    }
}

int main(int argc, char **argv)
{
    /* pipes made later must not land on 0, 1 or 2 if those were closed */
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
            return TN_EXIT_FAILED;

    struct tn_options opt = {0};
    int rc = parse_args(argc, argv, &opt);
    if (rc >= 0) {
        free_options(&opt);
        return rc;
    }

    /* three descriptors per rank: allow as many as the hard limit permits */
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    drop_outer_pmi_env();
    rc = tn_job_run(&opt);
    free_options(&opt);
    return rc;
}
