/* docs/generated/compat-matrix.html: the compatibility matrix as a colour-coded page, one row per
 * test (grouped by topic), one column per kernel. A cell shows the verdict's colour and the value
 * the test's last call was expected to give there (an errno name, OK, a state, a number), so
 * kernels whose expectations differ stand out. Each row shows its rule and links to the test's
 * source line and its row in expected-results.md. A search box, a suite filter and "only rows where
 * kernels differ" filter the rows (a few lines of script; without script every row shows); the
 * bind-conflict grid (grid.c) comes first. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

static const char style[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#212121}\n"
    "table{border-collapse:collapse;font-size:13px}\n"
    "th,td{border:1px solid #bdbdbd;padding:3px 8px;text-align:left}\n"
    "thead th{position:sticky;top:0;background:#37474f;color:#fff}\n"
    ".rel{font-weight:normal;font-size:11px;color:#cfd8dc}\n"
    "tr.topic th{background:#eceff1;color:#263238}\n"
    "td.test{font-family:monospace}\n"
    "td.pass{background:#a5d6a7}td.fail{background:#ef9a9a}td.crash,td.timeout"
    "{background:#e57373;color:#fff}td.broken{background:#ce93d8}td.skip{background:#e0e0e0}"
    "td.missing{background:#fff;color:#9e9e9e}\n"
    "td.differs{outline:3px solid #ffb300;outline-offset:-3px}\n"
    ".legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #bdbdbd}"
    "\n"
    "td.rule{font-size:12px;color:#424242;min-width:18em;max-width:34em}\n"
    "td small{font-size:10px;color:#37474f}\n"
    "td.test{max-width:24em;overflow-wrap:anywhere}td.test "
    "a{color:#1a237e;text-decoration:none}td.test a.src{font-size:11px;color:#757575;"
    "margin-left:.5em}\n"
    ".controls{position:sticky;top:0;z-index:2;background:#fff;padding:.5em 0;"
    "border-bottom:1px solid #bdbdbd;margin-bottom:.5em}\n"
    ".controls input[type=search]{width:22em;padding:3px}.controls label{margin-left:1em}\n"
    "#count{margin-left:1em;color:#616161}\n"
    ".grids{display:flex;flex-wrap:wrap;gap:12px}\n"
    "table.grid{font-size:12px}table.grid caption{text-align:left;font-weight:bold;"
    "padding:2px}table.grid td{white-space:nowrap}\n"
    "summary h2{display:inline}table.grid td.differs{outline:3px solid #ffb300;"
    "outline-offset:-3px}\n"
    "table.grid th{background:#eceff1;color:#263238;position:static}\n"
    "table.grid td.ok{background:#c8e6c9}table.grid td.err{background:#ffcdd2}"
    "table.grid td.missing{color:#9e9e9e}table.grid td a{color:inherit;text-decoration:none}\n"
    "[hidden]{display:none!important}\n";

/* The filters: rows carry data-suite, data-differs and data-text (name and rule, lower case). */
static const char script[] =
    "(function(){\n"
    "var q=document.getElementById('q'),su=document.getElementById('suite'),"
    "df=document.getElementById('differ'),dc=document.getElementById('differ-class'),"
    "count=document.getElementById('count');\n"
    "var rows=[].slice.call(document.querySelectorAll('#matrix tbody tr.t'));\n"
    "var topics=[].slice.call(document.querySelectorAll('#matrix tbody tr.topic'));\n"
    "var grid=document.getElementById('grid');\n"
    "var grids=[].slice.call(document.querySelectorAll('table.grid'));\n"
    "function differs(v,c){return c==='any'?v!=='':v===c;}\n"
    "function apply(){var text=q.value.trim().toLowerCase(),s=su.value,d=df.checked,c=dc.value,"
    "n=0,seen={};\n"
    " rows.forEach(function(r){var show=(!s||r.dataset.suite===s)&&(!d||differs(r.dataset."
    "differs,c))&&(!text||r.dataset.text.indexOf(text)>=0);r.hidden=!show;if(show){n++;"
    "seen[r.dataset.suite]=1;}});\n"
    " topics.forEach(function(t){t.hidden=!seen[t.dataset.suite];});\n"
    " var g=0;grids.forEach(function(t){t.hidden=d&&!differs(t.dataset.differs,c);"
    "g+=!t.hidden;});\n"
    " if(grid)grid.hidden=!!(s&&s!=='conflict')||!g;\n"
    " count.textContent=n+' of '+rows.length+' tests shown';\n"
    " var none=document.getElementById('none');none.hidden=n>0;\n"
    " none.firstChild.textContent=d?'No test differs between the kernels '+"
    "dc.options[dc.selectedIndex].text.replace(/ \\(\\d+\\)$/,'')+(q.value||s?' among "
    "the rows searched for':'')+'.':'No test matches.';}\n"
    "[q,su,df,dc].forEach(function(e){e.addEventListener('input',apply);"
    "e.addEventListener('change',apply);});\n"
    "apply();})();\n";

