/* Checking the inventory of the close/bind surface (coverage.h): every problem is one line, so
 * that a reader fixes them all in one go. */
#define _GNU_SOURCE
#include "coverage.h"

#include "readall.h"
#include "results.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const coverage_kinds[] = {"transition", "timer", "sockopt",
                                      "sysctl",     "call",  "ipv6_twin"};
const size_t coverage_nkinds = sizeof coverage_kinds / sizeof *coverage_kinds;

int coverage_percent(size_t n, size_t total)
{
    return total ? (int)(n * 100 / total) : 0;
}

json_t *docs_load_json(const char *prog, const char *path)
{
    char err[512], shown[160];
    FILE *f = ac_open_regular(path, err, sizeof err);
    if (!f) {
        fprintf(stderr, "%s: %s\n", prog, ac_printable(err, shown, sizeof shown));
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!j)
        fprintf(stderr, "%s: %s:%d: %s\n", prog, path, je.line,
                ac_printable(je.text, shown, sizeof shown));
    return j;
}

/* The state of one check: where its lines go and how many there were. */
struct checker {
    const char *prog, *path;
    size_t problems;
};

static void problem(struct checker *c, const char *fmt, ...)
{
    char msg[640], shown[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s: %s\n", c->prog, c->path, ac_printable(msg, shown, sizeof shown));
    c->problems++;
}

static const char *text(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

bool docs_plain_name(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("_.-+/", *s))
            return false;
    return true;
}

static bool identifier(const char *s)
{
    if (!s || !*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* Only the fields the format has: a misspelt "test" would otherwise be silently ignored. */
static void only_fields(struct checker *c, json_t *o, const char *what, const char *const *fields,
                        size_t n)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        size_t k = 0;
        while (k < n && strcmp(key, fields[k]) != 0)
            k++;
        if (k == n)
            problem(c, "%s: unknown field \"%s\"", what, key);
    }
}

static json_t *array_of(struct checker *c, json_t *inv, const char *key)
{
    json_t *a = json_object_get(inv, key);
    if (!json_is_array(a)) {
        problem(c, "no \"%s\" array", key);
        return NULL;
    }
    return a;
}

/* The sources: source id -> true. */
static json_t *check_sources(struct checker *c, json_t *list)
{
    static const char *const fields[] = {"id", "title"};
    json_t *ids = json_object();
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
    {
        char what[64];
        snprintf(what, sizeof what, "source %zu", i);
        if (!json_is_object(s)) {
            problem(c, "%s: not an object", what);
            continue;
        }
        only_fields(c, s, what, fields, 2);
        const char *id = text(s, "id");
        if (!docs_plain_name(id) || !text(s, "title"))
            problem(c, "%s: needs an \"id\" (letters, digits, _ . - + /) and a \"title\"", what);
        else if (json_object_get(ids, id))
            problem(c, "source %s: listed twice", id);
        else
            json_object_set_new(ids, id, json_true());
    }
    return ids;
}

static bool known_kind(const char *kind)
{
    for (size_t k = 0; kind && k < coverage_nkinds; k++)
        if (strcmp(kind, coverage_kinds[k]) == 0)
            return true;
    return false;
}

/* One item's tests: a non-empty array of names the suite has, each once. */
static void check_tests(struct checker *c, const char *what, json_t *tests, json_t *known)
{
    if (!json_is_array(tests) || json_array_size(tests) == 0) {
        problem(c, "%s: \"tests\" must be a non-empty array of test names", what);
        return;
    }
    json_t *seen = json_object();
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
    {
        const char *name = json_string_value(t);
        if (!docs_plain_name(name))
            problem(c, "%s: test %zu is not a test name", what, i);
        else if (json_object_get(seen, name))
            problem(c, "%s: names test %s twice", what, name);
        else if (!json_object_get(known, name))
            problem(c, "%s: names test %s, which the suite does not have", what, name);
        if (name)
            json_object_set_new(seen, name, json_true());
    }
    json_decref(seen);
}

/* One item; adds its id to ids and counts it. */
static void check_item(struct checker *c, json_t *item, size_t i, json_t *sources, json_t *known,
                       json_t *ids, struct coverage_counts *n)
{
    static const char *const fields[] = {"id", "kind", "source", "what", "tests", "out_of_scope"};
    char what[160];
    snprintf(what, sizeof what, "item %zu", i);
    if (!json_is_object(item)) {
        problem(c, "%s: not an object", what);
        return;
    }
    const char *id = text(item, "id");
    if (docs_plain_name(id))
        snprintf(what, sizeof what, "item %s", id);
    only_fields(c, item, what, fields, sizeof fields / sizeof *fields);
    const char *kind = text(item, "kind");
    if (!docs_plain_name(id)) {
        problem(c, "%s: needs an \"id\" (letters, digits, _ . - + /)", what);
    } else if (json_object_get(ids, id)) {
        problem(c, "%s: listed twice", what);
    } else {
        json_object_set_new(ids, id, json_true());
        size_t klen = kind ? strlen(kind) : 0;
        if (known_kind(kind) && (strncmp(id, kind, klen) != 0 || id[klen] != '.'))
            problem(c, "%s: the id must start with its kind, \"%s.\"", what, kind);
    }
    if (!known_kind(kind))
        problem(c,
                "%s: \"kind\" must be one of transition, timer, sockopt, sysctl, call, "
                "ipv6_twin",
                what);
    const char *source = text(item, "source");
    if (!source || !json_object_get(sources, source))
        problem(c, "%s: \"source\" names no entry of \"sources\"", what);
    if (!text(item, "what"))
        problem(c, "%s: \"what\" (what it changes, in a sentence) missing or empty", what);

    json_t *tests = json_object_get(item, "tests");
    json_t *oos = json_object_get(item, "out_of_scope");
    n->items++;
    if (tests && oos) {
        problem(c, "%s: has both \"tests\" and \"out_of_scope\"", what);
    } else if (tests) {
        check_tests(c, what, tests, known);
        n->tested++;
    } else if (oos) {
        if (!text(item, "out_of_scope"))
            problem(c, "%s: \"out_of_scope\" must give the reason", what);
        n->out_of_scope++;
    } else {
        problem(c, "%s: has neither \"tests\" nor \"out_of_scope\"", what);
    }
}

/* Whether `name` is defined in the C file: a line that starts in column 0 with it (after its
 * return type) and whose parameter list is followed by a body, not by ';'. */
static bool defined_in(const char *src, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = strstr(src, name); p; p = strstr(p + 1, name)) {
        const char *line = p;
        while (line > src && line[-1] != '\n')
            line--;
        if (isspace((unsigned char)*line) || *line == '#' || *line == '*' || *line == '/')
            continue;
        if (p > src && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue;
        const char *q = p + len;
        while (*q == ' ')
            q++;
        if (*q != '(')
            continue;
        int depth = 0;
        for (; *q; q++) {
            depth += *q == '(';
            depth -= *q == ')';
            if (depth == 0)
                break;
        }
        if (!*q)
            return false;
        for (q++; isspace((unsigned char)*q); q++)
            ;
        if (*q == '{')
            return true;
    }
    return false;
}

static void check_defined(struct checker *c, const char *tree, const char *file, const char *fn)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/%s", tree, file);
    FILE *f = ac_open_regular(path, err, sizeof err);
    if (!f) {
        problem(c, "function %s: %s", fn, err);
        return;
    }
    size_t len;
    char *src = ac_read_stream(f, &len);
    fclose(f);
    if (!src || !defined_in(src, fn))
        problem(c, "function %s: not defined in %s of %s", fn, file, tree);
    free(src);
}

