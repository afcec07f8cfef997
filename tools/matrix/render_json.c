/* docs/generated/compat-matrix.json: the same matrix for programs. Cells are keyed by column id
 * and carry their own expectation only where it differs from the row's (the first column's). */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *number_or_null(const char *s)
{
    char *end;
    double d;

    if (!*s)
        return json_null();
    d = strtod(s, &end);
    return *end ? json_string(s) : json_real(d);
}

static json_t *int_or_null(const char *s)
{
    char *end;
    long v;

    if (!*s)
        return json_null();
    v = strtol(s, &end, 10);
    return *end ? json_string(s) : json_integer(v);
}

static json_t *column_json(const struct column *c)
{
    json_t *o = json_pack("{s:s}", "id", c->id);

    char ifaces[64];

    json_object_update(o, c->meta);
    column_iface_kinds(c, ifaces, sizeof ifaces);
    json_object_set_new(o, "iface_kinds", json_string(ifaces));
    json_object_set_new(o, "suite_exit", int_or_null(meta_get(c, "suite_exit")));
    json_object_set_new(o, "attempts", int_or_null(meta_get(c, "attempts")));
    json_object_set_new(o, "seconds", number_or_null(meta_get(c, "seconds")));
    json_object_set_new(o, "records", json_integer((json_int_t)c->nrecs));
    return o;
}

/* A cell: the record's strings, its claim as observed, its key check (the first failed one,
 * else the first claim) and all its checks (tools/docs builds the expected-results pages and the
 * state graph from them). */
static json_t *cell_json(const struct column *c, const char *test, const char *row_expected)
{
    json_t *rec = cell_record(c, test), *checks, *chk, *key, *cell;
    char claim[512];
    size_t i;

    if (!rec)
        return json_pack("{s:s}", "verdict", "missing");
    checks = json_object_get(rec, "checks");
    key = ac_first_failed(rec);
    json_array_foreach(checks, i, chk)
    {
        if (!key && ac_check_is_claim(chk))
            key = chk;
    }
    ac_claim_text(rec, "observed", claim, sizeof claim);
    cell = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "verdict", rec_str(rec, "verdict"),
                     "observed", rec_str(rec, "observed"), "reason", rec_str(rec, "reason"),
                     "iface_kind", rec_str(rec, "iface_kind"), "claim", claim, "key_check",
                     key ? json_incref(key) : json_null(), "checks",
                     json_is_array(checks) ? json_incref(checks) : json_array());
    /* the suite's expectations may depend on the kernel: a cell names its own only when
     * it is not the row's */
    if (strcmp(rec_str(rec, "expected"), row_expected))
        json_object_set_new(cell, "expected", json_string(rec_str(rec, "expected")));
    /* --deviations: {as: xfail|xpass, reason, link, kernels} */
    if (json_object_get(rec, "known_deviation"))
        json_object_set(cell, "known_deviation", json_object_get(rec, "known_deviation"));
    return cell;
}

bool render_json(const struct table *t, const char *path)
{
    json_t *root = json_object(), *cols = json_array(), *rows = json_array(), *row, *cells;
    size_t i, j;

    for (j = 0; j < t->ncols; j++)
        json_array_append_new(cols, column_json(&t->cols[j]));
    for (i = 0; i < t->nrows; i++) {
        cells = json_object();
        for (j = 0; j < t->ncols; j++)
            json_object_set_new(cells, t->cols[j].id,
                                cell_json(&t->cols[j], t->rows[i].test, t->rows[i].expected));
        row = json_pack("{s:s, s:s, s:s, s:o}", "test", t->rows[i].test, "expected",
                        t->rows[i].expected, "difference", ac_diff_name(t->rows[i].diff), "cells",
                        cells);
        json_array_append_new(rows, row);
    }
    json_object_set_new(root, "schema", json_integer(AC_MATRIX_SCHEMA));
    json_object_set_new(root, "differences",
                        json_pack("{s:I, s:I, s:I, s:I}", "claim",
                                  (json_int_t)table_count(t, AC_DIFF_CLAIM), "setup",
                                  (json_int_t)table_count(t, AC_DIFF_SETUP), "timing",
                                  (json_int_t)table_count(t, AC_DIFF_TIMING), "same",
                                  (json_int_t)table_count(t, AC_DIFF_NONE)));
    json_object_set_new(root, "columns", cols);
    json_object_set_new(root, "rows", rows);
    /* Our own stream, not json_dump_file: the write is checked like every other (output.h). */
    FILE *f = fopen(path, "w");
    if (!f) {
        errorf("cannot write %s: %s", path, strerror(errno));
        json_decref(root);
        return false;
    }
    json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(root);
    return ac_output_done(f, "afterclose-matrix: error", path);
}
