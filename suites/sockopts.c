/* Socket options that change what close() and accept() do, or how long a closed connection
 * lingers (the options of socket(7) and tcp(7) beyond SO_REUSEADDR and SO_REUSEPORT, which
 * have suites of their own). Kernel paths, 6.1:
 *  - SO_LINGER {1, N}: inet_release() passes sk_lingertime to tcp_close(), whose
 *    sk_stream_wait_close() blocks while the socket is in FIN_WAIT1, CLOSING or LAST_ACK, at most
 *    N seconds; then close() returns 0 and the orphan carries on.
 *  - TCP_LINGER2: tp->linger2 replaces tcp_fin_timeout for this socket in tcp_fin_time(); above
 *    TCP_TIMEWAIT_LEN the orphaned FIN_WAIT2 stays a full socket on the keepalive timer for the
 *    difference (tcp_rcv_state_process(), __tcp_close()); below 0 there is no FIN_WAIT2 at all:
 *    the orphan is destroyed when its FIN is acknowledged, or reset by close() if already there.
 *  - TCP_USER_TIMEOUT: tcp_write_timeout() gives up once the oldest unacknowledged segment is
 *    that old, whatever tcp_retries2 or tcp_orphan_retries say (retransmits_timed_out()).
 *  - SO_RCVTIMEO bounds a blocking accept() (inet_csk_accept(): EAGAIN).
 *  - TCP_REPAIR: __tcp_close() calls tcp_disconnect(), which in repair mode sends nothing.
 *  - SO_BINDTOIFINDEX is SO_BINDTODEVICE by index (sk_bound_dev_if, inet_bind_conflict()).
 *  - do_tcp_setsockopt() takes TCP_SYNCNT from 1 to MAX_TCP_SYNCNT (127), else EINVAL.
 *  - SO_KEEPALIVE: tcp_keepalive_timer() probes an idle connection after TCP_KEEPIDLE, every
 *    TCP_KEEPINTVL, and resets it (ETIMEDOUT) once TCP_KEEPCNT probes went unanswered.
 *  - do_ip_setsockopt() reads an int option's value only when optlen is at least 1 ("if
 *    optlen==0, it is equivalent to val == 0"): IP_BIND_ADDRESS_NO_PORT with optlen 0 clears it,
 *    on IPv6 sockets too (ipv6_setsockopt() passes SOL_IP to it); IP_FREEBIND refuses optlen 0
 *    and reads one byte when given one.
 *  - SO_ERROR: sk_getsockopt() refuses only a negative optlen; any other consumes the pending
 *    error, optlen 0 included. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/caps.h"
#include "../fixtures/conn.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/hold.h"
#include "../fixtures/mib.h"
#include "../fixtures/netns.h"
#include "../fixtures/packet.h"
#include "../fixtures/pending.h"
#include "../harness/within.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24 /* include/uapi/linux/in.h */
#endif

TestSuite(sockopts,
          .description = "SO_LINGER with a timeout makes close() wait for the FIN's ACK, "
                         "TCP_LINGER2 sets one socket's FIN_WAIT2 lifetime or abolishes it, "
                         "TCP_USER_TIMEOUT ends unacknowledged closes early, SO_RCVTIMEO bounds "
                         "accept(), TCP_REPAIR closes without a segment, SO_BINDTOIFINDEX "
                         "splits a port by device like SO_BINDTODEVICE, TCP_SYNCNT takes 1 to "
                         "127, an IP option set with no value is set to 0, SO_ERROR hands over "
                         "the pending error even into a zero-length buffer, and unanswered "
                         "keepalive probes reset a connection after TCP_KEEPCNT of them.");

static void set_int(int fd, int level, int name, int value, const char *what)
{
    ac_setup_ok(what, setsockopt(fd, level, name, &value, sizeof value) ? errno : 0);
}

/* The connection with the client's ACKs to the server dropped: the server's FIN stays
 * unacknowledged (FIN_WAIT1, retransmitting) once it closes. */
static struct ac_match open_with_acks_to_server_dropped(struct ac_conn *c)
{
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    close(c->listener);
    c->listener = -1;
    ac_hold_drop_acks(ac_addr_port(&c->client_end), PORT);
    return ac_conn_server_match(c);
}

