/* A worker per test, forked by the runner: a process group of its own (the runner kills what the
 * test started with it), so the network namespace the test makes dies with it; it dies with the
 * runner. One loop waits for the workers' ends, their deadlines and SIGINT/SIGTERM/SIGHUP, all
 * through sigtimedwait(): no handler runs between a worker's end and its verdict. Finished
 * workers are reaped before any deadline is judged, and time the runner spent stopped (Ctrl-Z,
 * SIGSTOP; SIGCONT says it ended) is added to the running tests' deadlines: not their time.
 * Tests that sleep on a kernel timer (struct ac_meta .waits) run in slots of their own beside
 * the -j ones, started first, so that their waits overlap the CPU-bound tests. */
#define _GNU_SOURCE
#include "runner.h"
#include "../harness/check.h"
#include "../harness/meta.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void kill_worker(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

struct slot {
    const struct criterion_test *t;
    pid_t pid; /* 0: free */
    double started, deadline;
    struct ac_report *report; /* shared with the worker */
    struct ac_end end;
};

static pid_t start_worker(struct slot *sl, const struct criterion_test *t, double limit_s,
                          bool short_filename, const sigset_t *before)
{
    memset(sl->report, 0, sizeof *sl->report);
    memset(&sl->end, 0, sizeof sl->end);
    sl->t = t;
    fflush(NULL);
    pid_t runner = getpid();
    sl->started = now_s();
    sl->deadline = sl->started + (t->data->timeout > 0 ? t->data->timeout : limit_s);
    pid_t pid = fork();
    if (pid > 0)
        ac_started(t);
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != runner)
            _exit(127);
        sigprocmask(SIG_SETMASK, before, NULL);
        ac_worker(t, sl->report, short_filename);
    }
    if (pid > 0)
        setpgid(pid, pid); /* also here: no race with a kill of the group */
    sl->pid = pid > 0 ? pid : 0;
    return pid;
}

/* What start_next did with the next test: it waits, it runs, or it ended without a worker. */
enum { START_WAIT, START_RUNNING, START_ENDED };

/* The verdict of a test that never got a worker: skipped or broken, for `why`. */
static int end_unstarted(const struct criterion_test *t, bool skipped, const char *why)
{
    struct ac_end end = {0};
    end.report.skipped = skipped;
    if (skipped)
        snprintf(end.report.message, sizeof end.report.message, "%s", why);
    else
        snprintf(end.report.broken, sizeof end.report.broken, "%s", why);
    ac_started(t);
    ac_ended(t, &end);
    return START_ENDED;
}

/* Starts `t` in the free slot sl, unless it may not run on this machine (machine.c: skipped), or
 * the machine cannot give it what it needs (limits.c; `reserved` processes kept for the helpers
 * of the tests running) or refuses the fork for want of processes or memory: then it waits while
 * `busy` other tests run (they will give some back), and is broken when none does. A negative
 * errno: another failure. */
static int start_next(struct slot *sl, const struct criterion_test *t, int busy, unsigned reserved,
                      double limit_s, bool short_filename, const sigset_t *before)
{
    char why[512];
    if (!ac_machine_allows(t, why, sizeof why))
        return end_unstarted(t, true, why);
    bool room = ac_limits_allow(t, reserved, why, sizeof why);
    if (!room && busy)
        return START_WAIT;
    if (room) {
        if (start_worker(sl, t, limit_s, short_filename, before) > 0)
            return START_RUNNING;
        int err = errno;
        if (err != EAGAIN && err != ENOMEM)
            return -err;
        if (busy)
            return START_WAIT;
        ac_environment_cause(why, sizeof why, "cannot start the test's process: fork", err);
    }
    return end_unstarted(t, false, why);
}

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

static void reap(struct slot *sl, int status)
{
    struct ac_end *e = &sl->end;
    e->elapsed_s = now_s() - sl->started;
    kill(-sl->pid, SIGKILL); /* what the test started and left behind */
    sl->pid = 0;
    e->report = *sl->report;
    /* exit(0) mid-test counts as a pass here, as in Criterion; runner.c then finds no evidence
     * that a scenario ran to its end. */
    if (!e->timed_out && !e->killed && WIFSIGNALED(status))
        e->signal = WTERMSIG(status);
    else if (!e->timed_out && !e->killed && !e->report.skipped)
        e->exit_code = WEXITSTATUS(status);
    ac_ended(sl->t, e);
}

