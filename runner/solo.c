#define _GNU_SOURCE
#include "solo.h"

#include "solo_worker.h"

#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

static int by_suite_then_name(const void *a, const void *b)
{
    const struct criterion_test *x = *(const struct criterion_test *const *)a;
    const struct criterion_test *y = *(const struct criterion_test *const *)b;
    int c = strcmp(x->category, y->category);
    return c ? c : strcmp(x->name, y->name);
}

const struct criterion_test **ac_solo_select(const char *pattern, size_t *n)
{
    *n = 0;
    size_t max = (size_t)(__stop_cr_tst - __start_cr_tst);
    const struct criterion_test **out = calloc(max ? max : 1, sizeof *out);
    if (!out)
        return NULL;
    for (struct criterion_test **p = __start_cr_tst; p && p < __stop_cr_tst; p++) {
        const struct criterion_test *t = *p;
        char id[512];
        snprintf(id, sizeof id, "%s/%s", t->category, t->name);
        if (!t->data || t->data->disabled || (pattern && fnmatch(pattern, id, FNM_EXTMATCH) != 0))
            continue;
        if (t->data->kind_ != CR_TEST_NORMAL || t->data->param_) {
            free(out);
            return NULL;
        }
        out[(*n)++] = t;
    }
    qsort(out, *n, sizeof *out, by_suite_then_name);
    return out;
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

struct slot {
    const struct criterion_test *t;
    pid_t pid; /* 0: free */
    double started, deadline;
    struct ac_solo_shared *sh;
    struct ac_solo_end end;
};

static pid_t start_worker(struct slot *sl, const struct criterion_test *t, double limit_s,
                          bool short_filename, const sigset_t *before)
{
    memset(sl->sh, 0, sizeof *sl->sh);
    memset(&sl->end, 0, sizeof sl->end);
    sl->t = t;
    fflush(NULL);
    pid_t runner = getpid();
    sl->started = now_s();
    double own = t->data->timeout > 0 ? t->data->timeout : 0;
    sl->deadline = sl->started + (own > 0 ? own : limit_s);
    pid_t pid = fork();
    if (pid == 0) {
        /* Its own group, as Criterion's workers: the runner kills the test's helpers with it. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != runner)
            _exit(127);
        sigprocmask(SIG_SETMASK, before, NULL);
        ac_solo_worker(t, suite_of(t), sl->sh, short_filename);
    }
    if (pid > 0)
        setpgid(pid, pid);
    sl->pid = pid > 0 ? pid : 0;
    return pid;
}

/* Past its deadline: killed, and why. */
static void overran(struct slot *sl)
{
    if (sl->t->data->timeout > 0)
        sl->end.timed_out = true;
    else {
        sl->end.killed = true;
        fprintf(stderr,
                "afterclose: watchdog: %s/%s still running after %.0f s (frozen or hung): "
                "killing its process\n",
                sl->t->category, sl->t->name, now_s() - sl->started);
    }
    kill_worker(sl->pid);
    sl->deadline = now_s() + 3600; /* now only its death is awaited */
}

int ac_solo_run_all(const struct criterion_test *const *tests, size_t n, int jobs, double limit_s,
                    bool short_filename, const struct ac_solo_hooks *hooks, void *ctx)
{
    if (jobs < 1)
        jobs = 1;
    if ((size_t)jobs > n)
        jobs = n ? (int)n : 1;
    struct slot *slots = calloc((size_t)jobs, sizeof *slots);
    if (!slots)
        return -ENOMEM;
    for (int i = 0; i < jobs; i++) {
        slots[i].sh = mmap(NULL, sizeof *slots[i].sh, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (slots[i].sh == MAP_FAILED) {
            int err = errno;
            while (i-- > 0)
                munmap(slots[i].sh, sizeof *slots[i].sh);
            free(slots);
            return -err;
        }
    }
    /* Taken by sigtimedwait below, never by a handler: no signal comes between a worker's end
     * and its verdict. */
    sigset_t wanted, before;
    sigemptyset(&wanted);
    int stops[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
        sigaddset(&wanted, stops[i]);
    sigaddset(&wanted, SIGCHLD);
    sigprocmask(SIG_BLOCK, &wanted, &before);

    size_t next = 0;
    int running = 0, result = 0;
    for (;;) {
        for (int i = 0; i < jobs && next < n; i++) {
            if (slots[i].pid)
                continue;
            if (hooks->started)
                hooks->started(tests[next], ctx);
            if (start_worker(&slots[i], tests[next], limit_s, short_filename, &before) < 0) {
                result = -errno;
                break;
            }
            next++;
            running++;
        }
        if (result || (running == 0 && next >= n))
            break;
        double first = 0;
        for (int i = 0; i < jobs; i++)
            if (slots[i].pid && (first == 0 || slots[i].deadline < first))
                first = slots[i].deadline;
        double left = first - now_s();
        int sig = -1;
        if (left > 0) {
            struct timespec wait = {(time_t)left, 0};
            wait.tv_nsec = (long)((left - (double)wait.tv_sec) * 1e9);
            siginfo_t info;
            sig = sigtimedwait(&wanted, &info, &wait);
            if (sig < 0 && errno == EINTR)
                continue;
        }
        if (sig < 0) {
            for (int i = 0; i < jobs; i++)
                if (slots[i].pid && slots[i].deadline <= now_s())
                    overran(&slots[i]);
            continue;
        }
        if (sig != SIGCHLD) {
            result = sig;
            break;
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int i = 0; i < jobs; i++) {
                struct slot *sl = &slots[i];
                if (sl->pid != pid)
                    continue;
                sl->end.elapsed_s = now_s() - sl->started;
                kill(-pid, SIGKILL); /* what the test started and left behind */
                sl->pid = 0;
                running--;
                conclude(status, sl->sh, &sl->end);
                hooks->ended(sl->t, &sl->end, ctx);
            }
        }
    }
    if (result > 0) { /* interrupted: the tests still running are named, then stopped */
        for (int i = 0; i < jobs; i++)
            if (slots[i].pid && hooks->interrupted_while)
                hooks->interrupted_while(slots[i].t, ctx);
    }
    for (int i = 0; i < jobs; i++) {
        if (slots[i].pid) {
            kill_worker(slots[i].pid);
            waitpid(slots[i].pid, NULL, 0);
        }
        munmap(slots[i].sh, sizeof *slots[i].sh);
    }
    free(slots);
    if (result == 0) {
        sigset_t pending;
        sigpending(&pending);
        for (size_t i = 0; i < sizeof stops / sizeof *stops; i++)
            if (sigismember(&pending, stops[i]))
                return stops[i];
    }
    return result;
}
