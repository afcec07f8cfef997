/* The page's opening section, "what changed, when": every claim the kernels answer differently
 * (a test of class "claim", results/typed.h), the kernels in version order with each one's short
 * value of the claim check that differs, and the commit that changed it where the test's
 * definition names one (describe's "changed", harness/meta.h): its release and commit, linked,
 * and whether the results split at that release as stated. Tests whose differences look alike
 * (the same checks, the same values on the same kernels, the same commit) share one row. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

/* What one kernel answered at one claim check, for people: "pass" values are the observed value,
 * a failure adds its mark; NULL-free. */
struct answer {
    const char *value;    /* the observed value, or the verdict where no check was reached */
    const char *expected; /* for a failed check: what it expected; else NULL */
    const char *verdict;  /* the record's */
};

/* The claim check at index i of a record, or NULL. */
static json_t *claim_at(json_t *rec, size_t i)
{
    json_t *c = json_array_get(json_object_get(rec, "checks"), i);
    return c && ac_check_is_claim(c) ? c : NULL;
}

static struct answer answer_at(json_t *rec, size_t i)
{
    struct answer a = {.verdict = record_verdict(rec)};
    json_t *c = claim_at(rec, i);
    bool judged = !strcmp(a.verdict, "pass") || !strcmp(a.verdict, "fail");
    if (!c || !judged) { /* skipped, broken, crashed there, or stopped before this check */
        a.value = !c && judged ? "not reached" : a.verdict;
        return a;
    }
    a.value = check_str(c, "observed");
    if (!json_is_true(json_object_get(c, "ok")))
        a.expected = check_str(c, "expected");
    return a;
}

/* Whether the kernels that reached claim check i answered it differently: its outcome or its
 * observed value (a duration inside its range aside, which is timing). Kernels where the test
 * was not observed (skipped, broken) or that stopped before the check (an earlier check failed)
 * do not make a difference here. */
static bool position_differs(json_t *const *recs, size_t n, size_t i)
{
    json_t *first = NULL;
    for (size_t k = 0; k < n; k++) {
        const char *v = record_verdict(recs[k]);
        json_t *c = claim_at(recs[k], i);
        if ((strcmp(v, "pass") && strcmp(v, "fail")) || !c)
            continue;
        if (!first) {
            first = c;
            continue;
        }
        json_t *o = json_object_get(c, "observed_value"),
               *o0 = json_object_get(first, "observed_value");
        if (json_is_true(json_object_get(c, "ok")) != json_is_true(json_object_get(first, "ok")) ||
            (!json_equal(o, o0) && !json_object_get(o, "seconds")))
            return true;
    }
    return false;
}

/* One row of the summary: the differing claim checks' steps and each kernel's answers
 * (positions x kernels), the commit, the tests. */
struct change {
    char *key;
    json_t *rep; /* the first test's records in the page's column order (null: none) */
    size_t *pos; /* the differing check indexes in rep's records */
    size_t npos;
    json_t *tests;   /* names */
    json_t *changed; /* describe's "changed" of the first test, or NULL */
};

/* The row's identity: the steps, every kernel's answers and the commit; tests that share it
 * share a row. Caller frees. */
static char *change_key(json_t *const *recs, size_t n, const size_t *pos, size_t npos,
                        json_t *changed)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (size_t p = 0; p < npos; p++) {
        json_t *c = NULL;
        for (size_t k = 0; k < n && !c; k++)
            c = claim_at(recs[k], pos[p]);
        fprintf(f, "%s\x1f", check_str(c, "step"));
        for (size_t k = 0; k < n; k++) {
            struct answer a = answer_at(recs[k], pos[p]);
            fprintf(f, "%s\x1e%s\x1e%s\x1f", a.verdict, a.value, a.expected ? a.expected : "");
        }
    }
    fprintf(f, "%s", json_string_value(json_object_get(changed, "commit")) ?: "");
    fclose(f);
    return buf;
}

