/* The end of a tool's output: every write is checked, stdout included (issue 22, item 4). A
 * report that could not be written must not exit 0: the caller may read "nothing failed". */
#ifndef AC_OUTPUT_H
#define AC_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

/* Flushes stdout (left open) or closes any other stream; false after one line on stderr,
 * "PROG: cannot write NAME: why" ("No space left on device"). Callers then exit 2. */
bool ac_output_done(FILE *f, const char *prog, const char *name);

#endif
