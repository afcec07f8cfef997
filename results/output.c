/* Checked end of output (see output.h). */
#include "output.h"

#include <errno.h>
#include <string.h>

bool ac_output_done(FILE *f, const char *prog, const char *name)
{
    errno = 0;
    /* A buffered write that failed earlier stays pending: the flush retries it and sets errno. */
    bool bad = fflush(f) != 0 || ferror(f);
    int err = errno;
    if (f != stdout && fclose(f) != 0 && !bad) {
        bad = true;
        err = errno;
    }
    if (bad)
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, name,
                err ? strerror(err) : "a write failed");
    return !bad;
}
