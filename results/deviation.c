/* Known deviations: reading the file strictly (a typo in a field name must not turn an entry
 * into one that never matches) and deciding each record against it (deviation.h). */
#define _GNU_SOURCE
#include "deviation.h"

#include "readall.h"
#include "results.h"
#include "typed.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))

__attribute__((format(printf, 3, 4))) static bool refuse(char *err, size_t errlen, const char *fmt,
                                                         ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return false;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* "6.10" or "6.10.3" as numbers. A bound (whole) must be exactly that; a release ("5.10.0-46-
 * cloud-amd64", "7.2.13+deb14-cloud-amd64") is read as far as its leading numbers go. */
static bool version_of(const char *s, bool whole, long v[3])
{
    size_t parts = 0;
    v[0] = v[1] = v[2] = 0;
    while (s && parts < 3 && isdigit((unsigned char)*s)) {
        char *end;
        v[parts++] = strtol(s, &end, 10);
        s = end;
        if (*s != '.' || !isdigit((unsigned char)s[1]))
            break;
        s++;
    }
    return parts >= 2 && (!whole || *s == '\0');
}

static int version_cmp(const long a[3], const long b[3])
{
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* The object has only these fields (each entry's, in the order people write them). */
static bool only_fields(json_t *o, const char *const *allowed, size_t n, const char *where,
                        char *err, size_t errlen)
{
    const char *key;
    json_t *v;
    char shown[64];
    json_object_foreach(o, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(key, allowed[i]))
            i++;
        if (i == n)
            return refuse(err, errlen, "%s: unknown field \"%s\"", where,
                          ac_printable(key, shown, sizeof shown));
    }
    return true;
}

/* One line of printable text: a reason, a subject. */
static bool one_line(const char *s)
{
    char shown[512];
    return s && *s && strlen(s) < sizeof shown - 4 &&
           !strcmp(ac_printable(s, shown, sizeof shown), s);
}

static bool valid_kernels(json_t *k, const char *where, char *err, size_t errlen)
{
    static const char *const fields[] = {"from", "before", "release"};
    if (!json_is_object(k) || json_object_size(k) == 0)
        return refuse(err, errlen,
                      "%s: \"kernels\" must say which: from, before (releases such as \"6.10\") "
                      "and/or release (a pattern of uname -r)",
                      where);
    if (!only_fields(k, fields, COUNT(fields), where, err, errlen))
        return false;
    long bound[2][3];
    for (int i = 0; i < 2; i++) {
        json_t *b = json_object_get(k, fields[i]);
        if (b && !version_of(json_string_value(b), true, bound[i]))
            return refuse(err, errlen,
                          "%s: kernels.%s must be a release such as \"6.10\" or \"6.10.3\"", where,
                          fields[i]);
    }
    if (json_object_get(k, "from") && json_object_get(k, "before") &&
        version_cmp(bound[0], bound[1]) >= 0)
        return refuse(err, errlen, "%s: kernels.from must come before kernels.before", where);
    json_t *r = json_object_get(k, "release");
    if (r && !one_line(json_string_value(r)))
        return refuse(err, errlen, "%s: kernels.release must be a pattern of uname -r", where);
    return true;
}

static bool valid_check(json_t *c, const char *where, char *err, size_t errlen)
{
    static const char *const fields[] = {"kind", "role", "subject", "observed_value"};
    if (!json_is_object(c))
        return refuse(err, errlen, "%s: accepted.check must be an object", where);
    if (!only_fields(c, fields, COUNT(fields), where, err, errlen))
        return false;
    char why[128];
    if (ac_kind_from_name(str(c, "kind")) < 0)
        return refuse(err, errlen,
                      "%s: accepted.check.kind must be a check's kind (bind, state, ...)", where);
    if (ac_role_from_name(str(c, "role")) < 0)
        return refuse(err, errlen, "%s: accepted.check.role must be claim or setup", where);
    if (!one_line(str(c, "subject")))
        return refuse(err, errlen, "%s: accepted.check.subject must name the socket or address",
                      where);
    if (!ac_value_valid(json_object_get(c, "observed_value"), why, sizeof why))
        return refuse(err, errlen, "%s: accepted.check.observed_value: %s", where, why);
    return true;
}

/* verdict: what did not hold, never a pass, a skip or a broken test (nothing to accept). */
static bool valid_accepted(json_t *a, const char *where, char *err, size_t errlen)
{
    static const char *const fields[] = {"verdict", "check"};
    if (!json_is_object(a) || json_object_size(a) == 0)
        return refuse(err, errlen, "%s: \"accepted\" must give a verdict and/or a check", where);
    if (!only_fields(a, fields, COUNT(fields), where, err, errlen))
        return false;
    json_t *v = json_object_get(a, "verdict");
    const char *verdict = json_string_value(v);
    if (v && (!verdict ||
              (strcmp(verdict, "fail") && strcmp(verdict, "crash") && strcmp(verdict, "timeout"))))
        return refuse(err, errlen, "%s: accepted.verdict must be fail, crash or timeout", where);
    json_t *c = json_object_get(a, "check");
    return !c || valid_check(c, where, err, errlen);
}

/* tests: a non-empty list of distinct suite/test names. */
static bool valid_tests(json_t *tests, size_t n, const char *name, char *err, size_t errlen)
{
    size_t i, j;
    json_t *t, *u;
    if (!json_is_array(tests) || json_array_size(tests) == 0)
        return refuse(err, errlen, "%s: entry %zu: \"tests\" must list the tests it is about", name,
                      n);
    json_array_foreach(tests, i, t)
    {
        const char *test = json_string_value(t);
        if (!test || !strchr(test, '/') || !one_line(test))
            return refuse(err, errlen, "%s: entry %zu: test %zu is not a test name, suite/test",
                          name, n, i + 1);
        json_array_foreach(tests, j, u)
        {
            if (j < i && json_equal(t, u))
                return refuse(err, errlen, "%s: entry %zu: %s is listed twice", name, n, test);
        }
    }
    return true;
}

static bool valid_entry(json_t *e, size_t n, const char *name, char *err, size_t errlen)
{
    static const char *const fields[] = {"tests", "kernels", "accepted", "reason", "link"};
    char where[256], shown[160];
    if (!json_is_object(e))
        return refuse(err, errlen, "%s: entry %zu is not an object", name, n);
    json_t *tests = json_object_get(e, "tests");
    if (!valid_tests(tests, n, name, err, errlen))
        return false;
    snprintf(where, sizeof where, "%s: entry %zu (%s%s)", name, n,
             ac_printable(json_string_value(json_array_get(tests, 0)), shown, sizeof shown),
             json_array_size(tests) > 1 ? ", ..." : "");
    if (!only_fields(e, fields, COUNT(fields), where, err, errlen) ||
        !valid_kernels(json_object_get(e, "kernels"), where, err, errlen) ||
        !valid_accepted(json_object_get(e, "accepted"), where, err, errlen))
        return false;
    if (!one_line(str(e, "reason")))
        return refuse(err, errlen, "%s: \"reason\" must say why, in one line", where);
    const char *link = str(e, "link");
    if (!link || (strncmp(link, "https://", 8) && strncmp(link, "http://", 7)) ||
        strcspn(link, " \t") != strlen(link) || !one_line(link))
        return refuse(err, errlen, "%s: \"link\" must be an http(s) URL (the commit, the report)",
                      where);
    return true;
}

/* The entries of a parsed file, or NULL with err written. */
static json_t *entries_of(json_t *doc, const char *name, char *err, size_t errlen)
{
    static const char *const fields[] = {"schema", "deviations"};
    json_t *schema = json_object_get(doc, "schema"), *list = json_object_get(doc, "deviations"), *e;
    size_t i;
    if (!json_is_object(doc)) {
        refuse(err, errlen,
               "%s: not a known-deviations file: {\"schema\": %d, \"deviations\": [...]}", name,
               AC_DEVIATIONS_SCHEMA);
        return NULL;
    }
    if (!only_fields(doc, fields, COUNT(fields), name, err, errlen))
        return NULL;
    if (!json_is_integer(schema) || json_integer_value(schema) != AC_DEVIATIONS_SCHEMA) {
        refuse(err, errlen, "%s: unknown schema version (this reader knows %d)", name,
               AC_DEVIATIONS_SCHEMA);
        return NULL;
    }
    if (!json_is_array(list)) {
        refuse(err, errlen, "%s: \"deviations\" must be a list of entries", name);
        return NULL;
    }
    json_array_foreach(list, i, e)
    {
        if (!valid_entry(e, i + 1, name, err, errlen))
            return NULL;
    }
    return json_incref(list);
}

json_t *ac_deviations_parse(const char *data, size_t len, const char *name, char *err,
                            size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) { /* the error may quote the input: one printable line */
        char text[sizeof je.text + 4];
        refuse(err, errlen, "%s:%d: not JSON: %s", name, je.line,
               ac_printable(je.text, text, sizeof text));
        return NULL;
    }
    json_t *list = entries_of(doc, name, err, errlen);
    json_decref(doc);
    return list;
}

json_t *ac_deviations_load(const char *path, char *err, size_t errlen)
{
    FILE *f = ac_open_regular(path, err, errlen);
    if (!f)
        return NULL;
    size_t len = 0;
    char *buf = ac_read_stream(f, &len);
    fclose(f);
    json_t *list = NULL;
    if (!buf)
        snprintf(err, errlen, "%s: read error", path);
    else
        list = ac_deviations_parse(buf, len, path, err, errlen);
    free(buf);
    return list;
}

/* A recorded check of the kind, role and subject the entry names. */
static bool same_check(json_t *want, json_t *c)
{
    static const char *const keys[] = {"kind", "role", "subject"};
    for (size_t i = 0; i < COUNT(keys); i++)
        if (!json_equal(json_object_get(want, keys[i]), json_object_get(c, keys[i])))
            return false;
    return true;
}

/* ... that observed the accepted value. */
static bool shows(json_t *want, json_t *c)
{
    return same_check(want, c) && json_equal(json_object_get(want, "observed_value"),
                                             json_object_get(c, "observed_value"));
}

static bool has_check(json_t *rec, json_t *want, bool (*match)(json_t *, json_t *))
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (match(want, c))
            return true;
    }
    return false;
}

