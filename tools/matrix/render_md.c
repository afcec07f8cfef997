/* docs/compat-matrix.md: the columns' facts, then the scenarios where kernels differ,
 * then the ones that behave alike. */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"

#include <stdio.h>
#include <string.h>

/* Table-safe text: every value comes from a results file or column.env, so nothing in it may
 * end a cell or a row, or reach a terminal as a control sequence: | escaped, line breaks and
 * tabs as spaces, other control characters as '?', long values cut (never inside a UTF-8
 * character). */
static void cell_text(FILE *f, const char *s, size_t max)
{
    size_t n;
    unsigned char ch;

    for (n = 0; *s && (n < max || ((unsigned char)*s & 0xc0) == 0x80); s++, n++) {
        ch = (unsigned char)*s;
        if (ch == '|')
            fputs("\\|", f);
        else if (ch == '\n' || ch == '\r' || ch == '\t')
            fputc(' ', f);
        else if (ch < 0x20 || ch == 0x7f)
            fputc('?', f);
        else
            fputc(ch, f);
    }
    if (*s)
        fputs("…", f);
}

/* The check a reader wants to see: the first failed one, else the last one (the
 * scenario's verdict-bearing step, e.g. the bind), NULL if the record has no checks. */
static json_t *key_check(json_t *rec, size_t *nfailed)
{
    json_t *checks = json_object_get(rec, "checks"), *c, *first_bad = NULL;
    size_t i;

    *nfailed = 0;
    json_array_foreach(checks, i, c)
    {
        if (json_is_false(json_object_get(c, "ok")) && !(*nfailed)++)
            first_bad = c;
    }
    if (first_bad)
        return first_bad;
    return json_array_size(checks) ? json_array_get(checks, json_array_size(checks) - 1) : NULL;
}

/* "pass · EADDRINUSE", "fail · bind 0.0.0.0:9999: OK (expected EADDRINUSE)",
 * "skip · reason", "missing (panic)" */
static void put_cell(FILE *f, const struct column *c, const struct row *r)
{
    const char *test = r->test;
    json_t *rec = cell_record(c, test), *chk;
    const char *v = cell_verdict(c, test);
    size_t nfailed;

    fputs(" | ", f);
    if (!rec) {
        /* say why when the whole column failed */
        fputs("missing", f);
        if (!column_delivered(c)) {
            fputs(" (", f);
            cell_text(f, meta_get(c, "status"), 20);
            fputc(')', f);
        }
        return;
    }
    fprintf(f, "**%s**", v);
    if (r->focus >= 0) {
        /* a row that differs in an observed value: show that value in every column */
        chk = json_array_get(json_object_get(rec, "checks"), (size_t)r->focus);
        fputs(" · ", f);
        cell_text(f, rec_str(chk, "observed"), 60);
        return;
    }
    chk = key_check(rec, &nfailed);
    if (!strcmp(v, "pass") && chk) {
        fputs(" · ", f);
        cell_text(f, rec_str(chk, "observed"), 60);
    } else if (!strcmp(v, "fail") && nfailed) {
        fputs(" · ", f);
        cell_text(f, rec_str(chk, "step"), 60);
        fputs(": ", f);
        cell_text(f, rec_str(chk, "observed"), 40);
        fputs(" (expected ", f);
        cell_text(f, rec_str(chk, "expected"), 40);
        fputc(')', f);
        if (nfailed > 1)
            fprintf(f, " +%zu more", nfailed - 1);
    } else if (*rec_str(rec, "reason")) {
        fputs(" · ", f);
        cell_text(f, rec_str(rec, "reason"), 80);
    }
}

/* The check the row is about: the one where kernels differ, else the last. */
static json_t *row_check(json_t *rec, long focus)
{
    json_t *checks = json_object_get(rec, "checks");

    if (focus >= 0)
        return json_array_get(checks, (size_t)focus);
    return json_array_size(checks) ? json_array_get(checks, json_array_size(checks) - 1) : NULL;
}

/* The step and expectation of the row's check ("bind 0.0.0.0:9999 EADDRINUSE"): the
 * whole joined list would not fit a table cell. Expectations may depend on the kernel
 * version; then the cells' verdicts say whether each kernel met its own. */
