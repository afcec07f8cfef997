/* afterclose-ktap: KTAP v1 (the kernel's Documentation/dev-tools/ktap.rst) from results files,
 * for kernel CI (KernelCI, LKFT, kselftest runners).
 *
 *   afterclose-ktap [--kselftest] [--tests LIST] [--out FILE] RESULTS.jsonl...
 *
 * One subtest block per suite (indented four spaces, as KUnit nests), numbered from 1 in each
 * block; `ok N name # SKIP reason` for a skip; a failure is preceded by a diagnostic line with
 * what did not hold (expected vs observed errno by name). The totals close with kselftest's
 * "# Totals:" line.
 *
 * Exit status: 0 nothing failed, 1 a test failed, crashed or timed out, 2 bad usage or input
 * (nothing written), 77 every test skipped -- 4 with --kselftest (kselftest's KSFT_SKIP). */
#define _GNU_SOURCE
#include "export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int usage(const char *what)
{
    fprintf(stderr,
            "afterclose-ktap: %s\nusage: afterclose-ktap [--kselftest] [--tests LIST] "
            "[--out FILE] RESULTS.jsonl...\n",
            what);
    return 2;
}

int main(int argc, char **argv)
{
    const char *out = NULL, *tests = NULL;
    bool kselftest = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--kselftest"))
            kselftest = true;
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--tests") && i + 1 < argc)
            tests = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            puts("usage: afterclose-ktap [--kselftest] [--tests LIST] [--out FILE] "
                 "RESULTS.jsonl...\n"
                 "KTAP v1 from afterclose result records, one subtest block per suite.\n"
                 "  --kselftest   exit 4 (KSFT_SKIP) instead of 77 when every test skipped\n"
                 "  --tests LIST  only the tests of LIST (afterclose-suite --afterclose-list)\n"
                 "  --out FILE    write there instead of stdout\n"
                 "Exit: 0 nothing failed, 1 a test failed/crashed/timed out, 2 bad usage or "
                 "input, 77 (4 with --kselftest) every test skipped.");
            return 0;
        } else
            return usage(!strcmp(argv[i], "--out") || !strcmp(argv[i], "--tests")
                             ? "option needs a value"
                             : "unknown option");
    }
    if (i >= argc)
        return usage("no results file");

    struct ac_export x = {0};
    if ((tests && !ac_export_labels(&x, "afterclose-ktap", tests)) ||
        !ac_export_load(&x, "afterclose-ktap", argv + i, argc - i, tests != NULL)) {
        ac_export_free(&x);
        return 2;
    }
    FILE *f = out ? fopen(out, "we") : stdout;
    if (!f) {
        fprintf(stderr, "afterclose-ktap: cannot write %s: %s\n", out, strerror(errno));
        ac_export_free(&x);
        return 2;
    }
    ac_ktap_write(f, &x);
    struct ac_counts c = ac_count(x.cases, x.n);
    if ((out && fclose(f) != 0) || (!out && fflush(f) != 0)) {
        fprintf(stderr, "afterclose-ktap: write error on %s\n", out ? out : "stdout");
        ac_export_free(&x);
        return 2;
    }
    if (c.skip == c.total) {
        /* The reason of the first skip: usually every test skipped for the same one. */
        fprintf(stderr, "afterclose-ktap: every one of the %zu tests skipped (", c.total);
        ac_put_line(stderr, ac_str(x.cases[0], "reason"));
        fputs(")\n", stderr);
    }
    ac_export_free(&x);
    return c.fail ? 1 : c.skip == c.total ? (kselftest ? 4 : 77) : 0;
}
