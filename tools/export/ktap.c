/* afterclose-ktap: KTAP v1 (the kernel's Documentation/dev-tools/ktap.rst) from results files,
 * for kernel CI (KernelCI, LKFT, kselftest runners).
 *
 *   afterclose-ktap [--kselftest] [--tests LIST] [--deviations FILE] [--out FILE] RESULTS.jsonl...
 *
 * One subtest block per suite (indented four spaces, as KUnit nests), numbered from 1 in each
 * block; `ok N name # SKIP reason` for a skip; a failure is preceded by a diagnostic line with
 * what did not hold (expected vs observed errno by name); a broken test (the environment could
 * not set it up) is `not ok N name # ERROR broken` after a `# broken: CAUSE` line. The totals
 * close with kselftest's "# Totals:" line (broken tests are its error count). With --deviations
 * (docs/known-deviations.md) a record that shows an accepted deviation is `ok N name # XFAIL
 * reason`, one that held without it `ok N name # XPASS reason`, each after a line naming the
 * kernels and the link; the totals count them as xfail and xpass.
 *
 * Exit status: 0 nothing failed, 1 a test failed, crashed or timed out, 2 bad usage or input
 * (nothing written), 3 none failed but a test was broken (the runner's AC_EXIT_BROKEN), 77 every
 * test skipped -- 4 with --kselftest (kselftest's KSFT_SKIP). */
#define _GNU_SOURCE
#include "export.h"

#define PROG "afterclose-ktap"

/* The deviations file against the suite's list, no records: 0 valid, 2 after one line. */
static int check_deviations(const char *path, const char *tests)
{
    if (!tests) {
        fprintf(stderr, PROG ": no results file (--deviations alone needs --tests LIST, the "
                             "suite's list, to check it against)\n");
        return 2;
    }
    struct ac_export x = {0};
    x.all = json_array();
    bool ok = ac_export_labels(&x, PROG, tests) && ac_export_deviations(&x, PROG, path);
    ac_export_free(&x);
    return ok ? 0 : 2;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *tests = NULL, *deviations = NULL;
    bool kselftest = false;
    const struct ac_export_opt opts[] = {{"--kselftest", NULL, &kselftest},
                                         {"--out", &out, NULL},
                                         {"--tests", &tests, NULL},
                                         {"--deviations", &deviations, NULL},
                                         {0}};
    const struct ac_export_cli cli = {
        PROG,
        "usage: " PROG
        " [--kselftest] [--tests LIST] [--deviations FILE] [--out FILE] RESULTS.jsonl...",
        "KTAP v1 from afterclose result records, one subtest block per suite.\n"
        "  --kselftest        exit 4 (KSFT_SKIP) instead of 77 when every test skipped\n"
        "  --tests LIST       only the tests of LIST (afterclose-suite --afterclose-list)\n"
        "  --deviations FILE  known deviations: '# XFAIL' where one is seen, '# XPASS' where\n"
        "                     the test held without it; with --tests and no results file,\n"
        "                     only checks FILE against the list (what a run does first)\n"
        "  --out FILE         write there instead of stdout\n"
        "Exit: 0 nothing failed, 1 a test failed/crashed/timed out, 2 bad usage or input, 3 "
        "none\nfailed but a test was broken (the environment), 77 (4 with --kselftest) every "
        "test skipped.",
        opts, &deviations};
    int i = ac_export_options(argc, argv, &cli);
    if (i <= 0)
        return i == 0 ? 0 : 2;
    if (i == argc) /* --deviations alone: check the file before a run writes its results */
        return check_deviations(deviations, tests);

    struct ac_export x = {0};
    if ((tests && !ac_export_labels(&x, PROG, tests)) ||
        !ac_export_load(&x, PROG, argv + i, argc - i, tests != NULL) ||
        (deviations && !ac_export_deviations(&x, PROG, deviations))) {
        ac_export_free(&x);
        return 2;
    }
    FILE *f = ac_export_open(PROG, out);
    if (f)
        ac_ktap_write(f, &x);
    struct ac_counts c = ac_count(x.cases, x.n);
    if (!f || !ac_export_close(PROG, f, out)) {
        ac_export_free(&x);
        return 2;
    }
    if (c.skip == c.total) {
        /* The reason of the first skip: usually every test skipped for the same one. */
        fprintf(stderr, PROG ": every one of the %zu tests skipped (", c.total);
        ac_put_line(stderr, ac_str(x.cases[0], "reason"));
        fputs(")\n", stderr);
    }
    ac_export_free(&x);
    return c.fail ? 1 : c.broken ? 3 : c.skip == c.total ? (kselftest ? 4 : 77) : 0;
}
