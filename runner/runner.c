/* The suite binaries' main(): Criterion with the guard rails a CI user needs.
 *
 * - Not root: enter a user namespace before Criterion starts (a worker, which already has a
 *   second thread, cannot), so the tests can still make network namespaces; if that fails the
 *   tests skip and say why.
 * - Criterion exits 0 on an unknown option, a filter that matches nothing, and a mistyped report
 *   option: here those exit 2 with one line saying what was wrong.
 * - Exit status (exitstatus.h): 0 every test that ran passed, 1 a test failed/crashed/timed out,
 *   77 every test that ran was skipped (ctest's SKIP_RETURN_CODE), 2 usage error or records
 *   lost; killed by SIGINT/SIGTERM/SIGHUP it dies of that signal (runguard.h).
 * - Every selected test ends with exactly one verdict and one record (docs/results-format.md,
 *   when AFTERCLOSE_RESULTS is set): Criterion reports a test that crashes through another hook
 *   than a finished one, and one that dies in its setup or teardown through none; both are
 *   failures here, never missing. A scenario passes only if its worker said it ran to the end
 *   and recorded what it saw. */
#define _GNU_SOURCE
#include "exitstatus.h"
#include "filterhint.h"
#include "../fixtures/nft.h"
#include "../fixtures/netns.h"
#include "../harness/actest.h"
#include "../harness/record.h"
#include "runner_help.h"
#include "runguard.h"
#include "solo.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <criterion/internal/ordered-set.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
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
    pid_t runner;       /* exit handlers are the runner's, not a forked worker's */
    bool started;       /* Criterion accepted the filter and selected the tests */
    bool list_selected; /* --afterclose-selected: print the selection, run nothing */
    const char *filter; /* the --filter pattern, if any */
    char hint[256];     /* for a filter that selects nothing (filterhint.h) */
    json_t *selected;   /* "suite/test" -> the test, for those the filter selected */
    json_t *recorded;   /* "suite/test" -> true once its verdict is counted */
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

static void count(const char *verdict)
{
    run.ran++;
    if (strcmp(verdict, "pass") == 0)
        run.passed++;
    else if (strcmp(verdict, "skip") == 0)
        run.skipped++;
    else
        run.failed++;
    ac_guard_set_progress(run.ran, (int)json_object_size(run.selected));
}

/* What a test with the network fixture must leave behind to pass: the marker that its body ran
 * to the end, and the interface it ran on. NULL: it did. */
static const char *missing_evidence(const struct criterion_test *t, const char *obs, json_t *rec)
{
    if (!t->data || t->data->init != ac_scenario_marker)
        return NULL;
    if (!ac_record_was_completed(obs))
        return "passed without saying that it ran to the end: it exited early, or its records "
               "could not be written";
    if (!strcmp(json_string_value(json_object_get(rec, "iface_kind")), "none"))
        return "passed without recording the interface it ran on: no evidence";
    /* Harness tests assert with cr_assert and record nothing; a test that records checks is a
     * scenario, and the docs generator refuses a described scenario without a claim. */
    json_t *checks = json_object_get(rec, "checks");
    if (json_array_size(checks) && ac_claim_count(checks) == 0)
        return "passed without a claim: a scenario marks the checks it exists to prove with "
               "AC_CLAIM";
    return NULL;
}

static void write_record(const char *id, const char *verdict, const char *reason, const char *obs,
                         double elapsed_s, const struct criterion_test *t)
{
    const char *results = getenv(AC_RESULTS_ENV);
    json_t *rec = ac_record_build(id, run.kernel, verdict, reason, obs);
    const char *missing = strcmp(verdict, "pass") == 0 ? missing_evidence(t, obs, rec) : NULL;
    if (missing) {
        fprintf(stderr, "[FAIL] %s: %s\n", id, missing);
        json_decref(rec);
        verdict = "fail";
        rec = ac_record_build(id, run.kernel, verdict, missing, obs);
    }
    count(verdict);
    json_object_set_new(run.recorded, id, json_true());
    if (results && *results) {
        /* Run-specific (the benchmark reads it; docs and the matrix ignore it). */
        json_object_set_new(rec, "elapsed_ms", json_real(elapsed_s * 1000.0));
        int err = ac_record_append(results, rec);
        if (err) {
            fprintf(stderr, "afterclose: cannot write the record of %s to %s: %s\n", id, results,
                    strerror(-err));
            run.unrecorded++;
        }
    }
    json_decref(rec);
}

