/* JUnit XML from the ordered records (see junit.c for the layout and why). */
#define _GNU_SOURCE
#include "export.h"

#include <stdlib.h>
#include <string.h>

/* XML 1.0 attribute and text content: the five entities; control characters are not allowed
 * in XML 1.0 at all, so they become spaces. */
static void xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c == '\'')
            fputs("&apos;", f);
        else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            fputc(' ', f);
        else
            fputc(c, f);
    }
}

static void property(FILE *f, const char *indent, const char *name, const char *value)
{
    fprintf(f, "%s<property name=\"%s\" value=\"", indent, name);
    xml(f, value);
    fputs("\"/>\n", f);
}

static double seconds(json_t *rec)
{
    json_t *ms = json_object_get(rec, "elapsed_ms");
    return json_is_number(ms) ? json_number_value(ms) / 1000.0 : 0.0;
}

/* Every check, one per line: what the dashboard shows when the failure is opened. */
static void checks_text(FILE *f, json_t *rec)
{
    const char *reason = ac_str(rec, "reason");
    if (*reason) {
        xml(f, reason);
        fputc('\n', f);
    }
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (!json_is_object(c))
            continue;
        fputs(json_is_true(json_object_get(c, "ok")) ? "held:     " : "MISMATCH: ", f);
        xml(f, ac_str(c, "step"));
        fputs(": expected ", f);
        xml(f, ac_str(c, "expected"));
        fputs(", observed ", f);
        xml(f, ac_str(c, "observed"));
        fputc('\n', f);
    }
}

static void testcase(FILE *f, const struct ac_export *x, json_t *rec, const char *suite)
{
    const char *v = ac_str(rec, "verdict");
    fputs("    <testcase classname=\"", f);
    xml(f, suite);
    fputs("\" name=\"", f);
    xml(f, ac_case_name(rec));
    fprintf(f, "\" time=\"%.3f\">\n", seconds(rec));
    fputs("      <properties>\n", f);
    property(f, "        ", "kernel", ac_str(rec, "kernel"));
    property(f, "        ", "iface_kind", ac_str(rec, "iface_kind"));
    property(f, "        ", "labels", ac_labels_of(x, rec));
    property(f, "        ", "expected", ac_str(rec, "expected"));
    property(f, "        ", "observed", ac_str(rec, "observed"));
    fputs("      </properties>\n", f);
    if (!strcmp(v, "skip")) {
        fputs("      <skipped message=\"", f);
        xml(f, ac_str(rec, "reason"));
        fputs("\"/>\n", f);
    } else if (strcmp(v, "pass") != 0) {
        bool error = !strcmp(v, "crash") || !strcmp(v, "timeout");
        char *why = ac_problem(rec);
        fprintf(f, "      <%s type=\"%s\" message=\"", error ? "error" : "failure", v);
        xml(f, why ? why : v);
        fputs("\">", f);
        checks_text(f, rec);
        fprintf(f, "</%s>\n", error ? "error" : "failure");
        free(why);
    }
    fputs("    </testcase>\n", f);
}

static void counts_attrs(FILE *f, json_t **cases, size_t n)
{
    size_t errors = 0, failures = 0, skipped = 0;
    double time = 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = ac_str(cases[i], "verdict");
        errors += !strcmp(v, "crash") || !strcmp(v, "timeout");
        failures += !strcmp(v, "fail");
        skipped += !strcmp(v, "skip");
        time += seconds(cases[i]);
    }
    fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"", n,
            failures, errors, skipped, time);
}

void ac_junit_write(FILE *f, const struct ac_export *x)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"afterclose\"", f);
    counts_attrs(f, x->cases, x->n);
    fputs(">\n", f);
    for (size_t s = 0; s < x->nsuites; s++) {
        const struct ac_suite *su = &x->suites[s];
        fputs("  <testsuite name=\"", f);
        xml(f, su->name);
        fputc('"', f);
        counts_attrs(f, x->cases + su->first, su->n);
        fputs(">\n    <properties>\n", f);
        property(f, "      ", "kernel", ac_str(x->cases[su->first], "kernel"));
        fputs("    </properties>\n", f);
        for (size_t k = 0; k < su->n; k++)
            testcase(f, x, x->cases[su->first + k], su->name);
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
}
