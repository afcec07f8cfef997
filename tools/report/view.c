/* The report's views: what did not hold first (the reader is looking for it on a long run),
 * then what was broken (the environment could not set it up: a limit, a right, space, with its
 * cause), then the skips grouped by their reason, then the totals; --verbose lists every claim,
 * --failures-only nothing but what did not hold. Values from the file are printed through
 * ac_printable: one line each, no control characters. */
#include "view.h"

#include "results.h"
#include "typed.h"

#include <stdio.h>
#include <string.h>

/* The names listed under one skip reason before "and N more" (an all-skipped run has one
 * reason for every test). */
#define SKIP_NAMES_SHOWN 8

/* The verdict words' colours (ANSI), all "" without colour. */
static struct {
    const char *bad, *good, *skip, *broken, *off;
} paint = {"", "", "", "", ""};

static const char *str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

static bool is(json_t *rec, const char *verdict)
{
    return !strcmp(str(rec, "verdict"), verdict);
}

/* Did not hold: failed, crashed or timed out (not a broken test: the kernel was not asked). */
static bool bad(json_t *rec)
{
    return !is(rec, "pass") && !is(rec, "skip") && !is(rec, "broken");
}

static bool listed_first(json_t *rec)
{
    return bad(rec) || is(rec, "broken");
}

static const char *verdict_colour(json_t *rec)
{
    return is(rec, "pass")     ? paint.good
           : is(rec, "skip")   ? paint.skip
           : is(rec, "broken") ? paint.broken
                               : paint.bad;
}

static const char *verdict_words(json_t *rec)
{
    if (is(rec, "pass"))
        return "held";
    if (is(rec, "fail"))
        return "DID NOT HOLD";
    if (is(rec, "skip"))
        return "skipped";
    if (is(rec, "broken"))
        return "BROKEN";
    return is(rec, "crash") ? "CRASHED" : "TIMED OUT";
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* One scenario: the verdict, the test, and its claim as the kernel answered it (for a failure,
 * the first check that failed: a setup step that failed means the claim was never reached). */
static void print_claim(json_t *rec)
{
    char claim[1024], name[256], reason[1024], step[512], exp[128], obs[128];
    ac_claim_text(rec, "observed", claim, sizeof claim);
    ac_printable(claim, claim, sizeof claim);
    ac_printable(str(rec, "test"), name, sizeof name);
    ac_printable(str(rec, "reason"), reason, sizeof reason);

    printf("  %s%-12s%s %s\n", verdict_colour(rec), verdict_words(rec), paint.off, name);
    json_t *first = ac_first_failed(rec);
    if (is(rec, "pass"))
        printf("               %s\n", *claim ? claim : "(no claim recorded)");
    else if (bad(rec) && first)
        printf("               %s: expected %s, observed %s\n               %s\n",
               ac_printable(str(first, "step"), step, sizeof step),
               ac_printable(str(first, "expected"), exp, sizeof exp),
               ac_printable(str(first, "observed"), obs, sizeof obs), reason);
    else
        printf("               %s\n", reason);
}

/* The skipped tests under each distinct reason, reasons in order of their first test. */
static void print_skips(json_t *all, size_t skipped)
{
    printf("%s%zu skipped%s, by reason:\n", paint.skip, skipped, paint.off);
    json_t *done = json_object(); /* reasons already printed */
    size_t i, j;
    json_t *rec, *other;
    json_array_foreach(all, i, rec)
    {
        char reason[1024], name[256];
        if (!is(rec, "skip") || json_object_get(done, str(rec, "reason")))
            continue;
        json_object_set_new(done, str(rec, "reason"), json_true());
        printf("  %s\n", ac_printable(str(rec, "reason"), reason, sizeof reason));
        size_t shown = 0, more = 0;
        json_array_foreach(all, j, other)
        {
            if (!is(other, "skip") || strcmp(str(other, "reason"), str(rec, "reason")))
                continue;
            if (shown++ < SKIP_NAMES_SHOWN)
                printf("      %s\n", ac_printable(str(other, "test"), name, sizeof name));
            else
                more++;
        }
        if (more)
            printf("      ... and %zu more (--verbose lists every claim)\n", more);
    }
    json_decref(done);
}

struct ac_report_bad ac_report_view(json_t *all, enum ac_view view, bool colour)
{
    if (colour)
        paint.bad = "\033[1;31m", paint.good = "\033[32m", paint.skip = "\033[33m",
        paint.broken = "\033[1;35m", paint.off = "\033[0m";
    size_t held = 0, failed = 0, broken = 0, skipped = 0, i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        held += is(rec, "pass");
        skipped += is(rec, "skip");
        failed += bad(rec);
        broken += is(rec, "broken");
    }
    if (failed)
        printf("%s%zu did not hold:%s\n", paint.bad, failed, paint.off);
    json_array_foreach(all, i, rec)
    {
        if (bad(rec))
            print_claim(rec);
    }
    bool gap = failed > 0; /* an empty line between sections */
    /* each broken test with its cause: what the environment refused */
    if (broken) {
        printf("%s%s%zu broken: the environment could not set %s up (not a kernel result):%s\n",
               gap ? "\n" : "", paint.broken, broken, plural(broken, "it", "them"), paint.off);
        json_array_foreach(all, i, rec)
        {
            if (is(rec, "broken"))
                print_claim(rec);
        }
        gap = true;
    }
    if (view == AC_VIEW_VERBOSE && held + skipped) {
        if (gap)
            putchar('\n');
        json_array_foreach(all, i, rec)
        {
            if (!listed_first(rec))
                print_claim(rec);
        }
    } else if (view == AC_VIEW_DEFAULT) {
        if (skipped) {
            if (gap)
                putchar('\n');
            print_skips(all, skipped);
            gap = true;
        }
        if (held)
            printf("%s(%zu held %s not listed: --verbose lists every claim)\n", gap ? "\n" : "",
                   held, plural(held, "claim", "claims"));
    } else if (view == AC_VIEW_FAILURES && held + skipped) {
        printf("%s(%zu held and %zu skipped not shown: --failures-only)\n", gap ? "\n" : "", held,
               skipped);
    }
    putchar('\n');
    size_t n = json_array_size(all);
    char broken_count[48] = ""; /* only where there is one */
    if (broken)
        snprintf(broken_count, sizeof broken_count, ", %zu broken", broken);
    printf("%s%zu %s: %zu held, %zu did not hold%s, %zu skipped%s\n",
           failed   ? paint.bad
           : broken ? paint.broken
                    : paint.good,
           n, plural(n, "claim", "claims"), held, failed, broken_count, skipped, paint.off);
    return (struct ac_report_bad){failed, broken};
}
