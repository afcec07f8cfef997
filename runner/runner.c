/* The suite binaries' main(): selects the tests, runs each in a worker of its own (run.c), and
 * gives every selected test exactly one verdict and one record (docs/results-format.md), crashes
 * and deaths in setup included. Criterion's runner is never started: its silent mistakes (exit 0
 * on an unknown option or a filter matching nothing) are not ours; see --help for the rest. */
#define _GNU_SOURCE
#include "exitstatus.h"
#include "runner.h"
#include "../fixtures/nft.h"
#include "../fixtures/netns.h"
#include "../harness/actest.h"
#include "../harness/record.h"
#include "errname.h"
#include "output.h"
#include "results.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#define DEFAULT_LIMIT_S 45.0 /* below ctest's 60 s, so the run's own record says what happened */

static struct {
    int ran, passed, failed, skipped, crashed, unrecorded, broken;
    int fail_fast;              /* --fail-fast=N: start no test once N have not held (0: off) */
    bool verbose, joined, lost; /* lost: the results file was deleted or replaced mid-run */
    size_t selected;
    char kernel[256], rundir[4096];
    const char *prog;
} run;

static int usage_error(const char *what)
{
    fprintf(stderr, "%s: %s (see %s --help)\n", run.prog, what, run.prog);
    return AC_EXIT_UNUSABLE;
}

/* "root,slow,machine-wide,waits" (those that apply, in this order), or "-" for none. */
static const char *labels_of(const struct criterion_test *t)
{
    static char labels[64];
    const struct ac_meta *m = ac_meta_of(t);
    snprintf(labels, sizeof labels, "%s%s%s%s", m && m->scenario ? ",root" : "",
             m && m->slow ? ",slow" : "", m && m->machine_wide ? ",machine-wide" : "",
             m && m->waits ? ",waits" : "");
    return labels[0] ? labels + 1 : "-";
}

/* What a scenario must leave behind to pass: that its body ran to the end, the interface it ran
 * on, and a claim among its checks. NULL: it did. */
static const char *missing_evidence(const struct criterion_test *t, const char *obs, json_t *rec)
{
    if (!ac_meta_of(t) || !ac_meta_of(t)->scenario)
        return NULL;
    if (!ac_record_was_completed(obs))
        return "passed without saying that it ran to the end: it exited early, or its records "
               "could not be written";
    if (!strcmp(json_string_value(json_object_get(rec, "iface_kind")), "none"))
        return "passed without recording the interface it ran on: no evidence";
    /* no check at all is no claim either: every reader refuses such a pass */
    if (ac_claim_count(json_object_get(rec, "checks")) == 0)
        return "passed without a claim: a scenario marks the checks it exists to prove with "
               "AC_CLAIM";
    return NULL;
}

/* The record of a test, from what its worker left in its scratch file (used up). */
static void write_record(const struct criterion_test *t, const char *id, const char *verdict,
                         const char *reason, double elapsed_s)
{
    char *obs = ac_record_scratch_read(run.rundir, t->category, t->name);
    char scratch[4096];
    ac_record_scratch_path(scratch, sizeof scratch, run.rundir, t->category, t->name);
    unlink(scratch);
    json_t *rec = ac_record_build(id, run.kernel, verdict, reason, obs);
    const char *missing = !strcmp(verdict, "pass") ? missing_evidence(t, obs, rec) : NULL;
    if (missing) {
        fprintf(stderr, "[FAIL] %s: %s\n", id, missing);
        json_decref(rec);
        verdict = "fail";
        rec = ac_record_build(id, run.kernel, verdict, missing, obs);
    }
    run.ran++;
    run.passed += !strcmp(verdict, "pass");
    run.skipped += !strcmp(verdict, "skip");
    run.broken += !strcmp(verdict, "broken"); /* the environment's, not the kernel's: no fail */
    run.failed += strcmp(verdict, "pass") && strcmp(verdict, "skip") && strcmp(verdict, "broken");
    if (ac_runfile_active()) {
        json_object_set_new(rec, "elapsed_ms", json_real(elapsed_s * 1000.0)); /* ci/bench's */
        int err = ac_runfile_write(rec);
        run.lost = run.lost || err == AC_RUNFILE_LOST;
        if (err && err != AC_RUNFILE_LOST) {
            fprintf(stderr, "afterclose: cannot write the record of %s to %s: %s\n", id,
                    getenv(AC_RESULTS_ENV), strerror(-err));
            run.unrecorded++;
        }
    }
    json_decref(rec);
    free(obs);
}

