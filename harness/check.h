/* Assertions that say what the kernel did in words people search for, and record it.
 *
 * Each check is recorded (step, expected, observed) before it asserts, so the results file holds
 * the observation whether or not it matched. A mismatch fails the test with
 * "bind 192.168.1.100:9999: expected EADDRINUSE, got OK (success)" and the namespace's TCP table.
 */
#ifndef AC_CHECK_H
#define AC_CHECK_H

#include "record.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The checks are macros around *_at() functions so that a failure points at the scenario's line,
 * not at this file. */
#define AC_HERE  __FILE__, __LINE__
#define AC_WHERE const char *file, int line

/* "bind 192.168.1.100:9999: expected EADDRINUSE, got OK (success)": the one-line message of an
 * errno mismatch (pure; the checks use it, the harness tests test it). */
void ac_errno_mismatch_text(char *buf, size_t len, const char *step, int expected, int observed);

/* Every check starts with what it is about: AC_CLAIM(kind, subject) or AC_SETUP(kind, subject)
 * (harness/record.h), so that readers know what a check means without reading its step. */

/* The kernel's answer to one call: `observed` is 0 or an errno. */
#define ac_expect_errno(about, step, expected, observed)                                           \
    ac_expect_errno_at(AC_HERE, about, step, expected, observed)
void ac_expect_errno_at(AC_WHERE, struct ac_about about, const char *step, int expected,
                        int observed);
/* A value with no better type (an address, "yes"/"no", a timer's name). */
#define ac_expect_str(about, step, expected, observed)                                             \
    ac_expect_str_at(AC_HERE, about, step, expected, observed)
void ac_expect_str_at(AC_WHERE, struct ac_about about, const char *step, const char *expected,
                      const char *observed);
/* A number (an fd, a count). */
#define ac_expect_int(about, step, expected, observed)                                             \
    ac_expect_int_at(AC_HERE, about, step, expected, observed)
void ac_expect_int_at(AC_WHERE, struct ac_about about, const char *step, long expected,
                      long observed);
/* A check whose prose values the caller wrote ("FIN_WAIT1, retransmitted") and whose typed
 * values it built (results/typed.h; their references are taken): ok when the prose agrees. */
#define ac_expect_values(about, step, expected, observed, expected_value, observed_value)          \
    ac_expect_values_at(AC_HERE, about, step, expected, observed, expected_value, observed_value)
void ac_expect_values_at(AC_WHERE, struct ac_about about, const char *step, const char *expected,
                         const char *observed, json_t *expected_value, json_t *observed_value);
/* A TCP state given by name ("CLOSE", or "absent" for a socket sock_diag does not list). */
#define ac_expect_state_name(about, step, expected, observed)                                      \
    ac_expect_state_name_at(AC_HERE, about, step, expected, observed)
void ac_expect_state_name_at(AC_WHERE, struct ac_about about, const char *step,
                             const char *expected, const char *observed);

/* What a failing check shows under its message: the scenario's fixture sets it (the socket table
 * of the test's namespace), since the harness knows no sockets. */
typedef void (*ac_failure_context_fn)(char *buf, size_t len);
void ac_set_failure_context(const char *heading, ac_failure_context_fn fn);

/* Records `message` as the test's failure and fails it at the caller's line, with the failure
 * context: for checks built outside this file (e.g. harness/within.c, fixtures/diagwait.c). */
#define ac_fail_with_table(message) ac_fail_with_table_at(AC_HERE, message)
void ac_fail_with_table_at(AC_WHERE, const char *message);

/* Setup that must work for the scenario to mean anything (socket(), a helper connection): not a
 * claim, so not recorded as a check, but a failure still names the errno. An errno of the
 * environment (ac_errno_is_environment) makes the test broken instead of failed. */
#define ac_setup_ok(step, err) ac_setup_ok_at(AC_HERE, step, err)
void ac_setup_ok_at(AC_WHERE, const char *step, int err);
/* For functions that return an fd or -errno. Returns the fd. */
#define ac_setup_fd(step, fd_or_negerr) ac_setup_fd_at(AC_HERE, step, fd_or_negerr)
int ac_setup_fd_at(AC_WHERE, const char *step, int fd_or_negerr);
/* fork() for a helper child (output flushed first): refused for want of processes or memory
 * (EAGAIN: RLIMIT_NPROC; ENOMEM), the test is broken. Returns the pid, 0 in the child. */
#define ac_setup_fork() ac_setup_fork_at(AC_HERE)
pid_t ac_setup_fork_at(AC_WHERE);

/* Broken, as LTP's TBROK: the environment could not set the test up (a limit, a right, space),
 * so the test says nothing about the kernel; never a failure, never a pass. `cause` names the
 * step, the errno and the limit ("dup2 to fd 100: EBADF (RLIMIT_NOFILE is 64; this test needs
 * 102)"). Stops the test as a failed check does. */
#define ac_broken(...) ac_broken_at(AC_HERE, __VA_ARGS__)
__attribute__((noreturn, format(printf, 3, 4))) void ac_broken_at(AC_WHERE, const char *fmt, ...);
/* Whether a setup step that failed with `err` was refused by the environment rather than
 * answered by the behaviour under test: out of descriptors (EMFILE, ENFILE), memory or buffers
 * (ENOMEM, ENOBUFS), space (ENOSPC, EDQUOT), or a right the setup needs (EPERM, EACCES, EROFS).
 * EAGAIN is the environment's only from fork() (ac_setup_fork). */
bool ac_errno_is_environment(int err);
/* "STEP: EMFILE (RLIMIT_NOFILE is 64; this test needs 102)": the cause of a broken test, with
 * the limit behind the errno where there is one (this process's rlimits, the test's needs). */
void ac_environment_cause(char *buf, size_t len, const char *step, int err);
/* The runner's side: called with the cause when a test turns out broken (before it stops), so
 * that the cause reaches the runner even where scratch files cannot be written (a full TMPDIR).
 */
void ac_set_broken_hook(void (*hook)(const char *cause));

#endif
