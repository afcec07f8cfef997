/* The runner's parts: runner.c (options, selection, verdicts, records), run.c (a forked worker
 * per test, the watchdog, signals), criterion_glue.c (what living with Criterion takes). */
#ifndef AC_RUNNER_H
#define AC_RUNNER_H

#include <criterion/types.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* What a worker tells the runner, through memory mapped before the fork. */
struct ac_report {
    int failed;  /* failed assertions */
    int skipped; /* cr_skip_test(): message holds the reason */
    char message[16384];
    char broken[1024]; /* ac_broken()'s cause, where nothing failed before it; "" if none */
};

/* How a test ended. A crash: a signal, or an exit mid-test (exit_code). */
struct ac_end {
    bool timed_out; /* past its own .timeout */
    bool killed;    /* past the watchdog's limit (no .timeout of its own) */
    int signal, exit_code;
    struct ac_report report;
    double elapsed_s;
};

/* Every Test() of the binary (plain ones only), in no order; *n of them. */
const struct criterion_test **ac_tests(size_t *n);
const char *ac_suite_description(const char *suite);

/* In the forked worker: runs `t` (setup, body, teardown) and _exit()s. */
__attribute__((noreturn)) void ac_worker(const struct criterion_test *t, struct ac_report *r,
                                         bool short_filename);

/* Runs `tests`, `jobs` at a time that do not wait (struct ac_meta .waits), and beside them up to
 * 4 * `jobs` that do, those first; `limit_s` for those without a .timeout. Calls ac_started and
 * ac_ended (runner.c) per test. A test the machine cannot start (limits.c, or a fork() refused
 * for want of processes or memory) waits while other tests run, and is broken when none does.
 * Returns 0, the signal that interrupted the run (the workers are gone; *running, room for
 * ac_run_slots(jobs) tests, holds the tests that were running), or a negative errno. */
int ac_run_all(const struct criterion_test **tests, size_t n, int jobs, double limit_s,
               bool short_filename, const struct criterion_test **running, size_t *n_running);
/* The most tests ac_run_all runs at once with `jobs`. */
size_t ac_run_slots(int jobs);
void ac_started(const struct criterion_test *t);
/* runner.c: --fail-fast's limit reached; ac_run_all starts no more tests */
bool ac_stop_starting(void);
void ac_ended(const struct criterion_test *t, const struct ac_end *end);

/* limits.c: whether RLIMIT_NOFILE and RLIMIT_NPROC leave `t` what its struct ac_meta says it
 * needs (the default where it says nothing), `reserved` processes kept besides for the helpers
 * the running tests may still fork; false with the cause, naming the limit, in why. */
bool ac_limits_allow(const struct criterion_test *t, unsigned reserved, char *why, size_t len);
/* Called once before the runner enters a user namespace: whether RLIMIT_NPROC binds this user. */
void ac_limits_init(void);

/* machine.c: whether `t` may run on this machine: false for a test that changes machine-wide
 * state (.machine_wide) unless AFTERCLOSE_OWN_MACHINE=1 says the machine is the suite's own;
 * then why says so, for its skip. */
#define AC_OWN_MACHINE_ENV "AFTERCLOSE_OWN_MACHINE"
bool ac_machine_allows(const struct criterion_test *t, char *why, size_t len);

/* environment.c: the runner's settings. A count 1..max, the whole of `text` (-j, CRITERION_JOBS).
 */
#define AC_MAX_JOBS    1024
#define AC_MAX_SECONDS 86400.0
bool ac_parse_count(const char *text, int max, int *out);
/* CRITERION_JOBS into *jobs and AFTERCLOSE_WATCHDOG into *limit_s where set, and the other
 * variables checked; a bad value: one line on stderr naming it and its value, and false. */
bool ac_environment_ok(const char *prog, int *jobs, double *limit_s);

/* resultset.c: the run's results file (results/set.h). open: a run of this runner's own, the
 * file emptied and its header written; join: the run opened in the file by another process
 * (AFTERCLOSE_RESULTS_JOIN=1), whose header must be of this kernel and select every one of
 * `selected`. Both return 0 or AC_EXIT_UNUSABLE after one line on stderr. */
#define AC_RESULTS_JOIN_ENV "AFTERCLOSE_RESULTS_JOIN"
int ac_runfile_open(const char *prog, const char *path, const char *from, const char *kernel,
                    json_t *selected);
int ac_runfile_join(const char *prog, const char *path, const char *kernel, json_t *selected);
bool ac_runfile_active(void);
const char *ac_runfile_run(void);
/* Appends a line (a record, the interrupted mark) with the run's schema and id: 0, -errno, or
 * AC_RUNFILE_LOST when the file was deleted or replaced (said once, on stderr). */
#define AC_RUNFILE_LOST 1
int ac_runfile_write(json_t *line);
/* Reads the file back and seals the run when it holds a record of every selected test; else
 * one line on stderr and AC_EXIT_UNUSABLE. seal_path: the same for a run opened in PATH. */
int ac_runfile_seal(void);
int ac_runfile_seal_path(const char *prog, const char *path);
void ac_runfile_close(void);

#endif
