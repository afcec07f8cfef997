/* Known deviations (docs/known-deviations.md): a versioned file, edited by people, of outcomes a
 * kernel may show instead of the suite's reference answer, each accepted for a range of kernel
 * releases, with the reason and a link.
 *
 *   {"schema": 1, "deviations": [
 *     {"tests": ["segments/syn_lower_seq_newer_timestamp_reopens"],
 *      "kernels": {"before": "6.10"},
 *      "accepted": {"check": {"kind": "packet", "role": "claim", "subject": "listener",
 *                             "observed_value": {"text": "a fresh ISN, not tw_snd_nxt + 65537"}}},
 *      "reason": "...", "link": "https://..."}]}
 *
 * The accepted outcome is data: a verdict ("fail", "crash", "timeout") and/or one check, named
 * by kind, role and subject, with the typed value it observed. A record of one of its tests on a
 * kernel of the range is then
 *   XFAIL  when it shows that outcome, and what did not hold is only that (or it held: the
 *          suite's own expectation for that kernel, ac_since, already names it);
 *   XPASS  when it held without showing it: the deviation is gone, the entry may be stale;
 * and otherwise keeps its verdict: a failure of another kind is never hidden. */
#ifndef AC_DEVIATION_H
#define AC_DEVIATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The version of the file's format this reader knows. */
#define AC_DEVIATIONS_SCHEMA 1

/* Reads and validates a known-deviations file: its entries (an array, a new reference), or NULL
 * with one line "<name>: what" in err (an unknown field, a missing reason, a bad range...). */
json_t *ac_deviations_parse(const char *data, size_t len, const char *name, char *err,
                            size_t errlen);
json_t *ac_deviations_load(const char *path, char *err, size_t errlen);

/* Every test an entry names must be one of `tests` (an object: test name -> anything), and the
 * check it names one that each of them records (judged on their passing records in `records`, an
 * array): an entry that matches nothing can never mark anything. false with one line in err. */
bool ac_deviations_check(json_t *entries, json_t *tests, json_t *records, const char *name,
                         char *err, size_t errlen);

enum ac_known { AC_KNOWN_NONE, AC_KNOWN_XFAIL, AC_KNOWN_XPASS };

/* How a valid record stands against the entries; *entry (may be NULL) gets the entry that
 * decided it (borrowed). An entry that gives XFAIL wins over one that gives XPASS. */
enum ac_known ac_deviation_of(json_t *entries, json_t *rec, json_t **entry);

/* Marks every record (an array) the entries decide: "known_deviation": {"as": "xfail" or
 * "xpass", "reason", "link", "kernels"} in memory, for the writers (ac_known_of); never written
 * back into a results file. Returns how many were marked. */
size_t ac_deviations_mark(json_t *entries, json_t *records);

/* The mark of a record, AC_KNOWN_NONE when it has none; *mark (may be NULL) gets the mark. */
enum ac_known ac_known_of(json_t *rec, json_t **mark);

/* The one call of a tool with --deviations PATH: load, check against the tests (or, when tests
 * is NULL, against the tests of the records) and mark. false with one line in err. */
bool ac_deviations_apply(const char *path, json_t *records, json_t *tests, char *err,
                         size_t errlen);

/* "kernels before 6.10", "kernels 5.4 to 6.10", "kernels from 6.10", "kernels *el9*": an
 * entry's range for people. Returns out. */
char *ac_deviation_kernels(json_t *entry_or_mark, char *out, size_t len);

#endif
