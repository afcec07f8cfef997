/* Whether a check's typed values agree, so that a reader can refuse a check whose `ok` flag says
 * otherwise (docs/results-format.md). Judged only where the harness's rule is certain. */
#ifndef AC_AGREE_H
#define AC_AGREE_H

#include <jansson.h>
#include <stddef.h>

/* For two valid typed values: 1 they agree, 0 they do not, -1 cannot tell. errno, state, int and
 * text values of one type agree when equal (the harness compares them so); a seconds value
 * agrees with a range_ms when inside it, each bound widened by the half second lost to rounding.
 * Other pairs (a state against a text, ...) are not judged. */
int ac_values_agree(json_t *expected, json_t *observed);

/* A valid typed value as people read it: EADDRINUSE, TIME_WAIT, 5, 55000..60000 ms, 60 s, or the
 * text (control characters as '?', cut with "..."). Returns out. */
char *ac_value_show(json_t *v, char *out, size_t len);

#endif
