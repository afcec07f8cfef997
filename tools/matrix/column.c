/* Loading the result dirs: column.env (key=value lines from ci/matrix) and results.jsonl
 * (one JSON object per line, docs/results-format.md). */
#define _POSIX_C_SOURCE 200809L
#include "matrix.h"

#include "readall.h"
#include "results.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *meta_get(const struct column *c, const char *key)
{
    const char *v = json_string_value(json_object_get(c->meta, key));

    return v ? v : "";
}

const char *rec_str(json_t *rec, const char *key)
{
    const char *v = json_string_value(json_object_get(rec, key));

    return v ? v : "";
}

json_t *cell_record(const struct column *c, const char *test)
{
    return json_object_get(c->recs, test);
}

const char *cell_verdict(const struct column *c, const char *test)
{
    json_t *rec = cell_record(c, test);

    return rec ? rec_str(rec, "verdict") : "missing";
}

void column_iface_kinds(const struct column *c, char *out, size_t len)
{
    json_t *seen = json_object(), *rec;
    const char *test, *kind;
    size_t used = 0;

    out[0] = '\0';
    json_object_foreach(c->recs, test, rec)
    {
        kind = rec_str(rec, "iface_kind");
        if (!*kind || !strcmp(kind, "none") || json_object_get(seen, kind))
            continue;
        json_object_set_new(seen, kind, json_true());
        int w = snprintf(out + used, len - used, "%s%s", used ? ", " : "", kind);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
    json_decref(seen);
}

bool column_delivered(const struct column *c)
{
    return !strcmp(meta_get(c, "status"), "ok");
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool is_file(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    struct stat st;
    bool r = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);

    free(p);
    return r;
}

/* column.env values end up in the Markdown and JSON matrix: they must be UTF-8 (jansson
 * refuses anything else, and a refused value would silently vanish from the JSON). */
static bool load_env(struct column *c, const char *path)
{
    static const char *const required[] = {"status", "release", "kind", NULL};
    char err[512], shown[160];
    FILE *f = ac_open_regular(path, err, sizeof(err));
    char *line = NULL, *eq;
    size_t cap = 0;
    ssize_t n;
    int i;
    bool ok = true;

    if (!f) {
        errorf("%s", err);
        return false;
    }
    c->meta = json_object();
    while (ok && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0)
            continue;
        eq = strchr(line, '=');
        if (!eq || eq == line || strlen(line) != (size_t)n) {
            errorf("%s: not a key=value line: %s", path, ac_printable(line, shown, sizeof(shown)));
            ok = false;
            break;
        }
        *eq = '\0';
        if (json_object_set_new(c->meta, line, json_string(eq + 1))) {
            errorf("%s: %s: not UTF-8 text", path, ac_printable(line, shown, sizeof(shown)));
            ok = false;
        }
    }
    free(line);
    fclose(f);
    for (i = 0; ok && required[i]; i++) {
        if (!json_object_get(c->meta, required[i])) {
            errorf("%s: no %s=", path, required[i]);
            ok = false;
        }
    }
    return ok;
}

/* The column's records through the shared reader (docs/results-format.md: every record valid,
 * no test twice, no interrupted run), plus what only the matrix knows: the kernel they ran on. */
static bool load_results(struct column *c, const char *path)
{
    char err[512], shown[160], shown_release[160];
    struct stat st;
    const char *release = meta_get(c, "release");
    json_t *all, *rec;
    size_t i;

    /* A column that panicked, hung or was killed is marked as such; what its run left behind
     * (records up to the moment it stopped, an "interrupted" line) is not a result. */
    if (!column_delivered(c)) {
        c->recs = json_object();
        return true;
    }
    if (lstat(path, &st) != 0) {
        /* a column that delivered must have its file */
        c->recs = json_object();
        if (!column_delivered(c))
            return true;
        errorf("%s: missing, but column.env says status=ok", path);
        return false;
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        /* the host run leaves an empty file when the suite crashed at once */
        c->recs = json_object();
        if (!column_delivered(c))
            return true;
        errorf("%s: no records, but column.env says status=ok: nothing ran", path);
        return false;
    }
    all = ac_results_load(path, err, sizeof(err));
    if (!all) {
        errorf("%s", err);
        return false;
    }
    c->nrecs = json_array_size(all);
    json_array_foreach(all, i, rec)
    {
        /* a record from another kernel means result dirs were mixed up */
        if (strcmp(rec_str(rec, "kernel"), release)) {
            errorf("%s:%zu: record of kernel \"%s\" in the column of %s", path, i + 1,
                   ac_printable(rec_str(rec, "kernel"), shown, sizeof(shown)),
                   ac_printable(release, shown_release, sizeof(shown_release)));
            json_decref(all);
            return false;
        }
    }
    c->recs = ac_results_index(all, path, err, sizeof(err));
    json_decref(all);
    if (!c->recs) {
        errorf("%s", err);
        return false;
    }
    return true;
}

