/* The page's timer plot, inline SVG: every measured duration the records carry as a typed value
 * (a check of kind "timer" expecting {"range_ms": [lo, hi]} and observing {"seconds": n},
 * harness/within.h) against its window, one row per check, one lane per kernel in the page's
 * order. Rows are grouped by the TCP state the check's socket (its subject) was last seen in
 * before the measurement, from the record's own state checks: TIME_WAIT, FIN_WAIT2, LAST_ACK...
 * A duration no state check precedes (how long connect() blocked) is counted, not drawn. The time
 * axis is linear in two parts, 0-3 s over two fifths of the width and 3 s to the longest window
 * over the rest, so a one-second tcp_fin_timeout and the 60 s TIME_WAIT both show their windows;
 * durations are recorded in whole seconds, so a mark spans its rounding (n +- 0.5 s).
 * The fresh run on this machine is run-specific: its marks are on lines of their own, marked. */
#define _GNU_SOURCE
#include "docs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The panels' order: the states the issue of timers is about first. */
static const char *const panel_states[] = {"TIME_WAIT", "FIN_WAIT2", "LAST_ACK",
                                           "FIN_WAIT1", "CLOSING",   "CLOSE_WAIT",
                                           "SYN_RECV",  "SYN_SENT",  "ESTABLISHED"};
#define NPANELS (sizeof panel_states / sizeof *panel_states)

/* Lane colours (Okabe and Ito's palette without its green and vermilion, which are verdicts'). */
static const char *const lane_colour[] = {"#0072B2", "#E69F00", "#56B4E9", "#CC79A7",
                                          "#000000", "#999999", "#8C6D31", "#F0E442"};
#define NCOLOURS (sizeof lane_colour / sizeof *lane_colour)

/* Geometry, in SVG pixels; the time axis breaks at BREAK_MS. */
#define WIDTH    1300
#define X0       450.0
#define X1       1270.0
#define XBREAK   (X0 + 0.4 * (X1 - X0))
#define BREAK_MS 3000.0
#define LANE     5

struct entry {
    const char *test;
    size_t index; /* the check's index in the records */
    const char *step;
    long lo, hi; /* the window, ms */
};

/* The axis' end, ms: the longest window or measurement, rounded up to 10 s (written by
 * write_timers_svg() before drawing). */
static double axis_end_ms = 10000;

static double x_of(double ms)
{
    ms = ms < 0 ? 0 : ms > axis_end_ms ? axis_end_ms : ms;
    if (ms <= BREAK_MS)
        return X0 + ms / BREAK_MS * (XBREAK - X0);
    return XBREAK + (ms - BREAK_MS) / (axis_end_ms - BREAK_MS) * (X1 - XBREAK);
}

/* A measured duration: the check has a range_ms expectation and an observed seconds value. */
static bool is_measured(json_t *c)
{
    return c && ac_kind_from_name(check_str(c, "kind")) == AC_KIND_TIMER &&
           json_is_array(json_object_get(json_object_get(c, "expected_value"), "range_ms")) &&
           json_is_integer(json_object_get(json_object_get(c, "observed_value"), "seconds"));
}

/* The state the check's subject was last seen in before check `upto` (not "absent" or
 * "present"), NULL if none. */
static const char *state_before(json_t *rec, size_t upto)
{
    json_t *checks = json_object_get(rec, "checks");
    const char *subject = check_str(json_array_get(checks, upto), "subject"), *state = NULL;
    for (size_t i = 0; i < upto; i++) {
        json_t *c = json_array_get(checks, i);
        const char *s =
            json_string_value(json_object_get(json_object_get(c, "expected_value"), "state"));
        if (check_is_state(c) && s && strcmp(s, "absent") && strcmp(s, "present") &&
            strcmp(check_str(c, "subject"), subject) == 0)
            state = s;
    }
    return state;
}

/* The record the plot takes a test's checks from: the first, in the page's order, that ran. */
static json_t *reference(const struct docs *d, const char *test)
{
    for (size_t k = 0; k < d->nsrc; k++) {
        json_t *rec = source_record(&d->src[d->order[k]], test);
        const char *v = record_verdict(rec);
        if (!strcmp(v, "pass") || !strcmp(v, "fail"))
            return rec;
    }
    return NULL;
}

