/* libFuzzer target: the results-file reader (results/results.c) on arbitrary bytes.
 * Beyond "no crash, no hang": a rejected input must come with one error line naming the file,
 * and an accepted one must hold at least one valid record. */
#include "results.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    json_t *all = ac_results_parse((const char *)data, size, "fuzz.jsonl", err, sizeof err);
    if (!all) {
        if (strncmp(err, "fuzz.jsonl", 10) != 0 || strchr(err, '\n'))
            __builtin_trap(); /* no error line, or more than one */
        return 0;
    }
    if (!json_is_array(all) || json_array_size(all) == 0)
        __builtin_trap();
    json_decref(all);
    return 0;
}
