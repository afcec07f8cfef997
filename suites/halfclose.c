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
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000

TestSuite(halfclose, .description = "After shutdown(SHUT_WR) and the peer's FIN the connection is "
                                    "in TIME_WAIT although its fd is open; the fd's socket is in "
                                    "CLOSE and holds its port only if bind() gave it that port.");

/* The socket's TCP state as the fd sees it (sock_diag cannot show an unhashed CLOSE socket on
 * every kernel). */
static int fd_tcp_state(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    ac_setup_ok("getsockopt TCP_INFO",
                getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ? errno : 0);
    return ti.tcpi_state;
}

/* The server half-closes and keeps its fd; the client reads the EOF and closes; the server's
 * end must reach TIME_WAIT (unless no_tw) and its fd's socket CLOSE. Returns the server fd. */
static int server_half_closes(struct ac_conn *c, unsigned listener_opts, bool no_tw)
{
    if (no_tw)
        ac_netns_sysctl("net/ipv4/tcp_max_tw_buckets", "0");
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, listener_opts);
    close(c->listener);
    c->listener = -1;
    ac_setup_ok("server shutdown(SHUT_WR)", shutdown(c->server, SHUT_WR) ? errno : 0);
    char b;
    ac_setup_ok("client reads EOF", recv(c->client, &b, 1, 0) == 0 ? 0 : EIO);
    close(c->client);
    c->client = -1;
    struct ac_match server = ac_conn_server_match(c);
    if (no_tw) {
        server.states = AC_ALL_STATES;
        ac_expect_gone(AC_SETUP(STATE, "server end"),
                       "the connection after the client's FIN (tcp_max_tw_buckets=0)", &server,
                       AC_STATE_TIMEOUT_MS);
    } else {
        ac_expect_state(AC_SETUP(STATE, "server end"),
                        "the connection after the client's FIN, server fd still open", &server,
                        AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    }
    /* Two sockets or one: with a TIME_WAIT the server end sock_diag shows is the timewait
     * socket, not the fd's; without one the fd's socket is the server end, unhashed by
     * tcp_done(). */
    const char *fd_socket = no_tw ? "server end" : "server's fd";
    ac_expect_state_name(AC_SETUP(STATE, fd_socket),
                         "state of the socket the server's fd refers to", "CLOSE",
                         ac_tcp_state_name(fd_tcp_state(c->server)));
    return c->server;
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
        int fd = server_half_closes(&c, listener_opts, false);                                     \
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
    int fd = server_half_closes(&c, 0, true);
    int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, 0);
    close(p);
    close(fd);
}

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
    ac_expect_state_name(AC_SETUP(STATE, "client end"),
                         "state of the socket the client's fd refers to", "CLOSE",
                         ac_tcp_state_name(fd_tcp_state(cl)));
    ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, CLIENT_PORT, 0, EADDRINUSE);
    close(cl);
    int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, CLIENT_PORT, 0, 0);
    close(p);
}
