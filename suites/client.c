/* The client side of TIME_WAIT: the end that closes first keeps the 4-tuple, so a client that
 * closes first is the one left with TIME_WAIT, and it is the client's next connect() that may
 * find its port taken.
 *
 * Two different paths of connect() meet a TIME_WAIT (net/ipv4/inet_hashtables.c,
 * __inet_hash_connect):
 *  - the port was bound explicitly (bind() before connect()): check_established is called with
 *    no TIME_WAIT pointer, and tcp_twsk_unique() (net/ipv4/tcp_ipv4.c) then takes over ANY
 *    TIME_WAIT of the same 4-tuple that saw TCP timestamps, whatever net.ipv4.tcp_tw_reuse says
 *    ("applications can completely bypass the TIME-WAIT delay protection already today by
 *    locking the local port with bind() before connecting", commit message of the
 *    tcp_tw_reuse_delay patch, 6.14). Without timestamps it is EADDRNOTAVAIL.
 *  - the kernel picks the port (ephemeral range): a port whose only user is a TIME_WAIT to the
 *    same peer is taken over only if tcp_tw_reuse allows it: 0 never, 1 always, 2 (the default)
 *    if either address of the TIME_WAIT is loopback; and only once the TIME_WAIT is old enough:
 *    tcp_tw_reuse_delay ms after it entered TIME_WAIT (6.14+, default 1000), or, before 6.14,
 *    once the clock's second has moved past the one in which the last timestamp arrived. A
 *    FIN_WAIT2 mini-socket is never taken over by tcp_tw_reuse (tw_substate check in
 *    tcp_twsk_unique(), Jason Xing, August 2024, 6.11 and stable); the tests wait for TIME_WAIT
 *    proper.
 *
 * The per-namespace sysctls used here are listed in suites/timers.c. */
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../harness/probe.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000 /* the explicitly bound client port */

/* The ephemeral range of the exhaustion tests: 4 ports. An even count on purpose:
 * __inet_hash_connect() rounds the number of candidates down to even (remaining &= ~1U) and
 * scans each parity from a random offset, wrapping at the top of the range. With 5 ports
 * (40000-40004) each connect() tries only 4 of them, skipping 40000 or 40004 at random, so "every
 * port is taken" would not be deterministic (the kernel warns "ip_local_port_range: prefer
 * different parity for start/end values"; seen here: 40004 is used, but not by every scan).
 * With 4 ports both parities are scanned completely. */
#define RANGE_LOW   "40000"
#define RANGE_HIGH  "40003"
#define RANGE_PORTS 4

static int listen_on(const char *ip)
{
    struct ac_addr at;
    ac_setup_ok("parse listen address", ac_addr_parse(&at, ip, PORT) ? EINVAL : 0);
    int fd = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(fd, &at));
    ac_setup_ok("listener listen", ac_listen(fd, 16));
    return fd;
}

/* A client socket with `opts`, bound to local_ip:local_port first when local_ip is non-NULL. */
static int client_socket(const char *local_ip, uint16_t local_port, unsigned opts)
{
    int fd = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, opts));
    if (local_ip) {
        struct ac_addr me;
        ac_setup_ok("parse client address", ac_addr_parse(&me, local_ip, local_port) ? EINVAL : 0);
        ac_setup_ok("client bind", ac_bind(fd, &me));
    }
    return fd;
}

/* connect() from `client` to peer_ip:PORT; returns 0 or the errno. */
static int dial(int client, const char *peer_ip)
{
    struct ac_addr peer;
    ac_setup_ok("parse peer address", ac_addr_parse(&peer, peer_ip, PORT) ? EINVAL : 0);
    return ac_connect(client, &peer);
}

/* The connected client closes first; the server reads the EOF and closes too. The client's end
 * is then TIME_WAIT (confirmed), the server's end (LAST_ACK until the last ACK) gone. Returns
 * the client's local address. `role`: where the TIME_WAIT ends up is one test's claim and every
 * other test's starting state. */
