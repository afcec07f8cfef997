#define _GNU_SOURCE
#include "solo.h"

#include "solo_worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Criterion's Test() and TestSuite() put a pointer to each definition in these sections; the
 * linker marks where they start and stop. Weak: a binary may have no TestSuite(). */
extern struct criterion_test *__start_cr_tst[] __attribute__((weak));
extern struct criterion_test *__stop_cr_tst[] __attribute__((weak));
extern struct criterion_suite *__start_cr_sts[] __attribute__((weak));
extern struct criterion_suite *__stop_cr_sts[] __attribute__((weak));

const struct criterion_test *ac_solo_find(const char *id)
{
    for (struct criterion_test **p = __start_cr_tst; p && p < __stop_cr_tst; p++) {
        const struct criterion_test *t = *p;
        size_t n = strlen(t->category);
        if (strncmp(id, t->category, n) || id[n] != '/' || strcmp(id + n + 1, t->name))
            continue;
        if (!t->data || t->data->disabled || t->data->kind_ != CR_TEST_NORMAL || t->data->param_)
            return NULL;
        return t;
    }
    return NULL;
}

/* The test's suite as Criterion would give it: its TestSuite(), or a bare one of that name. */
static const struct criterion_suite *suite_of(const struct criterion_test *t)
{
    static struct criterion_suite bare;
    for (struct criterion_suite **p = __start_cr_sts; p && p < __stop_cr_sts; p++)
        if (!strcmp((*p)->name, t->category))
            return *p;
    bare.name = t->category;
    return &bare;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The worker and every process it started (its process group). */
static void kill_worker(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

/* How the worker ended, in Criterion's terms. */
static void conclude(int status, const struct ac_solo_shared *sh, struct ac_solo_end *end)
{
    snprintf(end->message, sizeof end->message, "%s", sh->message);
    if (end->timed_out || end->killed)
        return;
    if (WIFSIGNALED(status)) {
        end->signal = WTERMSIG(status);
    } else if (sh->skipped) {
        end->skipped = true;
    } else if (WEXITSTATUS(status) != 0) {
        end->exit_code = WEXITSTATUS(status);
    } else if (sh->failed) {
        end->failed = true;
    } else {
        /* exit(0) before the end: Criterion takes that for a pass; the runner then finds no
         * evidence that a scenario ran to its end (runner.c). */
        end->passed = true;
    }
}

int ac_solo_run(const struct criterion_test *t, double limit_s, bool short_filename,
                struct ac_solo_end *end)
{
    memset(end, 0, sizeof *end);
    struct ac_solo_shared *sh =
        mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return errno;
    /* Taken by sigtimedwait below, never by a handler: no signal can come between the worker's
     * end and its verdict. */
    sigset_t wanted, before;
    sigemptyset(&wanted);
    int stops[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
        sigaddset(&wanted, stops[i]);
    sigaddset(&wanted, SIGCHLD);
    sigprocmask(SIG_BLOCK, &wanted, &before);
    fflush(NULL);
    pid_t runner = getpid();
    double started = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        sigprocmask(SIG_SETMASK, &before, NULL);
        munmap(sh, sizeof *sh);
        return err;
    }
    if (pid == 0) {
        /* Its own group, as Criterion's workers: the runner kills the test's helpers with it. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != runner)
            _exit(127);
        sigprocmask(SIG_SETMASK, &before, NULL);
        ac_solo_worker(t, suite_of(t), sh, short_filename);
    }
    setpgid(pid, pid);

    double own = t->data->timeout > 0 ? t->data->timeout : 0;
    double deadline = started + (own > 0 ? own : limit_s);
    int status = 0;
    for (;;) {
        double left = deadline - now_s();
        struct timespec wait = {0, 0};
        if (left > 0) {
            wait.tv_sec = (time_t)left;
            wait.tv_nsec = (long)((left - (double)wait.tv_sec) * 1e9);
        }
        siginfo_t info;
        int sig = left > 0 ? sigtimedwait(&wanted, &info, &wait) : -1;
        if (sig < 0 && errno == EINTR)
            continue;
        if (sig < 0 && !end->timed_out && !end->killed) {
            if (own > 0)
                end->timed_out = true;
            else {
                end->killed = true;
                fprintf(stderr,
                        "afterclose: watchdog: %s/%s still running after %.0f s (frozen or hung): "
                        "killing its process\n",
                        t->category, t->name, now_s() - started);
            }
            kill_worker(pid);
            deadline = now_s() + 3600; /* now only its death is awaited */
            continue;
        }
        if (sig > 0 && sig != SIGCHLD) {
            end->interrupted = sig;
            kill_worker(pid);
            waitpid(pid, &status, 0);
            break;
        }
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
    }
    end->elapsed_s = now_s() - started;
    kill(-pid, SIGKILL); /* what the test started and left behind (its pid is reaped) */
    sigset_t pending;
    sigpending(&pending);
    for (size_t i = 0; !end->interrupted && i < sizeof stops / sizeof *stops; i++)
        if (sigismember(&pending, stops[i]))
            end->interrupted = stops[i];
    if (!end->interrupted)
        conclude(status, sh, end);
    munmap(sh, sizeof *sh);
    return 0;
}
