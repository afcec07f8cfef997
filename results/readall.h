/* Reading a whole stream into memory: the results reader, the runner's scratch files and the fuzz
 * replayer all need it, and none of them knows the size in advance (pipes, growing files). */
#ifndef AC_READALL_H
#define AC_READALL_H

#include <stdio.h>

/* Reads f to its end. Returns a NUL-terminated buffer (free() it) and its length in *len, or
 * NULL on a read error or when out of memory. */
char *ac_read_stream(FILE *f, size_t *len);

/* fopen(path, "r") of a regular file only, found out without blocking: a FIFO would block the
 * reader forever, a directory reads as empty. On error returns NULL and writes "<path>: <why>"
 * into err. Every input file of the tools is opened through here. */
FILE *ac_open_regular(const char *path, char *err, size_t errlen);

#endif
