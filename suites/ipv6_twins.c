/* The IPv4 close behaviours, again over IPv6 (::1 at both ends): tcp_v6_rcv(), tcp_v6_do_rcv(),
 * tcp_v6_send_reset(), tcp_v6_timewait_ack() and __inet6_check_established() are IPv6's own
 * entry points into the state machine, and inet6_bind() its own bind(). Each test here is the
 * twin of an IPv4 one (named in its comment); the IPv6-only questions (dual-stack, v4-mapped,
 * IPV6_V6ONLY) are the ipv6 and dualstack_tw suites'.
 *
 *   server (active closer)  [::1]:9999                    client  [::1]:<port>
 *   FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT (60 s, no file)      CLOSE_WAIT -> LAST_ACK -> gone */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"
#include "../harness/probe.h"
#include "../harness/within.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000
#define V6          "::1"

TestSuite(ipv6_twins,
          .description = "Over IPv6 a connection closes as over IPv4: the active closer's "
                         "TIME_WAIT lasts 60 s with no file and holds its address, SO_REUSEADDR "
                         "and SO_REUSEPORT share it as they do for IPv4, SO_LINGER {1, 0} and "
                         "unread data reset instead, tcp_fin_timeout and tcp_max_tw_buckets "
                         "apply, and a SYN with timestamps reopens or takes over a TIME_WAIT.");

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static struct ac_match client_match(const struct ac_conn *c)
{
    return (struct ac_match){.local = &c->client_end, .remote = &c->server_end};
}

/* Twin of closeseq/active_closer_fin_wait2_until_peer_fin, passive_closer_last_ack_then_gone
 * and timers/time_wait_timer_is_60s_in_sock_diag. */
AC_TEST(ipv6_twins, close_sequence_leaves_time_wait_on_active_closer_only,
        .description = "Over IPv6 the active closer goes FIN_WAIT2 -> TIME_WAIT, a file-less "
                       "socket with the 60 s timer, while the passive closer goes CLOSE_WAIT "
                       "and, after its own close(), is gone.")
{
    struct ac_conn c;
    ac_conn_open(&c, V6, V6, PORT, 0);
    struct ac_match server = ac_conn_server_match(&c), client = client_match(&c);
    close(c.server);
    c.server = -1;
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after its close()", &server,
                    AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    ac_expect_state(AC_CLAIM(STATE, "client end"), "client end after the server's FIN", &client,
                    AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    close(c.client);
    c.client = -1;
    struct ac_sockinfo tw =
        ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after the client's FIN", &server,
                        AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    client.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after its close()", &client,
                   AC_STATE_TIMEOUT_MS);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer left (sock_diag expires)",
                     55000, 60000, tw.expires_ms);
    ac_expect_int(AC_CLAIM(FILE, "server end"), "inode of the TIME_WAIT (0: no file)", 0, tw.inode);
}

/* Twin of reuseaddr/old_on_new_on_same_addr_succeeds and old_off_new_on_same_addr_fails. */
#define X(name, listener_opts, new_opts, expected, rule)                                           \
    AC_TEST(ipv6_twins, name, .description = rule)                                                 \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, V6, V6, PORT, listener_opts);                                             \
        ac_conn_server_closes_first(&c, true);                                                     \
        int p = ac_probe_bind(AC_ROLE_CLAIM, V6, PORT, new_opts, expected);                        \
        if (p >= 0)                                                                                \
            close(p);                                                                              \
    }

/* name, the old listener's options (its TIME_WAIT's), the new socket's, expected, the rule */
X(time_wait_rebind_reuseaddr_both_succeeds, AC_REUSEADDR, AC_REUSEADDR, 0,
  "A [::1]:9999 TIME_WAIT that kept its listener's SO_REUSEADDR shares the port with a new "
  "socket that sets it too, as over IPv4.")
X(time_wait_rebind_reuseaddr_new_only_fails, 0, AC_REUSEADDR, EADDRINUSE,
  "A [::1]:9999 TIME_WAIT without SO_REUSEADDR blocks a new socket that sets it: sharing needs "
  "the flag on both, as over IPv4.")
X(time_wait_rebind_reuseport_both_succeeds, AC_REUSEPORT, AC_REUSEPORT, 0,
  "SO_REUSEPORT on the old listener (kept by its TIME_WAIT) and on the new socket shares "
  "[::1]:9999, as over IPv4.")
#undef X

/* Twin of timers/linger0_close_sends_rst_no_time_wait_rebind_succeeds and
 * closeseq/close_with_unread_data_sends_rst_not_fin: the server end is reset, not closed. */
