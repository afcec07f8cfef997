/* Reading a results file (docs/results-format.md) strictly: a line that is not a valid record is
 * an error with its line number, never skipped, so a truncated or corrupt file cannot pass. The
 * report, KTAP, JUnit, the matrix merge and the docs generator all read through here, so they
 * agree on what a valid results file is: one sealed run (set.h), every record consistent. */
#ifndef AC_RESULTS_H
#define AC_RESULTS_H

#include <jansson.h>
#include <stdio.h>

/* Reads every record of `f`, a sealed result set (set.h), into a JSON array. On error returns
 * NULL and writes "<name>:<line>: <what>" into err. An empty file is an error too: nothing ran.
 * So is a set without its header or its seal (a run cut short), a run marked interrupted, a
 * record of another run, kernel or interface kind, a test recorded twice, a record that
 * contradicts itself (a pass with a failed check or with no claim, a check whose typed values
 * say the opposite of its ok). */
json_t *ac_results_read(FILE *f, const char *name, char *err, size_t errlen);

/* The same from memory (for the fuzzer and the tests). */
json_t *ac_results_parse(const char *data, size_t len, const char *name, char *err, size_t errlen);

/* Opens and reads a results file: refuses what is not a regular file (a directory would read as
 * empty, a FIFO would block). */
json_t *ac_results_load(const char *path, char *err, size_t errlen);

/* One record's own fields and checks, as a results line must hold them (its schema and run are
 * the set's: set.c); 0 with the reason in `what` when it is not valid. The docs generator checks
 * the matrix's cells with it. */
int ac_results_check_record(json_t *rec, char *what, size_t len);

/* The verdicts a record may carry, by index from 0; NULL past the last. */
const char *ac_verdict_name(size_t i);

/* Indexes records by test name. A test recorded twice is an error: one file holds one run, and
 * keeping either record would hide the other (a fail followed by a pass). */
json_t *ac_results_index(json_t *all, const char *name, char *err, size_t errlen);

/* Reads a test list (one name per line, anything after a TAB ignored: the format of
 * `afterclose-suite --afterclose-list`) into an object name -> true. */
json_t *ac_results_load_list(const char *path, char *err, size_t errlen);

/* Every indexed test must be in `known`; with `complete`, every known test must be indexed.
 * Returns the number of problems, each printed as one line "<prog>: <name>: ..." to stderr. */
size_t ac_results_compare(json_t *index, json_t *known, int complete, const char *prog,
                          const char *name);

/* The length of a Unicode control or line break at s: C1 controls (U+0080..U+009F, NEL among
 * them), U+2028 and U+2029 end a line for some readers (2 or 3 bytes); 0 for anything else.
 * Every writer replaces them as it does ASCII control characters. */
size_t ac_unicode_break(const char *s);
/* The text with control characters (ASCII and ac_unicode_break's) shown as '?', for one-line
 * messages and reports. Returns out. */
char *ac_printable(const char *s, char *out, size_t len);

#endif
