/* What the fuzz targets take from a program's main.c without linking it. */
#include "../matrix/matrix.h"

#include <stdarg.h>
#include <stdio.h>

/* tools/matrix/main.c's error printer: formatted (so bad format arguments would show), not
 * printed. */
void errorf(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
}
