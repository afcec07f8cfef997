/* When the kernel chooses the port: bind(port 0) and connect() in a range where TIME_WAITs sit
 * on some ports, with ip_local_reserved_ports and IP_BIND_ADDRESS_NO_PORT (on AF_INET and
 * AF_INET6 sockets), and which port each takes first from a free range.
 *
 * The range is shrunk to 40000-40003 (4 ports, even: both scans below then cover every port),
 * or to 2 ports where the order of the choices is the claim, or to 3 where an odd size is.
 *  - bind(port 0): inet_csk_find_open_port() (net/ipv4/inet_connection_sock.c) skips reserved
 *    ports (inet_is_local_reserved_port()) and takes a port only if inet_csk_bind_conflict()
 *    with relax=false finds no conflict: a TIME_WAIT on an overlapping address is one, even
 *    with SO_REUSEADDR on both. No port: EADDRINUSE (net.ipv4.ip_autobind_reuse=0, the
 *    default, forbids the relaxed second scan).
 *  - connect() on an unbound socket: __inet_hash_connect() (net/ipv4/inet_hashtables.c) skips
 *    reserved ports and every port whose bind bucket was made by bind() (tb->fastreuse >= 0);
 *    a port whose bucket connect() made (fastreuse = -1) is taken if the new 4-tuple is unique
 *    (check_established): a TIME_WAIT to ANOTHER peer is no obstacle. No port: EADDRNOTAVAIL.
 *  - IP_BIND_ADDRESS_NO_PORT: inet_bind() (and __inet6_bind() for AF_INET6) with port 0
 *    leaves the port to connect(), so the second rule applies instead of the first.
 * Both scans have this shape in every kernel of the matrix; which port each tries first, and
 * what a socket's own IP_LOCAL_PORT_RANGE changes there, is described above the last table. */
#include "../harness/actest.h"
#include "../harness/probe.h"
#include "../fixtures/diag.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/kernel.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51 /* include/uapi/linux/in.h */
#endif

#define PORT       9999
#define OTHER_PORT 10000 /* the other peer: another listener on the same address */
#define LOW        40000
#define HIGH       40003

TestSuite(portchoice, .description = "bind(port 0) never picks a port a TIME_WAIT or a bound "
                                     "socket holds on an overlapping address, a wildcard "
                                     "included; connect() picks one whose TIME_WAIT "
                                     "is to another peer, unless bind() made that port's "
                                     "bucket; neither picks a reserved port. From a free range "
                                     "bind(port 0) takes ports of the other parity than its low "
                                     "end first and connect() those of its parity, on IPv4 and "
                                     "IPv6 alike, and a range of odd size leaves its last port "
                                     "unused; connect() from a socket's own "
                                     "IP_LOCAL_PORT_RANGE drops that split since 6.8.");

static int listen_at(const char *ip, uint16_t port)
{
    struct ac_addr at;
    ac_addr_parse(&at, ip, port);
    int fd = ac_setup_fd("listener socket", ac_tcp_socket(ac_addr_family(&at), 0));
    ac_setup_ok("listener bind", ac_bind(fd, &at));
    ac_setup_ok("listener listen", ac_listen(fd, 16));
    return fd;
}

/* A client (bound to ip:port first when port != 0) connects to ip:9999 and closes first: its
 * end is left in TIME_WAIT. Returns its port. */
static uint16_t client_time_wait(const char *ip, int listener, uint16_t port)
{
    struct ac_addr peer, me;
    ac_addr_parse(&peer, ip, PORT);
    int c = ac_setup_fd("client socket", ac_tcp_socket(ac_addr_family(&peer), 0));
    if (port) {
        ac_addr_parse(&me, ip, port);
        ac_setup_ok("client bind", ac_bind(c, &me));
    }
    ac_setup_ok("client connect", ac_connect(c, &peer));
    int s = accept(listener, NULL, NULL);
    ac_setup_fd("accept", s < 0 ? -errno : s);
    ac_setup_ok("client address", ac_local_addr(c, &me));
    close(c);
    char b;
    ac_setup_ok("server reads EOF", recv(s, &b, 1, 0) == 0 ? 0 : EIO);
    close(s);
    struct ac_match tw = {.local = &me, .remote = &peer};
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end after it closed first", &tw,
                    AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    return ac_addr_port(&me);
}

