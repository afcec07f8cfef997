/* afterclose-docs: the generated documentation (docs/generated/: expected-results.md,
 * blog-claims.md, close-states.dot, compat-matrix.html) from the tests' own descriptions
 * (afterclose-suite --afterclose-describe), the results the suite recorded on one or more
 * kernels, and the hand-written list of the blog's claims.
 *
 * Nothing in the output depends on the run beyond the host kernel's release, which is written
 * only on lines marked with AC_RUN_SPECIFIC so that ci/check-docs can normalise them. */
#ifndef AC_DOCS_H
#define AC_DOCS_H

#include "output.h"
#include "typed.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Marks a line whose content is expected to differ between runs (the host kernel's release). */
#define AC_RUN_SPECIFIC "<!-- run-specific -->"

/* One kernel's results. */
struct source {
    char *label;       /* the column's name: "host" for this run, a matrix series ("6.1") */
    char *release;     /* uname -r of that kernel */
    bool run_specific; /* the fresh run on this machine: its release is not part of the docs */
    bool host;         /* a run on this machine (--host, a matrix column of kind "host"), not a
                          kernel the matrix booted: the page shows it after those */
    json_t *recs;      /* test name -> result record (docs/results-format.md) */
};

struct docs {
    /* the describe array: {test, suite, description, suite_description, labels, timeout,
     * source: "suites/x.c:24", and where the definition states them expected: "EADDRINUSE",
     * grid: {state, reuse, address}} */
    json_t *tests;
    json_t *topics;   /* suite -> section title (docs/doc-topics.json), may be empty */
    json_t *claims;   /* the claims file (docs/blog-claims.json) */
    json_t *caught;   /* test -> the faults it caught (docs/generated/mutation-catches.json) */
    json_t *coverage; /* the inventory (docs/coverage.json, coverage.h); NULL: none given */
    struct source *src;
    size_t nsrc;
    size_t *order; /* the page's column order: indexes into src (columns.c) */
};

/* inputs.c: each returns false after printing one error line naming the file. */
bool load_describe(struct docs *d, const char *path);
bool load_topics(struct docs *d, const char *path);
bool load_claims(struct docs *d, const char *path);
/* docs/generated/mutation-catches.json (ci/mutation): {"tests": {test: [fault, ...]}};
 * path NULL: none. */
bool load_catches(struct docs *d, const char *path);
/* coverage_md.c: the inventory, checked against the described tests (loaded first); path NULL:
 * none. */
bool load_coverage(struct docs *d, const char *path);
/* A results JSONL file; label NULL means "the kernel field of its records". */
bool add_results(struct docs *d, const char *label, const char *path, bool run_specific);
/* docs/generated/compat-matrix.json (ci/matrix): one source per column that delivered results;
 * the column "host" is left out when skip_host (the fresh run on this machine replaces it; the
 * other host columns, such as host-userns, stay). */
bool add_matrix(struct docs *d, const char *path, bool skip_host);
/* The records the docs describe tests by must have checked what the tests' definitions expect
 * (else they are results of another build): false after one error line. */
bool check_expectations(const struct docs *d);
void docs_free(struct docs *d);

/* columns.c: the kernels the matrix booted by release (5.10, 6.1, 6.12, 7.x: by number, not
 * by string), then the host columns: a new array of nsrc indexes into d->src. */
size_t *column_order(const struct docs *d);
/* "6.12.118+deb13-cloud-amd64", "6.10" -> 6012 (major * 1000 + minor); -1 if not a release. */
int release_version(const char *release);

/* records.c: looking results up */
json_t *source_record(const struct source *s, const char *test);
const char *record_verdict(json_t *rec); /* "missing" without a record */
/* The record the docs describe a test by: the first source (this run first) that has one. */
json_t *reference_record(const struct docs *d, const char *test);
/* "host, 5.10, 6.1" for the sources where the test passed; "" when none. Caller frees. */
char *passed_on(const struct docs *d, const char *test);
/* The checks of a record that establish a TCP state ("state of X" and "X" gone). */
/* A check of kind "state" (results/typed.h): a TCP state, or a socket's absence, seen through
 * sock_diag. Whether it is the claim: ac_check_is_claim(). */
bool check_is_state(json_t *check);
const char *check_str(json_t *check, const char *key);
/* The record's first claim of that kind (a bind: the call AC_TEST_OUTCOME's result is of). */
json_t *claim_of_kind(json_t *rec, enum ac_kind kind);

/* text.c */
char *humanize(const char *test);       /* "timewait/rebind_same_addr_fails" -> "rebind same
                                           addr" (the outcome word dropped). Caller frees. */
char *without_ephemeral(const char *s); /* ":43512" -> ":<ephemeral>". Caller frees. */
void md_cell(FILE *f, const char *s);   /* escapes | and newlines for a Markdown table */
void html_text(FILE *f, const char *s); /* escapes &, <, >, " */
/* A generated file opened for writing; NULL, having said so, when it cannot be. The writer ends
 * it with ac_output_done(). */
FILE *open_output(const char *path);
const char *topic_title(const struct docs *d, const char *suite);
/* The suites in the order of docs/doc-topics.json, then any others in describe order: a new
 * array of strings. */
json_t *suite_order(const struct docs *d);

/* The outputs: each returns false after printing an error. */
bool write_expected(const struct docs *d, const char *path);
/* Writes blog-claims.md; *unverified counts the claims whose evidence did not pass. */
bool write_claims(const struct docs *d, const char *path, int *unverified);
bool write_states_dot(const struct docs *d, const char *path);
/* Whether the state graph has a transition of that name for a test's "proves" (states.c). */
bool state_edge_named(const char *name);
bool write_matrix_html(const struct docs *d, const char *path);
/* The page's parts (each writes one <section>): summary.c, "what changed, when": the claims
 * that differ between kernels, with each kernel's value and the commit where the test's
 * definition names it; timers_svg.c, the measured timers against their expected windows. */
void write_changes_html(FILE *f, const struct docs *d);
void write_timers_svg(FILE *f, const struct docs *d);
/* matrix_html.c: a kernel's <th> (its label, its release, with counts its passes), one line,
 * marked run-specific for this machine's fresh run; a value as a chip of a categorical colour,
 * never a verdict's green or red: OK and EADDRINUSE their own, any other value one chosen by
 * nth, the how-manieth distinct value of its row it is. */
void column_header(FILE *f, const struct docs *d, size_t src, bool counts);
void html_chip(FILE *f, const char *value, int nth);
/* How the kernels differ on a test: "claim", "timing", "setup" (results/typed.h's classes of the
 * worst pair of sources that have a record), "" when they agree (matrix_html.c). */
const char *differ_class(const struct docs *d, const char *test);
/* coverage.md, when an inventory was loaded. */
bool write_coverage_md(const struct docs *d, const char *path);
/* grid.c: the bind-conflict grid (per state of the existing socket: SO_REUSEADDR none / old /
 * new / both x same / other specific / wildcard address), in expected-results.md and the page;
 * a test's cell is its describe entry's "grid". */
/* The index of an axis' name ("old": 1; reuse false: the address, "wildcard": 2), -1 if none. */
int grid_axis(const char *name, bool reuse);
void write_conflict_grid_md(FILE *f, const struct docs *d);
void write_conflict_grid_html(FILE *f, const struct docs *d);
/* source.c: "suites/timewait.c#L24" from the describe entry's source (where the test's
 * definition, its table row, is). Caller frees. */
char *test_source_link(json_t *t);

#endif
