#define _GNU_SOURCE
#include "check.h"

#include "errname.h"
#include "meta.h"
#include "record.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

static void (*broken_hook)(const char *cause);

void ac_set_broken_hook(void (*hook)(const char *cause))
{
    broken_hook = hook;
}

void ac_broken_at(AC_WHERE, const char *fmt, ...)
{
    char cause[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cause, sizeof cause, fmt, ap);
    va_end(ap);
    if (broken_hook) {
        broken_hook(cause);
    } else { /* no runner to tell: a failure that says what it is */
        char msg[1100];
        snprintf(msg, sizeof msg, "broken: %s", cause);
        struct criterion_assert_stats st = {
            .passed = false, .file = file, .line = (unsigned)line, .message = msg};
        criterion_send_assert(&st);
    }
    criterion_abort_test();
}

bool ac_errno_is_environment(int err)
{
    static const int env[] = {EMFILE, ENFILE, ENOMEM, ENOBUFS, ENOSPC,
                              EDQUOT, EPERM,  EACCES, EROFS};
    for (size_t i = 0; i < sizeof env / sizeof *env; i++)
        if (err == env[i])
            return true;
    return false;
}

/* "RLIMIT_NOFILE is 64; this test needs 102": the limit, and the test's need where the limit is
 * below it. */
static void limit_text(char *buf, size_t len, int resource, const char *name, unsigned need)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
        snprintf(buf, len, "%s is unlimited", name);
        return;
    }
    int n = snprintf(buf, len, "%s is %llu", name, (unsigned long long)rl.rlim_cur);
    if (need > rl.rlim_cur && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "; this test needs %u", need);
}

void ac_environment_cause(char *buf, size_t len, const char *step, int err)
{
    const struct ac_meta *m = criterion_current_test ? ac_meta_of(criterion_current_test) : NULL;
    char limit[128] = "";
    if (err == EMFILE || err == EBADF)
        limit_text(limit, sizeof limit, RLIMIT_NOFILE, "RLIMIT_NOFILE",
                   m && m->nofile ? m->nofile : AC_NOFILE_DEFAULT);
    else if (err == EAGAIN)
        limit_text(limit, sizeof limit, RLIMIT_NPROC, "RLIMIT_NPROC", 0); /* shared: no need */
    else if (err == ENFILE)
        snprintf(limit, sizeof limit, "the system's table of open files is full: fs.file-max");
    else if (err == EPERM || err == EACCES)
        snprintf(limit, sizeof limit, "a right the setup needs, as uid %u", (unsigned)geteuid());
    snprintf(buf, len, "%s: %s (%s%s%s)", step, ac_errname(err), strerror(err), *limit ? "; " : "",
             limit);
}

/* The test is broken: `step` was refused by the environment with `err` (its cause names the
 * limit behind it). */
__attribute__((noreturn)) static void broken_by(AC_WHERE, const char *step, int err)
{
    char cause[512];
    ac_environment_cause(cause, sizeof cause, step, err);
    ac_broken_at(file, line, "%s", cause);
}

pid_t ac_setup_fork_at(AC_WHERE)
{
    fflush(NULL);
    pid_t pid = fork();
    int err = pid < 0 ? errno : 0;
    if (err == EAGAIN || err == ENOMEM)
        broken_by(file, line, "fork a helper child", err);
    ac_setup_ok_at(file, line, "fork a helper child", err);
    return pid;
}

void ac_setup_ok_at(AC_WHERE, const char *step, int err)
{
    if (ac_errno_is_environment(err))
        broken_by(file, line, step, err);
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