/* The differences of one test, added to its row (a new one, or one with the same key). */
static void add_test(const struct docs *d, json_t *t, struct change **rows, size_t *nrows)
{
    const char *test = json_string_value(json_object_get(t, "test"));
    json_t *recs[64];
    size_t n = d->nsrc < 64 ? d->nsrc : 64, most = 0;
    for (size_t k = 0; k < n; k++) {
        recs[k] = source_record(&d->src[d->order[k]], test);
        size_t c = json_array_size(json_object_get(recs[k], "checks"));
        most = c > most ? c : most;
    }
    size_t *pos = calloc(most + 1, sizeof *pos), npos = 0;
    for (size_t i = 0; i < most; i++)
        if (position_differs(recs, n, i))
            pos[npos++] = i;
    json_t *changed = json_object_get(t, "changed");
    char *key = change_key(recs, n, pos, npos, changed);
    for (size_t r = 0; r < *nrows; r++)
        if (strcmp((*rows)[r].key, key) == 0) {
            json_array_append_new((*rows)[r].tests, json_string(test));
            free(key);
            free(pos);
            return;
        }
    *rows = realloc(*rows, (*nrows + 1) * sizeof **rows);
    struct change *c = &(*rows)[(*nrows)++];
    *c = (struct change){.key = key,
                         .pos = pos,
                         .npos = npos,
                         .tests = json_array(),
                         .changed = changed,
                         .rep = json_array()};
    for (size_t k = 0; k < n; k++)
        json_array_append(c->rep, recs[k] ? recs[k] : json_null());
    json_array_append_new(c->tests, json_string(test));
}

/* A kernel's answer: a value chip of its category, with a failure's mark and expectation, or
 * the verdict where the check was not observed there. */
static void answer_html(FILE *f, struct answer a, int category)
{
    if (strcmp(a.verdict, "pass") && strcmp(a.verdict, "fail")) {
        fprintf(f, "<span class=\"verdict %s\">", a.verdict);
        html_text(f, a.value);
        fputs("</span>", f);
        return;
    }
    if (a.expected)
        fputs("<span class=\"mark fail\" title=\"did not hold\">✗</span> ", f);
    html_chip(f, a.value, category);
    if (a.expected) {
        fputs(" <small>expected ", f);
        html_text(f, a.expected);
        fputs("</small>", f);
    }
}

/* The category of kernel k's answer at check i: the how-manieth distinct answer of the row it
 * is, in the kernels' order (the same value, the same colour). */
static int category_of(json_t *rep, size_t k, size_t i)
{
    const char *mine = answer_at(json_array_get(rep, k), i).value;
    const char *distinct[64];
    int n = 0;
    for (size_t j = 0; j <= k && j < 64; j++) {
        const char *v = answer_at(json_array_get(rep, j), i).value;
        int c = 0;
        while (c < n && strcmp(distinct[c], v))
            c++;
        if (!strcmp(v, mine))
            return c;
        if (c == n)
            distinct[n++] = v;
    }
    return 0;
}

/* The changed-in cell: "6.10", the commit linked, its title; and whether the kernels' answers
 * split at that release (the ones before it agree, the ones from it on agree, and differ). */
static void changed_cell(FILE *f, const struct docs *d, const struct change *c)
{
    fputs("<td class=\"when\">", f);
    if (!c->changed) {
        fputs("<span class=\"unknown\">not known: no kernel commit is named for this "
              "claim</span></td>",
              f);
        return;
    }
    const char *since = json_string_value(json_object_get(c->changed, "since"));
    const char *commit = json_string_value(json_object_get(c->changed, "commit"));
    fputs("<b>", f);
    html_text(f, since);
    fputs("</b> <a href=\"https://git.kernel.org/torvalds/c/", f);
    html_text(f, commit);
    fputs("\"><code>", f);
    html_text(f, commit);
    fputs("</code></a> <span class=\"title\">", f);
    html_text(f, json_string_value(json_object_get(c->changed, "title")));
    fputs("</span>", f);
    int from = release_version(since);
    const char *before = NULL, *after = NULL;
    bool split = true;
    for (size_t k = 0; k < json_array_size(c->rep) && split; k++) {
        const struct source *s = &d->src[d->order[k]];
        int v = release_version(s->release);
        json_t *rec = json_array_get(c->rep, k);
        if (v < 0 || strcmp(record_verdict(rec), "pass") || c->npos == 0)
            continue;
        const char *value = answer_at(rec, c->pos[0]).value;
        const char **side = v >= from ? &after : &before;
        split = !*side || strcmp(*side, value) == 0;
        *side = value;
    }
    if (before && after && split && strcmp(before, after) != 0)
        fprintf(f, "<br><small>the kernels split there, as stated</small>");
    else if (before || after)
        fprintf(f, "<br><small class=\"odd\">the kernels do not split at %s as stated</small>",
                since);
    fputs("</td>", f);
}

