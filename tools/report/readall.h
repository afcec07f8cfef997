/* Reading a whole stream into memory: the results reader, the runner's scratch files and the fuzz
 * replayer all need it, and none of them knows the size in advance (pipes, growing files). */
#ifndef AC_READALL_H
#define AC_READALL_H

#include <stdio.h>

/* Reads f to its end. Returns a NUL-terminated buffer (free() it) and its length in *len, or
 * NULL on a read error or when out of memory. */
char *ac_read_stream(FILE *f, size_t *len);

#endif
