/* When the kernel chooses the port: bind(port 0) and connect() in a range where TIME_WAITs sit
 * on some ports, with ip_local_reserved_ports and IP_BIND_ADDRESS_NO_PORT.
 *
 * The range is shrunk to 40000-40003 (4 ports, even: both scans below then cover every port).
 *  - bind(port 0): inet_csk_find_open_port() (net/ipv4/inet_connection_sock.c) skips reserved
 *    ports (inet_is_local_reserved_port()) and takes a port only if inet_csk_bind_conflict()
 *    with relax=false finds no conflict: a TIME_WAIT on an overlapping address is one, even
 *    with SO_REUSEADDR on both. No port: EADDRINUSE (net.ipv4.ip_autobind_reuse=0, the
 *    default, forbids the relaxed second scan).
 *  - connect() on an unbound socket: __inet_hash_connect() (net/ipv4/inet_hashtables.c) skips
 *    reserved ports and every port whose bind bucket was made by bind() (tb->fastreuse >= 0);
 *    a port whose bucket connect() made (fastreuse = -1) is taken if the new 4-tuple is unique
 *    (check_established): a TIME_WAIT to ANOTHER peer is no obstacle. No port: EADDRNOTAVAIL.
 *  - IP_BIND_ADDRESS_NO_PORT: inet_bind() with port 0 leaves the port to connect(), so the
 *    second rule applies instead of the first.
 * Both scans have this shape in every kernel of the matrix. */
#include "../harness/actest.h"
#include "../harness/probe.h"
#include "../fixtures/diag.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define PORT       9999
#define OTHER_PORT 10000 /* the other peer: another listener on the same address */
#define LOW        40000
#define HIGH       40003

TestSuite(portchoice, .description = "bind(port 0) never picks a port a TIME_WAIT holds on an "
                                     "overlapping address; connect() picks one whose TIME_WAIT "
                                     "is to another peer, unless bind() made that port's "
                                     "bucket; neither picks a reserved port.");

static int listen_at(uint16_t port)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, port);
    int fd = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(fd, &at));
    ac_setup_ok("listener listen", ac_listen(fd, 16));
    return fd;
}

/* A client (bound to 192.168.1.100:port first when port != 0) connects to 192.168.1.100:9999
 * and closes first: its end is left in TIME_WAIT. Returns its port. */
static uint16_t client_time_wait(int listener, uint16_t port)
{
    struct ac_addr peer, me;
    ac_addr_parse(&peer, AC_SERVER_IP, PORT);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    if (port) {
        ac_addr_parse(&me, AC_SERVER_IP, port);
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

/* `n` client TIME_WAITs in the range, on ports bound explicitly (40000, 40001, ...) or chosen
 * by connect(). */
static void time_waits(int n, bool bound)
{
    ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40003");
    int l = listen_at(PORT);
    for (int i = 0; i < n; i++)
        client_time_wait(l, bound ? (uint16_t)(LOW + i) : 0);
    close(l);
    struct ac_addr peer;
    ac_addr_parse(&peer, AC_SERVER_IP, PORT);
    struct ac_match tws = {.states = AC_STATE_BIT(AC_TIME_WAIT), .remote = &peer};
    ac_expect_int(AC_SETUP(COUNT, "client TIME_WAITs"), "client TIME_WAITs in 40000-40003", n,
                  ac_diag_count(&tws));
}

/* bind(ip:0), with IP_BIND_ADDRESS_NO_PORT if no_port; returns the fd, the bind result in *err
 * and the port chosen (0 if none) in *port. */
static int bind_port0(const char *ip, bool no_port, int *err, uint16_t *port)
{
    struct ac_addr at, got;
    ac_addr_parse(&at, ip, 0);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    int one = 1;
    if (no_port)
        ac_setup_ok("setsockopt IP_BIND_ADDRESS_NO_PORT",
                    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one) ? errno
                                                                                          : 0);
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

/* connect() an unbound (or address-only) socket to the other peer, 192.168.1.100:10000. */
static int connect_other_peer(int fd, uint16_t *port)
{
    struct ac_addr peer, me;
    ac_addr_parse(&peer, AC_SERVER_IP, OTHER_PORT);
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

AC_TEST(portchoice, connect_reuses_port_of_time_wait_to_other_peer,
        .description = "connect() may pick a port whose TIME_WAIT (made by connect()) is to "
                       "another peer, since the new 4-tuple is unique: with the whole range in "
                       "TIME_WAIT to 192.168.1.100:9999 it still connects to :10000.")
{
    time_waits(4, false);
    int l2 = listen_at(OTHER_PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    uint16_t port;
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000", 0,
                    connect_other_peer(fd, &port));
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
    int l2 = listen_at(OTHER_PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    uint16_t port;
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000",
                    EADDRNOTAVAIL, connect_other_peer(fd, &port));
    close(fd);
    close(l2);
}

AC_TEST(portchoice, bind_address_no_port_defers_to_connect_and_succeeds,
        .description = "bind(192.168.1.100:0) fails with the range in TIME_WAIT, but with "
                       "IP_BIND_ADDRESS_NO_PORT the bind takes only the address and connect() "
                       "picks the port by its own rule: a TIME_WAIT to another peer is no "
                       "obstacle.")
{
    time_waits(4, false);
    int l2 = listen_at(OTHER_PORT);
    int err;
    uint16_t port;
    int plain = bind_port0(AC_SERVER_IP, false, &err, &port);
    ac_expect_errno(AC_SETUP(BIND, "192.168.1.100:0"),
                    "bind 192.168.1.100:0 (no IP_BIND_ADDRESS_NO_PORT)", EADDRINUSE, err);
    close(plain);
    int fd = bind_port0(AC_SERVER_IP, true, &err, &port);
    ac_expect_errno(AC_CLAIM(BIND, "new client end"),
                    "bind 192.168.1.100:0 IP_BIND_ADDRESS_NO_PORT", 0, err);
    expect_port("new client end", "port after that bind (none yet)", "0", port);
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000", 0,
                    connect_other_peer(fd, &port));
    expect_port("new client end", "port connect() chose", "a port of 40000-40003", port);
    close(fd);
    close(l2);
}

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
    int l2 = listen_at(OTHER_PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    uint16_t port;
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), "connect to 192.168.1.100:10000", 0,
                    connect_other_peer(fd, &port));
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