/* The check at `index` of kernel k's record when it is the same measurement, else NULL. */
static json_t *measured_on(const struct docs *d, size_t k, const struct entry *e)
{
    json_t *rec = source_record(&d->src[d->order[k]], e->test);
    const char *v = record_verdict(rec);
    json_t *c = json_array_get(json_object_get(rec, "checks"), e->index);
    if ((strcmp(v, "pass") && strcmp(v, "fail")) || !is_measured(c) ||
        strcmp(check_str(c, "step"), e->step))
        return NULL;
    return c;
}

/* The panels' rows: entries[p] of n[p]; *unplaced counts the durations without a state. */
static void collect(const struct docs *d, struct entry **entries, size_t *n, size_t *unplaced)
{
    size_t i;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        const char *test = json_string_value(json_object_get(t, "test"));
        json_t *rec = reference(d, test), *c;
        size_t j;
        json_array_foreach(json_object_get(rec, "checks"), j, c)
        {
            if (!is_measured(c))
                continue;
            const char *state = state_before(rec, j);
            size_t p = 0;
            while (state && p < NPANELS && strcmp(panel_states[p], state))
                p++;
            if (!state || p == NPANELS) {
                (*unplaced)++;
                continue;
            }
            json_t *range = json_object_get(json_object_get(c, "expected_value"), "range_ms");
            entries[p] = realloc(entries[p], (n[p] + 1) * sizeof *entries[p]);
            entries[p][n[p]++] =
                (struct entry){.test = test,
                               .index = j,
                               .step = check_str(c, "step"),
                               .lo = (long)json_integer_value(json_array_get(range, 0)),
                               .hi = (long)json_integer_value(json_array_get(range, 1))};
        }
    }
}

/* SVG text is HTML text (the plot is inline in the page). */
static void label(FILE *f, double x, double y, const char *cls, const char *s, size_t max)
{
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" class=\"%s\">", x, y, cls);
    if (strlen(s) <= max) {
        html_text(f, s);
    } else {
        char *cut = strndup(s, max - 1);
        html_text(f, cut);
        fputs("…", f);
        free(cut);
    }
    fputs("</text>", f);
}

static void tick(FILE *f, double ms, double y, double bottom, const char *cls)
{
    double x = x_of(ms);
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" class=\"%s\"/>"
            "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\">%g s</text>\n",
            x, y + 4, x, bottom, cls, x, y, ms / 1000);
}

/* Every half second up to the break, every 10 s after it; the break drawn darker. */
static void axis(FILE *f, double y, double bottom)
{
    for (double ms = 0; ms < BREAK_MS; ms += 500)
        tick(f, ms, y, bottom, "grid");
    tick(f, BREAK_MS, y, bottom, "break");
    for (double ms = 10000; ms <= axis_end_ms; ms += 10000)
        tick(f, ms, y, bottom, "grid");
}

/* One row: the test and step, the window, a mark per kernel. */
static double entry_row(FILE *f, const struct docs *d, const struct entry *e, double y, bool odd)
{
    double h = (double)d->nsrc * LANE + 10;
    if (h < 30)
        h = 30;
    if (odd)
        fprintf(f, "<rect x=\"0\" y=\"%.0f\" width=\"%d\" height=\"%.0f\" class=\"band\"/>\n", y,
                WIDTH, h);
    fputs("<a href=\"#t-", f);
    html_text(f, e->test);
    fputs("\">", f);
    label(f, 6, y + 12, "name", e->test, 66);
    fputs("</a>", f);
    label(f, 6, y + 25, "step", e->step, 80);
    fprintf(f,
            "\n<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" class=\"window\">"
            "<title>expected %ld..%ld ms</title></rect>\n",
            x_of((double)e->lo), y + 2, x_of((double)e->hi) - x_of((double)e->lo) + 1, h - 4, e->lo,
            e->hi);
    for (size_t k = 0; k < d->nsrc; k++) {
        json_t *c = measured_on(d, k, e);
        if (!c)
            continue;
        const struct source *s = &d->src[d->order[k]];
        long sec = (long)json_integer_value(
            json_object_get(json_object_get(c, "observed_value"), "seconds"));
        double a = x_of(sec * 1000.0 - 500), b = x_of(sec * 1000.0 + 500);
        if (b - a < 3)
            a = (a + b) / 2 - 1.5, b = a + 3;
        double ly = y + 5 + (double)k * LANE;
        bool ok = json_is_true(json_object_get(c, "ok"));
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"3\" fill=\"%s\"%s>"
                "<title>",
                a, ly, b - a, lane_colour[k % NCOLOURS], ok ? "" : " class=\"off\"");
        html_text(f, s->label);
        fprintf(f, ": %ld s%s</title></rect>%s\n", sec, ok ? "" : ", outside the window",
                s->run_specific ? " " AC_RUN_SPECIFIC : "");
    }
    return h;
}

