/* JUnit XML from the ordered records (see junit.c for the layout and why): each record becomes a
 * case of the document that junit_doc.c writes. */
#define _GNU_SOURCE
#include "deviation.h"
#include "export.h"

#include <stdlib.h>
#include <string.h>

char *ac_checks_text(json_t *rec)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        abort();
    const char *reason = ac_str(rec, "reason");
    if (*reason)
        fprintf(f, "%s\n", reason);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (json_is_object(c))
            fprintf(f, "%s%s: expected %s, observed %s\n",
                    json_is_true(json_object_get(c, "ok")) ? "held:     " : "MISMATCH: ",
                    ac_str(c, "step"), ac_str(c, "expected"), ac_str(c, "observed"));
    }
    fclose(f);
    return text;
}

static enum ac_jkind kind_of(const char *verdict, enum ac_known known)
{
    if (known == AC_KNOWN_XFAIL) /* pytest's convention: an expected failure is a skip */
        return AC_JSKIP;
    if (!strcmp(verdict, "pass"))
        return AC_JPASS;
    if (!strcmp(verdict, "skip"))
        return AC_JSKIP;
    /* JUnit's error (the test could not run as meant) against failure (it ran and its
     * assertion failed): a broken test is an error, of type "broken" */
    return !strcmp(verdict, "crash") || !strcmp(verdict, "timeout") || !strcmp(verdict, "broken")
               ? AC_JERROR
               : AC_JFAIL;
}

/* What the old per-case properties said (the strict schemas allow none in a <testcase>). */
static char *details(const struct ac_export *x, json_t *rec, bool with_checks)
{
    char *checks = with_checks ? ac_checks_text(rec) : NULL, *out = NULL;
    char *known = ac_known_text(rec), *deviation = NULL;
    if (known && asprintf(&deviation, "%s\nverdict: %s\n", known, ac_str(rec, "verdict")) < 0)
        abort();
    if (asprintf(&out, "kernel: %s\niface_kind: %s\nlabels: %s\n%sexpected: %s\nobserved: %s\n%s",
                 ac_str(rec, "kernel"), ac_str(rec, "iface_kind"), ac_labels_of(x, rec),
                 deviation ? deviation : "", ac_str(rec, "expected"), ac_str(rec, "observed"),
                 checks ? checks : "") < 0)
        abort();
    free(checks);
    free(known);
    free(deviation);
    return out;
}

void ac_junit_write(FILE *f, const struct ac_export *x)
{
    struct ac_jdoc d = {.props = json_object()};
    if (x->n)
        json_object_set_new(d.props, "kernel", json_string(ac_str(x->cases[0], "kernel")));
    for (size_t i = 0; i < x->n; i++) {
        json_t *rec = x->cases[i];
        const char *v = ac_str(rec, "verdict");
        enum ac_known known = ac_known_of(rec, NULL);
        struct ac_jcase *c = ac_jdoc_add(&d, ac_str(rec, "test"), kind_of(v, known));
        json_t *ms = json_object_get(rec, "elapsed_ms");
        c->time = json_is_number(ms) ? json_number_value(ms) / 1000.0 : 0.0;
        c->type = strdup(v);
        c->message = known == AC_KNOWN_XFAIL ? ac_known_text(rec)
                     : c->kind == AC_JSKIP   ? strdup(ac_str(rec, "reason"))
                                             : ac_problem(rec);
        c->body = c->kind == AC_JFAIL || c->kind == AC_JERROR ? ac_checks_text(rec) : NULL;
        c->out = details(x, rec, !c->body);
    }
    ac_jdoc_write(f, &d);
    ac_jdoc_free(&d);
}
