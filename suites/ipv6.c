/* IPv6 and dual-stack: which binds of one port overlap across the two address families.
 *
 * An AF_INET6 socket bound to [::] with IPV6_V6ONLY=0 ("dual-stack") also owns the port on every
 * IPv4 address; with IPV6_V6ONLY=1 it owns IPv6 addresses only. A v4-mapped address
 * (::ffff:a.b.c.d) is the IPv4 address a.b.c.d, ::ffff:0.0.0.0 is the IPv4 wildcard. Binding a
 * specific IPv6 address such as ::1 makes the socket v6-only (__inet6_bind() sets sk_ipv6only),
 * so it never overlaps IPv4. Each row: an existing socket (bound only, listening, or the
 * TIME_WAIT left by a closed connection), then a new socket binds; names read
 * <new socket>_vs_<existing socket>_<its state>_<result>.
 *
 * The kernel's rules (net/ipv4/inet_connection_sock.c): a new socket on a specific address is
 * checked against the wildcard buckets (inet_bhash2_addr_any_conflict(), where a v6-only [::] is
 * skipped for IPv4 and v4-mapped addresses by __inet_bhash2_conflict()) and against its own
 * address's bucket, which IPv4 and v4-mapped sockets share (inet_bind2_bucket_addr_match()); a
 * new wildcard socket is checked against every socket on the port with inet_rcv_saddr_equal()
 * (ipv6_rcv_saddr_equal() for AF_INET6). The overlap is a conflict unless both sockets have
 * SO_REUSEADDR and the existing one is not listening (inet_bind_conflict()).
 *
 * History: the bhash2 table (6.1, 28044fc1d495) broke several of these rows and they were fixed
 * in steps: d9ba99342855 (6.3, [::] then 127.0.0.1, broken by 5456262d2baa), aa99e5f87bd5 and
 * c48ef9c4aed3 (6.6, v4-mapped wildcard and non-wildcard addresses), ea111449501e and
 * d91ef1e1b55f (6.9, v6-only [::] vs v4-mapped and IPv4 addresses). They carry Fixes: tags and
 * went to the stable trees at different times, so a kernel's major.minor does not say which of
 * them it has and ac_since() cannot pick the answer: every row expects what the fixed kernels
 * do, which is also what kernels before bhash2 (5.10) did, and the rows a fix touched name it.
 *
 * The last table (pktoptions_*) asks a connected TCP socket what it latched from the segments it
 * received: getsockopt(IPV6_2292PKTOPTIONS), explained above it.
 *
 *     +------------------- test's own netns ---------------------+
 *     |  lo   127.0.0.1/8, ::1                                    |
 *     |  ac0  192.168.1.100/24, 2001:db8::100/64 (added by the    |
 *     |       rows that use it, without DAD), 2001:db8::200/64    |
 *     |       (the pktoptions rows' client)                       |
 *     +-----------------------------------------------------------+
 */
#define _GNU_SOURCE /* struct in6_pktinfo */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/existing.h"
#include "../harness/outcome.h"
#include "../fixtures/localroute.h"
#include "../harness/probe.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(ipv6,
          .description = "An AF_INET6 socket on [::] also owns the port on every IPv4 address "
                         "unless IPV6_V6ONLY=1, a v4-mapped address [::ffff:a.b.c.d] is the "
                         "IPv4 address a.b.c.d, and a specific IPv6 address never overlaps "
                         "IPv4. Overlapping binds conflict unless both set SO_REUSEADDR and "
                         "the existing socket is not listening. On a TCP socket, "
                         "getsockopt(IPV6_2292PKTOPTIONS) reports the interface, the peer and "
                         "the hop limit of the last in-order segment, for each of "
                         "IPV6_RECVPKTINFO, IPV6_2292PKTINFO and their hop limit twins that is "
                         "on.");

/* Every AF_INET6 socket says which IPV6_V6ONLY it wants; none relies on the sysctl default
 * (net.ipv6.bindv6only). For specific IPv6 addresses the choice does not matter (bind makes them
 * v6-only), for v4-mapped ones it must be DUAL (a v6-only socket cannot bind them). */
#define DUAL   AC_V6DUAL
#define V6ONLY AC_V6ONLY
#define RA     AC_REUSEADDR
#define NONE   0

#define V4_ANY    "0.0.0.0"
#define V4_LOOP   AC_LOOPBACK_IP
#define V4_ADDR   AC_SERVER_IP
#define V6_ANY    "::"
#define V6_LOOP   "::1"
#define V6_ADDR   "2001:db8::100"
#define MAP_ANY   "::ffff:0.0.0.0"
#define MAP_LOOP  "::ffff:127.0.0.1"
#define MAP_ADDR  "::ffff:192.168.1.100"
#define BOUND     false
#define LISTENING true

/* 2001:db8::100 (documentation prefix) exists only in the rows that use it. It can be bound at
 * once (NODAD) but is reachable only once its local route is in (see localroute.h). */
static void add_v6_addr_if_used(const char *a, const char *b)
{
    if (strcmp(a, V6_ADDR) == 0 || strcmp(b, V6_ADDR) == 0) {
        ac_netns_add_addr(V6_ADDR "/64");
        ac_wait_local_route(V6_ADDR, AC_STATE_TIMEOUT_MS);
    }
}

/* The IPv4 client of a dual-stack listener is an AF_INET6 socket connecting to ::ffff:127.0.0.1:
 * on the wire the same IPv4 connection as an AF_INET client's, and both ends then show in
 * sock_diag as AF_INET6 v4-mapped addresses, so the harness can follow the connection by its
 * addresses. Such a client must not be v6-only: say so rather than trust the sysctl default. */
static void client_may_use_mapped(const char *connect_ip)
{
    if (strncmp(connect_ip, "::ffff:", 7) == 0)
        ac_netns_sysctl("net/ipv6/bindv6only", "0");
}

/* The rules the docs print, the tables' last column. An argument names the other socket's
 * address (or the socket itself); the conflict rule of the suite's description then says what
 * an overlap costs. */
#define R_DUAL(other) "A dual-stack [::] also claims every IPv4 address, so it overlaps " other "."
#define R_DUAL_BOUND(v4)                                                                           \
    "A dual-stack [::] also claims every IPv4 address, so it overlaps " v4                         \
    ", and a socket that is only bound owns its port as much as a listener."
#define R_DUAL_SHARE(v4, old)                                                                      \
    "A dual-stack [::] overlaps " v4 ", but both sockets set SO_REUSEADDR and " old                \
    " is not listening, so they share the port across the two families."
