/* Reading a results file (docs/results-format.md) strictly: a line that is not a valid record is
 * an error with its line number, never skipped, so a truncated or corrupt file cannot pass. The
 * report, the matrix merge and the docs generator all read through here, so they agree on what a
 * valid results file is. */
#ifndef AC_RESULTS_H
#define AC_RESULTS_H

#include <jansson.h>
#include <stdio.h>

/* Reads every record of `f` into a JSON array. On error returns NULL and writes
 * "<name>:<line>: <what>" into err. An empty file is an error too: nothing ran. So is a run
 * marked interrupted, a record that contradicts itself (a pass with a failed check or with no
 * claim, a check whose typed values say the opposite of its ok), and a record of a second kernel
 * or interface kind. */
json_t *ac_results_read(FILE *f, const char *name, char *err, size_t errlen);

/* The same from memory (for the fuzzer and the tests). */
json_t *ac_results_parse(const char *data, size_t len, const char *name, char *err, size_t errlen);

/* Opens and reads a results file: refuses what is not a regular file (a directory would read as
 * empty, a FIFO would block). */
json_t *ac_results_load(const char *path, char *err, size_t errlen);

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