void ac_started(const struct criterion_test *t)
{
    if (run.verbose)
        fprintf(stderr, "[RUN ] %s::%s\n", t->category, t->name);
}

void ac_ended(const struct criterion_test *t, const struct ac_end *e)
{
    char id[512], why[256];
    snprintf(id, sizeof id, "%s/%s", t->category, t->name);
    const char *msg = e->report.message[0] ? e->report.message : NULL;
    bool crash = e->signal || e->exit_code, timeout = e->killed || e->timed_out;
    bool broken = e->report.broken[0] && !crash && !timeout;
    const char *verdict = timeout             ? "timeout"
                          : crash             ? "crash"
                          : broken            ? "broken"
                          : e->report.skipped ? "skip"
                          : e->report.failed  ? "fail"
                                              : "pass";
    const char *reason = broken ? e->report.broken : msg;
    if (e->killed)
        reason = "killed by the run's watchdog: it ran past its time limit (frozen or hung)";
    else if (timeout)
        reason = "timed out";
    else if (e->signal)
        snprintf(why, sizeof why, "crashed: the test process died of SIG%s",
                 sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?");
    else if (crash)
        snprintf(why, sizeof why, "crashed: the test process exited (status %d) mid-test",
                 e->exit_code);
    reason = crash && !timeout ? why : reason;
    if (broken)
        fprintf(stderr, "[BROKEN] %s: %s\n", id, reason);
    else if (e->report.skipped && !crash && !timeout)
        fprintf(stderr, "[SKIP] %s: %s\n", id, msg ? msg : "");
    else if (crash || timeout)
        fprintf(stderr, "[FAIL] %s: %s\n", id, reason);
    int passed = run.passed, failed = run.failed;
    write_record(t, id, verdict, reason, e->elapsed_s);
    run.crashed += crash || timeout;
    if (run.failed > failed && !crash && !timeout) /* Criterion's closing line of a test */
        fprintf(stderr, "[FAIL] %s::%s: (%.2fs)\n", t->category, t->name, e->elapsed_s);
    else if (run.verbose && run.passed > passed)
        fprintf(stderr, "[PASS] %s::%s: (%.2fs)\n", t->category, t->name, e->elapsed_s);
}

bool ac_stop_starting(void)
{
    return run.fail_fast > 0 && run.failed >= run.fail_fast;
}

/* --fail-fast stopped the run: says so, and marks the set {"interrupted": "fail-fast"}; no seal
 * follows (the tests not started have no record), so every reader refuses it as incomplete. */
static void report_fail_fast(void)
{
    const char *results = ac_runfile_active() ? getenv(AC_RESULTS_ENV) : NULL;
    fprintf(stderr,
            "afterclose: stopped: %d of the tests that ran did not hold (--fail-fast=%d); %zu of "
            "%zu selected tests not run\n",
            run.failed, run.fail_fast, run.selected - (size_t)run.ran, run.selected);
    json_t *marker =
        json_pack("{s:s, s:[], s:i, s:i, s:i}", "interrupted", "fail-fast", "running", "finished",
                  run.ran, "selected", (int)run.selected, "failed", run.failed);
    if (results && ac_runfile_write(marker) < 0)
        fprintf(stderr, "afterclose: cannot mark %s as stopped early; remove it\n", results);
    json_decref(marker);
}

/* Says on stderr that `sig` stopped the run while `running` ran, and appends the
 * {"interrupted": ...} line that makes every reader refuse the results file. */
static void report_interrupt(int sig, const struct criterion_test **running, size_t n)
{
    const char *results = ac_runfile_active() ? getenv(AC_RESULTS_ENV) : NULL;
    char names[1024] = "", signame[16];
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *id = json_sprintf("%s/%s", running[i]->category, running[i]->name);
        if (strlen(names) + json_string_length(id) + 3 < sizeof names)
            strcat(strcat(names, names[0] ? ", " : ""), json_string_value(id));
        json_array_append_new(ids, id);
    }
    snprintf(signame, sizeof signame, "SIG%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    fprintf(stderr,
            "afterclose: interrupted by %s while running %s; %d of %zu tests had finished%s%s%s\n",
            signame, names[0] ? names : "no test", run.ran, run.selected, results ? "; " : "",
            results ? results : "", results ? " is marked interrupted (incomplete)" : "");
    json_t *marker = json_pack("{s:s, s:o, s:i, s:i}", "interrupted", signame, "running", ids,
                               "finished", run.ran, "selected", (int)run.selected);
    /* no seal follows: readers refuse the file either way, the mark says why */
    if (results && ac_runfile_write(marker) < 0)
        fprintf(stderr, "afterclose: cannot mark %s as interrupted; remove it\n", results);
    json_decref(marker);
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

/* Not root: become root of a new user namespace, so the workers may make network namespaces.
 * Where that is refused, the scenarios skip with the reason (fixtures/netns.c). */
static void enter_user_namespace(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64], why[256];
    unsetenv("AFTERCLOSE_USERNS_ERROR"); /* the runner's word to its workers, not the caller's */
    if (uid == 0)
        return;
    const char *no = getenv("AFTERCLOSE_NO_USERNS");
    if (no && !strcmp(no, "1")) {
        setenv("AFTERCLOSE_USERNS_ERROR", "not tried: AFTERCLOSE_NO_USERNS is set", 1);
        return;
    }
    int err = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
    if (!err)
        err = write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (!err)
        err = write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (!err)
        err = write_file("/proc/self/gid_map", map);
    if (err) {
        snprintf(why, sizeof why, "unshare(CLONE_NEWUSER) as uid %u: %s", (unsigned)uid,
                 strerror(err));
        setenv("AFTERCLOSE_USERNS_ERROR", why, 1);
    }
}