/* The value a passing cell shows: the record's claim ("bind 0.0.0.0:9999 → EADDRINUSE") as
 * expected, which a pass met: a measured duration shows as its range, so that the page is the
 * same from one run to the next (ci/check-docs compares it); "" without claim checks. Caller
 * frees. */
static char *claim_shown(json_t *rec)
{
    char buf[1024];
    ac_claim_text(rec, "expected", buf, sizeof buf);
    return without_ephemeral(buf);
}

/* Every expectation of a record, "step=expected;..." (caller frees). */
static char *all_expected(json_t *rec)
{
    char *buf = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&buf, &len);
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
        fprintf(f, "%s=%s;", check_str(c, "step"), check_str(c, "expected"));
    fclose(f);
    return buf;
}

/* Passing records that expected different things: a kernel-specific rule (ac_since), or
 * results of another version of the suite. */
static bool differs(const struct docs *d, const char *test)
{
    char *first = NULL;
    bool diff = false;
    for (size_t i = 0; i < d->nsrc && !diff; i++) {
        json_t *rec = source_record(&d->src[i], test);
        if (!rec || strcmp(record_verdict(rec), "pass") != 0)
            continue;
        char *raw = all_expected(rec);
        char *mine = without_ephemeral(raw);
        free(raw);
        if (first)
            diff = strcmp(first, mine) != 0;
        free(first);
        first = mine;
    }
    free(first);
    return diff;
}

/* The expectation of the nth check named `step` (a test may bind twice) in a passing record of
 * test on source k; NULL when it did not pass there. */
static const char *expected_of(const struct docs *d, size_t k, const char *test, const char *step,
                               size_t nth)
{
    json_t *rec = source_record(&d->src[k], test);
    if (!rec || strcmp(record_verdict(rec), "pass") != 0)
        return NULL;
    size_t i, seen = 0;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (strcmp(check_str(c, "step"), step) == 0 && seen++ == nth)
            return check_str(c, "expected");
    }
    return "(not checked)";
}

/* How many checks before index `upto` of rec are named `step`. */
static size_t nth_of(json_t *rec, size_t upto, const char *step)
{
    size_t n = 0;
    for (size_t i = 0; i < upto; i++)
        n +=
            strcmp(check_str(json_array_get(json_object_get(rec, "checks"), i), "step"), step) == 0;
    return n;
}

/* Below the value of a cell whose row differs: this kernel's expectation of each step that is
 * not the same on every kernel, the first one (so the reader sees what differs, not only that
 * it does). */
static void differing_steps(FILE *f, const struct docs *d, json_t *rec, const char *test)
{
    size_t i, shown = 0;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        const char *step = check_str(c, "step"), *mine = check_str(c, "expected");
        size_t nth = nth_of(rec, i, step);
        bool same = true;
        for (size_t k = 0; k < d->nsrc && same; k++) {
            const char *other = expected_of(d, k, test, step, nth);
            same = !other || strcmp(other, mine) == 0;
        }
        if (same || shown++ >= 1)
            continue;
        fputs("<br><small>", f);
        html_text(f, step);
        fputs(": ", f);
        html_text(f, mine);
        fputs("</small>", f);
    }
}