/* The record of a test from what its worker left in its scratch file, which is used up. */
static void record_from_scratch(const struct criterion_test *t, const char *id, const char *verdict,
                                const char *reason, double elapsed_s)
{
    char *obs = ac_record_scratch_read(run.rundir, t->category, t->name);
    char scratch[4096];
    ac_record_scratch_path(scratch, sizeof scratch, run.rundir, t->category, t->name);
    unlink(scratch);
    write_record(id, verdict, reason, obs, elapsed_s, t);
    free(obs);
}

/* One test's verdict and why, from whichever side saw its end: Criterion's hooks or a solo run.
 * `message`: the skip reason or the failure's; `signal`/`exit_code`: how a crash ended. */
static void conclude(const struct criterion_test *t, const char *id, const char *verdict,
                     bool killed, int signal, int exit_code, const char *message, double elapsed_s)
{
    char why[256];
    const char *reason = message;
    if (killed)
        reason = "killed by the run's watchdog: it ran past its time limit (frozen or hung)";
    else if (!strcmp(verdict, "timeout"))
        reason = "timed out";
    else if (!strcmp(verdict, "crash")) {
        if (signal)
            snprintf(why, sizeof why, "crashed: the test process died of SIG%s",
                     sigabbrev_np(signal) ? sigabbrev_np(signal) : "?");
        else
            snprintf(why, sizeof why, "crashed: the test process exited (status %d) mid-test",
                     exit_code);
        reason = why;
    }
    if (!strcmp(verdict, "skip"))
        fprintf(stderr, "[SKIP] %s: %s\n", id, message ? message : "");
    else if (!strcmp(verdict, "crash") || !strcmp(verdict, "timeout"))
        fprintf(stderr, "[FAIL] %s: %s\n", id, reason);
    record_from_scratch(t, id, verdict, reason, elapsed_s);
}

/* One test's end, from whichever hook reported it. */
static void finish(struct criterion_test_stats *st, bool crashed)
{
    const struct criterion_test *t = st->test;
    char id[512];
    snprintf(id, sizeof id, "%s/%s", t->category, t->name);
    ac_guard_lock();
    bool killed = ac_guard_test_ended(t->category, t->name);
    if (ac_guard_interrupted() || json_object_get(run.recorded, id)) {
        ac_guard_unlock();
        return;
    }
    const char *verdict = killed ? "timeout" : crashed ? "crash" : verdict_of(st);
    const char *message = st->message;
    if (!strcmp(verdict, "fail") && (!message || !*message))
        message = first_failed_assert(st); /* NULL: the worker's own failure line is used */
    conclude(t, id, verdict, killed, st->signal, st->exit_code, message, st->elapsed_time);
    ac_guard_unlock();
}

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    FOREACH_SET(struct criterion_suite_set * s, set->suites)
    {
        FOREACH_SET(struct criterion_test * t, s->tests)
        {
            if (t->data && t->data->disabled)
                continue;
            char id[512];
            snprintf(id, sizeof id, "%s/%s", t->category, t->name);
            json_object_set_new(run.selected, id, json_integer((json_int_t)(intptr_t)t));
            if (run.list_selected)
                printf("%s\n", id);
        }
    }
    run.started = true;
    if (json_object_size(run.selected) == 0)
        ac_filter_hint(set, run.filter, run.hint, sizeof run.hint);
    if (run.list_selected) {
        fflush(stdout);
        if (json_object_size(run.selected) == 0)
            fprintf(stderr, "afterclose: no test selected: does the --filter match any test?%s\n",
                    run.hint);
        exit(json_object_size(run.selected) ? AC_EXIT_OK : AC_EXIT_UNUSABLE);
    }
    ac_guard_set_progress(0, (int)json_object_size(run.selected));
}

ReportHook(PRE_TEST)(struct criterion_test *t)
{
    ac_guard_lock();
    ac_guard_test_started(t->category, t->name, t->data ? t->data->timeout : 0);
    ac_guard_unlock();
}

ReportHook(POST_TEST)(struct criterion_test_stats *st)
{
    finish(st, false);
}

ReportHook(TEST_CRASH)(struct criterion_test_stats *st)
{
    finish(st, true);
}

/* Tests the filter selected that never reported: died in .init/.fini, or lost. */
static void record_unreported(void)
{
    const char *id;
    json_t *v;
    json_object_foreach(run.selected, id, v)
    {
        if (json_object_get(run.recorded, id))
            continue;
        const struct criterion_test *t = (const void *)(intptr_t)json_integer_value(v);
        const char *why = "crashed: no verdict came back (the test process died in its setup or "
                          "teardown, or was lost)";
        fprintf(stderr, "[FAIL] %s: %s\n", id, why);
        record_from_scratch(t, id, "crash", why, 0);
    }
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
    bool root = t->data && t->data->init == ac_scenario_marker;
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
    return AC_EXIT_UNUSABLE;
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
            return AC_EXIT_UNUSABLE;
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

/* Catches what Criterion would accept silently. Returns 0, or AC_EXIT_UNUSABLE after printing
 * the error. */
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
            return AC_EXIT_UNUSABLE;
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
    if (!run.rundir[0])
        return;
    ac_record_remove_dir(run.rundir);
    run.rundir[0] = '\0';
}