/* `n` client TIME_WAITs on `ip` in the range, on ports bound explicitly (40000, 40001, ...) or
 * chosen by connect(). tcp_tw_reuse=0: on loopback (::1) the default 2 lets a later connect()
 * take over a TIME_WAIT over a second old instead of a free port (a slow guest: 3, not 4). */
static void time_waits_on(const char *ip, int n, bool bound)
{
    ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40003");
    ac_netns_sysctl("net/ipv4/tcp_tw_reuse", "0");
    int l = listen_at(ip, PORT);
    for (int i = 0; i < n; i++)
        client_time_wait(ip, l, bound ? (uint16_t)(LOW + i) : 0);
    close(l);
    struct ac_addr peer;
    ac_addr_parse(&peer, ip, PORT);
    struct ac_match tws = {.states = AC_STATE_BIT(AC_TIME_WAIT), .remote = &peer};
    ac_expect_int(AC_SETUP(COUNT, "client TIME_WAITs"), "client TIME_WAITs in 40000-40003", n,
                  ac_diag_count(&tws));
}

static void time_waits(int n, bool bound)
{
    time_waits_on(AC_SERVER_IP, n, bound);
}

/* IP_BIND_ADDRESS_NO_PORT is an IPPROTO_IP option on AF_INET6 sockets too: ipv6_setsockopt()
 * hands SOL_IP to the IPv4 code, and __inet6_bind() reads the same flag as inet_bind(). */
static void set_bind_address_no_port(int fd)
{
    int one = 1;
    ac_setup_ok("setsockopt IP_BIND_ADDRESS_NO_PORT",
                setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) ? errno : 0);
}

/* bind(ip:0), with IP_BIND_ADDRESS_NO_PORT if no_port; returns the fd, the bind result in *err
 * and the port chosen (0 if none) in *port. */
static int bind_port0(const char *ip, bool no_port, int *err, uint16_t *port)
{
    struct ac_addr at, got;
    ac_addr_parse(&at, ip, 0);
    int fd = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&at), 0));
    if (no_port)
        set_bind_address_no_port(fd);
    *err = ac_bind(fd, &at);
    *port = 0;
    if (!*err && ac_local_addr(fd, &got) == 0)
        *port = ac_addr_port(&got);
    return fd;
}

/* `subject`: the socket the port was chosen for. */
static void expect_port(const char *subject, const char *step, const char *expected, uint16_t port)
{
    char got[32];
    if (port >= LOW && port <= HIGH && expected[0] == 'a')
        snprintf(got, sizeof got, "a port of %d-%d", LOW, HIGH);
    else
        snprintf(got, sizeof got, "%u", port);
    ac_expect_str(AC_CLAIM(ADDRESS, subject), step, expected, got);
}

/* connect() an unbound (or address-only) socket to the other peer, ip:10000. */
static int connect_other_peer(const char *ip, int fd, uint16_t *port)
{
    struct ac_addr peer, me;
    ac_addr_parse(&peer, ip, OTHER_PORT);
    int err = ac_connect(fd, &peer);
    *port = 0;
    if (!err && ac_local_addr(fd, &me) == 0)
        *port = ac_addr_port(&me);
    return err;
}

AC_TEST(portchoice, bind_port0_skips_ports_held_by_time_wait,
        .description = "bind(port 0) treats a TIME_WAIT on an overlapping address as a conflict, "
                       "so with 40000-40002 in TIME_WAIT it picks 40003, the one free port.")
{
    time_waits(3, true);
    int err;
    uint16_t port;
    int fd = bind_port0(AC_SERVER_IP, false, &err, &port);
    ac_expect_errno(AC_CLAIM(BIND, "192.168.1.100:0"), "bind 192.168.1.100:0", 0, err);
    expect_port("192.168.1.100:0", "port bind(0) chose", "40003", port);
    close(fd);
}

