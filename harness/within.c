#define _GNU_SOURCE
#include "within.h"

#include "record.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>

void ac_within_range_text(char *buf, size_t len, long lo_ms, long hi_ms)
{
    snprintf(buf, len, "%g..%g s", lo_ms / 1000.0, hi_ms / 1000.0);
}

void ac_within_seconds_text(char *buf, size_t len, long ms)
{
    long s = ms >= 0 ? (ms + 500) / 1000 : -((-ms + 500) / 1000);
    snprintf(buf, len, "%ld s", s);
}

void ac_expect_within_at(AC_WHERE, struct ac_about about, const char *step, long lo_ms, long hi_ms,
                         long observed_ms)
{
    char range[64], seen[64];
    ac_within_range_text(range, sizeof range, lo_ms, hi_ms);
    ac_within_seconds_text(seen, sizeof seen, observed_ms);
    bool ok = lo_ms <= observed_ms && observed_ms <= hi_ms;
    ac_record_check(about, step, range, seen, ac_value_range_ms(lo_ms, hi_ms),
                    ac_value_seconds(observed_ms), ok);
    if (!ok) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: expected %ld..%ld ms, got %ld ms", step, lo_ms, hi_ms,
                 observed_ms);
        ac_fail_with_table_at(file, line, msg);
    }
}