/* Scratch directories of runs that were killed outright (SIGKILL leaves no time to clean up):
 * afterclose.<pid>.XXXXXX whose runner is gone. */
static void prune_stale_scratch(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long pid;
        char rest[16];
        if (sscanf(e->d_name, "afterclose.%ld.%15s", &pid, rest) != 2 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its runner is alive (or not ours to ask) */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", tmp, e->d_name);
        ac_record_remove_dir(dir);
    }
    if (d)
        closedir(d);
}

/* Criterion exit()s with 3 on a --filter it cannot compile ("pattern error"), before selecting
 * anything: that is a usage error, and the scratch directory must not stay behind. */
static void at_exit(void)
{
    if (getpid() != run.runner)
        return; /* a solo worker that called exit() mid-test */
    bool bad_filter = !run.started && run.rundir[0];
    remove_rundir();
    if (bad_filter) {
        fprintf(stderr, "afterclose: the --filter pattern is not valid (see above)\n");
        _exit(AC_EXIT_UNUSABLE);
    }
}

/* What every run needs before its first test: the kernel's name for the records, and a scratch
 * directory for the workers (removed at exit). `criterion`: the run is Criterion's, whose killed
 * runs leave files of their own behind. Returns 0, or AC_EXIT_UNUSABLE after saying why. */
static int prepare_run(const char *prog, bool criterion)
{
    struct utsname u;
    snprintf(run.kernel, sizeof run.kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : "/tmp";
    prune_stale_scratch(tmp);
    if (criterion) {
        ac_guard_prune_worker_maps();
        ac_guard_prune_message_servers();
    }
    snprintf(run.rundir, sizeof run.rundir, "%s/afterclose.%ld.XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(run.rundir)) {
        fprintf(stderr, "%s: cannot create a scratch directory in %s: %s\n", prog, tmp,
                strerror(errno));
        run.rundir[0] = '\0';
        return AC_EXIT_UNUSABLE;
    }
    run.runner = getpid();
    atexit(at_exit);
    setenv(AC_RUNDIR_ENV, run.rundir, 1);
    return 0;
}

/* The exit status of a run that ended, from its counts. */
static int run_status(const char *prog)
{
    if (run.unrecorded > 0)
        fprintf(stderr, "%s: %d records could not be written: the results are incomplete\n", prog,
                run.unrecorded);
    if (json_object_size(run.selected) == 0) {
        char what[512];
        snprintf(what, sizeof what, "no test selected: does the --filter match any test?%s",
                 run.hint);
        return usage_error(prog, what);
    }
    if (run.failed > 0)
        return AC_EXIT_FAILED;
    if (run.unrecorded > 0)
        return AC_EXIT_UNUSABLE; /* a CI job must not take it as passed */
    if (run.skipped == run.ran)
        return AC_EXIT_SKIPPED;
    return AC_EXIT_OK;
}

/* The tests a solo run takes (solo.h): those of a run with no option but a --filter, -j and
 * the ones ctest and ci/run-suite pass. NULL: Criterion's runner runs it (also when the filter
 * selects nothing: Criterion says whether the pattern is wrong or only matches nothing). */
struct solo_options {
    bool verbose, short_filename, list_selected;
    int jobs;
};

static const struct criterion_test **solo_candidate(int argc, char **argv, struct solo_options *o,
                                                    size_t *n)
{
    const char *want = getenv(AC_RUNNER_ENV);
    if (want && !strcmp(want, "criterion"))
        return NULL;
    const char *pattern = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *jobs = jobs_value(argc, argv, i);
        if (!strncmp(a, "--filter=", 9) && !pattern && a[9])
            pattern = a + 9;
        else if (!strcmp(a, "--short-filename") || !strcmp(a, "-S"))
            o->short_filename = true;
        else if (!strcmp(a, "--verbose"))
            o->verbose = true;
        else if (!strcmp(a, "--afterclose-selected"))
            o->list_selected = true;
        else if (jobs && *jobs && strspn(jobs, "0123456789") == strlen(jobs)) {
            o->jobs = atoi(jobs);
            i += !strcmp(a, "-j") || !strcmp(a, "--jobs");
        } else
            return NULL;
    }
    const struct criterion_test **tests = ac_solo_select(pattern, n);
    if (tests && *n == 0) {
        free(tests);
        return NULL;
    }
    return tests;
}

