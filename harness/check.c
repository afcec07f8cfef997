#define _GNU_SOURCE
#include "check.h"

#include "errname.h"
#include "record.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char context_buf[16384];
static const char *context_heading;
static ac_failure_context_fn context_fn;

void ac_set_failure_context(const char *heading, ac_failure_context_fn fn)
{
    context_heading = heading;
    context_fn = fn;
}

/* Fails the test at the caller's file and line, with the failure context (in a scenario, the
 * namespace's socket table). */
void ac_fail_with_table_at(AC_WHERE, const char *fmt_line)
{
    ac_record_failure(fmt_line);
    char *msg = NULL;
    if (context_fn) {
        context_fn(context_buf, sizeof context_buf);
        if (asprintf(&msg, "%s\n%s:\n%s", fmt_line, context_heading, context_buf) < 0)
            msg = NULL;
    }
    struct criterion_assert_stats st = {
        .passed = false, .file = file, .line = (unsigned)line, .message = msg ? msg : fmt_line};
    criterion_send_assert(&st);
    free(msg);
    criterion_abort_test();
}

static const char *errno_words(int err)
{
    return err ? strerror(err) : "success";
}

void ac_errno_mismatch_text(char *buf, size_t len, const char *step, int expected, int observed)
{
    char exp[32];
    snprintf(exp, sizeof exp, "%s", ac_errname(expected));
    snprintf(buf, len, "%s: expected %s, got %s (%s)", step, exp, ac_errname(observed),
             errno_words(observed));
}

void ac_expect_errno_at(AC_WHERE, struct ac_about about, const char *step, int expected,
                        int observed)
{
    char exp[32];
    snprintf(exp, sizeof exp, "%s", ac_errname(expected));
    bool ok = expected == observed;
    ac_record_check(about, step, exp, ac_errname(observed), ac_value_errno(expected),
                    ac_value_errno(observed), ok);
    if (!ok) {
        char msgline[512];
        ac_errno_mismatch_text(msgline, sizeof msgline, step, expected, observed);
        ac_fail_with_table_at(file, line, msgline);
    }
}

/* Records a check of two values already written as text, and fails on a mismatch. */
static void expect_text(AC_WHERE, struct ac_about about, const char *step, const char *expected,
                        const char *observed, json_t *expected_value, json_t *observed_value)
{
    bool ok = strcmp(expected, observed) == 0;
    ac_record_check(about, step, expected, observed, expected_value, observed_value, ok);
    if (!ok) {
        char msgline[512];
        snprintf(msgline, sizeof msgline, "%s: expected %s, got %s", step, expected, observed);
        ac_fail_with_table_at(file, line, msgline);
    }
}

void ac_expect_str_at(AC_WHERE, struct ac_about about, const char *step, const char *expected,
                      const char *observed)
{
    expect_text(file, line, about, step, expected, observed, ac_value_text(expected),
                ac_value_text(observed));
}

void ac_expect_values_at(AC_WHERE, struct ac_about about, const char *step, const char *expected,
                         const char *observed, json_t *expected_value, json_t *observed_value)
{
    expect_text(file, line, about, step, expected, observed, expected_value, observed_value);
}

void ac_expect_state_name_at(AC_WHERE, struct ac_about about, const char *step,
                             const char *expected, const char *observed)
{
    expect_text(file, line, about, step, expected, observed, ac_value_state(expected),
                ac_value_state(observed));
}

void ac_expect_int_at(AC_WHERE, struct ac_about about, const char *step, long expected,
                      long observed)
{
    char e[32], o[32];
    snprintf(e, sizeof e, "%ld", expected);
    snprintf(o, sizeof o, "%ld", observed);
    expect_text(file, line, about, step, e, o, ac_value_int(expected), ac_value_int(observed));
}

void ac_setup_ok_at(AC_WHERE, const char *step, int err)
{
    if (err) {
        char msgline[512];
        snprintf(msgline, sizeof msgline, "setup failed: %s: %s (%s)", step, ac_errname(err),
                 strerror(err));
        ac_fail_with_table_at(file, line, msgline);
    }
}

int ac_setup_fd_at(AC_WHERE, const char *step, int fd_or_negerr)
{
    if (fd_or_negerr < 0)
        ac_setup_ok_at(file, line, step, -fd_or_negerr);
    return fd_or_negerr;
}