/* A source file as the docs link it: relative to the checkout the suite was built from. */
static const char *source_path(const char *file)
{
    size_t n = strlen(AC_SOURCE_DIR);
    return strncmp(file, AC_SOURCE_DIR, n) == 0 ? file + n : file;
}

/* The tests and the facts their definitions state, as JSON, for the docs generator. */
static void describe_as_json(const struct criterion_test **tests, size_t n)
{
    json_t *all = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct criterion_test *t = tests[i];
        const char *d = t->data->description ? t->data->description : "";
        json_t *o = json_pack("{s:s++, s:s, s:s, s:s, s:s, s:f}", "test", t->category, "/", t->name,
                              "suite", t->category, "description", d, "suite_description",
                              ac_suite_description(t->category), "labels", labels_of(t), "timeout",
                              t->data->timeout);
        if (t->data->file_) /* the docs link each row to its source line */
            json_object_set_new(o, "source",
                                json_sprintf("%s:%u", source_path(t->data->file_), t->data->line_));
        const struct ac_meta *m = ac_meta_of(t);
        if (m && m->has_expected)
            json_object_set_new(o, "expected", json_string(ac_errname(m->expected)));
        if (m && m->grid.state)
            json_object_set_new(o, "grid",
                                json_pack("{s:s, s:s, s:s}", "state", m->grid.state, "reuse",
                                          ac_grid_reuse_name(m->grid.reuse), "address",
                                          ac_grid_address_name(m->grid.address)));
        if (m && m->changed.since) /* "6.10": the release the current rule starts with */
            json_object_set_new(
                o, "changed",
                json_pack("{s:o, s:s, s:s}", "since",
                          json_sprintf("%d.%d", m->changed.since / 1000, m->changed.since % 1000),
                          "commit", m->changed.commit, "title", m->changed.title));
        if (m && m->proves)
            json_object_set_new(o, "proves", json_string(m->proves));
        json_array_append_new(all, o);
    }
    char *text = json_dumps(all, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
    json_decref(all);
}

