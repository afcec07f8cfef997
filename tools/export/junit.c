/* afterclose-junit: JUnit XML for CI dashboards, from results files, or from a whole ctest run.
 *
 *   afterclose-junit [--labels LIST] [--deviations FILE] [--out FILE] RESULTS.jsonl...
 *   afterclose-junit --ctest CTEST.xml [--labels LIST] [--out FILE] [RESULTS.jsonl...]
 *
 * Written from the records rather than patched into ctest's own JUnit: ctest fills
 * <failure message> with nothing and <skipped message> with "SKIP_RETURN_CODE=77" and uses the
 * full test name as classname, and none of that can be configured (docs/results-format.md,
 * "JUnit"). With --ctest every test of ctest's file is a case with ctest's verdict, enriched by
 * its record (junit_ctest.c). Either way:
 * - one <testsuite> per suite; classname is the suite, name the test;
 * - <failure message="STEP: expected X, observed Y"> (errno by name) with every check in the
 *   body; a crash or timeout is an <error>, and so is a broken test: <error type="broken"
 *   message="broken: CAUSE"> (the environment could not set it up);
 * - <skipped>REASON</skipped>;
 * - the kernel as a property of each suite; labels, expected, observed and the checks in the
 *   case's <system-out> (the strict schemas allow no properties in a <testcase>);
 * - with --deviations (docs/known-deviations.md), as pytest writes its JUnit: a known deviation
 *   seen (XFAIL) is <skipped>xfail, a known deviation (kernels ...): REASON (LINK)</skipped>, one
 *   no longer seen (XPASS) a passed case; both say so in <system-out>. Not with --ctest: there
 *   the verdicts are ctest's.
 *
 * Exit status: 0 written, 1 written and a test failed, crashed or timed out, 3 written and none
 * failed but a test was broken, 2 bad usage or input (nothing written). */
#define _GNU_SOURCE
#include "export.h"

#include <string.h>

#define PROG "afterclose-junit"

/* The document: ctest's tests enriched by the records, or the records alone. */
static bool build(struct ac_jdoc *d, struct ac_export *x, const char *ctest, char **files,
                  int nfiles)
{
    if (nfiles > 0 && !ac_export_load(x, PROG, files, nfiles, false))
        return false;
    if (!ctest)
        return true; /* ac_junit_write makes its own document */
    d->props = json_object();
    if (x->n)
        json_object_set_new(d->props, "kernel", json_string(ac_str(x->cases[0], "kernel")));
    return ac_junit_from_ctest(d, x, PROG, ctest);
}

int main(int argc, char **argv)
{
    const char *out = NULL, *labels = NULL, *ctest = NULL, *deviations = NULL;
    const struct ac_export_opt opts[] = {{"--out", &out, NULL},
                                         {"--labels", &labels, NULL},
                                         {"--ctest", &ctest, NULL},
                                         {"--deviations", &deviations, NULL},
                                         {0}};
    const struct ac_export_cli cli = {
        PROG,
        "usage: " PROG " [--ctest CTEST.xml] [--labels LIST] [--deviations FILE] [--out FILE] "
        "RESULTS.jsonl...",
        "JUnit XML from afterclose result records: classname = suite, failure and\n"
        "skip messages from the records, the kernel as a suite property.\n"
        "  --ctest FILE   ctest's --output-junit file of the same run: every ctest test\n"
        "                 with ctest's verdict, enriched by its record (records optional)\n"
        "  --labels LIST  afterclose-suite --afterclose-list output, for the labels\n"
        "  --deviations FILE  known deviations: a skip saying xfail where one is seen\n"
        "  --out FILE     write there instead of stdout\n"
        "Exit: 0 written, 1 written and a test failed/crashed/timed out, 3 written and none\n"
        "failed but a test was broken (the environment), 2 bad usage or input.",
        opts, &ctest};
    int i = ac_export_options(argc, argv, &cli);
    if (i <= 0)
        return i == 0 ? 0 : 2;

    if (ctest && deviations) {
        fprintf(stderr, PROG ": --deviations and --ctest exclude each other: with --ctest the "
                             "verdicts are ctest's\n");
        return 2;
    }
    struct ac_export x = {0};
    struct ac_jdoc d = {0};
    if ((labels && !ac_export_labels(&x, PROG, labels)) ||
        !build(&d, &x, ctest, argv + i, argc - i) ||
        (deviations && !ac_export_deviations(&x, PROG, deviations))) {
        ac_jdoc_free(&d);
        ac_export_free(&x);
        return 2;
    }
    FILE *f = ac_export_open(PROG, out);
    bool failed = false, broken = false;
    if (!f) {
        ac_jdoc_free(&d);
        ac_export_free(&x);
        return 2;
    }
    if (ctest) {
        ac_jdoc_write(f, &d);
        for (size_t k = 0; k < d.n; k++) {
            bool env = d.cases[k].type && !strcmp(d.cases[k].type, "broken");
            failed |= (d.cases[k].kind == AC_JFAIL || d.cases[k].kind == AC_JERROR) && !env;
            broken |= env;
        }
    } else {
        ac_junit_write(f, &x);
        failed = ac_count(x.cases, x.n).fail > 0;
        broken = ac_count(x.cases, x.n).broken > 0;
    }
    ac_jdoc_free(&d);
    ac_export_free(&x);
    if (!ac_export_close(PROG, f, out))
        return 2;
    return failed ? 1 : broken ? 3 : 0;
}