static struct ac_addr client_closes_first(int listener, int client, enum ac_role role)
{
    int server = accept(listener, NULL, NULL);
    ac_setup_fd("accept", server < 0 ? -errno : server);
    struct ac_addr client_end, server_end;
    ac_setup_ok("client address", ac_local_addr(client, &client_end));
    ac_setup_ok("server end address", ac_local_addr(server, &server_end));
    close(client);
    char b;
    ac_setup_ok("server reads EOF", recv(server, &b, 1, 0) == 0 ? 0 : EIO);
    close(server);
    struct ac_match mine = {.local = &client_end, .remote = &server_end};
    ac_expect_state(((struct ac_about){AC_KIND_STATE, role, "client end"}),
                    "client end after it closed first", &mine, AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    struct ac_match theirs = {.states = AC_ALL_STATES, .local = &server_end, .remote = &client_end};
    ac_expect_gone(((struct ac_about){AC_KIND_STATE, role, "server end"}),
                   "server end of that connection", &theirs, AC_STATE_TIMEOUT_MS);
    return client_end;
}

TestSuite(client, .description = "The end that closes first keeps the TIME_WAIT, so a client that "
                                 "closes first may find its 4-tuple taken on its next connect(). "
                                 "connect() takes such a TIME_WAIT over only if it saw TCP "
                                 "timestamps: at once on a port bound with bind(), on a "
                                 "kernel-picked port only as tcp_tw_reuse allows.");

/* The active closer keeps TIME_WAIT, whichever side it is: here the client, on its own
 * (ephemeral) port, holding no file descriptor; the server's end is gone. */
AC_TEST(client, active_close_leaves_time_wait_on_client,
        .description = "The end that closes first keeps TIME_WAIT whichever side it is: here "
                       "the client's port, with no file descriptor left on it, while the "
                       "server's end is gone.")
{
    int listener = listen_on(AC_SERVER_IP);
    int client = client_socket(NULL, 0, 0);
    ac_setup_ok("connect", dial(client, AC_SERVER_IP));
    struct ac_addr client_end = client_closes_first(listener, client, AC_ROLE_CLAIM);
    struct ac_match mine = {.states = AC_STATE_BIT(AC_TIME_WAIT), .local = &client_end};
    struct ac_sockinfo tw;
    ac_setup_ok("read TIME_WAIT", ac_diag_wait(&mine, 0, &tw) ? 0 : ENOENT);
    ac_expect_int(AC_CLAIM(FILE, "client end"),
                  "inode of the client's TIME_WAIT (0: no file refers to it)", 0, tw.inode);
    struct ac_addr server_port;
    ac_addr_parse(&server_port, AC_SERVER_IP, PORT);
    struct ac_match server_tw = {.states = AC_STATE_BIT(AC_TIME_WAIT), .local = &server_port};
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets on the server's port", 0,
                  ac_diag_count(&server_tw));
}

/* Makes the TIME_WAIT sockets matching m old enough for tcp_tw_reuse to take them: with
 * tcp_tw_reuse_delay (6.14+) set to its minimum, 1 ms, a few ms of age are enough; before 6.14
 * the rule is "the second has changed since the last timestamp arrived", which holds once the
 * TIME_WAIT is more than 1 s old: those kernels wait about a second here. The age is the
 * kernel's own: the length the TIME_WAIT timer started from (read from sock_diag right after
 * the TIME_WAITs were made, not assumed to be 60 s) minus the time left on it. */
static void age_time_waits_for_reuse(const struct ac_match *m)
{
    int min_age = 1100;
    if (access("/proc/sys/net/ipv4/tcp_tw_reuse_delay", W_OK) == 0) {
        ac_netns_sysctl("net/ipv4/tcp_tw_reuse_delay", "1");
        min_age = 20; /* > 1 ms plus the jiffy granularity of the timer sock_diag reports */
    }
    ac_setup_ok("TIME_WAIT old enough for tcp_tw_reuse",
                ac_tw_wait_older_than(m, min_age, min_age + 3000) ? 0 : ETIMEDOUT);
}

/* After the second connect() from ip:CLIENT_PORT to ip:PORT: a success took the TIME_WAIT over
 * (the new connection is ESTABLISHED on the same 4-tuple, no TIME_WAIT left on it); a failure
 * left the TIME_WAIT in place. */
