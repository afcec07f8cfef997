/* afterclose-report: the readable report of a results file.
 *
 *   afterclose-report [--tests LIST] [--expect LIST] [--failures-only]
 * [--color=WHEN] RESULTS.jsonl
 *
 * Prints the kernel, the interface kind the fixture used, and per claim (test):
 * held / did not hold / skipped / crashed, with what the kernel answered (errno
 * by name). The claims that did not hold come first, then the others by name,
 * then the summary; --failures-only leaves out the others. --color=auto
 * (default: only on a terminal, and not when NO_COLOR is set), always or never.
 * --tests: every record must name a test of this list (`afterclose-suite
 * --afterclose-list`); --expect: and every test of this list must have exactly
 * one record (the run's selection). Exit status: 0 all held (skips allowed), 1
 * something did not hold, 2 bad usage, a corrupt or inconsistent results file
 * (a test twice, an unknown or a missing test, an interrupted run). */
#include "results.h"
#include "typed.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The verdict words' colours (ANSI), all "" without colour. */
static struct {
    const char *bad, *good, *skip, *off;
} paint = {"", "", "", ""};

static int use_colour(const char *when)
{
    if (!strcmp(when, "always"))
        return 1;
    if (!strcmp(when, "never"))
        return 0;
    if (strcmp(when, "auto") != 0)
        return -1;
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !(no && *no) && !(term && !strcmp(term, "dumb"));
}

static const char *verdict_colour(const char *v)
{
    return !strcmp(v, "pass") ? paint.good : !strcmp(v, "skip") ? paint.skip : paint.bad;
}

static const char *str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

static const char *verdict_words(const char *v)
{
    if (!strcmp(v, "pass"))
        return "held";
    if (!strcmp(v, "fail"))
        return "DID NOT HOLD";
    if (!strcmp(v, "skip"))
        return "skipped";
    return !strcmp(v, "crash") ? "CRASHED" : "TIMED OUT";
}

/* Distinct values of a field, comma-separated, in order of first appearance
 * (whole values: "6.1" is not already listed because "6.12.0" is). */
static void distinct(json_t *all, const char *key, char *out, size_t len)
{
    json_t *seen = json_object();
    out[0] = '\0';
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        char v[128];
        ac_printable(str(rec, key), v, sizeof v);
        if (!json_object_get(seen, v) && strlen(out) + strlen(v) + 3 < len) {
            json_object_set_new(seen, v, json_true());
            if (out[0])
                strcat(out, ", ");
            strcat(out, v);
        }
    }
    json_decref(seen);
}

static int by_test(const void *a, const void *b)
{
    return strcmp(str(*(json_t *const *)a, "test"), str(*(json_t *const *)b, "test"));
}

/* Records arrive in completion order (parallel workers); the report reads
 * better by name. */
static json_t *sorted(json_t *all)
{
    size_t n = json_array_size(all);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(all, i);
    qsort(v, n, sizeof *v, by_test);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    return out;
}

/* One scenario: the verdict, the test, and its claim as the kernel answered it (for a failure,
 * the first check that failed: a setup step that failed means the claim was never reached). */
static void print_claim(json_t *rec)
{
    const char *v = str(rec, "verdict");
    char claim[1024], name[256], reason[1024], step[512], exp[128], obs[128];
    ac_claim_text(rec, "observed", claim, sizeof claim);
    ac_printable(claim, claim, sizeof claim); /* values come from the file: one line each */
    ac_printable(str(rec, "test"), name, sizeof name);
    ac_printable(str(rec, "reason"), reason, sizeof reason);

    printf("  %s%-12s%s %s\n", verdict_colour(v), verdict_words(v), paint.off, name);
    json_t *bad = ac_first_failed(rec);
    if (!strcmp(v, "pass"))
        printf("               %s\n", *claim ? claim : "(no claim recorded)");
    else if (!strcmp(v, "skip"))
        printf("               %s\n", reason);
    else if (bad)
        printf("               %s: expected %s, observed %s\n               %s\n",
               ac_printable(str(bad, "step"), step, sizeof step),
               ac_printable(str(bad, "expected"), exp, sizeof exp),
               ac_printable(str(bad, "observed"), obs, sizeof obs), reason);
    else
        printf("               %s\n", reason);
}

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--tests LIST] [--expect LIST] [--failures-only] "
            "[--color=auto|always|never] "
            "RESULTS.jsonl\n",
            prog);
    return 2;
}

