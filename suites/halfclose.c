/* shutdown(SHUT_WR) instead of close(): the server sends its FIN but keeps the fd. When the
 * client's FIN arrives, the connection moves on exactly as after close(): tcp_fin() in
 * FIN_WAIT2 calls tcp_time_wait(sk, TCP_TIME_WAIT, 0), a TIME_WAIT socket takes over the
 * 4-tuple and the port (inet_twsk_hashdance() puts it in the bind bucket), and tcp_done() moves
 * the original socket to TCP_CLOSE. The fd now refers to a socket in CLOSE.
 *
 * Does that CLOSE socket still hold the port? tcp_set_state(TCP_CLOSE) (net/ipv4/tcp.c) calls
 * inet_put_port() unless the socket has SOCK_BINDPORT_LOCK, the mark bind() leaves when it was
 * given a port (inet_bind()). An ACCEPTED socket never has it: sk_clone_lock() (net/core/sock.c)
 * copies sk_userlocks without SOCK_BINDPORT_LOCK. So the accepted socket gives its port back
 * at CLOSE, fd or not, and only the TIME_WAIT blocks a rebind; a socket that was bound to its
 * port explicitly (a client with bind() before connect()) keeps the port in CLOSE for as long
 * as its fd is open. tcp_max_tw_buckets=0 (no TIME_WAIT: inet_twsk_alloc() refuses) isolates
 * the CLOSE socket. Same code in every kernel of the matrix. */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../harness/probe.h"
#include "../harness/within.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/kernel.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#define PORT        9999
#define OTHER_PORT  9998
#define CLIENT_PORT 40000

/* Since when sock_diag dumps bound-only sockets (as CLOSE, when asked with TCP_BOUND_INACTIVE,
 * as the harness always does): commit 91051f003948, first in 6.8 (fixtures/states.c). */
#define BOUND_DIAG_SINCE AC_KV(6, 8)

TestSuite(halfclose, .description = "After shutdown(SHUT_WR) and the peer's FIN the connection is "
                                    "in TIME_WAIT although its fd is open; the fd's socket is in "
                                    "CLOSE and holds its port only if bind() gave it that port.");

/* The subject of the socket the server's fd refers to: with a TIME_WAIT the "server end" in
 * sock_diag is the timewait socket, so the fd's is another; without one the fd's socket is the
 * server end. */
static const char *fd_socket(bool no_tw)
{
    return no_tw ? "server end" : "server's fd";
}

/* What server_half_closes() leaves: the server's fd, the TIME_WAIT (when there is one) and
 * the two ends of the connection. */
struct half_closed {
    int fd;
    struct ac_sockinfo tw;
    struct ac_match server; /* local 192.168.1.100:9999, remote the client: any state */
    struct ac_match client; /* the reverse */
};

/* The server half-closes and keeps its fd; the client reads the EOF and closes; the server's
 * end must reach TIME_WAIT (unless no_tw) and its fd's socket CLOSE. With listener_open the
 * server keeps listening throughout (it is still running), else its listener is closed first. */
static struct half_closed server_half_closes(struct ac_conn *c, unsigned listener_opts, bool no_tw,
                                             bool listener_open)
{
    struct half_closed h = {0};
    if (no_tw)
        ac_netns_sysctl("net/ipv4/tcp_max_tw_buckets", "0");
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, listener_opts);
    if (!listener_open) {
        close(c->listener);
        c->listener = -1;
    }
    ac_setup_ok("server shutdown(SHUT_WR)", shutdown(c->server, SHUT_WR) ? errno : 0);
    char b;
    ac_setup_ok("client reads EOF", recv(c->client, &b, 1, 0) == 0 ? 0 : EIO);
    close(c->client);
    c->client = -1;
    h.server = ac_conn_server_match(c);
    h.client = (struct ac_match){
        .states = AC_ALL_STATES, .local = &c->client_end, .remote = &c->server_end};
    if (no_tw) {
        h.server.states = AC_ALL_STATES;
        ac_expect_gone(AC_SETUP(STATE, "server end"),
                       "the connection after the client's FIN (tcp_max_tw_buckets=0)", &h.server,
                       AC_STATE_TIMEOUT_MS);
    } else {
        h.tw = ac_expect_state(AC_SETUP(STATE, "server end"),
                               "the connection after the client's FIN, server fd still open",
                               &h.server, AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
        h.server.states = AC_ALL_STATES;
    }
    /* Two sockets or one: with a TIME_WAIT the server end sock_diag shows is the timewait
     * socket, not the fd's; without one the fd's socket is the server end, unhashed by
     * tcp_done(). */
    ac_expect_fd_state(AC_SETUP(STATE, fd_socket(no_tw)),
                       "state of the socket the server's fd refers to", c->server, AC_CLOSE);
    h.fd = c->server;
    return h;
}

