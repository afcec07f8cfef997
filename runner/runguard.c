#define _GNU_SOURCE
#include "runguard.h"

#include "../harness/record.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNNING     64
#define DEFAULT_LIMIT_S 45.0 /* below ctest's 60 s, so the run's own record says what happened */
#define GRACE_S         20.0 /* beyond a test's own .timeout, which Criterion enforces first */

struct running {
    char suite[128], test[256];
    double started, limit;
    bool killed;
};

static struct {
    pthread_mutex_t lock;
    struct running slot[MAX_RUNNING];
    pid_t caller_pgrp;
    int pipe[2];
    const char *results, *rundir;
    double default_limit;
    volatile sig_atomic_t interrupted;
    pthread_t guard;
    int finished, selected;
} g = {.lock = PTHREAD_MUTEX_INITIALIZER, .pipe = {-1, -1}};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ac_guard_lock(void)
{
    pthread_mutex_lock(&g.lock);
}

void ac_guard_unlock(void)
{
    pthread_mutex_unlock(&g.lock);
}

bool ac_guard_interrupted(void)
{
    return g.interrupted;
}

void ac_guard_set_progress(int finished, int selected)
{
    g.finished = finished;
    g.selected = selected;
}

/* Runs in every process of the binary; ac_guard_early() then gives the runner SIGTERM instead,
 * so that it can mark its results before it goes. */
