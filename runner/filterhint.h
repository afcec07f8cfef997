/* What to add when a --filter selects no test (runner/filterhint.c). */
#ifndef AC_FILTERHINT_H
#define AC_FILTERHINT_H

#include <criterion/criterion.h>
#include <stddef.h>

/* A filter without '/' that matches suite names ("timewait", "@(timewait|timers)") selects no
 * test, since a test's name is suite/test: OUT becomes a hint to add "/" and a star to it.
 * Otherwise OUT is "". */
void ac_filter_hint(struct criterion_test_set *set, const char *filter, char *out, size_t len);

#endif