#define TW_NEITHER                                                                                 \
    "The TIME_WAIT exists although the fd is open (the FIN exchange is complete), and it holds "   \
    "192.168.1.100:9999: neither socket set SO_REUSEADDR."
#define TW_NEW_ONLY                                                                                \
    "The TIME_WAIT, created with the fd still open, has the listener's SO_REUSEADDR=0: the new "   \
    "socket's flag is not enough."
#define TW_BOTH                                                                                    \
    "The TIME_WAIT has the listener's SO_REUSEADDR and is not listening, and the accepted "        \
    "socket in CLOSE gave its port back: with the flag on the new socket it binds, fd open or "    \
    "not."

#define X(name, listener_opts, new_opts, expected, rule)                                           \
    AC_TEST(halfclose, name, .description = rule)                                                  \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        int fd = server_half_closes(&c, listener_opts, false, false).fd;                           \
        int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, new_opts, expected);              \
        if (p >= 0)                                                                                \
            close(p);                                                                              \
        close(fd);                                                                                 \
    }

/* name, listener's opts, new socket's opts, expected bind(), the rule */
X(shutdown_fd_open_time_wait_rebind_fails, 0, 0, EADDRINUSE, TW_NEITHER)
X(shutdown_fd_open_time_wait_rebind_reuseaddr_new_only_fails, 0, AC_REUSEADDR, EADDRINUSE,
  TW_NEW_ONLY)
X(shutdown_fd_open_time_wait_rebind_reuseaddr_both_succeeds, AC_REUSEADDR, AC_REUSEADDR, 0, TW_BOTH)
#undef X

AC_TEST(halfclose, accepted_close_state_with_fd_open_holds_no_port_rebind_succeeds,
        .description = "With no TIME_WAIT (tcp_max_tw_buckets=0) the accepted socket in CLOSE is "
                       "all that is left, and it gave its port back at CLOSE (an accepted socket "
                       "has no bind() port lock): the server rebinds without SO_REUSEADDR while "
                       "the fd is still open.")
{
    struct ac_conn c;
    int fd = server_half_closes(&c, 0, true, false).fd;
    int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, 0);
    close(p);
    close(fd);
}

/* --- The server still listening ----------------------------------------------------------
 * The same half-close while the listener stays open, as in a server that keeps running. */

/* After the client's close(): its LAST_ACK is acknowledged (by the TIME_WAIT, or by the fd's
 * socket before tcp_time_wait() finds no room for one: tcp_fin() sends the ACK first), so the
 * client's end is gone. The TIME_WAIT's timer is the timewait timer with TCP_TIMEWAIT_LEN (60 s)
 * to run, as after close(). */
AC_TEST(halfclose, listener_open_time_wait_has_60s_timewait_timer_client_gone,
        .description = "With the server's fd open and its listener too, the client's FIN still "
                       "moves the server end to TIME_WAIT, on the timewait timer with about 60 s "
                       "left, and the client's LAST_ACK is acknowledged: its end is gone.")
{
    struct ac_conn c;
    struct half_closed h = server_half_closes(&c, 0, false, true);
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after its close()", &h.client,
                   AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer kind (sock_diag)", "timewait",
                  ac_timer_kind(h.tw.timer));
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer left (sock_diag expires)",
                     55000, 60000, h.tw.expires_ms);
    close(h.fd);
}

