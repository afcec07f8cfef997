/* libFuzzer target: the known-deviations reader (results/deviation.c) on arbitrary bytes.
 * A rejected file must come with one error line naming it; an accepted one is applied to a
 * record of one of its own tests (deciding it must neither crash nor mark a skip). */
#include "deviation.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024] = "";
    json_t *entries = ac_deviations_parse((const char *)data, size, "fuzz.json", err, sizeof err);
    if (!entries) {
        if (strncmp(err, "fuzz.json", 9) != 0 || strchr(err, '\n'))
            __builtin_trap(); /* no error line, or more than one */
        return 0;
    }
    json_t *first = json_array_get(json_object_get(json_array_get(entries, 0), "tests"), 0);
    json_t *records = json_pack("[{s:O?, s:s, s:s, s:[{s:s, s:s, s:s, s:b, s:{s:s}}]},"
                                " {s:O?, s:s, s:s, s:[]}]",
                                "test", first, "kernel", "5.10.0-46-cloud-amd64", "verdict", "fail",
                                "checks", "kind", "packet", "role", "claim", "subject", "listener",
                                "ok", 0, "observed_value", "text", "x", "test", first, "kernel",
                                "6.1.0", "verdict", "skip", "checks");
    ac_deviations_mark(entries, records);
    if (ac_known_of(json_array_get(records, 1), NULL) != AC_KNOWN_NONE)
        __builtin_trap(); /* a skip is never a known deviation */
    json_decref(records);
    json_decref(entries);
    return 0;
}
