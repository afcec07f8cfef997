/* Waiting for a NODAD IPv6 address to become reachable. */
#include "../actest.h"
#include "../localroute.h"

#include <errno.h>
#include <unistd.h>

AC_TEST(localroute, loopback_is_local)
{
    int err = -1;
    cr_assert(ac_route_is_local(AC_LOOPBACK_IP, &err));
    cr_assert_eq(err, 0);
    cr_assert(ac_route_is_local("::1", &err));
    cr_assert_eq(err, 0);
}

AC_TEST(localroute, absent_address_is_not_local)
{
    int err = -1;
    cr_assert_not(ac_route_is_local("2001:db8::200", &err));
    cr_assert_eq(err, 0);
}

/* After the wait, connect() reaches the address over lo (no neighbour discovery on ac0). */
AC_TEST(localroute, added_v6_address_is_connectable_after_wait)
{
    ac_netns_add_addr("2001:db8::100/64");
    ac_wait_local_route("2001:db8::100", AC_STATE_TIMEOUT_MS);
    struct ac_addr at;
    ac_addr_parse(&at, "2001:db8::100", 9999);
    int l = ac_setup_fd("listener", ac_tcp_socket(AF_INET6, AC_V6ONLY));
    ac_setup_ok("bind", ac_bind(l, &at));
    ac_setup_ok("listen", ac_listen(l, 1));
    int c = ac_setup_fd("client", ac_tcp_socket(AF_INET6, 0));
    cr_assert_eq(ac_connect(c, &at), 0);
    close(c);
    close(l);
}
