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