/* The entry's test `test` exists, and records the check the entry names (judged on its
 * passing records: a failed or crashed one may have stopped before it). */
static bool check_test(json_t *e, size_t n, const char *test, json_t *tests, json_t *records,
                       const char *name, char *err, size_t errlen)
{
    char shown[160];
    ac_printable(test, shown, sizeof shown);
    if (!json_object_get(tests, test))
        return refuse(err, errlen,
                      "%s: entry %zu names %s, which matches no test of the run (when the run "
                      "selected a part, give the suite's list: --tests LIST)",
                      name, n, shown);
    json_t *want = json_object_get(json_object_get(e, "accepted"), "check"), *rec;
    bool passed = false, found = false;
    size_t i;
    json_array_foreach(records, i, rec)
    {
        if (!want || strcmp(str(rec, "test"), test) || strcmp(str(rec, "verdict"), "pass"))
            continue;
        passed = true;
        found = found || has_check(rec, want, same_check);
    }
    if (passed && !found)
        return refuse(err, errlen,
                      "%s: entry %zu: %s records no %s check of role %s about \"%s\": the entry "
                      "can never match it",
                      name, n, shown, str(want, "kind"), str(want, "role"), str(want, "subject"));
    return true;
}

bool ac_deviations_check(json_t *entries, json_t *tests, json_t *records, const char *name,
                         char *err, size_t errlen)
{
    size_t i, j;
    json_t *e, *t;
    json_array_foreach(entries, i, e)
    {
        json_array_foreach(json_object_get(e, "tests"), j, t)
        {
            if (!check_test(e, i + 1, json_string_value(t), tests, records, name, err, errlen))
                return false;
        }
    }
    return true;
}

