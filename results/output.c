/* Checked end of output (see output.h). */
#include "output.h"

#include <errno.h>
#include <string.h>

bool ac_output_done(FILE *f, const char *prog, const char *name)
{
    /* A write that failed earlier left its errno (a large puts() whose buffer was dropped); a
     * buffered one still pending is retried by the flush, which sets errno itself. */
    int earlier = ferror(f) ? errno : 0;
    errno = 0;
    bool bad = fflush(f) != 0 || ferror(f);
    int err = errno ? errno : earlier;
    if (f != stdout && fclose(f) != 0 && !bad) {
        bad = true;
        err = errno;
    }
    if (bad)
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, name,
                err ? strerror(err) : "a write failed");
    return !bad;
}