/* "cases": the option labels of a many-option function (a setsockopt) that implement its
 * items; the generated faults mutate only those blocks of its switches. */
static void check_cases(struct checker *c, json_t *cases, const char *what)
{
    if (!cases)
        return;
    size_t k;
    json_t *it;
    if (!json_is_array(cases) || json_array_size(cases) == 0) {
        problem(c, "%s: \"cases\" must be a non-empty array of case label names", what);
        return;
    }
    json_array_foreach(cases, k, it)
    {
        const char *label = json_string_value(it);
        if (!label || !identifier(label))
            problem(c, "%s: \"cases\" entry %zu is not a C name", what, k);
    }
}

static void check_function(struct checker *c, json_t *fn, size_t i, json_t *ids, json_t *seen,
                           const char *tree)
{
    static const char *const fields[] = {"file", "function", "items", "cases"};
    char what[160];
    snprintf(what, sizeof what, "function %zu", i);
    if (!json_is_object(fn)) {
        problem(c, "%s: not an object", what);
        return;
    }
    const char *file = text(fn, "file"), *name = text(fn, "function");
    json_t *items = json_object_get(fn, "items");
    bool file_ok = docs_plain_name(file) && *file != '/' && !strstr(file, "..");
    if (file_ok && identifier(name))
        snprintf(what, sizeof what, "function %s:%s", file, name);
    only_fields(c, fn, what, fields, 4);
    if (!file_ok || !identifier(name) || !json_is_array(items) || json_array_size(items) == 0) {
        problem(c,
                "%s: needs a \"file\" (a path in the kernel tree), a \"function\" (a C name) "
                "and a non-empty \"items\" array",
                what);
        return;
    }
    if (json_object_get(seen, what))
        problem(c, "%s: listed twice", what);
    json_object_set_new(seen, what, json_true());
    size_t k;
    json_t *it;
    json_array_foreach(items, k, it)
    {
        const char *id = json_string_value(it);
        if (!id || !json_object_get(ids, id))
            problem(c, "%s: names item %s, which the inventory does not have", what,
                    id ? id : "(not a string)");
    }
    check_cases(c, json_object_get(fn, "cases"), what);
    if (tree)
        check_defined(c, tree, file, name);
}

size_t coverage_check(json_t *inv, json_t *known, const char *prog, const char *path,
                      int min_percent, const char *tree, struct coverage_counts *n)
{
    static const char *const fields[] = {"sources", "items", "functions"};
    struct checker c = {prog, path, 0};
    memset(n, 0, sizeof *n);
    if (!json_is_object(inv)) {
        problem(&c, "not an object with \"sources\", \"items\" and \"functions\"");
        return c.problems;
    }
    only_fields(&c, inv, "the inventory", fields, 3);
    json_t *sources = array_of(&c, inv, "sources"), *items = array_of(&c, inv, "items");
    json_t *functions = array_of(&c, inv, "functions");
    json_t *source_ids = check_sources(&c, sources);
    json_t *ids = json_object(), *seen = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e) check_item(&c, e, i, source_ids, known, ids, n);
    json_array_foreach(functions, i, e) check_function(&c, e, i, ids, seen, tree);
    n->functions = json_array_size(functions);
    if (items && json_array_size(items) == 0)
        problem(&c, "no items");
    else if (items && n->tested * 100 < (size_t)min_percent * n->items)
        problem(&c, "%zu of %zu items have tests (%d %%), fewer than %d %%", n->tested, n->items,
                coverage_percent(n->tested, n->items), min_percent);
    json_decref(source_ids);
    json_decref(ids);
    json_decref(seen);
    return c.problems;
}