#define R_DUAL_LISTENER(v4, old_listens)                                                           \
    "A dual-stack [::] overlaps " v4 " and " old_listens                                           \
    ": SO_REUSEADDR never shares a port with a listener."
#define R_DUAL_ONE_SIDE(who)                                                                       \
    "A dual-stack [::] overlaps 0.0.0.0:9999, where the IPv4 socket listens; SO_REUSEADDR on " who \
    " alone changes nothing: sharing needs it on both, and never with a listener."
#define R_NO_OVERLAP(rule) rule " SO_REUSEADDR, on either side, changes nothing."
#define R_V6ONLY(other)                                                                            \
    "A v6-only [::] (IPV6_V6ONLY=1) claims no IPv4 address, so it does not overlap " other "."
#define R_V6_NOT_IN_V4_ANY(v6)                                                                     \
    "A socket on " v6 " is v6-only (binding a specific IPv6 address sets IPV6_V6ONLY), so the "    \
    "IPv4 wildcard 0.0.0.0 does not cover it."
#define R_FAMILIES(v6, v4)                                                                         \
    v6 " and " v4 " are addresses of different families, and a socket on a specific IPv6 "         \
       "address is v6-only: they do not overlap."
#define R_MAPPED_ANY(v4) "[::ffff:0.0.0.0] is the IPv4 wildcard 0.0.0.0, so it overlaps " v4 "."
#define R_MAPPED_SAME(mapped, v4)                                                                  \
    mapped " is the IPv4 address " v4 " itself (one bind bucket), so both sockets claim " v4       \
           ":9999."
#define R_MAPPED_IN_V4_ANY(mapped, v4)                                                             \
    mapped " is the IPv4 address " v4 ", which the IPv4 wildcard 0.0.0.0 covers."
#define R_MAPPED_APART(mapped, v4, other)                                                          \
    mapped " is the IPv4 address " v4 ", which does not overlap " other "."
#define R_MAPPED_SHARE(mapped, v4, old_idle)                                                       \
    mapped " is the IPv4 address " v4 ", but both sockets set SO_REUSEADDR and " old_idle          \
           ", so they share the port."
#define R_MAPPED_LISTENER(mapped, v4)                                                              \
    mapped " is the IPv4 address " v4 " and the IPv4 socket there listens: SO_REUSEADDR never "    \
           "shares a port with a listener."
#define R_BOTH_V6_ANY                                                                              \
    "Two [::] sockets both claim every IPv6 address, so they overlap whatever IPV6_V6ONLY says."
#define R_V6_ANY_COVERS(v6) "[::] claims every IPv6 address, v6-only or not, so it overlaps " v6 "."
#define MAPPED_LOOP_IS      "[::ffff:127.0.0.1] (the IPv4 address 127.0.0.1)"
#define MAPPED_ANY_IS       "[::ffff:0.0.0.0] (the IPv4 wildcard 0.0.0.0)"
#define R_TW_SHARES                                                                                \
    "that socket kept its listener's SO_REUSEADDR and is not listening, and the new one set it "   \
    "too, so they share the port."
#define R_TW_MAPPED                                                                                \
    "The TIME_WAIT left by an IPv4 connection that a dual-stack [::] accepted is an AF_INET6 "     \
    "socket on [::ffff:127.0.0.1], i.e. on 127.0.0.1, "

#define X(stem, old_ip, old_opts, old_listen, new_ip, new_opts, expected, rule)                    \
    AC_TEST_OUTCOME(ipv6, stem, expected, .description = rule)                                     \
    {                                                                                              \
        add_v6_addr_if_used(old_ip, new_ip);                                                       \
        int old = ac_existing_socket(old_ip, PORT, old_opts, old_listen);                          \
        int fd = ac_probe_bind(AC_ROLE_CLAIM, new_ip, PORT, new_opts, expected);                   \
        if (fd >= 0)                                                                               \
            close(fd);                                                                             \
        close(old);                                                                                \
    }

/* name stem, existing socket's address, its opts, listening?, new socket's address, its opts,
 * expected bind() result (listen() must then succeed too), the rule. The test is named <stem>_fails
 * or <stem>_succeeds after the expected result (harness/outcome.h), so a name cannot contradict its
 * row. */
/* --- an IPv4 socket exists, an IPv6 one binds --- */
/* A v6-only [::] owns no IPv4 address. */
X(v6only_any_vs_v4_any_listen, V4_ANY, NONE, LISTENING, V6_ANY, V6ONLY, 0, R_V6ONLY("0.0.0.0:9999"))
/* Dual-stack [::] includes 0.0.0.0. */
X(dualstack_any_vs_v4_any_listen, V4_ANY, NONE, LISTENING, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL("0.0.0.0:9999"))
/* Being bound is enough to own the port. */
X(dualstack_any_vs_v4_any_bound, V4_ANY, NONE, BOUND, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL_BOUND("0.0.0.0:9999"))
/* SO_REUSEADDR on both shares a port with a socket that is not listening. */
X(dualstack_any_vs_v4_any_bound_reuseaddr_both, V4_ANY, RA, BOUND, V6_ANY, DUAL | RA, 0,
  R_DUAL_SHARE("0.0.0.0:9999", "the IPv4 socket"))
/* ... but never with a listener. */
X(dualstack_any_vs_v4_any_listen_reuseaddr_both, V4_ANY, RA, LISTENING, V6_ANY, DUAL | RA,
  EADDRINUSE, R_DUAL_LISTENER("0.0.0.0:9999", "the IPv4 socket listens"))
/* SO_REUSEADDR on one side never shares a port, and a listener is never shared: where the
 * addresses overlap the flag cannot help; where they do not, it is not needed. */
X(dualstack_any_vs_v4_any_listen_reuseaddr_old_only, V4_ANY, RA, LISTENING, V6_ANY, DUAL,
  EADDRINUSE, R_DUAL_ONE_SIDE("the IPv4 socket"))
X(dualstack_any_vs_v4_any_listen_reuseaddr_new_only, V4_ANY, NONE, LISTENING, V6_ANY, DUAL | RA,
  EADDRINUSE, R_DUAL_ONE_SIDE("the [::] socket"))
X(v6only_any_vs_v4_any_listen_reuseaddr_old_only, V4_ANY, RA, LISTENING, V6_ANY, V6ONLY, 0,
  R_NO_OVERLAP(R_V6ONLY("0.0.0.0:9999")))
X(v6only_any_vs_v4_any_listen_reuseaddr_new_only, V4_ANY, NONE, LISTENING, V6_ANY, V6ONLY | RA, 0,
  R_NO_OVERLAP(R_V6ONLY("0.0.0.0:9999")))
