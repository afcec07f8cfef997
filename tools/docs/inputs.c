/* Reading the generator's inputs strictly: a malformed file is an error, never half-used. */
#define _GNU_SOURCE
#include "docs.h"

#include "results.h"

#include <stdlib.h>
#include <string.h>

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        fprintf(stderr, "afterclose-docs: %s:%d: %s\n", path, je.line, je.text);
    return j;
}

static bool has_text(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s;
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
        if (!has_text(e, "test") || !known) {
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
        fprintf(stderr,
                "afterclose-docs: %s: claim %zu: explained_as \"%s\" is not holds, false or "
                "conditional\n",
                path, i, meant);
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
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c) if (!valid_claim(c, i, path)) return false;
    return true;
}

static struct source *new_source(struct docs *d, const char *label, const char *release,
                                 bool run_specific)
{
    d->src = realloc(d->src, (d->nsrc + 1) * sizeof *d->src);
    struct source *s = &d->src[d->nsrc++];
    s->label = strdup(label);
    s->release = strdup(release);
    s->run_specific = run_specific;
    s->recs = json_object();
    return s;
}

bool add_results(struct docs *d, const char *label, const char *path, bool run_specific)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "afterclose-docs: %s: cannot open\n", path);
        return false;
    }
    char err[512];
    json_t *all = ac_results_read(f, path, err, sizeof err);
    fclose(f);
    if (!all) {
        fprintf(stderr, "afterclose-docs: %s\n", err);
        return false;
    }
    const char *kernel = json_string_value(json_object_get(json_array_get(all, 0), "kernel"));
    struct source *s = new_source(d, label ? label : kernel, kernel, run_specific);
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        if (strcmp(json_string_value(json_object_get(rec, "kernel")), kernel) != 0) {
            fprintf(stderr, "afterclose-docs: %s: records of more than one kernel\n", path);
            json_decref(all);
            return false;
        }
        /* a test run twice (soak copies) counts by its last record, as in the matrix */
        json_object_set(s->recs, json_string_value(json_object_get(rec, "test")), rec);
    }
    json_decref(all);
    return true;
}

/* One matrix cell as a result record (the fields the docs use). */
static json_t *cell_as_record(const char *test, const char *release, json_t *cell)
{
    json_t *checks = json_object_get(cell, "checks");
    return json_pack("{s:s, s:s, s:O, s:O}", "test", test, "kernel", release, "verdict",
                     json_object_get(cell, "verdict"), "checks",
                     json_is_array(checks) ? checks : json_array());
}

bool add_matrix(struct docs *d, const char *path, bool skip_host)
{
    json_t *m = load_json(path);
    json_t *cols = json_object_get(m, "columns"), *rows = json_object_get(m, "rows");
    if (json_integer_value(json_object_get(m, "schema")) != 1 || !json_is_array(cols) ||
        !json_is_array(rows)) {
        if (m)
            fprintf(stderr, "afterclose-docs: %s: not a schema 1 matrix (columns, rows)\n", path);
        json_decref(m);
        return false;
    }
    size_t i, j;
    json_t *col, *row;
    json_array_foreach(cols, i, col)
    {
        const char *id = json_string_value(json_object_get(col, "id"));
        const char *release = json_string_value(json_object_get(col, "release"));
        const char *kind = json_string_value(json_object_get(col, "kind"));
        if (!id || !release) {
            fprintf(stderr, "afterclose-docs: %s: column %zu has no id or release\n", path, i);
            json_decref(m);
            return false;
        }
        if (skip_host && kind && strcmp(kind, "host") == 0)
            continue;
        struct source *s = new_source(d, id, release, false);
        json_array_foreach(rows, j, row)
        {
            const char *test = json_string_value(json_object_get(row, "test"));
            json_t *cell = json_object_get(json_object_get(row, "cells"), id);
            const char *v = json_string_value(json_object_get(cell, "verdict"));
            if (!test || !v) {
                fprintf(stderr, "afterclose-docs: %s: row %zu has no test or no cell for %s\n",
                        path, j, id);
                json_decref(m);
                return false;
            }
            if (strcmp(v, "missing") != 0)
                json_object_set_new(s->recs, test, cell_as_record(test, release, cell));
        }
    }
    json_decref(m);
    return true;
}

void docs_free(struct docs *d)
{
    for (size_t i = 0; i < d->nsrc; i++) {
        free(d->src[i].label);
        free(d->src[i].release);
        json_decref(d->src[i].recs);
    }
    free(d->src);
    json_decref(d->tests);
    json_decref(d->topics);
    json_decref(d->claims);
}