static void check_takeover(const char *ip, int connect_result)
{
    struct ac_addr me, peer;
    ac_addr_parse(&me, ip, CLIENT_PORT);
    ac_addr_parse(&peer, ip, PORT);
    struct ac_match tuple = {.local = &me, .remote = &peer};
    struct ac_match tw = {.states = AC_STATE_BIT(AC_TIME_WAIT), .local = &me, .remote = &peer};
    if (connect_result == 0) {
        ac_expect_state(AC_CLAIM(STATE, "new client end"), "the new connection on the same 4-tuple",
                        &tuple, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
        ac_expect_int(AC_CLAIM(COUNT, "client end"), "TIME_WAIT sockets left on the 4-tuple", 0,
                      ac_diag_count(&tw));
    } else {
        ac_expect_int(AC_CLAIM(COUNT, "client end"), "TIME_WAIT sockets left on the 4-tuple", 1,
                      ac_diag_count(&tw));
    }
}

/* --- connect() from the same explicitly bound port to the same peer, during TIME_WAIT ---
 * name, peer (and client) address, tcp_tw_reuse, tcp_timestamps, expected connect(), the rule */
#define BOUND_TAKES_OVER                                                                           \
    "With bind() before connect() the kernel checks only the 4-tuple: a TIME_WAIT with "           \
    "timestamps is taken over at once, whatever tcp_tw_reuse says."
#define BOUND_NO_TIMESTAMPS                                                                        \
    "A TIME_WAIT without TCP timestamps is never taken over, not even on a bound port: connect() " \
    "to the same 4-tuple fails with EADDRNOTAVAIL."

/* The first client binds ip:CLIENT_PORT with SO_REUSEADDR (which its TIME_WAIT keeps), talks to
 * ip:PORT and closes first; the second binds the same ip:port (SO_REUSEADDR on both: no bind
 * conflict with a TIME_WAIT) and connects to the same peer: the same 4-tuple. */
#define X(name, ip, tw_reuse, timestamps, expected, rule)                                          \
    AC_TEST(client, name, .description = rule)                                                     \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/tcp_tw_reuse", tw_reuse);                                        \
        ac_netns_sysctl("net/ipv4/tcp_timestamps", timestamps);                                    \
        int listener = listen_on(ip);                                                              \
        int first = client_socket(ip, CLIENT_PORT, AC_REUSEADDR);                                  \
        ac_setup_ok("first connect", dial(first, ip));                                             \
        client_closes_first(listener, first, AC_ROLE_SETUP);                                       \
        int again = client_socket(ip, CLIENT_PORT, AC_REUSEADDR);                                  \
        char step[128];                                                                            \
        snprintf(step, sizeof step, "connect %s:%d -> %s:%d during TIME_WAIT", ip, CLIENT_PORT,    \
                 ip, PORT);                                                                        \
        ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), step, expected, dial(again, ip));     \
        check_takeover(ip, expected);                                                              \
    }

/* bind() first: tcp_twsk_unique() with no twp ignores tcp_tw_reuse and the 1 s delay */
X(connect_same_port_during_timewait_succeeds_even_with_tw_reuse_0, AC_SERVER_IP, "0", "1", 0,
  BOUND_TAKES_OVER)
X(connect_same_port_during_timewait_succeeds_with_tw_reuse_1, AC_SERVER_IP, "1", "1", 0,
  BOUND_TAKES_OVER)
X(connect_same_port_during_timewait_succeeds_with_tw_reuse_2_non_loopback, AC_SERVER_IP, "2", "1",
  0, BOUND_TAKES_OVER)
X(connect_same_port_during_timewait_succeeds_with_tw_reuse_2_loopback, AC_LOOPBACK_IP, "2", "1", 0,
  BOUND_TAKES_OVER)
/* No timestamps: tw_ts_recent_stamp is 0, no TIME_WAIT is ever taken over */
X(connect_same_port_during_timewait_fails_without_timestamps_tw_reuse_0, AC_SERVER_IP, "0", "0",
  EADDRNOTAVAIL, BOUND_NO_TIMESTAMPS)
X(connect_same_port_during_timewait_fails_without_timestamps_tw_reuse_1, AC_SERVER_IP, "1", "0",
  EADDRNOTAVAIL, BOUND_NO_TIMESTAMPS)
X(connect_same_port_during_timewait_fails_without_timestamps_tw_reuse_2_loopback, AC_LOOPBACK_IP,
  "2", "0", EADDRNOTAVAIL, BOUND_NO_TIMESTAMPS)
#undef X

/* Without SO_REUSEADDR the second client does not even get the port: the TIME_WAIT still
 * holds it in the bind table (inet_csk_bind_conflict; both sockets need SO_REUSEADDR). */
AC_TEST(client, bind_same_port_during_timewait_without_reuseaddr_fails,
        .description = "The TIME_WAIT still holds the port in the bind table, and bind() shares "
                       "it with a non-listening socket only if both set SO_REUSEADDR: the new "
                       "socket did not.")
{
    int listener = listen_on(AC_SERVER_IP);
    int first = client_socket(AC_SERVER_IP, CLIENT_PORT, AC_REUSEADDR);
    ac_setup_ok("first connect", dial(first, AC_SERVER_IP));
    client_closes_first(listener, first, AC_ROLE_SETUP);
    ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, CLIENT_PORT, 0, EADDRINUSE);
}

