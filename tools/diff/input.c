/* The two arguments of afterclose diff: a result set, or a matrix column directory holding one
 * (column.env and results.jsonl, as ci/matrix leaves it). Read through the results library, so
 * that what every reader refuses is refused here in the same words; what matters beyond that is
 * only why a run is unusable, which --bisect turns into "skip" or "abort". */
#define _GNU_SOURCE
#include "diff.h"

#include "readall.h"
#include "results.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void why(struct run *r, enum run_state state, const char *fmt, const char *what)
{
    char shown[512];
    r->state = state;
    snprintf(r->why, sizeof r->why, fmt, ac_printable(r->arg, shown, sizeof shown), what);
}

/* The value of "status=" in a column.env, "" when it has none; NULL when it cannot be read. */
static char *column_status(const char *env)
{
    FILE *f = fopen(env, "re");
    if (!f)
        return NULL;
    char *line = NULL, *status = NULL;
    size_t cap = 0;
    while (!status && getline(&line, &cap, f) > 0)
        if (!strncmp(line, "status=", 7))
            status = strndup(line + 7, strcspn(line + 7, "\n"));
    free(line);
    fclose(f);
    return status ? status : strdup("");
}

static bool exists(const char *path, bool want_dir)
{
    struct stat st;
    return stat(path, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : true);
}

/* The results file of a column directory, or NULL with r's state set. */
static char *file_of_column(struct run *r)
{
    char *env = NULL, *file = NULL;
    if (asprintf(&env, "%s/column.env", r->arg) < 0 ||
        asprintf(&file, "%s/results.jsonl", r->arg) < 0)
        abort();
    bool has_env = exists(env, false);
    char *status = has_env ? column_status(env) : NULL;
    if (has_env && !status)
        why(r, RUN_BAD, "%s: cannot read its column.env (%s)", strerror(errno));
    else if (status && strcmp(status, "ok"))
        why(r, RUN_NOT_DELIVERED,
            "%s: the kernel did not deliver results (column.env says status=%s): not a run",
            *status ? status : "(empty)");
    else if (!exists(file, false))
        why(r, has_env ? RUN_BAD : RUN_MISSING,
            has_env ? "%s: column.env says status=ok, but it has no results.jsonl%s"
                    : "%s: no results.jsonl and no column.env in it: nothing ran there%s",
            "");
    free(env);
    free(status);
    if (r->state == RUN_OK)
        return file;
    free(file);
    return NULL;
}

void run_load(struct run *r, const char *arg)
{
    *r = (struct run){.arg = arg, .state = RUN_OK};
    struct stat st;
    if (stat(arg, &st) != 0) {
        why(r, errno == ENOENT ? RUN_MISSING : RUN_BAD, "%s: %s: no run there", strerror(errno));
        return;
    }
    r->file = S_ISDIR(st.st_mode) ? file_of_column(r) : strdup(arg);
    if (!r->file)
        return;
    char err[900];
    if (!ac_set_load(r->file, 0, &r->set, err, sizeof err)) {
        /* a set the run never sealed (cut short, nothing ran yet) reads with AC_SET_OPEN; a run
         * marked interrupted does not (somebody stopped it: not a property of the kernel) */
        struct ac_set open;
        char ignored[16];
        bool unsealed = ac_set_load(r->file, AC_SET_OPEN, &open, ignored, sizeof ignored) ||
                        (stat(r->file, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);
        ac_set_clear(&open);
        r->state = unsealed ? RUN_CUT_SHORT : RUN_BAD;
        snprintf(r->why, sizeof r->why, "%s", err);
        return;
    }
    r->index = ac_results_index(r->set.records, r->file, err, sizeof err);
    if (!r->index) { /* the set reader refuses a test twice already: kept for safety */
        r->state = RUN_BAD;
        snprintf(r->why, sizeof r->why, "%s", err);
    }
}

void run_free(struct run *r)
{
    ac_set_clear(&r->set);
    json_decref(r->index);
    free(r->file);
}

const char *run_header(const struct run *r, const char *field)
{
    const char *v = json_string_value(ac_set_header_get(&r->set, field));
    return v ? v : "";
}
