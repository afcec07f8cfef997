/* What the machine's limits leave a test, checked before the test starts: a descriptor limit
 * below its need, or no room under the process limit for its worker and helpers, makes the test
 * broken with the limit named (never a failed claim: the kernel was never asked). */
#define _GNU_SOURCE
#include "runner.h"
#include "../harness/meta.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* RLIMIT_NPROC binds every user but real root of the first user namespace (fork.c: init_ucounts,
 * or CAP_SYS_RESOURCE / CAP_SYS_ADMIN there). Decided before the runner enters a namespace. */
static bool nproc_binds = true;

void ac_limits_init(void)
{
    FILE *f = fopen("/proc/self/uid_map", "re");
    unsigned long inside = 1, outside = 1, count = 0;
    bool first_ns = f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 &&
                    outside == 0 && count == 4294967295UL;
    if (f)
        fclose(f);
    nproc_binds = !(first_ns && getuid() == 0);
}

/* The tasks (threads count) whose real uid is this process's: what RLIMIT_NPROC is counted
 * against. */
static long processes_of_this_user(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    long n = 0;
    char path[64], line[256];
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%.20s/status", e->d_name);
        FILE *f = fopen(path, "re");
        unsigned long uid = 0;
        long threads;
        bool mine = false;
        while (f && fgets(line, sizeof line, f)) {
            if (sscanf(line, "Uid: %lu", &uid) == 1 && !(mine = uid == (unsigned long)getuid()))
                break;
            if (mine && sscanf(line, "Threads: %ld", &threads) == 1) {
                n += threads;
                break;
            }
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return n;
}

bool ac_limits_allow(const struct criterion_test *t, unsigned reserved, char *why, size_t len)
{
    const struct ac_meta *m = ac_meta_of(t);
    unsigned need = m && m->nofile ? m->nofile : AC_NOFILE_DEFAULT;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        snprintf(why, len,
                 "RLIMIT_NOFILE is %llu; this test needs %u open files (raise it: ulimit -n %u)",
                 (unsigned long long)rl.rlim_cur, need, need);
        return false;
    }
    if (!nproc_binds || getrlimit(RLIMIT_NPROC, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return true;
    /* the test's worker and helpers, and the helpers of the tests running beside it (up to
     * 5 * -j of them: runner/run.c), which may not have forked theirs yet; with none running
     * (the only case that ends in a broken test) that is 0 */
    unsigned helpers = m ? m->helpers : 0;
    long tasks = 1 + (long)helpers + (long)reserved;
    /* every task of the machine (/proc/loadavg's "running/total") leaves room: no need to
     * count this user's (a scan of /proc per test) */
    FILE *f = fopen("/proc/loadavg", "re");
    long running, total = -1;
    if (f && fscanf(f, "%*s %*s %*s %ld/%ld", &running, &total) != 2)
        total = -1;
    if (f)
        fclose(f);
    if (total >= 0 && total + tasks <= (long)rl.rlim_cur)
        return true;
    long have = processes_of_this_user();
    if (have + tasks <= (long)rl.rlim_cur)
        return true;
    snprintf(why, len,
             "RLIMIT_NPROC is %llu and this user runs %ld task%s; this test needs %ld more (its "
             "own%s) (raise it: ulimit -u)",
             (unsigned long long)rl.rlim_cur, have, have == 1 ? "" : "s", tasks,
             helpers ? " and its helpers'" : "");
    return false;
}
