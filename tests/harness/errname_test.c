/* Errno names: what every failure message and result record is written in. */
#include "../../harness/check.h"
#include "errname.h"

#include <criterion/criterion.h>
#include <errno.h>

Test(errname, known_errno_has_its_symbolic_name)
{
    cr_assert_str_eq(ac_errname(EADDRINUSE), "EADDRINUSE");
    cr_assert_str_eq(ac_errname(EADDRNOTAVAIL), "EADDRNOTAVAIL");
}

Test(errname, zero_is_ok)
{
    cr_assert_str_eq(ac_errname(0), "OK");
}

Test(errname, unknown_errno_is_numbered)
{
    cr_assert_str_eq(ac_errname(4000), "E4000");
}

Test(errname, names_round_trip)
{
    cr_assert_eq(ac_errno_from_name("EADDRINUSE"), EADDRINUSE);
    cr_assert_eq(ac_errno_from_name("OK"), 0);
    cr_assert_eq(ac_errno_from_name("ENOSUCHTHING"), -1);
}

Test(errname, mismatch_message_names_both_sides)
{
    char buf[256];
    ac_errno_mismatch_text(buf, sizeof buf, "bind 192.168.1.100:9999", EADDRINUSE, 0);
    cr_assert_str_eq(buf, "bind 192.168.1.100:9999: expected EADDRINUSE, got OK (success)");
    ac_errno_mismatch_text(buf, sizeof buf, "bind", 0, EADDRINUSE);
    cr_assert_str_eq(buf, "bind: expected OK, got EADDRINUSE (Address already in use)");
}