AC_TEST(portchoice, bind_port0_fails_when_every_port_holds_time_wait,
        .description = "With every port of the range in TIME_WAIT on the same address, bind(port "
                       "0) finds no port and fails with EADDRINUSE (ip_autobind_reuse=0).")
{
    time_waits(4, true);
    int err;
    uint16_t port;
    int fd = bind_port0(AC_SERVER_IP, false, &err, &port);
    ac_expect_errno(AC_CLAIM(BIND, "192.168.1.100:0"),
                    "bind 192.168.1.100:0 with 40000-40003 in TIME_WAIT", EADDRINUSE, err);
    close(fd);
}

AC_TEST(portchoice, bind_port0_other_addr_ignores_those_time_waits,
        .description = "The TIME_WAITs on 192.168.1.100 do not overlap 127.0.0.1, so bind(port 0) "
                       "on 127.0.0.1 still finds a port of the range.")
{
    time_waits(4, true);
    int err;
    uint16_t port;
    int fd = bind_port0(AC_LOOPBACK_IP, false, &err, &port);
    ac_expect_errno(AC_CLAIM(BIND, "127.0.0.1:0"),
                    "bind 127.0.0.1:0 with 40000-40003 in TIME_WAIT on 192.168.1.100", 0, err);
    expect_port("127.0.0.1:0", "port bind(0) chose", "a port of 40000-40003", port);
    close(fd);
}

/* A socket bound to a wildcard address overlaps every address on its port ([::] the IPv4 ones
 * too, unless IPV6_V6ONLY): bind(port 0) of a specific address skips such a port as a conflict
 * (inet_csk_find_open_port(): since 6.1 inet_bhash2_addr_any_conflict(), for the bind hash keyed
 * by address and port; the port's owners before). 40000-40002 are held so, 40003 is free. */
#define X(name, wildcard, ip, rule)                                                                \
    AC_TEST(portchoice, name, .description = rule)                                                 \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40003");                            \
        int held[3];                                                                               \
        for (int i = 0; i < 3; i++) {                                                              \
            struct ac_addr at;                                                                     \
            ac_addr_parse(&at, wildcard, (uint16_t)(LOW + i));                                     \
            held[i] = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&at), 0));                \
            ac_setup_ok("bind " wildcard " to a port of 40000-40002", ac_bind(held[i], &at));      \
        }                                                                                          \
        int err;                                                                                   \
        uint16_t port;                                                                             \
        int fd = bind_port0(ip, false, &err, &port);                                               \
        ac_expect_errno(AC_CLAIM(BIND, ip ":0"), "bind " ip ":0", 0, err);                         \
        expect_port(ip ":0", "port bind(0) chose", "40003", port);                                 \
        close(fd);                                                                                 \
        for (int i = 0; i < 3; i++)                                                                \
            close(held[i]);                                                                        \
    }

/* name, the wildcard bound on 40000-40002, the address bound to port 0, the rule */
X(bind_port0_skips_ports_bound_to_the_wildcard, "0.0.0.0", AC_SERVER_IP,
  "bind(port 0) of 192.168.1.100 skips the ports sockets hold on 0.0.0.0, which overlaps it: "
  "with 40000-40002 held so, it picks 40003.")
X(bind_port0_skips_ports_bound_to_the_ipv6_wildcard, "::", AC_SERVER_IP,
  "A dual-stack socket on [::] overlaps IPv4 addresses too: bind(port 0) of 192.168.1.100 skips "
  "the ports such sockets hold and picks 40003.")
X(bind_port0_skips_ports_bound_to_the_wildcard_ipv6, "::", "::1",
  "bind(port 0) of ::1 skips the ports sockets hold on [::]: with 40000-40002 held so, it picks "
  "40003.")
#undef X

AC_TEST(portchoice, connect_reuses_port_of_time_wait_to_other_peer,
        .description = "connect() may pick a port whose TIME_WAIT (made by connect()) is to "
                       "another peer, since the new 4-tuple is unique: with the whole range in "
                       "TIME_WAIT to 192.168.1.100:9999 it still connects to :10000.")
{
    time_waits(4, false);
    int l2 = listen_at(AC_SERVER_IP, OTHER_PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    uint16_t port;
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000", 0,
                    connect_other_peer(AC_SERVER_IP, fd, &port));
    expect_port("new client end", "port connect() chose", "a port of 40000-40003", port);
    close(fd);
    close(l2);
}

