/* The hint for a --filter that names a suite instead of its tests. */
#define _GNU_SOURCE /* FNM_EXTMATCH: Criterion's patterns are extended globs */
#include "filterhint.h"

#include <criterion/internal/ordered-set.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

void ac_filter_hint(struct criterion_test_set *set, const char *filter, char *out, size_t len)
{
    out[0] = '\0';
    if (!filter || !*filter || strchr(filter, '/'))
        return;
    FOREACH_SET(struct criterion_suite_set * s, set->suites)
    {
        if (fnmatch(filter, s->suite.name, FNM_EXTMATCH) == 0) {
            snprintf(out, len, " (did you mean --filter '%s/*'?)", filter);
            return;
        }
    }
}
