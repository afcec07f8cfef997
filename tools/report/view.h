/* The report's views of a record set sorted by test name (tools/report/view.c). */
#ifndef AC_REPORT_VIEW_H
#define AC_REPORT_VIEW_H

#include <jansson.h>
#include <stdbool.h>

enum ac_view {
    AC_VIEW_DEFAULT,  /* what did not hold, the skips grouped by reason, the totals */
    AC_VIEW_VERBOSE,  /* every claim: what did not hold first, then the others by name */
    AC_VIEW_FAILURES, /* only what did not hold, and how many were left out */
};

/* How many did not hold (failed, crashed, timed out) and how many were broken (the
 * environment could not set them up: never counted as not holding). */
struct ac_report_bad {
    size_t failed, broken;
};

/* Prints the view of SORTED (a non-empty array of valid records) after the header line;
 * the last line is the totals, after an empty line. */
struct ac_report_bad ac_report_view(json_t *sorted, enum ac_view view, bool colour);

#endif
