/* Loading and ordering the records for the exporters (see export.h). */
#define _GNU_SOURCE
#include "export.h"

#include "deviation.h"
#include "results.h"
#include "set.h"
#include "typed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *ac_str(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

const char *ac_case_name(json_t *rec)
{
    const char *t = ac_str(rec, "test");
    const char *slash = strchr(t, '/');
    return slash ? slash + 1 : t;
}

/* The suite is the part before the first '/'; a name without one is its own suite. */
static size_t suite_len(const char *test)
{
    const char *slash = strchr(test, '/');
    return slash ? (size_t)(slash - test) : strlen(test);
}

struct keyed {
    json_t *rec;
    size_t order; /* position in the input: keeps repeated records in run order */
};

static int by_test(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(ac_str(x->rec, "test"), ac_str(y->rec, "test"));
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Through the one reader: a FIFO, a directory, a run cut short (no seal) or interrupted, a test
 * recorded twice, a record of another run, kernel or interface kind are refused there, in the
 * report's words. Several files (ctest's one per test binary) make one output only when their
 * runs are of one kernel and interface kind and no test is in two of them. */
static bool read_one(json_t *all, json_t *first, const char *prog, const char *path)
{
    char err[512], a[160];
    struct ac_set set;
    if (!ac_set_load(path, 0, &set, err, sizeof err)) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return false;
    }
    static const char *const same[] = {"kernel", "iface_kind"};
    json_t *files = json_object_get(first, "files"), *rec;
    bool ok = true;
    bool later = json_object_get(first, "path") != NULL;
    for (size_t f = 0; later && ok && f < 2; f++) {
        const char *mine = json_string_value(ac_set_header_get(&set, same[f]));
        const char *theirs = json_string_value(json_object_get(first, same[f]));
        if (strcmp(mine, theirs)) {
            fprintf(stderr,
                    "%s: %s: a run of %s \"%s\", %s is of \"%s\": one output holds one %s\n", prog,
                    path, same[f], ac_printable(mine, a, sizeof a),
                    json_string_value(json_object_get(first, "path")), theirs, same[f]);
            ok = false;
        }
    }
    if (!later) {
        json_object_set_new(first, "path", json_string(path));
        for (size_t f = 0; f < 2; f++)
            json_object_set(first, same[f], ac_set_header_get(&set, same[f]));
        json_object_set_new(first, "files", files = json_object());
    }
    size_t i;
    json_array_foreach(set.records, i, rec)
    {
        const char *t = json_string_value(json_object_get(rec, "test"));
        json_t *other = json_object_get(files, t);
        if (ok && other) {
            fprintf(stderr, "%s: %s: test %s is recorded in %s too: one output holds one run\n",
                    prog, path, ac_printable(t, a, sizeof a), json_string_value(other));
            ok = false;
        }
        json_object_set_new(files, t, json_string(path));
    }
    if (ok)
        json_array_extend(all, set.records);
    ac_set_clear(&set);
    return ok;
}

bool ac_export_load(struct ac_export *x, const char *prog, char **files, int nfiles,
                    bool only_listed)
{
    json_t *all = json_array(), *first = json_object();
    for (int i = 0; i < nfiles; i++) {
        if (!read_one(all, first, prog, files[i])) {
            json_decref(all);
            json_decref(first);
            return false;
        }
    }
    json_decref(first);
    return ac_export_from(x, all, prog, only_listed);
}

bool ac_export_from(struct ac_export *x, json_t *all, const char *prog, bool only_listed)
{
    x->all = all;
    if (!x->labels)
        x->labels = json_object();
    size_t total = json_array_size(x->all);
    struct keyed *k = calloc(total ? total : 1, sizeof *k);
    for (size_t i = 0; i < total; i++) {
        json_t *rec = json_array_get(x->all, i);
        if (!only_listed || json_object_get(x->labels, ac_str(rec, "test")))
            k[x->n++] = (struct keyed){rec, i};
    }
    if (x->n == 0) {
        fprintf(stderr, "%s: no records%s\n", prog, only_listed ? " of the listed tests" : "");
        free(k);
        return false;
    }
    qsort(k, x->n, sizeof *k, by_test);
    x->cases = calloc(x->n ? x->n : 1, sizeof *x->cases);
    for (size_t i = 0; i < x->n; i++) {
        x->cases[i] = k[i].rec;
        const char *t = ac_str(k[i].rec, "test");
        struct ac_suite *last = x->nsuites ? &x->suites[x->nsuites - 1] : NULL;
        if (!last || strlen(last->name) != suite_len(t) ||
            strncmp(last->name, t, suite_len(t)) != 0) {
            x->suites = realloc(x->suites, (x->nsuites + 1) * sizeof *x->suites);
            last = &x->suites[x->nsuites++];
            *last = (struct ac_suite){strndup(t, suite_len(t)), i, 0};
        }
        last->n++;
    }
    free(k);
    return true;
}

