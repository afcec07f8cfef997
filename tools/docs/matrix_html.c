/* docs/compat-matrix.html: the compatibility matrix as a colour-coded page, one row per test
 * (grouped by topic), one column per kernel. A cell shows the verdict's colour and the value the
 * test's last call was expected to give there (an errno name, OK, a state, a number), so kernels
 * whose expectations differ stand out. */
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
    "{background:#e57373;color:#fff}td.skip{background:#e0e0e0}td.missing{background:#fff;"
    "color:#9e9e9e}\n"
    "td.differs{outline:3px solid #ffb300;outline-offset:-3px}\n"
    ".legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #bdbdbd}"
    "\n";

static bool errno_like(const char *v)
{
    if (strcmp(v, "OK") == 0)
        return true;
    if (v[0] != 'E' || !v[1])
        return false;
    for (const char *p = v + 1; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

/* The value a cell shows: the expectation of the record's last call (an errno name or OK), else
 * of its last non-state check; "" without checks. */
static const char *main_expected(json_t *rec)
{
    json_t *checks = json_object_get(rec, "checks");
    for (size_t i = json_array_size(checks); i-- > 0;)
        if (errno_like(check_str(json_array_get(checks, i), "expected")))
            return check_str(json_array_get(checks, i), "expected");
    for (size_t i = json_array_size(checks); i-- > 0;)
        if (!check_is_state(json_array_get(checks, i)))
            return check_str(json_array_get(checks, i), "expected");
    return json_array_size(checks) ? check_str(json_array_get(checks, 0), "expected") : "";
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

/* The first failed check, or NULL. */
static json_t *first_failed(json_t *rec)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (!json_is_true(json_object_get(c, "ok")))
            return c;
    }
    return NULL;
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

static void cell(FILE *f, const struct docs *d, const struct source *s, const char *test)
{
    json_t *rec = source_record(s, test);
    const char *v = record_verdict(rec);
    fprintf(f, "<td class=\"%s%s\">", v, differs(d, test) ? " differs" : "");
    json_t *bad = first_failed(rec);
    if (strcmp(v, "pass") == 0) {
        html_text(f, main_expected(rec));
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

static void row(FILE *f, const struct docs *d, json_t *t)
{
    const char *test = json_string_value(json_object_get(t, "test"));
    fputs("<tr><td class=\"test\" title=\"", f);
    html_text(f, json_string_value(json_object_get(t, "description")));
    fputs("\">", f);
    html_text(f, test);
    fputs("</td>", f);
    for (size_t k = 0; k < d->nsrc; k++)
        cell(f, d, &d->src[k], test);
    fputs("</tr>\n", f);
}

bool write_matrix_html(const struct docs *d, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "afterclose-docs: %s: cannot write\n", path);
        return false;
    }
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
            "kernel-specific rule, or results of another version of the suite). The rules "
            "are in <a href=\"expected-results.md\">expected-results.md</a>.</p>\n",
            json_array_size(d->tests), d->nsrc, d->nsrc == 1 ? "" : "s");
    fputs("<p class=\"legend\"><span class=\"pass\" style=\"background:#a5d6a7\">pass</span>"
          "<span style=\"background:#ef9a9a\">fail</span><span style=\"background:#e57373;"
          "color:#fff\">crash / timeout</span><span style=\"background:#e0e0e0\">skip</span>"
          "<span>missing: no record</span></p>\n<table>\n<thead><tr><th>test</th>\n",
          f);
    for (size_t i = 0; i < d->nsrc; i++) {
        fputs("<th>", f);
        html_text(f, d->src[i].label);
        fputs("<br><span class=\"rel\">", f);
        html_text(f, d->src[i].release);
        fprintf(f, "<br>%zu/%zu pass</span></th>%s\n", passes(d, &d->src[i]),
                json_array_size(d->tests), d->src[i].run_specific ? " " AC_RUN_SPECIFIC : "");
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    json_t *order = suite_order(d);
    size_t i, k;
    json_t *s, *t;
    json_array_foreach(order, k, s)
    {
        fprintf(f, "<tr class=\"topic\"><th colspan=\"%zu\">", d->nsrc + 1);
        html_text(f, topic_title(d, json_string_value(s)));
        fputs("</th></tr>\n", f);
        json_array_foreach(d->tests, i, t)
        {
            if (strcmp(json_string_value(json_object_get(t, "suite")), json_string_value(s)) == 0)
                row(f, d, t);
        }
    }
    json_decref(order);
    fputs("</tbody>\n</table>\n</body>\n</html>\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "afterclose-docs: %s: write error\n", path);
        return false;
    }
    return true;
}
