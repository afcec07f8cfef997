/* Errno values as the names people search for (EADDRINUSE, not 98). */
#ifndef AC_ERRNAME_H
#define AC_ERRNAME_H

/* "OK" for 0, the symbolic name for a known errno, "E<number>" otherwise.
 * The returned string is static or thread-local: copy it before the next call. */
const char *ac_errname(int err);

/* The inverse, for tables and result files: "EADDRINUSE" -> 98, "OK" -> 0; -1 if unknown. */
int ac_errno_from_name(const char *name);

#endif
