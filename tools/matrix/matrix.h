/* Shared types of afterclose-matrix: columns (one kernel's run) and the merged table. */
#ifndef AFTERCLOSE_MATRIX_H
#define AFTERCLOSE_MATRIX_H

#include "typed.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* One kernel's run: the facts of column.env and the records of results.jsonl. */
struct column {
    char *id;     /* the result dir's name: the series ("6.1") or "host" */
    json_t *meta; /* column.env as an object of strings */
    json_t *recs; /* test name -> record object (a test twice is an error) */
    size_t nrecs; /* records read */
};

/* One scenario across the columns. */
struct row {
    const char *test;
    const char *expected; /* from the first column that has a record */
    enum ac_diff diff;    /* how the columns that delivered results differ (results/typed.h) */
    long focus;           /* index of the check where they differ (the first differing claim
                             check, else the first differing check), -1 if none: then the
                             cells show the claim */
};

struct table {
    struct column *cols;
    size_t ncols;
    struct row *rows;
    size_t nrows;
};

/* column.c (depends on nothing else here): load every column under the given paths (a column
 * dir, or a dir of them). On error prints one line to stderr and returns false. */
bool columns_load(struct table *t, char **paths, int npaths);
const char *meta_get(const struct column *c, const char *key);
bool column_delivered(const struct column *c);
/* the interface kinds the column's scenarios ran on ("veth", "dummy, veth"), "" if none */
void column_iface_kinds(const struct column *c, char *out, size_t len);
const char *rec_str(json_t *rec, const char *key);
/* the record of test in column c, NULL if the column has none */
json_t *cell_record(const struct column *c, const char *test);
/* pass/fail/skip/crash/timeout from the record, "missing" without one */
const char *cell_verdict(const struct column *c, const char *test);

/* table.c (depends on column.c): rows, each with how its kernels differ */
bool table_build(struct table *t);
/* rows of one class */
size_t table_count(const struct table *t, enum ac_diff diff);
void table_free(struct table *t);

/* render_md.c / render_json.c: write the matrix; false (after one error line) on failure */
bool render_md(const struct table *t, const char *path);
bool render_json(const struct table *t, const char *path);

/* main.c */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