/* A TIME_WAIT blocks only its own 4-tuple: the same local port to another peer port connects
 * even without timestamps. */
AC_TEST(client, connect_same_port_to_other_peer_port_during_timewait_succeeds,
        .description = "A TIME_WAIT blocks only its own 4-tuple: the same local port connects "
                       "to another peer port at once, timestamps or not.")
{
    ac_netns_sysctl("net/ipv4/tcp_timestamps", "0");
    int listener = listen_on(AC_SERVER_IP);
    struct ac_addr other;
    ac_addr_parse(&other, AC_SERVER_IP, PORT + 1);
    int listener2 = ac_setup_fd("second listener", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("second listener bind", ac_bind(listener2, &other));
    ac_setup_ok("second listener listen", ac_listen(listener2, 16));
    int first = client_socket(AC_SERVER_IP, CLIENT_PORT, AC_REUSEADDR);
    ac_setup_ok("first connect", dial(first, AC_SERVER_IP));
    client_closes_first(listener, first, AC_ROLE_SETUP);
    int again = client_socket(AC_SERVER_IP, CLIENT_PORT, AC_REUSEADDR);
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"),
                    "connect 192.168.1.100:40000 -> 192.168.1.100:10000 during TIME_WAIT", 0,
                    ac_connect(again, &other));
}

static void exhaust_range(const char *ip, const char *tw_reuse, bool aged, int expected)
{
    ac_netns_sysctl("net/ipv4/ip_local_port_range", RANGE_LOW " " RANGE_HIGH);
    /* The range is filled with reuse off: before 6.14 a TIME_WAIT may be taken over as soon as
     * the clock's second changes, which can happen while the range is still being filled (a
     * slow guest makes it likely); only the probe runs under the tw_reuse being tested. */
    ac_netns_sysctl("net/ipv4/tcp_tw_reuse", "0");
    int listener = listen_on(ip);
    for (int i = 0; i < RANGE_PORTS; i++) {
        int c = client_socket(NULL, 0, 0);
        ac_setup_ok("connect from the shrunk range", dial(c, ip));
        client_closes_first(listener, c, AC_ROLE_SETUP);
    }
    struct ac_addr peer;
    ac_addr_parse(&peer, ip, PORT);
    struct ac_match tws = {.states = AC_STATE_BIT(AC_TIME_WAIT), .remote = &peer};
    ac_expect_int(AC_SETUP(COUNT, "client TIME_WAITs"), "client TIME_WAITs filling the range",
                  RANGE_PORTS, ac_diag_count(&tws));
    if (aged)
        age_time_waits_for_reuse(&tws);
    ac_netns_sysctl("net/ipv4/tcp_tw_reuse", tw_reuse);
    int next = client_socket(NULL, 0, 0);

    char step[128];
    snprintf(step, sizeof step, "connect to %s:%d with every port of %s-%s in TIME_WAIT", ip, PORT,
             RANGE_LOW, RANGE_HIGH);
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"), step, expected, dial(next, ip));
    /* A success took one TIME_WAIT over (inet_twsk_deschedule_put): one fewer is left. */
    ac_expect_int(AC_CLAIM(COUNT, "client TIME_WAITs"), "client TIME_WAITs left",
                  expected ? RANGE_PORTS : RANGE_PORTS - 1, ac_diag_count(&tws));
}

