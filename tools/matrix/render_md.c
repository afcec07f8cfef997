/* docs/generated/compat-matrix.md: the columns' facts, then the scenarios where kernels
 * differ, then the ones that behave alike. */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"
#include "output.h"
#include "results.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Table-safe text: every value comes from a results file or column.env, so nothing in it may
 * end a cell or a row, or reach a terminal as a control sequence: | escaped, line breaks
 * (U+0085, U+2028, U+2029 too) and tabs as spaces, other control characters as '?', long values
 * cut (never inside a UTF-8 character). Outside a code span (code false) the rendered text must
 * be the value: & < ` as entities (a renderer decodes "&amp;"), \ * _ [ ] ~ backslashed (an
 * '_' between letters or digits opens no emphasis: left as it is, SO_REUSEADDR stays legible). */
static void put_text(FILE *f, const char *s, size_t max, bool code)
{
    size_t n, brk;
    unsigned char ch, prev = 0;

    for (n = 0; *s && (n < max || ((unsigned char)*s & 0xc0) == 0x80); s += brk ? brk : 1, n++) {
        ch = (unsigned char)*s;
        brk = ac_unicode_break(s);
        if (ch == '|')
            fputs("\\|", f);
        else if (brk || ch == '\n' || ch == '\r' || ch == '\t')
            fputc(' ', f);
        else if (ch < 0x20 || ch == 0x7f)
            fputc('?', f);
        else if (!code && (ch == '&' || ch == '<' || ch == '`'))
            fprintf(f, "&#%d;", ch);
        else if (!code && strchr("\\*_[]~", ch) &&
                 !(ch == '_' && isalnum(prev) && isalnum((unsigned char)s[1])))
            fprintf(f, "\\%c", ch);
        else
            fputc(ch, f);
        prev = ch;
    }
    if (*s)
        fputs("…", f);
}

static void cell_text(FILE *f, const char *s, size_t max)
{
    put_text(f, s, max, false);
}

/* A code span that holds any value: its fence is longer than the longest run of backticks in
 * it, and a space pads a value that starts or ends with one (CommonMark strips one each side). */