/* SO_LINGER {1, 1} on the server end, then close(): how long it took, in ms. */
static int64_t close_lingering_1s(struct ac_conn *c)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 1};
    ac_setup_ok("SO_LINGER {1, 1} on the server end",
                setsockopt(c->server, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) ? errno : 0);
    int64_t start = ac_now_ms();
    ac_expect_errno(AC_SETUP(IO, "server end"), "close() with SO_LINGER {1, 1}", 0,
                    close(c->server) ? errno : 0);
    c->server = -1;
    return ac_now_ms() - start;
}

AC_TEST_WITH(sockopts, linger_1s_close_blocks_1s_while_fin_unacked, (.waits = true), .timeout = 10,
             .description = "With SO_LINGER {1, 1} close() waits for the ACK of its FIN at most a "
                            "second: with the ACKs dropped it returns 0 after about 1 s, and the "
                            "orphan stays in FIN_WAIT1, still retransmitting.")
{
    struct ac_conn c;
    struct ac_match server = open_with_acks_to_server_dropped(&c);
    int64_t took = close_lingering_1s(&c);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "time close() blocked", 900, 3000, took);
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after close() returned", &server,
                    AC_FIN_WAIT1, 0);
}

AC_TEST(sockopts, linger_1s_close_returns_once_fin_acked,
        .description = "With SO_LINGER {1, 1} close() returns as soon as its FIN is "
                       "acknowledged, well before the second is up, leaving FIN_WAIT2.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    struct ac_match server = ac_conn_server_match(&c);
    int64_t took = close_lingering_1s(&c);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "time close() blocked", 0, 800, took);
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after close() returned", &server,
                    AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
}

/* TCP_LINGER2 = secs on the server end, then close() while the client stays: the orphaned
 * FIN_WAIT2 as sock_diag shows it. */
static struct ac_sockinfo orphan_with_linger2(struct ac_conn *c, int secs, struct ac_match *server)
{
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    set_int(c->server, IPPROTO_TCP, TCP_LINGER2, secs, "TCP_LINGER2 on the server end");
    close(c->server);
    c->server = -1;
    *server = ac_conn_server_match(c);
    return ac_expect_state(AC_SETUP(STATE, "server end"), "server end after close()", server,
                           AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
}

AC_TEST_WITH(sockopts, linger2_1s_limits_orphaned_fin_wait2, (.waits = true), .timeout = 10,
             .description =
                 "TCP_LINGER2 replaces tcp_fin_timeout for one socket: with 1 its orphaned "
                 "FIN_WAIT2 shows at most a second on its timer and is gone soon after.")
{
    struct ac_conn c;
    struct ac_match server;
    struct ac_sockinfo fw2 = orphan_with_linger2(&c, 1, &server);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 timer left (sock_diag expires)", 0,
                     1000, fw2.expires_ms);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "orphaned FIN_WAIT2 with TCP_LINGER2=1", &server,
                   3000);
}

AC_TEST(sockopts, linger2_100s_orphan_stays_full_socket_on_keepalive_timer,
        .description = "A FIN_WAIT2 lifetime above 60 s (TCP_LINGER2=100) keeps the orphan a "
                       "full socket on the keepalive timer for the 40 s beyond TIME_WAIT's "
                       "length; only then does it become a FIN_WAIT2 mini-socket.")
{
    struct ac_conn c;
    struct ac_match server;
    struct ac_sockinfo fw2 = orphan_with_linger2(&c, 100, &server);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), "orphaned FIN_WAIT2 timer kind (sock_diag)",
                  "keepalive", ac_timer_kind(fw2.timer));
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 timer left (sock_diag expires)",
                     35000, 40000, fw2.expires_ms);
}

/* The ACK of the orphan's FIN makes tcp_rcv_state_process() call tcp_done() and return 1, and
 * its caller (tcp_v4_do_rcv()) answers that ACK with an RST: the peer's CLOSE_WAIT is reset. */
AC_TEST(sockopts, linger2_negative_orphan_resets_peer_when_fin_acked,
        .description = "TCP_LINGER2 below 0 abolishes FIN_WAIT2 for an orphan: the ACK of its "
                       "FIN destroys it (TcpExtTCPAbortOnData) and is answered with an RST, so "
                       "the peer's CLOSE_WAIT is gone too, with EPIPE pending.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    set_int(c.server, IPPROTO_TCP, TCP_LINGER2, -1, "TCP_LINGER2 -1 on the server end");
    close(c.server);
    c.server = -1;
    struct ac_match server = ac_conn_server_match(&c);
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    server.states = client.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server end once its FIN is acknowledged",
                   &server, AC_STATE_TIMEOUT_MS);
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after the server's RST", &client,
                   AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client's pending error (SO_ERROR)", EPIPE,
                    ac_fd_pending_error(c.client));
    ac_expect_int(AC_CLAIM(COUNT, "TcpExt TCPAbortOnData"), "TcpExt TCPAbortOnData", 1,
                  ac_tcpext_counter("TCPAbortOnData"));
}