/* Every worker that has ended gets its verdict; returns how many. */
static int reap_finished(struct slot *slots, int jobs)
{
    int status, n = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        for (int i = 0; i < jobs; i++)
            if (slots[i].pid == pid) {
                reap(&slots[i], status);
                n++;
            }
    return n;
}

/* The runner was stopped for at most `gap` seconds: the running tests get that time back. */
static void credit_stopped(struct slot *slots, int jobs, double gap)
{
    for (int i = 0; i < jobs; i++)
        if (slots[i].pid) {
            slots[i].started += gap;
            slots[i].deadline += gap;
        }
}

/* Whether a SIGCONT was queued (and now taken): the runner was stopped and continued. */
static bool took_sigcont(void)
{
    sigset_t cont;
    sigemptyset(&cont);
    sigaddset(&cont, SIGCONT);
    struct timespec zero = {0, 0};
    return sigtimedwait(&cont, NULL, &zero) == SIGCONT;
}

/* The longest wait: a stop is noticed (SIGCONT) at the next wake-up, and the time since the last
 * one is credited whole, so a test gets at most this much more than its limit. */
#define TICK_S 1.0

/* Slots for the tests that wait (struct ac_meta .waits) per -j slot. Such a test sleeps 150 ms
 * to 2 s on a kernel timer and uses a few ms of CPU: in a -j slot the CPU idled. The bare -j2 run
 * of the non-slow tests (2 cores, 24 of 719 wait) took 12.5 s without them, 5.5 s with 2 per -j
 * slot, 3.5 s with 4, 3.1 s with 8: 4 keeps most of the gain with half the neighbours for the
 * tests that time intervals, and gives -j1 (the matrix guests, one vCPU) 4. */
#define WAITS_PER_JOB 4

size_t ac_run_slots(int jobs)
{
    return (size_t)(jobs < 1 ? 1 : jobs) * (1 + WAITS_PER_JOB);
}

/* A test that changes machine-wide state keeps to the -j slots even if it waits: -j1 (the
 * guests' runner of such tests) must still run them one at a time. */
static bool waits(const struct criterion_test *t)
{
    const struct ac_meta *m = ac_meta_of(t);
    return m && m->waits && !m->machine_wide;
}

/* The tests in the order they start: those that wait first, the longest declared .timeout first
 * (the run then lasts about as long as its longest wait: a 60 s TIME_WAIT test started last
 * in a guest's slow runner added the waits before it), then the others in the order given. A
 * slot takes the next of its kind: a waits slot only one that waits, a -j slot one that does
 * not or, when none is left, one that waits. */
struct queue {
    const struct criterion_test **order;
    size_t n, n_waits;
    size_t waiting, other; /* the next of each kind: order[waiting] waits, order[other] not */
};

static bool queue_init(struct queue *q, const struct criterion_test **tests, size_t n)
{
    q->order = calloc(n ? n : 1, sizeof *q->order);
    if (!q->order)
        return false;
    q->n = n;
    q->n_waits = 0;
    for (size_t i = 0; i < n; i++)
        if (waits(tests[i]))
            q->order[q->n_waits++] = tests[i];
    for (size_t i = 1; i < q->n_waits; i++) /* insertion sort: stable, and a few dozen at most */
        for (size_t j = i; j > 0 && q->order[j - 1]->data->timeout < q->order[j]->data->timeout;
             j--) {
            const struct criterion_test *t = q->order[j];
            q->order[j] = q->order[j - 1];
            q->order[j - 1] = t;
        }
    for (size_t i = 0, k = q->n_waits; i < n; i++)
        if (!waits(tests[i]))
            q->order[k++] = tests[i];
    q->waiting = 0;
    q->other = q->n_waits;
    return true;
}

/* The cursor of the test a free slot takes next; NULL: none for it. */
static size_t *queue_next(struct queue *q, bool waits_slot)
{
    if (!waits_slot && q->other < q->n)
        return &q->other;
    return q->waiting < q->n_waits ? &q->waiting : NULL;
}

static bool queue_empty(const struct queue *q)
{
    return q->waiting >= q->n_waits && q->other >= q->n;
}

