/* The running kernel's version, for expectations that changed between kernels: a table row says
 * "EADDRINUSE since 6.9, OK before" and the test picks the one that applies. */
#ifndef AC_KERNEL_H
#define AC_KERNEL_H

#include <stdbool.h>

/* Encodes major.minor for comparisons: AC_KV(6, 9). */
#define AC_KV(major, minor) ((major)*1000 + (minor))

/* The running kernel as AC_KV(major, minor), from uname(2). */
int ac_kernel_version(void);

/* `since` when the running kernel is at least `version`, else `before`: e.g.
 * ac_since(AC_KV(6, 9), EADDRINUSE, 0). */
int ac_since(int version, int since, int before);
/* The same for an expectation written as text: ac_since_text(AC_KV(6, 8), "CLOSE", "absent"). */
const char *ac_since_text(int version, const char *since, const char *before);

/* Parses "6.18.44-foo" as AC_KV(6, 18); -1 if it is not a version. (Pure, for tests.) */
int ac_kernel_parse(const char *release);

#endif
