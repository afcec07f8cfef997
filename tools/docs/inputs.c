/* Reading the generator's inputs strictly: a malformed file is an error, never half-used. */
#define _GNU_SOURCE
#include "docs.h"

#include "coverage.h"

#include "readall.h"
#include "results.h"
#include "errname.h"
#include "typed.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Every input is opened as a regular file only (a FIFO would block the generator) and parsed
 * whole; an error is one line naming the file (coverage.c's reader, shared). */
static json_t *load_json(const char *path)
{
    return docs_load_json("afterclose-docs", path);
}

static bool has_text(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s;
}

/* Test, suite and claim names go into Markdown code spans and HTML anchors unescaped. */
static bool plain_name(const char *s)
{
    return docs_plain_name(s);
}

/* "suites/timewait.c:24": a path relative to the checkout, without "..", and a line. */
static bool source_ok(const char *src)
{
    const char *colon = src ? strrchr(src, ':') : NULL;
    if (!colon || colon == src || *src == '/' || strstr(src, "..") || !colon[1])
        return false;
    for (const char *p = colon + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return strtoul(colon + 1, NULL, 10) > 0;
}

/* {"since": "6.10", "commit": "41eecbd712b7", "title": "..."}: the release the test's current
 * expectation starts with and the kernel commit that changed it (the page links the commit). */
static bool changed_ok(json_t *c)
{
    const char *since = json_string_value(json_object_get(c, "since"));
    const char *commit = json_string_value(json_object_get(c, "commit"));
    unsigned major, minor;
    char end;
    if (!since || sscanf(since, "%u.%u%c", &major, &minor, &end) != 2 || !commit ||
        !has_text(c, "title"))
        return false;
    size_t n = strspn(commit, "0123456789abcdef");
    return n >= 7 && n <= 40 && commit[n] == '\0';
}

/* The facts a test's definition states, beyond its names and rule (runner/runner.c's
 * describe_as_json): NULL when they are well formed, else what is wrong. */
static const char *bad_facts(json_t *t)
{
    json_t *src = json_object_get(t, "source"), *exp = json_object_get(t, "expected");
    json_t *grid = json_object_get(t, "grid"), *proves = json_object_get(t, "proves");
    if (!source_ok(json_string_value(src)))
        return "no \"source\" of the form path:line (a path relative to the checkout)";
    if (exp && (!json_is_string(exp) || ac_errno_from_name(json_string_value(exp)) < 0))
        return "\"expected\" is not OK or an errno name";
    if (proves && !state_edge_named(json_string_value(proves)))
        return "\"proves\" names no transition of the state graph (tools/docs/states.c)";
    if (json_object_get(t, "changed") && !changed_ok(json_object_get(t, "changed")))
        return "\"changed\" needs \"since\" (a release such as 6.10), \"commit\" (7 to 40 hex "
               "digits) and \"title\"";
    if (!grid)
        return NULL;
    if (!json_is_object(grid) || !plain_name(json_string_value(json_object_get(grid, "state"))) ||
        grid_axis(json_string_value(json_object_get(grid, "reuse")), true) < 0 ||
        grid_axis(json_string_value(json_object_get(grid, "address")), false) < 0)
        return "\"grid\" needs a state name, a reuse of none, old, new or both and an address "
               "of same, other or wildcard";
    return NULL;
}

bool load_describe(struct docs *d, const char *path)
{
    d->tests = load_json(path);
    if (!d->tests)
        return false;
    if (!json_is_array(d->tests) || json_array_size(d->tests) == 0) {
        fprintf(stderr, "afterclose-docs: %s: not a non-empty array of tests\n", path);
        return false;
    }
    size_t i, bad = 0;
    json_t *t;
    json_t *seen = json_object();
    json_array_foreach(d->tests, i, t)
    {
        if (!has_text(t, "test") || !has_text(t, "suite")) {
            fprintf(stderr, "afterclose-docs: %s: entry %zu has no test or suite name\n", path, i);
            bad++;
            continue;
        }
        const char *name = json_string_value(json_object_get(t, "test"));
        char shown[160];
        if (!plain_name(name) || !plain_name(json_string_value(json_object_get(t, "suite")))) {
            fprintf(stderr,
                    "afterclose-docs: %s: entry %zu: test %s: names are letters, digits, _ . - + "
                    "and /\n",
                    path, i, ac_printable(name, shown, sizeof shown));
            bad++;
            continue;
        }
        if (json_object_get(seen, name)) {
            fprintf(stderr, "afterclose-docs: %s: test %s listed twice\n", path, name);
            bad++;
        }
        json_object_set_new(seen, name, json_true());
        /* Every test is a docs row, and a row without its rule explains nothing. */
        if (!has_text(t, "description")) {
            fprintf(stderr,
                    "afterclose-docs: test %s has no .description (the rule its docs "
                    "row prints)\n",
                    name);
            bad++;
        }
        const char *bad_fact = bad_facts(t);
        if (bad_fact) {
            fprintf(stderr, "afterclose-docs: %s: test %s: %s\n", path, name, bad_fact);
            bad++;
        }
        if (!has_text(t, "suite_description")) {
            fprintf(stderr,
                    "afterclose-docs: test %s: its suite has no .description (the rule "
                    "its docs section opens with)\n",
                    name);
            bad++;
        }
    }
    json_decref(seen);
    return bad == 0;
}

bool check_expectations(const struct docs *d)
{
    size_t i;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        const char *test = json_string_value(json_object_get(t, "test"));
        const char *stated = json_string_value(json_object_get(t, "expected"));
        json_t *bind = claim_of_kind(reference_record(d, test), AC_KIND_BIND);
        if (!stated || !bind || strcmp(check_str(bind, "expected"), stated) == 0)
            continue;
        char shown[160];
        fprintf(stderr,
                "afterclose-docs: test %s: its definition expects bind → %s, its record "
                "expected %s: results of another build\n",
                test, stated, ac_printable(check_str(bind, "expected"), shown, sizeof shown));
        return false;
    }
    return true;
}

bool load_topics(struct docs *d, const char *path)
{
    d->topics = json_object();
    if (!path)
        return true;
    json_t *j = load_json(path);
    json_t *list = json_object_get(j, "topics");
    if (!json_is_array(list)) {
        if (j)
            fprintf(stderr, "afterclose-docs: %s: no \"topics\" array\n", path);
        json_decref(j);
        return false;
    }
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        if (!has_text(t, "suite") || !has_text(t, "title")) {
            fprintf(stderr, "afterclose-docs: %s: topic %zu needs suite and title\n", path, i);
            json_decref(j);
            return false;
        }
        json_object_set(d->topics, json_string_value(json_object_get(t, "suite")),
                        json_object_get(t, "title"));
    }
    json_decref(j);
    return true;
}

