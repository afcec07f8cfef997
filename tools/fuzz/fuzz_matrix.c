/* libFuzzer target: the matrix merge's column reader and table (tools/matrix) on arbitrary
 * bytes. The input is one column directory: column.env, a NUL byte, results.jsonl (no NUL: all
 * of it is results.jsonl under a fixed column.env). The loader takes paths, so each input is
 * written to a scratch directory first. */
#define _GNU_SOURCE
#include "../matrix/matrix.h"
#include "fuzz_gen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed_env[] = "series=6.1\nrelease=6.1.0-56-cloud-amd64\nkind=qemu\nstatus=ok\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char col[256], env[300], results[300];
    snprintf(col, sizeof col, "%s/6.1", fz_scratch("matrix"));
    snprintf(env, sizeof env, "%s/column.env", col);
    snprintf(results, sizeof results, "%s/results.jsonl", col);
    if (mkdir(col, 0700) != 0)
        abort();
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul) {
        fz_put(env, data, (size_t)(nul - data));
        fz_put(results, nul + 1, size - (size_t)(nul - data) - 1);
    } else {
        fz_put(env, fixed_env, strlen(fixed_env));
        fz_put(results, data, size);
    }
    struct table t = {0};
    char *paths[] = {col};
    if (columns_load(&t, paths, 1))
        table_build(&t);
    table_free(&t);
    return 0;
}
