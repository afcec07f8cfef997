/* The runner's guard: what keeps a run honest when it is interrupted or a test hangs.
 *
 * Criterion moves the runner into a process group of its own and every worker into another, so
 * Ctrl-C or a CI cancel (a signal to the caller's process group) reached nothing, and a frozen
 * worker hung the run forever. The guard
 * - puts the runner back into its caller's process group, so those signals reach it;
 * - on SIGINT, SIGTERM or SIGHUP kills every worker (and its process group), appends an
 *   {"interrupted": ...} line to the results file (every reader refuses the file then), removes
 *   the scratch directory and dies of the same signal (exit status 130, 143, 129);
 * - dies with its parent (SIGTERM), and its workers die with it (SIGKILL);
 * - kills a test that runs longer than its limit (its .timeout + 30 s, else 60 s, or
 *   AFTERCLOSE_WATCHDOG seconds): it is then reported as timed out.
 * One thread in the runner does this; the report hooks share its lock. */
#ifndef AC_RUNGUARD_H
#define AC_RUNGUARD_H

#include <jansson.h>
#include <stdbool.h>

#define AC_WATCHDOG_ENV "AFTERCLOSE_WATCHDOG"

/* Before criterion_initialize(): the caller's process group, and dying with the parent. */
void ac_guard_early(void);

/* Removes the start-up files (/dev/shm/bxfi_<pid>) this user's killed workers left behind. */
void ac_guard_prune_worker_maps(void);

/* Removes the message-server sockets (/tmp/criterion_<pid>.sock) this user's interrupted runners
 * left behind, where their pid is gone. */
void ac_guard_prune_message_servers(void);

/* After criterion_initialize(): rejoins the caller's group, installs the signal handlers and
 * starts the watchdog. `results` may be NULL; `rundir` holds the workers' scratch files. Returns
 * 0 or an errno. */
int ac_guard_start(const char *results, const char *rundir);

/* The limit for a test without its own .timeout: AFTERCLOSE_WATCHDOG seconds, else 45. */
double ac_guard_default_limit(void);

/* The report hooks' side. `id` is "suite/test". */
void ac_guard_lock(void);
void ac_guard_unlock(void);
void ac_guard_test_started(const char *suite, const char *test, double timeout);
/* Forgets the test; true when the watchdog killed it (so its crash is a timeout). */
bool ac_guard_test_ended(const char *suite, const char *test);
bool ac_guard_interrupted(void);

/* The guard's interrupt, and a solo run's (solo.h): says on stderr that `sig` stopped the run while
 * the tests `running` (a JSON array of ids, taken) ran, and appends the {"interrupted": ...} line
 * to `results` (NULL or "": none). */
void ac_guard_report_interrupt(const char *results, int sig, json_t *running, int finished,
                               int selected);

/* Ends the process by `sig` (its default action), whatever its handler and mask. */
__attribute__((noreturn)) void ac_guard_die_of(int sig);
void ac_guard_set_progress(int finished, int selected);

#endif