AC_TEST(portchoice, connect_skips_ports_bound_by_bind_time_waits,
        .description = "connect() never picks a port whose bind bucket bind() made, even for "
                       "another peer: with the whole range in TIME_WAIT on explicitly bound "
                       "ports, connect() fails with EADDRNOTAVAIL.")
{
    time_waits(4, true);
    int l2 = listen_at(AC_SERVER_IP, OTHER_PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    uint16_t port;
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000",
                    EADDRNOTAVAIL, connect_other_peer(AC_SERVER_IP, fd, &port));
    close(fd);
    close(l2);
}

/* bind(ip:0) fails with the range in TIME_WAIT; with IP_BIND_ADDRESS_NO_PORT it takes the
 * address only, and connect() to the other peer picks a port by its own rule. */
static void no_port_defers_to_connect(const char *ip)
{
    char subject[64], step[160];
    snprintf(subject, sizeof subject, "%s%s%s:0", strchr(ip, ':') ? "[" : "", ip,
             strchr(ip, ':') ? "]" : "");
    time_waits_on(ip, 4, false);
    int l2 = listen_at(ip, OTHER_PORT);
    int err;
    uint16_t port;
    int plain = bind_port0(ip, false, &err, &port);
    snprintf(step, sizeof step, "bind %s (no IP_BIND_ADDRESS_NO_PORT)", subject);
    ac_expect_errno(AC_SETUP(BIND, subject), step, EADDRINUSE, err);
    close(plain);
    int fd = bind_port0(ip, true, &err, &port);
    snprintf(step, sizeof step, "bind %s IP_BIND_ADDRESS_NO_PORT", subject);
    ac_expect_errno(AC_CLAIM(BIND, "new client end"), step, 0, err);
    expect_port("new client end", "port after that bind (none yet)", "0", port);
    snprintf(step, sizeof step, "connect to the other peer (port %d)", OTHER_PORT);
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), step, 0,
                    connect_other_peer(ip, fd, &port));
    expect_port("new client end", "port connect() chose", "a port of 40000-40003", port);
    close(fd);
    close(l2);
}

#define X(name, ip, rule)                                                                          \
    AC_TEST(portchoice, name, .description = rule)                                                 \
    {                                                                                              \
        no_port_defers_to_connect(ip);                                                             \
    }
X(bind_address_no_port_defers_to_connect_and_succeeds, AC_SERVER_IP,
  "bind(192.168.1.100:0) fails with the range in TIME_WAIT, but with IP_BIND_ADDRESS_NO_PORT "
  "the bind takes only the address and connect() picks the port by its own rule: a TIME_WAIT "
  "to another peer is no obstacle.")
X(bind_address_no_port_defers_to_connect_and_succeeds_ipv6, "::1",
  "The same on IPv6: bind([::1]:0) fails with the range in TIME_WAIT, but with "
  "IP_BIND_ADDRESS_NO_PORT the bind takes only [::1] and connect() picks a port whose TIME_WAIT "
  "is to another peer.")
#undef X

/* Two sockets bound to the same address with IP_BIND_ADDRESS_NO_PORT reserve nothing, so
 * connect() may give both the same port when their peers differ: the bucket connect() made
 * (fastreuse = -1) is shared as long as each 4-tuple is unique (check_established). */
static void no_port_sockets_share_port(const char *ip)
{
    ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40001");
    int l1 = listen_at(ip, PORT), l2 = listen_at(ip, OTHER_PORT);
    struct ac_addr peer1, peer2;
    ac_addr_parse(&peer1, ip, PORT);
    ac_addr_parse(&peer2, ip, OTHER_PORT);
    int err1, err2;
    uint16_t port1, port2;
    int a = bind_port0(ip, true, &err1, &port1);
    ac_setup_ok("first bind, port 0, IP_BIND_ADDRESS_NO_PORT", err1);
    int b = bind_port0(ip, true, &err2, &port2);
    ac_expect_errno(AC_CLAIM(BIND, "second client end"),
                    "second bind to the same address, port 0, IP_BIND_ADDRESS_NO_PORT", 0, err2);
    char seen[32];
    snprintf(seen, sizeof seen, "%u and %u", port1, port2);
    ac_expect_str(AC_CLAIM(ADDRESS, "second client end"), "ports after both binds (none yet)",
                  "0 and 0", seen);
    ac_expect_errno(AC_CLAIM(CONNECT, "first client end"), "first connect (peer port 9999)", 0,
                    ac_connect(a, &peer1));
    ac_expect_errno(AC_CLAIM(CONNECT, "second client end"), "second connect (peer port 10000)", 0,
                    ac_connect(b, &peer2));
    struct ac_addr me1, me2;
    ac_setup_ok("first getsockname", ac_local_addr(a, &me1));
    ac_setup_ok("second getsockname", ac_local_addr(b, &me2));
    snprintf(seen, sizeof seen, "%u and %u", ac_addr_port(&me1), ac_addr_port(&me2));
    ac_expect_str(AC_CLAIM(ADDRESS, "second client end"),
                  "ports the two connections got from 40000-40001", "40000 and 40000", seen);
    close(a);
    close(b);
    close(l1);
    close(l2);
}