AC_TEST(sockopts, linger2_negative_close_in_fin_wait2_sends_rst,
        .description = "A socket already in FIN_WAIT2 (shutdown(SHUT_WR)) with TCP_LINGER2 below "
                       "0 is reset by close() (TcpExtTCPAbortOnLinger): the peer in CLOSE_WAIT "
                       "is gone with EPIPE pending.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    struct ac_match server = ac_conn_server_match(&c);
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    ac_setup_ok("server shutdown(SHUT_WR)", shutdown(c.server, SHUT_WR) ? errno : 0);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after shutdown(SHUT_WR)", &server,
                    AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end after the server's FIN", &client,
                    AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    set_int(c.server, IPPROTO_TCP, TCP_LINGER2, -1, "TCP_LINGER2 -1 on the server end");
    close(c.server);
    c.server = -1;
    server.states = client.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server end after close()", &server,
                   AC_STATE_TIMEOUT_MS);
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after the server's RST", &client,
                   AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client's pending error (SO_ERROR)", EPIPE,
                    ac_fd_pending_error(c.client));
    ac_expect_int(AC_CLAIM(COUNT, "TcpExt TCPAbortOnLinger"), "TcpExt TCPAbortOnLinger", 1,
                  ac_tcpext_counter("TCPAbortOnLinger"));
}

AC_TEST_WITH(sockopts, user_timeout_500ms_aborts_unacked_fin_wait1_etimedout, (.waits = true),
             .timeout = 10,
             .description = "TCP_USER_TIMEOUT bounds how long a sent FIN may stay unacknowledged: "
                            "with 500 ms and the ACKs dropped, the half-closed socket is aborted "
                            "within about a second with ETIMEDOUT, long before tcp_retries2.")
{
    struct ac_conn c;
    open_with_acks_to_server_dropped(&c);
    set_int(c.server, IPPROTO_TCP, TCP_USER_TIMEOUT, 500, "TCP_USER_TIMEOUT 500 ms");
    ac_expect_fin_given_up(c.server, 400, 3000);
}

AC_TEST_WITH(sockopts, user_timeout_500ms_ends_orphaned_fin_wait1, (.waits = true), .timeout = 10,
             .description =
                 "TCP_USER_TIMEOUT also bounds an orphan: closed with 500 ms and its ACKs "
                 "dropped, the FIN_WAIT1 is destroyed within about a second instead of "
                 "retrying tcp_orphan_retries times.")
{
    struct ac_conn c;
    struct ac_match server = open_with_acks_to_server_dropped(&c);
    set_int(c.server, IPPROTO_TCP, TCP_USER_TIMEOUT, 500, "TCP_USER_TIMEOUT 500 ms");
    int64_t start = ac_now_ms();
    close(c.server);
    c.server = -1;
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after close()", &server,
                    AC_FIN_WAIT1, AC_STATE_TIMEOUT_MS);
    ac_expect_lifetime("server end", "orphaned FIN_WAIT1 with TCP_USER_TIMEOUT (from close())",
                       server, start, 400, 3000);
}

AC_TEST_WITH(sockopts, rcvtimeo_200ms_accept_fails_eagain, (.waits = true), .timeout = 10,
             .description = "SO_RCVTIMEO bounds a blocking accept(): with 200 ms and nobody "
                            "connecting it fails with EAGAIN after about 200 ms.")
{
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    ac_setup_ok("SO_RCVTIMEO 200 ms",
                setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) ? errno : 0);
    int64_t start = ac_now_ms();
    int s = accept(l, NULL, NULL);
    int err = s < 0 ? errno : 0;
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "blocking accept() with nobody connecting",
                    EAGAIN, err);
    ac_expect_within(AC_CLAIM(TIMER, "listener"), "time accept() blocked", 150, 2000,
                     ac_now_ms() - start);
    close(l);
}

