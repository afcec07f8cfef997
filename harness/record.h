/* Per-case result records (docs/results-format.md).
 *
 * The worker process of a test appends what it checked to a scratch file named after the test;
 * the runner process, once the worker has ended, joins that with Criterion's verdict and appends
 * one record to $AFTERCLOSE_RESULTS (runner/resultset.c adds the run's id). A worker that crashes
 * thus still yields a record, and it says "crash". */
#ifndef AC_RECORD_H
#define AC_RECORD_H

#include "typed.h"

#include <jansson.h>
#include <stdbool.h>

/* What a check is about (results/typed.h): its kind, its role and its subject, the socket or
 * address it concerns. Scenarios write AC_CLAIM(BIND, "192.168.1.100:9999") for the checks they
 * exist to prove and AC_SETUP(STATE, "server end") for the ones that reach the starting state. */
struct ac_about {
    enum ac_kind kind;
    enum ac_role role;
    const char *subject;
};
#define AC_CLAIM(kind, subject) ((struct ac_about){AC_KIND_##kind, AC_ROLE_CLAIM, (subject)})
#define AC_SETUP(kind, subject) ((struct ac_about){AC_KIND_##kind, AC_ROLE_SETUP, (subject)})

#define AC_RESULTS_ENV "AFTERCLOSE_RESULTS"
#define AC_RUNDIR_ENV  "AFTERCLOSE_RUNDIR" /* set by the runner for its workers */
/* Where the records go when AFTERCLOSE_RESULTS is not set: the ctest registration sets it, so
 * that a plain `ctest` leaves records for its JUnit, KTAP and all-skipped check, while a
 * caller's own AFTERCLOSE_RESULTS (ci/soak, .ci/run) still wins. */
#define AC_RESULTS_DEFAULT_ENV "AFTERCLOSE_RESULTS_DEFAULT"

/* Runner side, first thing in main(): AFTERCLOSE_RESULTS := AFTERCLOSE_RESULTS_DEFAULT when
 * only the latter is set. */
void ac_record_default_results(void);

/* Worker side: called by the checks and the fixture. No-ops outside a runner. */
/* One check: its prose (step, expected, observed) for people, its meaning for programs. Takes
 * the references of the two typed values (results/typed.h). */
void ac_record_check(struct ac_about about, const char *step, const char *expected,
                     const char *observed, json_t *expected_value, json_t *observed_value, bool ok);
void ac_record_iface(const char *kind);
void ac_record_failure(const char *message);
/* A scenario's worker says it started (its pid, for the runner's watchdog) and that its body ran
 * to the end: a pass without the latter (exit() mid-test, a lost write) is not a pass. */
void ac_record_started(void);
void ac_record_completed(void);

/* Runner side: what the worker's scratch file says. */
bool ac_record_was_completed(const char *observations);
long ac_record_worker_pid(const char *observations); /* 0: not known */

/* Builds the final record; pure, for the runner and for unit tests. `observations` is the
 * worker's scratch file content (JSON Lines, may be NULL or truncated by a crash). */
json_t *ac_record_build(const char *test, const char *kernel, const char *verdict,
                        const char *reason, const char *observations);

/* Appends one JSON object as a single line with one write() (atomic for O_APPEND files).
 * Returns 0 or -errno. ac_record_write: the same to an open file. */
int ac_record_append(const char *path, const json_t *record);
int ac_record_write(int fd, const json_t *record);

/* The worker's scratch file of a test (JSON Lines, possibly cut short by a crash), or NULL when
 * it wrote none. free() it. */
char *ac_record_scratch_read(const char *rundir, const char *suite, const char *test);

/* Removes a run's scratch directory and the files in it. */
void ac_record_remove_dir(const char *dir);

/* Scratch file of a test inside the run directory: "<rundir>/<suite>.<test>.jsonl". */
void ac_record_scratch_path(char *buf, size_t len, const char *rundir, const char *suite,
                            const char *test);

#endif