#define X(name, ip, tw_reuse, aged, expected, rule)                                                \
    AC_TEST(client, name, .timeout = 10, .description = rule)                                      \
    {                                                                                              \
        exhaust_range(ip, tw_reuse, aged, expected);                                               \
    }

/* --- a shrunk ephemeral range, every port of it in TIME_WAIT to the same peer ---
 * name, peer (and source) address, tcp_tw_reuse, make the TIME_WAITs old enough first,
 * expected connect(), the rule */
/* tcp_tw_reuse=0: no TIME_WAIT is ever taken over: the range is used up */
X(port_range_exhausted_by_time_wait_connect_fails_with_tw_reuse_0, AC_LOOPBACK_IP, "0", true,
  EADDRNOTAVAIL,
  "With tcp_tw_reuse=0 connect() never takes over a TIME_WAIT on a port the kernel picks, "
  "loopback or not, so with every port of the range in TIME_WAIT it fails with "
  "EADDRNOTAVAIL.")
/* tcp_tw_reuse=1: a TIME_WAIT older than the reuse delay is taken over */
X(port_range_exhausted_by_time_wait_connect_succeeds_with_tw_reuse_1, AC_SERVER_IP, "1", true, 0,
  "With tcp_tw_reuse=1 connect() takes over a TIME_WAIT with timestamps to the same peer "
  "once "
  "it is old enough (tcp_tw_reuse_delay on 6.14+, the next clock second before), so a full "
  "range still yields a port.")
/* tcp_tw_reuse=2 (default): only TIME_WAITs with a loopback address qualify */
X(port_range_exhausted_by_time_wait_connect_succeeds_with_tw_reuse_2_loopback, AC_LOOPBACK_IP, "2",
  true, 0,
  "tcp_tw_reuse=2, the default, allows the takeover when the TIME_WAIT has a loopback "
  "address: "
  "these are on 127.0.0.1, so an old enough one is taken over.")
/* ... and 192.168.1.100 is not loopback, though the packets went through lo */
X(port_range_exhausted_by_time_wait_connect_fails_with_tw_reuse_2_non_loopback, AC_SERVER_IP, "2",
  true, EADDRNOTAVAIL,
  "tcp_tw_reuse=2, the default, allows the takeover only when the TIME_WAIT has a loopback "
  "address or is bound to lo; 192.168.1.100 is neither, though the packets go through lo, so "
  "the full range gives EADDRNOTAVAIL.")
#undef X

/* tcp_tw_reuse=1 but the TIME_WAITs are younger than tcp_tw_reuse_delay: not taken over. Only
 * deterministic where the delay is a setting (6.14+): set to its maximum, 60 s, no TIME_WAIT
 * of this test can be old enough. Before 6.14 the 1 s rule depends on where the second
 * boundary falls, so the case is skipped there. */
AC_TEST(client, port_range_exhausted_by_fresh_time_wait_connect_fails_with_tw_reuse_1,
        .description = "With tcp_tw_reuse=1 a TIME_WAIT is taken over only once it is older than "
                       "tcp_tw_reuse_delay; set to 60 s, a TIME_WAIT's whole life, none of the "
                       "range is old enough, so connect() "
                       "fails with EADDRNOTAVAIL (skipped before 6.14, which has no such setting).")
{
    if (access("/proc/sys/net/ipv4/tcp_tw_reuse_delay", W_OK) != 0)
        cr_skip_test("no net.ipv4.tcp_tw_reuse_delay (added in 6.14): the 1 s reuse rule of "
                     "older kernels cannot be hit deterministically");
    ac_netns_sysctl("net/ipv4/tcp_tw_reuse_delay", "60000");
    exhaust_range(AC_SERVER_IP, "1", false, EADDRNOTAVAIL);
}