AC_TEST_WITH(sockopts, repair_mode_close_sends_nothing_peer_stays_established, (.waits = true),
             .description = "A socket in TCP_REPAIR mode closes silently (tcp_disconnect() sends "
                            "neither FIN nor RST): its end is gone at once while the peer stays "
                            "ESTABLISHED with nothing to read.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    set_int(c.server, IPPROTO_TCP, TCP_REPAIR, 1, "TCP_REPAIR on the server end");
    close(c.server);
    c.server = -1;
    struct ac_match server = ac_conn_server_match(&c);
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server end after close() in repair mode",
                   &server, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client read() (nothing came)", EAGAIN,
                    ac_read_error_within(c.client, 200));
    ac_expect_state(AC_CLAIM(STATE, "client end"), "client end after the server's close", &client,
                    AC_ESTABLISHED, 0);
}

/* A socket on 0.0.0.0:9999 with SO_BINDTOIFINDEX `dev`'s index; the bind result in *err. */
static int socket_on_ifindex(const char *dev, int *err)
{
    struct ac_addr at;
    ac_addr_parse(&at, "0.0.0.0", PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    int index = (int)if_nametoindex(dev);
    ac_setup_ok("if_nametoindex", index ? 0 : errno);
    set_int(fd, SOL_SOCKET, SO_BINDTOIFINDEX, index, "SO_BINDTOIFINDEX");
    *err = ac_bind(fd, &at);
    return fd;
}

#define X(name, new_dev, expected, rule)                                                           \
    AC_TEST(sockopts, name, .description = rule)                                                   \
    {                                                                                              \
        int err;                                                                                   \
        int old = socket_on_ifindex("ac0", &err);                                                  \
        ac_setup_ok("listener bind 0.0.0.0:9999 on ac0's index", err);                             \
        ac_setup_ok("listener listen", ac_listen(old, 16));                                        \
        int fd = socket_on_ifindex(new_dev, &err);                                                 \
        ac_expect_errno(AC_CLAIM(BIND, "0.0.0.0:9999"),                                            \
                        "bind 0.0.0.0:9999 SO_BINDTOIFINDEX " new_dev, expected, err);             \
        close(fd);                                                                                 \
        close(old);                                                                                \
    }

/* name, new socket's device (the listener's is ac0), expected bind(), the rule */
X(bindtoifindex_listen_ac0_new_lo_succeeds, "lo", 0,
  "SO_BINDTOIFINDEX binds a socket to a device by index, as SO_BINDTODEVICE does by name: "
  "sockets on different devices never conflict.")
X(bindtoifindex_listen_ac0_new_ac0_fails, "ac0", EADDRINUSE,
  "Two sockets bound to the same device index conflict by the usual rule: EADDRINUSE.")
#undef X

/* An option set to `preset` on a fresh socket, then set again with `value` in a buffer of which
 * the kernel is given `optlen` bytes: what setsockopt() returns and what getsockopt() shows. */
#define X(name, family, lvl, opt, preset, value, optlen, expected, shown, rule)                    \
    AC_TEST(sockopts, name, .description = rule)                                                   \
    {                                                                                              \
        int fd = ac_setup_fd("socket", ac_tcp_socket(family, 0));                                  \
        set_int(fd, lvl, opt, preset, "setsockopt " #opt "=" #preset);                             \
        int v = value;                                                                             \
        ac_expect_errno(AC_CLAIM(SOCKOPT, "socket"),                                               \
                        "setsockopt " #opt "=" #value ", optlen " #optlen, expected,               \
                        setsockopt(fd, lvl, opt, &v, optlen) ? errno : 0);                         \
        int now = -1;                                                                              \
        ac_setup_ok("getsockopt " #opt, ac_sockopt_int(fd, lvl, opt, &now));                       \
        ac_expect_int(AC_CLAIM(SOCKOPT, "socket"), #opt " afterwards (getsockopt)", shown, now);   \
        close(fd);                                                                                 \
    }

/* name, family, option (level, name), value set first, value set then, its optlen, expected
 * setsockopt(), the value getsockopt() then shows, the rule */
X(syncnt_0_fails, AF_INET, IPPROTO_TCP, TCP_SYNCNT, 3, 0, 4, EINVAL, 3,
  "TCP_SYNCNT takes 1 to 127 SYN retransmissions: 0 fails with EINVAL and the socket keeps its "
  "count.")
X(syncnt_1_succeeds, AF_INET, IPPROTO_TCP, TCP_SYNCNT, 3, 1, 4, 0, 1,
  "TCP_SYNCNT=1, the smallest count, is taken and read back.")
X(syncnt_127_max_succeeds, AF_INET, IPPROTO_TCP, TCP_SYNCNT, 3, 127, 4, 0, 127,
  "TCP_SYNCNT=127 (MAX_TCP_SYNCNT), the largest count, is taken and read back.")
X(syncnt_128_above_max_fails, AF_INET, IPPROTO_TCP, TCP_SYNCNT, 3, 128, 4, EINVAL, 3,
  "TCP_SYNCNT=128, one above MAX_TCP_SYNCNT, fails with EINVAL and the socket keeps its count.")
X(bind_address_no_port_optlen_0_turns_it_off, AF_INET, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1, 1, 0,
  0, 0,
  "An IP option set with optlen 0 is set to 0, whatever the buffer holds: "
  "IP_BIND_ADDRESS_NO_PORT with optlen 0 succeeds and turns the option off.")
X(bind_address_no_port_optlen_0_turns_it_off_ipv6, AF_INET6, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1,
  1, 0, 0, 0, "On an IPv6 socket IP_BIND_ADDRESS_NO_PORT goes the same way: optlen 0 turns it off.")
X(freebind_optlen_1_reads_one_byte_succeeds, AF_INET, IPPROTO_IP, IP_FREEBIND, 0, 1, 1, 0, 1,
  "An IP option given one byte is read from that byte: IP_FREEBIND with optlen 1 succeeds and "
  "turns the option on.")
X(freebind_optlen_0_fails, AF_INET, IPPROTO_IP, IP_FREEBIND, 1, 0, 0, EINVAL, 1,
  "IP_FREEBIND, unlike IP_BIND_ADDRESS_NO_PORT, wants at least one byte: optlen 0 fails with "
  "EINVAL and the option stays on.")
#undef X

/* TCP_CONGESTION names an algorithm by the first min(optlen, TCP_CA_NAME_MAX - 1) bytes of the
 * buffer (do_tcp_setsockopt(): EINVAL below 1 byte); an unknown name is ENOENT and the socket
 * keeps its algorithm. The setting process keeps no capability, so that an unknown name is not
 * handed to request_module() (tcp_ca_find_autoload() asks capable(CAP_NET_ADMIN)): "reno" is
 * built in and allowed to all (tcp_allowed_congestion_control). */
struct congestion_set {
    int fd;
    socklen_t optlen;
};

static int set_congestion(const void *arg)
{
    const struct congestion_set *s = arg;
    return setsockopt(s->fd, IPPROTO_TCP, TCP_CONGESTION, "reno", s->optlen) ? errno : 0;
}

static void congestion_name(int fd, char name[16])
{
    socklen_t len = 15;
    memset(name, 0, 16);
    ac_setup_ok("getsockopt TCP_CONGESTION",
                getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len) ? errno : 0);
}

#define X(name, optlen_, expected, becomes_reno, rule)                                             \
    AC_TEST_WITH(sockopts, name, (.helpers = 1), .description = rule)                              \
    {                                                                                              \
        struct congestion_set s = {.optlen = optlen_};                                             \
        s.fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));                                   \
        char before[16], after[16];                                                                \
        congestion_name(s.fd, before);                                                             \
        ac_expect_errno(                                                                           \
            AC_CLAIM(SOCKOPT, "socket"),                                                           \
            "setsockopt TCP_CONGESTION \"reno\", optlen " #optlen_ " (no capabilities)", expected, \
            ac_step_with_caps(AC_CAPS_NONE, "a process with no capabilities", set_congestion,      \
                              &s));                                                                \
        congestion_name(s.fd, after);                                                              \
        /* the socket's own algorithm is the namespace's default, which follows the host's */      \
        ac_expect_str(AC_CLAIM(SOCKOPT, "socket"), "TCP_CONGESTION afterwards (getsockopt)",       \
                      becomes_reno ? "reno" : "its own, unchanged",                                \
                      strcmp(after, before) ? after : "its own, unchanged");                       \
        close(s.fd);                                                                               \
    }

/* name, optlen given with "reno", expected setsockopt(), whether the socket then runs reno */
X(congestion_reno_succeeds, 4, 0, true,
  "TCP_CONGESTION \"reno\" (built in, allowed to every user) is taken and read back.")
X(congestion_optlen_1_names_r_unknown_fails, 1, ENOENT, false,
  "TCP_CONGESTION reads optlen bytes of the name: \"reno\" with optlen 1 names \"r\", which is no "
  "algorithm: ENOENT, and the socket keeps its own.")
X(congestion_optlen_0_fails, 0, EINVAL, false,
  "TCP_CONGESTION with optlen 0 names nothing: EINVAL, and the socket keeps its algorithm.")
#undef X

/* SO_ERROR with a short buffer. sk_getsockopt() (net/core/sock.c) refuses only a negative
 * optlen (EINVAL, before anything is read); otherwise it takes the pending error
 * (sock_error(): xchg(&sk->sk_err, 0)) and copies min(optlen, sizeof(int)) bytes of it, so
 * optlen 0 succeeds, copies nothing, sets optlen to 0 and still consumes the error. The error
 * is a refused connect()'s: a non-blocking connect to a port with no listener gets the RST in
 * SYN_SENT (tcp_reset(): ECONNREFUSED) and leaves the error pending. */
#define UNTOUCHED 12345 /* what the buffer holds before the call */
static void so_error_read(socklen_t optlen, int expected, int len_after, int buf_after,
                          int second_read)
{
    struct ac_addr closed;
    ac_addr_parse(&closed, AC_LOOPBACK_IP, PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK) ? errno : 0);
    ac_expect_errno(AC_SETUP(CONNECT, "socket"), "connect to 127.0.0.1:9999, no listener",
                    EINPROGRESS, ac_connect(fd, &closed));
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    ac_setup_ok("poll: the connect ended", poll(&p, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : ETIMEDOUT);
    int buf = UNTOUCHED;
    socklen_t len = optlen;
    char step[96];
    snprintf(step, sizeof step, "getsockopt SO_ERROR, optlen %d", (int)optlen);
    ac_expect_errno(AC_CLAIM(SOCKOPT, "socket"), step, expected,
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &buf, &len) ? errno : 0);
    ac_expect_int(AC_CLAIM(SOCKOPT, "socket"), "optlen afterwards", len_after, (int)len);
    ac_expect_int(AC_CLAIM(SOCKOPT, "socket"), "the buffer afterwards", buf_after, buf);
    int err = -1;
    ac_setup_ok("getsockopt SO_ERROR again, optlen 4",
                ac_sockopt_int(fd, SOL_SOCKET, SO_ERROR, &err));
    ac_expect_errno(AC_CLAIM(SOCKOPT, "socket"), "the pending error the second read finds",
                    second_read, err);
    close(fd);
}