bool load_catches(struct docs *d, const char *path)
{
    d->caught = json_object();
    if (!path)
        return true;
    json_t *j = load_json(path);
    json_t *tests = json_object_get(j, "tests");
    if (!json_is_object(tests)) {
        if (j)
            fprintf(stderr, "afterclose-docs: %s: no \"tests\" object\n", path);
        json_decref(j);
        return false;
    }
    const char *test;
    json_t *faults;
    char shown[160];
    json_object_foreach(tests, test, faults)
    {
        size_t i;
        json_t *f;
        bool ok = plain_name(test) && json_is_array(faults);
        json_array_foreach(faults, i, f) ok = ok && plain_name(json_string_value(f));
        if (!ok) {
            /* fault names go into anchors and links unescaped, like test names */
            fprintf(stderr,
                    "afterclose-docs: %s: test %s: wants an array of fault names (letters, "
                    "digits, _ . - +)\n",
                    path, ac_printable(test, shown, sizeof shown));
            json_decref(j);
            return false;
        }
    }
    json_object_update(d->caught, tests);
    json_decref(j);
    return true;
}

static const char *const meanings[] = {"holds", "false", "conditional"};

static bool valid_claim(json_t *c, size_t i, const char *path)
{
    static const char *const fields[] = {"id", "claim", "explained_as", "explanation"};
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
        if (!has_text(c, fields[k])) {
            fprintf(stderr, "afterclose-docs: %s: claim %zu: \"%s\" missing or empty\n", path, i,
                    fields[k]);
            return false;
        }
    if (!plain_name(json_string_value(json_object_get(c, "id")))) {
        fprintf(stderr, "afterclose-docs: %s: claim %zu: the id is letters, digits, _ . - + only\n",
                path, i);
        return false;
    }
    json_t *ev = json_object_get(c, "evidence");
    if (!json_is_array(ev) || json_array_size(ev) == 0) {
        fprintf(stderr, "afterclose-docs: %s: claim %zu has no evidence test\n", path, i);
        return false;
    }
    size_t k;
    json_t *e;
    bool cites[3] = {false, false, false}; /* a test whose pass means meanings[n] */
    json_array_foreach(ev, k, e)
    {
        const char *m = json_string_value(json_object_get(e, "pass_means"));
        bool known = false;
        for (size_t n = 0; m && n < sizeof meanings / sizeof *meanings; n++)
            if (strcmp(m, meanings[n]) == 0)
                known = cites[n] = true;
        if (!plain_name(json_string_value(json_object_get(e, "test"))) || !known) {
            fprintf(stderr,
                    "afterclose-docs: %s: claim %zu evidence %zu needs a test and pass_means "
                    "(holds, false or conditional)\n",
                    path, i, k);
            return false;
        }
    }
    /* The verdict the explanation is written for must be one the evidence can give: a claim
     * explained as "holds" needs a test whose pass says it holds, "false" one that says it is
     * false, "conditional" one that says so or both of the others. Otherwise the verdict would
     * rest on no test at all. */
    const char *meant = json_string_value(json_object_get(c, "explained_as"));
    bool cited = false;
    if (strcmp(meant, "holds") == 0)
        cited = cites[0];
    else if (strcmp(meant, "false") == 0)
        cited = cites[1];
    else if (strcmp(meant, "conditional") == 0)
        cited = cites[2] || (cites[0] && cites[1]);
    else {
        char shown[160];
        fprintf(stderr,
                "afterclose-docs: %s: claim %zu: explained_as \"%s\" is not holds, false or "
                "conditional\n",
                path, i, ac_printable(meant, shown, sizeof shown));
        return false;
    }
    if (!cited) {
        fprintf(stderr,
                "afterclose-docs: %s: claim %zu (%s): its verdict \"%s\" cites no evidence test "
                "whose pass says so\n",
                path, i, json_string_value(json_object_get(c, "id")), meant);
        return false;
    }
    return true;
}