/* A column's name is its kernel series ("6.1") or "host": it becomes a JSON key and a table
 * header, so nothing that would need escaping. */
static bool valid_id(const char *id)
{
    if (!*id || strlen(id) > 32)
        return false;
    for (; *id; id++)
        if (!isalnum((unsigned char)*id) && !strchr("._-+", *id))
            return false;
    return true;
}

static bool add_column(struct table *t, const char *dir)
{
    struct column *c;
    char *env, *res;
    const char *base = strrchr(dir, '/');
    size_t i;
    bool ok;

    base = base ? base + 1 : dir;
    if (!valid_id(base)) {
        char shown[160];

        errorf("%s: a column dir is named after its kernel series or \"host\" (letters, "
               "digits, . _ - +), not \"%s\"",
               dir, ac_printable(base, shown, sizeof(shown)));
        return false;
    }
    for (i = 0; i < t->ncols; i++) {
        if (!strcmp(t->cols[i].id, base)) {
            errorf("%s: a second column named \"%s\"", dir, base);
            return false;
        }
    }
    c = realloc(t->cols, (t->ncols + 1) * sizeof(*c));
    if (!c)
        return false;
    t->cols = c;
    c = &t->cols[t->ncols++];
    memset(c, 0, sizeof(*c));
    c->id = strdup(base);
    env = path_join(dir, "column.env");
    res = path_join(dir, "results.jsonl");
    ok = c->id && env && res && load_env(c, env) && load_results(c, res);
    free(env);
    free(res);
    return ok;
}

/* 0 for a kernel series, 1 for "host", 2 for another run on the host ("host-userns"). */
static int host_rank(const char *id)
{
    return !strcmp(id, "host") ? 1 : !strncmp(id, "host-", 5) ? 2 : 0;
}

/* Series order: numeric by dotted parts ("5.10" < "6.1" < "6.12" < "7"), then the host, then
 * the host's other runs. */
static int col_cmp(const void *a, const void *b)
{
    const char *x = ((const struct column *)a)->id, *y = ((const struct column *)b)->id;
    int hx = host_rank(x), hy = host_rank(y);

    if (hx || hy)
        return hx != hy ? hx - hy : strcmp(x, y);
    while (*x && *y) {
        if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
            char *ex, *ey;
            unsigned long nx = strtoul(x, &ex, 10), ny = strtoul(y, &ey, 10);

            if (nx != ny)
                return nx < ny ? -1 : 1;
            x = ex;
            y = ey;
        } else if (*x != *y) {
            return (unsigned char)*x - (unsigned char)*y;
        } else {
            x++;
            y++;
        }
    }
    return (unsigned char)*x - (unsigned char)*y;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A dir of columns: every subdir holding a column.env, in name order. */
static bool add_dir_of_columns(struct table *t, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **grown, *sub;
    size_t n = 0, i;
    bool ok = true;

    if (!d) {
        errorf("%s: no such result dir", dir);
        return false;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        sub = path_join(dir, e->d_name);
        if (sub && is_file(sub, "column.env") &&
            (grown = realloc(names, (n + 1) * sizeof(*names)))) {
            names = grown;
            names[n++] = sub;
        } else {
            free(sub);
        }
    }
    closedir(d);
    if (!n) {
        errorf("%s: not a result dir (no column.env in it or its subdirs)", dir);
        ok = false;
    }
    qsort(names, n, sizeof(*names), name_cmp);
    for (i = 0; i < n; i++) {
        ok = ok && add_column(t, names[i]);
        free(names[i]);
    }
    free(names);
    return ok;
}

bool columns_load(struct table *t, char **paths, int npaths)
{
    int i;
    char *p;

    for (i = 0; i < npaths; i++) {
        p = paths[i];
        /* "out/6.1/" and "out/6.1" name the same column */
        while (strlen(p) > 1 && p[strlen(p) - 1] == '/')
            p[strlen(p) - 1] = '\0';
        if (!(is_file(p, "column.env") ? add_column(t, p) : add_dir_of_columns(t, p)))
            return false;
    }
    qsort(t->cols, t->ncols, sizeof(*t->cols), col_cmp);
    return true;
}