struct solo_run {
    bool verbose;
    int crashed;
    json_t *running; /* when interrupted */
};

static void solo_started(const struct criterion_test *t, void *ctx)
{
    const struct solo_run *c = ctx;
    if (c->verbose)
        fprintf(stderr, "[RUN ] %s::%s\n", t->category, t->name);
}

static void solo_ended(const struct criterion_test *t, const struct ac_solo_end *end, void *ctx)
{
    struct solo_run *c = ctx;
    char id[512];
    snprintf(id, sizeof id, "%s/%s", t->category, t->name);
    const char *verdict = end->killed || end->timed_out   ? "timeout"
                          : end->signal || end->exit_code ? "crash"
                          : end->skipped                  ? "skip"
                          : end->failed                   ? "fail"
                                                          : "pass";
    int passed = run.passed, failed = run.failed;
    conclude(t, id, verdict, end->killed, end->signal, end->exit_code,
             end->message[0] ? end->message : NULL, end->elapsed_s);
    bool crash = !strcmp(verdict, "crash") || !strcmp(verdict, "timeout");
    c->crashed += crash;
    /* Criterion's closing line of a test, for a reader of ctest's output. */
    if (run.failed > failed && !crash)
        fprintf(stderr, "[FAIL] %s::%s: (%.2fs)\n", t->category, t->name, end->elapsed_s);
    else if (c->verbose && run.passed > passed)
        fprintf(stderr, "[PASS] %s::%s: (%.2fs)\n", t->category, t->name, end->elapsed_s);
}

static void solo_interrupted_while(const struct criterion_test *t, void *ctx)
{
    struct solo_run *c = ctx;
    json_array_append_new(c->running, json_sprintf("%s/%s", t->category, t->name));
}

static int run_solo(const struct criterion_test **tests, size_t n, const struct solo_options *o,
                    int argc, char **argv)
{
    if (o->list_selected) {
        for (size_t i = 0; i < n; i++)
            printf("%s/%s\n", tests[i]->category, tests[i]->name);
        return AC_EXIT_OK;
    }
    int info_only = 0;
    int bad = check_args(argc, argv, &info_only);
    if (!bad)
        bad = check_env(argv[0]);
    if (bad || (bad = prepare_run(argv[0], false)))
        return bad;
    run.started = true;
    for (size_t i = 0; i < n; i++) {
        char id[512];
        snprintf(id, sizeof id, "%s/%s", tests[i]->category, tests[i]->name);
        json_object_set_new(run.selected, id, json_integer((json_int_t)(intptr_t)tests[i]));
    }
    struct solo_run c = {.verbose = o->verbose, .running = json_array()};
    struct ac_solo_hooks hooks = {solo_started, solo_ended, solo_interrupted_while};
    const char *env_jobs = getenv("CRITERION_JOBS"); /* Criterion's default, kept */
    int jobs = o->jobs > 0                      ? o->jobs
               : env_jobs && atoi(env_jobs) > 0 ? atoi(env_jobs)
                                                : (int)sysconf(_SC_NPROCESSORS_ONLN);
    int sig =
        ac_solo_run_all(tests, n, jobs, ac_guard_default_limit(), o->short_filename, &hooks, &c);
    if (sig < 0) {
        fprintf(stderr, "%s: cannot start a test's process: %s\n", argv[0], strerror(-sig));
        return AC_EXIT_UNUSABLE;
    }
    if (sig > 0) {
        ac_guard_report_interrupt(getenv(AC_RESULTS_ENV), sig, c.running, run.ran, (int)n);
        remove_rundir();
        ac_guard_die_of(sig);
    }
    json_decref(c.running);
    fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d \n",
            run.ran - run.skipped, run.passed, run.failed - c.crashed, c.crashed);
    int status = run_status(argv[0]);
    remove_rundir();
    return status;
}

/* Takes --afterclose-selected out of argv (Criterion would refuse it). */
static bool take_flag(int *argc, char **argv, const char *flag)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], flag) == 0) {
            memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof *argv);
            (*argc)--;
            return true;
        }
    }
    return false;
}

/* --filter=suite/test naming one test exactly (what ctest runs): select it here. Criterion's
 * matcher compiles the pattern and matches every test name against it, at a cost that grows with
 * the square of the name length (43 ms median per ctest test, 362 ms for the longest name);
 * disabling the other tests is all its filter does in the end. Patterns go to Criterion. */
