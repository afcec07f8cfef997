/* The run's results file (AFTERCLOSE_RESULTS), a result set (results/set.h). A run of the runner's
 * own empties it and writes the header, the records and, once every selected test has its
 * record, the seal. A runner that joins a run opened by another process
 * (AFTERCLOSE_RESULTS_JOIN=1: ctest's records fixture, the matrix guest) checks the header and
 * appends its records with that run's id; the opener seals it (--afterclose-seal).
 *
 * The file stays open for the whole run. Before each line and before the seal the path must
 * still name that file: one deleted, moved or replaced mid-run is reported in one line and never
 * sealed, and its records go nowhere else. The seal is written only after the file, read back
 * through the results library, holds this run's header and a record of every selected test. */
#define _GNU_SOURCE
#include "exitstatus.h"
#include "runner.h"
#include "../fixtures/netns.h"
#include "../harness/record.h"
#include "readall.h"
#include "set.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct {
    int fd; /* -1: no results file */
    const char *path, *prog;
    char run[128];
    dev_t dev;
    ino_t ino;
    bool lost; /* reported once */
} rf = {.fd = -1};

bool ac_runfile_active(void)
{
    return rf.fd >= 0;
}

/* "20261207T041530Z-4242-9f3a2b1c": when, which process, and 32 random bits. */
static void new_run_id(char *out, size_t len)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
    unsigned r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
        r = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 16);
    snprintf(out, len, "%s-%ld-%08x", when, (long)getpid(), r);
}

static bool take_file(int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return false;
    rf.fd = fd, rf.path = path, rf.dev = st.st_dev, rf.ino = st.st_ino;
    return true;
}

/* Whether the path still names the file this run writes; says once, in one line, when not. */
static bool still_ours(void)
{
    struct stat fs, ps;
    const char *what = NULL;
    bool named = stat(rf.path, &ps) == 0;
    if (named && (ps.st_dev != rf.dev || ps.st_ino != rf.ino))
        what = "was replaced by another file";
    else if (fstat(rf.fd, &fs) != 0 || fs.st_nlink == 0)
        what = "was deleted";
    else if (!named)
        what = "was moved away";
    if (what && !rf.lost)
        fprintf(stderr,
                "%s: the results file %s %s during the run: the run is not sealed, its "
                "results are unusable\n",
                rf.prog, rf.path, what);
    rf.lost = rf.lost || what;
    return !rf.lost;
}

int ac_runfile_write(json_t *line)
{
    if (!still_ours())
        return AC_RUNFILE_LOST;
    /* the run's id second, after the schema: {"schema":3,"run":"...","test":...} */
    json_t *out = json_pack("{s:i, s:s}", "schema", AC_RESULTS_SCHEMA, "run", rf.run), *v;
    const char *key;
    json_object_foreach(line, key, v)
    {
        if (strcmp(key, "schema") && strcmp(key, "run"))
            json_object_set(out, key, v);
    }
    int err = ac_record_write(rf.fd, out);
    json_decref(out);
    return err;
}

int ac_runfile_open(const char *prog, const char *path, const char *from, const char *kernel,
                    json_t *selected)
{
    rf.prog = prog;
    int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || !take_file(fd, path)) {
        fprintf(stderr, "%s: cannot write the results file %s (%s): %s\n", prog, path, from,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return AC_EXIT_UNUSABLE;
    }
    new_run_id(rf.run, sizeof rf.run);
    json_t *h = ac_set_header_line(rf.run, kernel, ac_netns_probe_kind(), selected);
    int err = ac_record_write(rf.fd, h);
    json_decref(h);
    if (err) {
        fprintf(stderr, "%s: cannot write the results file %s (%s): %s\n", prog, path, from,
                strerror(-err));
        return AC_EXIT_UNUSABLE;
    }
    return 0;
}

/* The file this run writes, read from its start through the descriptor (whatever the path now
 * names); the shared offset moves, which appends (O_APPEND) do not use. NULL on an error. */
static FILE *from_start(void)
{
    int fd = dup(rf.fd);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
    if (!f && fd >= 0)
        close(fd);
    if (f)
        rewind(f);
    return f;
}

/* The whole file. NULL on a read error. */
static char *read_back(size_t *len)
{
    FILE *f = from_start();
    char *all = f ? ac_read_stream(f, len) : NULL;
    if (f)
        fclose(f);
    return all;
}

/* The header line alone (a joiner does not read the records): "" for an empty file. */
static char *read_header(size_t *len)
{
    FILE *f = from_start();
    if (!f)
        return NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(line);
        return NULL;
    }
    if (n <= 0) { /* an empty file: no header */
        free(line);
        line = calloc(1, 1);
        n = 0;
    }
    *len = (size_t)n;
    return line;
}

