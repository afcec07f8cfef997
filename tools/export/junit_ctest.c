/* ctest's own JUnit (every test of the run, its status and output) merged with the records of
 * the same run (claim messages, skip reasons). The verdict is ctest's, from the exit status;
 * where ctest and a record disagree the case is a failure that says so, so a red ctest run can
 * never give a green file. */
#define _GNU_SOURCE
#include "export.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ctest's view of one test (its JUnit: status run/fail/notrun/disabled; a notrun with a skip
 * message is a skip, any other notrun, e.g. a failed fixture or a missing program, failed). */
struct ctest_case {
    const char *name, *status, *time, *skip; /* attributes; skip: <skipped message> or NULL */
    const char *output;                      /* <system-out>, "" when none */
};

static char *fmt(const char *format, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, format);
    if (vasprintf(&s, format, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

static bool is_skip_message(const char *m)
{
    return m &&
           (!strncmp(m, "SKIP_RETURN_CODE=", 17) || !strcmp(m, "SKIP_REGULAR_EXPRESSION_MATCHED"));
}

/* The last non-empty line of a test's output: the one-line reason of a skip or a failure. */
static char *last_line(const char *out)
{
    const char *end = out + strlen(out);
    while (end > out && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
        end--;
    const char *start = end;
    while (start > out && start[-1] != '\n')
        start--;
    return strndup(start, (size_t)(end - start));
}

/* The record of each test: the last one written (ctest --repeat runs a test again). */
static json_t *records_by_test(const struct ac_export *x)
{
    json_t *by = json_object(), *rec;
    size_t i;
    json_array_foreach(x->all, i, rec) json_object_set(by, ac_str(rec, "test"), rec);
    return by;
}

static bool agrees(enum ac_jkind k, const char *v)
{
    if (k == AC_JPASS || k == AC_JSKIP)
        return !strcmp(v, k == AC_JPASS ? "pass" : "skip");
    /* ctest says Failed for any other exit; the record says which: a claim that did not hold,
     * a crash, or a test the environment could not set up (broken, an <error>) */
    return !strcmp(v, "fail") || !strcmp(v, "crash") || !strcmp(v, "timeout") ||
           !strcmp(v, "broken");
}

/* Ctest's verdict, enriched by the record (NULL when the test writes none). */
static void merge(struct ac_jdoc *d, const struct ac_export *x, const struct ctest_case *t,
                  json_t *rec)
{
    const char *v = rec ? ac_str(rec, "verdict") : NULL;
    bool disabled = !strcmp(t->status, "disabled");
    enum ac_jkind k = !strcmp(t->status, "run")              ? AC_JPASS
                      : !strcmp(t->status, "fail")           ? AC_JFAIL
                      : disabled || is_skip_message(t->skip) ? AC_JSKIP
                                                             : AC_JERROR;
    struct ac_jcase *c = ac_jdoc_add(d, t->name, k);
    c->time = t->time ? strtod(t->time, NULL) : 0.0;
    if (k == AC_JERROR) {
        c->type = strdup("notrun");
        c->message = fmt("ctest: not run: %s", t->skip ? t->skip : "no reason given");
    } else if (v && !agrees(k, v)) {
        char *problem = ac_problem(rec);
        static const char *const said[] = {
            [AC_JPASS] = "passed", [AC_JFAIL] = "failed", [AC_JSKIP] = "skipped"};
        c->kind = AC_JFAIL;
        c->type = strdup("disagreement");
        c->message = fmt("ctest: %s, but its record says %s%s%s", said[k], v,
                         strcmp(v, "pass") ? ": " : "", strcmp(v, "pass") ? problem : "");
        free(problem);
    } else if (k == AC_JSKIP) {
        c->message = v && *ac_str(rec, "reason") ? strdup(ac_str(rec, "reason"))
                     : disabled                  ? strdup("disabled (the test's DISABLED property)")
                                                 : last_line(t->output);
        if (!*c->message) {
            free(c->message);
            c->message = strdup(t->skip ? t->skip : "skipped");
        }
    } else if (k == AC_JFAIL && v) {
        c->kind = !strcmp(v, "fail") ? AC_JFAIL : AC_JERROR;
        c->type = strdup(v);
        c->message = ac_problem(rec);
        c->body = ac_checks_text(rec);
    } else if (k == AC_JFAIL) {
        char *line = last_line(t->output);
        c->type = strdup("fail");
        c->message = fmt("ctest: failed%s%s", *line ? ": " : "", line);
        free(line);
    }
    /* The labels and the claims (unless the failure holds them), then what ctest captured. */
    const char *labels = rec ? ac_labels_of(x, rec) : "";
    char *checks = rec && !c->body ? ac_checks_text(rec) : NULL;
    c->out = fmt("%s%s%s%s%s", *labels ? "labels: " : "", labels, *labels ? "\n" : "",
                 checks ? checks : "", t->output);
    free(checks);
    if (!*c->out) {
        free(c->out);
        c->out = NULL;
    }
}

static char *prop(xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}

/* One <testcase> of ctest's file into the document; false (with the line) when it is not one
 * ctest writes. */
static bool one_case(struct ac_jdoc *d, const struct ac_export *x, json_t *by, xmlNode *n,
                     const char *prog, const char *path)
{
    static const char *const statuses[] = {"run", "fail", "notrun", "disabled"};
    char *name = prop(n, "name"), *status = prop(n, "status"), *time = prop(n, "time");
    xmlNode *skipped = child(n, "skipped"), *out = child(n, "system-out");
    char *skip = skipped ? prop(skipped, "message") : NULL;
    char *output = out ? (char *)xmlNodeGetContent(out) : NULL;
    bool known = false;
    for (size_t i = 0; status && i < sizeof statuses / sizeof *statuses; i++)
        known |= !strcmp(status, statuses[i]);
    bool ok = name && *name && known;
    if (!ok)
        fprintf(stderr, "%s: %s:%ld: a <testcase> without %s\n", prog, path, xmlGetLineNo(n),
                !name || !*name ? "a name" : "ctest's status (run, fail, notrun, disabled)");
    else {
        struct ctest_case t = {name, status, time, skip, output ? output : ""};
        merge(d, x, &t, json_object_get(by, name));
    }
    xmlFree(name);
    xmlFree(status);
    xmlFree(time);
    xmlFree(skip);
    xmlFree(output);
    return ok;
}

static bool regular_file(const char *prog, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %m\n", prog, path);
        return false;
    }
    int c = fgetc(f); /* a directory opens but cannot be read */
    bool ok = c != EOF || !ferror(f);
    if (!ok)
        fprintf(stderr, "%s: cannot read %s: %m\n", prog, path);
    fclose(f);
    return ok;
}

bool ac_junit_from_ctest(struct ac_jdoc *d, const struct ac_export *x, const char *prog,
                         const char *path)
{
    if (!regular_file(prog, path))
        return false;
    xmlDoc *doc = xmlReadFile(
        path, NULL, XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        char *why = e && e->message ? strndup(e->message, strcspn(e->message, "\n")) : NULL;
        fprintf(stderr, "%s: %s:%d: not XML: %s\n", prog, path, e ? e->line : 0,
                why ? why : "unreadable");
        free(why);
        return false;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    bool ok = root && !strcmp((const char *)root->name, "testsuite");
    if (!ok)
        fprintf(stderr, "%s: %s: not ctest's JUnit (root <%s>, not <testsuite>)\n", prog, path,
                root ? (const char *)root->name : "");
    json_t *by = records_by_test(x);
    long n = 0;
    for (xmlNode *c = ok ? root->children : NULL; ok && c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "testcase"))
            ok = one_case(d, x, by, c, prog, path) && ++n;
    char *tests = ok ? prop(root, "tests") : NULL;
    if (ok && (!tests || strtol(tests, NULL, 10) != n)) {
        fprintf(stderr, "%s: %s: says tests=\"%s\" but holds %ld <testcase>s\n", prog, path,
                tests ? tests : "", n);
        ok = false;
    }
    if (ok) {
        char *stamp = prop(root, "timestamp");
        if (stamp)
            json_object_set_new(d->props, "ctest_timestamp", json_string(stamp));
        xmlFree(stamp);
    }
    xmlFree(tests);
    json_decref(by);
    xmlFreeDoc(doc);
    return ok;
}
