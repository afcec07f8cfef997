/* The dual-stack grid against an IPv4 TIME_WAIT: a server restarted on IPv6 ([::] dual-stack,
 * [::] v6-only, or [::1]) after its IPv4 predecessor left a TIME_WAIT on port 9999.
 *
 * The kernel's rules (net/ipv4/inet_connection_sock.c; net/ipv6/af_inet6.c): a new AF_INET6
 * wildcard socket is checked against every socket of the port with ipv6_rcv_saddr_equal()
 * (via inet_rcv_saddr_equal()), where an IPv4 socket overlaps a [::] only when the [::] is not
 * v6-only; a specific IPv6 address such as ::1 makes the socket v6-only (__inet6_bind()) and
 * never overlaps IPv4. An overlap is a conflict unless both sockets have SO_REUSEADDR and the
 * existing one is not listening (inet_bind_conflict()); the TIME_WAIT has the flag of the
 * connection that closed, here inherited from its listener.
 *
 * The TIME_WAITs: left by a listener on 192.168.1.100, on 127.0.0.1, and on 0.0.0.0 reached via
 * 127.0.0.1 (the accepted socket, and its TIME_WAIT, have 127.0.0.1: tcp_v4_syn_recv_sock()).
 * Kernel history: the bhash2 fixes listed in suites/ipv6.c concern a v6-only [::] as the
 * EXISTING socket and v4-mapped addresses; here the IPv6 socket is the new one and binds [::] or
 * ::1, which every kernel of the matrix checks as above. The rows against a LISTEN on 0.0.0.0
 * are ipv6/dualstack_any_vs_v4_any_listen_fails, ipv6/v6only_any_vs_v4_any_listen_succeeds and
 * ipv6/v6_loopback_vs_v4_any_listen_succeeds. */
#include "../harness/actest.h"
#include "../harness/outcome.h"
#include "../fixtures/states.h"
#include "../fixtures/netns.h"

#include <errno.h>

#define PORT 9999

TestSuite(dualstack_tw, .description = "A restarted IPv6 server meets its IPv4 predecessor's "
                                       "TIME_WAIT only on a dual-stack [::], which claims every "
                                       "IPv4 address: a v6-only [::] or [::1] claims none.");

#define ERRNO_INUSE EADDRINUSE
#define ERRNO_SHARE 0
#define ERRNO_APART 0

#define TW_server_addr "the TIME_WAIT on 192.168.1.100:9999 (listener on 192.168.1.100)"
#define TW_loopback    "the TIME_WAIT on 127.0.0.1:9999 (listener on 127.0.0.1)"
#define TW_wildcard_via_lo                                                                         \
    "the TIME_WAIT on 127.0.0.1:9999 (listener on 0.0.0.0, client via 127.0.0.1)"

#define NEW_dualstack_any "A dual-stack [::] (IPV6_V6ONLY=0)"
#define NEW_v6only_any    "A v6-only [::] (IPV6_V6ONLY=1)"
#define NEW_v6_loopback   "[::1] (a specific IPv6 address, so v6-only)"

#define RULE_INUSE(new, tw)                                                                        \
    new " claims every IPv4 address, so it overlaps " tw ", and SO_REUSEADDR is not set on both: " \
        "EADDRINUSE."
#define RULE_SHARE(new, tw)                                                                        \
    new " overlaps " tw ", but both set SO_REUSEADDR (the TIME_WAIT from its listener) and the "   \
        "TIME_WAIT is not listening: they share the port."
#define RULE_APART(new, tw) new " claims no IPv4 address, so " tw " is no conflict, flags or not."

#define LISTEN_server_addr      AC_SERVER_IP
#define CONNECT_server_addr     AC_SERVER_IP
#define LISTEN_loopback         AC_LOOPBACK_IP
#define CONNECT_loopback        AC_LOOPBACK_IP
#define LISTEN_wildcard_via_lo  "0.0.0.0"
#define CONNECT_wildcard_via_lo AC_LOOPBACK_IP

#define IP_dualstack_any   "::"
#define OPTS_dualstack_any AC_V6DUAL
#define IP_v6only_any      "::"
#define OPTS_v6only_any    AC_V6ONLY
#define IP_v6_loopback     "::1"
#define OPTS_v6_loopback   AC_V6DUAL

/* The name ends in the expected result's _fails or _succeeds (harness/outcome.h). */
#define CAT5_(a, b, c, d, e) a##b##c##d##e
#define CAT5(a, b, c, d, e)  CAT5_(a, b, c, d, e)

#define DUALSTACK_TW_CELL(who, tw, combo, old_opts, new_opts, outcome)                             \
    AC_TEST_OUTCOME(dualstack_tw, CAT5(who, _vs_tw_, tw, _reuse_, combo), ERRNO_##outcome,         \
                    .description = RULE_##outcome(NEW_##who, TW_##tw))                             \
    {                                                                                              \
        struct ac_state_spec spec = {.kind = AC_HOLD_TIME_WAIT,                                    \
                                     .ip = LISTEN_##tw,                                            \
                                     .connect_ip = CONNECT_##tw,                                   \
                                     .port = PORT,                                                 \
                                     .opts = old_opts};                                            \
        ac_state_probe_bind(&spec, IP_##who, OPTS_##who | (new_opts), ERRNO_##outcome);            \
    }
#define DUALSTACK_TW_ROW(who, tw, o_none, o_old, o_new, o_both)                                    \
    DUALSTACK_TW_CELL(who, tw, none, 0, 0, o_none)                                                 \
    DUALSTACK_TW_CELL(who, tw, old, AC_REUSEADDR, 0, o_old)                                        \
    DUALSTACK_TW_CELL(who, tw, new, 0, AC_REUSEADDR, o_new)                                        \
    DUALSTACK_TW_CELL(who, tw, both, AC_REUSEADDR, AC_REUSEADDR, o_both)

// clang-format off
/* new socket, TIME_WAIT origin | SO_REUSEADDR on: neither, old only, new only, both */
DUALSTACK_TW_ROW(dualstack_any, server_addr,     INUSE, INUSE, INUSE, SHARE)
DUALSTACK_TW_ROW(dualstack_any, loopback,        INUSE, INUSE, INUSE, SHARE)
DUALSTACK_TW_ROW(dualstack_any, wildcard_via_lo, INUSE, INUSE, INUSE, SHARE)
DUALSTACK_TW_ROW(v6only_any,    server_addr,     APART, APART, APART, APART)
DUALSTACK_TW_ROW(v6only_any,    loopback,        APART, APART, APART, APART)
DUALSTACK_TW_ROW(v6only_any,    wildcard_via_lo, APART, APART, APART, APART)
DUALSTACK_TW_ROW(v6_loopback,   server_addr,     APART, APART, APART, APART)
DUALSTACK_TW_ROW(v6_loopback,   loopback,        APART, APART, APART, APART)
DUALSTACK_TW_ROW(v6_loopback,   wildcard_via_lo, APART, APART, APART, APART)
// clang-format on
#undef DUALSTACK_TW_ROW