/* The processes the running tests' helpers may still fork (limits.c keeps room for them). */
static unsigned helpers_running(const struct slot *slots, int n)
{
    unsigned sum = 0;
    for (int i = 0; i < n; i++)
        if (slots[i].pid && ac_meta_of(slots[i].t))
            sum += ac_meta_of(slots[i].t)->helpers;
    return sum;
}

int ac_run_all(const struct criterion_test **tests, size_t n, int jobs, double limit_s,
               bool short_filename, const struct criterion_test **running, size_t *n_running)
{
    struct queue q;
    if (!queue_init(&q, tests, n))
        return -ENOMEM;
    jobs = jobs < 1 ? 1 : jobs;
    /* slots[0 .. n_waits_slots) take the tests that wait; the -j slots follow */
    size_t waits_max = (size_t)jobs * WAITS_PER_JOB;
    int n_waits_slots = (int)(q.n_waits < waits_max ? q.n_waits : waits_max);
    int n_slots = n_waits_slots + ((size_t)jobs > n ? (int)n : jobs);
    struct slot *slots = calloc(n_slots ? (size_t)n_slots : 1, sizeof *slots);
    if (!slots) {
        free(q.order);
        return -ENOMEM;
    }
    for (int i = 0; i < n_slots; i++) {
        slots[i].report = mmap(NULL, sizeof *slots[i].report, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (slots[i].report == MAP_FAILED)
            return -errno; /* the runner exits at once */
    }
    sigset_t wanted, before;
    sigemptyset(&wanted);
    int stops[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < 3; i++)
        sigaddset(&wanted, stops[i]);
    sigaddset(&wanted, SIGCHLD);
    sigaddset(&wanted, SIGCONT); /* blocked, it still continues the runner, and is then queued */
    sigprocmask(SIG_BLOCK, &wanted, &before);

    int busy = 0, result = 0;
    double awake = now_s(); /* when a stop was last looked for */
    while (!result) {
        bool held = false; /* a test waits for room (limits): none starts before it */
        for (int i = 0; i < n_slots && !held && !result && !ac_stop_starting(); i++) {
            size_t *next;
            while (!slots[i].pid && !result && !ac_stop_starting() &&
                   (next = queue_next(&q, i < n_waits_slots))) {
                int st =
                    start_next(&slots[i], q.order[*next], busy, helpers_running(slots, n_slots),
                               limit_s, short_filename, &before);
                if ((held = st == START_WAIT))
                    break;
                result = st < 0 ? st : 0;
                *next += st > 0;
                busy += st == START_RUNNING;
            }
        }
        if (result || (busy == 0 && (queue_empty(&q) || ac_stop_starting())))
            break;
        double first = 0;
        for (int i = 0; i < n_slots; i++)
            if (slots[i].pid && (first == 0 || slots[i].deadline < first))
                first = slots[i].deadline;
        double left = first - now_s();
        left = left > TICK_S ? TICK_S : left;
        int sig = -1;
        if (left > 0) {
            struct timespec wait = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
            sig = sigtimedwait(&wanted, NULL, &wait);
        }
        if (sig > 0 && sig != SIGCHLD && sig != SIGCONT)
            result = sig;
        busy -=
            reap_finished(slots, n_slots); /* before any deadline: a finished test is no timeout */
        double t = now_s();
        if (sig == SIGCONT || took_sigcont()) /* the wait may have ended in EINTR or SIGCHLD */
            credit_stopped(slots, n_slots, t - awake);
        awake = t;
        for (int i = 0; !result && i < n_slots; i++)
            if (slots[i].pid && slots[i].deadline <= t)
                overran(&slots[i]);
    }
    *n_running = 0;
    for (int i = 0; i < n_slots; i++) {
        if (slots[i].pid) {
            running[(*n_running)++] = slots[i].t;
            kill_worker(slots[i].pid);
            waitpid(slots[i].pid, NULL, 0);
        }
        munmap(slots[i].report, sizeof *slots[i].report);
    }
    free(slots);
    free(q.order);
    sigset_t pending;
    sigpending(&pending);
    for (size_t i = 0; result == 0 && i < 3; i++)
        if (sigismember(&pending, stops[i]))
            result = stops[i];
    return result;
}