/* The entry is about this test. */
static bool names(json_t *e, const char *test)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(e, "tests"), i, t)
    {
        if (!strcmp(json_string_value(t), test))
            return true;
    }
    return false;
}

static bool in_range(json_t *kernels, const char *release)
{
    long v[3], bound[3];
    bool known = version_of(release, false, v);
    const char *from = str(kernels, "from"), *before = str(kernels, "before");
    const char *pattern = str(kernels, "release");
    if (from && (!known || !version_of(from, true, bound) || version_cmp(v, bound) < 0))
        return false;
    if (before && (!known || !version_of(before, true, bound) || version_cmp(v, bound) >= 0))
        return false;
    return !pattern || fnmatch(pattern, release, 0) == 0;
}

/* The record shows the accepted outcome: its verdict, and a check that observed the value. */
static bool present(json_t *accepted, json_t *rec)
{
    const char *verdict = str(accepted, "verdict");
    json_t *want = json_object_get(accepted, "check");
    if (verdict && strcmp(verdict, str(rec, "verdict")))
        return false;
    return !want || has_check(rec, want, shows);
}

/* ... and nothing else went wrong: every check that did not hold is the accepted one, and the
 * verdict is the accepted one (a failure, when the entry names none). */
static bool explained(json_t *accepted, json_t *rec)
{
    const char *verdict = str(accepted, "verdict"), *v = str(rec, "verdict");
    json_t *want = json_object_get(accepted, "check"), *c;
    if (!strcmp(v, "pass"))
        return true;
    if (strcmp(v, verdict ? verdict : "fail"))
        return false;
    size_t i;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (json_is_false(json_object_get(c, "ok")) && want && !shows(want, c))
            return false;
    }
    return true;
}