static void change_row(FILE *f, const struct docs *d, const struct change *c)
{
    size_t n = json_array_size(c->rep);
    fputs("<tr><td class=\"claim\">", f);
    for (size_t p = 0; p < c->npos; p++) {
        json_t *chk = NULL;
        for (size_t k = 0; k < n && !chk; k++)
            chk = claim_at(json_array_get(c->rep, k), c->pos[p]);
        fputs(p ? "<br>" : "", f);
        html_text(f, check_str(chk, "step"));
    }
    if (c->npos == 0)
        fputs("the verdict", f);
    size_t nt = json_array_size(c->tests), i;
    fprintf(f, "<details><summary>%zu test%s</summary>", nt, nt == 1 ? "" : "s");
    json_t *t;
    json_array_foreach(c->tests, i, t)
    {
        fputs("<a href=\"#t-", f);
        html_text(f, json_string_value(t));
        fputs("\">", f);
        html_text(f, json_string_value(t));
        fputs("</a>", f);
    }
    fputs("</details></td>", f);
    /* the first kernel the stated change applies to gets a rule on its left */
    const char *since = json_string_value(json_object_get(c->changed, "since"));
    int from = since ? release_version(since) : -1;
    bool ruled = false;
    for (size_t k = 0; k < n; k++) {
        const struct source *s = &d->src[d->order[k]];
        bool rule = from > 0 && !ruled && !s->host && release_version(s->release) >= from;
        ruled |= rule;
        json_t *rec = json_array_get(c->rep, k);
        fprintf(f, "<td class=\"v%s\">", rule ? " since" : "");
        if (c->npos == 0) /* no claim check differs: the verdict does (a crash, a timeout) */
            fprintf(f, "<span class=\"verdict %s\">%s</span>", record_verdict(rec),
                    record_verdict(rec));
        for (size_t p = 0; p < c->npos; p++) {
            fputs(p ? "<br>" : "", f);
            answer_html(f, answer_at(rec, c->pos[p]), category_of(c->rep, k, c->pos[p]));
        }
        fputs("</td>", f);
    }
    changed_cell(f, d, c);
    fputs("</tr>\n", f);
}

/* How many tests differ in each class besides the claims: one sentence under the table. */
static void other_differences(FILE *f, const struct docs *d)
{
    size_t setup = 0, timing = 0, i;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        const char *c = differ_class(d, json_string_value(json_object_get(t, "test")));
        setup += !strcmp(c, "setup");
        timing += !strcmp(c, "timing");
    }
    fprintf(f,
            "<p class=\"note\">Besides, %zu test%s differ only in setup or observation, or "
            "were skipped on some kernels (a sysctl or feature the kernel does not have), and "
            "%zu only in timing within the stated window: \"only rows where kernels differ\" "
            "below lists them.</p>\n",
            setup, setup == 1 ? "" : "s", timing);
}

void write_changes_html(FILE *f, const struct docs *d)
{
    struct change *rows = NULL;
    size_t nrows = 0, i, claims = 0;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        if (strcmp(differ_class(d, json_string_value(json_object_get(t, "test"))), "claim"))
            continue;
        add_test(d, t, &rows, &nrows);
        claims++;
    }
    fputs("<section id=\"changes\">\n<h2>What changed, when</h2>\n", f);
    if (nrows == 0)
        fprintf(f, "<p>Every kernel answers every claim alike (%zu kernels).</p>\n", d->nsrc);
    else
        fprintf(f,
                "<p>%zu claim%s differ between the kernels, in %zu row%s: each kernel's answer "
                "(a value; the same value, the same colour; ✗ where the claim did not hold), "
                "and the kernel commit that changed it where the test's definition names one. "
                "Kernels in version order, then this machine's runs.</p>\n",
                claims, claims == 1 ? "" : "s", nrows, nrows == 1 ? "" : "s");
    if (nrows) {
        fputs("<table class=\"changes\">\n<thead><tr><th>claim check</th>", f);
        for (size_t k = 0; k < d->nsrc; k++)
            column_header(f, d, d->order[k], false);
        fputs("<th>changed in</th></tr></thead>\n<tbody>\n", f);
        for (size_t r = 0; r < nrows; r++)
            change_row(f, d, &rows[r]);
        fputs("</tbody>\n</table>\n", f);
    }
    other_differences(f, d);
    fputs("</section>\n", f);
    for (size_t r = 0; r < nrows; r++) {
        free(rows[r].key);
        free(rows[r].pos);
        json_decref(rows[r].tests);
        json_decref(rows[r].rep);
    }
    free(rows);
}
