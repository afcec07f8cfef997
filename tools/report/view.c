/* The report's views: what did not hold first (the reader is looking for it on a long run),
 * then what was broken (the environment could not set it up: a limit, a right, space, with its
 * cause), then the skips grouped by their reason, then the totals; --verbose lists every claim,
 * --failures-only nothing but what did not hold. Values from the file are printed through
 * ac_printable: one line each, no control characters. */
#include "view.h"

#include "deviation.h"
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

static bool known(json_t *rec, enum ac_known k)
{
    return ac_known_of(rec, NULL) == k;
}

/* Did not hold: failed, crashed or timed out (not a broken test: the kernel was not asked; not a
 * known deviation that was seen: the answer is an accepted one). */
static bool bad(json_t *rec)
{
    return !is(rec, "pass") && !is(rec, "skip") && !is(rec, "broken") &&
           !known(rec, AC_KNOWN_XFAIL);
}

static bool listed_first(json_t *rec)
{
    return bad(rec) || is(rec, "broken") || !known(rec, AC_KNOWN_NONE);
}

static const char *verdict_colour(json_t *rec)
{
    return known(rec, AC_KNOWN_XFAIL) ? paint.skip
           : is(rec, "pass")          ? paint.good
           : is(rec, "skip")          ? paint.skip
           : is(rec, "broken")        ? paint.broken
                                      : paint.bad;
}

static const char *verdict_words(json_t *rec)
{
    if (!known(rec, AC_KNOWN_NONE)) /* kselftest's words for an expected failure and its end */
        return known(rec, AC_KNOWN_XFAIL) ? "XFAIL" : "XPASS (held)";
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

/* Which records a grouped listing is about, and the text it groups them by. */
struct group {
    bool (*member)(json_t *rec);
    void (*title)(json_t *rec, char *out, size_t len); /* the group's heading */
};

static bool skipped_one(json_t *rec)
{
    return is(rec, "skip");
}

static void skip_title(json_t *rec, char *out, size_t len)
{
    ac_printable(str(rec, "reason"), out, len);
}

static bool xfail_one(json_t *rec)
{
    return known(rec, AC_KNOWN_XFAIL);
}

static bool xpass_one(json_t *rec)
{
    return known(rec, AC_KNOWN_XPASS);
}

/* "on kernels before 6.10: REASON (LINK)" */
static void deviation_title(json_t *rec, char *out, size_t len)
{
    json_t *mark;
    char kernels[256], reason[512], link[512];
    ac_known_of(rec, &mark);
    snprintf(out, len, "on %s: %s (%s)", ac_deviation_kernels(mark, kernels, sizeof kernels),
             ac_printable(str(mark, "reason"), reason, sizeof reason),
             ac_printable(str(mark, "link"), link, sizeof link));
}

/* The members under each distinct heading, headings in order of their first test; with
 * `verdicts`, each test's own verdict beside it. */
static void print_grouped(json_t *all, const struct group *g, bool verdicts)
{
    json_t *done = json_object(); /* headings already printed */
    size_t i, j;
    json_t *rec, *other;
    json_array_foreach(all, i, rec)
    {
        char title[1024], t2[1024], name[256];
        if (!g->member(rec))
            continue;
        g->title(rec, title, sizeof title);
        if (json_object_get(done, title))
            continue;
        json_object_set_new(done, title, json_true());
        printf("  %s\n", title);
        size_t shown = 0, more = 0;
        json_array_foreach(all, j, other)
        {
            if (!g->member(other) || (g->title(other, t2, sizeof t2), strcmp(t2, title)))
                continue;
            if (shown++ >= SKIP_NAMES_SHOWN)
                more++;
            else if (verdicts) /* did the suite's own expectation for this kernel hold? */
                printf("      %s (%s)\n", ac_printable(str(other, "test"), name, sizeof name),
                       is(other, "pass") ? "held" : "did not hold: the accepted answer");
            else
                printf("      %s\n", ac_printable(str(other, "test"), name, sizeof name));
        }
        if (more)
            printf("      ... and %zu more (--verbose lists every claim)\n", more);
    }
    json_decref(done);
}

static void print_skips(json_t *all, size_t skipped)
{
    static const struct group skips = {skipped_one, skip_title};
    printf("%s%zu skipped%s, by reason:\n", paint.skip, skipped, paint.off);
    print_grouped(all, &skips, false);
}

/* Known deviations (--deviations): those seen (XFAIL), those no longer seen (XPASS). */
static bool print_deviations(json_t *all, size_t xfail, size_t xpass, bool gap)
{
    static const struct group seen = {xfail_one, deviation_title};
    static const struct group gone = {xpass_one, deviation_title};
    if (xfail) {
        printf("%s%s%zu known %s seen (XFAIL: an accepted answer, not a failure):%s\n",
               gap ? "\n" : "", paint.skip, xfail, plural(xfail, "deviation", "deviations"),
               paint.off);
        print_grouped(all, &seen, true);
        gap = true;
    }
    if (xpass) {
        printf("%s%zu known %s no longer seen (XPASS: the %s held; the entry may be stale):\n",
               gap ? "\n" : "", xpass, plural(xpass, "deviation", "deviations"),
               plural(xpass, "test", "tests"));
        print_grouped(all, &gone, true);
        gap = true;
    }
    return gap;
}

struct ac_report_bad ac_report_view(json_t *all, enum ac_view view, bool colour)
{
    if (colour)
        paint.bad = "\033[1;31m", paint.good = "\033[32m", paint.skip = "\033[33m",
        paint.broken = "\033[1;35m", paint.off = "\033[0m";
    size_t held = 0, failed = 0, broken = 0, skipped = 0, xfail = 0, xpass = 0, i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        xfail += known(rec, AC_KNOWN_XFAIL);
        xpass += known(rec, AC_KNOWN_XPASS);
        held += is(rec, "pass") && !known(rec, AC_KNOWN_XFAIL);
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
    if (view != AC_VIEW_FAILURES)
        gap = print_deviations(all, xfail, xpass, gap);
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
    } else if (view == AC_VIEW_FAILURES && held + skipped + xfail) {
        char seen[48] = ""; /* only where there are some */
        if (xfail)
            snprintf(seen, sizeof seen, ", %zu known deviations", xfail);
        printf("%s(%zu held%s and %zu skipped not shown: --failures-only)\n", gap ? "\n" : "", held,
               seen, skipped);
    }
    putchar('\n');
    size_t n = json_array_size(all);
    char broken_count[48] = "", gone[96] = "", seen[64] = ""; /* only where there are some */
    if (broken)
        snprintf(broken_count, sizeof broken_count, ", %zu broken", broken);
    if (xpass)
        snprintf(gone, sizeof gone, " (%zu no longer showing a known deviation)", xpass);
    if (xfail)
        snprintf(seen, sizeof seen, ", %zu known %s", xfail,
                 plural(xfail, "deviation", "deviations"));
    printf("%s%zu %s: %zu held%s, %zu did not hold%s%s, %zu skipped%s\n",
           failed   ? paint.bad
           : broken ? paint.broken
                    : paint.good,
           n, plural(n, "claim", "claims"), held, gone, failed, seen, broken_count, skipped,
           paint.off);
    return (struct ac_report_bad){failed, broken};
}
