/* KTAP v1 from the ordered records (see ktap.c for the layout). */
#define _GNU_SOURCE
#include "deviation.h"
#include "export.h"
#include "results.h"

#include <stdlib.h>
#include <string.h>

/* A name on a result line: '#' would start a directive, a line break end the line. */
static void put_name(FILE *f, const char *s)
{
    while (*s) {
        size_t brk = ac_unicode_break(s);
        fputc(brk || (unsigned char)*s <= 0x20 || *s == 0x7f || *s == '#' ? '_' : *s, f);
        s += brk ? brk : 1;
    }
}

/* A result line; `directive` SKIP, XFAIL, XPASS (with its reason) or ERROR, or NULL. */
static void result_line(FILE *f, const char *indent, bool ok, size_t n, const char *name,
                        const char *directive, const char *why)
{
    fprintf(f, "%s%s %zu ", indent, ok ? "ok" : "not ok", n);
    put_name(f, name);
    if (directive) {
        fprintf(f, " # %s ", directive);
        ac_put_line(f, why);
    }
    fputc('\n', f);
}

static void suite_block(FILE *f, const struct ac_export *x, const struct ac_suite *s, size_t no)
{
    fputs("    KTAP version 1\n    # Subtest: ", f);
    put_name(f, s->name);
    fprintf(f, "\n    1..%zu\n", s->n);
    for (size_t i = 0; i < s->n; i++) {
        json_t *rec = x->cases[s->first + i], *mark;
        const char *v = ac_str(rec, "verdict");
        bool skip = !strcmp(v, "skip"), pass = !strcmp(v, "pass"), broken = !strcmp(v, "broken");
        enum ac_known known = ac_known_of(rec, &mark);
        if (!skip && !pass) { /* "# broken: CAUSE" for a broken test */
            char *why = ac_problem(rec);
            fputs("    # ", f);
            ac_put_line(f, why ? why : v);
            fputc('\n', f);
            free(why);
        }
        if (known != AC_KNOWN_NONE) { /* which entry, and where to read about it */
            char kernels[256];
            fprintf(f, "    # known deviation%s on %s: ",
                    known == AC_KNOWN_XFAIL ? ""
                                            : " no longer seen (the test held: the entry may be "
                                              "stale)",
                    ac_deviation_kernels(mark, kernels, sizeof kernels));
            ac_put_line(f, ac_str(mark, "link"));
            fputc('\n', f);
        }
        /* broken: ktap.rst's ERROR directive, the test's execution failed (kselftest's
         * "error"); a parser that does not know it reads a "not ok". XFAIL: ktap.rst's expected
         * failure, kselftest's ksft_test_result_xfail(); XPASS as ksft_test_result_xpass() */
        const char *reason = ac_str(rec, "reason");
        const char *directive = known == AC_KNOWN_XFAIL   ? "XFAIL"
                                : known == AC_KNOWN_XPASS ? "XPASS"
                                : skip                    ? "SKIP"
                                : broken                  ? "ERROR"
                                                          : NULL;
        result_line(f, "    ", skip || pass || known == AC_KNOWN_XFAIL, i + 1, ac_case_name(rec),
                    directive,
                    known != AC_KNOWN_NONE ? ac_str(mark, "reason")
                    : !skip                ? "broken"
                    : *reason              ? reason
                                           : "skipped");
    }
    struct ac_counts c = ac_count(x->cases + s->first, s->n);
    result_line(f, "", c.fail + c.broken == 0, no, s->name, c.skip == c.total ? "SKIP" : NULL,
                "every test skipped");
}

/* The run's interface kind: "none" only where no test set one up (a harness test, or one the
 * runner found broken before it started). */
static const char *iface_of(const struct ac_export *x)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(ac_str(x->cases[i], "iface_kind"), "none"))
            return ac_str(x->cases[i], "iface_kind");
    return "none";
}

void ac_ktap_write(FILE *f, const struct ac_export *x)
{
    /* The plan right after the version line: kunit.py reads no plan past a diagnostic, and
     * without one it cannot report a suite missing from a truncated file. */
    fprintf(f, "KTAP version 1\n1..%zu\n# afterclose: kernel ", x->nsuites);
    ac_put_line(f, ac_str(x->cases[0], "kernel"));
    fputs(", interface kind ", f);
    ac_put_line(f, iface_of(x));
    fprintf(f, ", %zu test%s in %zu suite%s\n", x->n, x->n == 1 ? "" : "s", x->nsuites,
            x->nsuites == 1 ? "" : "s");
    for (size_t s = 0; s < x->nsuites; s++)
        suite_block(f, x, &x->suites[s], s + 1);
    struct ac_counts c = ac_count(x->cases, x->n);
    fprintf(f, "# Totals: pass:%zu fail:%zu xfail:%zu xpass:%zu skip:%zu error:%zu\n", c.pass,
            c.fail, c.xfail, c.xpass, c.skip, c.broken);
}
