/* docs/generated/compat-matrix.html: the compatibility matrix as a kernel developer reads it. It
 * opens with what changed between the kernels and when (summary.c), then the measured timers
 * against their windows (timers_svg.c), then the bind-conflict grid (grid.c) and one row per
 * test (grouped by topic), one column per kernel in version order (columns.c). Colours say two
 * different things and never borrow from each other: green and red (with a mark) are verdicts,
 * a neutral categorical palette (chips) are the values kernels answered (OK, EADDRINUSE, a state,
 * a number). Each row shows its rule and claim and links to the test's source line and its row
 * in expected-results.md. A search box, a suite filter and "only rows where kernels differ"
 * filter the rows (a few lines of script; without script every row shows). */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

static const char style[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:1.2em 1.5em;color:#212121;"
    "font-size:14px}\n"
    "h2{margin:1.2em 0 .4em}p{max-width:70em;margin:.4em 0}\n"
    "nav a{margin-right:1em}\n"
    "table{border-collapse:collapse;font-size:12px}\n"
    "th,td{border:1px solid #cfd8dc;padding:2px 5px;text-align:left;vertical-align:top}\n"
    "thead th{background:#37474f;color:#fff;font-weight:bold}\n"
    "#matrix thead th{position:sticky;top:0;z-index:1}\n"
    ".rel{display:block;font-weight:normal;font-size:10px;color:#cfd8dc;overflow-wrap:anywhere}\n"
    "tr.topic th{background:#eceff1;color:#263238}\n"
    /* verdicts: green and red only here, always with a mark */
    ".pass{background:#e8f5e9}.fail{background:#ffebee}.crash,.timeout{background:#fbe9e7}"
    ".broken{background:#f3e5f5}.skip{background:#f5f5f5;color:#616161}"
    ".missing{background:#fff;color:#9e9e9e}\n"
    ".mark{font-weight:bold}.pass .mark,.mark.pass{color:#1b5e20}.fail .mark,.mark.fail,"
    ".crash .mark,.timeout .mark{color:#b71c1c}\n"
    "span.verdict{font-size:11px;padding:0 4px;border-radius:3px}\n"
    /* values: a categorical palette of light fills with dark text, none green or red */
    ".chip{display:inline-block;padding:0 5px;border-radius:8px;border:1px solid;"
    "font-size:11px;line-height:15px;white-space:normal;overflow-wrap:normal}\n"
    ".c0{background:#e3ecf7;border-color:#7f9cc4;color:#0d2a4f}"
    ".c1{background:#f7ebcf;border-color:#c49a3c;color:#4a3300}"
    ".c2{background:#e9e2f5;border-color:#9a86c4;color:#2d1b52}"
    ".c3{background:#e6e6e6;border-color:#8c8c8c;color:#262626}"
    ".c4{background:#d9eff3;border-color:#5f9ea8;color:#0f3a42}\n"
    ".legend span{margin-right:.8em}\n"
    /* the every-test table: fixed columns that fit the window, compact rows */
    "#matrix{width:100%;table-layout:fixed}\n"
    "col.name{width:19%}col.rule{width:25%}col.claim{width:21%}\n"
    "td.test{font-family:monospace;font-size:11.5px;overflow-wrap:break-word}td.test "
    "a{color:#1a237e;text-decoration:none}td.test a.src{font-family:Helvetica,Arial,sans-serif;"
    "font-size:10px;color:#757575;margin-left:.4em}\n"
    "td.rule,td.claimed{color:#37474f;font-size:11.5px}\n"
    ".clamp{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:3;"
    "overflow:hidden}tr.t:hover .clamp{-webkit-line-clamp:unset}\n"
    "td.k{font-size:11px;overflow-wrap:anywhere}td.k small{color:#424242}\n"
    "td.differs{box-shadow:inset 3px 0 0 #7e57c2}\n"
    ".controls{background:#fff;padding:.4em 0;border-bottom:1px solid #cfd8dc;"
    "margin-bottom:.5em}\n"
    ".controls input[type=search]{width:20em;padding:3px}.controls label{margin-left:1em}\n"
    "#count{margin-left:1em;color:#616161}\n"
    /* the summary */
    "table.changes td.claim{max-width:22em}table.changes details{font-size:11px}"
    "table.changes details a{display:block;font-family:monospace;color:#1a237e}\n"
    "table.changes td.v{min-width:6em}table.changes td.since{border-left:3px solid #37474f}\n"
    "td.when{max-width:20em}td.when .title{color:#424242}td.when small{color:#616161}"
    "td.when .odd{color:#b71c1c}.unknown{color:#757575}\n"
    ".note{color:#424242}\n"
    /* the grid */
    ".grids{display:flex;flex-wrap:wrap;gap:10px}\n"
    "table.grid{font-size:11px}table.grid caption{text-align:left;font-weight:bold;"
    "padding:2px}table.grid td{white-space:nowrap;background:#fff}\n"
    "summary h2{display:inline}table.grid td.differs{box-shadow:inset 3px 0 0 #7e57c2}\n"
    "table.grid th{background:#eceff1;color:#263238}\n"
    "table.grid td.missing{color:#9e9e9e}table.grid td a{color:inherit;text-decoration:none}\n"
    /* the timers */
    "svg.timers{display:block;max-width:100%;height:auto;font-family:Helvetica,Arial,"
    "sans-serif}\n"
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

/* In a passing cell of a row whose expectations differ: the first step that is not the same on
 * every kernel, as the chip of its value here (so the reader sees what differs, not only that
 * it does; the same value, the same colour, in the kernels' order). */
static void differing_step(FILE *f, const struct docs *d, json_t *rec, const char *test)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        const char *step = check_str(c, "step"), *mine = check_str(c, "expected");
        size_t nth = nth_of(rec, i, step);
        const char *distinct[64];
        int n = 0, category = -1;
        bool same = true;
        for (size_t k = 0; k < d->nsrc && k < 64; k++) {
            const char *other = expected_of(d, d->order[k], test, step, nth);
            if (!other)
                continue;
            same = same && strcmp(other, mine) == 0;
            int at = 0;
            while (at < n && strcmp(distinct[at], other))
                at++;
            if (at == n)
                distinct[n++] = other;
            if (category < 0 && !strcmp(other, mine))
                category = at;
        }
        if (same)
            continue;
        fputs("<br><small title=\"", f);
        html_text(f, step);
        fputs("\">", f);
        html_chip(f, mine, category);
        fputs("</small>", f);
        return;
    }
}