/* A FIN_WAIT2 mini-socket is never taken over by tcp_tw_reuse: tcp_twsk_unique() sets reuse to 0
 * for the FIN_WAIT2 substate ("tcp: avoid reusing FIN_WAIT2 when trying to find port in connect()
 * process", Jason Xing, 2024, 6.11 and the stable trees; Debian's 6.1.192 has it). The clients
 * close first and the server keeps its ends open (CLOSE_WAIT), so each client end is an orphaned
 * FIN_WAIT2, which at the default tcp_fin_timeout (60 s, not above TCP_TIMEWAIT_LEN) is a
 * timewait mini-socket in the ehash, like TIME_WAIT. Taking one over would put a SYN on a
 * 4-tuple whose peer is still in CLOSE_WAIT. */
AC_TEST_WITH(client, port_range_exhausted_by_fin_wait2_connect_fails_with_tw_reuse_1,
             (.waits = true), .timeout = 10,
             .description =
                 "tcp_tw_reuse never takes over an orphaned FIN_WAIT2 (its peer has not "
                 "closed yet), however old and with timestamps, so with every port of the "
                 "range held by one connect() fails with EADDRNOTAVAIL.")
{
    ac_netns_sysctl("net/ipv4/ip_local_port_range", RANGE_LOW " " RANGE_HIGH);
    ac_netns_sysctl("net/ipv4/tcp_tw_reuse", "0");
    int listener = listen_on(AC_SERVER_IP);
    struct ac_addr peer;
    ac_addr_parse(&peer, AC_SERVER_IP, PORT);
    int servers[RANGE_PORTS];
    for (int i = 0; i < RANGE_PORTS; i++) {
        int c = client_socket(NULL, 0, 0);
        ac_setup_ok("connect from the shrunk range", dial(c, AC_SERVER_IP));
        servers[i] = accept(listener, NULL, NULL);
        ac_setup_fd("accept", servers[i] < 0 ? -errno : servers[i]);
        struct ac_addr client_end;
        ac_setup_ok("client address", ac_local_addr(c, &client_end));
        close(c);
        struct ac_match mine = {.local = &client_end, .remote = &peer};
        ac_expect_state(AC_SETUP(STATE, "client end"),
                        "client end after it closed, the server still open", &mine, AC_FIN_WAIT2,
                        AC_STATE_TIMEOUT_MS);
    }
    struct ac_match fw2 = {.states = AC_STATE_BIT(AC_FIN_WAIT2), .remote = &peer};
    ac_expect_int(AC_SETUP(COUNT, "client FIN_WAIT2s"),
                  "orphaned client FIN_WAIT2s filling the range", RANGE_PORTS, ac_diag_count(&fw2));
    /* old enough for the reuse rule of the TIME_WAIT next door (1 s before 6.14) */
    ac_setup_ok("FIN_WAIT2 older than the reuse delay",
                ac_tw_wait_older_than(&fw2, 1100, 4100) ? 0 : ETIMEDOUT);
    ac_netns_sysctl("net/ipv4/tcp_tw_reuse", "1");
    int next = client_socket(NULL, 0, 0);
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"),
                    "connect to 192.168.1.100:9999 with every port of 40000-40003 in FIN_WAIT2",
                    EADDRNOTAVAIL, dial(next, AC_SERVER_IP));
    ac_expect_int(AC_CLAIM(COUNT, "client FIN_WAIT2s"), "orphaned client FIN_WAIT2s left",
                  RANGE_PORTS, ac_diag_count(&fw2));
    for (int i = 0; i < RANGE_PORTS; i++)
        close(servers[i]);
}

/* tcp_tw_reuse=1 needs TCP timestamps: a TIME_WAIT of a connection without them has no
 * tw_ts_recent_stamp, and tcp_twsk_unique() never takes it over, however old. */
AC_TEST(client, port_range_exhausted_by_time_wait_without_timestamps_connect_fails_with_tw_reuse_1,
        .timeout = 10,
        .description = "tcp_tw_reuse needs TCP timestamps: a TIME_WAIT without them is never "
                       "taken over, however old, so the full range gives EADDRNOTAVAIL.")
{
    ac_netns_sysctl("net/ipv4/tcp_timestamps", "0");
    exhaust_range(AC_SERVER_IP, "1", true, EADDRNOTAVAIL);
}