#define X(name, optlen, expected, len_after, buf_after, second_read, rule)                         \
    AC_TEST(sockopts, name, .description = rule)                                                   \
    {                                                                                              \
        so_error_read(optlen, expected, len_after, buf_after, second_read);                        \
    }
/* name, optlen given, getsockopt()'s result, optlen and buffer afterwards, what a second read
 * (optlen 4) finds, the rule */
X(so_error_reads_and_clears_refused_connect, 4, 0, 4, ECONNREFUSED, 0,
  "SO_ERROR returns a refused connect()'s pending ECONNREFUSED and clears it: a second read "
  "finds 0.")
X(so_error_optlen_0_succeeds_and_clears_error, 0, 0, 0, UNTOUCHED, 0,
  "SO_ERROR with optlen 0 succeeds, copies nothing and sets optlen to 0, yet consumes the "
  "pending error: a second read finds 0.")
X(so_error_optlen_negative_fails_einval_error_stays, -1, EINVAL, -1, UNTOUCHED, ECONNREFUSED,
  "SO_ERROR with a negative optlen fails with EINVAL before reading anything: the pending "
  "ECONNREFUSED is still there for the next read.")
#undef X

static bool nothing_to_retransmit(const struct ac_sockinfo *s, void *arg)
{
    (void)arg;
    return s->timer !=
           AC_TIMER_RETRANSMIT; /* no retransmit timer: everything sent is acknowledged */
}

