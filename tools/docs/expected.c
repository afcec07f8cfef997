/* docs/generated/expected-results.md: one section per topic (suite), opening with the topic's
 * rule, then one row per test: situation, expected result, rule, ctest name, kernels it passed
 * on. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

static void kernels_table(FILE *f, const struct docs *d)
{
    fputs("| kernel | release | results from |\n| --- | --- | --- |\n", f);
    for (size_t i = 0; i < d->nsrc; i++) {
        const struct source *s = &d->src[i];
        fputs("| ", f);
        md_cell(f, s->label);
        fputs(" | `", f);
        md_cell(f, s->release);
        fprintf(f, "` | %s |\n",
                s->run_specific ? "this machine's run of the suite " AC_RUN_SPECIFIC
                                : "the kernel matrix");
    }
}

/* "given (sock_diag): state of server end after active close: TIME_WAIT" from the setup checks
 * that are TCP states: the scene the claim is made in. */
static void situation(FILE *f, const char *test, json_t *rec)
{
    char *h = humanize(test);
    md_cell(f, h);
    free(h);
    const char *sep = "<br>given (sock_diag): ";
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (!check_is_state(c) || ac_check_is_claim(c))
            continue;
        char *s = without_ephemeral(check_str(c, "step"));
        fputs(sep, f);
        md_cell(f, s);
        fputs(": ", f);
        md_cell(f, check_str(c, "expected")); /* raw, a | or ESC in it broke the row: fuzzing */
        free(s);
        sep = "; ";
    }
}

/* "`bind 192.168.1.100:9999` → **EADDRINUSE**" per claim the test checks. Where the test's
 * definition states the result (describe's "expected"), the bind claim's result is that; the
 * record gives the calls as made and the other claims (check_expectations() made sure the two
 * agree). */
static void expected(FILE *f, json_t *t, json_t *rec)
{
    const char *stated = json_string_value(json_object_get(t, "expected"));
    if (!rec) {
        fputs("(no results: the test did not run)", f);
        if (stated)
            fprintf(f, "<br>its definition expects bind → **%s**", stated); /* an errno name */
        return;
    }
    const char *sep = "";
    size_t i, n = 0;
    json_t *c, *bind = stated ? claim_of_kind(rec, AC_KIND_BIND) : NULL;
    json_array_foreach(json_object_get(rec, "checks"), i, c)
    {
        if (!ac_check_is_claim(c))
            continue;
        char *step = without_ephemeral(check_str(c, "step"));
        char *value = without_ephemeral(c == bind ? stated : check_str(c, "expected"));
        fputs(sep, f);
        md_cell(f, step);
        fputs(" → **", f);
        md_cell(f, value);
        fputs("**", f);
        free(step);
        free(value);
        sep = "<br>";
        n++;
    }
    if (n == 0)
        fputs("(no claim recorded)", f);
}

static void kernels(FILE *f, const struct docs *d, const char *test)
{
    char *ok = passed_on(d, test);
    md_cell(f, *ok ? ok : "none");
    free(ok);
    for (size_t i = 0; i < d->nsrc; i++) {
        const char *v = record_verdict(source_record(&d->src[i], test));
        if (strcmp(v, "pass") != 0 && strcmp(v, "missing") != 0) {
            fprintf(f, "<br>%s on ", v);
            md_cell(f, d->src[i].label);
        }
    }
}

/* The faults of the mutation campaign this test caught, linked to their rows in mutation.md
 * (names checked when loaded: plain). */
static void caught(FILE *f, const struct docs *d, const char *test)
{
    size_t i;
    json_t *fault;
    const char *sep = "";
    json_array_foreach(json_object_get(d->caught, test), i, fault)
    {
        const char *name = json_string_value(fault);
        fprintf(f, "%s[%s](mutation.md#f-%s)", sep, name, name);
        sep = "<br>";
    }
    if (!*sep)
        fputs("—", f);
}

static void row(FILE *f, const struct docs *d, json_t *t)
{
    const char *test = json_string_value(json_object_get(t, "test"));
    json_t *rec = reference_record(d, test);
    fputs("| ", f);
    situation(f, test, rec);
    fputs(" | ", f);
    expected(f, t, rec);
    fputs(" | ", f);
    md_cell(f, json_string_value(json_object_get(t, "description")));
    /* the anchor the matrix page links to; the name links to the test's source line */
    char *src = test_source_link(t);
    if (src)
        fprintf(f, " | <a id=\"t-%s\"></a>[`%s`](../../%s) | ", test, test, src);
    else
        fprintf(f, " | <a id=\"t-%s\"></a>`%s` | ", test, test);
    free(src);
    kernels(f, d, test);
    fputs(" | ", f);
    caught(f, d, test);
    fputs(" |\n", f);
}