#define X(name, linger0, unread, rule)                                                             \
    AC_TEST(ipv6_twins, name, .description = rule)                                                 \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, V6, V6, PORT, 0);                                                         \
        close(c.listener);                                                                         \
        if (linger0) {                                                                             \
            struct linger l = {.l_onoff = 1, .l_linger = 0};                                       \
            ac_setup_ok("SO_LINGER {1, 0}",                                                        \
                        setsockopt(c.server, SOL_SOCKET, SO_LINGER, &l, sizeof l) ? errno : 0);    \
        }                                                                                          \
        if (unread) {                                                                              \
            ac_expect_int(AC_SETUP(IO, "client end"), "client sends data the server never reads",  \
                          6, send(c.client, "unread", 6, 0));                                      \
            struct pollfd in = {.fd = c.server, .events = POLLIN};                                 \
            ac_setup_ok("data arrived", poll(&in, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : EIO);         \
        }                                                                                          \
        close(c.server);                                                                           \
        ac_expect_errno(AC_CLAIM(IO, "client end"), "client read() after the server's close",      \
                        ECONNRESET, ac_read_error_within(c.client, AC_STATE_TIMEOUT_MS));          \
        struct ac_match server = ac_conn_server_match(&c);                                         \
        server.states = AC_ALL_STATES;                                                             \
        ac_expect_gone(AC_CLAIM(STATE, "server end"), "server end after close()", &server,         \
                       AC_STATE_TIMEOUT_MS);                                                       \
        int p = ac_probe_bind(AC_ROLE_CLAIM, V6, PORT, 0, 0);                                      \
        close(p);                                                                                  \
    }

/* name, SO_LINGER {1, 0}, unread data, the rule */
X(linger0_close_sends_rst_no_time_wait_rebind_succeeds, true, false,
  "Over IPv6 too, SO_LINGER {1, 0} makes close() send an RST instead of a FIN: no TIME_WAIT, the "
  "peer gets ECONNRESET, [::1]:9999 binds again at once.")
X(close_with_unread_data_sends_rst_rebind_succeeds, false, true,
  "Over IPv6 too, close() with unread data sends an RST instead of a FIN: no TIME_WAIT, the peer "
  "gets ECONNRESET, [::1]:9999 binds again at once.")
#undef X

/* Twin of timers/fin_timeout_1s_removes_orphaned_fin_wait2_after_1s. */
AC_TEST_WITH(ipv6_twins, fin_timeout_1s_removes_orphaned_fin_wait2, (.waits = true), .timeout = 10,
             .description =
                 "tcp_fin_timeout, a net.ipv4 sysctl, bounds IPv6 orphans too: with 1 the "
                 "orphaned FIN_WAIT2 on [::1] is gone about a second after close().")
{
    ac_netns_sysctl("net/ipv4/tcp_fin_timeout", "1");
    struct ac_conn c;
    ac_conn_open(&c, V6, V6, PORT, 0);
    int64_t start = ac_now_ms();
    close(c.server);
    c.server = -1;
    struct ac_match server = ac_conn_server_match(&c);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after close()", &server,
                    AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    ac_expect_lifetime("server end", "orphaned FIN_WAIT2 of the server (from close())", server,
                       start, 900, 3000);
}

/* Twin of timers/max_tw_buckets_0_leaves_no_time_wait_and_rebind_succeeds. */
AC_TEST_WITH(
    ipv6_twins, max_tw_buckets_0_leaves_no_time_wait_rebind_succeeds, (.proves = "no_time_wait"),
    .description = "tcp_max_tw_buckets=0 refuses IPv6 TIME_WAIT sockets too: after the close "
                   "sequence nothing is left on [::1]:9999 and it binds again at once.")
{
    ac_netns_sysctl("net/ipv4/tcp_max_tw_buckets", "0");
    struct ac_conn c;
    ac_conn_open(&c, V6, V6, PORT, 0);
    close(c.listener);
    close(c.server);
    char b;
    ac_setup_ok("client reads EOF", recv(c.client, &b, 1, 0) == 0 ? 0 : EIO);
    close(c.client);
    struct ac_addr at;
    ac_addr_parse(&at, V6, PORT);
    struct ac_match port = {.states = AC_ALL_STATES, .local = &at};
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "sockets on [::1]:9999 after the close", &port,
                   AC_STATE_TIMEOUT_MS);
    int p = ac_probe_bind(AC_ROLE_CLAIM, V6, PORT, 0, 0);
    close(p);
}

/* A listener on [::1]:9999 and a client bound to [::1]:40000 with SO_REUSEADDR (which its
 * TIME_WAIT keeps), connected and accepted; the 4-tuple's two addresses. */
struct twin_conn {
    int listener, server, client;
    struct ac_addr client_at, server_at;
};

