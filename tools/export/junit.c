/* afterclose-junit: JUnit XML from results files, for CI dashboards.
 *
 *   afterclose-junit [--labels LIST] [--out FILE] RESULTS.jsonl...
 *
 * Written from the records rather than patched into ctest's own JUnit: ctest fills
 * <failure message> with nothing and <skipped message> with "SKIP_RETURN_CODE=77", uses the
 * full test name as classname and has no per-test properties, and none of that can be
 * configured (docs/results-format.md, "JUnit"). Here:
 * - one <testsuite> per suite; classname is the suite, name the test;
 * - <failure message="STEP: expected X, observed Y"> (errno by name) with every check in the
 *   body; a crash or timeout is an <error>;
 * - <skipped message="REASON">;
 * - properties per test case: kernel, iface_kind, labels (from LIST, the output of
 *   afterclose-suite --afterclose-list), expected, observed.
 *
 * Exit status: 0 written, 1 written and a test failed, crashed or timed out, 2 bad usage or
 * input (nothing written). */
#define _GNU_SOURCE
#include "export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int usage(const char *what)
{
    fprintf(stderr,
            "afterclose-junit: %s\nusage: afterclose-junit [--labels LIST] [--out FILE] "
            "RESULTS.jsonl...\n",
            what);
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *labels = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--labels") && i + 1 < argc)
            labels = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            puts("usage: afterclose-junit [--labels LIST] [--out FILE] RESULTS.jsonl...\n"
                 "JUnit XML from afterclose result records: classname = suite, failure and\n"
                 "skip messages from the records, kernel/iface_kind/labels as properties.\n"
                 "  --labels LIST  afterclose-suite --afterclose-list output, for the labels\n"
                 "  --out FILE     write there instead of stdout\n"
                 "Exit: 0 written, 1 written and a test failed/crashed/timed out, 2 bad usage "
                 "or input.");
            return 0;
        } else
            return usage(!strcmp(argv[i], "--out") || !strcmp(argv[i], "--labels")
                             ? "option needs a value"
                             : "unknown option");
    }
    if (i >= argc)
        return usage("no results file");

    struct ac_export x = {0};
    if ((labels && !ac_export_labels(&x, "afterclose-junit", labels)) ||
        !ac_export_load(&x, "afterclose-junit", argv + i, argc - i, false)) {
        ac_export_free(&x);
        return 2;
    }
    FILE *f = out ? fopen(out, "we") : stdout;
    if (!f) {
        fprintf(stderr, "afterclose-junit: cannot write %s: %s\n", out, strerror(errno));
        ac_export_free(&x);
        return 2;
    }
    ac_junit_write(f, &x);
    if ((out && fclose(f) != 0) || (!out && fflush(f) != 0)) {
        fprintf(stderr, "afterclose-junit: write error on %s\n", out ? out : "stdout");
        ac_export_free(&x);
        return 2;
    }
    struct ac_counts c = ac_count(x.cases, x.n);
    ac_export_free(&x);
    return c.fail ? 1 : 0;
}