/* Keepalive with every answer of the peer dropped. tcp_keepalive_timer() (6.1) probes once the
 * connection was idle TCP_KEEPIDLE (a segment at snd_una - 1, no data: tcp_write_wakeup()),
 * then every TCP_KEEPINTVL, and at the expiry that finds TCP_KEEPCNT probes unanswered (no
 * TCP_USER_TIMEOUT set) sends an RST and ends the socket with ETIMEDOUT (tcp_write_err()). With
 * TCP_USER_TIMEOUT set it is that instead, at the first expiry past it that finds a probe
 * already unanswered (icsk_probes_out > 0): never before one probe went out. With 1 s and 1 s:
 * probes at about 1 s and 2 s after SO_KEEPALIVE armed the timer. The probes are counted on the
 * wire up to the RST. */
static void keepalive_unanswered(int cnt, int user_timeout_ms, int probes_want, long rst_lo_ms,
                                 long rst_hi_ms)
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    client.states = AC_STATE_BIT(AC_ESTABLISHED);
    ac_setup_ok("the client's data acknowledged (no retransmit timer)",
                ac_diag_wait_until(&client, nothing_to_retransmit, NULL, AC_STATE_TIMEOUT_MS, NULL)
                    ? 0
                    : ETIMEDOUT);
    uint16_t cport = ac_addr_port(&c.client_end);
    ac_hold_drop_all(PORT, cport);
    int cap = ac_pkt_capture();
    set_int(c.client, IPPROTO_TCP, TCP_KEEPIDLE, 1, "TCP_KEEPIDLE 1 s");
    set_int(c.client, IPPROTO_TCP, TCP_KEEPINTVL, 1, "TCP_KEEPINTVL 1 s");
    set_int(c.client, IPPROTO_TCP, TCP_KEEPCNT, cnt, "TCP_KEEPCNT");
    if (user_timeout_ms)
        set_int(c.client, IPPROTO_TCP, TCP_USER_TIMEOUT, user_timeout_ms, "TCP_USER_TIMEOUT");
    int64_t start = ac_now_ms();
    set_int(c.client, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE on the client");
    int probes = 0;
    int64_t first_probe = -1, rst = -1;
    struct ac_seg s;
    for (int64_t left; rst < 0 && (left = start + 8000 - ac_now_ms()) > 0;) {
        if (!ac_pkt_wait(cap, cport, PORT, 0, 0, (int)left, &s))
            break;
        if (s.flags & AC_TH_RST)
            rst = ac_now_ms();
        else if (s.flags == AC_TH_ACK && s.len == 0 && ++probes == 1)
            first_probe = ac_now_ms();
    }
    ac_expect_within(AC_CLAIM(TIMER, "client end"), "first keepalive probe after SO_KEEPALIVE", 800,
                     2000, first_probe < 0 ? -1 : first_probe - start);
    ac_expect_int(AC_CLAIM(PACKET, "client end"), "unanswered keepalive probes before the RST",
                  probes_want, probes);
    ac_expect_within(AC_CLAIM(TIMER, "client end"), "RST after SO_KEEPALIVE", rst_lo_ms, rst_hi_ms,
                     rst < 0 ? -1 : rst - start);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client's pending error (SO_ERROR)", ETIMEDOUT,
                    ac_fd_pending_error(c.client));
}

