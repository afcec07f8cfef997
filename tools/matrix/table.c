/* The merged table: one row per scenario seen in any column, with how its kernels differ. */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"

#include <stdlib.h>
#include <string.h>

/* How two columns' cells of a test differ: a record only one of them has is a claim
 * difference (the scenario did not run, or was lost, on one kernel). */
static enum ac_diff cell_diff(const struct column *a, const struct column *b, const char *test)
{
    json_t *ra = cell_record(a, test), *rb = cell_record(b, test);

    if (!ra || !rb)
        return !ra && !rb ? AC_DIFF_NONE : AC_DIFF_CLAIM;
    return ac_records_diff(ra, rb);
}

/* The index of the check a reader of a differing row should look at: the first claim check
 * whose outcome or observed value differs between delivered columns, else the first check
 * that differs at all; -1 if none. */
static long focus_check(const struct table *t, const char *test)
{
    long first_any = -1;
    size_t i, k, n = (size_t)-1;
    json_t *a, *b;

    for (k = 0; k < t->ncols; k++) {
        a = json_object_get(cell_record(&t->cols[k], test), "checks");
        if (column_delivered(&t->cols[k]) && a && json_array_size(a) < n)
            n = json_array_size(a);
    }
    for (i = 0; n != (size_t)-1 && i < n; i++) {
        a = NULL;
        for (k = 0; k < t->ncols; k++) {
            if (!column_delivered(&t->cols[k]) || !cell_record(&t->cols[k], test))
                continue;
            b = json_array_get(json_object_get(cell_record(&t->cols[k], test), "checks"), i);
            if (!a) {
                a = b;
                continue;
            }
            if (json_equal(json_object_get(a, "observed_value"),
                           json_object_get(b, "observed_value")) &&
                json_equal(json_object_get(a, "ok"), json_object_get(b, "ok")))
                continue;
            if (ac_check_is_claim(a))
                return (long)i;
            if (first_any < 0)
                first_any = (long)i;
        }
    }
    return first_any;
}

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;

    if (x->diff != y->diff)
        return x->diff > y->diff ? -1 : 1;
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
            if (first == t->ncols) {
                first = j;
            } else {
                enum ac_diff d = cell_diff(&t->cols[first], &t->cols[j], test);
                if (d > r->diff)
                    r->diff = d;
            }
        }
    }
    json_decref(names);
    for (i = 0; i < t->nrows; i++)
        t->rows[i].focus = t->rows[i].diff ? focus_check(t, t->rows[i].test) : -1;
    qsort(t->rows, t->nrows, sizeof(*t->rows), row_cmp);
    return true;
}

size_t table_count(const struct table *t, enum ac_diff diff)
{
    size_t i, n = 0;

    for (i = 0; i < t->nrows; i++)
        n += t->rows[i].diff == diff;
    return n;
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
