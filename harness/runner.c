/* The suite binaries' main(): Criterion with the guard rails a CI user needs.
 *
 * - Not root: enter a user namespace before Criterion starts (a worker, which already has a
 *   second thread, cannot), so the tests can still make network namespaces; if that fails the
 *   tests skip and say why.
 * - Criterion exits 0 on an unknown option, a filter that matches nothing, and a mistyped report
 *   option: here those exit 2 with one line saying what was wrong.
 * - Exit status: 0 every test that ran passed, 1 a test failed/crashed/timed out, 77 every test
 *   that ran was skipped (ctest's SKIP_RETURN_CODE), 2 usage error.
 * - One result record per test (docs/results-format.md) when AFTERCLOSE_RESULTS is set. */
#define _GNU_SOURCE
#include "../fixtures/netns.h"
#include "../fixtures/netns.h"
#include "record.h"
#include "readall.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <criterion/internal/ordered-set.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define AC_SLOW_TAG "[slow]"

static struct {
    int ran, passed, failed, skipped, unrecorded;
    char kernel[256];
    char rundir[4096];
} run;

static const char *verdict_of(const struct criterion_test_stats *st)
{
    if (st->timed_out)
        return "timeout";
    if (st->crashed)
        return "crash";
    switch (st->test_status) {
    case CR_STATUS_PASSED:
        return "pass";
    case CR_STATUS_SKIPPED:
        return "skip";
    default:
        return "fail";
    }
}

/* The message of the first failed assertion: for failures that did not come through the
 * recorded checks (a plain cr_assert in a helper). */
static const char *first_failed_assert(const struct criterion_test_stats *st)
{
    for (const struct criterion_assert_stats *a = st->asserts; a; a = a->next)
        if (!a->passed && a->message && *a->message)
            return a->message;
    return NULL;
}

/* The worker's scratch file, or NULL when it wrote none (a crash before the first check). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    size_t len;
    char *buf = ac_read_stream(f, &len);
    fclose(f);
    return buf;
}

ReportHook(POST_TEST)(struct criterion_test_stats *st)
{
    const char *verdict = verdict_of(st);
    run.ran++;
    if (strcmp(verdict, "pass") == 0)
        run.passed++;
    else if (strcmp(verdict, "skip") == 0)
        run.skipped++;
    else
        run.failed++;

    char id[512];
    snprintf(id, sizeof id, "%s/%s", st->test->category, st->test->name);
    if (strcmp(verdict, "skip") == 0)
        fprintf(stderr, "[SKIP] %s: %s\n", id, st->message ? st->message : "");

    char scratch[4096];
    ac_record_scratch_path(scratch, sizeof scratch, run.rundir, st->test->category, st->test->name);
    char *obs = slurp(scratch);
    unlink(scratch);
    const char *results = getenv(AC_RESULTS_ENV);
    if (results && *results) {
        const char *reason = strcmp(verdict, "timeout") == 0 ? "timed out"
                             : strcmp(verdict, "crash") == 0 ? "crashed"
                                                             : st->message;
        if (strcmp(verdict, "fail") == 0 && (!reason || !*reason))
            reason = first_failed_assert(st); /* NULL: the worker's own failure line is used */

        json_t *rec = ac_record_build(id, run.kernel, verdict, reason, obs);
        /* Run-specific (the benchmark reads it; docs and the matrix ignore it). */
        json_object_set_new(rec, "elapsed_ms", json_real(st->elapsed_time * 1000.0));

        int err = ac_record_append(results, rec);
        if (err) {
            fprintf(stderr, "afterclose: cannot write %s: %s\n", results, strerror(-err));
            run.unrecorded++;
        }
        json_decref(rec);
    }
    free(obs);
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    ssize_t n = write(fd, text, strlen(text));
    int err = n == (ssize_t)strlen(text) ? 0 : errno ? errno : EIO;
    close(fd);
    return err;
}

