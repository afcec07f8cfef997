/* Reading a results file (docs/results-format.md) strictly: a line that is not a valid record is
 * an error with its line number, never skipped, so a truncated or corrupt file cannot pass. */
#ifndef AC_RESULTS_H
#define AC_RESULTS_H

#include <jansson.h>
#include <stdio.h>

/* Reads every record of `f` into a JSON array. On error returns NULL and writes
 * "<name>:<line>: <what>" into err. An empty file is an error too: nothing ran. */
json_t *ac_results_read(FILE *f, const char *name, char *err, size_t errlen);

/* The same from memory (for the fuzzer and the tests). */
json_t *ac_results_parse(const char *data, size_t len, const char *name, char *err, size_t errlen);

#endif
