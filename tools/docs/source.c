/* Linking a docs row to its test's source. Criterion records where Test() was expanded; for
 * tests generated from an X-macro table that is the expansion, not the row, so the row is
 * looked up by the test's name (or its stem, for rows whose suffix the table's macro derives)
 * in the file when the file can be read (ci/gen-docs runs in the checkout). The link is relative to
 * the repository root, so it stays the same on every machine. */
#define _GNU_SOURCE
#include "docs.h"

#include <stdlib.h>
#include <string.h>

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The first line of path holding name as a whole word, or 0. */
static unsigned line_of(const char *path, const char *name)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0, len = strlen(name);
    unsigned no = 0, found = 0;
    while (!found && getline(&line, &cap, f) > 0) {
        no++;
        for (char *p = strstr(line, name); p && !found; p = strstr(p + 1, name))
            if ((p == line || !word_char(p[-1])) && !word_char(p[len]))
                found = no;
    }
    free(line);
    fclose(f);
    return found;
}

char *test_source_link(json_t *t)
{
    const char *src = json_string_value(json_object_get(t, "source"));
    const char *test = json_string_value(json_object_get(t, "test"));
    const char *colon = src ? strrchr(src, ':') : NULL;
    if (!colon || !test)
        return NULL;
    char *path = strndup(src, (size_t)(colon - src));
    unsigned line = (unsigned)strtoul(colon + 1, NULL, 10);
    const char *slash = strchr(test, '/');
    const char *name = slash ? slash + 1 : test;
    unsigned row = line_of(path, name);
    /* a table row gives the name's stem; the macro adds _fails or _succeeds from its errno */
    static const char *const suffixes[] = {"_fails", "_succeeds"};
    for (size_t i = 0; !row && i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t n = strlen(name), k = strlen(suffixes[i]);
        if (n > k && strcmp(name + n - k, suffixes[i]) == 0) {
            char *stem = strndup(name, n - k);
            row = line_of(path, stem);
            free(stem);
        }
    }
    /* repository-relative: from the last top-level folder of the project in the path */
    const char *rel = path;
    static const char *const tops[] = {"/suites/", "/harness/"};
    for (size_t i = 0; i < sizeof tops / sizeof *tops; i++) {
        const char *p = strstr(path, tops[i]);
        if (p)
            rel = p + 1;
    }
    char *out;
    if (asprintf(&out, "%s#L%u", rel, row ? row : line) < 0)
        out = NULL;
    free(path);
    return out;
}
