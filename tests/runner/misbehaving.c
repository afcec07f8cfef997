/* Tests that misbehave on purpose, for the runner's own checks (ci/check-reliability and the
 * runner tests in ctest): each must come out of a run as a failure with a record, never as a pass
 * or as nothing; those the environment cannot set up, as broken. They are built into a binary of
 * their own, never into the suite. */
#define _GNU_SOURCE
#include "../../harness/actest.h"
#include "../../fixtures/seedserver.h"
#include "../../fixtures/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void abort_in_setup(void)
{
    abort();
}

/* A scenario that reaches its claim and then crashes: the checks it recorded stay. */
AC_TEST(misbehaving, segfaults, .description = "Dereferences NULL after one passing check.")
{
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check before the crash", 0, 0);
    raise(SIGSEGV);
}

AC_TEST(misbehaving, aborts, .description = "Calls abort() mid-test.")
{
    abort();
}

AC_TEST(misbehaving, exits_0_midway, .description = "Calls exit(0) before its claim.")
{
    exit(0);
}

AC_TEST(misbehaving, freezes, .description = "Stops itself (SIGSTOP); the watchdog must end it.")
{
    raise(SIGSTOP);
}

AC_TEST(misbehaving, sleeps_forever, .description = "Blocks forever; the runner is interrupted.")
{
    for (;;)
        pause();
}

Test(misbehaving, crashes_in_setup, .init = abort_in_setup,
     .description = "Crashes in .init, where Criterion reports nothing at all.")
{
}

AC_TEST(misbehaving, fails_a_check, .description = "A claim that does not hold.")
{
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check that fails", EADDRINUSE, 0);
}

/* Passes having recorded no check at all: nothing says what it proved, and a reader refuses a
 * pass without a claim, so the runner must record it as a failure. */
AC_TEST(misbehaving, passes_without_a_check, .description = "Records no check, then passes.") {}

/* Setup refused by the environment: broken (with its cause), not a failed claim. */
AC_TEST(misbehaving, setup_runs_out_of_files,
        .description = "A setup step fails with EMFILE, as under a small ulimit -n.")
{
    ac_setup_ok("socket() for the listener", EMFILE);
}

/* The runner compares the test's declared need with RLIMIT_NOFILE before it starts it. */
AC_TEST_WITH(misbehaving, needs_more_files_than_allowed, (.nofile = 2147483647U),
             .description = "Declares a need no RLIMIT_NOFILE meets.")
{
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check that must never run", 0, EIO);
}

/* A helper child whose fixed descriptor numbers (fixtures/seedserver.h) are above the limit:
 * the child says why, and the test is broken with the child's cause. */
AC_TEST_WITH(misbehaving, helper_child_refused_its_fds, (.nofile = AC_CHILD_NOFILE),
             .description = "Lowers RLIMIT_NOFILE below a helper child's numbers, then forks one.")
{
    struct rlimit rl;
    ac_setup_ok("getrlimit", getrlimit(RLIMIT_NOFILE, &rl) ? errno : 0);
    rl.rlim_cur = AC_CHILD_REPORT_FD - 36;
    ac_setup_ok("setrlimit RLIMIT_NOFILE", setrlimit(RLIMIT_NOFILE, &rl) ? errno : 0);
    int report[2];
    ac_setup_ok("pipe", pipe2(report, O_CLOEXEC) ? errno : 0);
    pid_t pid = ac_setup_fork();
    if (pid == 0)
        _exit(ac_child_clean_table(report[1], -1) ? 0 : 3);
    close(report[1]);
    char line[600] = "";
    ssize_t n = read(report[0], line, sizeof line - 1);
    line[n > 0 ? n : 0] = '\0';
    waitpid(pid, NULL, 0);
    ac_child_check_broken(line);
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "the child's table (never reached)", 0, EIO);
}

/* A kernel built without the option a sysctl belongs to (tinyconfig without SYN cookies): the
 * scenario cannot be set up there, a named precondition, so it skips; no claim failed. */