X(v6only_any_vs_v4_any_listen_reuseaddr_both, V4_ANY, RA, LISTENING, V6_ANY, V6ONLY | RA, 0,
  R_NO_OVERLAP(R_V6ONLY("0.0.0.0:9999")))
X(v6_loopback_vs_v4_any_listen_reuseaddr_old_only, V4_ANY, RA, LISTENING, V6_LOOP, DUAL, 0,
  R_NO_OVERLAP(R_V6_NOT_IN_V4_ANY("[::1]")))
X(v6_loopback_vs_v4_any_listen_reuseaddr_new_only, V4_ANY, NONE, LISTENING, V6_LOOP, DUAL | RA, 0,
  R_NO_OVERLAP(R_V6_NOT_IN_V4_ANY("[::1]")))
X(v6_loopback_vs_v4_any_listen_reuseaddr_both, V4_ANY, RA, LISTENING, V6_LOOP, DUAL | RA, 0,
  R_NO_OVERLAP(R_V6_NOT_IN_V4_ANY("[::1]")))
X(v6only_any_vs_v4_loopback_listen, V4_LOOP, NONE, LISTENING, V6_ANY, V6ONLY, 0,
  R_V6ONLY("127.0.0.1:9999"))
/* Dual-stack [::] includes 127.0.0.1. */
X(dualstack_any_vs_v4_loopback_listen, V4_LOOP, NONE, LISTENING, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL("127.0.0.1:9999"))
X(dualstack_any_vs_v4_loopback_bound, V4_LOOP, NONE, BOUND, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL_BOUND("127.0.0.1:9999"))
X(dualstack_any_vs_v4_addr_listen, V4_ADDR, NONE, LISTENING, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL("192.168.1.100:9999"))
X(v6only_any_vs_v4_addr_listen, V4_ADDR, NONE, LISTENING, V6_ANY, V6ONLY, 0,
  R_V6ONLY("192.168.1.100:9999"))
/* An IPv6 address never overlaps an IPv4 one, wildcard or not. */
X(v6_loopback_vs_v4_any_listen, V4_ANY, NONE, LISTENING, V6_LOOP, DUAL, 0,
  R_V6_NOT_IN_V4_ANY("[::1]"))
X(v6_loopback_vs_v4_loopback_listen, V4_LOOP, NONE, LISTENING, V6_LOOP, DUAL, 0,
  R_FAMILIES("[::1]", "127.0.0.1"))
X(v6_addr_vs_v4_addr_listen, V4_ADDR, NONE, LISTENING, V6_ADDR, DUAL, 0,
  R_FAMILIES("[2001:db8::100]", "192.168.1.100"))
X(v6_addr_vs_v4_any_listen, V4_ANY, NONE, LISTENING, V6_ADDR, DUAL, 0,
  R_V6_NOT_IN_V4_ANY("[2001:db8::100]"))
/* ::ffff:0.0.0.0 is the IPv4 wildcard (bhash2 let it bind next to IPv4 sockets until
 * aa99e5f87bd5, 6.6). */
X(mapped_any_vs_v4_any_listen, V4_ANY, NONE, LISTENING, MAP_ANY, DUAL, EADDRINUSE,
  R_MAPPED_ANY("0.0.0.0:9999"))
X(mapped_any_vs_v4_loopback_listen, V4_LOOP, NONE, LISTENING, MAP_ANY, DUAL, EADDRINUSE,
  R_MAPPED_ANY("127.0.0.1:9999"))
X(mapped_any_vs_v4_addr_listen, V4_ADDR, NONE, LISTENING, MAP_ANY, DUAL, EADDRINUSE,
  R_MAPPED_ANY("192.168.1.100:9999"))
/* ::ffff:127.0.0.1 is 127.0.0.1: inside 0.0.0.0, equal to itself, apart from others. */
X(mapped_loopback_vs_v4_any_listen, V4_ANY, NONE, LISTENING, MAP_LOOP, DUAL, EADDRINUSE,
  R_MAPPED_IN_V4_ANY("[::ffff:127.0.0.1]", "127.0.0.1"))
X(mapped_loopback_vs_v4_loopback_listen, V4_LOOP, NONE, LISTENING, MAP_LOOP, DUAL, EADDRINUSE,
  R_MAPPED_SAME("[::ffff:127.0.0.1]", "127.0.0.1"))
X(mapped_loopback_vs_v4_addr_listen, V4_ADDR, NONE, LISTENING, MAP_LOOP, DUAL, 0,
  R_MAPPED_APART("[::ffff:127.0.0.1]", "127.0.0.1", "192.168.1.100:9999"))
X(mapped_addr_vs_v4_addr_listen, V4_ADDR, NONE, LISTENING, MAP_ADDR, DUAL, EADDRINUSE,
  R_MAPPED_SAME("[::ffff:192.168.1.100]", "192.168.1.100"))
X(mapped_addr_vs_v4_any_listen, V4_ANY, NONE, LISTENING, MAP_ADDR, DUAL, EADDRINUSE,
  R_MAPPED_IN_V4_ANY("[::ffff:192.168.1.100]", "192.168.1.100"))
X(mapped_addr_vs_v4_loopback_listen, V4_LOOP, NONE, LISTENING, MAP_ADDR, DUAL, 0,
  R_MAPPED_APART("[::ffff:192.168.1.100]", "192.168.1.100", "127.0.0.1:9999"))
/* The SO_REUSEADDR rule holds across families too. */
X(mapped_loopback_vs_v4_loopback_bound_reuseaddr_both, V4_LOOP, RA, BOUND, MAP_LOOP, DUAL | RA, 0,
  R_MAPPED_SHARE("[::ffff:127.0.0.1]", "127.0.0.1", "the IPv4 socket there is not listening"))
X(mapped_loopback_vs_v4_loopback_listen_reuseaddr_both, V4_LOOP, RA, LISTENING, MAP_LOOP, DUAL | RA,
  EADDRINUSE, R_MAPPED_LISTENER("[::ffff:127.0.0.1]", "127.0.0.1"))

/* --- an IPv6 socket exists, an IPv4 one binds --- */
X(v4_any_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, V4_ANY, NONE, 0, R_V6ONLY("0.0.0.0:9999"))
X(v4_any_vs_dualstack_any_listen, V6_ANY, DUAL, LISTENING, V4_ANY, NONE, EADDRINUSE,
  R_DUAL("0.0.0.0:9999"))
