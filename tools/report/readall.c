#define _GNU_SOURCE
#include "readall.h"

#include <stdlib.h>

char *ac_read_stream(FILE *f, size_t *len)
{
    char *buf = NULL;
    *len = 0;
    FILE *mem = open_memstream(&buf, len);
    if (!mem)
        return NULL;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, mem);
    int bad = ferror(f) || ferror(mem);
    fclose(mem);
    if (bad) {
        free(buf);
        return NULL;
    }
    return buf;
}