static void open_bound(struct twin_conn *t)
{
    ac_addr_parse(&t->client_at, V6, CLIENT_PORT);
    ac_addr_parse(&t->server_at, V6, PORT);
    t->listener = ac_listener(V6, PORT, 0, 16);
    t->client = ac_setup_fd("client socket", ac_tcp_socket(AF_INET6, AC_REUSEADDR));
    ac_setup_ok("client bind [::1]:40000", ac_bind(t->client, &t->client_at));
    ac_setup_ok("client connect", ac_connect(t->client, &t->server_at));
    t->server = ac_accept_within(t->listener, AC_STATE_TIMEOUT_MS);
    ac_setup_fd("accept", t->server);
}

/* `first` closes first, `second` answers; returns when first's end is TIME_WAIT. */
static void close_first(int first, int second, const struct ac_match *first_end)
{
    close(first);
    /* the accepted end is non-blocking: wait (bounded) for the FIN before reading it */
    struct pollfd in = {.fd = second, .events = POLLIN};
    ac_setup_ok("the FIN arrived", poll(&in, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : ETIMEDOUT);
    char b;
    ac_setup_ok("the other end reads EOF", recv(second, &b, 1, 0) == 0 ? 0 : EIO);
    close(second);
    ac_expect_state(AC_SETUP(STATE, "active closer"), "active closer's end", first_end,
                    AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
}

/* The second connect() from [::1]:40000 to [::1]:9999, whose 4-tuple is in TIME_WAIT at one end:
 * must succeed, and the 4-tuple must be ESTABLISHED again with no TIME_WAIT left on it. */
static void reconnect_same_tuple(int listener, const struct ac_match *tuple)
{
    struct ac_addr me, to;
    ac_addr_parse(&me, V6, CLIENT_PORT);
    ac_addr_parse(&to, V6, PORT);
    int c = ac_setup_fd("new client socket", ac_tcp_socket(AF_INET6, AC_REUSEADDR));
    ac_setup_ok("new client bind [::1]:40000", ac_bind(c, &me));
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"),
                    "connect [::1]:40000 -> [::1]:9999 during TIME_WAIT", 0, ac_connect(c, &to));
    int s = ac_accept_within(listener, AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_CLAIM(ACCEPT, "listener"), "the listener accepts the new connection", "yes",
                  yes_no(s >= 0));
    struct ac_match tw = *tuple;
    tw.states = AC_STATE_BIT(AC_TIME_WAIT);
    ac_expect_int(AC_CLAIM(COUNT, "4-tuple"), "TIME_WAIT sockets left on the 4-tuple", 0,
                  ac_diag_count(&tw));
    if (s >= 0)
        close(s);
    close(c);
}

/* A 4-tuple in TIME_WAIT at one end, then the same client port connecting to the same peer.
 * Client first: twin of client/connect_same_port_during_timewait_succeeds_with_tw_reuse_1, the
 * client's own TIME_WAIT is taken over by connect() (__inet6_check_established() ->
 * tcp_twsk_unique()). Server first: twin of segments/syn_same_tuple_to_server_time_wait_reopens_
 * with_timestamps, the server's TIME_WAIT gets the SYN (tcp_v6_rcv(): TCP_TW_SYN) and gives way
 * to the listener. */
#define X(name, server_first, rule)                                                                \
    AC_TEST_WITH(ipv6_twins, name, (.proves = (server_first) ? "time_wait_syn" : NULL),            \
                 .description = rule)                                                              \
    {                                                                                              \
        struct twin_conn t;                                                                        \
        open_bound(&t);                                                                            \
        struct ac_match client_end = {.local = &t.client_at, .remote = &t.server_at};              \
        struct ac_match server_end = {.local = &t.server_at, .remote = &t.client_at};              \
        struct ac_match *tw = server_first ? &server_end : &client_end;                            \
        close_first(server_first ? t.server : t.client, server_first ? t.client : t.server, tw);   \
        if (server_first) {                                                                        \
            client_end.states = AC_ALL_STATES;                                                     \
            ac_expect_gone(AC_SETUP(STATE, "client end"),                                          \
                           "the client's end of the old connection", &client_end,                  \
                           AC_STATE_TIMEOUT_MS);                                                   \
        }                                                                                          \
        reconnect_same_tuple(t.listener, tw);                                                      \
    }

/* name, whether the server closed first (else the client), the rule */
X(connect_takes_over_own_time_wait_on_bound_port, false,
  "A client that closed first and reconnects from its bound [::1]:40000 to the same peer takes "
  "its own TIME_WAIT over (tcp_twsk_unique(), with timestamps), as over IPv4.")
X(syn_reopens_server_time_wait_on_same_tuple, true,
  "A client reconnecting from its old port reaches the server's [::1]:9999 TIME_WAIT with a newer "
  "timestamp: the TIME_WAIT gives way to the listener (tcp_v6_rcv(), TCP_TW_SYN), as over IPv4.")
#undef X