/* Criterion's --list: each suite, then its tests as a tree. */
static void list_tree(const struct criterion_test **tests, size_t n)
{
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && !strcmp(tests[j]->category, tests[i]->category); j++)
            ;
        printf("%s: %zu test%s\n", tests[i]->category, j - i, j - i == 1 ? "" : "s");
        for (size_t k = i; k < j; k++)
            printf("%s %s\n", k + 1 == j ? "└──" : "├──", tests[k]->name);
    }
}

/* A filter without '/' that matches suite names selects no test: say how to select their tests. */
static void filter_hint(const char *filter, const struct criterion_test **tests, size_t n,
                        char *out, size_t len)
{
    out[0] = '\0';
    for (size_t i = 0; filter && !strchr(filter, '/') && i < n; i++)
        if (fnmatch(filter, tests[i]->category, FNM_EXTMATCH) == 0) {
            snprintf(out, len, " (did you mean --filter '%s/*'?)", filter);
            return;
        }
}

/* Scratch directories (afterclose.<pid>.XXXXXX) of runs killed outright, whose runner is gone. */
static void prune_stale_scratch(const char *tmp)
{
    DIR *d = opendir(tmp);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        long pid;
        char rest[16], dir[4096];
        if (strncmp(e->d_name, "afterclose.", 11) != 0 || /* a shared /tmp holds thousands */
            sscanf(e->d_name, "afterclose.%ld.%15s", &pid, rest) != 2 || pid <= 0 ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(dir, sizeof dir, "%s/%s", tmp, e->d_name);
        ac_record_remove_dir(dir);
    }
    if (d)
        closedir(d);
}

/* Where the runs' scratch directories go: TMPDIR, else /tmp. */
static const char *scratch_parent(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && *tmp ? tmp : "/tmp";
}

/* The selected tests' names, for the run's header. */
static json_t *names_of(const struct criterion_test **tests, size_t n)
{
    json_t *names = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(names, json_sprintf("%s/%s", tests[i]->category, tests[i]->name));
    return names;
}

/* What the run needs before its first test: the kernel's name, a scratch directory, and the
 * results file (an unwritable one would lose every record): a run of its own, or the run this
 * runner joins. */
