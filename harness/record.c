#define _GNU_SOURCE
#include "record.h"

#include "check.h"
#include "readall.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ac_record_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
}

void ac_record_scratch_path(char *buf, size_t len, const char *rundir, const char *suite,
                            const char *test)
{
    snprintf(buf, len, "%s/%s.%s.jsonl", rundir, suite, test);
}

char *ac_record_scratch_read(const char *rundir, const char *suite, const char *test)
{
    char path[4096];
    ac_record_scratch_path(path, sizeof path, rundir, suite, test);
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    size_t len;
    char *buf = ac_read_stream(f, &len);
    fclose(f);
    return buf;
}

int ac_record_write(int fd, const json_t *record)
{
    char *line = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!line)
        return -ENOMEM;
    size_t n = strlen(line);
    line[n] = '\n'; /* overwrite the terminator: the line goes out in one write() */
    ssize_t w = write(fd, line, n + 1);
    int err = w == (ssize_t)(n + 1) ? 0 : w < 0 ? -errno : -EIO;
    free(line);
    return err;
}

int ac_record_append(const char *path, const json_t *record)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    int err = ac_record_write(fd, record);
    close(fd);
    return err;
}

/* A check that cannot be written would leave a record that claims less than the test saw (or a
 * pass with no evidence): the test fails instead, saying why; broken where the environment
 * refused the write (a full TMPDIR, no descriptor left). */
static void scratch_append(json_t *obj)
{
    const char *rundir = getenv(AC_RUNDIR_ENV);
    int err = 0;
    char path[4096];
    if (rundir && criterion_current_test && criterion_current_suite) {
        ac_record_scratch_path(path, sizeof path, rundir, criterion_current_suite->name,
                               criterion_current_test->name);
        err = obj ? ac_record_append(path, obj) : -ENOMEM;
    }
    json_decref(obj);
    if (!err)
        return;
    char step[4200], cause[4400];
    snprintf(step, sizeof step, "record what the test saw in %s", path);
    if (ac_errno_is_environment(-err)) {
        ac_environment_cause(cause, sizeof cause, step, -err);
        ac_broken("%s", cause);
    }
    cr_assert_fail("afterclose: cannot %s: %s", step, strerror(-err));
}

void ac_record_started(void)
{
    scratch_append(json_pack("{s:I}", "pid", (json_int_t)getpid()));
}

void ac_record_completed(void)
{
    scratch_append(json_pack("{s:b}", "completed", 1));
}

/* The worker's own lines other than checks: {"pid": N} and {"completed": true}. */
static json_t *scratch_value(const char *observations, const char *key)
{
    const char *p = observations ? observations : "";
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        json_t *o = json_loadb(p, n, 0, NULL);
        json_t *v = json_object_get(o, key);
        if (v) {
            json_incref(v);
            json_decref(o);
            return v;
        }
        json_decref(o);
        p += n + (end ? 1 : 0);
    }
    return NULL;
}

bool ac_record_was_completed(const char *observations)
{
    json_t *v = scratch_value(observations, "completed");
    bool done = json_is_true(v);
    json_decref(v);
    return done;
}

long ac_record_worker_pid(const char *observations)
{
    json_t *v = scratch_value(observations, "pid");
    long pid = json_is_integer(v) ? (long)json_integer_value(v) : 0;
    json_decref(v);
    return pid;
}

void ac_record_check(struct ac_about about, const char *step, const char *expected,
                     const char *observed, json_t *expected_value, json_t *observed_value, bool ok)
{
    scratch_append(json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:o, s:o}", "step", step,
                             "expected", expected, "observed", observed, "ok", ok, "kind",
                             ac_kind_name(about.kind), "role", ac_role_name(about.role), "subject",
                             about.subject, "expected_value", expected_value, "observed_value",
                             observed_value));
}

void ac_record_iface(const char *kind)
{
    scratch_append(json_pack("{s:s}", "iface_kind", kind));
}

void ac_record_failure(const char *message)
{
    scratch_append(json_pack("{s:s}", "failure", message));
}

/* Joins one field of every check with "; " as "<step> <value>". */
static char *join_checks(json_t *checks, const char *field)
{
    size_t cap = 256, used = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        const char *step = json_string_value(json_object_get(c, "step"));
        const char *val = json_string_value(json_object_get(c, field));
        size_t need = strlen(step) + strlen(val) + 4;
        if (used + need >= cap) {
            cap = (used + need) * 2;
            char *t = realloc(s, cap);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
        }
        used += (size_t)sprintf(s + used, "%s%s %s", i ? "; " : "", step, val);
    }
    return s;
}

json_t *ac_record_build(const char *test, const char *kernel, const char *verdict,
                        const char *reason, const char *observations)
{
    json_t *checks = json_array();
    const char *iface = "none";
    char *failure = NULL;
    json_t *keep = json_array(); /* holds parsed lines alive while we borrow their strings */

    /* Each line is parsed on its own: a worker killed mid-write leaves at most one bad line,
     * which is skipped, not fatal. */
    const char *p = observations ? observations : "";
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        json_t *o = json_loadb(p, n, 0, NULL);
        if (json_is_object(o)) {
            json_array_append(keep, o);
            json_t *step = json_object_get(o, "step");
            json_t *exp = json_object_get(o, "expected");
            json_t *obs = json_object_get(o, "observed");
            json_t *kind = json_object_get(o, "iface_kind");
            json_t *fail = json_object_get(o, "failure");
            if (json_is_string(step) && json_is_string(exp) && json_is_string(obs))
                json_array_append(checks, o);
            else if (json_is_string(kind))
                iface = json_string_value(kind);
            else if (json_is_string(fail) && !failure)
                failure = strdup(json_string_value(fail));
        }
        json_decref(o);
        p += n + (end ? 1 : 0);
    }
    if (!reason || !*reason)
        reason = failure ? failure : "";
    if (strcmp(verdict, "pass") == 0)
        reason = "";

    char *expected = join_checks(checks, "expected");
    char *observed = join_checks(checks, "observed");
    json_t *rec = json_pack(
        "{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "schema", AC_RESULTS_SCHEMA, "test", test,
        "kernel", kernel, "iface_kind", iface, "expected", expected ? expected : "", "observed",
        observed ? observed : "", "verdict", verdict, "reason", reason, "checks", checks);
    free(expected);
    free(observed);
    free(failure);
    json_decref(checks);
    json_decref(keep);
    return rec;
}

void ac_record_default_results(void)
{
    const char *def = getenv(AC_RESULTS_DEFAULT_ENV);
    if (def && *def)
        setenv(AC_RESULTS_ENV, def, 0);
}
