/* afterclose-report: the readable report of a results file.
 *
 *   afterclose-report [--tests LIST] [--expect LIST] RESULTS.jsonl
 *
 * Prints the kernel, the interface kind the fixture used, and per claim (test): held / did not
 * hold / skipped / crashed, with what the kernel answered (errno by name). --tests: every record
 * must name a test of this list (`afterclose-suite --afterclose-list`); --expect: and every test
 * of this list must have exactly one record (the run's selection). Exit status: 0 all held
 * (skips allowed), 1 something did not hold, 2 bad usage, a corrupt or inconsistent results
 * file (a test twice, an unknown or a missing test, an interrupted run). */
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

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

/* The claim's own answer: the last check is the probe the test exists for (earlier ones confirm
 * the starting state); a trailing "listen" belongs to the bind before it, so both are shown. */
static void last_check(json_t *rec, char *step, size_t len, const char **expected,
                       const char **observed)
{
    json_t *checks = json_object_get(rec, "checks");
    size_t n = json_array_size(checks);
    json_t *last = json_array_get(checks, n - 1);
    json_t *before = n >= 2 ? json_array_get(checks, n - 2) : NULL;
    *expected = last ? str(last, "expected") : "";
    *observed = last ? str(last, "observed") : "";
    if (!last)
        snprintf(step, len, "(no checks recorded)");
    else if (before && !strcmp(str(last, "step"), "listen"))
        snprintf(step, len, "%s: %s, then listen", str(before, "step"), str(before, "observed"));
    else
        snprintf(step, len, "%s", str(last, "step"));
}

/* Distinct values of a field, comma-separated, in order of first appearance (whole values:
 * "6.1" is not already listed because "6.12.0" is). */
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

/* Records arrive in completion order (parallel workers); the report reads better by name. */
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
    fprintf(stderr, "usage: %s [--tests LIST] [--expect LIST] RESULTS.jsonl\n", prog);
    return 2;
}

/* The record set must be exactly one run of known tests. Returns the number of problems. */
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
    const char *tests = NULL, *expect = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "--tests") || !strcmp(argv[i], "--expect")) && i + 1 < argc) {
            *(argv[i][2] == 't' ? &tests : &expect) = argv[i + 1];
            i++;
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

    size_t held = 0, broken = 0, skipped = 0, i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        const char *v = str(rec, "verdict"), *exp, *obs;
        char step[512], name[256], reason[1024];
        char exp_shown[128], obs_shown[128];
        last_check(rec, step, sizeof step, &exp, &obs);
        ac_printable(step, step, sizeof step); /* values come from the file: one line each */
        exp = ac_printable(exp, exp_shown, sizeof exp_shown);
        obs = ac_printable(obs, obs_shown, sizeof obs_shown);
        ac_printable(str(rec, "test"), name, sizeof name);
        ac_printable(str(rec, "reason"), reason, sizeof reason);

        printf("  %-12s %s\n", verdict_words(v), name);
        if (!strcmp(v, "pass"))
            printf("               %s: %s\n", step, obs);
        else if (!strcmp(v, "skip"))
            printf("               %s\n", reason);
        else
            printf("               %s: expected %s, observed %s\n               %s\n", step, exp,
                   obs, reason);
        held += !strcmp(v, "pass");
        skipped += !strcmp(v, "skip");
        broken += strcmp(v, "pass") && strcmp(v, "skip");
    }
    printf("\n%zu claims: %zu held, %zu did not hold, %zu skipped\n", json_array_size(all), held,
           broken, skipped);
    json_decref(all);
    return broken ? 1 : 0;
}