X(v4_any_vs_dualstack_any_bound, V6_ANY, DUAL, BOUND, V4_ANY, NONE, EADDRINUSE,
  R_DUAL_BOUND("0.0.0.0:9999"))
X(v4_any_vs_dualstack_any_bound_reuseaddr_both, V6_ANY, DUAL | RA, BOUND, V4_ANY, RA, 0,
  R_DUAL_SHARE("0.0.0.0:9999", "the [::] socket"))
/* Dual-stack [::] owns 127.0.0.1 (5456262d2baa, 6.2 and 6.1.y, let 127.0.0.1 bind: the
 * podman report; fixed by d9ba99342855, 6.3). */
X(v4_loopback_vs_dualstack_any_listen, V6_ANY, DUAL, LISTENING, V4_LOOP, NONE, EADDRINUSE,
  R_DUAL("127.0.0.1:9999"))
X(v4_loopback_vs_dualstack_any_listen_reuseaddr_both, V6_ANY, DUAL | RA, LISTENING, V4_LOOP, RA,
  EADDRINUSE, R_DUAL_LISTENER("127.0.0.1:9999", "the [::] socket listens"))
/* A v6-only [::] leaves 127.0.0.1 free (a recent change refused it until d91ef1e1b55f,
 * 6.9). */
X(v4_loopback_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, V4_LOOP, NONE, 0,
  R_V6ONLY("127.0.0.1:9999"))
X(v4_addr_vs_dualstack_any_listen, V6_ANY, DUAL, LISTENING, V4_ADDR, NONE, EADDRINUSE,
  R_DUAL("192.168.1.100:9999"))
X(v4_addr_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, V4_ADDR, NONE, 0,
  R_V6ONLY("192.168.1.100:9999"))
/* Binding ::1 made that socket v6-only: 0.0.0.0 and 127.0.0.1 stay free. */
X(v4_any_vs_v6_loopback_listen, V6_LOOP, DUAL, LISTENING, V4_ANY, NONE, 0,
  R_V6_NOT_IN_V4_ANY("[::1]"))
X(v4_loopback_vs_v6_loopback_listen, V6_LOOP, DUAL, LISTENING, V4_LOOP, NONE, 0,
  R_FAMILIES("[::1]", "127.0.0.1"))
X(v4_addr_vs_v6_addr_listen, V6_ADDR, DUAL, LISTENING, V4_ADDR, NONE, 0,
  R_FAMILIES("[2001:db8::100]", "192.168.1.100"))
/* A v4-mapped socket is an IPv4 socket for conflicts (bhash2 let IPv4 addresses bind next
 * to ::ffff:0.0.0.0 and ::ffff:127.0.0.1 until aa99e5f87bd5 and c48ef9c4aed3, 6.6). */
X(v4_any_vs_mapped_any_listen, MAP_ANY, DUAL, LISTENING, V4_ANY, NONE, EADDRINUSE,
  R_MAPPED_ANY("0.0.0.0:9999"))
X(v4_loopback_vs_mapped_any_listen, MAP_ANY, DUAL, LISTENING, V4_LOOP, NONE, EADDRINUSE,
  R_MAPPED_ANY("127.0.0.1:9999"))
X(v4_addr_vs_mapped_any_listen, MAP_ANY, DUAL, LISTENING, V4_ADDR, NONE, EADDRINUSE,
  R_MAPPED_ANY("192.168.1.100:9999"))
X(v4_loopback_vs_mapped_loopback_listen, MAP_LOOP, DUAL, LISTENING, V4_LOOP, NONE, EADDRINUSE,
  R_MAPPED_SAME("[::ffff:127.0.0.1]", "127.0.0.1"))
X(v4_any_vs_mapped_loopback_listen, MAP_LOOP, DUAL, LISTENING, V4_ANY, NONE, EADDRINUSE,
  R_MAPPED_IN_V4_ANY("[::ffff:127.0.0.1]", "127.0.0.1"))
X(v4_addr_vs_mapped_loopback_listen, MAP_LOOP, DUAL, LISTENING, V4_ADDR, NONE, 0,
  R_MAPPED_APART("[::ffff:127.0.0.1]", "127.0.0.1", "192.168.1.100:9999"))
X(v4_addr_vs_mapped_addr_listen, MAP_ADDR, DUAL, LISTENING, V4_ADDR, NONE, EADDRINUSE,
  R_MAPPED_SAME("[::ffff:192.168.1.100]", "192.168.1.100"))

/* --- both IPv6 --- */
/* [::] and [::] always overlap (both own all of IPv6), whatever IPV6_V6ONLY says. */
X(dualstack_any_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, V6_ANY, DUAL, EADDRINUSE,
  R_BOTH_V6_ANY)
X(v6only_any_vs_dualstack_any_listen, V6_ANY, DUAL, LISTENING, V6_ANY, V6ONLY, EADDRINUSE,
  R_BOTH_V6_ANY)
X(v6only_any_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, V6_ANY, V6ONLY, EADDRINUSE,
  R_BOTH_V6_ANY)
X(v6_loopback_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, V6_LOOP, DUAL, EADDRINUSE,
  R_V6_ANY_COVERS("[::1]:9999"))
X(v6only_any_vs_v6_addr_listen, V6_ADDR, DUAL, LISTENING, V6_ANY, V6ONLY, EADDRINUSE,
  R_V6_ANY_COVERS("[2001:db8::100]:9999"))
/* A v6-only [::] and a v4-mapped address do not overlap (bhash2 refused the mapped
 * non-wildcard one from 6.1 until ea111449501e, 6.9). */
X(mapped_loopback_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, MAP_LOOP, DUAL, 0,
  R_V6ONLY(MAPPED_LOOP_IS))
X(mapped_loopback_vs_dualstack_any_listen, V6_ANY, DUAL, LISTENING, MAP_LOOP, DUAL, EADDRINUSE,
  R_DUAL(MAPPED_LOOP_IS))
X(mapped_any_vs_v6only_any_listen, V6_ANY, V6ONLY, LISTENING, MAP_ANY, DUAL, 0,
  R_V6ONLY(MAPPED_ANY_IS))
X(mapped_any_vs_dualstack_any_listen, V6_ANY, DUAL, LISTENING, MAP_ANY, DUAL, EADDRINUSE,
  R_DUAL(MAPPED_ANY_IS))
X(v6only_any_vs_mapped_any_listen, MAP_ANY, DUAL, LISTENING, V6_ANY, V6ONLY, 0,
  R_V6ONLY(MAPPED_ANY_IS))