void write_timers_svg(FILE *f, const struct docs *d)
{
    struct entry *entries[NPANELS] = {0};
    size_t n[NPANELS] = {0}, unplaced = 0, total = 0;
    collect(d, entries, n, &unplaced);
    double end = 10000; /* the longest window or measurement, up to the next 10 s */
    for (size_t p = 0; p < NPANELS; p++)
        for (size_t e = 0; e < n[p]; e++)
            for (size_t k = 0; k <= d->nsrc; k++) {
                json_t *c = k < d->nsrc ? measured_on(d, k, &entries[p][e]) : NULL;
                double ms = c ? (double)json_integer_value(json_object_get(
                                    json_object_get(c, "observed_value"), "seconds")) *
                                        1000 +
                                    500
                              : (double)entries[p][e].hi;
                end = ms > end ? ms : end;
            }
    axis_end_ms = ceil(end / 10000) * 10000;
    double row_h = (double)d->nsrc * LANE + 10 < 30 ? 30 : (double)d->nsrc * LANE + 10;
    double height = 58;
    for (size_t p = 0; p < NPANELS; p++) {
        total += n[p];
        height += n[p] ? 24 + (double)n[p] * row_h : 0;
    }
    fputs("<section id=\"timers\">\n<h2>Timers: measured against their windows</h2>\n", f);
    fprintf(f,
            "<p>Every duration the tests measure, per kernel (one lane each, in the legend's "
            "order), against the window the test expects (grey): %zu measurement%s, grouped by "
            "the state the socket was last seen in before it. The time axis changes its scale "
            "at 3 s (dashed); durations are recorded in whole seconds, so a mark spans n &plusmn; "
            "0.5 s; a mark outlined in "
            "red lies outside its window. %zu more (how long a call such as connect() or "
            "accept() blocked, with no socket state before it) are not drawn.</p>\n",
            total, total == 1 ? "" : "s", unplaced);
    if (total == 0) {
        fputs("</section>\n", f);
        return;
    }
    fprintf(f,
            "<svg class=\"timers\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"measured timers "
            "per kernel against their expected windows\">\n"
            "<style>.name{font:11px monospace;fill:#1a237e}.step{font:10px sans-serif;"
            "fill:#546e7a}.tick{font:10px sans-serif;fill:#546e7a;text-anchor:middle}"
            ".grid{stroke:#eceff1}.break{stroke:#90a4ae;stroke-dasharray:3 "
            "2}.band{fill:#fafafa}.window{fill:#dde5ee;stroke:#9fb3c8}"
            ".off{stroke:#b71c1c;stroke-width:1.5}.panel{font:bold 12px sans-serif;"
            "fill:#263238}.key{font:11px sans-serif;fill:#263238}</style>\n",
            WIDTH, height, WIDTH, height);
    double x = 6;
    for (size_t k = 0; k < d->nsrc; k++) { /* the legend: lane order = column order */
        const struct source *s = &d->src[d->order[k]];
        fprintf(f, "<rect x=\"%.0f\" y=\"6\" width=\"14\" height=\"6\" fill=\"%s\"/>", x,
                lane_colour[k % NCOLOURS]);
        label(f, x + 18, 13, "key", s->label, 24);
        fputc('\n', f);
        x += 28 + 7.0 * (double)strlen(s->label);
    }
    double y = 44;
    axis(f, 36, height - 4);
    for (size_t p = 0; p < NPANELS; p++) {
        if (!n[p])
            continue;
        fprintf(f, "<text x=\"6\" y=\"%.0f\" class=\"panel\">%s (%zu)</text>\n", y + 16,
                panel_states[p], n[p]);
        y += 24;
        for (size_t e = 0; e < n[p]; e++)
            y += entry_row(f, d, &entries[p][e], y, e % 2 == 1);
        free(entries[p]);
    }
    fputs("</svg>\n</section>\n", f);
}
