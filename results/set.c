/* Reading and writing the frame of a result set: header, records, seal (set.h). Every line is
 * checked where it stands, with its number: the first must be the header, every record must be
 * of the header's run, kernel and interface kind and of a selected test, once; the seal must be
 * last and count what precedes it. */
#define _GNU_SOURCE
#include "set.h"

#include "readall.h"
#include "results.h"
#include "typed.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reading {
    const char *name;
    struct ac_set *set;
    json_t *line_of;  /* test -> line of its record */
    json_t *selected; /* test -> true, from the header */
    size_t seal_line;
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 3, 4))) static bool refuse(struct reading *r, size_t line,
                                                         const char *fmt, ...)
{
    int n = line ? snprintf(r->err, r->errlen, "%s:%zu: ", r->name, line)
                 : snprintf(r->err, r->errlen, "%s: ", r->name);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

bool ac_set_run_id_valid(const char *run)
{
    size_t n = run ? strlen(run) : 0;
    return n > 0 && n <= 100 &&
           strspn(run, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:+-") == n;
}

json_t *ac_set_header_get(const struct ac_set *set, const char *field)
{
    if (!strcmp(field, "run"))
        return json_object_get(set->header, "run");
    return json_object_get(json_object_get(set->header, "header"), field);
}

const char *ac_set_run(const struct ac_set *set)
{
    return json_string_value(ac_set_header_get(set, "run"));
}

static const char *header_str(const struct ac_set *set, const char *field)
{
    return json_string_value(ac_set_header_get(set, field));
}

void ac_set_names(json_t *names, size_t shown, char *out, size_t len)
{
    size_t i, used = 0;
    json_t *n;
    char one[160];
    out[0] = '\0';
    json_array_foreach(names, i, n)
    {
        if (i == shown) {
            snprintf(out + used, len - used, " and %zu more", json_array_size(names) - shown);
            return;
        }
        int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "",
                         ac_printable(json_string_value(n), one, sizeof one));
        used += w > 0 && (size_t)w < len - used ? (size_t)w : 0;
    }
}

/* run, header: {kernel, iface_kind: strings, selected: a non-empty array of distinct suite/test
 * names}. */
static bool valid_header(struct reading *r, json_t *o)
{
    char shown[160];
    const char *run = json_string_value(json_object_get(o, "run"));
    if (!ac_set_run_id_valid(run))
        return refuse(r, 1, "not a valid header: \"run\" missing or not a run id");
    json_t *h = json_object_get(o, "header");
    if (!json_is_object(h) || !json_is_string(json_object_get(h, "kernel")) ||
        !json_is_string(json_object_get(h, "iface_kind")))
        return refuse(r, 1, "not a valid header: it needs kernel and iface_kind (strings)");
    json_t *sel = json_object_get(h, "selected"), *t;
    if (!json_is_array(sel) || json_array_size(sel) == 0)
        return refuse(r, 1, "not a valid header: \"selected\" must list the run's tests");
    size_t i;
    json_array_foreach(sel, i, t)
    {
        const char *name = json_string_value(t);
        if (!name || !*name || !strchr(name, '/'))
            return refuse(r, 1, "not a valid header: selected test %zu is not suite/test", i + 1);
        if (json_object_get(r->selected, name))
            return refuse(r, 1, "not a valid header: %s is selected twice",
                          ac_printable(name, shown, sizeof shown));
        json_object_set_new(r->selected, name, json_true());
    }
    r->set->header = json_incref(o);
    return true;
}

/* A record of the header's run, kernel and interface kind ("none": a test without the network
 * fixture), of a selected test, its first. */
static bool take_record(struct reading *r, size_t line, json_t *rec)
{
    char what[256], a[160], b[160];
    if (!ac_results_check_record(rec, what, sizeof what))
        return refuse(r, line, "not a valid result record: %s", what);
    const char *run = json_string_value(json_object_get(rec, "run"));
    if (!run)
        return refuse(r, line, "not a valid result record: field \"run\" missing or not a string");
    if (strcmp(run, ac_set_run(r->set)))
        return refuse(r, line,
                      "a record of run %s in the set of run %s (its header, line 1): one file "
                      "must hold one run",
                      ac_printable(run, a, sizeof a), ac_set_run(r->set));
    static const char *const same[] = {"kernel", "iface_kind"};
    for (size_t f = 0; f < 2; f++) {
        const char *v = json_string_value(json_object_get(rec, same[f]));
        const char *want = header_str(r->set, same[f]);
        if (strcmp(v, want) && (f == 0 || strcmp(v, "none")))
            return refuse(r, line,
                          "%s \"%s\" in a run of %s \"%s\" (its header, line 1): one file must "
                          "hold one run of one kernel and one interface kind",
                          same[f], ac_printable(v, a, sizeof a), same[f],
                          ac_printable(want, b, sizeof b));
    }
    const char *t = json_string_value(json_object_get(rec, "test"));
    if (!json_object_get(r->selected, t))
        return refuse(r, line, "a record of %s, which the run did not select (its header, line 1)",
                      ac_printable(t, a, sizeof a));
    json_t *first = json_object_get(r->line_of, t);
    if (first)
        return refuse(r, line,
                      "test %s recorded a second time (first on line %lld): one file must hold "
                      "one run",
                      ac_printable(t, a, sizeof a), (long long)json_integer_value(first));
    json_object_set_new(r->line_of, t, json_integer((json_int_t)line));
    json_array_append(r->set->records, rec);
    return true;
}

json_t *ac_set_missing(const struct ac_set *set)
{
    json_t *missing = json_array(), *t, *rec, *have = json_object();
    size_t i;
    json_array_foreach(set->records, i, rec)
    {
        json_object_set(have, json_string_value(json_object_get(rec, "test")), json_true());
    }
    json_array_foreach(ac_set_header_get(set, "selected"), i, t)
    {
        if (!json_object_get(have, json_string_value(t)))
            json_array_append(missing, t);
    }
    json_decref(have);
    return missing;
}

static size_t count_verdict(json_t *records, const char *verdict)
{
    size_t i, n = 0;
    json_t *rec;
    json_array_foreach(records, i, rec)
    {
        n += !strcmp(json_string_value(json_object_get(rec, "verdict")), verdict);
    }
    return n;
}

/* complete: true; records: how many precede it; verdicts: {verdict: count} over the results
 * library's verdicts, each equal to what the records say; every selected test recorded. */
static bool take_seal(struct reading *r, size_t line, json_t *o)
{
    char a[160];
    const char *run = json_string_value(json_object_get(o, "run"));
    if (!run || strcmp(run, ac_set_run(r->set)))
        return refuse(r, line, "the seal of run %s in the set of run %s (its header, line 1)",
                      ac_printable(run ? run : "(none)", a, sizeof a), ac_set_run(r->set));
    json_t *s = json_object_get(o, "seal"), *counts = json_object_get(s, "verdicts"), *v;
    json_t *records = json_object_get(s, "records");
    if (!json_is_true(json_object_get(s, "complete")) || !json_is_integer(records) ||
        !json_is_object(counts))
        return refuse(r, line, "not a valid seal: it needs complete: true, records and verdicts");
    const char *key;
    json_object_foreach(counts, key, v)
    {
        bool known = false;
        for (size_t i = 0; ac_verdict_name(i); i++)
            known = known || !strcmp(key, ac_verdict_name(i));
        if (!known || !json_is_integer(v) || json_integer_value(v) < 0)
            return refuse(r, line, "not a valid seal: \"%s\" is not a verdict with a count",
                          ac_printable(key, a, sizeof a));
    }
    size_t n = json_array_size(r->set->records);
    if (json_integer_value(records) != (json_int_t)n)
        return refuse(r, line, "the seal counts %lld records, but %zu precede it",
                      (long long)json_integer_value(records), n);
    for (size_t i = 0; ac_verdict_name(i); i++) {
        const char *name = ac_verdict_name(i);
        size_t have = count_verdict(r->set->records, name);
        json_int_t said = json_integer_value(json_object_get(counts, name));
        if (said != (json_int_t)have)
            return refuse(r, line,
                          "the seal counts %lld records of verdict %s, but the run holds %zu",
                          (long long)said, name, have);
    }
    json_t *missing = ac_set_missing(r->set);
    size_t m = json_array_size(missing);
    char names[512];
    ac_set_names(missing, 3, names, sizeof names);
    json_decref(missing);
    if (m)
        return refuse(r, line,
                      "the seal says complete, but %zu of %zu selected tests have no "
                      "record (%s)",
                      m, json_object_size(r->selected), names);
    r->seal_line = line;
    r->set->seal = json_incref(o);
    return true;
}

/* One line, in its place: the header first, then records, the seal last. */
static bool take_line(struct reading *r, size_t line, json_t *o)
{
    char shown[64];
    if (!json_is_object(o))
        return refuse(r, line, "not a valid result record: not a JSON object");
    json_t *interrupted = json_object_get(o, "interrupted");
    if (interrupted)
        return refuse(
            r, line, "the run was interrupted (%s): its results are incomplete; run it again",
            ac_printable(json_is_string(interrupted) ? json_string_value(interrupted) : "?", shown,
                         sizeof shown));
    json_t *schema = json_object_get(o, "schema");
    char version[32] = "(none)";
    if (json_is_integer(schema))
        snprintf(version, sizeof version, "%" JSON_INTEGER_FORMAT, json_integer_value(schema));
    if (!json_is_integer(schema) || json_integer_value(schema) != AC_RESULTS_SCHEMA)
        return refuse(r, line,
                      "not a valid result record: unknown schema version %s (this reader knows "
                      "%d: results written by this version of the suite)",
                      version, AC_RESULTS_SCHEMA);
    bool header = json_object_get(o, "header") != NULL;
    if (line == 1 && !header)
        return refuse(r, line,
                      "no header: a result set starts with its run's header (run, kernel, "
                      "interface kind, selected tests)");
    if (line == 1)
        return valid_header(r, o);
    if (header)
        return refuse(
            r, line,
            "a second header (run %s) in the set of run %s (line 1): one file must "
            "hold one run",
            ac_printable(json_string_value(json_object_get(o, "run")), shown, sizeof shown),
            ac_set_run(r->set));
    if (json_object_get(o, "seal"))
        return take_seal(r, line, o);
    return take_record(r, line, o);
}

static bool read_lines(struct reading *r, const char *data, size_t len, int flags)
{
    size_t line = 0, pos = 0;
    while (pos < len) {
        line++;
        const char *start = data + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (r->seal_line)
            return refuse(r, line, "a line after the seal (line %zu): a sealed run ends there",
                          r->seal_line);
        if (!nl)
            return refuse(r, line, "truncated: the last line has no newline");
        json_error_t je;
        json_t *o = json_loadb(start, n, JSON_REJECT_DUPLICATES, &je);
        if (!o)
            return refuse(r, line, "not JSON: %s", je.text);
        bool ok = take_line(r, line, o);
        json_decref(o);
        if (!ok)
            return false;
    }
    if (line == 0)
        return refuse(r, 0, "no records: nothing ran (the file is empty)");
    if (!r->set->seal && !(flags & AC_SET_OPEN))
        return refuse(r, 0,
                      "the run did not finish: no seal; %zu of %zu selected tests have records "
                      "(run %s): its results are incomplete",
                      json_array_size(r->set->records), json_object_size(r->selected),
                      ac_set_run(r->set));
    return true;
}

bool ac_set_parse(const char *data, size_t len, const char *name, int flags, struct ac_set *set,
                  char *err, size_t errlen)
{
    *set = (struct ac_set){NULL, json_array(), NULL};
    struct reading r = {name, set, json_object(), json_object(), 0, err, errlen};
    bool ok = read_lines(&r, data, len, flags);
    json_decref(r.line_of);
    json_decref(r.selected);
    if (!ok)
        ac_set_clear(set);
    return ok;
}

/* The set in the rest of f, named `name` in what it says. */
static bool read_set(FILE *f, const char *name, int flags, struct ac_set *set, char *err,
                     size_t errlen)
{
    *set = (struct ac_set){0};
    size_t len = 0;
    char *buf = ac_read_stream(f, &len);
    bool ok = false;
    if (!buf)
        snprintf(err, errlen, "%s: read error", name);
    else
        ok = ac_set_parse(buf, len, name, flags, set, err, errlen);
    free(buf);
    return ok;
}

bool ac_set_load(const char *path, int flags, struct ac_set *set, char *err, size_t errlen)
{
    *set = (struct ac_set){0};
    FILE *f = ac_open_regular(path, err, errlen);
    if (!f)
        return false;
    bool ok = read_set(f, path, flags, set, err, errlen);
    fclose(f);
    return ok;
}

void ac_set_clear(struct ac_set *set)
{
    json_decref(set->header);
    json_decref(set->records);
    json_decref(set->seal);
    *set = (struct ac_set){0};
}

/* The records of a whole set that `ok` says was read, and the set cleared. */
static json_t *records_of(bool ok, struct ac_set *set)
{
    if (!ok)
        return NULL;
    json_t *all = json_incref(set->records);
    ac_set_clear(set);
    return all;
}

json_t *ac_results_parse(const char *data, size_t len, const char *name, char *err, size_t errlen)
{
    struct ac_set set;
    return records_of(ac_set_parse(data, len, name, 0, &set, err, errlen), &set);
}

json_t *ac_results_read(FILE *f, const char *name, char *err, size_t errlen)
{
    struct ac_set set;
    return records_of(read_set(f, name, 0, &set, err, errlen), &set);
}

json_t *ac_results_load(const char *path, char *err, size_t errlen)
{
    struct ac_set set;
    return records_of(ac_set_load(path, 0, &set, err, errlen), &set);
}

json_t *ac_set_header_line(const char *run, const char *kernel, const char *iface_kind,
                           json_t *selected)
{
    return json_pack("{s:i, s:s, s:{s:s, s:s, s:O}}", "schema", AC_RESULTS_SCHEMA, "run", run,
                     "header", "kernel", kernel, "iface_kind", iface_kind, "selected", selected);
}

json_t *ac_set_seal_line(const char *run, json_t *records)
{
    json_t *counts = json_object();
    for (size_t i = 0; ac_verdict_name(i); i++) {
        size_t n = count_verdict(records, ac_verdict_name(i));
        if (n)
            json_object_set_new(counts, ac_verdict_name(i), json_integer((json_int_t)n));
    }
    return json_pack("{s:i, s:s, s:{s:b, s:I, s:o}}", "schema", AC_RESULTS_SCHEMA, "run", run,
                     "seal", "complete", 1, "records", (json_int_t)json_array_size(records),
                     "verdicts", counts);
}
