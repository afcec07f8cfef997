/* The runner's parts: runner.c (options, selection, verdicts, records), run.c (a forked worker
 * per test, the watchdog, signals), criterion_glue.c (what living with Criterion takes). */
#ifndef AC_RUNNER_H
#define AC_RUNNER_H

#include <criterion/types.h>
#include <stdbool.h>
#include <stddef.h>

/* What a worker tells the runner, through memory mapped before the fork. */
struct ac_report {
    int failed;  /* failed assertions */
    int skipped; /* cr_skip_test(): message holds the reason */
    char message[16384];
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

/* Runs `tests`, `jobs` at a time; `limit_s` for those without a .timeout. Calls ac_started and
 * ac_ended (runner.c) per test. Returns 0, the signal that interrupted the run (the workers are
 * gone; *running holds the tests that were running), or a negative errno. */
int ac_run_all(const struct criterion_test **tests, size_t n, int jobs, double limit_s,
               bool short_filename, const struct criterion_test **running, size_t *n_running);
void ac_started(const struct criterion_test *t);
void ac_ended(const struct criterion_test *t, const struct ac_end *end);

/* environment.c: the runner's settings. A count 1..max, the whole of `text` (-j, CRITERION_JOBS).
 */
#define AC_MAX_JOBS    1024
#define AC_MAX_SECONDS 86400.0
bool ac_parse_count(const char *text, int max, int *out);
/* CRITERION_JOBS into *jobs and AFTERCLOSE_WATCHDOG into *limit_s where set, and the other
 * variables checked; a bad value: one line on stderr naming it and its value, and false. */
bool ac_environment_ok(const char *prog, int *jobs, double *limit_s);

#endif