static void put_expected(FILE *f, const struct table *t, const struct row *r)
{
    const char *test = r->test, *all = r->expected;
    json_t *first = NULL, *c;
    size_t j;

    for (j = 0; j < t->ncols; j++) {
        c = row_check(cell_record(&t->cols[j], test), r->focus);
        if (!c)
            continue;
        if (!first) {
            first = c;
        } else if (strcmp(rec_str(first, "expected"), rec_str(c, "expected"))) {
            cell_text(f, rec_str(first, "step"), 60);
            fputs(" *(expectation differs by kernel)*", f);
            return;
        }
    }
    if (!first) {
        cell_text(f, all, 80);
        return;
    }
    cell_text(f, rec_str(first, "step"), 60);
    fputc(' ', f);
    cell_text(f, rec_str(first, "expected"), 40);
}

static void put_rows(FILE *f, const struct table *t, bool differs)
{
    size_t i, j;

    fputs("| scenario | check: expected |", f);
    for (j = 0; j < t->ncols; j++)
        fprintf(f, " %s |", t->cols[j].id);
    fputs("\n| --- | --- |", f);
    for (j = 0; j < t->ncols; j++)
        fputs(" --- |", f);
    fputc('\n', f);
    for (i = 0; i < t->nrows; i++) {
        if (t->rows[i].differs != differs)
            continue;
        fputs("| `", f);
        cell_text(f, t->rows[i].test, 200);
        fputs("` | ", f);
        put_expected(f, t, &t->rows[i]);
        for (j = 0; j < t->ncols; j++)
            put_cell(f, &t->cols[j], &t->rows[i]);
        fputs(" |\n", f);
    }
}

bool render_md(const struct table *t, const char *path)
{
    size_t i, ndiff = 0;
    FILE *f = fopen(path, "w");

    if (!f) {
        errorf("%s: cannot write", path);
        return false;
    }
    for (i = 0; i < t->nrows; i++)
        ndiff += t->rows[i].differs;

    fputs("# afterclose compatibility matrix\n\n"
          "Written by `ci/matrix` (see docs/matrix.md); do not edit by hand. Rows are scenarios,\n"
          "columns kernels. A cell is the verdict and the observed value of the scenario's last\n"
          "check (errno names, `OK`), or of its first failed check; in rows where kernels\n"
          "differ, of the first check whose observed value differs; skips and crashes give\n"
          "the reason. The full records are in compat-matrix.json. `missing` means the\n"
          "kernel's run produced no record for the scenario (in parentheses: why the whole\n"
          "column failed).\n\n"
          "## Kernels\n\n"
          "| column | release | package | version | accel | status | suite exit | records | "
          "seconds |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
          f);
    for (i = 0; i < t->ncols; i++) {
        const struct column *c = &t->cols[i];

        fprintf(f, "| %s | ", c->id); /* checked when loaded: letters, digits, . _ - + */
        cell_text(f, meta_get(c, "release"), 80);
        fputs(" | ", f);
        cell_text(f, meta_get(c, "package"), 80);
        fputs(" | ", f);
        cell_text(f, meta_get(c, "version"), 80);
        fputs(" | ", f);
        cell_text(f, meta_get(c, "accel"), 20);
        fputs(column_delivered(c) ? " | " : " | **", f);
        cell_text(f, meta_get(c, "status"), 20);
        fputs(column_delivered(c) ? " | " : "** | ", f);
        cell_text(f, meta_get(c, "suite_exit"), 20);
        fprintf(f, " | %zu | ", c->nrecs);
        cell_text(f, meta_get(c, "seconds"), 20);
        fputs(" |\n", f);
    }
    fprintf(f, "\n## Scenarios where kernels differ (%zu)\n\n", ndiff);
    if (ndiff)
        put_rows(f, t, true);
    else
        fputs("None: every kernel that delivered results behaved the same.\n", f);
    fprintf(f,
            "\n## Scenarios that behave the same on every kernel that delivered results (%zu)\n\n",
            t->nrows - ndiff);
    if (t->nrows - ndiff)
        put_rows(f, t, false);
    else
        fputs("None.\n", f);
    if (fclose(f)) {
        errorf("%s: write failed", path);
        return false;
    }
    return true;
}