AC_TEST(misbehaving, needs_a_sysctl_the_kernel_lacks,
        .description = "Sets a sysctl no kernel has, in the test's network namespace.")
{
    ac_netns_sysctl("net/ipv4/afterclose_no_such_sysctl", "1");
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check that must never run", 0, EIO);
}

/* Says it changes machine-wide state (it changes nothing): the runner starts it only where
 * AFTERCLOSE_OWN_MACHINE=1, and skips it with the reason elsewhere. */
AC_TEST_WITH(misbehaving, changes_the_machine, (.machine_wide = true),
             .description = "Declares that it changes machine-wide state; passes where it runs.")
{
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check", 0, 0);
}

AC_TEST(misbehaving, skips, .description = "Skips with a reason.")
{
    cr_skip_test("skipped on purpose");
}

AC_TEST(misbehaving, overruns_its_timeout, .timeout = 1,
        .description = "Blocks past its own .timeout of 1 s.")
{
    for (;;)
        pause();
}

AC_TEST(misbehaving, passes, .description = "A scenario that passes, for comparison.")
{
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check", 0, 0);
}

/* Still running when the runner is stopped (Ctrl-Z): it must pass however long the stop. */
AC_TEST(misbehaving, passes_after_a_second, .description = "Sleeps 1 s, then passes.")
{
    sleep(1);
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check", 0, 0);
}

/* Declared to wait on a kernel timer (.waits): the runner starts them in slots beside the -j
 * ones. Each sleeps where a scenario would wait for a timer. */
AC_TEST_WITH(misbehaving, waits_a_second, (.waits = true),
             .description = "Declares .waits, sleeps 1 s, then passes.")
{
    sleep(1);
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check", 0, 0);
}

/* Declared after waits_a_second and sorted after it, but with the longer limit: it starts first. */
AC_TEST_WITH(misbehaving, waits_briefly_within_a_long_timeout, (.waits = true), .timeout = 30,
             .description = "Declares .waits and .timeout = 30, sleeps 100 ms, then passes.")
{
    usleep(100 * 1000);
    ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check", 0, 0);
}

AC_TEST_WITH(misbehaving, waits_forever, (.waits = true),
             .description = "Declares .waits and blocks forever; the runner is interrupted.")
{
    for (;;)
        pause();
}

AC_TEST_WITH(misbehaving, waits_past_its_timeout, (.waits = true), .timeout = 1,
             .description = "Declares .waits and blocks past its own .timeout of 1 s.")
{
    for (;;)
        pause();
}

/* Many short passing tests: the runner spawns workers all the time, so that an interrupt lands
 * while one is being spawned (Criterion then fails where it spawns or talks to it). */
#define PASSES_QUICKLY(n)                                                                          \
    AC_TEST(misbehaving, passes_quickly_##n, .description = "A short passing test of many.")       \
    {                                                                                              \
        ac_expect_errno(AC_CLAIM(BIND, "nothing"), "a check", 0, 0);                               \
    }
#define PASSES_QUICKLY_8(d)                                                                        \
    PASSES_QUICKLY(d##0)                                                                           \
    PASSES_QUICKLY(d##1)                                                                           \
    PASSES_QUICKLY(d##2)                                                                           \
    PASSES_QUICKLY(d##3)                                                                           \
    PASSES_QUICKLY(d##4)                                                                           \
    PASSES_QUICKLY(d##5)                                                                           \
    PASSES_QUICKLY(d##6)                                                                           \
    PASSES_QUICKLY(d##7)
PASSES_QUICKLY_8(0)
PASSES_QUICKLY_8(1)
PASSES_QUICKLY_8(2)
PASSES_QUICKLY_8(3)
PASSES_QUICKLY_8(4)
PASSES_QUICKLY_8(5)
PASSES_QUICKLY_8(6)
PASSES_QUICKLY_8(7)
