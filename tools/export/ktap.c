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

/* A name on a result line: '#' would start a directive. */
static void put_name(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '#' ? '_' : *s, f);
}

static void result_line(FILE *f, const char *indent, bool ok, size_t n, const char *name,
                        const char *skip)
{
    fprintf(f, "%s%s %zu ", indent, ok ? "ok" : "not ok", n);
    put_name(f, name);
    if (skip) {
        fputs(" # SKIP ", f);
        ac_put_line(f, *skip ? skip : "skipped");
    }
    fputc('\n', f);
}

static void suite_block(FILE *f, const struct ac_export *x, const struct ac_suite *s, size_t no)
{
    fputs("    KTAP version 1\n    # Subtest: ", f);
    put_name(f, s->name);
    fprintf(f, "\n    1..%zu\n", s->n);
    for (size_t i = 0; i < s->n; i++) {
        json_t *rec = x->cases[s->first + i];
        const char *v = ac_str(rec, "verdict");
        bool skip = !strcmp(v, "skip"), pass = !strcmp(v, "pass");
        if (!skip && !pass) {
            char *why = ac_problem(rec);
            fputs("    # ", f);
            ac_put_line(f, why ? why : v);
            fputc('\n', f);
            free(why);
        }
        result_line(f, "    ", skip || pass, i + 1, ac_case_name(rec),
                    skip ? ac_str(rec, "reason") : NULL);
    }
    struct ac_counts c = ac_count(x->cases + s->first, s->n);
    result_line(f, "", c.fail == 0, no, s->name, c.skip == c.total ? "every test skipped" : NULL);
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
    fputs("KTAP version 1\n# afterclose: kernel ", f);
    ac_put_line(f, ac_str(x.cases[0], "kernel"));
    fputs(", interface kind ", f);
    ac_put_line(f, ac_str(x.cases[0], "iface_kind"));
    fprintf(f, ", %zu tests in %zu suites\n1..%zu\n", x.n, x.nsuites, x.nsuites);
    for (size_t s = 0; s < x.nsuites; s++)
        suite_block(f, &x, &x.suites[s], s + 1);
    struct ac_counts c = ac_count(x.cases, x.n);
    fprintf(f, "# Totals: pass:%zu fail:%zu xfail:0 xpass:0 skip:%zu error:0\n", c.pass, c.fail,
            c.skip);
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
