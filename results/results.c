#define _GNU_SOURCE
#include "results.h"

#include "agree.h"
#include "readall.h"
#include "typed.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const required[] = {"test",     "kernel",  "iface_kind", "expected",
                                       "observed", "verdict", "reason"};
/* Every verdict a record may carry; the seal counts records by these names (set.c). broken:
 * the environment could not set the test up (a limit, a right, space); never a fail. */
static const char *const verdicts[] = {"pass", "fail", "skip", "crash", "timeout", "broken"};
static const char *const check_strings[] = {"step", "expected", "observed",
                                            "kind", "role",     "subject"};
static const char *const check_values[] = {"expected_value", "observed_value"};

const char *ac_verdict_name(size_t i)
{
    return i < sizeof verdicts / sizeof *verdicts ? verdicts[i] : NULL;
}

size_t ac_unicode_break(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
        return 2; /* C1 controls, NEL (U+0085) among them */
    if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
        return 3; /* U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR */
    return 0;
}

char *ac_printable(const char *s, char *out, size_t len)
{
    size_t n = 0, i = 0;
    while (s && s[i] && n + 4 < len) {
        size_t brk = ac_unicode_break(s + i);
        out[n++] = brk || (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
        i += brk ? brk : 1;
    }
    if (s && s[i])
        out[n++] = '.', out[n++] = '.', out[n++] = '.';
    out[n] = '\0';
    return out;
}

/* Writes why a record is not valid; returns 0 (not valid). Values taken from the file go through
 * ac_printable() first: the message stays one printable line. */
__attribute__((format(printf, 3, 4))) static int fail_with(char *what, size_t len, const char *fmt,
                                                           ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, len, fmt, ap);
    va_end(ap);
    return 0;
}

/* A check whose typed values say the opposite of its ok flag (ok with EADDRINUSE expected and
 * OK observed) cannot be read either way. Values that ac_values_agree() cannot judge pass. */
static int consistent_check(json_t *c, size_t n, char *what, size_t len)
{
    json_t *e = json_object_get(c, "expected_value"), *o = json_object_get(c, "observed_value");
    int agree = ac_values_agree(e, o);
    bool ok = json_is_true(json_object_get(c, "ok"));
    if (agree < 0 || agree == ok)
        return 1;
    char es[48], os[48];
    return fail_with(what, len,
                     "check %zu says ok:%s, but its typed values %s (expected %s, observed %s): "
                     "the record contradicts itself",
                     n, ok ? "true" : "false", ok ? "disagree" : "agree",
                     ac_value_show(e, es, sizeof es), ac_value_show(o, os, sizeof os));
}

/* checks: an array of {step, expected, observed, kind, role, subject: strings, ok: bool,
 * expected_value, observed_value: typed values}, kind and role from results/typed.h. */
static int valid_checks(json_t *checks, const char *verdict, char *what, size_t len)
{
    if (!json_is_array(checks))
        return fail_with(what, len, "\"checks\" missing or not an array");
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        if (!json_is_object(c))
            return fail_with(what, len, "check %zu is not an object", i + 1);
        for (size_t k = 0; k < sizeof check_strings / sizeof *check_strings; k++)
            if (!json_is_string(json_object_get(c, check_strings[k])))
                return fail_with(what, len, "check %zu: field \"%s\" missing or not a string",
                                 i + 1, check_strings[k]);
        if (!json_is_boolean(json_object_get(c, "ok")))
            return fail_with(what, len, "check %zu: field \"ok\" missing or not true/false", i + 1);
        char shown[48], why[96];
        const char *kind = json_string_value(json_object_get(c, "kind"));
        if (ac_kind_from_name(kind) < 0)
            return fail_with(what, len, "check %zu: unknown kind \"%s\"", i + 1,
                             ac_printable(kind, shown, sizeof shown));
        const char *role = json_string_value(json_object_get(c, "role"));
        if (ac_role_from_name(role) < 0)
            return fail_with(what, len, "check %zu: unknown role \"%s\" (setup or claim)", i + 1,
                             ac_printable(role, shown, sizeof shown));
        for (size_t k = 0; k < sizeof check_values / sizeof *check_values; k++)
            if (!ac_value_valid(json_object_get(c, check_values[k]), why, sizeof why))
                return fail_with(what, len, "check %zu: \"%s\": %s", i + 1, check_values[k], why);
        if (!consistent_check(c, i + 1, what, len))
            return 0;
        if ((!strcmp(verdict, "pass") || !strcmp(verdict, "broken")) &&
            !json_is_true(json_object_get(c, "ok")))
            return fail_with(what, len,
                             "a %s whose check %zu failed: the record contradicts "
                             "itself",
                             strcmp(verdict, "pass") ? "broken record" : "pass", i + 1);
    }
    return 1;
}

