/* Kernel version parsing, which picks between per-kernel expectations. */
#include "../../fixtures/kernel.h"

#include <criterion/criterion.h>

Test(kernel, parses_debian_releases)
{
    cr_assert_eq(ac_kernel_parse("6.1.0-28-cloud-amd64"), AC_KV(6, 1));
    cr_assert_eq(ac_kernel_parse("5.10.0-33-cloud-amd64"), AC_KV(5, 10));
    cr_assert_eq(ac_kernel_parse("6.18.44-fc-v595"), AC_KV(6, 18));
}

Test(kernel, rejects_what_is_not_a_version)
{
    cr_assert_eq(ac_kernel_parse("linux"), -1);
    cr_assert_eq(ac_kernel_parse("6"), -1);
}

Test(kernel, orders_minor_numerically)
{
    cr_assert_gt(AC_KV(6, 12), AC_KV(6, 9));
}

Test(kernel, since_picks_by_the_running_kernel)
{
    int now = ac_kernel_version();
    cr_assert_eq(ac_since(now, 1, 2), 1, "the running kernel is at least itself");
    cr_assert_str_eq(ac_since_text(now, "CLOSE", "absent"), "CLOSE");
    cr_assert_str_eq(ac_since_text(now + 1, "CLOSE", "absent"), "absent");
}

Test(kernel, sublevel_from_debian_version_or_release)
{
    cr_assert_eq(ac_kernel_parse_sublevel("6.1.0-57-cloud-amd64",
                                          "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-3 (2026-11-26)"),
                 192, "Debian's release says 6.1.0: its version string has the update");
    cr_assert_eq(
        ac_kernel_parse_sublevel("5.10.0-46-cloud-amd64", "#1 SMP Debian 5.10.262-1 (2026-07-31)"),
        262);
    cr_assert_eq(ac_kernel_parse_sublevel("6.18.44-fc-v1272", "#1 SMP PREEMPT_DYNAMIC @0"), 44);
    cr_assert_eq(ac_kernel_parse_sublevel("6.1.0-57-cloud-amd64", "#1 SMP Debian 6.12.118-1"), 0,
                 "a version string of another series is not this kernel's");
    cr_assert_eq(ac_kernel_parse_sublevel("7.2-rc3", "#1 SMP"), -1);
}

static const struct ac_stable_point points[] = {
    {AC_KV(5, 10), AC_NONE_KNOWN, 262},
    {AC_KV(6, 1), 191, 190},
    {AC_KV(6, 18), 44, AC_NONE_KNOWN},
};
static const struct ac_stable_fix fix = {"a fix", AC_KV(7, 2), points, 3};

Test(kernel, stable_fix_by_series_and_update)
{
    cr_assert_eq(ac_fix_in(&fix, AC_KV(7, 2), 0), AC_HAS, "mainline from 7.2 on");
    cr_assert_eq(ac_fix_in(&fix, AC_KV(7, 3), -1), AC_HAS);
    cr_assert_eq(ac_fix_in(&fix, AC_KV(6, 1), 191), AC_HAS);
    cr_assert_eq(ac_fix_in(&fix, AC_KV(6, 1), 190), AC_HAS_NOT);
    cr_assert_eq(ac_fix_in(&fix, AC_KV(5, 10), 262), AC_HAS_NOT);
    cr_assert_eq(ac_fix_in(&fix, AC_KV(5, 10), 263), AC_HAS_UNKNOWN, "no later 5.10 was seen");
    cr_assert_eq(ac_fix_in(&fix, AC_KV(6, 18), 43), AC_HAS_UNKNOWN,
                 "6.18.44 is only the first seen");
    cr_assert_eq(ac_fix_in(&fix, AC_KV(6, 6), 100), AC_HAS_UNKNOWN, "a series without a point");
    cr_assert_eq(ac_fix_in(&fix, AC_KV(6, 1), -1), AC_HAS_UNKNOWN, "no update level");
    cr_assert_eq(ac_fix_in(&fix, -1, 5), AC_HAS_UNKNOWN);
}