/* sock_diag lists a bound-only socket (6.8+, the bound-inactive dump: sockets in CLOSE found in
 * the bind table, bhash2) as CLOSE. The fd's socket is in CLOSE, but tcp_set_state(TCP_CLOSE)
 * took it out of the bind table (inet_put_port(): an accepted socket has no bind() port lock),
 * so it is never listed, before or after close(fd); close(fd) of a socket already in CLOSE
 * destroys it (__tcp_close()) and leaves the 4-tuple as it was: the TIME_WAIT, or nothing. (Before
 * 6.8 no bound-only socket is listed at all, so there the first two checks hold trivially.) */
static void fd_socket_unlisted(bool no_tw)
{
    struct ac_conn c;
    struct half_closed h = server_half_closes(&c, 0, no_tw, true);
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after its close()", &h.client,
                   AC_STATE_TIMEOUT_MS);
    /* The dump itself works here: a socket bound with bind() keeps its place in the bind table
     * in CLOSE, and is listed (since 6.8, commit 91051f003948). */
    struct ac_addr at, other;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    ac_addr_parse(&other, AC_SERVER_IP, OTHER_PORT);
    int bound = ac_setup_fd("control socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("bind the control socket to 192.168.1.100:9998", ac_bind(bound, &other));
    struct ac_match control = {.states = AC_STATE_BIT(AC_CLOSE), .local = &other};
    ac_expect_state_name(AC_SETUP(STATE, "192.168.1.100:9998"),
                         "a socket only bound to 192.168.1.100:9998 in the bound-only dump",
                         ac_since_text(BOUND_DIAG_SINCE, "CLOSE", "absent"),
                         ac_diag_count(&control) > 0 ? "CLOSE" : "absent");
    struct ac_match closed = {.states = AC_STATE_BIT(AC_CLOSE), .local = &at};
    ac_expect_state_name(AC_CLAIM(STATE, fd_socket(no_tw)),
                         "a CLOSE socket on 192.168.1.100:9999 in sock_diag's bound-only dump, fd "
                         "open",
                         "absent", ac_diag_count(&closed) > 0 ? "CLOSE" : "absent");
    close(h.fd);
    ac_expect_state_name(AC_CLAIM(STATE, fd_socket(no_tw)),
                         "a CLOSE socket on 192.168.1.100:9999 in sock_diag's bound-only dump, "
                         "after close(fd)",
                         "absent", ac_diag_count(&closed) > 0 ? "CLOSE" : "absent");
    if (no_tw)
        ac_expect_gone(AC_CLAIM(STATE, "server end"), "the connection's 4-tuple after close(fd)",
                       &h.server, 0);
    else
        ac_expect_state(AC_CLAIM(STATE, "server end"), "the connection's 4-tuple after close(fd)",
                        &h.server, AC_TIME_WAIT, 0);
    close(bound);
}

#define X(name, no_tw, rule)                                                                       \
    AC_TEST(halfclose, name, .description = rule)                                                  \
    {                                                                                              \
        fd_socket_unlisted(no_tw);                                                                 \
    }

/* name, tcp_max_tw_buckets=0, the rule */
X(listener_open_fd_socket_never_listed_time_wait_outlives_close_fd, false,
  "The socket behind the open fd is in CLOSE but out of the bind table, so sock_diag never lists "
  "it as bound, before or after close(fd); close(fd) leaves the TIME_WAIT of the 4-tuple as it "
  "was.")
X(listener_open_no_time_wait_fd_socket_never_listed_tuple_gone, true,
  "With no TIME_WAIT (tcp_max_tw_buckets=0) the client's end is gone all the same, the fd's "
  "CLOSE socket is out of the bind table and never listed as bound, and after close(fd) nothing "
  "is left of the 4-tuple.")
#undef X