static enum ac_known decide(json_t *e, json_t *rec)
{
    if (!names(e, str(rec, "test")) || !in_range(json_object_get(e, "kernels"), str(rec, "kernel")))
        return AC_KNOWN_NONE;
    json_t *accepted = json_object_get(e, "accepted");
    if (present(accepted, rec))
        return explained(accepted, rec) ? AC_KNOWN_XFAIL : AC_KNOWN_NONE;
    return strcmp(str(rec, "verdict"), "pass") ? AC_KNOWN_NONE : AC_KNOWN_XPASS;
}

enum ac_known ac_deviation_of(json_t *entries, json_t *rec, json_t **entry)
{
    enum ac_known best = AC_KNOWN_NONE;
    json_t *which = NULL, *e;
    size_t i;
    json_array_foreach(entries, i, e)
    {
        enum ac_known k = decide(e, rec);
        if (k == AC_KNOWN_XFAIL || (k == AC_KNOWN_XPASS && best == AC_KNOWN_NONE)) {
            best = k;
            which = e;
        }
        if (best == AC_KNOWN_XFAIL)
            break;
    }
    if (entry)
        *entry = which;
    return best;
}

size_t ac_deviations_mark(json_t *entries, json_t *records)
{
    size_t i, n = 0;
    json_t *rec, *e;
    json_array_foreach(records, i, rec)
    {
        enum ac_known k = ac_deviation_of(entries, rec, &e);
        if (k == AC_KNOWN_NONE)
            continue;
        json_object_set_new(
            rec, "known_deviation",
            json_pack("{s:s, s:O, s:O, s:O}", "as", k == AC_KNOWN_XFAIL ? "xfail" : "xpass",
                      "reason", json_object_get(e, "reason"), "link", json_object_get(e, "link"),
                      "kernels", json_object_get(e, "kernels")));
        n++;
    }
    return n;
}

enum ac_known ac_known_of(json_t *rec, json_t **mark)
{
    json_t *m = json_object_get(rec, "known_deviation");
    const char *as = str(m, "as");
    if (mark)
        *mark = m;
    return !as ? AC_KNOWN_NONE : !strcmp(as, "xfail") ? AC_KNOWN_XFAIL : AC_KNOWN_XPASS;
}

bool ac_deviations_apply(const char *path, json_t *records, json_t *tests, char *err, size_t errlen)
{
    json_t *entries = ac_deviations_load(path, err, errlen);
    if (!entries)
        return false;
    json_t *of_run = NULL, *rec;
    size_t i;
    if (!tests) {
        tests = of_run = json_object();
        json_array_foreach(records, i, rec)
        {
            json_object_set_new(of_run, str(rec, "test"), json_true());
        }
    }
    bool ok = ac_deviations_check(entries, tests, records, path, err, errlen);
    if (ok)
        ac_deviations_mark(entries, records);
    json_decref(of_run);
    json_decref(entries);
    return ok;
}

char *ac_deviation_kernels(json_t *e, char *out, size_t len)
{
    json_t *k = json_object_get(e, "kernels");
    const char *from = str(k, "from"), *before = str(k, "before"), *pattern = str(k, "release");
    char shown[128];
    snprintf(out, len, "kernels%s%s%s%s%s%s", from ? " from " : "", from ? from : "",
             before ? " before " : "", before ? before : "", pattern ? " matching " : "",
             pattern ? ac_printable(pattern, shown, sizeof shown) : "");
    return out;
}