static void select_literal_filter(struct criterion_test_set *set, int *argc, char **argv)
{
    for (int i = 1; i < *argc; i++) {
        const char *name = !strncmp(argv[i], "--filter=", 9) ? argv[i] + 9 : NULL;
        if (!name || strpbrk(name, "*?[]{}()|!@+\\"))
            continue;
        struct criterion_test *match = NULL;
        FOREACH_SET(struct criterion_suite_set * s, set->suites)
        {
            FOREACH_SET(struct criterion_test * t, s->tests)
            {
                size_t n = strlen(t->category);
                if (!strncmp(name, t->category, n) && name[n] == '/' &&
                    !strcmp(name + n + 1, t->name))
                    match = t;
            }
        }
        if (!match)
            return; /* Criterion selects nothing, and the run says so */
        FOREACH_SET(struct criterion_suite_set * s, set->suites)
        {
            FOREACH_SET(struct criterion_test * t, s->tests)
            {
                if (t != match && t->data)
                    t->data->disabled = true;
            }
        }
        take_flag(argc, argv, argv[i]);
        return;
    }
}

/* The libraries the suite opens on demand, one path a line: what ldd cannot see. */
static int list_on_demand(void)
{
    char path[4096];
    if (ac_nft_library_path(path, sizeof path) != 0) {
        fprintf(stderr, "afterclose: %s\n", path);
        return AC_EXIT_UNUSABLE;
    }
    printf("%s\n", path);
    return AC_EXIT_OK;
}

/* Every scenario starts in a namespace of its own. A constructor, not main(): Criterion's workers
 * run the tests without passing through main(). */
__attribute__((constructor)) static void wire_scenario_fixture(void)
{
    ac_scenario_set_fixture(ac_netns_enter);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--afterclose-on-demand"))
        return list_on_demand();
    ac_guard_early();
    ac_record_default_results();
    enter_user_namespace();
    run.selected = json_object();
    run.recorded = json_object();
    struct solo_options solo_opts = {0};
    size_t n_solo = 0;
    const struct criterion_test **solo = solo_candidate(argc, argv, &solo_opts, &n_solo);
    if (solo) {
        int status = run_solo(solo, n_solo, &solo_opts, argc, argv);
        free(solo);
        return status;
    }
    struct criterion_test_set *tests = criterion_initialize();
    if (argc == 2 && !strcmp(argv[1], "--afterclose-list")) {
        list_for_ctest(tests);
        criterion_finalize(tests);
        return AC_EXIT_OK;
    }
    if (argc == 2 && !strcmp(argv[1], "--afterclose-describe")) {
        describe_as_json(tests);
        criterion_finalize(tests);
        return AC_EXIT_OK;
    }
    run.list_selected = take_flag(&argc, argv, "--afterclose-selected");
    for (int i = 1; i < argc; i++)
        if (!strncmp(argv[i], "--filter=", 9))
            run.filter = argv[i] + 9;
    select_literal_filter(tests, &argc, argv);

    int info_only = 0;
    int bad = check_args(argc, argv, &info_only);
    for (int i = 1; !bad && i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            ac_runner_help(stdout, argv[0]); /* afterclose's own, not Criterion's stock text */
            criterion_finalize(tests);
            return AC_EXIT_OK;
        }
    }
    if (!bad && !info_only && !run.list_selected)
        bad = check_env(argv[0]);
    if (bad) {
        criterion_finalize(tests);
        return bad;
    }

    if (prepare_run(argv[0], true) != 0) {
        criterion_finalize(tests);
        return AC_EXIT_UNUSABLE;
    }

    int status;
    if (!criterion_handle_args(argc, argv, true)) {
        run.started = true; /* --help, --version: Criterion printed what was asked */
        status = info_only ? AC_EXIT_OK : usage_error(argv[0], "bad option");
    } else {
        int err = run.list_selected ? 0 : ac_guard_start(getenv(AC_RESULTS_ENV), run.rundir);
        if (err) {
            fprintf(stderr, "%s: cannot start the run's guard: %s\n", argv[0], strerror(err));
            criterion_finalize(tests);
            return AC_EXIT_UNUSABLE;
        }
        /* No global --timeout default here: Criterion's global timeout replaces the tests' own
         * .timeout (a 60 s TIME_WAIT test would be cut short). A hung test is ended by the
         * guard's watchdog (runguard.h), and under ctest by its per-test TIMEOUT too. */
        criterion_run_all_tests(tests);
        ac_guard_lock();
        record_unreported();
        ac_guard_unlock();
        status = run_status(argv[0]);
    }
    criterion_finalize(tests);
    remove_rundir();
    return status;
}
