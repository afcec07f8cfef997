/* libFuzzer target: the matrix merge's column reader and table (tools/matrix) on arbitrary
 * bytes. The input is one column directory: column.env, a NUL byte, results.jsonl (no NUL: all
 * of it is results.jsonl under a fixed column.env). The loader takes paths, so each input is
 * written to a scratch directory first. */
#define _GNU_SOURCE
#include "../matrix/matrix.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* main.c's error printer, which the fuzzer does not link: formatted (so bad format arguments
 * would show), not printed. */
void errorf(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
}

static const char fixed_env[] = "series=6.1\nrelease=6.1.0-56-cloud-amd64\nkind=qemu\nstatus=ok\n";

static void put(const char *dir, const char *name, const void *bytes, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort(); /* the scratch directory itself is broken: not a finding about the input */
    if (len)
        fwrite(bytes, 1, len, f);
    fclose(f);
}

static char col[64];

/* The scratch directory goes when the process ends (each replay or fuzzing run makes one). */
static void remove_scratch(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/column.env", col);
    unlink(path);
    snprintf(path, sizeof path, "%s/results.jsonl", col);
    unlink(path);
    rmdir(col);
    *strrchr(col, '/') = '\0';
    rmdir(col);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!col[0]) {
        char base[] = "/tmp/afterclose-fuzz-matrix.XXXXXX";
        if (!mkdtemp(base))
            abort();
        snprintf(col, sizeof col, "%s/6.1", base);
        if (mkdir(col, 0700) != 0)
            abort();
        atexit(remove_scratch);
    }
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul) {
        put(col, "column.env", data, (size_t)(nul - data));
        put(col, "results.jsonl", nul + 1, size - (size_t)(nul - data) - 1);
    } else {
        put(col, "column.env", fixed_env, strlen(fixed_env));
        put(col, "results.jsonl", data, size);
    }
    struct table t = {0};
    char path[64];
    snprintf(path, sizeof path, "%s", col);
    char *paths[] = {path};
    if (columns_load(&t, paths, 1))
        table_build(&t);
    table_free(&t);
    return 0;
}
