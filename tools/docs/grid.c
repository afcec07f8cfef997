/* The bind-conflict grid: the question people ask of the conflict suite, "what happens if I bind
 * X while a socket in state Y holds the port". One small table per state of the existing socket:
 * rows SO_REUSEADDR on none / old / new / both, columns the same address, another specific
 * address and the wildcard; a cell is what bind() (and listen(), when bind succeeded) returned,
 * on every kernel, with cross-kernel differences marked. A test's cell is what its definition
 * says (its describe entry's "grid"); what the kernel did comes from the records' checks. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

/* The axes' names in the describe output (runner/runner.c), in the grid's order. */
static const char *const reuse_name[] = {"none", "old", "new", "both"};
static const char *const where_name[] = {"same", "other", "wildcard"};
static const char *const reuse_label[] = {"none", "old only", "new only", "both"};
static const char *const where_label[] = {"same address 192.168.1.100:9999",
                                          "other specific 127.0.0.1:9999", "wildcard 0.0.0.0:9999"};
/* The page's narrower headers: the address alone. */
static const char *const where_short[] = {"same<br>192.168.1.100", "other<br>127.0.0.1",
                                          "wildcard<br>0.0.0.0"};
#define NREUSE 4
#define NWHERE 3

int grid_axis(const char *name, bool reuse)
{
    const char *const *names = reuse ? reuse_name : where_name;
    for (int i = 0; name && i < (reuse ? NREUSE : NWHERE); i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* The test's cell from its describe entry: false when it is not one (inputs.c checked the
 * names). */
static bool cell_of(json_t *t, const char **state, int *r, int *w)
{
    json_t *grid = json_object_get(t, "grid");
    *state = json_string_value(json_object_get(grid, "state"));
    *r = grid_axis(json_string_value(json_object_get(grid, "reuse")), true);
    *w = grid_axis(json_string_value(json_object_get(grid, "address")), false);
    return *state && *r >= 0 && *w >= 0;
}

/* What the kernel did in one record: its claim bind's answer, "EADDRINUSE", or "OK, listen OK";
 * NULL without one (missing, skipped). Caller frees. */
static char *outcome(json_t *rec)
{
    const char *v = record_verdict(rec);
    if (strcmp(v, "pass") != 0 && strcmp(v, "fail") != 0)
        return NULL;
    json_t *checks = json_object_get(rec, "checks");
    const char *bind = NULL, *listen = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        if (!ac_check_is_claim(c))
            continue;
        if (ac_kind_from_name(check_str(c, "kind")) == AC_KIND_BIND) {
            bind = check_str(c, "observed");
            listen = NULL;
        } else if (bind && ac_kind_from_name(check_str(c, "kind")) == AC_KIND_LISTEN) {
            listen = check_str(c, "observed");
        }
    }
    if (!bind)
        return NULL;
    char *out;
    if (asprintf(&out, "%s%s%s", bind, listen ? ", listen " : "", listen ? listen : "") < 0)
        return NULL;
    return out;
}

struct cell {
    const char *test;
    char *text[64]; /* per source, NULL: no result there */
    bool differs;   /* two kernels gave different results */
};

struct grid {
    const char *state; /* the describe entry's */
    struct cell cells[NREUSE][NWHERE];
};

static void fill(const struct docs *d, struct cell *c)
{
    const char *first = NULL;
    for (size_t k = 0; k < d->nsrc && k < 64; k++) {
        c->text[k] = outcome(source_record(&d->src[k], c->test));
        if (!c->text[k])
            continue;
        if (first && strcmp(first, c->text[k]) != 0)
            c->differs = true;
        if (!first)
            first = c->text[k];
    }
}

/* The grids, one per state in the order the tests are listed; *n of them. Free with
 * grids_free. */
static struct grid *grids(const struct docs *d, size_t *n)
{
    struct grid *g = NULL;
    *n = 0;
    size_t i;
    json_t *t;
    json_array_foreach(d->tests, i, t)
    {
        const char *test = json_string_value(json_object_get(t, "test")), *state;
        int r, w;
        if (!cell_of(t, &state, &r, &w))
            continue;
        size_t k = 0;
        while (k < *n && strcmp(g[k].state, state) != 0)
            k++;
        if (k == *n) {
            g = realloc(g, (*n + 1) * sizeof *g);
            memset(&g[k], 0, sizeof *g);
            g[k].state = state;
            (*n)++;
        }
        g[k].cells[r][w].test = test;
    }
    for (size_t k = 0; k < *n; k++)
        for (int r = 0; r < NREUSE; r++)
            for (int w = 0; w < NWHERE; w++)
                if (g[k].cells[r][w].test)
                    fill(d, &g[k].cells[r][w]);
    return g;
}

static void grids_free(struct grid *g, size_t n, size_t nsrc)
{
    for (size_t k = 0; k < n; k++)
        for (int r = 0; r < NREUSE; r++)
            for (int w = 0; w < NWHERE; w++)
                for (size_t s = 0; s < nsrc && s < 64; s++)
                    free(g[k].cells[r][w].text[s]);
    free(g);
}

