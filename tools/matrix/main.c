/* afterclose-matrix merge --md FILE --json FILE [--deviations FILE] RESULT_DIR...
 *
 * Reads the result dirs that ci/matrix leaves (column.env + results.jsonl per kernel) and
 * writes the compatibility matrix. Any bad input (a results file that is not JSON Lines,
 * a record without its fields, a dir that is no result dir) is one error line and exit 1:
 * a matrix built from half-read results would look more certain than it is. A file or stdout
 * that cannot be written is exit 2: the environment failed, not the input. With --deviations
 * (docs/known-deviations.md) a cell whose record shows a known deviation carries its mark
 * ("known_deviation" in the JSON, XFAIL or XPASS in the Markdown); a bad file is exit 1. */
#include "deviation.h"
#include "matrix.h"
#include "output.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void errorf(const char *fmt, ...)
{
    va_list ap;

    fputs("afterclose-matrix: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* One closing line over all cells, in the "N passed, N failed" form CI logs are read for.
 * failed: fail, crash, timeout, and a scenario missing from a kernel's run; broken (the machine
 * could not set it up) counted apart, where there is one. */
static void print_summary(const struct table *t)
{
    size_t i, j, pass = 0, fail = 0, skip = 0, broken = 0;
    const char *v;

    for (i = 0; i < t->nrows; i++) {
        for (j = 0; j < t->ncols; j++) {
            v = cell_verdict(&t->cols[j], t->rows[i].test);
            if (!strcmp(v, "pass"))
                pass++;
            else if (!strcmp(v, "skip"))
                skip++;
            else if (!strcmp(v, "broken"))
                broken++;
            else
                fail++;
        }
    }
    printf("matrix: %zu passed, %zu failed, ", pass, fail);
    if (broken)
        printf("%zu broken, ", broken);
    printf("%zu skipped\n", skip);
}

/* Marks the records of every column (the same objects the cells are made from). */
static bool mark_deviations(struct table *t, const char *path)
{
    json_t *all = json_array(), *rec;
    const char *test;
    char err[1024];
    for (size_t j = 0; j < t->ncols; j++)
        json_object_foreach(t->cols[j].recs, test, rec) json_array_append(all, rec);
    bool ok = ac_deviations_apply(path, all, NULL, err, sizeof err);
    if (!ok)
        errorf("%s", err);
    json_decref(all);
    return ok;
}

static int usage(void)
{
    fputs("usage: afterclose-matrix merge --md FILE --json FILE [--deviations FILE] "
          "RESULT_DIR...\n"
          "  RESULT_DIR: one column (a dir with column.env and results.jsonl) or a dir of them\n",
          stdout);
    return ac_output_done(stdout, "afterclose-matrix: error", "stdout") ? 0 : 2;
}

int main(int argc, char **argv)
{
    const char *md = NULL, *json = NULL, *deviations = NULL;
    struct table t = {0};
    int i, ok;

    if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
        return usage();
    if (argc < 2 || strcmp(argv[1], "merge")) {
        errorf("unknown command '%s' (see --help)", argc < 2 ? "" : argv[1]);
        return 2;
    }
    for (i = 2; i < argc && argv[i][0] == '-'; i++) {
        if ((!strcmp(argv[i], "--md") || !strcmp(argv[i], "--json")) && i + 1 < argc) {
            *(argv[i][2] == 'm' ? &md : &json) = argv[i + 1];
            i++;
        } else if (!strcmp(argv[i], "--deviations") && i + 1 < argc) {
            deviations = argv[++i];
        } else {
            errorf("unknown option '%s' (see --help)", argv[i]);
            return 2;
        }
    }
    if (!md || !json || i == argc) {
        errorf("merge needs --md FILE, --json FILE and at least one result dir (see --help)");
        return 2;
    }
    ok = columns_load(&t, argv + i, argc - i) && table_build(&t) &&
         (!deviations || mark_deviations(&t, deviations));
    bool written = ok && render_md(&t, md) && render_json(&t, json);
    if (written) {
        print_summary(&t);
        written = ac_output_done(stdout, "afterclose-matrix: error", "stdout");
    }
    table_free(&t);
    return !ok ? 1 : written ? 0 : 2;
}