#define X(name, cnt, user_timeout_ms, probes, rst_lo_ms, rst_hi_ms, rule)                          \
    AC_TEST_WITH(sockopts, name, (.slow = true, .waits = true), .timeout = 20,                     \
                 .description = rule)                                                              \
    {                                                                                              \
        keepalive_unanswered(cnt, user_timeout_ms, probes, rst_lo_ms, rst_hi_ms);                  \
    }
/* name, TCP_KEEPCNT, TCP_USER_TIMEOUT (ms, 0: unset), probes before the RST, the RST's window
 * after SO_KEEPALIVE (ms), the rule */
X(keepalive_idle_1s_cnt_2_resets_after_two_unanswered_probes_etimedout, 2, 0, 2, 2400, 6000,
  "SO_KEEPALIVE with TCP_KEEPIDLE 1, TCP_KEEPINTVL 1 and TCP_KEEPCNT 2, the peer's answers "
  "dropped: the first probe leaves about 1 s after the connection went idle, and only after the "
  "second one goes unanswered is the connection reset, with ETIMEDOUT on the socket.")
X(keepalive_user_timeout_500ms_resets_after_first_unanswered_probe_etimedout, 5, 500, 1, 1600, 4000,
  "With TCP_USER_TIMEOUT 500 ms the user timeout, not TCP_KEEPCNT (5), ends a keepalive: yet "
  "only once a probe went unanswered, so one probe leaves at about 1 s and the RST follows at "
  "the next expiry, about 2 s, with ETIMEDOUT.")
#undef X
