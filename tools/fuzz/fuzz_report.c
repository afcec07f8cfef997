/* libFuzzer target, structure-aware: afterclose-report end to end. The input drives
 * fuzz_gen.c into a results file of mostly well-formed records (and, now and then, a --tests
 * and an --expect list), and the report's own main() runs on it, so everything it does with
 * records (identity checks, sorting, the kernel header, each claim's lines) is reached.
 * Checked besides memory errors and leaks: exit 0, 1, 2 or 3; nothing on stdout with 2; the
 * report has no control character but newlines, and its summary adds up and matches the exit
 * status. */
#define _GNU_SOURCE
#include "fuzz_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The report's main() under another name: this target calls it like the shell would. */
#define main afterclose_report_main
#include "../report/report.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --tests: the whole pool of names, now and then without one of them. */
static char *tests_list(struct fz *in)
{
    char *buf = NULL, *line;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fz_write_pool(f);
    fclose(f);
    if (fz_chance(in, 64) && (line = strstr(buf, fz_pick(in, 2) ? "demo/x\n" : "fds/c\n")))
        memset(line, '\n', strcspn(line, "\n"));
    return buf;
}

/* --expect: the tests the results file names (the run's selection), now and then one more. */
static char *expect_list(struct fz *in, const char *results)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    for (const char *line = results; *line;) {
        size_t n = strcspn(line, "\n");
        json_t *rec = json_loadb(line, n, 0, NULL);
        const char *t = json_string_value(json_object_get(rec, "test"));
        if (t && !strchr(t, '\n'))
            fprintf(f, "%s%s\n", t, fz_chance(in, 32) ? "\troot,slow" : "");
        json_decref(rec);
        line += n + (line[n] == '\n');
    }
    if (fz_chance(in, 32))
        fputs("demo/never_ran\n", f);
    fclose(f);
    return buf;
}

/* The report's stdout goes to a memory file, read back after each run. */
static int capture = -1, saved = -1;

static void capture_start(void)
{
    if (capture < 0 && (capture = memfd_create("report-stdout", 0)) < 0)
        abort();
    fflush(stdout);
    saved = dup(1);
    if (saved < 0 || ftruncate(capture, 0) != 0 || lseek(capture, 0, SEEK_SET) != 0 ||
        dup2(capture, 1) < 0)
        abort();
}

static char *capture_end(void)
{
    fflush(stdout);
    struct stat st;
    if (fstat(capture, &st) != 0)
        abort();
    char *out = calloc(1, (size_t)st.st_size + 1);
    if (pread(capture, out, (size_t)st.st_size, 0) != st.st_size || dup2(saved, 1) < 0)
        abort();
    close(saved);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz in = {data, size, false};
    const char *dir = fz_scratch("report");
    char results[256], tests[256], expect[256];
    snprintf(results, sizeof results, "%s/results.jsonl", dir);
    snprintf(tests, sizeof tests, "%s/tests.txt", dir);
    snprintf(expect, sizeof expect, "%s/expect.txt", dir);
    char *argv[8] = {"afterclose-report"};
    int argc = 1;
    size_t len;
    unsigned lists = fz_byte(&in) % 8; /* 5: --tests, 6: --expect, 7: both */
    char *file = fz_results_file(&in, "6.1.0-fuzz", &len);
    fz_put(results, file, len);
    if (lists == 5 || lists == 7) {
        char *l = tests_list(&in);
        fz_put(tests, l, strlen(l));
        free(l);
        argv[argc++] = "--tests";
        argv[argc++] = tests;
    }
    if (lists >= 6) {
        char *l = expect_list(&in, file);
        fz_put(expect, l, strlen(l));
        free(l);
        argv[argc++] = "--expect";
        argv[argc++] = expect;
    }
    free(file);
    argv[argc++] = results;

    capture_start();
    int rc = afterclose_report_main(argc, argv);
    char *out = capture_end();
    if (rc < 0 || rc > 3)
        __builtin_trap();
    if (rc == 2 && *out)
        __builtin_trap(); /* a refused file must not leave half a report */
    if (rc != 2) {
        if (!fz_no_control(out, false))
            __builtin_trap(); /* a value from the file reached the terminal raw */
        const char *last = strstr(out, "\n\n");
        size_t n, held, failed, broken = 0, skipped;
        int at = 0, more = 0;
        while (last && strstr(last + 1, "\n\n"))
            last = strstr(last + 1, "\n\n");
        const char *form = "\n\n%zu claims: %zu held, %zu did not hold%n";
        if (last && !strncmp(last, "\n\n1 claim:", 10))
            form = "\n\n%zu claim: %zu held, %zu did not hold%n"; /* the singular */
        if (!last || sscanf(last, form, &n, &held, &failed, &at) != 3)
            __builtin_trap(); /* no summary */
        /* the broken count, only where there is one */
        if (sscanf(last + at, ", %zu broken%n", &broken, &more) == 1)
            at += more;
        if (sscanf(last + at, ", %zu skipped", &skipped) != 1)
            __builtin_trap(); /* no summary */
        if (n != held + failed + broken + skipped || n == 0 || (rc == 1) != (failed > 0) ||
            (rc == 3) != (!failed && broken > 0))
            __builtin_trap(); /* the summary does not add up, or the exit status lies */
    }
    free(out);
    return 0;
}
