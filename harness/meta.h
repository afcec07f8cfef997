/* What a test's definition says about the test beyond Criterion's own fields (.timeout,
 * .description), kept as data for the runner, ctest's labels and the docs: AC_TEST points
 * Criterion's `.data` at one (a plain Test() has none). A new fact is a field here, set in the
 * definition through AC_TEST_WITH (actest.h), and read with ac_meta_of(); never parsed from a
 * name or a description. */
#ifndef AC_META_H
#define AC_META_H

#include <criterion/types.h>
#include <stdbool.h>

struct ac_meta {
    bool scenario; /* enters a network namespace of its own: needs root or a user namespace */
    bool slow;     /* waits out real kernel timers (up to a minute): ctest label "slow" */
};

/* NULL for a plain Test(): afterclose keeps Criterion's .data for struct ac_meta alone. */
static inline const struct ac_meta *ac_meta_of(const struct criterion_test *t)
{
    return t->data ? (const struct ac_meta *)t->data->data : NULL;
}

#endif
