/* The merged table: one row per scenario seen in any column, cells looked up per column. */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"

#include <stdlib.h>
#include <string.h>

const char *rec_str(json_t *rec, const char *key)
{
    const char *v = json_string_value(json_object_get(rec, key));

    return v ? v : "";
}

json_t *cell_record(const struct column *c, const char *test)
{
    return json_object_get(c->recs, test);
}

const char *cell_verdict(const struct column *c, const char *test)
{
    json_t *rec = cell_record(c, test);

    return rec ? rec_str(rec, "verdict") : "missing";
}

/* Two cells agree when verdict and observed value are the same. */
static bool same_cell(const struct column *a, const struct column *b, const char *test)
{
    json_t *ra = cell_record(a, test), *rb = cell_record(b, test);

    if (!ra || !rb)
        return !ra && !rb;
    return !strcmp(rec_str(ra, "verdict"), rec_str(rb, "verdict")) &&
           !strcmp(rec_str(ra, "observed"), rec_str(rb, "observed"));
}

/* The first check index at which two delivered columns observed different values: where
 * a reader of a differing row should look (an fd number, a state, an errno). */
static long first_differing_check(const struct table *t, const char *test)
{
    json_t *a, *b;
    size_t i, j, k, n = (size_t)-1;

    for (j = 0; j < t->ncols; j++) {
        a = json_object_get(cell_record(&t->cols[j], test), "checks");
        if (json_array_size(a) < n)
            n = json_array_size(a);
    }
    for (i = 0; n != (size_t)-1 && i < n; i++) {
        a = NULL;
        for (k = 0; k < t->ncols; k++) {
            if (!column_delivered(&t->cols[k]) || !cell_record(&t->cols[k], test))
                continue;
            b = json_array_get(json_object_get(cell_record(&t->cols[k], test), "checks"), i);
            if (!a)
                a = b;
            else if (strcmp(rec_str(a, "observed"), rec_str(b, "observed")))
                return (long)i;
        }
    }
    return -1;
}

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;

    if (x->differs != y->differs)
        return x->differs ? -1 : 1;
    return strcmp(x->test, y->test);
}

bool table_build(struct table *t)
{
    json_t *names = json_object(), *rec;
    const char *test;
    size_t i, j, first;

    for (i = 0; i < t->ncols; i++)
        json_object_update(names, t->cols[i].recs);
    t->rows = calloc(json_object_size(names) + 1, sizeof(*t->rows));
    if (!t->rows) {
        json_decref(names);
        errorf("out of memory");
        return false;
    }
    /* the row's test strings live in the columns' record objects, which outlive the table */
    json_object_foreach(names, test, rec)
    {
        struct row *r = &t->rows[t->nrows++];

        r->test = rec_str(rec, "test");
        r->expected = "";
        for (i = 0; i < t->ncols && !*r->expected; i++) {
            if (cell_record(&t->cols[i], test))
                r->expected = rec_str(cell_record(&t->cols[i], test), "expected");
        }
        /* only columns that delivered results take part: a panicked kernel would
         * otherwise make every row "differ" */
        first = t->ncols;
        for (j = 0; j < t->ncols; j++) {
            if (!column_delivered(&t->cols[j]))
                continue;
            if (first == t->ncols)
                first = j;
            else if (!same_cell(&t->cols[first], &t->cols[j], test))
                r->differs = true;
        }
    }
    json_decref(names);
    for (i = 0; i < t->nrows; i++)
        t->rows[i].focus = t->rows[i].differs ? first_differing_check(t, t->rows[i].test) : -1;
    qsort(t->rows, t->nrows, sizeof(*t->rows), row_cmp);
    return true;
}

void table_free(struct table *t)
{
    size_t i;

    for (i = 0; i < t->ncols; i++) {
        free(t->cols[i].id);
        json_decref(t->cols[i].meta);
        json_decref(t->cols[i].recs);
    }
    free(t->cols);
    free(t->rows);
}