static void cell(FILE *f, const struct docs *d, const struct source *s, const char *test)
{
    json_t *rec = source_record(s, test);
    const char *v = record_verdict(rec);
    bool diff = differs(d, test);
    fprintf(f, "<td class=\"%s%s\">", v, diff ? " differs" : "");
    json_t *bad = ac_first_failed(rec);
    if (strcmp(v, "pass") == 0) {
        char *claim = claim_shown(rec);
        html_text(f, claim);
        free(claim);
        if (diff)
            differing_steps(f, d, rec, test);
    } else if (strcmp(v, "broken") == 0) { /* its cause: that machine's limit or right */
        fputs("broken: ", f);
        html_text(f, check_str(rec, "reason"));
    } else if (bad) {
        fprintf(f, "%s: ", v);
        html_text(f, check_str(bad, "step"));
        fputs(": expected ", f);
        html_text(f, check_str(bad, "expected"));
        fputs(", got ", f);
        html_text(f, check_str(bad, "observed"));
    } else {
        fputs(v, f);
    }
    fputs("</td>", f);
}

static size_t passes(const struct docs *d, const struct source *s)
{
    size_t i, n = 0;
    json_t *t;
    json_array_foreach(d->tests, i, t) n +=
        strcmp(record_verdict(source_record(s, json_string_value(json_object_get(t, "test")))),
               "pass") == 0;
    return n;
}

/* How the kernels differ on a test, the classes of the matrix's "differ" filter: the results
 * library's classes (results/typed.h: "claim", "setup", "timing") of the worst pair of sources
 * that have a record, "" when they agree. */
static const char *differ_class(const struct docs *d, const char *test)
{
    enum ac_diff worst = AC_DIFF_NONE;
    for (size_t k = 0; k < d->nsrc; k++)
        for (size_t o = k + 1; o < d->nsrc; o++) {
            json_t *a = source_record(&d->src[k], test), *b = source_record(&d->src[o], test);
            enum ac_diff x = a && b ? ac_records_diff(a, b) : AC_DIFF_NONE;
            if (x > worst)
                worst = x;
        }
    return worst == AC_DIFF_NONE ? "" : ac_diff_name(worst);
}

/* The lower-case text the search box looks in. */
static void search_text(FILE *f, const char *test, const char *rule)
{
    for (const char *p = test; *p; p++)
        fputc(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p, f);
    fputc(' ', f);
    char *low = strdup(rule ? rule : "");
    for (char *p = low; *p; p++)
        *p = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
    html_text(f, low);
    free(low);
}

static void row(FILE *f, const struct docs *d, json_t *t)
{
    const char *test = json_string_value(json_object_get(t, "test"));
    const char *rule = json_string_value(json_object_get(t, "description"));
    fprintf(f, "<tr class=\"t\" id=\"t-");
    html_text(f, test);
    fputs("\" data-suite=\"", f);
    html_text(f, json_string_value(json_object_get(t, "suite")));
    fprintf(f, "\" data-differs=\"%s\" data-text=\"", differ_class(d, test));
    search_text(f, test, rule);
    fputs("\"><td class=\"test\"><a href=\"expected-results.md#t-", f);
    html_text(f, test);
    fputs("\" title=\"its row in expected-results.md\">", f);
    html_text(f, test);
    fputs("</a>", f);
    char *src = test_source_link(t);
    if (src) {
        fputs("<a class=\"src\" href=\"../../", f);
        html_text(f, src);
        fputs("\" title=\"the test's source line\">source</a>", f);
    }
    free(src);
    fputs("</td><td class=\"rule\">", f);
    html_text(f, rule ? rule : "");
    fputs("</td>", f);
    for (size_t k = 0; k < d->nsrc; k++)
        cell(f, d, &d->src[k], test);
    fputs("</tr>\n", f);
}