#define X(name, ip, rule)                                                                          \
    AC_TEST(portchoice, name, .description = rule)                                                 \
    {                                                                                              \
        no_port_sockets_share_port(ip);                                                            \
    }
X(bind_address_no_port_sockets_share_one_port_to_two_peers, AC_SERVER_IP,
  "Two sockets bound to 192.168.1.100:0 with IP_BIND_ADDRESS_NO_PORT hold no port until they "
  "connect, then share one (40000 of 40000-40001) since their peers differ.")
X(bind_address_no_port_sockets_share_one_port_to_two_peers_ipv6, "::1",
  "Two sockets bound to [::1]:0 with IP_BIND_ADDRESS_NO_PORT hold no port until they connect, "
  "then share 40000 since their peers differ: the option works on AF_INET6 sockets too.")
#undef X

/* --- ip_local_reserved_ports: 40000-40002 reserved, 40003 left --- */

static void reserve_all_but_40003(void)
{
    ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40003");
    ac_netns_sysctl("net/ipv4/ip_local_reserved_ports", "40000-40002");
}

AC_TEST(portchoice, reserved_ports_never_chosen_by_bind_port0,
        .description = "bind(port 0) skips ip_local_reserved_ports: with 40000-40002 reserved "
                       "it picks 40003, and the next bind(port 0) finds nothing (EADDRINUSE).")
{
    reserve_all_but_40003();
    int err;
    uint16_t port;
    int first = bind_port0(AC_SERVER_IP, false, &err, &port);
    ac_expect_errno(AC_CLAIM(BIND, "192.168.1.100:0"), "first bind 192.168.1.100:0", 0, err);
    expect_port("192.168.1.100:0", "port the first bind(0) chose", "40003", port);
    int second = bind_port0(AC_SERVER_IP, false, &err, &port);
    ac_expect_errno(AC_CLAIM(BIND, "192.168.1.100:0"),
                    "second bind 192.168.1.100:0 (first still open)", EADDRINUSE, err);
    close(second);
    close(first);
}

AC_TEST(portchoice, reserved_ports_never_chosen_by_connect,
        .description = "connect() skips ip_local_reserved_ports too: with 40000-40002 reserved "
                       "it uses 40003.")
{
    reserve_all_but_40003();
    int l2 = listen_at(AC_SERVER_IP, OTHER_PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    uint16_t port;
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000", 0,
                    connect_other_peer(AC_SERVER_IP, fd, &port));
    expect_port("new client end", "port connect() chose", "40003", port);
    close(fd);
    close(l2);
}

AC_TEST(portchoice, reserved_port_binds_when_asked_for,
        .description = "A reserved port is only kept out of automatic choice: bind() to "
                       "40001 by number succeeds.")
{
    reserve_all_but_40003();
    int fd = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, 40001, 0, 0);
    close(fd);
}

/* --- which port comes first, from a free range --------------------------------------------- */