/* Become root of a new user namespace, so that CLONE_NEWNET is allowed in the workers. */
static void enter_user_namespace(void)
{
    if (geteuid() == 0)
        return;
    if (getenv("AFTERCLOSE_NO_USERNS")) {
        setenv("AFTERCLOSE_USERNS_ERROR", "not tried: AFTERCLOSE_NO_USERNS is set", 1);
        return;
    }
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];
    int err = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
    if (!err)
        err = write_file("/proc/self/setgroups", "deny");
    if (!err) {
        snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
        err = write_file("/proc/self/uid_map", map);
    }
    if (!err) {
        snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
        err = write_file("/proc/self/gid_map", map);
    }
    if (err) {
        char why[256];
        snprintf(why, sizeof why, "unshare(CLONE_NEWUSER) as uid %u: %s", (unsigned)uid,
                 strerror(err));
        setenv("AFTERCLOSE_USERNS_ERROR", why, 1);
    }
}

/* Labels, comma-separated: "root" for tests that build a namespace (they need root or a user
 * namespace), "slow" for tests whose description starts with [slow]; "-" for none. */
static const char *labels_of(const struct criterion_test *t)
{
    const char *d = t->data ? t->data->description : NULL;
    bool slow = d && strncmp(d, AC_SLOW_TAG, strlen(AC_SLOW_TAG)) == 0;
    bool root = t->data && t->data->init == ac_netns_marker;
    return slow && root ? "root,slow" : slow ? "slow" : root ? "root" : "-";
}

/* "suite/test<TAB>labels<TAB>timeout" per test, for the ctest registration. */
static void list_for_ctest(struct criterion_test_set *set)
{
    FOREACH_SET(struct criterion_suite_set * s, set->suites)
    {
        FOREACH_SET(struct criterion_test * t, s->tests)
        {
            double timeout = t->data ? t->data->timeout : 0;
            printf("%s/%s\t%s\t%g\n", t->category, t->name, labels_of(t), timeout);
        }
    }
}

/* The tests as JSON, for the docs generator: [{test, suite, description, suite_description,
 * labels, timeout}]. The descriptions are the rules the docs print next to each result. */
static void describe_as_json(struct criterion_test_set *set)
{
    json_t *all = json_array();
    FOREACH_SET(struct criterion_suite_set * s, set->suites)
    {
        const char *sdesc = s->suite.data ? s->suite.data->description : NULL;
        FOREACH_SET(struct criterion_test * t, s->tests)
        {
            char id[512];
            snprintf(id, sizeof id, "%s/%s", t->category, t->name);
            const char *d = t->data && t->data->description ? t->data->description : "";
            if (!strncmp(d, AC_SLOW_TAG, strlen(AC_SLOW_TAG)))
                d += strlen(AC_SLOW_TAG) + (d[strlen(AC_SLOW_TAG)] == ' ');
            json_t *o =
                json_pack("{s:s, s:s, s:s, s:s, s:s, s:f}", "test", id, "suite", t->category,
                          "description", d, "suite_description", sdesc ? sdesc : "", "labels",
                          labels_of(t), "timeout", t->data ? t->data->timeout : 0.0);
            /* Where Test() was expanded: the docs link each row to its source. */
            if (t->data && t->data->file_)
                json_object_set_new(o, "source",
                                    json_sprintf("%s:%u", t->data->file_, t->data->line_));
            json_array_append_new(all, o);
        }
    }
    char *text = json_dumps(all, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(all);
}

static int usage_error(const char *prog, const char *what)
{
    fprintf(stderr, "%s: %s (see %s --help)\n", prog, what, prog);
    return 2;
}

/* What the environment asks for must be possible before any test runs: a results file that
 * cannot be written would lose every record, an unknown interface kind would fail every test. */
static int check_env(const char *prog)
{
    const char *results = getenv(AC_RESULTS_ENV);
    if (results && *results) {
        int fd = open(results, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "%s: cannot write the results file %s (" AC_RESULTS_ENV "): %s\n", prog,
                    results, strerror(errno));
            return 2;
        }
        close(fd);
    }
    const char *iface = getenv(AC_IFACE_ENV);
    if (iface && *iface && strcmp(iface, "veth") && strcmp(iface, "dummy"))
        return usage_error(prog, AC_IFACE_ENV " must be veth or dummy");
    return 0;
}

/* Criterion only prints "[ERR] Could not open the file" and exits 0 when a report cannot be
 * written. Opening it here (without truncating) creates it, as Criterion would. */