X(dualstack_any_vs_mapped_loopback_listen, MAP_LOOP, DUAL, LISTENING, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL(MAPPED_LOOP_IS))
X(mapped_any_vs_v6_loopback_listen, V6_LOOP, DUAL, LISTENING, MAP_ANY, DUAL, 0,
  "[::ffff:0.0.0.0] is the IPv4 wildcard, which covers IPv4 addresses only, not the IPv6 "
  "address [::1].")
#undef X

#define X(stem, listen_ip, listen_opts, connect_ip, new_ip, new_opts, expected, rule)              \
    AC_TEST_OUTCOME(ipv6, stem, expected, .description = rule)                                     \
    {                                                                                              \
        add_v6_addr_if_used(listen_ip, new_ip);                                                    \
        client_may_use_mapped(connect_ip);                                                         \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, listen_ip, connect_ip, PORT, listen_opts);                                \
        ac_conn_server_closes_first(&c, true);                                                     \
        int fd = ac_probe_bind(AC_ROLE_CLAIM, new_ip, PORT, new_opts, expected);                   \
        if (fd >= 0)                                                                               \
            close(fd);                                                                             \
    }

/* name stem, old server's listen address and opts, address its client connects to (the TIME_WAIT is
 * left on the server's end, listener closed), new socket's address and opts, expected, the rule */
/* --- an IPv4 TIME_WAIT on 192.168.1.100:9999 or 127.0.0.1:9999 --- */
X(dualstack_any_vs_v4_addr_timewait, V4_ADDR, NONE, V4_ADDR, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL("the TIME_WAIT on 192.168.1.100:9999"))
X(v6only_any_vs_v4_addr_timewait, V4_ADDR, NONE, V4_ADDR, V6_ANY, V6ONLY, 0,
  R_V6ONLY("the TIME_WAIT on 192.168.1.100:9999"))
/* The TIME_WAIT kept the listener's SO_REUSEADDR, and it is not listening. */
X(dualstack_any_vs_v4_addr_timewait_reuseaddr_both, V4_ADDR, RA, V4_ADDR, V6_ANY, DUAL | RA, 0,
  "A dual-stack [::] overlaps the TIME_WAIT on 192.168.1.100:9999, but " R_TW_SHARES)
X(dualstack_any_vs_v4_loopback_timewait, V4_LOOP, NONE, V4_LOOP, V6_ANY, DUAL, EADDRINUSE,
  R_DUAL("the TIME_WAIT on 127.0.0.1:9999"))
X(mapped_addr_vs_v4_addr_timewait, V4_ADDR, NONE, V4_ADDR, MAP_ADDR, DUAL, EADDRINUSE,
  "[::ffff:192.168.1.100] is the IPv4 address 192.168.1.100, where the TIME_WAIT still holds "
  "port 9999.")
X(mapped_addr_vs_v4_addr_timewait_reuseaddr_both, V4_ADDR, RA, V4_ADDR, MAP_ADDR, DUAL | RA, 0,
  "[::ffff:192.168.1.100] is the IPv4 address 192.168.1.100, where the TIME_WAIT is, "
  "but " R_TW_SHARES)
X(mapped_any_vs_v4_addr_timewait, V4_ADDR, NONE, V4_ADDR, MAP_ANY, DUAL, EADDRINUSE,
  R_MAPPED_ANY("the TIME_WAIT on 192.168.1.100:9999"))
X(mapped_loopback_vs_v4_addr_timewait, V4_ADDR, NONE, V4_ADDR, MAP_LOOP, DUAL, 0,
  R_MAPPED_APART("[::ffff:127.0.0.1]", "127.0.0.1", "the TIME_WAIT on 192.168.1.100:9999"))
X(v6_addr_vs_v4_addr_timewait, V4_ADDR, NONE, V4_ADDR, V6_ADDR, DUAL, 0,
  R_FAMILIES("[2001:db8::100]", "192.168.1.100"))
/* --- the TIME_WAIT of an IPv4 client accepted by a dual-stack [::] listener: an AF_INET6
 * socket on ::ffff:127.0.0.1:9999, in the same bind bucket as 127.0.0.1 --- */
X(v4_loopback_vs_mapped_loopback_timewait, V6_ANY, DUAL, MAP_LOOP, V4_LOOP, NONE, EADDRINUSE,
  R_TW_MAPPED "the address the new 127.0.0.1:9999 claims.")
X(v4_any_vs_mapped_loopback_timewait, V6_ANY, DUAL, MAP_LOOP, V4_ANY, NONE, EADDRINUSE,
  R_TW_MAPPED "which the IPv4 wildcard 0.0.0.0 covers.")
X(v4_addr_vs_mapped_loopback_timewait, V6_ANY, DUAL, MAP_LOOP, V4_ADDR, NONE, 0,
  R_TW_MAPPED "which does not overlap 192.168.1.100:9999.")
X(v4_loopback_vs_mapped_loopback_timewait_reuseaddr_both, V6_ANY, DUAL | RA, MAP_LOOP, V4_LOOP, RA,
  0, R_TW_MAPPED "the same address as 127.0.0.1:9999, but " R_TW_SHARES)
/* A v6-only [::] does not cover the IPv4 connection's address. */
X(v6only_any_vs_mapped_loopback_timewait, V6_ANY, DUAL, MAP_LOOP, V6_ANY, V6ONLY, 0,
  R_TW_MAPPED "and a v6-only [::] claims no IPv4 address.")
X(dualstack_any_vs_mapped_loopback_timewait, V6_ANY, DUAL, MAP_LOOP, V6_ANY, DUAL, EADDRINUSE,
  R_TW_MAPPED "which a dual-stack [::] claims like every IPv4 address.")
/* --- an IPv6 TIME_WAIT on [::1]:9999 or [2001:db8::100]:9999 --- */
X(v4_any_vs_v6_loopback_timewait, V6_LOOP, DUAL, V6_LOOP, V4_ANY, NONE, 0,
  "The TIME_WAIT on [::1] is v6-only like the listener it came from, so the IPv4 wildcard "
  "0.0.0.0 does not cover it.")
X(v4_loopback_vs_v6_loopback_timewait, V6_LOOP, DUAL, V6_LOOP, V4_LOOP, NONE, 0,
  R_FAMILIES("[::1]", "127.0.0.1"))
X(v6only_any_vs_v6_loopback_timewait, V6_LOOP, DUAL, V6_LOOP, V6_ANY, V6ONLY, EADDRINUSE,
  R_V6_ANY_COVERS("the TIME_WAIT on [::1]:9999"))
