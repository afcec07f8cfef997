/* What a recorded check means, as data (docs/results-format.md, schema 3).
 *
 * Every check a scenario records says what kind of answer it is (the result of bind(), a TCP
 * state, an fd number, ...), whether it is the scenario's claim or the setup that brings the
 * kernel to the starting state, which socket or address it is about, and its expected and
 * observed values as typed values. The harness writes these; the readers validate them with the
 * same tables; the report, the matrix and the docs read them instead of the step's prose. */
#ifndef AC_TYPED_H
#define AC_TYPED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* 3: a results file is a sealed set (set.h); 2: records without header or seal; 1: untyped. */
#define AC_RESULTS_SCHEMA 3
/* The matrix file (compat-matrix.json): its cells hold the records' fields, which schema 3 did
 * not change; the framing of a results file is not in it. */
#define AC_MATRIX_SCHEMA 2

enum ac_kind {
    AC_KIND_BIND,    /* bind()'s errno */
    AC_KIND_LISTEN,  /* listen()'s errno */
    AC_KIND_CONNECT, /* connect()'s errno */
    AC_KIND_ACCEPT,  /* accept()'s errno */
    AC_KIND_IO,      /* read/write/send/recv: errno, or what was read */
    AC_KIND_STATE,   /* a TCP state seen through sock_diag, or the socket's absence */
    AC_KIND_FD,      /* a file descriptor number */
    AC_KIND_TIMER,   /* a timer's kind or a measured lifetime */
    AC_KIND_COUNT,   /* how many sockets, connections or events */
    AC_KIND_ADDRESS, /* a bound or resolved address */
    AC_KIND_SOCKOPT, /* a socket option's value */
    AC_KIND_FILE,    /* whether a file still refers to a socket (its inode) */
    AC_KIND_SYSCTL,  /* a namespace sysctl's value */
    AC_KIND_PACKET,  /* a field of a segment the kernel sent */
    AC_KIND_SIGNAL,  /* a signal raised by a call */
    AC_KIND_UID,     /* the test process's user id, as the kernel reports it */
    AC_KIND_N
};

enum ac_role {
    AC_ROLE_SETUP, /* brings the kernel to the scenario's starting state, or observes it */
    AC_ROLE_CLAIM, /* what the scenario proves */
    AC_ROLE_N
};

/* "bind", "setup", ...; NULL out of range. */
const char *ac_kind_name(enum ac_kind kind);
const char *ac_role_name(enum ac_role role);
/* The inverses; -1 for a name the schema does not know. */
int ac_kind_from_name(const char *name);
int ac_role_from_name(const char *name);

/* Typed values, each an object with one field that names its type:
 *   {"errno": 98, "name": "EADDRINUSE"}     0 is {"errno": 0, "name": "OK"}
 *   {"state": "TIME_WAIT"}                  a TCP state, "absent" or "present"
 *   {"int": 5}
 *   {"range_ms": [55000, 60000]}            an expected duration
 *   {"seconds": 60}                         an observed duration, whole seconds
 *   {"text": "127.0.0.1:9999"}              anything else
 * The constructors return a new reference. */
json_t *ac_value_errno(int err);
json_t *ac_value_state(const char *state);
json_t *ac_value_int(long v);
json_t *ac_value_range_ms(long lo_ms, long hi_ms);
json_t *ac_value_seconds(long ms);
json_t *ac_value_text(const char *text);

/* True when v is one of the values above (an errno whose name matches its number, a known state
 * name); otherwise false with the reason in why. */
bool ac_value_valid(json_t *v, char *why, size_t len);

/* The type of a valid value: "errno", "state", "int", "range_ms", "seconds" or "text". */
const char *ac_value_type(json_t *v);

/* Whether a check has the role "claim". */
bool ac_check_is_claim(json_t *check);

/* How many of these checks have the role "claim". */
size_t ac_claim_count(json_t *checks);

/* What a record claims, for people: its claim checks as "step → value" joined with "; ", the
 * value from `field` ("expected" or "observed"), e.g. "bind 0.0.0.0:9999 → EADDRINUSE". "" when
 * the record has no claim check. Values are shown as recorded: callers escape for their output. */
void ac_claim_text(json_t *rec, const char *field, char *out, size_t len);

/* The record's first check whose "ok" is false, NULL if none failed. */
json_t *ac_first_failed(json_t *rec);

/* How two records of one scenario on two kernels differ, from the typed checks:
 *   NONE   same verdict, same checks, same observed values;
 *   TIMING only durations differ, each within its expected range;
 *   SETUP  only setup checks differ (e.g. whether sock_diag dumps bound-only sockets), or the
 *          scenario was skipped or broken on one kernel (it could not be observed there);
 *   CLAIM  the verdict (pass, fail, crash, timeout), or a claim check's outcome or observed
 *          value, differs. */
enum ac_diff { AC_DIFF_NONE, AC_DIFF_TIMING, AC_DIFF_SETUP, AC_DIFF_CLAIM };
enum ac_diff ac_records_diff(json_t *a, json_t *b);
/* The same, telling fn about each pair of checks (by position) that differs and how: x is a's
 * check, y b's; one of them NULL for a check only one record has. With fn the checks are walked
 * even when the verdicts differ (what each kernel saw on the way), which still decide the
 * answer. fn may be NULL. */
typedef void ac_check_diff_fn(void *ctx, size_t i, json_t *x, json_t *y, enum ac_diff d);
enum ac_diff ac_records_diff_each(json_t *a, json_t *b, ac_check_diff_fn *fn, void *ctx);
const char *ac_diff_name(enum ac_diff d); /* "same", "timing", "setup", "claim" */

#endif