void html_chip(FILE *f, const char *value, int nth)
{
    /* OK and EADDRINUSE keep their colours everywhere (the legend's); other values take the
     * remaining ones in turn */
    int c = strncmp(value, "OK", 2) == 0 && (!value[2] || value[2] == ',') ? 0
            : strcmp(value, "EADDRINUSE") == 0                             ? 1
                                               : 2 + (nth < 0 ? 0 : nth) % 3;
    fprintf(f, "<span class=\"chip c%d\">", c);
    html_text(f, value);
    fputs("</span>", f);
}

/* A reason or a failed check in a cell: small, at most three lines until the row is hovered. */
static void detail(FILE *f, const char *what, const char *step, const char *expected,
                   const char *got)
{
    fputs(" <small class=\"clamp\">", f);
    html_text(f, what);
    if (step) {
        html_text(f, step);
        fputs(": expected ", f);
        html_text(f, expected);
        fputs(", got ", f);
        html_text(f, got);
    }
    fputs("</small>", f);
}

/* A kernel's cell: its verdict (mark and tint), and what differs or went wrong. */
static void cell(FILE *f, const struct docs *d, const struct source *s, const char *test, bool diff)
{
    json_t *rec = source_record(s, test);
    const char *v = record_verdict(rec);
    fprintf(f, "<td class=\"k %s%s\">", v, diff ? " differs" : "");
    json_t *bad = ac_first_failed(rec);
    if (strcmp(v, "pass") == 0) {
        fputs("<span class=\"mark\" title=\"pass\">✓</span>", f);
        if (diff)
            differing_step(f, d, rec, test);
    } else if (strcmp(v, "missing") == 0) {
        fputs("<span title=\"no record\">—</span>", f);
    } else {
        fprintf(f, "<span class=\"mark\">%s</span>", strcmp(v, "fail") == 0 ? "✗ fail" : v);
        if (strcmp(v, "broken") == 0 || strcmp(v, "skip") == 0 || !bad)
            detail(f, check_str(rec, "reason"), NULL, NULL, NULL);
        else
            detail(f, "", check_str(bad, "step"), check_str(bad, "expected"),
                   check_str(bad, "observed"));
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

const char *differ_class(const struct docs *d, const char *test)
{
    enum ac_diff worst = AC_DIFF_NONE;
    for (size_t k = 0; k < d->nsrc; k++)
        for (size_t o = k + 1; o < d->nsrc; o++) {
            json_t *a = source_record(&d->src[k], test), *b = source_record(&d->src[o], test);
            enum ac_diff x = a && b ? ac_records_diff(a, b) : AC_DIFF_NONE;
            /* this machine's fresh run measures other durations each time: not part of the docs */
            if (x == AC_DIFF_TIMING && (d->src[k].run_specific || d->src[o].run_specific))
                x = AC_DIFF_NONE;
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

/* A test name that may break after '/' and '_' only, never inside a word. */
static void name_html(FILE *f, const char *test)
{
    for (const char *p = test; *p; p++) {
        char one[2] = {*p, '\0'};
        html_text(f, one);
        if (*p == '/' || *p == '_')
            fputs("<wbr>", f);
    }
}

/* What the test claims, as the first kernel in the page's order that passed expected it. */
static void claim_column(FILE *f, const struct docs *d, const char *test)
{
    char *claim = NULL;
    for (size_t k = 0; k < d->nsrc && !claim; k++) {
        json_t *rec = source_record(&d->src[d->order[k]], test);
        if (strcmp(record_verdict(rec), "pass") == 0)
            claim = claim_shown(rec);
    }
    fputs("<td class=\"claimed\"><div class=\"clamp\">", f);
    html_text(f, claim ? claim : "");
    fputs("</div></td>", f);
    free(claim);
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
    name_html(f, test);
    fputs("</a>", f);
    char *src = test_source_link(t);
    if (src) {
        fputs("<a class=\"src\" href=\"../../", f);
        html_text(f, src);
        fputs("\" title=\"the test's source line\">source</a>", f);
    }
    free(src);
    fputs("</td><td class=\"rule\"><div class=\"clamp\">", f);
    html_text(f, rule ? rule : "");
    fputs("</div></td>", f);
    claim_column(f, d, test);
    bool diff = differs(d, test);
    for (size_t k = 0; k < d->nsrc; k++)
        cell(f, d, &d->src[d->order[k]], test, diff);
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

void column_header(FILE *f, const struct docs *d, size_t src, bool counts)
{
    const struct source *s = &d->src[src];
    fputs(s->host ? "<th data-host=\"1\">" : "<th>", f);
    html_text(f, s->label);
    fputs("<span class=\"rel\">", f);
    html_text(f, s->release);
    if (counts)
        fprintf(f, "<br>%zu/%zu pass", passes(d, s), json_array_size(d->tests));
    fprintf(f, "</span></th>%s\n", s->run_specific ? " " AC_RUN_SPECIFIC : "");
}

bool write_matrix_html(const struct docs *d, const char *path)
{
    FILE *f = open_output(path);
    if (!f)
        return false;
    fprintf(f,
            "<!DOCTYPE html>\n<!-- Generated by afterclose-docs (ci/gen-docs): do not edit. "
            "-->\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width\">\n"
            "<title>afterclose compatibility matrix</title>\n<style>\n%s</style>\n</head>\n"
            "<body>\n<h1>afterclose compatibility matrix</h1>\n",
            style);
    fprintf(f,
            "<p>%zu tests on %zu kernel%s: the kernels booted by the matrix in version order, "
            "then this machine's runs. Each test's row gives its rule and its claim and links "
            "to its row in <a href=\"expected-results.md\">expected-results.md</a> (the name) "
            "and to its source line; the <a href=\"close-states.svg\">state graph</a> draws the "
            "transitions the tests prove.</p>\n",
            json_array_size(d->tests), d->nsrc, d->nsrc == 1 ? "" : "s");
    fputs("<nav><a href=\"#changes\">What changed, when</a><a href=\"#timers\">Timers</a>"
          "<a href=\"#grid\">Bind-conflict grid</a><a href=\"#every\">Every test</a></nav>\n"
          "<p class=\"legend\">Verdicts (green and red are only these): "
          "<span class=\"pass\"><span class=\"mark\">✓</span> pass</span>"
          "<span class=\"fail\"><span class=\"mark\">✗</span> fail</span>"
          "<span class=\"crash\">crash / timeout</span>"
          "<span class=\"broken\">broken: the machine could not set it up</span>"
          "<span class=\"skip\">skip</span><span class=\"missing\">— no record</span>"
          "<br>Values the kernels answered: <span class=\"chip c0\">OK</span> "
          "<span class=\"chip c1\">EADDRINUSE</span> <span class=\"chip c2\">another "
          "value</span> <span class=\"chip c3\">and another</span>: in a row, the same value "
          "has the same colour.</p>\n",
          f);
    write_changes_html(f, d);
    write_timers_svg(f, d);
    json_t *order = suite_order(d);
    fputs("<section id=\"every\">\n<h2>Every test</h2>\n", f);
    controls(f, d, order);
    write_conflict_grid_html(f, d);
    fputs("<table id=\"matrix\">\n<colgroup><col class=\"name\"><col class=\"rule\">"
          "<col class=\"claim\">",
          f);
    fprintf(f, "<col span=\"%zu\"></colgroup>\n", d->nsrc);
    fputs("<thead><tr><th>test</th><th>rule</th><th>claim (expected)</th>\n", f);
    for (size_t i = 0; i < d->nsrc; i++)
        column_header(f, d, d->order[i], true);
    fprintf(f,
            "</tr></thead>\n<tbody>\n<tr id=\"none\" hidden><td colspan=\"%zu\">no rows</td>"
            "</tr>\n",
            d->nsrc + 3);
    size_t i, k;
    json_t *s, *t;
    json_array_foreach(order, k, s)
    {
        fprintf(f, "<tr class=\"topic\" data-suite=\"");
        html_text(f, json_string_value(s));
        fprintf(f, "\"><th colspan=\"%zu\">", d->nsrc + 3);
        html_text(f, topic_title(d, json_string_value(s)));
        fputs("</th></tr>\n", f);
        json_array_foreach(d->tests, i, t)
        {
            if (strcmp(json_string_value(json_object_get(t, "suite")), json_string_value(s)) == 0)
                row(f, d, t);
        }
    }
    json_decref(order);
    fprintf(f, "</tbody>\n</table>\n</section>\n<script>\n%s</script>\n</body>\n</html>\n", script);
    return ac_output_done(f, "afterclose-docs", path);
}