X(v6_loopback_vs_v6_loopback_timewait, V6_LOOP, DUAL, V6_LOOP, V6_LOOP, DUAL, EADDRINUSE,
  "The TIME_WAIT still holds [::1]:9999, the very address and port the new socket binds, and "
  "neither set SO_REUSEADDR.")
X(v4_addr_vs_v6_addr_timewait, V6_ADDR, DUAL, V6_ADDR, V4_ADDR, NONE, 0,
  R_FAMILIES("[2001:db8::100]", "192.168.1.100"))
X(dualstack_any_vs_v6_addr_timewait, V6_ADDR, DUAL, V6_ADDR, V6_ANY, DUAL, EADDRINUSE,
  R_V6_ANY_COVERS("the TIME_WAIT on [2001:db8::100]:9999"))
#undef X

/* A v6-only socket cannot take a v4-mapped address at all: __inet6_bind() refuses with EINVAL
 * before any conflict check, on an empty port. */
AC_TEST(ipv6, v6only_socket_binding_mapped_loopback_fails_einval,
        .description = "A v6-only socket cannot take a v4-mapped (IPv4) address such as "
                       "[::ffff:127.0.0.1]: __inet6_bind() refuses it with EINVAL before any "
                       "conflict check.")
{
    ac_probe_bind(AC_ROLE_CLAIM, MAP_LOOP, PORT, V6ONLY, EINVAL);
}

AC_TEST(ipv6, v6only_socket_binding_mapped_any_fails_einval,
        .description = "A v6-only socket cannot take the v4-mapped IPv4 wildcard [::ffff:0.0.0.0]: "
                       "__inet6_bind() refuses it with EINVAL before any conflict check.")
{
    ac_probe_bind(AC_ROLE_CLAIM, MAP_ANY, PORT, V6ONLY, EINVAL);
}

/* Binding a specific IPv6 address turns IPV6_V6ONLY on (__inet6_bind(): sk_ipv6only = 1 for
 * addresses other than :: and v4-mapped ones): the reason [::1] never overlaps IPv4. */
AC_TEST(ipv6, dualstack_socket_bound_to_v6_loopback_becomes_v6only,
        .description = "__inet6_bind() sets IPV6_V6ONLY on a socket bound to a specific IPv6 "
                       "address that is not v4-mapped, such as [::1]: the reason it never "
                       "overlaps IPv4.")
{
    int fd = ac_probe_bind(AC_ROLE_SETUP, V6_LOOP, PORT, DUAL, 0);
    int v6only = -1;
    socklen_t len = sizeof v6only;
    ac_setup_ok("getsockopt IPV6_V6ONLY",
                getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) ? errno : 0);
    ac_expect_int(AC_CLAIM(SOCKOPT, "[::1]:9999"),
                  "IPV6_V6ONLY after bind [::1] on a dual-stack socket", 1, v6only);
    close(fd);
}

/* --- getsockopt(IPV6_2292PKTOPTIONS) on a TCP socket: what the last in-order segment left ---
 *
 * TCP has no recvmsg() cmsgs; do_ipv6_getsockopt() answers IPV6_2292PKTOPTIONS instead. With
 * no segment latched in np->pktoptions (tcp_v6_do_rcv() keeps one only when it carries extension
 * headers the socket asked for, ipv6_opt_accepted(): none here), it builds the cmsgs from what
 * tcp_v6_do_rcv() copied out of the last in-order segment while an option was on: the interface
 * (np->mcast_oif, if IPV6_RECVPKTINFO or IPV6_2292PKTINFO) and the hop limit (np->mcast_hops, if
 * IPV6_RECVHOPLIMIT or IPV6_2292HOPLIMIT). Each option on gives its own cmsg, in the order
 * IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_2292PKTINFO, IPV6_2292HOPLIMIT; a pktinfo carries that
 * interface and the peer's address, or while mcast_oif is 0 the IPV6_PKTINFO sticky values (0
 * and ::); the hop limit is then the multicast default, 1. An accepted socket starts with the
 * values of the handshake's last ACK (tcp_v6_syn_recv_sock()) and, when its listener had one of
 * these options, with the client's SYN itself as np->pktoptions (tcp_v6_init_req()), whose
 * cmsgs (ip6_datagram_recv_ctl()) carry the SYN's destination, the socket's own address, until
 * the first in-order segment drops it.
 *
 * Both ends are on ac0: the client [2001:db8::200], the server [2001:db8::100]:9999. The
 * segments travel over lo, but the interface the kernel reports is ac0: ip6_rcv_core() takes
 * IP6CB(skb)->iif from the route's idev, which for a local address is its own link's
 * (ip6_rt_copy_init()). Every sender sets its own IPV6_UNICAST_HOPS, so that a hop limit names
 * the segment it came from. */
#define V6_CLIENT   "2001:db8::200"
#define HOPS_CLIENT 11 /* the client's SYN and its ACK of the SYN-ACK */
#define HOPS_SYNACK 9  /* the listener's SYN-ACK */
#define HOPS_DATA   7
#define HOPS_FIN    5
#define HOPS_NONE   1      /* IPV6_DEFAULT_MCASTHOPS: nothing latched yet */
#define NO_IFACE    "none" /* interface index 0 */
#define NO_ADDR     "::"

enum {
    RECVPKTINFO = 1 << 0,
    PKTINFO2292 = 1 << 1,
    RECVHOPLIMIT = 1 << 2,
    HOPLIMIT2292 = 1 << 3,
    BOTH2292 = PKTINFO2292 | HOPLIMIT2292, /* RFC 2292's pair */
};
#define CMSGS2292 "IPV6_2292PKTINFO IPV6_2292HOPLIMIT" /* the cmsgs the pair gives */
/* The socket asked: the connecting one, or the one accept() returns. */
enum pkt_end { CLIENT_END, SERVER_END };
/* When its options are set: EARLY on the client before connect() (or on the listener, which the
 * accepted socket inherits them from), LATE on the connected (accepted) socket, before the peer
 * sends anything. */
enum pkt_when { EARLY, LATE };
/* What the peer sends after that: nothing, a message, a message and then its FIN. */
enum pkt_peer { SILENT, DATA, DATA_FIN };

struct pkt_row {
    enum pkt_end end;
    enum pkt_when when;
    unsigned opts;
    enum pkt_peer peer;
    const char *cmsgs; /* the cmsgs expected, in order */
    const char *iface; /* in each pktinfo cmsg */
    const char *addr;  /* in each pktinfo cmsg */
    int hops;          /* in each hop limit cmsg */
};

static void set_ipv6_int(int fd, int name, int value, const char *what)
{
    ac_setup_ok(what, setsockopt(fd, IPPROTO_IPV6, name, &value, sizeof value) ? errno : 0);
}

