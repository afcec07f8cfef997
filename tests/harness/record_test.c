/* The result record (docs/results-format.md): what the matrix and the docs are built from. */
#include "../../harness/record.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *str(json_t *rec, const char *key)
{
    json_t *v = json_object_get(rec, key);
    cr_assert(json_is_string(v), "field %s missing or not a string", key);
    return json_string_value(v);
}

Test(record, joins_checks_in_order)
{
    const char *obs = "{\"iface_kind\":\"veth\"}\n"
                      "{\"step\":\"bind\",\"expected\":\"EADDRINUSE\",\"observed\":\"EADDRINUSE\","
                      "\"ok\":true}\n"
                      "{\"step\":\"listen\",\"expected\":\"OK\",\"observed\":\"OK\",\"ok\":true}\n";
    json_t *rec = ac_record_build("timewait/x", "6.1.0", "pass", "", obs);
    cr_assert_eq(json_integer_value(json_object_get(rec, "schema")), AC_RESULTS_SCHEMA);
    cr_assert_str_eq(str(rec, "test"), "timewait/x");
    cr_assert_str_eq(str(rec, "kernel"), "6.1.0");
    cr_assert_str_eq(str(rec, "iface_kind"), "veth");
    cr_assert_str_eq(str(rec, "expected"), "bind EADDRINUSE; listen OK");
    cr_assert_str_eq(str(rec, "observed"), "bind EADDRINUSE; listen OK");
    cr_assert_str_eq(str(rec, "verdict"), "pass");
    cr_assert_str_eq(str(rec, "reason"), "");
    cr_assert_eq(json_array_size(json_object_get(rec, "checks")), 2);
    json_decref(rec);
}

Test(record, crash_mid_line_keeps_earlier_checks)
{
    const char *obs = "{\"step\":\"bind\",\"expected\":\"OK\",\"observed\":\"OK\",\"ok\":true}\n"
                      "{\"step\":\"listen\",\"exp";
    json_t *rec = ac_record_build("s/t", "k", "crash", "crashed", obs);
    cr_assert_str_eq(str(rec, "verdict"), "crash");
    cr_assert_str_eq(str(rec, "reason"), "crashed");
    cr_assert_str_eq(str(rec, "observed"), "bind OK");
    cr_assert_str_eq(str(rec, "iface_kind"), "none");
    json_decref(rec);
}

Test(record, failure_message_becomes_reason)
{
    const char *obs = "{\"step\":\"bind\",\"expected\":\"OK\",\"observed\":\"EADDRINUSE\","
                      "\"ok\":false}\n"
                      "{\"failure\":\"bind: expected OK, got EADDRINUSE\"}\n";
    json_t *rec = ac_record_build("s/t", "k", "fail", NULL, obs);
    cr_assert_str_eq(str(rec, "reason"), "bind: expected OK, got EADDRINUSE");
    json_decref(rec);
}

Test(record, no_observations_at_all)
{
    json_t *rec = ac_record_build("s/t", "k", "skip", "no namespace", NULL);
    cr_assert_str_eq(str(rec, "expected"), "");
    cr_assert_str_eq(str(rec, "reason"), "no namespace");
    json_decref(rec);
}

Test(record, append_writes_one_line_each)
{
    char path[] = "/tmp/ac-record-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    json_t *rec = ac_record_build("s/t", "k", "pass", "", NULL);
    cr_assert_eq(ac_record_append(path, rec), 0);
    cr_assert_eq(ac_record_append(path, rec), 0);
    json_decref(rec);

    FILE *f = fopen(path, "r");
    char line[4096];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t e;
        json_t *back = json_loads(line, 0, &e);
        cr_assert(back, "line %d is not JSON: %s", lines + 1, e.text);
        json_decref(back);
        lines++;
    }
    fclose(f);
    unlink(path);
    cr_assert_eq(lines, 2);
}
