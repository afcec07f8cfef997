/* The interface does not matter: the seed scenario (a TIME_WAIT on 192.168.1.100:9999, then
 * rebinding 192.168.1.100, 127.0.0.1 and 0.0.0.0 without SO_REUSEADDR) with 192.168.1.100 on
 * four kinds of link.
 *
 *     dummy            ac0 (dummy)                 skipped where the kernel has no dummy driver
 *     veth_peer_down   ac0 (veth) -- ac0p down     ac0 up without carrier
 *     veth_up          ac0 (veth) -- ac0p up       carrier
 *     lo               192.168.1.100/32 on lo      no ac0
 *
 * Why it cannot matter: an address of the namespace gets a local route (fib_add_ifaddr(), table
 * local, whatever the link's carrier), so traffic to it goes through lo; and the bind table
 * (inet_csk_get_port(), inet_bind_conflict()) keys on address and port (and a bound device,
 * which no socket here sets), never on the link that carries the address. */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../harness/outcome.h"
#include "../harness/probe.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <string.h>

#define PORT 9999

TestSuite(iface, .description = "The bind table knows addresses and ports, not links: the "
                                "seed's TIME_WAIT gives the same answers whether 192.168.1.100 is "
                                "on a dummy link, a veth with or without carrier, or lo.");

#define LINK_dummy          AC_LINK_DUMMY
#define LINK_veth_peer_down AC_LINK_VETH_PEER_DOWN
#define LINK_veth_up        AC_LINK_VETH_UP
#define LINK_lo             AC_LINK_LO
#define TEXT_dummy          "a dummy link"
#define TEXT_veth_peer_down "a veth whose peer is down"
#define TEXT_veth_up        "a veth with both ends up"
#define TEXT_lo             "lo"

static void server_addr_on(enum ac_server_link where, const char *text)
{
    if (ac_netns_move_server_addr(where) == -EOPNOTSUPP)
        cr_skip_test("192.168.1.100 on %s: the kernel has no driver for it (rtnetlink: "
                     "EOPNOTSUPP)",
                     text);
    const char *carrier = "n/a";
    if (where != AC_LINK_LO)
        carrier = ac_netns_link_carrier(AC_IFACE) ? "carrier" : "no carrier";
    const char *want = where == AC_LINK_LO               ? "n/a"
                       : where == AC_LINK_VETH_PEER_DOWN ? "no carrier"
                                                         : "carrier";
    ac_expect_str(AC_SETUP(ADDRESS, "link of 192.168.1.100"),
                  "carrier of the link holding 192.168.1.100", want, carrier);
}

/* the test's name after the link (harness/outcome.h adds _fails or _succeeds from the expected
 * result), address the restarted server binds, expected, the rule */
#define IFACE_PROBES(X, link)                                                                      \
    X(link, rebind_same_addr, AC_SERVER_IP, EADDRINUSE,                                            \
      "With 192.168.1.100 on " TEXT_##link ", its TIME_WAIT still owns 192.168.1.100:9999.")       \
    X(link, bind_loopback, AC_LOOPBACK_IP, 0,                                                      \
      "With 192.168.1.100 on " TEXT_##link ", 127.0.0.1:9999 still does not overlap it.")          \
    X(link, bind_wildcard, "0.0.0.0", EADDRINUSE,                                                  \
      "With 192.168.1.100 on " TEXT_##link ", the wildcard still covers it.")

#define X(link, what, ip, expected, rule)                                                          \
    AC_TEST_OUTCOME(iface, link##_##what, expected, .description = rule)                           \
    {                                                                                              \
        server_addr_on(LINK_##link, TEXT_##link);                                                  \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);                                     \
        ac_conn_server_closes_first(&c, true);                                                     \
        ac_probe_bind(AC_ROLE_CLAIM, ip, PORT, 0, expected);                                       \
    }

IFACE_PROBES(X, dummy)
IFACE_PROBES(X, veth_peer_down)
IFACE_PROBES(X, veth_up)
IFACE_PROBES(X, lo)
#undef X
