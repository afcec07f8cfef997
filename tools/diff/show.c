/* The difference as a kernel developer reads it: the two runs, then the claims that changed
 * (each differing check with its typed values, old → new), then what changed only in setup and
 * only in timing, listed apart, then the tests only one run has, then the counts. Every value
 * from a file goes through ac_printable / ac_value_show: one line each. */
#define _GNU_SOURCE
#include "diff.h"

#include "agree.h"
#include "results.h"

#include <stdio.h>
#include <string.h>

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void show_run(const char *label, const struct run *r)
{
    char file[512], kernel[160], kind[64], run[160];
    printf("%s %s: kernel %s, interface kind %s, run %s, %zu tests\n", label,
           ac_printable(r->file, file, sizeof file),
           ac_printable(run_header(r, "kernel"), kernel, sizeof kernel),
           ac_printable(run_header(r, "iface_kind"), kind, sizeof kind),
           ac_printable(run_header(r, "run"), run, sizeof run), json_array_size(r->set.records));
}

/* "check 3, packet claim about "listener": STEP" */
static void check_title(size_t i, json_t *c, const char *only)
{
    char subject[160], step[512];
    printf("    check %zu%s, %s %s about \"%s\": %s\n", i + 1, only, str(c, "kind"), str(c, "role"),
           ac_printable(str(c, "subject"), subject, sizeof subject),
           ac_printable(str(c, "step"), step, sizeof step));
}

static const char *held(json_t *c)
{
    return json_is_true(json_object_get(c, "ok")) ? "held" : "did not hold";
}

/* One typed field of a pair: "expected  A → B", or with the same value only when asked. */
static bool show_field(json_t *x, json_t *y, const char *field, const char *label)
{
    char a[256], b[256];
    json_t *vx = json_object_get(x, field), *vy = json_object_get(y, field);
    if (json_equal(vx, vy))
        return false;
    printf("      %-9s %s → %s\n", label, ac_value_show(vx, a, sizeof a),
           ac_value_show(vy, b, sizeof b));
    return true;
}

/* A pair of checks at one position that differ (ac_records_diff_each's callback). */
static void show_check(void *ctx, size_t i, json_t *x, json_t *y, enum ac_diff d)
{
    (void)ctx;
    (void)d;
    char e[256], o[256];
    if (!x || !y) {
        json_t *c = x ? x : y;
        check_title(i, c, x ? " only in OLD" : " only in NEW");
        printf("      expected %s, observed %s (%s)\n",
               ac_value_show(json_object_get(c, "expected_value"), e, sizeof e),
               ac_value_show(json_object_get(c, "observed_value"), o, sizeof o), held(c));
        return;
    }
    if (!json_equal(json_object_get(x, "kind"), json_object_get(y, "kind")) ||
        !json_equal(json_object_get(x, "role"), json_object_get(y, "role")) ||
        !json_equal(json_object_get(x, "subject"), json_object_get(y, "subject"))) {
        check_title(i, x, " in OLD");
        check_title(i, y, " in NEW");
        return;
    }
    check_title(i, y, "");
    bool expected = show_field(x, y, "expected_value", "expected");
    bool observed = show_field(x, y, "observed_value", "observed");
    if (observed && !expected)
        printf("      %-9s %s (on both)\n", "expected",
               ac_value_show(json_object_get(y, "expected_value"), e, sizeof e));
    if (json_is_true(json_object_get(x, "ok")) != json_is_true(json_object_get(y, "ok")))
        printf("      %-9s %s → %s\n", "outcome", held(x), held(y));
}

static void show_change(const struct change *ch)
{
    char test[256], a[512], b[512];
    const char *va = str(ch->old, "verdict"), *vb = str(ch->new, "verdict");
    ac_printable(ch->test, test, sizeof test);
    if (strcmp(va, vb))
        printf("  %s: %s → %s\n", test, va, vb);
    else
        printf("  %s (%s on both)\n", test, va);
    bool skipped = !strcmp(va, "skip") || !strcmp(va, "broken") || !strcmp(vb, "skip") ||
                   !strcmp(vb, "broken");
    if (skipped || ch->reason) {
        /* what could not be observed says why; its checks stop where it stopped */
        if (*str(ch->old, "reason") || *str(ch->new, "reason"))
            printf("    reason    %s → %s\n",
                   *str(ch->old, "reason") ? ac_printable(str(ch->old, "reason"), a, sizeof a)
                                           : "(none)",
                   *str(ch->new, "reason") ? ac_printable(str(ch->new, "reason"), b, sizeof b)
                                           : "(none)");
    } else {
        ac_records_diff_each(ch->old, ch->new, show_check, NULL);
    }
    if (ch->elapsed)
        printf("    elapsed   %.0f ms → %.0f ms\n",
               json_number_value(json_object_get(ch->old, "elapsed_ms")),
               json_number_value(json_object_get(ch->new, "elapsed_ms")));
}

static void show_class(const struct comparison *c, enum ac_diff how, size_t n, const char *title)
{
    if (!n)
        return;
    printf("\n%zu %s:\n", n, title);
    for (size_t i = 0; i < c->nchanges; i++)
        if (c->changes[i].how == how)
            show_change(&c->changes[i]);
}

static void show_only(json_t *names, const char *which)
{
    char list[1024];
    if (!json_array_size(names))
        return;
    ac_set_names(names, 8, list, sizeof list);
    printf("\nonly in %s (not compared): %zu %s: %s\n", which, json_array_size(names),
           plural(json_array_size(names), "test", "tests"), list);
}

/* " kernel A → B", or " kernel A (both)" */
static void show_setting(const struct run *old, const struct run *new, const char *field,
                         const char *label)
{
    char a[160], b[160];
    ac_printable(run_header(old, field), a, sizeof a);
    ac_printable(run_header(new, field), b, sizeof b);
    if (strcmp(a, b))
        printf(" %s %s → %s", label, a, b);
    else
        printf(" %s %s (both)", label, a);
}

void show_comparison(const struct run *old, const struct run *new, const struct comparison *c)
{
    show_run("OLD", old);
    show_run("NEW", new);
    fputs("environment:", stdout);
    show_setting(old, new, "kernel", "kernel");
    fputc(',', stdout);
    show_setting(old, new, "iface_kind", "interface kind");
    fputc('\n', stdout);
    show_class(c, AC_DIFF_CLAIM, c->claim,
               c->claim == 1
                   ? "claim changed (its verdict, or a claim check's outcome or value)"
                   : "claims changed (their verdict, or a claim check's outcome or value)");
    show_class(c, AC_DIFF_SETUP, c->setup,
               "changed only in setup (not a claim: skipped or broken on one side, a setup "
               "check, a skip reason)");
    show_class(c, AC_DIFF_TIMING, c->timing,
               "changed only in timing (measured durations within their ranges, run times)");
    show_only(c->only_old, "OLD");
    show_only(c->only_new, "NEW");
    printf("\n%zu compared: %zu %s changed, %zu setup only, %zu timing only, %zu same\n",
           c->compared, c->claim, plural(c->claim, "claim", "claims"), c->setup, c->timing,
           c->same);
}