bool load_claims(struct docs *d, const char *path)
{
    d->claims = load_json(path);
    json_t *list = json_object_get(d->claims, "claims");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        if (d->claims)
            fprintf(stderr, "afterclose-docs: %s: no \"claims\" array\n", path);
        return false;
    }
    /* the page's opening paragraph (a claims file without it crashed the generator: fuzzing) */
    if (!has_text(d->claims, "about")) {
        fprintf(stderr, "afterclose-docs: %s: \"about\" missing or empty\n", path);
        return false;
    }
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) if (!valid_claim(c, i, path)) return false;
    return true;
}

/* A new result set, NULL (after an error line) when its label is taken: two sets for one
 * column would both be shown, or one would silently hide the other. */
static struct source *new_source(struct docs *d, const char *label, const char *release,
                                 bool run_specific, const char *path)
{
    char shown[160];
    for (size_t i = 0; i < d->nsrc; i++)
        if (strcmp(d->src[i].label, label) == 0) {
            fprintf(stderr, "afterclose-docs: %s: a second result set for %s\n", path,
                    ac_printable(label, shown, sizeof shown));
            return NULL;
        }
    d->src = realloc(d->src, (d->nsrc + 1) * sizeof *d->src);
    struct source *s = &d->src[d->nsrc++];
    s->label = strdup(label);
    s->release = strdup(release);
    s->run_specific = run_specific;
    s->host = run_specific;
    s->recs = json_object();
    return s;
}

/* Through the shared reader: every record valid, a test twice (a fail, then a pass) or an
 * interrupted run is an error, and so is a second kernel or interface kind. */
bool add_results(struct docs *d, const char *label, const char *path, bool run_specific)
{
    char err[512];
    json_t *all = ac_results_load(path, err, sizeof err);
    json_t *index = all ? ac_results_index(all, path, err, sizeof err) : NULL;
    if (!index) {
        fprintf(stderr, "afterclose-docs: %s\n", err);
        json_decref(all);
        return false;
    }
    /* one kernel: the reader refuses a file of two (same words as every tool) */
    const char *kernel = json_string_value(json_object_get(json_array_get(all, 0), "kernel"));
    bool ok = true;
    if (label && !*label) {
        fprintf(stderr, "afterclose-docs: %s: an empty label\n", path);
        ok = false;
    }
    struct source *s =
        ok ? new_source(d, label ? label : kernel, kernel, run_specific, path) : NULL;
    if (s) {
        json_decref(s->recs);
        s->recs = json_incref(index);
    }
    json_decref(index);
    json_decref(all);
    return s != NULL;
}

