/* The byte-driven generator of results records and the output checks (see fuzz_gen.h). Every
 * byte is taken in its own statement: two takes in one argument list would be evaluated in an
 * order the compiler picks, and the same input would generate different files under gcc
 * (the corpus replay) and clang (the fuzzer). */
#define _GNU_SOURCE
#include "fuzz_gen.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

unsigned fz_byte(struct fz *in)
{
    if (!in->n)
        return 255; /* past the end: no flaws (fz_chance is false), fixed choices */
    in->n--;
    return *in->p++;
}

size_t fz_pick(struct fz *in, size_t n)
{
    return n ? fz_byte(in) % n : 0;
}

bool fz_chance(struct fz *in, unsigned k)
{
    return fz_byte(in) < k;
}

/* What real records hold, and what breaks Markdown, HTML, terminals and naive parsers. */
static const char *const pieces[] = {
    "bind",      "connect", "listen",     "state of ", "server end", "client end",
    " after ",   ", ",      "EADDRINUSE", "OK",        "TIME_WAIT",  "FIN_WAIT1",
    "FIN_WAIT2", "CLOSING", "CLOSE_WAIT", "LAST_ACK",  "gone",       "ESTABLISHED",
    "0.0.0.0",   ":",       "9999",       "43512",     "127.0.0.1",  "192.168.1.100",
    "5",         "a",       "_",          "/",         "|",          "\n",
    "\r",        "\t",      "\x1b[31m",   "\x07",      "\x7f",       "<",
    ">",         "&",       "\"",         "'",         "`",          "\\",
    "*",         "#",       "é",          "…",         "😀",          " ",
    "<td>",      "</td>",   "<br>",       "**",        "fails",      "succeeds"};
#define NPIECES (sizeof pieces / sizeof *pieces)

char *fz_text(struct fz *in, size_t max)
{
    size_t n = fz_pick(in, max + 1), len = 0;
    char *out = calloc(1, n * 16 + 1);
    for (size_t i = 0; i < n; i++) {
        const char *p = pieces[fz_pick(in, NPIECES)];
        memcpy(out + len, p, strlen(p));
        len += strlen(p);
    }
    return out;
}

/* A flaw, in wild mode only: a tame record (most of them) is valid by construction, so that
 * files of several records still reach the consumers; a wild one has flaws at about k/256 per
 * decision, which is how the readers' refusals are reached. */
static bool flaw(struct fz *in, unsigned k)
{
    return in->wild && fz_chance(in, k);
}

static const char *const suites[] = {"timewait", "reuseaddr", "demo", "fds"};
static const char *const tests[] = {"rebind_same_addr_fails",
                                    "bind_other_addr_succeeds",
                                    "close_then_listen_succeeds",
                                    "x",
                                    "y",
                                    "z",
                                    "a_b",
                                    "c"};

const char *fz_test_name(struct fz *in, char *buf, size_t len)
{
    if (flaw(in, 48)) { /* anything, even without a '/' */
        char *t = fz_text(in, 4);
        snprintf(buf, len, "%s", t);
        free(t);
    } else {
        size_t suite = fz_pick(in, 4), test = fz_pick(in, 8);
        snprintf(buf, len, "%s/%s", suites[suite], tests[test]);
    }
    return buf;
}

void fz_write_pool(FILE *f)
{
    for (size_t i = 0; i < 4; i++)
        for (size_t k = 0; k < 8; k++)
            fprintf(f, "%s/%s\n", suites[i], tests[k]);
}

