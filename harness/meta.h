/* What a test's definition says about the test beyond Criterion's own fields (.timeout,
 * .description), kept as data for the runner, ctest's labels and the docs: AC_TEST points
 * Criterion's `.data` at one (a plain Test() has none). A new fact is a field here, set in the
 * definition through AC_TEST_WITH (actest.h), and read with ac_meta_of(); never parsed from a
 * name or a description. --afterclose-describe prints them for the docs. */
#ifndef AC_META_H
#define AC_META_H

#include <criterion/types.h>
#include <stdbool.h>

/* The bind-conflict grid's axes (suites/conflict.c): which socket set SO_REUSEADDR... */
enum ac_grid_reuse { AC_GRID_REUSE_NONE, AC_GRID_REUSE_OLD, AC_GRID_REUSE_NEW, AC_GRID_REUSE_BOTH };
/* ...and where the new socket binds, against the existing one's 192.168.1.100:9999. */
enum ac_grid_address { AC_GRID_SAME_ADDR, AC_GRID_OTHER_ADDR, AC_GRID_WILDCARD };

struct ac_meta {
    bool scenario; /* enters a network namespace of its own: needs root or a user namespace */
    bool slow;     /* waits out real kernel timers (up to a minute): ctest label "slow" */
    /* Spends nearly all its time asleep on a kernel timer or a timeout (about 150 ms or more:
     * tcp_fin_timeout=1, SO_RCVTIMEO, a retransmission's RTO): the runner starts it in a slot
     * beside the -j ones (runner/run.c), so it overlaps the CPU-bound tests (not with
     * .machine_wide: those run one at a time at -j1); label "waits". */
    bool waits;
    /* Changes state every namespace shares (a global sysctl such as tcp_max_orphans, of the
     * initial namespace): runs only on a machine the suite owns, a guest ci/matrix booted
     * (AFTERCLOSE_OWN_MACHINE=1, runner/machine.c), skipped with the reason elsewhere; ctest
     * label "machine-wide". */
    bool machine_wide;
    /* What the claim's bind() must return, 0 or an errno, where the definition states it: set with
     * has_expected by AC_TEST_OUTCOME (outcome.h) from the same value as the name's suffix. */
    bool has_expected;
    int expected;
    /* What the test needs of the machine, checked by the runner before it starts the test
     * (runner/limits.c): below it the test is broken, with the limit named. RLIMIT_NOFILE's soft
     * limit at least `nofile` (0: AC_NOFILE_DEFAULT); room under RLIMIT_NPROC for `helpers`
     * processes (helper children) besides the test's own. */
    unsigned nofile;
    unsigned helpers;
    /* The test's cell of the conflict grid: the existing socket's state (the table it is in;
     * NULL: not a cell), the row and the column. */
    struct {
        const char *state;
        enum ac_grid_reuse reuse;
        enum ac_grid_address address;
    } grid;
    /* Where the claim's expectation changed between kernels: `since` the first release with the
     * current rule, as major * 1000 + minor (fixtures/kernel.h's AC_KV), which the test also
     * picks its expectation by; `commit` the kernel commit that changed it (12 hex digits) and
     * its title. since 0: the same on every kernel. */
    struct {
        int since;
        const char *commit, *title;
    } changed;
    /* The transition of the docs' state graph the test proves, by name (tools/docs/states.c),
     * where the states sock_diag shows cannot tell it from another one (an RST or the timer
     * ends a TIME_WAIT alike); NULL: none. */
    const char *proves;
};

/* The RLIMIT_NOFILE a test needs unless it says more: every scenario without a need of its own
 * passed at 14 (kernel 6.18, a worker with its namespace's netlink and sock_diag sockets); 10 and
 * 12 were too few for the busiest (client/port_range_exhausted_*). */
#define AC_NOFILE_DEFAULT 16

/* The axes' names in --afterclose-describe. */
static inline const char *ac_grid_reuse_name(enum ac_grid_reuse r)
{
    static const char *const names[] = {"none", "old", "new", "both"};
    return names[r];
}
static inline const char *ac_grid_address_name(enum ac_grid_address a)
{
    static const char *const names[] = {"same", "other", "wildcard"};
    return names[a];
}

/* NULL for a plain Test(): afterclose keeps Criterion's .data for struct ac_meta alone. */
static inline const struct ac_meta *ac_meta_of(const struct criterion_test *t)
{
    return t->data ? (const struct ac_meta *)t->data->data : NULL;
}

#endif
