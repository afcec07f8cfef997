/* libFuzzer target, structure-aware: afterclose-docs end to end. The input drives fuzz_gen.c
 * into the generator's inputs: a describe list and a claims file over a small pool of test
 * names, optional topics, a --host results file, up to two labelled --results files and a
 * compat-matrix.json whose cells are generated records, all mostly well-formed with fuzzed
 * values and types. The generator's own main() runs on them, so the record-consuming paths
 * (results and matrix loading, expected-results.md, blog-claims.md, close-states.dot,
 * compat-matrix.html) are reached. Checked besides memory errors and leaks: exit 0, 1 or 2;
 * written docs have no control character but newlines (tabs in the .dot's labels are
 * not from data either), Markdown tables keep their cell count, HTML cells are balanced. */
#define _GNU_SOURCE
#include "fuzz_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The generator's main() under another name: this target calls it like ci/gen-docs would. */
#define main afterclose_docs_main
#include "../docs/main.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const meanings[] = {"holds", "false", "conditional", "maybe"};

/* A claim's meaning: now and then one the generator does not know. */
static const char *meaning(struct fz *in)
{
    return fz_chance(in, 3) ? meanings[3] : meanings[fz_pick(in, 3)];
}

/* A string value, or now and then another type (or nothing) for key. */
static void put_text(struct fz *in, json_t *o, const char *key, const char *value)
{
    unsigned b = fz_byte(in);
    if (b < 1)
        return;
    if (b < 2) {
        json_object_set_new(o, key, fz_any(in, 1));
        return;
    }
    char *t = value ? NULL : fz_text(in, 5);
    if (t && !*t) { /* an empty text is a missing one: keep most inputs usable */
        free(t);
        t = strdup("rule");
    }
    json_object_set_new(o, key, json_string(value ? value : t));
    free(t);
}

static json_t *describe(struct fz *in)
{
    json_t *all = json_array(), *seen = json_object();
    char name[128];
    for (size_t i = 1 + fz_pick(in, 5); i > 0; i--) {
        const char *n = fz_test_name(in, name, sizeof name);
        if (json_object_get(seen, n) && !fz_chance(in, 16))
            continue; /* a test listed twice, now and then */
        json_object_set_new(seen, n, json_true());
        json_t *t = json_object();
        char *suite = strndup(n, strcspn(n, "/"));
        put_text(in, t, "test", n);
        put_text(in, t, "suite", suite);
        put_text(in, t, "description", NULL);
        put_text(in, t, "suite_description", NULL);
        put_text(in, t, "source", fz_chance(in, 8) ? NULL : "suites/demo.c:12");
        static const char *const results[] = {"OK", "EADDRINUSE", "E42", "EWHAT"};
        if (fz_chance(in, 128))
            put_text(in, t, "expected", results[fz_pick(in, 4)]);
        if (fz_chance(in, 128)) { /* a cell of the conflict grid, now and then a bad axis */
            static const char *const reuse[] = {"none", "old", "new", "both", "all"};
            static const char *const address[] = {"same", "other", "wildcard", "any"};
            json_t *grid = json_object();
            put_text(in, grid, "state", fz_chance(in, 16) ? NULL : "time_wait");
            put_text(in, grid, "reuse", reuse[fz_pick(in, 5)]);
            put_text(in, grid, "address", address[fz_pick(in, 4)]);
            json_object_set_new(t, "grid", grid);
        }
        free(suite);
        json_array_append_new(all, t);
    }
    json_decref(seen);
    return all;
}

static json_t *claims(struct fz *in)
{
    json_t *list = json_array();
    char name[128];
    for (size_t i = 1 + fz_pick(in, 3); i > 0; i--) {
        json_t *c = json_object(), *ev = json_array();
        static const char *const ids[] = {"c1", "c2", "c3", "c4", "c5", "c6", "c7", NULL};
        put_text(in, c, "id", fz_chance(in, 8) ? NULL : ids[fz_pick(in, 7)]);
        put_text(in, c, "claim", NULL);
        put_text(in, c, "explained_as", meaning(in));
        put_text(in, c, "explanation", NULL);
        for (size_t k = 1 + fz_pick(in, 3); k > 0; k--) {
            const char *test = fz_test_name(in, name, sizeof name);
            const char *means = meaning(in);
            json_array_append_new(ev, json_pack("{s:s, s:s}", "test", test, "pass_means", means));
        }
        json_object_set_new(c, "evidence", ev);
        json_array_append_new(list, c);
    }
    json_t *all = json_object();
    put_text(in, all, "about", NULL);
    json_object_set_new(all, "claims", list);
    return all;
}

static json_t *topics(struct fz *in)
{
    json_t *list = json_array();
    static const char *const suites[] = {"timewait", "reuseaddr", "demo", NULL};
    for (size_t i = fz_pick(in, 4); i > 0; i--) {
        json_t *t = json_object();
        put_text(in, t, "suite", suites[fz_pick(in, 4)]);
        put_text(in, t, "title", NULL);
        json_array_append_new(list, t);
    }
    return json_pack("{s:o}", "topics", list);
}