json_t *fz_any(struct fz *in, int depth)
{
    switch (fz_pick(in, depth > 0 ? 8 : 6)) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(fz_byte(in) & 1);
    case 2:
        return json_integer((json_int_t)fz_byte(in) - 128);
    case 3:
        return json_real(fz_byte(in) / 7.0);
    case 4:
    case 5: {
        char *t = fz_text(in, 3);
        json_t *s = json_string(t);
        free(t);
        return s;
    }
    case 6: {
        json_t *a = json_array();
        for (size_t i = fz_pick(in, 4); i > 0; i--)
            json_array_append_new(a, fz_any(in, depth - 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (size_t i = fz_pick(in, 4); i > 0; i--) {
            static const char *const keys[] = {"step", "expected", "observed", "ok", "x"};
            const char *key = keys[fz_pick(in, 5)];
            json_object_set_new(o, key, fz_any(in, depth - 1));
        }
        return o;
    }
    }
}

/* A string field: the given value or text; in wild mode now and then missing or another type. */
static void set_text(struct fz *in, json_t *o, const char *key, const char *value, size_t pieces)
{
    if (flaw(in, 12))
        return; /* missing */
    if (flaw(in, 12)) {
        json_object_set_new(o, key, fz_any(in, 2));
        return;
    }
    if (value) {
        json_object_set_new(o, key, json_string(value));
        return;
    }
    char *t = fz_text(in, pieces);
    json_object_set_new(o, key, json_string(t));
    free(t);
}

static json_t *fz_check(struct fz *in, bool must_hold)
{
    if (flaw(in, 12))
        return fz_any(in, 2);
    json_t *c = json_object();
    /* the last of each (NULL): free text */
    static const char *const steps[] = {"bind 192.168.1.100:9999",
                                        "state of server end",
                                        "state of client end after its close()",
                                        "listen",
                                        "TIME_WAIT of the server gone",
                                        NULL};
    static const char *const values[] = {"EADDRINUSE", "OK",       "TIME_WAIT", "FIN_WAIT1",
                                         "CLOSE_WAIT", "LAST_ACK", "gone",      NULL};
    set_text(in, c, "step", steps[fz_pick(in, 6)], 6);
    set_text(in, c, "expected", values[fz_pick(in, 8)], 3);
    bool ok = must_hold || (fz_byte(in) & 1);
    set_text(in, c, "observed", ok ? json_string_value(json_object_get(c, "expected")) : NULL, 3);
    if (flaw(in, 12))
        json_object_set_new(c, "ok", fz_any(in, 1));
    else if (!flaw(in, 12))
        json_object_set_new(c, "ok", json_boolean(ok || flaw(in, 32)));
    return c;
}

json_t *fz_record(struct fz *in, const char *kernel)
{
    static const char *const verdicts[] = {"pass", "fail", "skip", "crash", "timeout", "broken"};
    static const char *const kinds[] = {"veth", "dummy", "none", NULL};
    char name[128];
    in->wild = fz_byte(in) < 32;
    json_t *r = json_object();
    if (!flaw(in, 12))
        json_object_set_new(r, "schema", flaw(in, 12) ? fz_any(in, 1) : json_integer(1));
    if (!flaw(in, 12))
        json_object_set_new(r, "test", json_string(fz_test_name(in, name, sizeof name)));
    set_text(in, r, "kernel", flaw(in, 24) ? NULL : kernel, 3);
    set_text(in, r, "iface_kind", kinds[fz_pick(in, 4)], 2);
    const char *v = flaw(in, 24) ? NULL : verdicts[fz_pick(in, 6)];
    set_text(in, r, "verdict", v, 2);
    set_text(in, r, "expected", NULL, 4);
    set_text(in, r, "observed", NULL, 4);
    set_text(in, r, "reason", v && strcmp(v, "pass") ? NULL : "", 6);
    bool pass = v && !strcmp(v, "pass");
    if (flaw(in, 12)) {
        json_object_set_new(r, "checks", fz_any(in, 2));
    } else if (!flaw(in, 12)) {
        json_t *checks = json_array();
        size_t n = fz_pick(in, 5);
        n += pass && !flaw(in, 32);
        for (size_t i = n; i > 0; i--)
            json_array_append_new(checks, fz_check(in, pass && !flaw(in, 32)));
        json_object_set_new(r, "checks", checks);
    }
    if (fz_chance(in, 16))
        json_object_set_new(r, "elapsed_ms", fz_any(in, 0));
    in->wild = false;
    return r;
}

/* A tame file holds each test once: a repeated name becomes the first of the pool not used yet
 * (the input's bytes may have run out, and then every pick is the same). */
static void unique_test(json_t *rec, json_t *seen)
{
    const char *t = json_string_value(json_object_get(rec, "test"));
    char name[128];
    for (size_t i = 0; t && json_object_get(seen, t) && i < 32; i++) {
        snprintf(name, sizeof name, "%s/%s", suites[i / 8], tests[i % 8]);
        if (!json_object_get(seen, name)) {
            json_object_set_new(rec, "test", json_string(name));
            t = json_string_value(json_object_get(rec, "test"));
        }
    }
    if (t)
        json_object_set_new(seen, t, json_true());
}

char *fz_results_file(struct fz *in, const char *kernel, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    char *last = NULL;
    /* a wild file repeats a record, holds an interrupted marker, a line that is not JSON, or
     * lacks its last newline */
    bool wild = fz_byte(in) < 48;
    json_t *seen = json_object();
    for (size_t i = wild ? fz_pick(in, 7) : 1 + fz_pick(in, 6); i > 0; i--) {
        unsigned what = wild ? fz_byte(in) : 255;
        if (what < 32 && last) {
            fputs(last, f); /* the same record again */
        } else if (what < 48) {
            fputs("{\"interrupted\":\"SIGTERM\"}", f);
        } else if (what < 56) {
            char *t = fz_text(in, 4);
            fputs(t, f);
            free(t);
        } else {
            json_t *r = fz_record(in, kernel);
            if (!wild)
                unique_test(r, seen);
            free(last);
            last = json_dumps(r, JSON_COMPACT);
            fputs(last, f);
            json_decref(r);
        }
        if (i > 1 || !wild || !fz_chance(in, 32))
            fputc('\n', f);
    }
    free(last);
    json_decref(seen);
    fclose(f);
    return buf;
}

void fz_put(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "w");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        abort(); /* the scratch directory is broken: not a finding about the input */
}

char *fz_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = NULL;
    *len = 0;
    FILE *mem = open_memstream(&buf, len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(f);
    fclose(mem);
    return buf;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type;
    if (ftw->level > 0)
        remove(path);
    return 0;
}

static char scratch[128];

static void remove_scratch(void)
{
    nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    rmdir(scratch);
}

const char *fz_scratch(const char *tag)
{
    if (!scratch[0]) {
        /* /dev/shm when there is one: every input writes a few files */
        snprintf(scratch, sizeof scratch, "%s/afterclose-fuzz-%s.XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", tag);
        if (!mkdtemp(scratch))
            abort();
        atexit(remove_scratch);
    }
    nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return scratch;
}

bool fz_no_control(const char *s, bool allow_tab)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\n' && !(allow_tab && *s == '\t')) || *s == 0x7f)
            return false;
    return true;
}

/* Unescaped | outside code spans do not matter here: GFM splits cells on every | that is not
 * preceded by a backslash, code spans included. */
static size_t cells_of(const char *line, size_t n)
{
    size_t bars = 0;
    for (size_t i = 0; i < n; i++)
        bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    return bars;
}

bool fz_md_tables_consistent(const char *text)
{
    size_t header = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        if (n && line[0] == '|') {
            size_t bars = cells_of(line, n);
            if (!header)
                header = bars;
            else if (bars != header)
                return false;
        } else {
            header = 0; /* a table ends at the first line that is not a row */
        }
        line += n + (end ? 1 : 0);
    }
    return true;
}