static bool writable(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* -j N, -jN, --jobs N, --jobs=N: Criterion reads a non-number as 0 (its default) silently. */
static const char *jobs_value(int argc, char **argv, int i)
{
    const char *a = argv[i];
    if (!strncmp(a, "--jobs=", 7))
        return a + 7;
    if (!strncmp(a, "-j", 2) && a[2])
        return a + 2;
    if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && i + 1 < argc)
        return argv[i + 1];
    return NULL;
}

/* Catches what Criterion would accept silently. Returns 0, or 2 after printing the error. */
static int check_args(int argc, char **argv, int *info_only)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help") || !strcmp(a, "-v") ||
            !strcmp(a, "--version") || !strcmp(a, "-l") || !strcmp(a, "--list"))
            *info_only = 1;
        if (!strcmp(a, "--always-succeed"))
            return usage_error(argv[0], "--always-succeed would hide failures; not allowed");
        if (!strncmp(a, "--output=", 9) && !strchr(a + 9, ':'))
            return usage_error(argv[0], "--output takes PROVIDER:FILE, e.g. --output=json:r.json");
        const char *report =
            !strncmp(a, "--output=", 9) && strchr(a + 9, ':') ? strchr(a, ':') + 1
            : !strncmp(a, "--json=", 7) || !strncmp(a, "--tap=", 6) || !strncmp(a, "--xml=", 6)
                ? strchr(a, '=') + 1
                : NULL;
        if (report && strcmp(report, "-") != 0 && !writable(report)) {
            fprintf(stderr, "%s: cannot write the report %s: %s\n", argv[0], report,
                    strerror(errno));
            return 2;
        }
        const char *jobs = jobs_value(argc, argv, i);
        if (jobs && (!*jobs || strspn(jobs, "0123456789") != strlen(jobs)))
            return usage_error(argv[0], "--jobs takes a number, e.g. -j2");
        if (!strcmp(a, "--filter") || !strcmp(a, "--filter="))
            return usage_error(argv[0], "--filter needs a pattern: --filter=suite/test");
        if (a[0] != '-' &&
            !(i > 1 && (!strcmp(argv[i - 1], "--jobs") || !strcmp(argv[i - 1], "-j"))))
            return usage_error(argv[0], "unexpected argument");
    }
    return 0;
}

static void remove_rundir(void)
{
    DIR *d = opendir(run.rundir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (e->d_name[0] != '.')
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(run.rundir);
}

int main(int argc, char **argv)
{
    ac_record_default_results();
    enter_user_namespace();
    struct criterion_test_set *tests = criterion_initialize();
    if (argc == 2 && !strcmp(argv[1], "--afterclose-list")) {
        list_for_ctest(tests);
        criterion_finalize(tests);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--afterclose-describe")) {
        describe_as_json(tests);
        criterion_finalize(tests);
        return 0;
    }

    int info_only = 0;
    int bad = check_args(argc, argv, &info_only);
    if (!bad && !info_only)
        bad = check_env(argv[0]);
    if (bad) {
        criterion_finalize(tests);
        return bad;
    }

    struct utsname u;
    snprintf(run.kernel, sizeof run.kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
    const char *tmp = getenv("TMPDIR");
    snprintf(run.rundir, sizeof run.rundir, "%s/afterclose.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(run.rundir)) {
        fprintf(stderr, "%s: cannot create a scratch directory in %s: %s\n", argv[0],
                tmp ? tmp : "/tmp", strerror(errno));
        criterion_finalize(tests);
        return 2;
    }
    setenv(AC_RUNDIR_ENV, run.rundir, 1);

    int status;
    if (!criterion_handle_args(argc, argv, true)) {
        status = info_only ? 0 : usage_error(argv[0], "bad option");
    } else {
        /* No global --timeout default here: Criterion's global timeout replaces the tests' own
         * .timeout (a 60 s TIME_WAIT test would be cut short). A hung test is ended by ctest's
         * per-test TIMEOUT (cmake/AfterCloseWriteTests.cmake). */
        criterion_run_all_tests(tests);
        if (run.ran == 0)
            status = usage_error(argv[0], "no test ran: does the --filter match any test?");
        else if (run.failed > 0)
            status = 1;
        else if (run.unrecorded > 0)
            status = 2; /* the run's records are incomplete: a CI job must not take it as passed */
        else if (run.skipped == run.ran)
            status = 77;
        else
            status = 0;
    }
    criterion_finalize(tests);
    remove_rundir();
    return status;
}
