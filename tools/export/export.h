/* The records of one or more results files (docs/results-format.md), ordered for KTAP and JUnit:
 * by suite, then by test name. A file holds one run: a test twice in it is refused, as the report
 * refuses it; a test in two files is shown twice, never merged into one verdict. */
#ifndef AC_EXPORT_H
#define AC_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

struct ac_suite {
    char *name;   /* "timewait" */
    size_t first; /* index of its first case in ac_export.cases */
    size_t n;     /* its cases */
};

struct ac_export {
    json_t **cases; /* the records (borrowed from `all`), sorted */
    size_t n;
    struct ac_suite *suites;
    size_t nsuites;
    json_t *all;    /* every record read */
    json_t *labels; /* test -> "root,slow" from --labels (afterclose-suite --afterclose-list) */
};

/* Reads a `--afterclose-list` file (name TAB labels TAB timeout) for the labels. */
bool ac_export_labels(struct ac_export *x, const char *prog, const char *path);
/* Reads every results file and orders the records; with only_listed, records of tests that
 * ac_export_labels did not list are left out (ctest's records file may hold the harness's own
 * tests next to the scenarios). On error prints one line "PROG: what" and returns false. */
bool ac_export_load(struct ac_export *x, const char *prog, char **files, int nfiles,
                    bool only_listed);
/* The same from records already read (an array; ac_export takes it over). */
bool ac_export_from(struct ac_export *x, json_t *all, const char *prog, bool only_listed);
/* --deviations PATH (results/deviation.h): marks the records that a known deviation decides,
 * every entry checked against the listed tests (ac_export_labels), else the records' own. On
 * error prints one line "PROG: what" and returns false. */
bool ac_export_deviations(struct ac_export *x, const char *prog, const char *path);

/* The writers (ktap_out.c, junit_out.c): the whole document to f. */
void ac_ktap_write(FILE *f, const struct ac_export *x);
void ac_junit_write(FILE *f, const struct ac_export *x);

/* One <testcase> of a JUnit document, whatever it was made from (records, or ctest's JUnit
 * merged with them: junit_ctest.c). The strings are owned by the case. */
enum ac_jkind { AC_JPASS, AC_JFAIL, AC_JERROR, AC_JSKIP };
struct ac_jcase {
    char *suite, *name; /* classname and name: "timewait", "rebind_same_addr_fails" */
    double time;
    enum ac_jkind kind;
    char *type;    /* of a failure or error: "fail", "crash", "broken", "notrun", ... */
    char *message; /* the one-line failure or error message; the skip reason */
    char *body;    /* the failure or error text (may be NULL) */
    char *out;     /* <system-out> (may be NULL) */
    size_t order;  /* keeps a repeated test's cases in run order */
};
struct ac_jdoc {
    struct ac_jcase *cases;
    size_t n;
    json_t *props; /* name -> value, in every <testsuite> (may be NULL) */
};
/* junit_doc.c: a new case for test "suite/name" (a name without '/' is its own suite). */
struct ac_jcase *ac_jdoc_add(struct ac_jdoc *d, const char *test, enum ac_jkind kind);
/* The document, one <testsuite> per suite, in the subset of JUnit that Jenkins' strict schemas
 * accept (properties only per suite, no skip count on <testsuites>, the reason as the text of
 * <skipped>). Sorts the cases. */
void ac_jdoc_write(FILE *f, struct ac_jdoc *d);
void ac_jdoc_free(struct ac_jdoc *d);
/* What a record says, for the document: the reason and every check, one per line. Caller frees. */
char *ac_checks_text(json_t *rec);
/* ctest's JUnit (FILE) merged with the records of the same run (junit_ctest.c): every ctest test
 * is a case with ctest's verdict, enriched by its record. On error prints one line "PROG: what"
 * and returns false. */
bool ac_junit_from_ctest(struct ac_jdoc *d, const struct ac_export *x, const char *prog,
                         const char *path);
void ac_export_free(struct ac_export *x);

const char *ac_str(json_t *rec, const char *key);                 /* "" when absent */
const char *ac_case_name(json_t *rec);                            /* the part after "suite/" */
const char *ac_labels_of(const struct ac_export *x, json_t *rec); /* "" when unknown */

/* What went wrong, in one line: the first check that did not hold ("bind 192.168.1.100:9999:
 * expected EADDRINUSE, observed OK"), else the reason, else the verdict; for a broken test
 * "broken: CAUSE". Caller frees. */
char *ac_problem(json_t *rec);

/* Counts over every case, each in one count: a known deviation's case (XFAIL, XPASS: see
 * results/deviation.h) in xfail or xpass, not in pass or fail. */
struct ac_counts {
    size_t pass, fail, skip, total; /* fail includes crash and timeout */
    size_t broken;                  /* the environment could not set them up: not in fail */
    size_t xfail, xpass;            /* a known deviation seen; one no longer seen (it held) */
};
/* A known deviation's mark for people: "xfail: REASON (LINK)" or "known deviation not seen:
 * REASON (LINK)", NULL when the record has none. Caller frees. */
char *ac_known_text(json_t *rec);
struct ac_counts ac_count(json_t **cases, size_t n);

/* The writers' command line (cli.c): options are NAME VALUE or a flag, then the operands. */
struct ac_export_opt {
    const char *name;   /* "--out" */
    const char **value; /* set to the next argument, or */
    bool *flag;         /* set to true */
};
struct ac_export_cli {
    const char *prog;                 /* "afterclose-ktap" */
    const char *usage;                /* "usage: afterclose-ktap [--out FILE] RESULTS.jsonl..." */
    const char *help;                 /* what --help prints after the usage line */
    const struct ac_export_opt *opts; /* ended by {NULL} */
    const char **enough;              /* when this option was given, no operand is needed */
};
/* The index of the first operand; 0 after --help (exit 0); -1 after one line "PROG: what" and
 * the usage on stderr (exit 2), also when there is no operand or --help could not be written. */
int ac_export_options(int argc, char **argv, const struct ac_export_cli *cli);
/* out, or stdout when NULL; NULL after "PROG: cannot write OUT: why". */
FILE *ac_export_open(const char *prog, const char *out);
/* Closes out (flushes stdout); false after "PROG: cannot write OUT: why". */
bool ac_export_close(const char *prog, FILE *f, const char *out);

/* Writes s on one line: control characters (newlines too, and U+0085, U+2028, U+2029: see
 * ac_unicode_break) become spaces. */
void ac_put_line(FILE *f, const char *s);

#endif
