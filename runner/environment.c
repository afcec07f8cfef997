/* The settings the runner takes from the environment, checked before any test runs: a bad value
 * would otherwise be dropped without a word (a watchdog of 45 s instead of the 2x wanted). */
#define _GNU_SOURCE
#include "runner.h"
#include "../fixtures/netns.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ac_parse_count(const char *text, int max, int *out)
{
    if (!text || !*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 9)
        return false;
    *out = atoi(text);
    return *out > 0 && *out <= max;
}

/* A positive number of seconds, decimals allowed, nothing after it. */
static bool parse_seconds(const char *text, double *out)
{
    char *end;
    if (!*text || strspn(text, "0123456789.") != strlen(text))
        return false;
    *out = strtod(text, &end);
    return *end == '\0' && isfinite(*out) && *out > 0 && *out <= AC_MAX_SECONDS;
}

static bool refuse(const char *prog, const char *name, const char *value, const char *want)
{
    fprintf(stderr, "%s: %s=%s: %s\n", prog, name, value, want);
    return false;
}

bool ac_environment_ok(const char *prog, int *jobs, double *limit_s)
{
    const char *v;
    if ((v = getenv("CRITERION_JOBS")) && *v && !ac_parse_count(v, AC_MAX_JOBS, jobs))
        return refuse(prog, "CRITERION_JOBS", v, "must be a number of tests at once, 1 to 1024");
    if ((v = getenv("AFTERCLOSE_WATCHDOG")) && *v && !parse_seconds(v, limit_s))
        return refuse(prog, "AFTERCLOSE_WATCHDOG", v,
                      "must be a number of seconds above 0 (at most 86400), e.g. 45 or 2.5");
    if ((v = getenv(AC_IFACE_ENV)) && *v && strcmp(v, "veth") && strcmp(v, "dummy"))
        return refuse(prog, AC_IFACE_ENV, v, "must be veth or dummy");
    if ((v = getenv("AFTERCLOSE_NO_USERNS")) && *v && strcmp(v, "0") && strcmp(v, "1"))
        return refuse(prog, "AFTERCLOSE_NO_USERNS", v, "must be 1 (do not enter one) or 0");
    if ((v = getenv(AC_OWN_MACHINE_ENV)) && *v && strcmp(v, "0") && strcmp(v, "1"))
        return refuse(prog, AC_OWN_MACHINE_ENV, v,
                      "must be 1 (this machine is the suite's own: run the tests that change "
                      "machine-wide state) or 0");
    if ((v = getenv(AC_RESULTS_JOIN_ENV)) && *v && strcmp(v, "0") && strcmp(v, "1"))
        return refuse(prog, AC_RESULTS_JOIN_ENV, v,
                      "must be 1 (append to the run opened in AFTERCLOSE_RESULTS) or 0");
    return true;
}