static void code_span(FILE *f, const char *s, size_t max)
{
    size_t run = 0, longest = 0, len = strlen(s), i;
    bool pad = len && (s[0] == '`' || s[len - 1] == '`');

    for (i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    for (i = 0; i <= longest; i++)
        fputc('`', f);
    fputs(pad ? " " : "", f);
    put_text(f, s, max, true);
    fputs(pad ? " " : "", f);
    for (i = 0; i <= longest; i++)
        fputc('`', f);
}

/* "pass · bind 0.0.0.0:9999 → EADDRINUSE", "fail · bind 0.0.0.0:9999: OK (expected
 * EADDRINUSE)", "skip · reason", "broken · cause", "missing (panic)"; in a row where kernels
 * differ, the value of the check where they differ. */
static void put_cell(FILE *f, const struct column *c, const struct row *r)
{
    const char *test = r->test;
    json_t *rec = cell_record(c, test), *chk;
    const char *v = cell_verdict(c, test);
    char claim[512];

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
    json_t *known = json_object_get(rec, "known_deviation"); /* --deviations */
    if (known)
        fprintf(f, " (%s: known deviation)",
                !strcmp(rec_str(known, "as"), "xfail") ? "XFAIL" : "XPASS");
    chk = ac_first_failed(rec);
    if (r->focus >= 0 && !chk) {
        chk = json_array_get(json_object_get(rec, "checks"), (size_t)r->focus);
        fputs(" · ", f);
        cell_text(f, rec_str(chk, "observed"), 60);
        return;
    }
    ac_claim_text(rec, "observed", claim, sizeof claim);
    if (!strcmp(v, "pass") && *claim) {
        fputs(" · ", f);
        cell_text(f, claim, 100);
    } else if (!strcmp(v, "fail") && chk) {
        fputs(" · ", f);
        cell_text(f, rec_str(chk, "step"), 60);
        fputs(": ", f);
        cell_text(f, rec_str(chk, "observed"), 40);
        fputs(" (expected ", f);
        cell_text(f, rec_str(chk, "expected"), 40);
        fputc(')', f);
    } else if (*rec_str(rec, "reason")) {
        fputs(" · ", f);
        cell_text(f, rec_str(rec, "reason"), 80);
    }
}

/* What the row is about: in a row where kernels differ, the step of the check where they
 * differ; otherwise the scenario's claim as expected ("bind 0.0.0.0:9999 → EADDRINUSE"), from
 * the first column that has it. Expectations may depend on the kernel version; then the cells'
 * verdicts say whether each kernel met its own. */
static void put_claim(FILE *f, const struct table *t, const struct row *r)
{
    char claim[512], other[512];
    bool found = false, varies = false;
    size_t j;
    json_t *rec;

    for (j = 0; j < t->ncols; j++) {
        rec = cell_record(&t->cols[j], r->test);
        if (!rec)
            continue;
        if (r->focus >= 0) {
            json_t *chk = json_array_get(json_object_get(rec, "checks"), (size_t)r->focus);
            if (chk) {
                cell_text(f, rec_str(chk, "step"), 80);
                fprintf(f, " *(%s)*", rec_str(chk, "role"));
                return;
            }
        }
        ac_claim_text(rec, "expected", found ? other : claim, sizeof claim);
        if (found && strcmp(claim, other))
            varies = true;
        found = true;
    }
    if (!found) {
        cell_text(f, r->expected, 80);
        return;
    }
    cell_text(f, *claim ? claim : "(no claim recorded)", 100);
    if (varies)
        fputs(" *(expectation differs by kernel)*", f);
}

static void put_rows(FILE *f, const struct table *t, enum ac_diff diff)
{
    size_t i, j;

    fputs("| scenario | claim: expected |", f);
    for (j = 0; j < t->ncols; j++)
        fprintf(f, " %s |", t->cols[j].id);
    fputs("\n| --- | --- |", f);
    for (j = 0; j < t->ncols; j++)
        fputs(" --- |", f);
    fputc('\n', f);
    for (i = 0; i < t->nrows; i++) {
        if (t->rows[i].diff != diff)
            continue;
        fputs("| ", f);
        code_span(f, t->rows[i].test, 200);
        fputs(" | ", f);
        put_claim(f, t, &t->rows[i]);
        for (j = 0; j < t->ncols; j++)
            put_cell(f, &t->cols[j], &t->rows[i]);
        fputs(" |\n", f);
    }
}

/* One section of rows: its heading with the count, then the rows or "None." */
static void put_section(FILE *f, const struct table *t, enum ac_diff diff, const char *heading,
                        const char *about)
{
    size_t n = table_count(t, diff);

    fprintf(f, "\n## %s (%zu)\n\n%s\n\n", heading, n, about);
    if (n)
        put_rows(f, t, diff);
    else
        fputs("None.\n", f);
}

bool render_md(const struct table *t, const char *path)
{
    size_t i;
    char ifaces[64];
    FILE *f = fopen(path, "w");

    if (!f) {
        errorf("cannot write %s: %s", path, strerror(errno));
        return false;
    }
    fprintf(
        f,
        "# afterclose compatibility matrix\n\n"
        "Written by `ci/matrix` (see docs/matrix.md); do not edit by hand. Rows are scenarios,\n"
        "columns kernels. A cell is the verdict and the scenario's claim as that kernel\n"
        "answered it (`bind 0.0.0.0:9999 → EADDRINUSE`: errno names, `OK`, states, numbers),\n"
        "or its first failed check; in rows where kernels differ, the value of the check\n"
        "where they differ. Skips, crashes and broken tests give the reason (broken: the\n"
        "machine could not set the test up, not a kernel result). Which checks are a\n"
        "scenario's claim is recorded with each check (docs/results-format.md), and so is\n"
        "how rows are classed. The full records are in compat-matrix.json. `missing` means\n"
        "the kernel's run produced no record for the scenario (in parentheses: why the\n"
        "whole column failed).\n\n"
        "**Kernels differ in %zu claims.** Besides, %zu scenarios differ only in setup or\n"
        "observation, and %zu only in timing within the stated range.\n\n"
        "## Kernels\n\n"
        "| column | release | package | version | accel | interface | status | suite exit | "
        "records | seconds |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
        table_count(t, AC_DIFF_CLAIM), table_count(t, AC_DIFF_SETUP),
        table_count(t, AC_DIFF_TIMING));
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
        fputs(" | ", f);
        column_iface_kinds(c, ifaces, sizeof ifaces);
        cell_text(f, ifaces, 40);
        fputs(column_delivered(c) ? " | " : " | **", f);
        cell_text(f, meta_get(c, "status"), 20);
        fputs(column_delivered(c) ? " | " : "** | ", f);
        cell_text(f, meta_get(c, "suite_exit"), 20);
        fprintf(f, " | %zu | ", c->nrecs);
        cell_text(f, meta_get(c, "seconds"), 20);
        fputs(" |\n", f);
    }
    put_section(f, t, AC_DIFF_CLAIM, "Kernels differ in a claim",
                "A kernel answered a claim differently, or the scenario failed, crashed or timed "
                "out on some kernels only.");
    put_section(f, t, AC_DIFF_SETUP, "Kernels differ only in setup or observation",
                "Every claim was answered alike where it was observed; the kernels differ in a "
                "setup check (e.g. whether sock_diag lists bound-only sockets, since 6.8), or the "
                "scenario was skipped on some (a sysctl or link type the kernel does not have) or "
                "broken there (that machine's limits or rights could not set it up).");
    put_section(f, t, AC_DIFF_TIMING, "Kernels differ only in timing within the stated range",
                "A measured lifetime differs, each within the range the scenario states.");
    put_section(f, t, AC_DIFF_NONE,
                "Scenarios that behave the same on every kernel that delivered results",
                "Same verdict, same checks, same observed values.");
    return ac_output_done(f, "afterclose-matrix: error", path);
}
