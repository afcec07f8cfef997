/* afterclose-suite --help: the runner's own options, environment and exit codes (Criterion's
 * stock text advertises options the runner refuses, and none of afterclose's). */
#ifndef AC_RUNNER_HELP_H
#define AC_RUNNER_HELP_H

#include <stdio.h>

void ac_runner_help(FILE *f, const char *prog);

#endif
