/* Tests that change machine-wide state (struct ac_meta .machine_wide: a sysctl every namespace
 * shares) run only where the caller says the machine is the suite's own: a guest that ci/matrix
 * booted, whose /init sets AFTERCLOSE_OWN_MACHINE=1 (ci/matrix.d/guest-init). Anywhere else they
 * skip with the reason before a worker starts, so the host and the tests beside them are never
 * touched. */
#include "runner.h"
#include "../harness/meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ac_machine_allows(const struct criterion_test *t, char *why, size_t len)
{
    const struct ac_meta *m = ac_meta_of(t);
    const char *own = getenv(AC_OWN_MACHINE_ENV);
    if (!m || !m->machine_wide || (own && !strcmp(own, "1")))
        return true;
    snprintf(why, len,
             "changes machine-wide state (a sysctl every network namespace shares): runs only on "
             "a machine the suite owns, such as a guest ci/matrix booted (%s=1)",
             AC_OWN_MACHINE_ENV);
    return false;
}