/* The cell's text: one value when every kernel agrees, else "label: value" per kernel (in the
 * page's column order). */
static void cell_text(FILE *f, const struct docs *d, const struct cell *c, bool html,
                      const char *sep)
{
    if (!c->test) {
        fputs("(no test)", f);
        return;
    }
    bool any = false;
    for (size_t i = 0; i < d->nsrc && i < 64; i++) {
        size_t k = d->order[i];
        if (k >= 64 || !c->text[k])
            continue;
        if (!c->differs) {
            html ? html_chip(f, c->text[k], 0) : md_cell(f, c->text[k]);
            return;
        }
        fputs(any ? sep : "", f);
        fprintf(f, "%s: ", d->src[k].label);
        html ? html_chip(f, c->text[k], 0) : md_cell(f, c->text[k]);
        any = true;
    }
    if (!any)
        fputs("(no result)", f);
}

void write_conflict_grid_md(FILE *f, const struct docs *d)
{
    size_t n;
    struct grid *g = grids(d, &n);
    if (n == 0) {
        free(g);
        return;
    }
    fputs("### The grid: what bind() and listen() return while the port is held\n\n"
          "One table per state of the existing socket on 192.168.1.100:9999. Rows: which "
          "socket set SO_REUSEADDR (the existing one is *old*, the one binding is *new*); "
          "columns: the address the new socket binds. A cell is what bind() returned, then "
          "listen() when bind() succeeded, on every kernel of the results; **≠** marks a cell "
          "where kernels differ (each kernel's result is given). The rows of the table below "
          "are the tests behind each cell.\n",
          f);
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "\n#### Existing socket: `%s`\n\n| SO_REUSEADDR |", g[k].state);
        for (int w = 0; w < NWHERE; w++)
            fprintf(f, " %s |", where_label[w]);
        fputs("\n| --- | --- | --- | --- |\n", f);
        for (int r = 0; r < NREUSE; r++) {
            fprintf(f, "| %s |", reuse_label[r]);
            for (int w = 0; w < NWHERE; w++) {
                const struct cell *c = &g[k].cells[r][w];
                fputs(c->differs ? " **≠** " : " ", f);
                cell_text(f, d, c, false, "<br>");
                fputs(" |", f);
            }
            fputc('\n', f);
        }
    }
    grids_free(g, n, d->nsrc);
}

void write_conflict_grid_html(FILE *f, const struct docs *d)
{
    size_t n;
    struct grid *g = grids(d, &n);
    if (n == 0) {
        free(g);
        return;
    }
    fputs("<section id=\"grid\">\n<details open>\n<summary><h2>Bind-conflict grid</h2></summary>\n"
          "<p>What bind() (then listen(), "
          "when bind() succeeded) returns while a socket in the given state holds "
          "192.168.1.100:9999. Rows: which socket set SO_REUSEADDR (<i>old</i>: the existing "
          "one, <i>new</i>: the one binding); columns: the address bound. A framed cell "
          "(&ne;) differs between kernels; with \"only rows where kernels differ\" only such "
          "states stay. Click a cell for its test.</p>\n<div class=\"grids\">\n",
          f);
    for (size_t k = 0; k < n; k++) {
        bool any = false;
        for (int r = 0; r < NREUSE; r++)
            for (int w = 0; w < NWHERE; w++)
                any |= g[k].cells[r][w].differs;
        /* bind() and listen() are the claim: a difference here is of class "claim" */
        fprintf(f, "<table class=\"grid\" data-differs=\"%s\">\n<caption>existing: <code>",
                any ? "claim" : "");
        html_text(f, g[k].state);
        fputs("</code></caption>\n<tr><th>SO_REUSEADDR<br>old / new</th>", f);
        for (int w = 0; w < NWHERE; w++)
            fprintf(f, "<th>%s</th>", where_short[w]); /* constant markup */
        fputs("</tr>\n", f);
        for (int r = 0; r < NREUSE; r++) {
            fprintf(f, "<tr><th>%s</th>", reuse_label[r]);
            for (int w = 0; w < NWHERE; w++) {
                const struct cell *c = &g[k].cells[r][w];
                const char *first = NULL;
                for (size_t s = 0; s < d->nsrc && s < 64 && !first; s++)
                    first = c->text[s];
                fprintf(f, "<td class=\"%s%s\">", first ? "value" : "missing",
                        c->differs ? " differs" : "");
                if (c->test) {
                    fputs("<a href=\"#t-", f);
                    html_text(f, c->test);
                    fputs("\">", f);
                }
                fputs(c->differs ? "&ne; " : "", f);
                cell_text(f, d, c, true, "<br>");
                fputs(c->test ? "</a></td>" : "</td>", f);
            }
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("</div>\n</details>\n</section>\n", f);
    grids_free(g, n, d->nsrc);
}