/* inet_csk_find_open_port() (bind() with port 0) scans [low, high + 1) from low + an odd
 * offset (random below the range's size rounded down to even, then | 1), two ports at a time,
 * and only then the ports of low's parity (offset - 1); with SO_REUSEADDR and a range of 4 or
 * more it does that in the lower half first (attempt_half), then in the upper half.
 * __inet_hash_connect() (connect() without a port) starts at an even offset (a hash of the
 * 4-tuple plus a perturbation table, & ~1), so it takes ports of low's parity first: the two
 * never compete for the same half. Both round the range's size down to even, so in a range of
 * odd size neither ever takes its last port (which is why the sysctl asks for "different
 * parity for start/end values"). In a range of 2 the random offset has one value left, so the
 * order is fixed; in a range of 4 the parity is.
 *
 * A socket's own IP_LOCAL_PORT_RANGE (inet_sk_get_local_port_range(): the sysctl range
 * narrowed, upstream since 6.3 and in Debian's 6.1) changes that for connect() only, since 6.8
 * (commit 207184853dbd, "tcp/dccp: change source port selection at connect() time"): with
 * such a range __inet_hash_connect() keeps its size odd or even, starts at any offset and
 * steps one port at a time, so the parity split is gone and the last port of an odd range is
 * used. 6.1 (6.1.192) and 6.7 keep the split; inet_csk_find_open_port() never looked at
 * whose range it was (6.1, 6.12, 6.18 alike). */
enum pick { BIND0, BIND0_REUSEADDR, CONNECT, NO_PORT_CONNECT };
static const char *const pick_text[] = {"bind(port 0)", "bind(port 0) with SO_REUSEADDR",
                                        "connect()", "bind IP_BIND_ADDRESS_NO_PORT + connect()"};
enum order { IN_ORDER, ANY_ORDER };
/* Whose range: net.ipv4.ip_local_port_range of the namespace, or the socket's own. */
enum range_of { SYSCTL_RANGE, OWN_RANGE };
/* No port left: bind(port 0) fails with EADDRINUSE, connect() with EADDRNOTAVAIL. */
#define NO_PORT 0

/* Sets the socket's own range lo-hi; skips the test on a kernel without the option. */
static void set_own_port_range(int fd, unsigned lo, unsigned hi)
{
    unsigned range = lo | hi << 16;
    int err = setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, &range, sizeof range) ? errno : 0;
    if (err == ENOPROTOOPT && ac_kernel_version() < AC_KV(6, 3))
        cr_skip_test("IP_LOCAL_PORT_RANGE does not exist here (upstream since 6.3, commit "
                     "91d0b78c5177)");
    ac_setup_ok("setsockopt IP_LOCAL_PORT_RANGE", err);
}

/* A new socket on `ip` gets its port by `how` (from its own range lo-hi if own) and is kept
 * open, so the next one cannot have it; the port it got, or NO_PORT when the call that picks it
 * found none. connect() goes to ip:10000, where the caller listens. */
static int pick_port(const char *ip, enum pick how, bool own, unsigned lo, unsigned hi)
{
    struct ac_addr at, peer, got;
    ac_addr_parse(&at, ip, 0);
    ac_addr_parse(&peer, ip, OTHER_PORT);
    int fd = ac_setup_fd(
        "socket", ac_tcp_socket(ac_addr_family(&at), how == BIND0_REUSEADDR ? AC_REUSEADDR : 0));
    if (own)
        set_own_port_range(fd, lo, hi);
    if (how == NO_PORT_CONNECT)
        set_bind_address_no_port(fd);
    bool by_bind = how == BIND0 || how == BIND0_REUSEADDR;
    int err = how == CONNECT ? 0 : ac_bind(fd, &at);
    if (by_bind && err == EADDRINUSE)
        return NO_PORT;
    ac_setup_ok("bind port 0", err);
    if (!by_bind) {
        err = ac_connect(fd, &peer);
        if (err == EADDRNOTAVAIL)
            return NO_PORT;
        ac_setup_ok("connect to the peer", err);
    }
    ac_setup_ok("getsockname", ac_local_addr(fd, &got));
    return ac_addr_port(&got);
}

/* Ports in ascending order, NO_PORT last. */
static int by_value(const void *a, const void *b)
{
    unsigned x = (unsigned)*(const int *)a - 1, y = (unsigned)*(const int *)b - 1;
    return (x > y) - (x < y);
}

/* "40001 40000 EADDRINUSE": a picked port as its number, NO_PORT as the pick's error. */
static void picks_text(const int *ports, int n, enum pick how, char *buf, size_t size)
{
    const char *none = how == BIND0 || how == BIND0_REUSEADDR ? "EADDRINUSE" : "EADDRNOTAVAIL";
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        if (ports[i] == NO_PORT)
            snprintf(buf + used, size - used, "%s%s", i ? " " : "", none);
        else
            snprintf(buf + used, size - used, "%s%d", i ? " " : "", ports[i]);
    }
}

