/* afterclose-report: the readable report of a results file.
 *
 *   afterclose-report RESULTS.jsonl
 *
 * Prints the kernel, the interface kind the fixture used, and per claim (test): held / did not
 * hold / skipped / crashed, with what the kernel answered (errno by name). Exit status: 0 all
 * held (skips allowed), 1 something did not hold, 2 bad usage or a corrupt results file. */
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

/* Distinct values of a field, comma-separated, in order of first appearance. */
static void distinct(json_t *all, const char *key, char *out, size_t len)
{
    out[0] = '\0';
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        const char *v = str(rec, key);
        if (!strstr(out, v) && strlen(out) + strlen(v) + 3 < len) {
            if (out[0])
                strcat(out, ", ");
            strcat(out, v);
        }
    }
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

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: %s RESULTS.jsonl\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", argv[0], argv[1], strerror(errno));
        return 2;
    }
    char err[512];
    json_t *all = ac_results_read(f, argv[1], err, sizeof err);
    fclose(f);
    if (!all) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
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
        char step[512];
        last_check(rec, step, sizeof step, &exp, &obs);

        printf("  %-12s %s\n", verdict_words(v), str(rec, "test"));
        if (!strcmp(v, "pass"))
            printf("               %s: %s\n", step, obs);
        else if (!strcmp(v, "skip"))
            printf("               %s\n", str(rec, "reason"));
        else
            printf("               %s: expected %s, observed %s\n               %s\n", step, exp,
                   obs, str(rec, "reason"));
        held += !strcmp(v, "pass");
        skipped += !strcmp(v, "skip");
        broken += strcmp(v, "pass") && strcmp(v, "skip");
    }
    printf("\n%zu claims: %zu held, %zu did not hold, %zu skipped\n", json_array_size(all), held,
           broken, skipped);
    json_decref(all);
    return broken ? 1 : 0;
}
