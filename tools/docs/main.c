/* afterclose-docs: writes the generated docs into a directory (see docs.h).
 *   afterclose-docs --describe FILE --claims FILE [--topics FILE] [--host FILE]
 *                   [--matrix FILE] [--mutation FILE] [--coverage FILE]
 *                   [--results [LABEL=]FILE]... --out DIR
 * --coverage: the inventory of the close/bind surface (docs/coverage.json), written as
 * coverage.md.
 * Exit status: 0 docs written; 1 docs written but a claim is UNVERIFIED (listed on stderr);
 * 2 bad usage or input (a test without a description, a corrupt results file), or a file or
 * stdout could not be written: nothing trustworthy was written. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_RESULTS 64

struct args {
    const char *describe, *claims, *topics, *host, *matrix, *mutation, *coverage, *out;
    const char *results[MAX_RESULTS];
    int nresults;
};

static int usage(const char *what)
{
    fprintf(stderr,
            "afterclose-docs: %s\nusage: afterclose-docs --describe FILE --claims FILE "
            "[--topics FILE] [--host FILE] [--matrix FILE] [--mutation FILE] [--coverage FILE] "
            "[--results "
            "[LABEL=]FILE]... "
            "--out DIR\n",
            what);
    return 2;
}

static int parse(struct args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage("every option takes a value");
        const char *val = argv[++i];
        if (!strcmp(opt, "--describe"))
            a->describe = val;
        else if (!strcmp(opt, "--claims"))
            a->claims = val;
        else if (!strcmp(opt, "--topics"))
            a->topics = val;
        else if (!strcmp(opt, "--host"))
            a->host = val;
        else if (!strcmp(opt, "--matrix"))
            a->matrix = val;
        else if (!strcmp(opt, "--mutation"))
            a->mutation = val;
        else if (!strcmp(opt, "--coverage"))
            a->coverage = val;
        else if (!strcmp(opt, "--out"))
            a->out = val;
        else if (!strcmp(opt, "--results") && a->nresults < MAX_RESULTS)
            a->results[a->nresults++] = val;
        else
            return usage("unknown option or too many --results");
    }
    if (!a->describe || !a->claims || !a->out)
        return usage("--describe, --claims and --out are required");
    if (!a->host && !a->matrix && a->nresults == 0)
        return usage("no results: give --host, --matrix or --results");
    return 0;
}

static bool load(struct docs *d, const struct args *a)
{
    if (!load_describe(d, a->describe) || !load_claims(d, a->claims) ||
        !load_topics(d, a->topics) || !load_catches(d, a->mutation) ||
        !load_coverage(d, a->coverage))
        return false;
    if (a->host && !add_results(d, "host", a->host, true))
        return false;
    if (a->matrix && !add_matrix(d, a->matrix, a->host != NULL))
        return false;
    for (int i = 0; i < a->nresults; i++) {
        char *spec = strdup(a->results[i]);
        char *eq = strchr(spec, '=');
        if (eq)
            *eq = '\0';
        bool ok = add_results(d, eq ? spec : NULL, eq ? eq + 1 : spec, false);
        free(spec);
        if (!ok)
            return false;
    }
    d->order = column_order(d);
    return check_expectations(d);
}

static char *out_path(const char *dir, const char *name)
{
    char *p;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

int main(int argc, char **argv)
{
    struct args a = {0};
    int bad = parse(&a, argc, argv);
    if (bad)
        return bad;
    struct docs d = {0};
    if (!load(&d, &a)) {
        docs_free(&d);
        return 2;
    }
    if (mkdir(a.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "afterclose-docs: %s: cannot create\n", a.out);
        docs_free(&d);
        return 2;
    }
    char *expected = out_path(a.out, "expected-results.md");
    char *claims = out_path(a.out, "blog-claims.md");
    char *dot = out_path(a.out, "close-states.dot");
    char *html = out_path(a.out, "compat-matrix.html");
    char *coverage = out_path(a.out, "coverage.md");
    int unverified = 0;
    bool ok = write_expected(&d, expected) && write_claims(&d, claims, &unverified) &&
              write_states_dot(&d, dot) && write_matrix_html(&d, html) &&
              (!d.coverage || write_coverage_md(&d, coverage));
    if (ok) {
        printf("afterclose-docs: %zu tests, %zu claims (%d unverified), %zu kernel%s -> %s\n",
               json_array_size(d.tests), json_array_size(json_object_get(d.claims, "claims")),
               unverified, d.nsrc, d.nsrc == 1 ? "" : "s", a.out);
        ok = ac_output_done(stdout, "afterclose-docs", "stdout");
    }
    free(expected);
    free(claims);
    free(dot);
    free(html);
    free(coverage);
    docs_free(&d);
    return !ok ? 2 : unverified ? 1 : 0;
}