/* `n` sockets in a row take their ports by `how` from `range` (the namespace's, or each
 * socket's own), nothing else on it; the ports must be `expected`, in that order or
 * (ANY_ORDER) as a set. */
static void first_picks(const char *ip, enum range_of whose, const char *range, enum pick how,
                        enum order order, const int *expected, int n)
{
    unsigned lo = 0, hi = 0;
    ac_setup_ok("parse the range", sscanf(range, "%u %u", &lo, &hi) == 2 ? 0 : EINVAL);
    if (whose == SYSCTL_RANGE)
        ac_netns_sysctl("net/ipv4/ip_local_port_range", range);
    int l = how == CONNECT || how == NO_PORT_CONNECT ? listen_at(ip, OTHER_PORT) : -1;
    int got[8], sorted[8];
    char want[96], seen[96], step[200];
    for (int i = 0; i < n; i++)
        got[i] = pick_port(ip, how, whose == OWN_RANGE, lo, hi);
    memcpy(sorted, expected, sizeof(int) * (size_t)n);
    if (order == ANY_ORDER) {
        qsort(got, (size_t)n, sizeof(int), by_value);
        qsort(sorted, (size_t)n, sizeof(int), by_value);
    }
    picks_text(sorted, n, how, want, sizeof want);
    picks_text(got, n, how, seen, sizeof seen);
    snprintf(step, sizeof step, "ports %d sockets on %s got by %s from %s%s%s", n, ip,
             pick_text[how], whose == OWN_RANGE ? "their own IP_LOCAL_PORT_RANGE " : "", range,
             order == ANY_ORDER ? " (in either order)" : ", in order");
    ac_expect_str(AC_CLAIM(ADDRESS, "new sockets"), step, want, seen);
    if (l >= 0)
        close(l);
}

#define PORTS(...) ((const int[]){__VA_ARGS__})
#define NPORTS(a)  ((int)(sizeof(a) / sizeof(int)))
#define SYSCTL     SYSCTL_RANGE
#define OWN        OWN_RANGE
#define X(name, ip, whose, range, how, order, ports, rule)                                         \
    AC_TEST(portchoice, name, .description = rule)                                                 \
    {                                                                                              \
        first_picks(ip, whose, range, how, order, ports, NPORTS(ports));                           \
    }
/* A range of 2: the order is fixed. bind(0) starts one above low, connect() at low. */
X(bind_port0_takes_low_plus_1_first_then_low, AC_SERVER_IP, SYSCTL, "40000 40001", BIND0, IN_ORDER,
  PORTS(40001, 40000),
  "bind(port 0) tries the ports of the other parity than the range's low end first: from "
  "40000-40001 it takes 40001, then 40000.")
X(bind_port0_takes_low_plus_1_first_even_when_low_is_odd, AC_SERVER_IP, SYSCTL, "40001 40002",
  BIND0, IN_ORDER, PORTS(40002, 40001),
  "The parity is relative to the range's low end, not odd or even as such: from 40001-40002 "
  "bind(port 0) takes 40002 first, then 40001.")
X(connect_takes_low_first_then_low_plus_1, AC_SERVER_IP, SYSCTL, "40000 40001", CONNECT, IN_ORDER,
  PORTS(40000, 40001),
  "connect() without a port tries ports of the range's low end's parity first, the half "
  "bind(port 0) leaves for last: from 40000-40001 it takes 40000, then 40001.")
X(connect_takes_low_first_even_when_low_is_odd, AC_SERVER_IP, SYSCTL, "40001 40002", CONNECT,
  IN_ORDER, PORTS(40001, 40002),
  "From 40001-40002 connect() takes 40001 first, then 40002: low's parity, whatever it is.")
X(bind_address_no_port_gets_the_port_connect_picks, AC_SERVER_IP, SYSCTL, "40000 40001",
  NO_PORT_CONNECT, IN_ORDER, PORTS(40000, 40001),
  "With IP_BIND_ADDRESS_NO_PORT the port is chosen by connect()'s rule, not bind()'s: from "
  "40000-40001 the first such socket gets 40000, where bind(port 0) would take 40001.")
