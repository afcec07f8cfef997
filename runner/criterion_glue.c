/* Everything the runner needs only because the tests are Criterion tests, in one place.
 *
 * The tests are Criterion's Test() definitions using its assertion and skip API, but
 * Criterion's own runner is never started (it re-executes the binary for every test and scans
 * every loaded library a dozen times). Here: the list of Test() definitions read from the linker
 * sections Criterion fills; the stand-ins that take the tests' calls into Criterion's API
 * (ld --wrap, CMakeLists.txt) and report them to the runner; and stubs for the libgit2 that
 * Criterion's static archive refers to and afterclose never needs. */
#define _GNU_SOURCE
#include "runner.h"
#include "../harness/check.h"

#include <criterion/stats.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Test() and TestSuite() put a pointer to each definition in these sections. Weak: a binary may
 * have no TestSuite(). */
extern struct criterion_test *__start_cr_tst[] __attribute__((weak));
extern struct criterion_test *__stop_cr_tst[] __attribute__((weak));
extern struct criterion_suite *__start_cr_sts[] __attribute__((weak));
extern struct criterion_suite *__stop_cr_sts[] __attribute__((weak));

/* Made once and kept for the whole run (a static, so leak checkers see it is still reachable). */
static const struct criterion_test **all_tests;

const struct criterion_test **ac_tests(size_t *n)
{
    size_t max = (size_t)(__stop_cr_tst - __start_cr_tst);
    const struct criterion_test **out = all_tests = calloc(max + 1, sizeof *out);
    *n = 0;
    for (struct criterion_test **p = __start_cr_tst; out && p && p < __stop_cr_tst; p++) {
        if ((*p)->data->kind_ != CR_TEST_NORMAL || (*p)->data->param_) {
            fprintf(stderr, "afterclose: %s/%s: parameterized tests and theories are not run\n",
                    (*p)->category, (*p)->name);
            continue;
        }
        out[(*n)++] = *p;
    }
    return out;
}

static const struct criterion_suite *suite_of(const char *name)
{
    static struct criterion_suite bare;
    for (struct criterion_suite **p = __start_cr_sts; p && p < __stop_cr_sts; p++)
        if (!strcmp((*p)->name, name))
            return *p;
    bare.name = name;
    return &bare;
}

const char *ac_suite_description(const char *suite)
{
    const struct criterion_suite *s = suite_of(suite);
    return s->data && s->data->description ? s->data->description : "";
}

/* The worker's side. Criterion defines these as plain pointers; its header says const. */
extern const struct criterion_test *criterion_current_test;
extern const struct criterion_suite *criterion_current_suite;

static struct {
    struct ac_report *report;
    bool short_filename, in_main;
    jmp_buf after_main;
} w;

/* fflush: the worker's output reaches the caller; _exit: the runner's exit handlers are not ours.
 */
__attribute__((noreturn)) static void leave(int code)
{
    fflush(NULL);
    _exit(code);
}

static void keep_message(const char *text)
{
    snprintf(w.report->message, sizeof w.report->message, "%s", text ? text : "");
}

void __wrap_criterion_send_assert(struct criterion_assert_stats *st)
{
    if (st->passed)
        return;
    const char *file = st->file ? st->file : "?";
    if (w.short_filename && strrchr(file, '/'))
        file = strrchr(file, '/') + 1;
    fprintf(stderr, "[----] %s:%u: Assertion Failed\n", file, st->line); /* as Criterion shows it */
    for (const char *m = st->message ? st->message : ""; *m;) {
        size_t n = strcspn(m, "\n");
        fprintf(stderr, "[----]   %.*s\n", (int)n, m);
        m += n + (m[n] == '\n');
    }
    if (w.report->failed++ == 0)
        keep_message(st->message);
}

__attribute__((noreturn)) void __wrap_criterion_abort_test(void)
{
    if (w.in_main)
        longjmp(w.after_main, 1); /* on to .fini, as in Criterion */
    /* in .init or .fini: a crash, as in Criterion, unless the test is broken (ac_broken) */
    leave(w.report->broken[0] ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* ac_broken()'s cause, through shared memory: a scratch file may be what the environment
 * refused. The first cause counts, and only where no check failed before it. */
static void report_broken(const char *cause)
{
    if (!w.report->failed && !w.report->broken[0])
        snprintf(w.report->broken, sizeof w.report->broken, "%s", cause);
}

__attribute__((noreturn)) void __wrap_criterion_skip_test(const char *format, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, format);
    if (vasprintf(&msg, format ? format : "", ap) < 0)
        msg = NULL;
    va_end(ap);
    keep_message(msg);
    w.report->skipped = 1;
    leave(EXIT_SUCCESS); /* at once, without .fini, as in Criterion */
}

static void run_fixture(void (*fn)(void))
{
    if (fn)
        fn();
}

void __wrap_criterion_internal_test_setup(void)
{
    const struct criterion_suite *s = criterion_current_suite;
    run_fixture(s->data ? s->data->init : NULL);
    run_fixture(criterion_current_test->data->init);
}

void __wrap_criterion_internal_test_main(void (*fn)(void))
{
    w.in_main = true;
    if (!setjmp(w.after_main))
        fn();
    w.in_main = false;
}

void __wrap_criterion_internal_test_teardown(void)
{
    const struct criterion_suite *s = criterion_current_suite;
    run_fixture(criterion_current_test->data->fini);
    run_fixture(s->data ? s->data->fini : NULL);
}

void ac_worker(const struct criterion_test *t, struct ac_report *r, bool short_filename)
{
    w.report = r;
    w.short_filename = short_filename;
    ac_set_broken_hook(report_broken);
    criterion_current_test = t;
    criterion_current_suite = suite_of(t->category);
    t->test(); /* Criterion's trampoline: the setup, main and teardown above */
    leave(EXIT_SUCCESS);
}

/* Criterion's static archive refers to libgit2 (for diffs of new-style string assertions, set up
 * by criterion_initialize(), which the runner never calls): these stand in for it. */
#ifdef AC_CRITERION_STATIC
int git_libgit2_init(void);
int git_libgit2_shutdown(void);
int git_diff_buffers(void);
int git_libgit2_init(void)
{
    return 1;
}
int git_libgit2_shutdown(void)
{
    return 0;
}
int git_diff_buffers(void)
{
    return -1; /* GIT_ERROR: Criterion prints both values without a diff */
}
#endif