__attribute__((constructor)) static void die_with_parent(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void ac_guard_early(void)
{
    g.caller_pgrp = getpgrp();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

void ac_guard_test_started(const char *suite, const char *test, double timeout)
{
    for (int i = 0; i < MAX_RUNNING; i++) {
        struct running *r = &g.slot[i];
        if (r->suite[0])
            continue;
        snprintf(r->suite, sizeof r->suite, "%s", suite);
        snprintf(r->test, sizeof r->test, "%s", test);
        r->started = now_s();
        r->limit = timeout > 0 ? timeout + GRACE_S : g.default_limit;
        r->killed = false;
        return;
    }
}

bool ac_guard_test_ended(const char *suite, const char *test)
{
    for (int i = 0; i < MAX_RUNNING; i++) {
        struct running *r = &g.slot[i];
        if (r->suite[0] && !strcmp(r->suite, suite) && !strcmp(r->test, test)) {
            bool killed = r->killed;
            r->suite[0] = '\0';
            return killed;
        }
    }
    return false;
}

/* Every child of the runner (the workers), from all of its threads. */
static int children(pid_t *out, int max)
{
    int n = 0;
    DIR *tasks = opendir("/proc/self/task");
    struct dirent *t;
    while (tasks && (t = readdir(tasks))) {
        if (t->d_name[0] == '.')
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/self/task/%s/children", t->d_name);
        FILE *f = fopen(path, "re");
        long pid;
        while (f && n < max && fscanf(f, "%ld", &pid) == 1)
            out[n++] = (pid_t)pid;
        if (f)
            fclose(f);
    }
    if (tasks)
        closedir(tasks);
    return n;
}

/* A worker leads its own process group: the group takes any helper it forked along. */
static void kill_worker(pid_t pid)
{
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

/* Criterion's sandbox library hands each worker its start-up data in /dev/shm/bxfi_<pid>, which
 * the worker or its reaper removes. A worker killed before either did leaves the file behind, and
 * once the pid comes round again (pid_max can be 32768) a runner of another user cannot create its
 * own: Criterion aborts ("Could not spawn test instance: File exists"). */
static void forget_worker_map(pid_t pid)
{
    char name[32];
    snprintf(name, sizeof name, "/bxfi_%ld", (long)pid);
    shm_unlink(name);
}

static void kill_all_workers(void)
{
    pid_t pids[256];
    int n = children(pids, 256);
    for (int i = 0; i < n; i++)
        kill_worker(pids[i]);
    for (int i = 0; i < n; i++)
        forget_worker_map(pids[i]); /* nobody reaps them: the runner is going */
}

/* What Criterion's killed processes leave behind, named <prefix><pid><suffix> in `dir`: this
 * user's, of file type `type` (0: any), whose process is gone or (max_age_s > 0) that are older
 * than that, go to `forget`. Another user's are not ours to judge; the runner's own pid is alive.
 */
static void prune_left_behind(const char *dir, const char *prefix, const char *suffix, mode_t type,
                              long max_age_s, void (*forget)(pid_t))
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = strlen(prefix);
    while (d && (e = readdir(d))) {
        const char *digits = e->d_name + n;
        char *end;
        if (strncmp(e->d_name, prefix, n) || !isdigit((unsigned char)*digits))
            continue;
        long pid = strtol(digits, &end, 10);
        if (strcmp(end, suffix) || pid <= 0 || pid == (long)getpid())
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            (type && (st.st_mode & S_IFMT) != type) || st.st_uid != geteuid())
            continue;
        bool gone = kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        if (gone || (max_age_s > 0 && time(NULL) - st.st_mtime > max_age_s))
            forget((pid_t)pid);
    }
    if (d)
        closedir(d);
}

/* Criterion's message server is the socket /tmp/criterion_<runner pid>.sock, which the runner
 * removes at its end: one interrupted leaves it, and a later runner of another user with that pid
 * aborts ("Could not initialize the message server: Address already in use"). */
static void forget_message_server(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/criterion_%ld.sock", (long)pid);
    unlink(path);
}

void ac_guard_prune_message_servers(void)
{
    /* Only where the pid is gone: a live runner's socket must stay (its workers report there),
     * and a process's start time is too coarse to tell a reused pid apart. */
    prune_left_behind("/tmp", "criterion_", ".sock", S_IFSOCK, 0, forget_message_server);
}

void ac_guard_prune_worker_maps(void)
{
    /* A worker removes its file within milliseconds of its start: one whose process is gone, or
     * older than a minute (the pid belongs to another process by now), is left. */
    prune_left_behind("/dev/shm", "bxfi_", "", 0, 60, forget_worker_map);
}

static pid_t worker_of(const struct running *r)
{
    char *obs = ac_record_scratch_read(g.rundir, r->suite, r->test);
    long pid = ac_record_worker_pid(obs);
    free(obs);
    return (pid_t)pid;
}

static void watchdog_tick(void)
{
    double t = now_s();
    ac_guard_lock();
    for (int i = 0; i < MAX_RUNNING; i++) {
        struct running *r = &g.slot[i];
        if (!r->suite[0] || r->killed || t - r->started < r->limit)
            continue;
        r->killed = true;
        pid_t pid = worker_of(r);
        fprintf(stderr,
                "afterclose: watchdog: %s/%s still running after %.0f s (frozen or hung): "
                "killing %s\n",
                r->suite, r->test, t - r->started, pid ? "its process" : "every worker");
        if (pid > 0)
            kill_worker(pid);
        else
            kill_all_workers(); /* a test without a fixture does not say its pid */
    }
    ac_guard_unlock();
}

/* A thread that would end the process while an interrupt is handled waits here for the death the
 * guard thread is about to give it. */
static void park(int sig)
{
    (void)sig;
    /* Not the guard thread itself: its message to a caller that has gone (ctest killed by the
     * same Ctrl-C) raises SIGPIPE, and parked there it would hold the lock the others wait for,
     * and no thread would end the process. Its write fails with EPIPE and it goes on. */
    if (pthread_equal(pthread_self(), g.guard))
        return;
    for (;;)
        pause();
}

void ac_guard_die_of(int sig)
{
    /* So that the caller sees 128 + signal. */
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

void ac_guard_report_interrupt(const char *results, int sig, json_t *running, int finished,
                               int selected)
{
    results = results && *results ? results : NULL;
    char names[1024] = "";
    size_t i;
    json_t *id;
    json_array_foreach(running, i, id)
    {
        const char *s = json_string_value(id);
        if (strlen(names) + strlen(s) + 3 < sizeof names)
            strcat(strcat(names, names[0] ? ", " : ""), s);
    }
    char signame[16];
    snprintf(signame, sizeof signame, "SIG%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    fprintf(stderr,
            "afterclose: interrupted by %s while running %s; %d of %d tests had finished%s%s%s\n",
            signame, names[0] ? names : "no test", finished, selected, results ? "; " : "",
            results ? results : "", results ? " is marked interrupted (incomplete)" : "");
    if (results) {
        json_t *marker =
            json_pack("{s:i, s:s, s:o, s:i, s:i}", "schema", AC_RESULTS_SCHEMA, "interrupted",
                      signame, "running", running, "finished", finished, "selected", selected);
        if (ac_record_append(results, marker) != 0)
            fprintf(stderr, "afterclose: cannot mark %s as interrupted; remove it\n", results);
        json_decref(marker);
    } else {
        json_decref(running);
    }
}

static void interrupt(int sig)
{
    __atomic_store_n(&g.interrupted, 1, __ATOMIC_SEQ_CST);
    /* Stopping the workers makes Criterion's main thread fail where it spawns or talks to them:
     * it abort()s ("Could not spawn test instance: Protocol error": the caller saw 134, not 128 +
     * signal) or writes to a closed pipe. Those deaths must wait for this one. */
    struct sigaction wait_here = {.sa_handler = park};
    sigemptyset(&wait_here.sa_mask);
    sigaction(SIGABRT, &wait_here, NULL);
    sigaction(SIGPIPE, &wait_here, NULL);
    ac_guard_lock(); /* no record is written after this point */
    kill_all_workers();
    json_t *running = json_array();
    for (int i = 0; i < MAX_RUNNING; i++) {
        struct running *r = &g.slot[i];
        if (r->suite[0])
            json_array_append_new(running, json_sprintf("%s/%s", r->suite, r->test));
    }
    ac_guard_report_interrupt(g.results, sig, running, g.finished, g.selected);
    ac_record_remove_dir(g.rundir);
    forget_message_server(getpid());
    ac_guard_die_of(sig);
}

static void *guard_thread(void *unused)
{
    (void)unused;
    g.guard = pthread_self(); /* before any interrupt it handles, whoever returns first */
    for (;;) {
        struct pollfd p = {.fd = g.pipe[0], .events = POLLIN};
        unsigned char sig;
        if (poll(&p, 1, 200) > 0 && read(g.pipe[0], &sig, 1) == 1)
            interrupt(sig);
        watchdog_tick();
    }
    return NULL;
}

/* Stopping the workers ends Criterion's run in the main thread, which would then exit with the
 * run's own status (1: tests crashed; 2: records missing) before this thread has marked the
 * results and died of the signal: the caller would see 2, not 128 + signal. While an interrupt
 * is handled, exit() waits here for that death. */
static void no_exit_while_interrupted(void)
{
    while (__atomic_load_n(&g.interrupted, __ATOMIC_SEQ_CST))
        pause();
}

static void on_signal(int sig)
{
    unsigned char b = (unsigned char)sig;
    int saved = errno;
    if (write(g.pipe[1], &b, 1) != 1)
        _exit(128 + sig);
    errno = saved;
}

/* Every child the runner forks: Criterion's sandbox library sets the worker's parent-death
 * signal itself, but only after a few steps, and a runner that dies of an interrupt in between
 * left the child stopped (it waits for the runner to continue it), orphaned, for good. */
static pid_t runner_pid;
static void child_of_runner(void)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != runner_pid || __atomic_load_n(&g.interrupted, __ATOMIC_SEQ_CST))
        _exit(127);
}

double ac_guard_default_limit(void)
{
    const char *wd = getenv(AC_WATCHDOG_ENV);
    double limit = wd && *wd ? strtod(wd, NULL) : DEFAULT_LIMIT_S;
    return limit > 0 ? limit : DEFAULT_LIMIT_S;
}

int ac_guard_start(const char *results, const char *rundir)
{
    runner_pid = getpid();
    pthread_atfork(NULL, NULL, child_of_runner);
    g.results = results && *results ? results : NULL;
    g.rundir = rundir;
    g.default_limit = ac_guard_default_limit();
    /* Criterion made the runner a process group leader; a terminal's Ctrl-C and a CI cancel
     * go to the caller's group. */
    if (g.caller_pgrp > 0 && getpgrp() != g.caller_pgrp)
        setpgid(0, g.caller_pgrp);
    if (pipe2(g.pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return errno;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
    atexit(no_exit_while_interrupted);
    int err = pthread_create(&g.guard, NULL, guard_thread, NULL);
    if (!err)
        pthread_detach(g.guard);
    return err;
}
