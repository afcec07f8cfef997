/* libFuzzer target: the KTAP and JUnit writers (tools/export) on any records the reader
 * accepts. Beyond "no crash": the KTAP starts with its version line and plans one line per
 * suite, and the JUnit has one <testcase> per record. */
#include "../export/export.h"
#include "results.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512] = "";
    json_t *all = ac_results_parse((const char *)data, size, "fuzz.jsonl", err, sizeof err);
    if (!all)
        return 0;
    struct ac_export x = {0};
    if (!ac_export_from(&x, all, "fuzz", false))
        __builtin_trap(); /* the reader accepted at least one record */
    char *ktap = NULL, *xml = NULL;
    size_t klen = 0, xlen = 0;
    FILE *f = open_memstream(&ktap, &klen);
    ac_ktap_write(f, &x);
    fclose(f);
    f = open_memstream(&xml, &xlen);
    ac_junit_write(f, &x);
    fclose(f);
    char plan[64];
    snprintf(plan, sizeof plan, "\n1..%zu\n", x.nsuites);
    if (strncmp(ktap, "KTAP version 1\n", 15) != 0 || !strstr(ktap, plan) ||
        count(ktap, "\n    KTAP version 1\n") != x.nsuites)
        __builtin_trap();
    if (count(xml, "<testcase ") != x.n || strlen(xml) != xlen)
        __builtin_trap(); /* a record lost, or a NUL written into the XML */
    free(ktap);
    free(xml);
    ac_export_free(&x);
    return 0;
}
