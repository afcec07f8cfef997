/* afterclose-diff: what changed between two runs of the suite (docs/regression-workflow.md).
 *
 *   afterclose-diff [--bisect] OLD NEW
 *
 * OLD and NEW are result sets (results.jsonl) or matrix column directories holding one. Shows the
 * claims that changed (a verdict, or a claim check's outcome or typed value), then, listed
 * apart, what changed only in setup (skipped or broken on one side, a setup check, a skip reason)
 * or only in timing (measured durations within their ranges, a run time that doubled).
 *
 * Exit status: 0 no claim changed, 1 a claim changed, 2 an input is not a usable run or bad
 * usage (one line on stderr).
 * --bisect, for `git bisect run` (OLD: the reference, e.g. the good kernel's run; NEW: the run of
 * the commit under test): 0 good (no claim changed), 1 bad (a claim changed), 125 skip (NEW
 * cannot tell: it does not exist, a matrix column whose kernel did not deliver, a run without its
 * seal, or a selected test skipped or broken where OLD observed it), 128 abort (OLD unusable,
 * NEW corrupt or interrupted, a NEW test OLD has no record of, bad usage): never 2, which git
 * would read as "bad". */
#define _GNU_SOURCE
#include "diff.h"

#include "output.h"
#include "results.h"

#include <stdio.h>
#include <string.h>

#define PROG  "afterclose-diff"
#define USAGE "usage: " PROG " [--bisect] OLD NEW"

static const char help[] =
    USAGE "\n"
          "What changed between two runs: OLD and NEW are result sets (results.jsonl) or\n"
          "matrix column directories holding one. Claims that changed first, then what changed\n"
          "only in setup or only in timing, listed apart.\n"
          "  --bisect  exit as git bisect run reads it: 0 good, 1 bad, 125 skip (NEW missing,\n"
          "            not delivered, unsealed, or a test could not be observed), 128 abort\n"
          "Exit: 0 no claim changed, 1 a claim changed, 2 an input unusable or bad usage.";

static int refuse(bool bisect, const char *what, const char *arg)
{
    char shown[256];
    fprintf(stderr, PROG ": %s%s (" USAGE ")\n", what,
            arg ? ac_printable(arg, shown, sizeof shown) : "");
    return bisect ? BISECT_ABORT : DIFF_UNUSABLE;
}

/* What --bisect makes of a NEW that is not a usable run. */
static int unusable_new(const struct run *new)
{
    bool skip =
        new->state == RUN_MISSING || new->state == RUN_NOT_DELIVERED || new->state == RUN_CUT_SHORT;
    fprintf(stderr, PROG ": bisect: %s: NEW %s\n", skip ? "skip (125)" : "abort (128)", new->why);
    return skip ? BISECT_SKIP : BISECT_ABORT;
}

static bool unobserved(json_t *rec)
{
    const char *v = json_string_value(json_object_get(rec, "verdict"));
    return !strcmp(v, "skip") || !strcmp(v, "broken");
}

/* The bisect's answer once both runs were read and compared. */
static int bisect_verdict(const struct run *old, const struct run *new, const struct comparison *c)
{
    char names[512];
    if (json_array_size(c->only_new)) {
        ac_set_names(c->only_new, 3, names, sizeof names);
        fprintf(stderr,
                PROG ": bisect: abort (128): OLD has no record of %s: the reference must "
                     "cover the selection\n",
                names);
        return BISECT_ABORT;
    }
    if (c->claim) {
        printf("bisect: bad (1): %zu %s changed against OLD (%s)\n", c->claim,
               c->claim == 1 ? "claim" : "claims", run_header(old, "kernel"));
        return DIFF_CHANGED;
    }
    for (size_t i = 0; i < c->nchanges; i++) {
        const struct change *ch = &c->changes[i];
        if (unobserved(ch->new) && !unobserved(ch->old)) {
            char test[256];
            fprintf(stderr, PROG ": bisect: skip (125): NEW could not observe %s (%s)\n",
                    ac_printable(ch->test, test, sizeof test),
                    json_string_value(json_object_get(ch->new, "verdict")));
            return BISECT_SKIP;
        }
    }
    printf("bisect: good (0): no claim changed against OLD (%zu compared on %s)\n", c->compared,
           run_header(new, "kernel"));
    return DIFF_SAME;
}

int main(int argc, char **argv)
{
    bool bisect = false, options = true;
    const char *paths[2];
    int n = 0;
    /* known first: bad usage under git bisect run must abort it, wherever --bisect stands */
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        bisect = bisect || !strcmp(argv[i], "--bisect");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            puts(help);
            return ac_output_done(stdout, PROG, "stdout") ? 0 : DIFF_UNUSABLE;
        } else if (options && !strcmp(a, "--bisect")) {
            continue;
        } else if (options && !strcmp(a, "--")) {
            options = false;
        } else if (options && a[0] == '-' && a[1]) {
            return refuse(bisect, "unknown option ", a);
        } else if (n == 2) {
            return refuse(bisect, "one run too many: ", a);
        } else {
            paths[n++] = a;
        }
    }
    if (n < 2)
        return refuse(bisect, n ? "no NEW run" : "no runs to compare", NULL);

    struct run old, new;
    run_load(&old, paths[0]);
    run_load(&new, paths[1]);
    int rc = DIFF_SAME;
    if (old.state != RUN_OK) {
        fprintf(stderr, PROG ": OLD %s\n", old.why);
        rc = bisect ? BISECT_ABORT : DIFF_UNUSABLE;
    } else if (new.state != RUN_OK) {
        if (bisect)
            rc = unusable_new(&new);
        else {
            fprintf(stderr, PROG ": NEW %s\n", new.why);
            rc = DIFF_UNUSABLE;
        }
    } else {
        struct comparison c;
        compare_runs(&old, &new, &c);
        show_comparison(&old, &new, &c);
        rc = bisect ? bisect_verdict(&old, &new, &c) : c.claim ? DIFF_CHANGED : DIFF_SAME;
        comparison_free(&c);
        if (!ac_output_done(stdout, PROG, "stdout"))
            rc = bisect ? BISECT_ABORT : DIFF_UNUSABLE; /* an unwritten diff says nothing */
    }
    run_free(&old);
    run_free(&new);
    return rc;
}