bool ac_export_deviations(struct ac_export *x, const char *prog, const char *path)
{
    char err[1024];
    if (ac_deviations_apply(path, x->all, json_object_size(x->labels) ? x->labels : NULL, err,
                            sizeof err))
        return true;
    fprintf(stderr, "%s: %s\n", prog, err);
    return false;
}

char *ac_known_text(json_t *rec)
{
    json_t *mark;
    enum ac_known k = ac_known_of(rec, &mark);
    char *out = NULL, kernels[256];
    if (k == AC_KNOWN_NONE)
        return NULL;
    if (asprintf(&out, "%s on %s: %s (%s)",
                 k == AC_KNOWN_XFAIL ? "xfail: a known deviation"
                                     : "xpass: a known deviation no longer seen (the test held: "
                                       "the entry may be stale)",
                 ac_deviation_kernels(mark, kernels, sizeof kernels), ac_str(mark, "reason"),
                 ac_str(mark, "link")) < 0)
        out = NULL;
    return out;
}

bool ac_export_labels(struct ac_export *x, const char *prog, const char *path)
{
    if (!x->labels)
        x->labels = json_object();
    FILE *f = fopen(path, "re");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
        return false;
    }
    char *line = NULL;
    size_t cap = 0, no = 0;
    bool ok = true;
    while (ok && getline(&line, &cap, f) > 0) {
        no++;
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        char *tab2 = tab ? strchr(tab + 1, '\t') : NULL;
        if (!tab || !tab2) {
            fprintf(stderr, "%s: %s:%zu: not \"test<TAB>labels<TAB>timeout\"\n", prog, path, no);
            ok = false;
            break;
        }
        *tab = *tab2 = '\0';
        json_object_set_new(x->labels, line, json_string(strcmp(tab + 1, "-") ? tab + 1 : ""));
    }
    free(line);
    fclose(f);
    return ok;
}

const char *ac_labels_of(const struct ac_export *x, json_t *rec)
{
    const char *l = json_string_value(json_object_get(x->labels, ac_str(rec, "test")));
    return l ? l : "";
}

void ac_export_free(struct ac_export *x)
{
    for (size_t i = 0; i < x->nsuites; i++)
        free(x->suites[i].name);
    free(x->suites);
    free(x->cases);
    json_decref(x->all);
    json_decref(x->labels);
}

char *ac_problem(json_t *rec)
{
    char *out = NULL;
    json_t *c = ac_first_failed(rec);
    if (c) {
        if (asprintf(&out, "%s: expected %s, observed %s", ac_str(c, "step"), ac_str(c, "expected"),
                     ac_str(c, "observed")) < 0)
            out = NULL;
        return out;
    }
    const char *v = ac_str(rec, "verdict"), *reason = ac_str(rec, "reason");
    const char *what = !strcmp(v, "crash")     ? "crashed"
                       : !strcmp(v, "timeout") ? "timed out"
                       : !strcmp(v, "skip")    ? "skipped"
                       : !strcmp(v, "broken")  ? "broken"
                                               : "failed";
    if (!strcmp(reason, what))
        reason = ""; /* the runner's reason for a crash is just "crashed" */
    if (asprintf(&out, "%s%s%s", what, *reason ? ": " : "", reason) < 0)
        out = NULL;
    return out;
}

struct ac_counts ac_count(json_t **cases, size_t n)
{
    struct ac_counts c = {0};
    for (size_t i = 0; i < n; i++) {
        const char *v = ac_str(cases[i], "verdict");
        enum ac_known k = ac_known_of(cases[i], NULL);
        if (k == AC_KNOWN_XFAIL)
            c.xfail++;
        else if (k == AC_KNOWN_XPASS)
            c.xpass++;
        else if (!strcmp(v, "pass"))
            c.pass++;
        else if (!strcmp(v, "skip"))
            c.skip++;
        else if (!strcmp(v, "broken"))
            c.broken++;
        else
            c.fail++;
        c.total++;
    }
    return c;
}

void ac_put_line(FILE *f, const char *s)
{
    while (*s) {
        size_t brk = ac_unicode_break(s);
        fputc(brk || (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
        s += brk ? brk : 1;
    }
}
