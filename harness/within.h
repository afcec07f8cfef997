/* A measured duration or timer value checked against a range, recorded in whole seconds.
 *
 * Timers are read from sock_diag (milliseconds left) or measured with bounded waits; their exact
 * values vary from run to run by a few milliseconds, so the record carries the range as the
 * expectation and the value rounded to whole seconds as the observation ("55..60 s" / "60 s"),
 * which is stable across runs and kernels. A value outside the range fails the test with the
 * exact milliseconds and the namespace's socket table. */
#ifndef AC_WITHIN_H
#define AC_WITHIN_H

#include "check.h"

#include <stddef.h>

/* "55..60 s" for (55000, 60000), "0.9..3 s" for (900, 3000). (Pure, for tests.) */
void ac_within_range_text(char *buf, size_t len, long lo_ms, long hi_ms);
/* Milliseconds as whole seconds, rounded to the nearest: 59996 -> "60 s", 1040 -> "1 s". */
void ac_within_seconds_text(char *buf, size_t len, long ms);

/* Records (step, range, observed seconds) and fails unless lo_ms <= observed_ms <= hi_ms. */
#define ac_expect_within(about, step, lo_ms, hi_ms, observed_ms)                                   \
    ac_expect_within_at(AC_HERE, about, step, lo_ms, hi_ms, observed_ms)
void ac_expect_within_at(AC_WHERE, struct ac_about about, const char *step, long lo_ms, long hi_ms,
                         long observed_ms);

#endif
