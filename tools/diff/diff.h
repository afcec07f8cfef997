/* afterclose-diff: what changed between two runs of the suite (diff.c has the command line). */
#ifndef AC_DIFF_TOOL_H
#define AC_DIFF_TOOL_H

#include "set.h"
#include "typed.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses. git bisect run reads 0 good, 125 skip, 1..127 bad and aborts at 128 and above:
 * in --bisect mode nothing the tool cannot judge may read as "bad". */
enum {
    DIFF_SAME = 0,     /* no claim changed (timing or setup may have) */
    DIFF_CHANGED = 1,  /* a claim changed: --bisect's "bad" */
    DIFF_UNUSABLE = 2, /* an input is not a usable run, or bad usage */
    BISECT_SKIP = 125, /* NEW could not be tested: no run, a kernel that did not boot or finish */
    BISECT_ABORT = 128 /* --bisect: OLD unusable, NEW corrupt, bad usage: the bisect stops */
};

/* What an argument turned out to be (input.c). */
enum run_state {
    RUN_OK,
    RUN_MISSING,       /* nothing there: no results file, no column (the kernel did not build) */
    RUN_NOT_DELIVERED, /* a matrix column whose kernel did not deliver (status=panic, ...) */
    RUN_CUT_SHORT,     /* a set without its seal, or an empty file: the run did not finish */
    RUN_BAD            /* anything else a reader refuses: not a result set, corrupt, invalid */
};

struct run {
    const char *arg;   /* as given */
    char *file;        /* the results file read */
    struct ac_set set; /* its header, records, seal */
    json_t *index;     /* test -> record */
    enum run_state state;
    char why[1024]; /* one line when not RUN_OK: "ARG: what" */
};

/* Resolves ARG (a result set, or a matrix column directory holding one) and reads it. */
void run_load(struct run *r, const char *arg);
void run_free(struct run *r);
const char *run_header(const struct run *r, const char *field); /* "kernel", "iface_kind" */

/* One test whose records differ (compare.c). */
struct change {
    const char *test;
    json_t *old, *new;
    enum ac_diff how; /* CLAIM, SETUP or TIMING */
    bool reason;      /* both unobserved (skip, broken), for different reasons */
    bool elapsed;     /* the run time changed by a factor of 2 and at least ELAPSED_MIN_MS */
};
#define ELAPSED_MIN_MS 1000.0

struct comparison {
    struct change *changes; /* in test order */
    size_t nchanges;
    size_t compared, same, claim, setup, timing;
    json_t *only_old, *only_new; /* test names, sorted */
};

void compare_runs(const struct run *old, const struct run *new, struct comparison *c);
void comparison_free(struct comparison *c);

/* show.c: the whole difference to stdout. */
void show_comparison(const struct run *old, const struct run *new, const struct comparison *c);

#endif