int ac_runfile_join(const char *prog, const char *path, const char *kernel, json_t *selected)
{
    rf.prog = prog;
    int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0 || !take_file(fd, path)) {
        fprintf(stderr,
                "%s: cannot join the run in %s (%s=1): %s: no run is open there (ctest's "
                "records/start or --afterclose-open opens one)\n",
                prog, path, AC_RESULTS_JOIN_ENV, strerror(errno));
        return AC_EXIT_UNUSABLE;
    }
    size_t len;
    char *text = read_header(&len), err[512] = "";
    struct ac_set set = {0};
    bool ok = text && ac_set_parse(text, len, path, AC_SET_OPEN, &set, err, sizeof err);
    free(text);
    const char *was = ok ? json_string_value(ac_set_header_get(&set, "kernel")) : NULL;
    if (ok && strcmp(was, kernel))
        snprintf(err, sizeof err, "its run is of kernel %s, this is kernel %s", was, kernel);
    json_t *in = json_object(), *t;
    size_t i;
    json_array_foreach(ac_set_header_get(&set, "selected"), i, t)
    {
        json_object_set(in, json_string_value(t), json_true());
    }
    json_array_foreach(selected, i, t)
    {
        if (ok && !err[0] && !json_object_get(in, json_string_value(t)))
            snprintf(err, sizeof err, "run %s does not select %s (it selects %zu tests)",
                     ac_set_run(&set), json_string_value(t), json_object_size(in));
    }
    json_decref(in);
    if (ok && !err[0])
        snprintf(rf.run, sizeof rf.run, "%s", ac_set_run(&set));
    ac_set_clear(&set);
    if (!err[0] && !ok)
        snprintf(err, sizeof err, "%s: cannot read its header", path);
    if (err[0]) {
        fprintf(stderr, "%s: cannot join the run in %s: %s\n", prog, path, err);
        close(rf.fd);
        rf.fd = -1;
        return AC_EXIT_UNUSABLE;
    }
    return 0;
}

/* say: a line on stdout for the opener's --afterclose-seal ("sealed", "sealed already"). */
static int seal(bool say)
{
    if (!still_ours())
        return AC_EXIT_UNUSABLE;
    size_t len;
    char *text = read_back(&len), err[1024] = "", names[512];
    struct ac_set set = {0};
    bool ok = text && ac_set_parse(text, len, rf.path, AC_SET_OPEN, &set, err, sizeof err);
    free(text);
    if (!text)
        snprintf(err, sizeof err, "%s: %s", rf.path, strerror(errno));
    json_t *missing = ok ? ac_set_missing(&set) : NULL;
    if (ok && rf.run[0] && strcmp(ac_set_run(&set), rf.run)) {
        snprintf(err, sizeof err, "%s holds run %s, not this one (%s): it was rewritten", rf.path,
                 ac_set_run(&set), rf.run);
    } else if (ok && set.seal) {
        if (say)
            printf("afterclose: run %s in %s is sealed already\n", ac_set_run(&set), rf.path);
    } else if (ok && json_array_size(missing)) {
        ac_set_names(missing, 5, names, sizeof names);
        snprintf(err, sizeof err,
                 "%s: run %s did not finish: %zu of %zu selected tests have no record (%s)",
                 rf.path, ac_set_run(&set), json_array_size(missing),
                 json_array_size(ac_set_header_get(&set, "selected")), names);
    } else if (ok) {
        snprintf(rf.run, sizeof rf.run, "%s", ac_set_run(&set));
        json_t *seal = ac_set_seal_line(rf.run, set.records);
        int werr = ac_record_write(rf.fd, seal);
        json_decref(seal);
        if (werr)
            snprintf(err, sizeof err, "%s: %s", rf.path, strerror(-werr));
        else if (say)
            printf("afterclose: run %s sealed in %s: %zu records\n", rf.run, rf.path,
                   json_array_size(set.records));
    }
    json_decref(missing);
    ac_set_clear(&set);
    if (err[0])
        fprintf(stderr, "%s: no seal: %s\n", rf.prog, err);
    return err[0] ? AC_EXIT_UNUSABLE : 0;
}

int ac_runfile_seal_path(const char *prog, const char *path)
{
    rf.prog = prog;
    int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0 || !take_file(fd, path)) {
        fprintf(stderr, "%s: no seal: %s: %s\n", prog, path, strerror(errno));
        return AC_EXIT_UNUSABLE;
    }
    return seal(true);
}

int ac_runfile_seal(void)
{
    return seal(false);
}

const char *ac_runfile_run(void)
{
    return rf.run;
}

void ac_runfile_close(void)
{
    if (rf.fd >= 0)
        close(rf.fd);
    rf.fd = -1;
}
