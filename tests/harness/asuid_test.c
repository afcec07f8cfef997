/* The other-uid helper really binds as that uid. */
#include "../../harness/actest.h"
#include "../../fixtures/asuid.h"
#include "../../fixtures/netns.h"

#include <errno.h>

/* Ports below net.ipv4.ip_unprivileged_port_start (1024) need CAP_NET_BIND_SERVICE: a bind that
 * root could do fails with EACCES only if the child really dropped to the other uid. */
AC_TEST(asuid, child_binds_without_root_privileges)
{
    struct ac_uid_bind r;
    cr_assert_eq(ac_bind_as_uid(AC_OTHER_UID, AC_LOOPBACK_IP, 80, 0, true, &r), 0);
    if (r.failed_step && r.setup_err == EINVAL)
        cr_skip_test("uid %u is not mapped here", (unsigned)AC_OTHER_UID);
    cr_assert_null(r.failed_step, "%s: %d", r.failed_step, r.setup_err);
    ac_expect_errno(AC_CLAIM(BIND, "127.0.0.1:80"), "bind 127.0.0.1:80 as the other uid", EACCES,
                    r.bind_err);
    cr_assert_eq(r.listen_err, 0, "listen is not attempted after a failed bind");
}

AC_TEST(asuid, child_binds_and_listens_on_a_free_port)
{
    struct ac_uid_bind r;
    cr_assert_eq(ac_bind_as_uid(AC_OTHER_UID, AC_SERVER_IP, 9999, AC_REUSEPORT, true, &r), 0);
    if (r.failed_step && r.setup_err == EINVAL)
        cr_skip_test("uid %u is not mapped here", (unsigned)AC_OTHER_UID);
    cr_assert_null(r.failed_step);
    ac_expect_errno(AC_CLAIM(BIND, "192.168.1.100:9999"), "bind as the other uid", 0, r.bind_err);
    ac_expect_errno(AC_CLAIM(LISTEN, "192.168.1.100:9999"), "listen as the other uid", 0,
                    r.listen_err);
}
