/* KTAP v1 from the ordered records (see ktap.c for the layout). */
#define _GNU_SOURCE
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

void ac_ktap_write(FILE *f, const struct ac_export *x)
{
    /* The plan right after the version line: kunit.py reads no plan past a diagnostic, and
     * without one it cannot report a suite missing from a truncated file. */
    fprintf(f, "KTAP version 1\n1..%zu\n# afterclose: kernel ", x->nsuites);
    ac_put_line(f, ac_str(x->cases[0], "kernel"));
    fputs(", interface kind ", f);
    ac_put_line(f, ac_str(x->cases[0], "iface_kind"));
    fprintf(f, ", %zu test%s in %zu suite%s\n", x->n, x->n == 1 ? "" : "s", x->nsuites,
            x->nsuites == 1 ? "" : "s");
    for (size_t s = 0; s < x->nsuites; s++)
        suite_block(f, x, &x->suites[s], s + 1);
    struct ac_counts c = ac_count(x->cases, x->n);
    fprintf(f, "# Totals: pass:%zu fail:%zu xfail:0 xpass:0 skip:%zu error:0\n", c.pass, c.fail,
            c.skip);
}