/* The listener alone keeps 192.168.1.100:9999: a socket never shares a port with a LISTEN socket
 * on an overlapping address, SO_REUSEADDR on both or not (inet_bind_conflict(): the reuse branch
 * requires sk2->sk_state != TCP_LISTEN; listen() cleared the bucket's fastreuse), so the rebind
 * fails whatever the half-closed connection left. */
#define LISTENING                                                                                  \
    "The server still listens on 192.168.1.100:9999 and no bind() shares a port with a listener, " \
    "SO_REUSEADDR on both or not: EADDRINUSE, TIME_WAIT or none."

#define X(name, no_tw, listener_opts, new_opts)                                                    \
    AC_TEST(halfclose, name, .description = LISTENING)                                             \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        int fd = server_half_closes(&c, listener_opts, no_tw, true).fd;                            \
        ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, new_opts, EADDRINUSE);                    \
        close(fd);                                                                                 \
    }

/* name, tcp_max_tw_buckets=0, listener's opts, new socket's opts */
X(listener_open_time_wait_rebind_fails, false, 0, 0)
X(listener_open_time_wait_rebind_reuseaddr_new_only_fails, false, 0, AC_REUSEADDR)
X(listener_open_time_wait_rebind_reuseaddr_both_fails, false, AC_REUSEADDR, AC_REUSEADDR)
X(listener_open_no_time_wait_rebind_fails, true, 0, 0)
X(listener_open_no_time_wait_rebind_reuseaddr_new_only_fails, true, 0, AC_REUSEADDR)
X(listener_open_no_time_wait_rebind_reuseaddr_both_fails, true, AC_REUSEADDR, AC_REUSEADDR)
#undef X

/* The contrast: a client that bound 192.168.1.100:40000 itself half-closes first. Its end goes
 * FIN_WAIT2, the server closes too, the client's FIN_WAIT2 receives the FIN and, with no
 * TIME_WAIT allowed, goes straight to CLOSE (tcp_done()), keeping its port for its fd. */
AC_TEST(halfclose, bound_port_close_state_with_fd_open_holds_port_until_close,
        .description = "A socket that got its port from bind() keeps it in CLOSE (the bind() "
                       "port lock): with no TIME_WAIT, the fd alone blocks 192.168.1.100:40000 "
                       "until close(fd), after which it binds.")
{
    ac_netns_sysctl("net/ipv4/tcp_max_tw_buckets", "0");
    struct ac_addr at, me;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    ac_addr_parse(&me, AC_SERVER_IP, CLIENT_PORT);
    int l = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(l, &at));
    ac_setup_ok("listener listen", ac_listen(l, 16));
    int cl = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client bind 192.168.1.100:40000", ac_bind(cl, &me));
    ac_setup_ok("client connect", ac_connect(cl, &at));
    int s = accept(l, NULL, NULL);
    ac_setup_fd("accept", s < 0 ? -errno : s);
    close(l);
    ac_setup_ok("client shutdown(SHUT_WR)", shutdown(cl, SHUT_WR) ? errno : 0);
    char b;
    ac_setup_ok("server reads EOF", recv(s, &b, 1, 0) == 0 ? 0 : EIO);
    close(s);
    ac_setup_ok("client reads EOF", recv(cl, &b, 1, 0) == 0 ? 0 : EIO);
    /* Every state but CLOSE: sock_diag (6.8+) lists a bound socket in CLOSE, this one. */
    struct ac_match mine = {.states = AC_ALL_STATES & ~AC_STATE_BIT(AC_CLOSE), .local = &me};
    ac_expect_gone(AC_SETUP(STATE, "client end"),
                   "the client's connection after both FINs, in any state but CLOSE "
                   "(tcp_max_tw_buckets=0)",
                   &mine, AC_STATE_TIMEOUT_MS);
    ac_expect_fd_state(AC_SETUP(STATE, "client end"),
                       "state of the socket the client's fd refers to", cl, AC_CLOSE);
    ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, CLIENT_PORT, 0, EADDRINUSE);
    close(cl);
    int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, CLIENT_PORT, 0, 0);
    close(p);
}
