/* afterclose-coverage: checks the inventory of the close/bind surface (coverage.h) against the
 * suite's test list.
 *   afterclose-coverage --inventory FILE --tests LIST [--min-percent N] [--kernel-tree DIR]
 * LIST is `afterclose-suite --afterclose-list` output (the build keeps it as
 * afterclose-suite.ctest.cmake.list). --kernel-tree: a kernel source tree in which each listed
 * function must be defined in its file (e.g. the one `ci/kernel-build --print-tree` prints).
 * Exit status: 0 the inventory is complete (one summary line on stdout); 1 problems, one line
 * each on stderr; 2 bad usage or an unreadable input. */
#define _GNU_SOURCE
#include "coverage.h"

#include "output.h"
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "afterclose-coverage"

static int usage(const char *what)
{
    fprintf(stderr,
            PROG ": %s (usage: " PROG " --inventory FILE --tests LIST [--min-percent N] "
                 "[--kernel-tree DIR])\n",
            what);
    return 2;
}

int main(int argc, char **argv)
{
    const char *inventory = NULL, *tests = NULL, *tree = NULL;
    int min_percent = 90;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *opt = argv[i], *val = argv[i + 1];
        if (!strcmp(opt, "--inventory")) {
            inventory = val;
        } else if (!strcmp(opt, "--tests")) {
            tests = val;
        } else if (!strcmp(opt, "--kernel-tree")) {
            tree = val;
        } else if (!strcmp(opt, "--min-percent")) {
            char *end;
            errno = 0;
            long n = strtol(val, &end, 10);
            if (errno || end == val || *end || n < 0 || n > 100)
                return usage("--min-percent wants a whole number from 0 to 100");
            min_percent = (int)n;
        } else {
            return usage("unknown option");
        }
    }
    if (!inventory || !tests)
        return usage("--inventory and --tests are required");

    char err[512], shown[160];
    json_t *known = ac_results_load_list(tests, err, sizeof err);
    if (!known) {
        fprintf(stderr, PROG ": %s\n", ac_printable(err, shown, sizeof shown));
        return 2;
    }
    json_t *inv = docs_load_json(PROG, inventory);
    if (!inv) {
        json_decref(known);
        return 2;
    }
    struct coverage_counts n;
    size_t problems = coverage_check(inv, known, PROG, inventory, min_percent, tree, &n);
    json_decref(inv);
    json_decref(known);
    if (problems)
        return 1;
    printf(PROG ": %s: %zu items, %zu with tests (%d %%), %zu out of scope; %zu functions\n",
           inventory, n.items, n.tested, coverage_percent(n.tested, n.items), n.out_of_scope,
           n.functions);
    return ac_output_done(stdout, PROG, "stdout") ? 0 : 2;
}
