#define _GNU_SOURCE
#include "errname.h"

#include <stdio.h>
#include <string.h>

/* glibc's strerrorname_np (2.32+) knows every errno of the running libc, so we do not keep a
 * table that could go stale. */
const char *ac_errname(int err)
{
    static __thread char unknown[16];
    if (err == 0)
        return "OK";
    const char *name = strerrorname_np(err);
    if (name)
        return name;
    snprintf(unknown, sizeof unknown, "E%d", err);
    return unknown;
}

int ac_errno_from_name(const char *name)
{
    if (strcmp(name, "OK") == 0)
        return 0;
    /* Linux errno values are below 134; 4096 is MAX_ERRNO, a safe upper bound. */
    for (int e = 1; e < 4096; e++) {
        const char *n = strerrorname_np(e);
        if (n && strcmp(n, name) == 0)
            return e;
    }
    return -1;
}