/* One matrix cell as a result record, checked by the results reader's own rules for a record (a
 * pass with a failed check contradicts itself here too). NULL after an error line. */
static json_t *cell_as_record(const char *test, const char *release, json_t *row, json_t *cell,
                              const char *where)
{
    json_t *expected = json_object_get(cell, "expected");
    json_t *rec = json_pack(
        "{s:s, s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "test", test, "kernel", release,
        "iface_kind", json_object_get(cell, "iface_kind"), "expected",
        expected ? expected : json_object_get(row, "expected"), "observed",
        json_object_get(cell, "observed"), "verdict", json_object_get(cell, "verdict"), "reason",
        json_object_get(cell, "reason"), "checks", json_object_get(cell, "checks"));
    char what[256];
    if (!rec) {
        fprintf(stderr, "afterclose-docs: %s: not a matrix cell\n", where);
        return NULL;
    }
    if (!ac_results_check_record(rec, what, sizeof what)) {
        fprintf(stderr, "afterclose-docs: %s: not a valid result record: %s\n", where, what);
        json_decref(rec);
        return NULL;
    }
    return rec;
}

bool add_matrix(struct docs *d, const char *path, bool skip_host)
{
    json_t *m = load_json(path);
    json_t *cols = json_object_get(m, "columns"), *rows = json_object_get(m, "rows");
    if (json_integer_value(json_object_get(m, "schema")) != AC_MATRIX_SCHEMA ||
        !json_is_array(cols) || !json_is_array(rows)) {
        if (m)
            fprintf(stderr, "afterclose-docs: %s: not a schema %d matrix (columns, rows)\n", path,
                    AC_MATRIX_SCHEMA);
        json_decref(m);
        return false;
    }
    size_t i, j;
    json_t *col, *row;
    char shown[160], where[512];
    bool ok = true;
    json_array_foreach(cols, i, col)
    {
        const char *id = json_string_value(json_object_get(col, "id"));
        const char *release = json_string_value(json_object_get(col, "release"));
        const char *kind = json_string_value(json_object_get(col, "kind"));
        if (!id || !*id || !release) {
            fprintf(stderr, "afterclose-docs: %s: column %zu has no id or release\n", path, i);
            ok = false;
            break;
        }
        bool host = kind && strncmp(kind, "host", 4) == 0; /* host, host-userns */
        if (skip_host && host && strcmp(id, "host") == 0)
            continue;
        struct source *s = new_source(d, id, release, false, path);
        if (!s) {
            ok = false;
            break;
        }
        s->host = host;
        json_array_foreach(rows, j, row)
        {
            const char *test = json_string_value(json_object_get(row, "test"));
            json_t *cell = json_object_get(json_object_get(row, "cells"), id);
            const char *v = json_string_value(json_object_get(cell, "verdict"));
            if (!test || !v) {
                fprintf(stderr, "afterclose-docs: %s: row %zu has no test or no cell for %s\n",
                        path, j, ac_printable(id, shown, sizeof shown));
                ok = false;
                break;
            }
            /* a row twice: keeping either would hide the other (as a test twice in results) */
            if (json_object_get(s->recs, test)) {
                fprintf(stderr, "afterclose-docs: %s: row %zu: test %s a second time\n", path, j,
                        ac_printable(test, shown, sizeof shown));
                ok = false;
                break;
            }
            if (strcmp(v, "missing") == 0) {
                json_object_set_new(s->recs, test, json_null()); /* seen, no record */
                continue;
            }
            snprintf(where, sizeof where, "%s: row %zu, column %s", path, j,
                     ac_printable(id, shown, sizeof shown));
            json_t *rec = cell_as_record(test, release, row, cell, where);
            if (!rec) {
                ok = false;
                break;
            }
            json_object_set_new(s->recs, test, rec);
        }
        if (!ok)
            break;
        /* the placeholders of missing cells go: a test without a record is "missing" */
        const char *t;
        json_t *v;
        void *tmp;
        json_object_foreach_safe(s->recs, tmp, t, v) if (json_is_null(v))
            json_object_del(s->recs, t);
    }
    json_decref(m);
    return ok;
}

void docs_free(struct docs *d)
{
    for (size_t i = 0; i < d->nsrc; i++) {
        free(d->src[i].label);
        free(d->src[i].release);
        json_decref(d->src[i].recs);
    }
    free(d->src);
    free(d->order);
    json_decref(d->tests);
    json_decref(d->topics);
    json_decref(d->claims);
    json_decref(d->caught);
    json_decref(d->coverage);
}
