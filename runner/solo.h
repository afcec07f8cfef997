/* A solo run: the one test ctest asks for (--filter=suite/test), run by the runner in a worker it
 * forks itself, without Criterion's runner.
 *
 * Criterion's runner costs far more than the scenario: it looks its sections up in every loaded
 * object a dozen times, starts a message server, and re-executes the binary for the worker,
 * which loads and scans everything again. For one test none of that is needed. The test is the
 * same Criterion definition (Test(), .init, .fini, .timeout, cr_assert, cr_skip_test); its calls
 * into Criterion's API are linked to stand-ins (--wrap, solo_api.c) that, in a solo worker,
 * report through shared memory and otherwise pass on to Criterion. What a solo run keeps:
 * - its own process (and process group) per test, forked, so the network namespace it makes
 *   dies with it;
 * - a crash (a signal, an exit mid-test), a failed assertion and a skip are told apart as
 *   Criterion tells them;
 * - a test past its .timeout is killed and reported as timed out, one without a .timeout past the
 *   watchdog's limit (runguard.h) too;
 * - SIGINT, SIGTERM or SIGHUP kill the worker, mark the results interrupted and end the runner
 *   with that signal. */
#ifndef AC_SOLO_H
#define AC_SOLO_H

#include <criterion/types.h>
#include <stdbool.h>
#include <stddef.h>

#define AC_RUNNER_ENV "AFTERCLOSE_RUNNER" /* "criterion": never a solo run */

/* How the test ended, in Criterion's terms. */
struct ac_solo_end {
    bool passed, failed, skipped; /* at most one; none of them: a crash */
    bool timed_out;               /* past its own .timeout */
    bool killed;                  /* past the watchdog's limit */
    int signal;                   /* the worker died of it */
    int exit_code;                /* the worker exited mid-test with it */
    int interrupted;              /* the runner got this signal: no verdict */
    char message[16384];          /* the skip reason, or the first failed assertion's message */
    double elapsed_s;
};

/* The tests `pattern` selects (NULL: all), in Criterion's order (by suite, then name), as an
 * array the caller frees; its length in *n. Disabled tests are not selected. NULL when a
 * selected test is not a plain Test() (parameterized, a theory): Criterion's runner runs those.
 * The pattern is a shell glob with ksh's extensions, @(a|b) and !(a|b), as Criterion's. */
const struct criterion_test **ac_solo_select(const char *pattern, size_t *n);

/* What the run tells its caller, from the runner's own thread. */
struct ac_solo_hooks {
    void (*started)(const struct criterion_test *t, void *ctx);
    void (*ended)(const struct criterion_test *t, const struct ac_solo_end *end, void *ctx);
    void (*interrupted_while)(const struct criterion_test *t, void *ctx); /* each still running */
};

/* Runs `tests`, `jobs` at a time, each in a worker it forks (see above), and waits for them all.
 * `limit_s`: the watchdog's limit for a test without its own .timeout. Returns 0 when every test
 * ended, the signal that interrupted the run (the workers are gone; its mask still blocks it),
 * or a negative errno when no worker could be made. */
int ac_solo_run_all(const struct criterion_test *const *tests, size_t n, int jobs, double limit_s,
                    bool short_filename, const struct ac_solo_hooks *hooks, void *ctx);

#endif
