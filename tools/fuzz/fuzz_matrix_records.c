/* libFuzzer target, structure-aware: the matrix merge (tools/matrix) from generated columns.
 * The input drives fuzz_gen.c into one to three column directories (column.env with a fuzzed
 * status and values, results.jsonl of mostly well-formed records of that column's kernel), then
 * runs what `afterclose-matrix merge` runs: columns_load, table_build, render_md, render_json.
 * Checked besides memory errors and leaks: loaded columns always render; the Markdown has no
 * control character but newlines and every table row has its header's number of cells; the
 * JSON reads back with one row per table row and one column per column. */
#define _GNU_SOURCE
#include "../matrix/matrix.h"
#include "fuzz_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void column(struct fz *in, const char *dir, const char *id)
{
    static const char *const statuses[] = {"ok", "ok", "ok", "panic", "timeout", "crash"};
    char path[512], release[64];
    snprintf(path, sizeof path, "%s/%s", dir, id);
    if (mkdir(path, 0700) != 0)
        return; /* the same id twice: one column */
    snprintf(release, sizeof release, "%s.0-fuzz", id);
    char *env = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&env, &len);
    fprintf(f, "series=%s\nrelease=%s\nkind=%s\n", id, release,
            strcmp(id, "host") ? "qemu" : "host");
    if (!fz_chance(in, 8))
        fprintf(f, "status=%s\n", statuses[fz_pick(in, 6)]);
    static const char *const keys[] = {"package",    "version",  "accel",
                                       "suite_exit", "attempts", "seconds"};
    for (size_t k = 0; k < 6; k++) {
        if (fz_chance(in, 64))
            continue;
        char *t = fz_text(in, 3);
        /* a line break in a value starts a line of its own: column.env is line-based */
        fprintf(f, "%s=%s\n", keys[k], t);
        free(t);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/%s/column.env", dir, id);
    fz_put(path, env, len);
    free(env);
    if (fz_chance(in, 16))
        return; /* no results.jsonl */
    char *res = fz_results_file(in, fz_chance(in, 8) ? "other" : release, &len);
    snprintf(path, sizeof path, "%s/%s/results.jsonl", dir, id);
    fz_put(path, res, len);
    free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ids[] = {"5.10", "6.1", "6.12", "7", "host"};
    struct fz in = {data, size, false};
    const char *dir = fz_scratch("matrix-records");
    char cols[256], md[256], js[256];
    snprintf(cols, sizeof cols, "%s/cols", dir);
    snprintf(md, sizeof md, "%s/m.md", dir);
    snprintf(js, sizeof js, "%s/m.json", dir);
    if (mkdir(cols, 0700) != 0)
        abort();
    for (size_t n = 1 + fz_pick(&in, 3); n > 0; n--)
        column(&in, cols, ids[fz_pick(&in, 5)]);

    struct table t = {0};
    char *paths[] = {cols};
    if (columns_load(&t, paths, 1)) {
        if (!table_build(&t) || !render_md(&t, md) || !render_json(&t, js))
            __builtin_trap(); /* loaded columns must render */
        size_t len;
        char *text = fz_slurp(md, &len);
        if (!text || strlen(text) != len || !fz_no_control(text, false) ||
            !fz_md_tables_consistent(text))
            __builtin_trap(); /* a value broke the Markdown */
        free(text);
        json_error_t je;
        json_t *back = json_load_file(js, JSON_REJECT_DUPLICATES, &je);
        if (!back || json_array_size(json_object_get(back, "rows")) != t.nrows ||
            json_array_size(json_object_get(back, "columns")) != t.ncols)
            __builtin_trap(); /* the JSON lost a row or a column */
        json_decref(back);
    }
    table_free(&t);
    return 0;
}