int ac_results_check_record(json_t *rec, char *what, size_t len)
{
    if (!json_is_object(rec))
        return fail_with(what, len, "not a JSON object");
    char shown[48];
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!json_is_string(json_object_get(rec, required[i])))
            return fail_with(what, len, "field \"%s\" missing or not a string", required[i]);
    const char *t = json_string_value(json_object_get(rec, "test"));
    if (!*t || !strchr(t, '/'))
        return fail_with(what, len, "test name \"%s\" is not suite/test",
                         ac_printable(t, shown, sizeof shown));
    const char *v = json_string_value(json_object_get(rec, "verdict"));
    bool known = false;
    for (size_t i = 0; i < sizeof verdicts / sizeof *verdicts; i++)
        known = known || strcmp(v, verdicts[i]) == 0;
    if (!known)
        return fail_with(what, len, "unknown verdict \"%s\"", ac_printable(v, shown, sizeof shown));
    if (!strcmp(v, "broken") && !*json_string_value(json_object_get(rec, "reason")))
        return fail_with(what, len, "a broken record without its cause (\"reason\" is empty)");
    json_t *checks = json_object_get(rec, "checks");
    if (!valid_checks(checks, v, what, len))
        return 0;
    /* checks: [] passes only for a test of the harness itself (no interface, records none) */
    bool harness = !json_array_size(checks) &&
                   !strcmp(json_string_value(json_object_get(rec, "iface_kind")), "none");
    if (!strcmp(v, "pass") && !harness && ac_claim_count(checks) == 0)
        return fail_with(what, len,
                         "a pass whose checks include no claim: nothing says what it "
                         "proved");
    return 1;
}

json_t *ac_results_index(json_t *all, const char *name, char *err, size_t errlen)
{
    json_t *index = json_object();
    json_t *line_of = json_object();
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        const char *t = json_string_value(json_object_get(rec, "test"));
        json_t *first = json_object_get(line_of, t);
        if (first) {
            char shown[160];
            snprintf(err, errlen,
                     "%s:%zu: test %s recorded a second time (first on line %lld): one file "
                     "must hold one run",
                     name, i + 1, ac_printable(t, shown, sizeof shown),
                     (long long)json_integer_value(first));
            json_decref(index);
            json_decref(line_of);
            return NULL;
        }
        json_object_set_new(line_of, t, json_integer((json_int_t)i + 1));
        json_object_set(index, t, rec);
    }
    json_decref(line_of);
    return index;
}

json_t *ac_results_load_list(const char *path, char *err, size_t errlen)
{
    FILE *f = ac_open_regular(path, err, errlen);
    if (!f)
        return NULL;
    json_t *list = json_object();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        line[strcspn(line, "\t\n")] = '\0';
        if (*line)
            json_object_set_new(list, line, json_true());
    }
    free(line);
    fclose(f);
    if (json_object_size(list) == 0) {
        snprintf(err, errlen, "%s: no test names", path);
        json_decref(list);
        return NULL;
    }
    return list;
}

size_t ac_results_compare(json_t *index, json_t *known, int complete, const char *prog,
                          const char *name)
{
    size_t problems = 0;
    const char *t;
    json_t *v;
    char shown[160];
    json_object_foreach(index, t, v)
    {
        if (!json_object_get(known, t)) {
            fprintf(stderr, "%s: %s: a record for %s, which is not a test of this suite\n", prog,
                    name, ac_printable(t, shown, sizeof shown));
            problems++;
        }
    }
    if (complete) {
        json_object_foreach(known, t, v)
        {
            if (!json_object_get(index, t)) {
                fprintf(stderr, "%s: %s: no record for %s: it did not run or its record was lost\n",
                        prog, name, ac_printable(t, shown, sizeof shown));
                problems++;
            }
        }
    }
    return problems;
}