/* The search box, the suite filter and the "differ" switch. */
static void controls(FILE *f, const struct docs *d, json_t *order)
{
    fputs("<div class=\"controls\"><input type=\"search\" id=\"q\" placeholder=\"search tests "
          "and rules\" aria-label=\"search tests and rules\"> <select id=\"suite\" "
          "aria-label=\"suite\"><option value=\"\">all suites</option>",
          f);
    size_t i;
    json_t *s;
    json_array_foreach(order, i, s)
    {
        fputs("<option>", f);
        html_text(f, json_string_value(s));
        fputs("</option>", f);
    }
    fputs("</select><label><input type=\"checkbox\" id=\"differ\"> only rows where kernels "
          "differ</label> <select id=\"differ-class\" aria-label=\"in what\">",
          f);
    static const char *const classes[][2] = {{"claim", "in a claim"},
                                             {"timing", "only in timing"},
                                             {"setup", "only in setup / observation (or skipped)"},
                                             {"any", "in anything"}};
    for (size_t c = 0; c < sizeof classes / sizeof *classes; c++) {
        size_t n = 0;
        json_array_foreach(d->tests, i, s)
        {
            const char *k = differ_class(d, json_string_value(json_object_get(s, "test")));
            n += strcmp(classes[c][0], "any") ? !strcmp(k, classes[c][0]) : *k != '\0';
        }
        fprintf(f, "<option value=\"%s\">%s (%zu)</option>", classes[c][0], classes[c][1], n);
    }
    fputs("</select><span id=\"count\"></span></div>\n", f);
}

bool write_matrix_html(const struct docs *d, const char *path)
{
    FILE *f = open_output(path);
    if (!f)
        return false;
    fprintf(f,
            "<!DOCTYPE html>\n<!-- Generated by afterclose-docs (ci/gen-docs): do not edit. "
            "-->\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>afterclose compatibility matrix</title>\n<style>\n%s</style>\n</head>\n"
            "<body>\n<h1>afterclose compatibility matrix</h1>\n",
            style);
    fprintf(f,
            "<p>%zu tests (rows) on %zu kernel%s (columns). A cell is coloured by the verdict "
            "and shows what the test's last call was expected to give on that kernel; an "
            "amber frame marks a test whose expectations differ between columns (a "
            "kernel-specific rule, or results of another version of the suite), and the "
            "cell names what differs. \"Only rows where kernels differ\" tells differences "
            "in a claim from those only in timing, in setup or observation (such as whether "
            "sock_diag shows bound-only sockets), or in where the test could run. Each row "
            "gives its rule, links to its row in <a href=\"expected-results.md\">"
            "expected-results.md</a> (the name) and to the test's source line.</p>\n",
            json_array_size(d->tests), d->nsrc, d->nsrc == 1 ? "" : "s");
    fputs("<p class=\"legend\"><span class=\"pass\" style=\"background:#a5d6a7\">pass</span>"
          "<span style=\"background:#ef9a9a\">fail</span><span style=\"background:#e57373;"
          "color:#fff\">crash / timeout</span><span style=\"background:#ce93d8\">broken: the "
          "machine could not set it up</span><span style=\"background:#e0e0e0\">skip</span>"
          "<span>missing: no record</span></p>\n",
          f);
    json_t *order = suite_order(d);
    controls(f, d, order);
    write_conflict_grid_html(f, d);
    fputs("<h2>Every test</h2>\n<table id=\"matrix\">\n<thead><tr><th>test</th><th>rule</th>\n", f);
    for (size_t i = 0; i < d->nsrc; i++) {
        fputs("<th>", f);
        html_text(f, d->src[i].label);
        fputs("<br><span class=\"rel\">", f);
        html_text(f, d->src[i].release);
        fprintf(f, "<br>%zu/%zu pass</span></th>%s\n", passes(d, &d->src[i]),
                json_array_size(d->tests), d->src[i].run_specific ? " " AC_RUN_SPECIFIC : "");
    }
    fprintf(f,
            "</tr></thead>\n<tbody>\n<tr id=\"none\" hidden><td colspan=\"%zu\">no rows</td>"
            "</tr>\n",
            d->nsrc + 2);
    size_t i, k;
    json_t *s, *t;
    json_array_foreach(order, k, s)
    {
        fprintf(f, "<tr class=\"topic\" data-suite=\"");
        html_text(f, json_string_value(s));
        fprintf(f, "\"><th colspan=\"%zu\">", d->nsrc + 2);
        html_text(f, topic_title(d, json_string_value(s)));
        fputs("</th></tr>\n", f);
        json_array_foreach(d->tests, i, t)
        {
            if (strcmp(json_string_value(json_object_get(t, "suite")), json_string_value(s)) == 0)
                row(f, d, t);
        }
    }
    json_decref(order);
    fprintf(f, "</tbody>\n</table>\n<script>\n%s</script>\n</body>\n</html>\n", script);
    return ac_output_done(f, "afterclose-docs", path);
}