static int prepare_run(const char *results_from, const struct criterion_test **tests, size_t n)
{
    struct utsname u;
    snprintf(run.kernel, sizeof run.kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
    const char *tmp = scratch_parent(), *results = getenv(AC_RESULTS_ENV);
    const char *join = getenv(AC_RESULTS_JOIN_ENV);
    run.joined = results && *results && join && !strcmp(join, "1");
    if (!run.joined) /* a joined run's opener prunes (one ctest test need not read /tmp) */
        prune_stale_scratch(tmp);
    snprintf(run.rundir, sizeof run.rundir, "%s/afterclose.%ld.XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(run.rundir)) {
        fprintf(stderr, "%s: cannot create a scratch directory in %s (TMPDIR): %s\n", run.prog, tmp,
                strerror(errno));
        return AC_EXIT_UNUSABLE;
    }
    setenv(AC_RUNDIR_ENV, run.rundir, 1);
    if (!results || !*results)
        return 0;
    json_t *names = names_of(tests, n);
    int status = run.joined ? ac_runfile_join(run.prog, results, run.kernel, names)
                            : ac_runfile_open(run.prog, results, results_from, run.kernel, names);
    json_decref(names);
    if (status)
        ac_record_remove_dir(run.rundir);
    return status;
}

/* --afterclose-open[=LIST]: opens a run in AFTERCLOSE_RESULTS for the tests that LIST names (one
 * a line, any binary's), or that --filter selects, for runners that join it; runs nothing. */
static int open_mode(const char *list, const struct criterion_test **tests, size_t n)
{
    int jobs = 0;
    double limit = DEFAULT_LIMIT_S;
    if (!ac_environment_ok(run.prog, &jobs, &limit))
        return AC_EXIT_UNUSABLE;
    const char *from = getenv(AC_RESULTS_ENV) ? AC_RESULTS_ENV : AC_RESULTS_DEFAULT_ENV;
    ac_record_default_results();
    const char *results = getenv(AC_RESULTS_ENV);
    if (!results || !*results)
        return usage_error(
            "--afterclose-open needs AFTERCLOSE_RESULTS, the file to open the run in");
    char err[512];
    json_t *names = *list ? json_array() : names_of(tests, n), *listed = NULL, *v;
    const char *t;
    if (*list && !(listed = ac_results_load_list(list, err, sizeof err))) {
        fprintf(stderr, "%s: --afterclose-open: %s\n", run.prog, err);
        json_decref(names);
        return AC_EXIT_UNUSABLE;
    }
    json_object_foreach(listed, t, v)
    {
        json_array_append_new(names, json_string(t));
    }
    json_decref(listed);
    struct utsname u;
    snprintf(run.kernel, sizeof run.kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
    enter_user_namespace(); /* the header's interface kind is what the workers will get */
    prune_stale_scratch(scratch_parent()); /* for the runners that join: they do not */
    int status = ac_runfile_open(run.prog, results, from, run.kernel, names);
    if (!status)
        printf("afterclose: run %s opened in %s: %zu tests selected\n", ac_runfile_run(), results,
               json_array_size(names));
    json_decref(names);
    ac_runfile_close();
    if (!status && !ac_output_done(stdout, run.prog, "to stdout"))
        status = AC_EXIT_UNUSABLE;
    return status;
}

/* --afterclose-seal: seals the run in AFTERCLOSE_RESULTS once every selected test has a record. */
static int seal_mode(void)
{
    int jobs = 0;
    double limit = DEFAULT_LIMIT_S;
    if (!ac_environment_ok(run.prog, &jobs, &limit))
        return AC_EXIT_UNUSABLE;
    ac_record_default_results();
    const char *results = getenv(AC_RESULTS_ENV);
    if (!results || !*results)
        return usage_error("--afterclose-seal needs AFTERCLOSE_RESULTS, the file of the run");
    int status = ac_runfile_seal_path(run.prog, results);
    ac_runfile_close();
    if (!status && !ac_output_done(stdout, run.prog, "to stdout"))
        status = AC_EXIT_UNUSABLE;
    return status;
}

static void help(const char *prog)
{
    printf("usage: %s [OPTIONS]\n"
           "The afterclose scenarios (Criterion tests), each in a process and a network namespace\n"
           "of its own, forked by this runner.\n\n"
           "Options:\n"
           "  --filter=PATTERN        run the tests matching PATTERN (suite/test, extended globs\n"
           "                          as fnmatch(3): 'timewait/*', '@(a|b)/*', '!(timers/*)');\n"
           "                          exit 2 if it matches nothing\n"
           "  -jN, -j N, --jobs=N     N tests at once (default: CRITERION_JOBS, else the number\n"
           "                          of CPUs; under ctest -j use -j1); beside them, up to 4N\n"
           "                          tests labelled waits (asleep on a kernel timer), which\n"
           "                          start first\n"
           "  -l, --list              list the tests and exit\n"
           "  --verbose[=LEVEL]       a line as each test starts and passes\n"
           "  --fail-fast=N           start no more tests once N have failed, crashed or timed\n"
           "                          out; the results file is marked incomplete\n"
           "  -S, --short-filename    base names of source files in failure messages\n"
           "  --afterclose-list       the tests as 'suite/test<TAB>labels<TAB>timeout' lines\n"
           "                          (labels: root = needs a network namespace, slow,\n"
           "                          machine-wide = runs only where AFTERCLOSE_OWN_MACHINE=1,\n"
           "                          waits = asleep on a kernel timer nearly all its time)\n"
           "  --afterclose-describe   the tests, their rules and facts as JSON (for the docs)\n"
           "  --afterclose-on-demand\n"
           "                          libraries opened on demand (libnftables), one path a line\n"
           "  --afterclose-selected   the tests --filter selects, one per line; run nothing\n"
           "  --afterclose-seal       seal the run in AFTERCLOSE_RESULTS if every test it\n"
           "                          selected has its record; else name those without one\n"
           "  --afterclose-open[=LIST]\n"
           "                          open a run in AFTERCLOSE_RESULTS for the tests --filter\n"
           "                          selects (or LIST names, one a line) for runners that join\n"
           "                          it; run nothing\n"
           "  -h, --help              this text\n"
           "Criterion's other options are refused; its reports: afterclose ktap / junit.\n\n"
           "Environment:\n"
           "  AFTERCLOSE_RESULTS=FILE      the run's results (docs/results-format.md): FILE is\n"
           "                               emptied, then holds a header, one JSON record per\n"
           "                               test, and a seal once every test has its record\n"
           "  AFTERCLOSE_RESULTS_DEFAULT=FILE  the same when AFTERCLOSE_RESULTS is unset (the\n"
           "                               ctest registration sets it)\n"
           "  AFTERCLOSE_RESULTS_JOIN=1    append to the run opened in that file instead (its\n"
           "                               header must select these tests); no seal\n"
           "  AFTERCLOSE_IFACE=veth|dummy  the link kind carrying 192.168.1.100 (default: dummy\n"
           "                               where the kernel has it, else veth)\n"
           "  AFTERCLOSE_NO_USERNS=1       not root: do not enter a user namespace (the\n"
           "                               scenarios then skip, with the reason); 0: do\n"
           "  AFTERCLOSE_OWN_MACHINE=1     this machine is the suite's own (a guest ci/matrix\n"
           "                               booted): run the tests that change machine-wide\n"
           "                               state (label machine-wide); else they skip\n"
           "  AFTERCLOSE_WATCHDOG=SECONDS  end a test without a .timeout of its own that runs\n"
           "                               longer as timed out (default: %.0f s)\n"
           "  TMPDIR                       where the run's scratch directory goes\n"
           "A bad value of one of these (or of CRITERION_JOBS): one line naming it, exit %d.\n"
           "Not root, the runner enters a user namespace of its own before any test starts;\n"
           "where that is refused every scenario skips and says why.\n\n"
           "Exit status:\n"
           "  %-3d every test that ran passed (some may have skipped)\n"
           "  %-3d a test failed, crashed or timed out\n"
           "  %-3d usage error (unknown option, a filter matching nothing, an unwritable\n"
           "      results file), or the results are unusable: a record could not be\n"
           "      written, the results file was deleted or replaced during the run\n"
           "  %-3d none failed, but a test was broken: the environment could not set it up\n"
           "      (RLIMIT_NOFILE or RLIMIT_NPROC below its need, no space, a missing right)\n"
           "  %-3d every test that ran skipped (ctest's SKIP_RETURN_CODE)\n"
           "  129, 130, 143  interrupted by SIGHUP, SIGINT, SIGTERM: every test was stopped\n"
           "      and the results file is marked interrupted, never sealed (readers refuse it)\n",
           prog, DEFAULT_LIMIT_S, AC_EXIT_UNUSABLE, AC_EXIT_OK, AC_EXIT_FAILED, AC_EXIT_UNUSABLE,
           AC_EXIT_BROKEN, AC_EXIT_SKIPPED);
}

static int by_suite_then_name(const void *a, const void *b)
{
    const struct criterion_test *x = *(const struct criterion_test *const *)a;
    const struct criterion_test *y = *(const struct criterion_test *const *)b;
    int c = strcmp(x->category, y->category);
    return c ? c : strcmp(x->name, y->name);
}

/* -j N, -jN, --jobs N, --jobs=N: the number, or "" when it is missing. */
static const char *jobs_value(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strncmp(a, "--jobs=", 7) || (!strncmp(a, "-j", 2) && a[2] && a[2] != '-'))
        return strchr(a, '=') ? strchr(a, '=') + 1 : a + 2;
    if (strcmp(a, "-j") && strcmp(a, "--jobs"))
        return NULL;
    return *i + 1 < argc ? argv[++*i] : "";
}

/* Every scenario starts in a namespace of its own (a constructor: it holds in the workers too). */
__attribute__((constructor)) static void wire_scenario_fixture(void)
{
    ac_scenario_set_fixture(ac_netns_enter);
}

int main(int argc, char **argv)
{
    run.prog = argv[0];
    if (argc == 2 && !strcmp(argv[1], "--afterclose-on-demand")) {
        char path[4096];
        int err = ac_nft_library_path(path, sizeof path);
        fprintf(err ? stderr : stdout, "%s%s\n", err ? "afterclose: " : "", path);
        if (!err && !ac_output_done(stdout, run.prog, "the library path to stdout"))
            return AC_EXIT_UNUSABLE;
        return err ? AC_EXIT_UNUSABLE : AC_EXIT_OK;
    }
    const char *filter = NULL, *j;
    int jobs = 0; /* -j, else CRITERION_JOBS, else the number of CPUs */
    bool short_names = false, do_help = false, do_list = false, ctest_list = false;
    bool describe = false, selected_only = false, seal_only = false;
    const char *open_list = NULL; /* --afterclose-open: "" (the --filter's tests) or LIST */
    char why[512];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((j = jobs_value(argc, argv, &i))) {
            if (!ac_parse_count(j, AC_MAX_JOBS, &jobs))
                return usage_error("--jobs takes a number from 1 to 1024, e.g. -j2");
        } else if (!strncmp(a, "--filter=", 9) && a[9])
            filter = a + 9;
        else if (!strcmp(a, "--filter") || !strcmp(a, "--filter="))
            return usage_error("--filter needs a pattern: --filter=suite/test");
        else if (!strncmp(a, "--fail-fast", 11) && (a[11] == '=' || !a[11])) {
            if (!a[11] || !ac_parse_count(a + 12, 1000000, &run.fail_fast))
                return usage_error(
                    "--fail-fast takes a number of failed tests, e.g. --fail-fast=1");
        } else if (!strcmp(a, "-S") || !strcmp(a, "--short-filename"))
            short_names = true;
        else if (!strcmp(a, "--verbose") || !strncmp(a, "--verbose=", 10))
            run.verbose = true;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            do_help = true;
        else if (!strcmp(a, "-l") || !strcmp(a, "--list"))
            do_list = true;
        else if (!strcmp(a, "--afterclose-list"))
            ctest_list = true;
        else if (!strcmp(a, "--afterclose-describe"))
            describe = true;
        else if (!strcmp(a, "--afterclose-selected"))
            selected_only = true;
        else if (!strcmp(a, "--afterclose-open") || !strncmp(a, "--afterclose-open=", 18))
            open_list = a[17] ? a + 18 : "";
        else if (!strcmp(a, "--afterclose-seal"))
            seal_only = true;
        else if (!strcmp(a, "--always-succeed"))
            return usage_error("--always-succeed would hide failures; not allowed");
        else {
            snprintf(why, sizeof why, "%s %s",
                     a[0] == '-' ? "unknown option" : "unexpected argument", a);
            return usage_error(why);
        }
    }
    if (do_help) {
        help(argv[0]);
        return ac_output_done(stdout, run.prog, "the help to stdout") ? AC_EXIT_OK
                                                                      : AC_EXIT_UNUSABLE;
    }
    if (open_list && *open_list && filter)
        return usage_error("--afterclose-open=LIST and --filter exclude each other");
    if (seal_only)
        return seal_mode();
    size_t n_all = 0, n = 0;
    const struct criterion_test **tests = ac_tests(&n_all);
    if (!tests)
        return AC_EXIT_UNUSABLE;
    if (ctest_list || describe || do_list) {
        qsort(tests, n_all, sizeof *tests, by_suite_then_name);
        for (size_t i = 0; ctest_list && i < n_all; i++)
            printf("%s/%s\t%s\t%g\n", tests[i]->category, tests[i]->name, labels_of(tests[i]),
                   tests[i]->data->timeout);
        if (describe)
            describe_as_json(tests, n_all);
        if (do_list)
            list_tree(tests, n_all);
        return ac_output_done(stdout, run.prog, "the test list to stdout") ? AC_EXIT_OK
                                                                           : AC_EXIT_UNUSABLE;
    }
    for (size_t i = 0; i < n_all; i++) {
        char id[512];
        snprintf(id, sizeof id, "%s/%s", tests[i]->category, tests[i]->name);
        if (!tests[i]->data->disabled && (!filter || !fnmatch(filter, id, FNM_EXTMATCH)))
            tests[n++] = tests[i];
    }
    qsort(tests, n, sizeof *tests, by_suite_then_name); /* the selected only: ctest runs one */
    run.selected = n;
    if (n == 0) {
        filter_hint(filter, tests, n_all, why, sizeof why);
        if (selected_only) {
            fprintf(stderr, "afterclose: no test selected: does the --filter match any test?%s\n",
                    why);
            return AC_EXIT_UNUSABLE;
        }
        char what[600];
        snprintf(what, sizeof what, "no test selected: does the --filter match any test?%s", why);
        return usage_error(what);
    }
    if (open_list)
        return open_mode(open_list, tests, n);
    for (size_t i = 0; selected_only && i < n; i++)
        printf("%s/%s\n", tests[i]->category, tests[i]->name);
    if (selected_only)
        return ac_output_done(stdout, run.prog, "the selected tests to stdout") ? AC_EXIT_OK
                                                                                : AC_EXIT_UNUSABLE;

    int env_jobs = 0;
    double limit = DEFAULT_LIMIT_S;
    if (!ac_environment_ok(run.prog, &env_jobs, &limit))
        return AC_EXIT_UNUSABLE;
    jobs = jobs ? jobs : env_jobs ? env_jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    const char *results_from = getenv(AC_RESULTS_ENV) ? AC_RESULTS_ENV : AC_RESULTS_DEFAULT_ENV;

    prctl(PR_SET_PDEATHSIG, SIGTERM); /* the parent gone: an interrupt, so the results say so */
    ac_record_default_results();
    ac_limits_init();
    enter_user_namespace();
    for (size_t i = 0; i < n; i++)
        if (ac_meta_of(tests[i]) && ac_meta_of(tests[i])->scenario) {
            ac_netns_enter_parent(); /* a small socket table for every scenario's namespace */
            break;
        }
    int status = prepare_run(results_from, tests, n);
    if (status)
        return status;
    const struct criterion_test *running[ac_run_slots(jobs)];
    size_t n_running = 0;
    int sig = ac_run_all(tests, n, jobs, limit, short_names, running, &n_running);
    if (sig > 0) {
        report_interrupt(sig, running, n_running);
        ac_record_remove_dir(run.rundir);
        signal(sig, SIG_DFL); /* die of it: the caller sees 128 + sig */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        kill(getpid(), sig);
        _exit(128 + sig);
    }
    ac_record_remove_dir(run.rundir);
    bool stopped = sig == 0 && (size_t)run.ran < run.selected && ac_stop_starting();
    if (stopped)
        report_fail_fast();
    if (sig < 0) {
        fprintf(stderr, "%s: cannot start a test's process: %s\n", argv[0], strerror(-sig));
        return AC_EXIT_UNUSABLE;
    }
    fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d ",
            run.ran - run.skipped, run.passed, run.failed - run.crashed, run.crashed);
    if (run.broken) /* Criterion's line has no such count: only where there is one */
        fprintf(stderr, "| Broken: %d (the environment could not set them up) ", run.broken);
    fputc('\n', stderr);
    if (run.unrecorded > 0)
        fprintf(stderr, "%s: %d records could not be written: the results are incomplete\n",
                argv[0], run.unrecorded);
    free(tests);
    /* sealed only when whole: a run of its own; a joined run is sealed by its opener */
    bool unsealed = ac_runfile_active() && !run.joined && !run.lost && !run.unrecorded &&
                    !stopped && ac_runfile_seal() != 0;
    ac_runfile_close();
    /* results that cannot be read as a verdict first: a CI job must not take them as one */
    return run.lost || run.unrecorded || unsealed ? AC_EXIT_UNUSABLE
           : run.failed                           ? AC_EXIT_FAILED
           : run.broken                           ? AC_EXIT_BROKEN
           : run.skipped == run.ran               ? AC_EXIT_SKIPPED
                                                  : AC_EXIT_OK;
}