static void set_recv_options(int fd, unsigned opts)
{
    static const struct {
        unsigned bit;
        int name;
        const char *what;
    } all[] = {
        {RECVPKTINFO, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO"},
        {PKTINFO2292, IPV6_2292PKTINFO, "IPV6_2292PKTINFO"},
        {RECVHOPLIMIT, IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT"},
        {HOPLIMIT2292, IPV6_2292HOPLIMIT, "IPV6_2292HOPLIMIT"},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (opts & all[i].bit)
            set_ipv6_int(fd, all[i].name, 1, all[i].what);
}

/* `from` sends with hop limit `hops` and `to` waits (bounded) for what arrives: a message, or
 * with fin the end of file its close() sends. */
static void peer_sends(int from, int to, int hops, bool fin)
{
    set_ipv6_int(from, IPV6_UNICAST_HOPS, hops, "the peer's IPV6_UNICAST_HOPS");
    if (fin)
        close(from);
    else
        ac_setup_ok("the peer sends", send(from, "data", 4, 0) == 4 ? 0 : EIO);
    struct pollfd in = {.fd = to, .events = POLLIN};
    ac_setup_ok("it arrives", poll(&in, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : ETIMEDOUT);
    char b[4];
    ssize_t n = recv(to, b, sizeof b, 0);
    ac_setup_ok(fin ? "the FIN is read as end of file" : "the message is read",
                n == (fin ? 0 : 4) ? 0 : EIO);
}

static const char *cmsg_name(const struct cmsghdr *c)
{
    if (c->cmsg_level != IPPROTO_IPV6)
        return "other-level";
    switch (c->cmsg_type) {
    case IPV6_PKTINFO:
        return "IPV6_PKTINFO";
    case IPV6_2292PKTINFO:
        return "IPV6_2292PKTINFO";
    case IPV6_HOPLIMIT:
        return "IPV6_HOPLIMIT";
    case IPV6_2292HOPLIMIT:
        return "IPV6_2292HOPLIMIT";
    default:
        return "other";
    }
}

/* One pktinfo cmsg's interface (by name) and address, checked against the row. */
static void expect_pktinfo(const char *subject, const char *name, const struct cmsghdr *c,
                           const struct pkt_row *r)
{
    struct in6_pktinfo pi;
    ac_setup_ok("a whole in6_pktinfo", c->cmsg_len >= CMSG_LEN(sizeof pi) ? 0 : EPROTO);
    memcpy(&pi, CMSG_DATA(c), sizeof pi);
    char iface[IF_NAMESIZE + 16] = NO_IFACE, addr[INET6_ADDRSTRLEN], step[96];
    if (pi.ipi6_ifindex && !if_indextoname(pi.ipi6_ifindex, iface))
        snprintf(iface, sizeof iface, "ifindex %u", pi.ipi6_ifindex);
    inet_ntop(AF_INET6, &pi.ipi6_addr, addr, sizeof addr);
    snprintf(step, sizeof step, "interface in %s", name);
    ac_expect_str(AC_CLAIM(SOCKOPT, subject), step, r->iface, iface);
    snprintf(step, sizeof step, "address in %s", name);
    ac_expect_str(AC_CLAIM(SOCKOPT, subject), step, r->addr, addr);
}

static void expect_hop_limit(const char *subject, const char *name, const struct cmsghdr *c,
                             const struct pkt_row *r)
{
    int hops;
    ac_setup_ok("a whole hop limit", c->cmsg_len >= CMSG_LEN(sizeof hops) ? 0 : EPROTO);
    memcpy(&hops, CMSG_DATA(c), sizeof hops);
    char step[96];
    snprintf(step, sizeof step, "hop limit in %s", name);
    ac_expect_int(AC_CLAIM(SOCKOPT, subject), step, r->hops, hops);
}

/* getsockopt(IPV6_2292PKTOPTIONS) of fd: which cmsgs, then what each one says. */
static void expect_pktoptions(int fd, const char *subject, const struct pkt_row *r)
{
    union {
        char buf[256];
        struct cmsghdr align;
    } u;
    socklen_t len = sizeof u.buf;
    ac_setup_ok("getsockopt IPV6_2292PKTOPTIONS",
                getsockopt(fd, IPPROTO_IPV6, IPV6_2292PKTOPTIONS, u.buf, &len) ? errno : 0);
    struct msghdr m = {.msg_control = u.buf, .msg_controllen = len};
    char names[128] = "";
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? " " : "",
                 cmsg_name(c));
    ac_expect_str(AC_CLAIM(SOCKOPT, subject), "cmsgs of getsockopt(IPV6_2292PKTOPTIONS)", r->cmsgs,
                  *names ? names : "none");
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        const char *name = cmsg_name(c);
        if (c->cmsg_type == IPV6_PKTINFO || c->cmsg_type == IPV6_2292PKTINFO)
            expect_pktinfo(subject, name, c, r);
        else if (c->cmsg_type == IPV6_HOPLIMIT || c->cmsg_type == IPV6_2292HOPLIMIT)
            expect_hop_limit(subject, name, c, r);
    }
}

static void pktoptions_scenario(const struct pkt_row *r)
{
    struct ac_addr server_at, client_at;
    ac_addr_parse(&server_at, V6_ADDR, PORT);
    ac_addr_parse(&client_at, V6_CLIENT, 0);
    ac_netns_add_addr(V6_ADDR "/64");
    ac_netns_add_addr(V6_CLIENT "/64");
    ac_wait_local_route(V6_ADDR, AC_STATE_TIMEOUT_MS);
    ac_wait_local_route(V6_CLIENT, AC_STATE_TIMEOUT_MS);

    int listener = ac_listener(V6_ADDR, PORT, 0, 16);
    set_ipv6_int(listener, IPV6_UNICAST_HOPS, HOPS_SYNACK, "the listener's IPV6_UNICAST_HOPS");
    int client = ac_setup_fd("client socket", ac_tcp_socket(AF_INET6, 0));
    ac_setup_ok("client bind [2001:db8::200]", ac_bind(client, &client_at));
    set_ipv6_int(client, IPV6_UNICAST_HOPS, HOPS_CLIENT, "the client's IPV6_UNICAST_HOPS");
    if (r->when == EARLY)
        set_recv_options(r->end == CLIENT_END ? client : listener, r->opts);
    ac_setup_ok("client connect", ac_connect(client, &server_at));
    int server = ac_setup_fd("accept", ac_accept_within(listener, AC_STATE_TIMEOUT_MS));

    int me = r->end == CLIENT_END ? client : server, peer = me == client ? server : client;
    const char *subject = r->end == CLIENT_END ? "client end" : "server end";
    if (r->when == LATE)
        set_recv_options(me, r->opts);
    if (r->peer != SILENT)
        peer_sends(peer, me, HOPS_DATA, false);
    if (r->peer == DATA_FIN) {
        peer_sends(peer, me, HOPS_FIN, true);
        ac_expect_fd_state(AC_SETUP(STATE, subject), "state after the peer's FIN", me,
                           AC_CLOSE_WAIT);
    }
    expect_pktoptions(me, subject, r);
    close(me);
    if (r->peer != DATA_FIN)
        close(peer);
    close(listener);
}

#define X(name, end, when, opts, peer, cmsgs, iface, addr, hops, rule)                             \
    AC_TEST(ipv6, name, .description = rule)                                                       \
    {                                                                                              \
        pktoptions_scenario(&(struct pkt_row){end, when, opts, peer, cmsgs, iface, addr, hops});   \
    }

/* name, the socket asked, when its options are set, which, what the peer sends then, the cmsgs
 * expected, their interface, address and hop limit, the rule */
/* --- the connecting socket: the server's segments --- */
X(pktoptions_recvpktinfo_reports_iface_and_peer, CLIENT_END, LATE, RECVPKTINFO, DATA,
  "IPV6_PKTINFO", AC_IFACE, V6_ADDR, 0,
  "With IPV6_RECVPKTINFO on a connected TCP socket, getsockopt(IPV6_2292PKTOPTIONS) returns an "
  "IPV6_PKTINFO cmsg with the interface the last in-order segment came in on (ac0, its address's "
  "link, though the segment crossed lo) and the peer's address.")
/* The RFC 2292 option alone must update mcast_oif too (tcp_v6_do_rcv(): rxinfo || rxoinfo), or
 * this row and the EARLY and CLOSE_WAIT ones below would see interface none and address ::. */
X(pktoptions_2292pktinfo_reports_iface_and_peer, CLIENT_END, LATE, PKTINFO2292, DATA,
  "IPV6_2292PKTINFO", AC_IFACE, V6_ADDR, 0,
  "IPV6_2292PKTINFO alone (RFC 2292's name) has the last in-order segment latched as well: "
  "getsockopt(IPV6_2292PKTOPTIONS) returns an IPV6_2292PKTINFO cmsg with its interface, ac0, and "
  "the peer's address.")
X(pktoptions_both_pktinfo_options_report_it_twice, CLIENT_END, LATE, RECVPKTINFO | PKTINFO2292,
  DATA, "IPV6_PKTINFO IPV6_2292PKTINFO", AC_IFACE, V6_ADDR, 0,
  "With IPV6_RECVPKTINFO and IPV6_2292PKTINFO both on, getsockopt(IPV6_2292PKTOPTIONS) reports "
  "the last in-order segment's interface and the peer's address twice, as IPV6_PKTINFO and as "
  "IPV6_2292PKTINFO.")
X(pktoptions_recvhoplimit_reports_last_hop_limit, CLIENT_END, LATE, RECVHOPLIMIT, DATA,
  "IPV6_HOPLIMIT", NULL, NULL, HOPS_DATA,
  "With IPV6_RECVHOPLIMIT, getsockopt(IPV6_2292PKTOPTIONS) returns an IPV6_HOPLIMIT cmsg with the "
  "hop limit of the last in-order segment, the one the peer's IPV6_UNICAST_HOPS gave it.")
X(pktoptions_2292hoplimit_reports_last_hop_limit, CLIENT_END, LATE, HOPLIMIT2292, DATA,
  "IPV6_2292HOPLIMIT", NULL, NULL, HOPS_DATA,
  "IPV6_2292HOPLIMIT alone has the hop limit latched as well: getsockopt(IPV6_2292PKTOPTIONS) "
  "returns an IPV6_2292HOPLIMIT cmsg with the last in-order segment's hop limit.")
X(pktoptions_before_any_segment_report_iface_none, CLIENT_END, LATE, BOTH2292, SILENT, CMSGS2292,
  NO_IFACE, NO_ADDR, HOPS_NONE,
  "Options turned on after connect() latch nothing until the peer's next segment: until then "
  "getsockopt(IPV6_2292PKTOPTIONS) reports interface 0 and address :: (the unset IPV6_PKTINFO "
  "sticky values) and hop limit 1, the multicast default.")
X(pktoptions_set_before_connect_report_syn_ack, CLIENT_END, EARLY, BOTH2292, SILENT, CMSGS2292,
  AC_IFACE, V6_ADDR, HOPS_SYNACK,
  "Options set before connect() latch the SYN-ACK, an in-order segment: before any data "
  "getsockopt(IPV6_2292PKTOPTIONS) reports its interface, the peer's address and the SYN-ACK's "
  "hop limit.")
X(pktoptions_in_close_wait_report_peers_fin, CLIENT_END, LATE, BOTH2292, DATA_FIN, CMSGS2292,
  AC_IFACE, V6_ADDR, HOPS_FIN,
  "In CLOSE_WAIT, getsockopt(IPV6_2292PKTOPTIONS) reports the peer's FIN, the last in-order "
  "segment: its interface, the peer's address and the FIN's hop limit.")
/* --- the accepted socket: the client's segments --- */
X(pktoptions_of_accepted_from_listener_report_syn, SERVER_END, EARLY, BOTH2292, SILENT, CMSGS2292,
  AC_IFACE, V6_ADDR, HOPS_CLIENT,
  "An accepted socket whose listener had IPV6_2292PKTINFO keeps the client's SYN until data "
  "comes: getsockopt(IPV6_2292PKTOPTIONS) reports the SYN's interface, its destination (the "
  "socket's own address, not the peer's) and its hop limit.")
X(pktoptions_of_accepted_after_data_report_peer, SERVER_END, EARLY, BOTH2292, DATA, CMSGS2292,
  AC_IFACE, V6_CLIENT, HOPS_DATA,
  "The first in-order data segment replaces the SYN an accepted socket kept: "
  "getsockopt(IPV6_2292PKTOPTIONS) then reports its interface, the peer's address and its hop "
  "limit.")
X(pktoptions_of_accepted_report_handshake_ack, SERVER_END, LATE, BOTH2292, SILENT, CMSGS2292,
  AC_IFACE, V6_CLIENT, HOPS_CLIENT,
  "An accepted socket starts with what the handshake's last ACK carried: options set after "
  "accept() report, before any data, its interface, the peer's address and its hop limit.")
#undef X