json_t *suite_order(const struct docs *d)
{
    json_t *order = json_array(), *seen = json_object();
    const char *suite;
    json_t *v, *t;
    size_t i;
    json_object_foreach(d->topics, suite, v)
    {
        (void)v;
        json_array_foreach(d->tests, i, t)
        {
            if (strcmp(json_string_value(json_object_get(t, "suite")), suite) == 0 &&
                !json_object_get(seen, suite)) {
                json_array_append_new(order, json_string(suite));
                json_object_set_new(seen, suite, json_true());
            }
        }
    }
    json_array_foreach(d->tests, i, t)
    {
        const char *s = json_string_value(json_object_get(t, "suite"));
        if (!json_object_get(seen, s)) {
            json_array_append_new(order, json_string(s));
            json_object_set_new(seen, s, json_true());
        }
    }
    json_decref(seen);
    return order;
}

static size_t count_in(const struct docs *d, const char *suite)
{
    size_t i, n = 0;
    json_t *t;
    json_array_foreach(d->tests, i, t) n +=
        strcmp(json_string_value(json_object_get(t, "suite")), suite) == 0;
    return n;
}

static void section(FILE *f, const struct docs *d, const char *suite)
{
    size_t i;
    json_t *t;
    const char *rule = NULL;
    json_array_foreach(d->tests, i,
                       t) if (strcmp(json_string_value(json_object_get(t, "suite")), suite) == 0)
        rule = json_string_value(json_object_get(t, "suite_description"));
    fprintf(f, "\n<a id=\"%s\"></a>\n## ", suite); /* suite names: checked when loaded */
    md_cell(f, topic_title(d, suite));
    fprintf(f, " (`%s`)\n\n", suite);
    md_cell(f, rule);
    fputs("\n", f);
    if (strcmp(suite, "conflict") == 0) {
        fputc('\n', f);
        write_conflict_grid_md(f, d);
        fputs("\n### The tests\n", f);
    }
    fputs("\n| situation | expected result | rule | ctest name | passed on | faults it caught |\n"
          "| --- | --- | --- | --- | --- | --- |\n",
          f);
    json_array_foreach(d->tests, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "suite")), suite) == 0)
            row(f, d, t);
    }
}

bool write_expected(const struct docs *d, const char *path)
{
    FILE *f = open_output(path);
    if (!f)
        return false;
    json_t *order = suite_order(d);
    fputs("# Expected results\n\n"
          "What the Linux kernel does when a TCP connection closes and a port is bound again, as "
          "measured by afterclose. Generated by `ci/gen-docs` from the tests' own descriptions "
          "and the results they recorded: do not edit by hand, `ci/check-docs` fails when this "
          "file differs from a fresh run.\n\n"
          "Each row is one test: *situation* is what the test sets up (the TCP states it "
          "confirmed through sock_diag first), *expected result* is each call it checks with the "
          "errno by name (`OK`: success), *rule* the one-sentence reason, *ctest name* the test "
          "that proves it (`ctest -R '^name$'`), *passed on* the kernels where it passed, "
          "*faults it caught* the kernel faults of the mutation campaign (mutation.md: past "
          "regressions re-created and mutants of the code behind the rule) under which it "
          "failed.\n",
          f);
    fprintf(f, "\n%zu tests in %zu topics; every test has a row.\n\n## Kernels\n\n",
            json_array_size(d->tests), json_array_size(order));
    kernels_table(f, d);
    fputs("\n## Topics\n\n", f);
    size_t i;
    json_t *s;
    json_array_foreach(order, i, s)
    {
        const char *suite = json_string_value(s);
        size_t n = count_in(d, suite);
        fputs("- [", f);
        md_cell(f, topic_title(d, suite));
        fprintf(f, "](#%s): %zu test%s\n", suite, n, n == 1 ? "" : "s");
    }
    json_array_foreach(order, i, s) section(f, d, json_string_value(s));
    json_decref(order);
    return ac_output_done(f, "afterclose-docs", path);
}
