/* Waiting for a NODAD IPv6 address to become reachable. */
#include "../../harness/actest.h"
#include "../../fixtures/localroute.h"
#include "../../fixtures/expect_state.h"
#include "../../fixtures/netns.h"

#include <errno.h>
#include <unistd.h>

/* Records whether the route to ip is local (the route lookup must work). */
static void expect_route(const char *ip, const char *expected)
{
    int err = -1;
    bool local = ac_route_is_local(ip, &err);
    ac_setup_ok("route lookup", err);
    ac_expect_str(AC_CLAIM(ADDRESS, ip), "route", expected, local ? "local" : "not local");
}

AC_TEST(localroute, loopback_is_local)
{
    expect_route(AC_LOOPBACK_IP, "local");
    expect_route("::1", "local");
}

AC_TEST(localroute, absent_address_is_not_local)
{
    expect_route("2001:db8::200", "not local");
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
    ac_expect_errno(AC_CLAIM(CONNECT, "[2001:db8::100]:9999"), "connect", 0, ac_connect(c, &at));
    close(c);
    close(l);
}
