/* Which tests changed between two runs and how: the results library's classes (ac_records_diff:
 * claim, setup, timing), and two things only a run-to-run view needs: a skipped or broken test
 * whose reason changed (setup), and a run time that changed a lot (timing). */
#define _GNU_SOURCE
#include "diff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *str(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

static bool unobserved(json_t *rec)
{
    return !strcmp(str(rec, "verdict"), "skip") || !strcmp(str(rec, "verdict"), "broken");
}

/* Doubled or halved, and by at least ELAPSED_MIN_MS: the run time of a test varies by a few
 * milliseconds from run to run; a timer that fires later shows as seconds. */
static bool elapsed_changed(json_t *a, json_t *b)
{
    json_t *x = json_object_get(a, "elapsed_ms"), *y = json_object_get(b, "elapsed_ms");
    if (!json_is_number(x) || !json_is_number(y))
        return false;
    double p = json_number_value(x), q = json_number_value(y);
    double lo = p < q ? p : q, hi = p < q ? q : p;
    return hi - lo >= ELAPSED_MIN_MS && hi >= 2 * lo;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of an index, sorted (borrowed from the index). */
static const char **sorted_names(json_t *index, size_t *n)
{
    const char **names = calloc(json_object_size(index) + 1, sizeof *names), *t;
    json_t *v;
    *n = 0;
    json_object_foreach(index, t, v) names[(*n)++] = t;
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

static void only_in(json_t *index, json_t *other, json_t *out)
{
    size_t n;
    const char **names = sorted_names(index, &n);
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(other, names[i]))
            json_array_append_new(out, json_string(names[i]));
    free(names);
}

void compare_runs(const struct run *old, const struct run *new, struct comparison *c)
{
    *c = (struct comparison){.only_old = json_array(), .only_new = json_array()};
    only_in(old->index, new->index, c->only_old);
    only_in(new->index, old->index, c->only_new);
    size_t n;
    const char **names = sorted_names(new->index, &n);
    c->changes = calloc(n + 1, sizeof *c->changes);
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_object_get(old->index, names[i]),
               *b = json_object_get(new->index, names[i]);
        if (!a)
            continue;
        c->compared++;
        struct change ch = {names[i], a, b, ac_records_diff(a, b), false, false};
        if (ch.how == AC_DIFF_NONE && unobserved(a) && unobserved(b) &&
            strcmp(str(a, "reason"), str(b, "reason"))) {
            ch.how = AC_DIFF_SETUP;
            ch.reason = true;
        }
        ch.elapsed = elapsed_changed(a, b);
        if (ch.how == AC_DIFF_NONE && ch.elapsed)
            ch.how = AC_DIFF_TIMING;
        size_t *count[] = {[AC_DIFF_NONE] = &c->same,
                           [AC_DIFF_TIMING] = &c->timing,
                           [AC_DIFF_SETUP] = &c->setup,
                           [AC_DIFF_CLAIM] = &c->claim};
        (*count[ch.how])++;
        if (ch.how != AC_DIFF_NONE)
            c->changes[c->nchanges++] = ch;
    }
    free(names);
}

void comparison_free(struct comparison *c)
{
    free(c->changes);
    json_decref(c->only_old);
    json_decref(c->only_new);
}
