/* Criterion's test-side API, as a solo worker needs it (solo.h).
 *
 * The build links every call of these functions to the __wrap_ ones below (ld --wrap): in a
 * solo worker they report into the memory the runner shares with it; in a worker of Criterion's
 * own runner (`shared` unset) they pass the call on unchanged. */
#define _GNU_SOURCE
#include "solo_worker.h"

#include <criterion/stats.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Defined by Criterion as plain pointers; its header declares them const for tests. */
extern const struct criterion_test *criterion_current_test;
extern const struct criterion_suite *criterion_current_suite;

void __real_criterion_send_assert(struct criterion_assert_stats *stats);
__attribute__((noreturn)) void __real_criterion_abort_test(void);
__attribute__((noreturn)) void __real_criterion_skip_test(const char *format, ...);
void __real_criterion_test_die(const char *msg, ...);
void __real_criterion_internal_test_setup(void);
void __real_criterion_internal_test_main(void (*fn)(void));
void __real_criterion_internal_test_teardown(void);

static struct {
    struct ac_solo_shared *shared; /* NULL: not a solo worker */
    bool short_filename;
    bool in_main;
    jmp_buf after_main;
} w;

/* The worker's end: its output reaches the runner's caller first; the runner's exit handlers
 * (they remove the run's scratch directory) are not the worker's to run. */
__attribute__((noreturn)) static void leave(int code)
{
    fflush(NULL);
    _exit(code);
}

static void keep_message(const char *text)
{
    snprintf(w.shared->message, sizeof w.shared->message, "%s", text ? text : "");
}

/* Criterion's way of showing a failed assertion, line by line. */
static void show_failure(const struct criterion_assert_stats *st)
{
    const char *file = st->file ? st->file : "?";
    if (w.short_filename && strrchr(file, '/'))
        file = strrchr(file, '/') + 1;
    fprintf(stderr, "[----] %s:%u: Assertion Failed\n", file, st->line);
    const char *m = st->message ? st->message : "";
    while (*m) {
        size_t n = strcspn(m, "\n");
        fprintf(stderr, "[----]   %.*s\n", (int)n, m);
        m += n + (m[n] == '\n');
    }
}

void __wrap_criterion_send_assert(struct criterion_assert_stats *stats)
{
    if (!w.shared) {
        __real_criterion_send_assert(stats);
        return;
    }
    if (stats->passed)
        return;
    show_failure(stats);
    if (w.shared->failed++ == 0)
        keep_message(stats->message);
}

__attribute__((noreturn)) void __wrap_criterion_abort_test(void)
{
    if (!w.shared)
        __real_criterion_abort_test();
    if (w.in_main)
        longjmp(w.after_main, 1); /* on to .fini, as in Criterion */
    leave(EXIT_FAILURE);          /* in .init or .fini: a crash, as in Criterion */
}

/* Criterion's printf-style message, formatted once for either side; NULL if out of memory. */
static char *formatted(const char *format, va_list ap)
{
    char *msg = NULL;
    return vasprintf(&msg, format ? format : "", ap) < 0 ? NULL : msg;
}

__attribute__((noreturn)) void __wrap_criterion_skip_test(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *msg = formatted(format, ap);
    va_end(ap);
    if (!w.shared)
        __real_criterion_skip_test("%s", msg ? msg : "");
    keep_message(msg);
    w.shared->skipped = 1;
    leave(EXIT_SUCCESS); /* at once, without .fini, as in Criterion */
}

void __wrap_criterion_test_die(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    char *msg = formatted(format, ap);
    va_end(ap);
    if (!w.shared) {
        __real_criterion_test_die("%s", msg ? msg : "");
        free(msg);
        return;
    }
    fprintf(stderr, "[----] %s\n", msg ? msg : "");
    keep_message(msg);
    leave(EXIT_FAILURE);
}

static void run_fixture(void (*fn)(void))
{
    if (fn)
        fn();
}

void __wrap_criterion_internal_test_setup(void)
{
    if (!w.shared) {
        __real_criterion_internal_test_setup();
        return;
    }
    run_fixture(criterion_current_suite->data ? criterion_current_suite->data->init : NULL);
    run_fixture(criterion_current_test->data->init);
}

void __wrap_criterion_internal_test_main(void (*fn)(void))
{
    if (!w.shared) {
        __real_criterion_internal_test_main(fn);
        return;
    }
    w.in_main = true;
    if (!setjmp(w.after_main))
        fn();
    w.in_main = false;
}

void __wrap_criterion_internal_test_teardown(void)
{
    if (!w.shared) {
        __real_criterion_internal_test_teardown();
        return;
    }
    run_fixture(criterion_current_test->data->fini);
    run_fixture(criterion_current_suite->data ? criterion_current_suite->data->fini : NULL);
}

void ac_solo_worker(const struct criterion_test *t, const struct criterion_suite *s,
                    struct ac_solo_shared *shared, bool short_filename)
{
    w.shared = shared;
    w.short_filename = short_filename;
    criterion_current_test = t;
    criterion_current_suite = s;
    t->test(); /* Criterion's trampoline: setup, main, teardown above */
    shared->ended = 1;
    leave(EXIT_SUCCESS);
}
