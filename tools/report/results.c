#define _GNU_SOURCE
#include "results.h"

#include "readall.h"

#include <stdlib.h>
#include <string.h>

static const char *const required[] = {"test",     "kernel",  "iface_kind", "expected",
                                       "observed", "verdict", "reason"};
static const char *const verdicts[] = {"pass", "fail", "skip", "crash", "timeout"};

static int valid_record(json_t *rec, char *what, size_t len)
{
    if (!json_is_object(rec)) {
        snprintf(what, len, "not a JSON object");
        return 0;
    }
    if (json_integer_value(json_object_get(rec, "schema")) != 1) {
        snprintf(what, len, "schema is not 1");
        return 0;
    }
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        if (!json_is_string(json_object_get(rec, required[i]))) {
            snprintf(what, len, "field \"%s\" missing or not a string", required[i]);
            return 0;
        }
    }
    const char *v = json_string_value(json_object_get(rec, "verdict"));
    for (size_t i = 0; i < sizeof verdicts / sizeof *verdicts; i++)
        if (strcmp(v, verdicts[i]) == 0)
            return 1;
    /* The value comes from the file: keep the error one printable line. */
    char shown[40];
    size_t n = 0;
    for (; v[n] && n < sizeof shown - 1; n++)
        shown[n] = (unsigned char)v[n] < 0x20 || v[n] == 0x7f ? '?' : v[n];
    shown[n] = '\0';
    snprintf(what, len, "unknown verdict \"%s%s\"", shown, v[n] ? "..." : "");
    return 0;
}

json_t *ac_results_parse(const char *data, size_t len, const char *name, char *err, size_t errlen)
{
    json_t *all = json_array();
    size_t line = 0, pos = 0;
    while (pos < len) {
        line++;
        const char *start = data + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (!nl) {
            snprintf(err, errlen, "%s:%zu: truncated: the last line has no newline", name, line);
            json_decref(all);
            return NULL;
        }
        json_error_t je;
        json_t *rec = json_loadb(start, n, 0, &je);
        char what[160];
        if (!rec) {
            snprintf(err, errlen, "%s:%zu: not JSON: %s", name, line, je.text);
            json_decref(all);
            return NULL;
        }
        if (!valid_record(rec, what, sizeof what)) {
            snprintf(err, errlen, "%s:%zu: not a result record: %s", name, line, what);
            json_decref(rec);
            json_decref(all);
            return NULL;
        }
        json_array_append_new(all, rec);
    }
    if (json_array_size(all) == 0) {
        snprintf(err, errlen, "%s: no records: nothing ran", name);
        json_decref(all);
        return NULL;
    }
    return all;
}

json_t *ac_results_read(FILE *f, const char *name, char *err, size_t errlen)
{
    size_t len = 0;
    char *buf = ac_read_stream(f, &len);
    json_t *all = NULL;
    if (!buf)
        snprintf(err, errlen, "%s: read error", name);

    else
        all = ac_results_parse(buf, len, name, err, errlen);
    free(buf);
    return all;
}