/* compat-matrix.json as tools/matrix writes it, cells from generated records. */
static json_t *matrix(struct fz *in)
{
    static const char *const ids[] = {"5.10", "6.1", "host", "7 <b>|</b>"};
    json_t *cols = json_array(), *rows = json_array();
    size_t ncols = 1 + fz_pick(in, 3);
    for (size_t j = 0; j < ncols; j++)
        json_array_append_new(cols,
                              json_pack("{s:s, s:s, s:s}", "id", ids[j], "release", "9.9.9-fuzz",
                                        "kind", strcmp(ids[j], "host") ? "qemu" : "host"));
    for (size_t i = fz_pick(in, 5); i > 0; i--) {
        json_t *cells = json_object();
        json_t *rec = fz_record(in, "9.9.9-fuzz");
        for (size_t j = 0; j < ncols; j++) {
            json_t *cell = json_object();
            if (fz_chance(in, 24)) {
                json_object_set_new(cell, "verdict", json_string("missing"));
            } else {
                static const char *const keys[] = {"verdict", "observed", "reason", "iface_kind",
                                                   "checks"};
                for (size_t k = 0; k < 5; k++)
                    if (json_object_get(rec, keys[k]))
                        json_object_set(cell, keys[k], json_object_get(rec, keys[k]));
            }
            json_object_set_new(cells, ids[j], cell);
        }
        json_t *test = json_object_get(rec, "test");
        json_array_append_new(rows, json_pack("{s:O?, s:O?, s:b, s:o}", "test", test, "expected",
                                              json_object_get(rec, "expected"), "differs", 0,
                                              "cells", cells));
        json_decref(rec);
    }
    return json_pack("{s:i, s:o, s:o}", "schema", 1, "columns", cols, "rows", rows);
}

static void put_json(const char *path, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    fz_put(path, s ? s : "", s ? strlen(s) : 0);
    free(s);
    json_decref(j);
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p++)
        n++;
    return n;
}

/* A written doc: present, no control characters, tables and cells intact. */
static void check_doc(const char *dir, const char *name)
{
    char path[512];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = fz_slurp(path, &len);
    if (!text || strlen(text) != len || !fz_no_control(text, false))
        __builtin_trap();
    if (strstr(name, ".md") && !fz_md_tables_consistent(text))
        __builtin_trap(); /* a value broke a Markdown table */
    if (strstr(name, ".html") &&
        (count(text, "<td") != count(text, "</td>") || count(text, "<tr") != count(text, "</tr>")))
        __builtin_trap(); /* a value opened or closed an HTML cell */
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool quiet;
    if (!quiet) { /* the summary line, for every input */
        if (!freopen("/dev/null", "w", stdout))
            abort();
        quiet = true;
    }
    struct fz in = {data, size, false};
    const char *dir = fz_scratch("docs");
    char p[7][256];
    const char *names[] = {"describe.json", "claims.json", "topics.json", "host.jsonl",
                           "r1.jsonl",      "r2.jsonl",    "matrix.json"};
    for (int i = 0; i < 7; i++)
        snprintf(p[i], sizeof p[i], "%s/%s", dir, names[i]);
    char out[256];
    snprintf(out, sizeof out, "%s/out", dir);

    put_json(p[0], describe(&in));
    put_json(p[1], claims(&in));
    char *argv[24] = {"afterclose-docs", "--describe", p[0], "--claims", p[1], "--out", out};
    int argc = 7;
    unsigned what = fz_byte(&in);
    if (what & 1) {
        put_json(p[2], topics(&in));
        argv[argc++] = "--topics";
        argv[argc++] = p[2];
    }
    for (int i = 0; i < 3; i++) {
        if (i > 0 && !(what & (2u << i)))
            continue;
        size_t len;
        char *f = fz_results_file(&in, i == 0 ? "6.1.0-fuzz" : "6.12.0-fuzz", &len);
        fz_put(p[3 + i], f, len);
        free(f);
        if (i == 0) {
            argv[argc++] = "--host";
            argv[argc++] = p[3];
            continue;
        }
        /* LABEL=FILE: its own label, now and then one to escape, the other file's, an empty
         * one, none (then the kernel's, the same for both) */
        static const char *const label[] = {"6.12=", "7=", "a<b>|c=", "=", ""};
        static char spec[2][320];
        const char *l = fz_chance(&in, 16) ? label[fz_pick(&in, 5)] : label[i - 1];
        snprintf(spec[i - 1], sizeof spec[i - 1], "%s%s", l, p[3 + i]);
        argv[argc++] = "--results";
        argv[argc++] = spec[i - 1];
    }
    if (what & 16) {
        put_json(p[6], matrix(&in));
        argv[argc++] = "--matrix";
        argv[argc++] = p[6];
    }

    int rc = afterclose_docs_main(argc, argv);
    if (rc < 0 || rc > 2)
        __builtin_trap();
    if (rc != 2) {
        check_doc(out, "expected-results.md");
        check_doc(out, "blog-claims.md");
        check_doc(out, "close-states.dot");
        check_doc(out, "compat-matrix.html");
    }
    return 0;
}
