/* The command line and the output file the KTAP and JUnit writers share. */
#define _GNU_SOURCE
#include "export.h"
#include "output.h"

#include <errno.h>
#include <string.h>

int ac_export_options(int argc, char **argv, const struct ac_export_cli *cli)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("%s\n%s\n", cli->usage, cli->help);
            return ac_output_done(stdout, cli->prog, "stdout") ? 0 : -1;
        }
        const struct ac_export_opt *o = cli->opts;
        while (o->name && strcmp(argv[i], o->name))
            o++;
        const char *what = !o->name ? "unknown option" : NULL;
        if (o->flag)
            *o->flag = true;
        else if (o->value && i + 1 < argc)
            *o->value = argv[++i];
        else if (o->value)
            what = "option needs a value";
        if (what) {
            fprintf(stderr, "%s: %s\n%s\n", cli->prog, what, cli->usage);
            return -1;
        }
    }
    if (i >= argc && !(cli->enough && *cli->enough)) {
        fprintf(stderr, "%s: no results file\n%s\n", cli->prog, cli->usage);
        return -1;
    }
    return i;
}

FILE *ac_export_open(const char *prog, const char *out)
{
    FILE *f = out ? fopen(out, "we") : stdout;
    if (!f)
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, out, strerror(errno));
    return f;
}

bool ac_export_close(const char *prog, FILE *f, const char *out)
{
    return ac_output_done(f, prog, out ? out : "stdout");
}