/* A range of 4: bind(0) with SO_REUSEADDR scans the lower half first, so the order is fixed
 * too; otherwise only the parity is. */
X(bind_port0_reuseaddr_fills_lower_half_first, AC_SERVER_IP, SYSCTL, "40000 40003", BIND0_REUSEADDR,
  IN_ORDER, PORTS(40001, 40000, 40003, 40002),
  "With SO_REUSEADDR bind(port 0) takes the lower half of the range first (each half "
  "other-parity first): from 40000-40003 it takes 40001, 40000, 40003, 40002.")
X(bind_port0_takes_both_other_parity_ports_first, AC_SERVER_IP, SYSCTL, "40000 40003", BIND0,
  ANY_ORDER, PORTS(40001, 40003),
  "Without SO_REUSEADDR bind(port 0) scans the whole range from a random odd offset: the first "
  "two binds from 40000-40003 take 40001 and 40003, in either order.")
X(connect_takes_both_low_parity_ports_first, AC_SERVER_IP, SYSCTL, "40000 40003", CONNECT,
  ANY_ORDER, PORTS(40000, 40002),
  "connect() starts from a hashed even offset: the first two connections from 40000-40003 take "
  "40000 and 40002, in either order.")
/* The same code chooses for AF_INET6 sockets, from the same net.ipv4 range. */
X(bind_port0_takes_low_plus_1_first_then_low_ipv6, "::1", SYSCTL, "40000 40001", BIND0, IN_ORDER,
  PORTS(40001, 40000),
  "On IPv6 bind([::1]:0) follows the same rule from the same net.ipv4.ip_local_port_range: "
  "40001, then 40000.")
X(connect_takes_low_first_then_low_plus_1_ipv6, "::1", SYSCTL, "40000 40001", CONNECT, IN_ORDER,
  PORTS(40000, 40001), "On IPv6 connect() to [::1] follows the same rule: 40000, then 40001.")
X(bind_address_no_port_gets_the_port_connect_picks_ipv6, "::1", SYSCTL, "40000 40001",
  NO_PORT_CONNECT, IN_ORDER, PORTS(40000, 40001),
  "On IPv6 too, IP_BIND_ADDRESS_NO_PORT leaves the choice to connect(): the first socket bound "
  "to [::1]:0 with it gets 40000 when it connects.")
/* A socket's own IP_LOCAL_PORT_RANGE: bind(port 0) keeps the split; connect() keeps it before
 * 6.8 only. Ranges of 3 ports, where the split shows as the last port left unused (the sysctl
 * row makes the kernel log "prefer different parity for start/end values", once a namespace). */
X(connect_range_of_3_never_takes_its_last_port, AC_SERVER_IP, SYSCTL, "40000 40002", CONNECT,
  IN_ORDER, PORTS(40000, 40001, NO_PORT),
  "connect() rounds an odd-sized ip_local_port_range down to even: from 40000-40002 it takes "
  "40000, then 40001, and a third connection finds no port (EADDRNOTAVAIL) with 40002 free.")
X(bind_port0_own_port_range_keeps_parity_split, AC_SERVER_IP, OWN, "40000 40002", BIND0, IN_ORDER,
  PORTS(40001, 40000, NO_PORT),
  "bind(port 0) treats a socket's own IP_LOCAL_PORT_RANGE as the sysctl range: from its own "
  "40000-40002 it takes 40001, then 40000, and a third bind finds no port (EADDRINUSE), 40002 "
  "never tried.")
X(connect_own_port_range_takes_every_port, AC_SERVER_IP, OWN, "40000 40002", CONNECT,
  ac_since(AC_KV(6, 8), ANY_ORDER, IN_ORDER),
  PORTS(40000, 40001, ac_since(AC_KV(6, 8), 40002, NO_PORT)),
  "connect() from a socket's own IP_LOCAL_PORT_RANGE scans it port by port since 6.8 (commit "
  "207184853dbd): three connections from an own 40000-40002 take all three ports, in a hashed "
  "order; before 6.8 they take 40000, then 40001, and the third finds no port (EADDRNOTAVAIL).")
#undef X