/* The record set must be exactly one run of known tests. Returns the number of
 * problems. */
static size_t check_identities(json_t *all, const char *path, const char *tests, const char *expect,
                               const char *prog)
{
    char err[512];
    json_t *index = ac_results_index(all, path, err, sizeof err);
    if (!index) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return 1;
    }
    size_t problems = 0;
    const char *lists[] = {tests, expect};
    for (int i = 0; i < 2; i++) {
        if (!lists[i])
            continue;
        json_t *known = ac_results_load_list(lists[i], err, sizeof err);
        if (!known) {
            fprintf(stderr, "%s: %s\n", prog, err);
            problems++;
            continue;
        }
        problems += ac_results_compare(index, known, i == 1, prog, path);
        json_decref(known);
    }
    json_decref(index);
    return problems;
}

int main(int argc, char **argv)
{
    const char *tests = NULL, *expect = NULL, *path = NULL, *colour = "auto";
    bool failures_only = false;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "--tests") || !strcmp(argv[i], "--expect")) && i + 1 < argc) {
            *(argv[i][2] == 't' ? &tests : &expect) = argv[i + 1];
            i++;
        } else if (!strcmp(argv[i], "--failures-only")) {
            failures_only = true;
        } else if (!strncmp(argv[i], "--color=", 8) || !strncmp(argv[i], "--colour=", 9)) {
            colour = strchr(argv[i], '=') + 1;
            if (use_colour(colour) < 0) {
                fprintf(stderr, "%s: --color takes auto, always or never\n", argv[0]);
                return 2;
            }
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(argv[0]);
            return 0;
        } else if (argv[i][0] == '-' || path) {
            return usage(argv[0]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage(argv[0]);
    char err[512];
    json_t *all = ac_results_load(path, err, sizeof err);
    if (!all) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
        return 2;
    }
    if (check_identities(all, path, tests, expect, argv[0])) {
        fprintf(stderr, "%s: %s does not hold exactly one run of this suite: no report\n", argv[0],
                path);
        json_decref(all);
        return 2;
    }

    json_t *unsorted = all;
    all = sorted(unsorted);
    json_decref(unsorted);

    char kernels[256], kinds[64];
    distinct(all, "kernel", kernels, sizeof kernels);
    distinct(all, "iface_kind", kinds, sizeof kinds);
    printf("afterclose results: kernel %s, interface kind %s\n\n", kernels, kinds);

    if (use_colour(colour) == 1)
        paint.bad = "\033[1;31m", paint.good = "\033[32m", paint.skip = "\033[33m",
        paint.off = "\033[0m";
    size_t held = 0, broken = 0, skipped = 0, i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        const char *v = str(rec, "verdict");
        held += !strcmp(v, "pass");
        skipped += !strcmp(v, "skip");
        broken += strcmp(v, "pass") && strcmp(v, "skip");
    }
    /* What did not hold first: on a long run it is what the reader is looking
     * for. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && failures_only)
            break;
        json_array_foreach(all, i, rec)
        {
            const char *v = str(rec, "verdict");
            bool bad = strcmp(v, "pass") && strcmp(v, "skip");
            if (bad != (pass == 0))
                continue;
            print_claim(rec);
        }
        if (pass == 0 && broken && !failures_only && held + skipped)
            putchar('\n');
    }
    if (failures_only && held + skipped)
        printf("%s(%zu held and %zu skipped not shown: --failures-only)\n", broken ? "\n" : "",
               held, skipped);
    putchar('\n');
    printf("%s%zu claims: %zu held, %zu did not hold, %zu skipped%s\n",
           broken ? paint.bad : paint.good, json_array_size(all), held, broken, skipped, paint.off);
    json_decref(all);
    return broken ? 1 : 0;
}
