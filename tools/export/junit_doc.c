/* A JUnit document from its cases (see export.h), in the subset Jenkins' strict schemas accept:
 * what CI dashboards validate against before they read a file. */
#define _GNU_SOURCE
#include "export.h"
#include "results.h"

#include <stdlib.h>
#include <string.h>

/* XML 1.0 attribute and text content: the five entities; control characters are not allowed
 * in XML 1.0 at all, so they become spaces, and so do C1 controls and U+2028/U+2029 (XML 1.0
 * discourages them; a reader may break a one-line message there). */
static void xml(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        size_t brk = ac_unicode_break(s);
        if (brk) {
            fputc(' ', f);
            s += brk - 1;
            continue;
        }
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

struct ac_jcase *ac_jdoc_add(struct ac_jdoc *d, const char *test, enum ac_jkind kind)
{
    struct ac_jcase *grown = realloc(d->cases, (d->n + 1) * sizeof *d->cases);
    if (!grown)
        abort();
    d->cases = grown;
    const char *slash = strchr(test, '/');
    struct ac_jcase *c = &d->cases[d->n];
    *c = (struct ac_jcase){.kind = kind, .order = d->n};
    c->suite = slash ? strndup(test, (size_t)(slash - test)) : strdup(test);
    c->name = strdup(slash ? slash + 1 : test);
    d->n++;
    return c;
}

static int by_name(const void *a, const void *b)
{
    const struct ac_jcase *x = a, *y = b;
    int c = strcmp(x->suite, y->suite);
    if (!c)
        c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void testcase(FILE *f, const struct ac_jcase *c)
{
    static const char *const tag[] = {[AC_JFAIL] = "failure", [AC_JERROR] = "error"};
    fputs("    <testcase classname=\"", f);
    xml(f, c->suite);
    fputs("\" name=\"", f);
    xml(f, c->name);
    fprintf(f, "\" time=\"%.3f\"", c->time);
    if (c->kind == AC_JPASS && !c->out) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    if (c->kind == AC_JSKIP) {
        /* The older Jenkins schema allows no attribute on <skipped>: the reason is its text. */
        fputs("      <skipped>", f);
        xml(f, c->message);
        fputs("</skipped>\n", f);
    } else if (c->kind != AC_JPASS) {
        fprintf(f, "      <%s type=\"", tag[c->kind]);
        xml(f, c->type);
        fputs("\" message=\"", f);
        xml(f, c->message);
        fputs("\">", f);
        xml(f, c->body);
        fprintf(f, "</%s>\n", tag[c->kind]);
    }
    if (c->out) {
        fputs("      <system-out>", f);
        xml(f, c->out);
        fputs("</system-out>\n", f);
    }
    fputs("    </testcase>\n", f);
}

static void counts(FILE *f, const struct ac_jcase *c, size_t n, bool with_skipped)
{
    size_t k[4] = {0};
    double time = 0;
    for (size_t i = 0; i < n; i++) {
        k[c[i].kind]++;
        time += c[i].time;
    }
    fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"", n, k[AC_JFAIL], k[AC_JERROR]);
    if (with_skipped)
        fprintf(f, " skipped=\"%zu\"", k[AC_JSKIP]);
    fprintf(f, " time=\"%.3f\"", time);
}

static void suite(FILE *f, const struct ac_jdoc *d, const struct ac_jcase *c, size_t n)
{
    fputs("  <testsuite name=\"", f);
    xml(f, c->suite);
    fputc('"', f);
    counts(f, c, n, true);
    fputs(">\n", f);
    if (json_object_size(d->props)) { /* <properties> needs at least one <property> */
        const char *name;
        json_t *v;
        fputs("    <properties>\n", f);
        json_object_foreach(d->props, name, v)
        {
            fputs("      <property name=\"", f);
            xml(f, name);
            fputs("\" value=\"", f);
            xml(f, json_string_value(v));
            fputs("\"/>\n", f);
        }
        fputs("    </properties>\n", f);
    }
    for (size_t i = 0; i < n; i++)
        testcase(f, &c[i]);
    fputs("  </testsuite>\n", f);
}

void ac_jdoc_write(FILE *f, struct ac_jdoc *d)
{
    if (d->n)
        qsort(d->cases, d->n, sizeof *d->cases, by_name);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"afterclose\"", f);
    counts(f, d->cases, d->n, false); /* no skip count here: the strict schemas refuse it */
    fputs(">\n", f);
    for (size_t first = 0, i = 1; first < d->n; i++) {
        if (i < d->n && !strcmp(d->cases[i].suite, d->cases[first].suite))
            continue;
        suite(f, d, d->cases + first, i - first);
        first = i;
    }
    fputs("</testsuites>\n", f);
}

void ac_jdoc_free(struct ac_jdoc *d)
{
    for (size_t i = 0; i < d->n; i++) {
        struct ac_jcase *c = &d->cases[i];
        free(c->suite);
        free(c->name);
        free(c->type);
        free(c->message);
        free(c->body);
        free(c->out);
    }
    free(d->cases);
    json_decref(d->props);
    *d = (struct ac_jdoc){0};
}
