/* Range checks for timers: the texts that go into the records and the docs. */
#include "../../harness/within.h"

#include <criterion/criterion.h>

Test(within, range_is_written_in_seconds)
{
    char buf[64];
    ac_within_range_text(buf, sizeof buf, 55000, 60000);
    cr_assert_str_eq(buf, "55..60 s");
    ac_within_range_text(buf, sizeof buf, 900, 3000);
    cr_assert_str_eq(buf, "0.9..3 s");
}

Test(within, observed_value_is_rounded_to_whole_seconds)
{
    char buf[64];
    ac_within_seconds_text(buf, sizeof buf, 59996);
    cr_assert_str_eq(buf, "60 s");
    ac_within_seconds_text(buf, sizeof buf, 1040);
    cr_assert_str_eq(buf, "1 s");
    ac_within_seconds_text(buf, sizeof buf, 1499);
    cr_assert_str_eq(buf, "1 s");
    ac_within_seconds_text(buf, sizeof buf, 1500);
    cr_assert_str_eq(buf, "2 s");
    ac_within_seconds_text(buf, sizeof buf, 0);
    cr_assert_str_eq(buf, "0 s");
}
