/* afterclose-report: the readable report of a results file.
 *
 *   afterclose-report [--tests LIST] [--expect LIST] [--deviations FILE]
 * [--verbose | --failures-only] [--color=WHEN] RESULTS.jsonl
 *
 * Prints the kernel, the interface kind the fixture used, the claims (tests) that
 * did not hold or crashed with what the kernel answered (errno by name), the broken
 * ones with their causes, the skipped ones grouped by reason, and the totals (view.c);
 * --verbose lists every claim,
 * --failures-only nothing but what did not hold. --deviations: the known deviations
 * (docs/known-deviations.md) seen (XFAIL, not a failure) and no longer seen (XPASS),
 * each group with its reason and link. --color=auto
 * (default: only on a terminal, and not when NO_COLOR is set), always or never.
 * --tests: every record must name a test of this list (`afterclose-suite
 * --afterclose-list`); --expect: and every test of this list must have exactly
 * one record (the run's selection). Exit status: 0 all held (skips allowed), 1
 * something did not hold, 3 nothing failed but a test was broken (the environment
 * could not set it up: the runner's AC_EXIT_BROKEN), 2 bad usage, a corrupt or
 * inconsistent results file (a test twice, an unknown or a missing test, an
 * interrupted run), or the report could not be written. */
#include "deviation.h"
#include "output.h"
#include "results.h"
#include "view.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Colour: 1, 0, or -1 for a WHEN that is none of auto, always, never. */
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

static const char *str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
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

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--tests LIST] [--expect LIST] [--deviations FILE] "
            "[--verbose | --failures-only] [--color=auto|always|never] "
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

/* Marks the known deviations, every entry checked against the suite's list when given. */
static bool apply_deviations(json_t *all, const char *path, const char *tests, const char *prog)
{
    char err[1024];
    json_t *known = tests ? ac_results_load_list(tests, err, sizeof err) : NULL;
    bool ok = (!tests || known) && ac_deviations_apply(path, all, known, err, sizeof err);
    if (!ok)
        fprintf(stderr, "%s: %s\n", prog, err);
    json_decref(known);
    return ok;
}

int main(int argc, char **argv)
{
    const char *tests = NULL, *expect = NULL, *path = NULL, *colour = "auto", *deviations = NULL;
    enum ac_view view = AC_VIEW_DEFAULT;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "--tests") || !strcmp(argv[i], "--expect")) && i + 1 < argc) {
            *(argv[i][2] == 't' ? &tests : &expect) = argv[i + 1];
            i++;
        } else if (!strcmp(argv[i], "--deviations") && i + 1 < argc) {
            deviations = argv[++i];
        } else if (!strcmp(argv[i], "--failures-only") || !strcmp(argv[i], "--verbose")) {
            enum ac_view v = argv[i][2] == 'f' ? AC_VIEW_FAILURES : AC_VIEW_VERBOSE;
            if (view != AC_VIEW_DEFAULT && view != v) {
                fprintf(stderr, "%s: --verbose and --failures-only exclude each other\n", argv[0]);
                return 2;
            }
            view = v;
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

    if (deviations && !apply_deviations(all, deviations, tests, argv[0])) {
        json_decref(all);
        return 2;
    }
    json_t *unsorted = all;
    all = sorted(unsorted);
    json_decref(unsorted);

    char kernels[256], kinds[64];
    distinct(all, "kernel", kernels, sizeof kernels);
    /* the run's one kind (the library refuses two): "none" is a test that set up no interface,
     * a harness test or one found broken before it started */
    ac_printable("none", kinds, sizeof kinds);
    for (size_t i = 0; i < json_array_size(all); i++)
        if (strcmp(str(json_array_get(all, i), "iface_kind"), "none"))
            ac_printable(str(json_array_get(all, i), "iface_kind"), kinds, sizeof kinds);
    printf("afterclose results: kernel %s, interface kind %s\n\n", kernels, kinds);

    struct ac_report_bad bad = ac_report_view(all, view, use_colour(colour) == 1);
    json_decref(all);
    if (!ac_output_done(stdout, argv[0], "stdout"))
        return 2; /* an unwritten report says nothing: never "every claim held" */
    return bad.failed ? 1 : bad.broken ? 3 : 0;
}
