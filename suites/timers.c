/* Timers and knobs: how long a closed connection lingers, and the settings that shorten it.
 *
 * Every sysctl written here is per network namespace on every kernel of the matrix (5.10 and
 * later), so each test changes only its own namespace: tcp_fin_timeout, tcp_orphan_retries,
 * tcp_tw_reuse, tcp_max_tw_buckets (with the tcp_death_row it belongs to) and tcp_timestamps
 * were moved into struct netns_ipv4 by the 4.x "Namespace-ify sysctl_tcp_*" commits,
 * ip_local_port_range earlier still; tcp_tw_reuse_delay was born per namespace (6.14). The fixture
 * proves it on the running kernel: a global sysctl (tcp_mem, tcp_max_orphans) is registered for
 * the initial namespace only and does not exist under /proc/sys/net of a child namespace, so
 * ac_netns_sysctl() would fail instead of touching the host.
 *
 * Durations are checked against ranges and recorded in whole seconds (harness/within.h): the
 * claims are "it goes away, and not before its timer", never "it is fast". */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/hold.h"
#include "../fixtures/mib.h"
#include "../fixtures/nft.h"
#include "../harness/probe.h"
#include "../harness/within.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"
#include "../fixtures/packet.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PORT 9999

TestSuite(timers, .description = "A closed connection lingers on a timer: TIME_WAIT for a fixed "
                                 "60 s, an orphaned FIN_WAIT2 for tcp_fin_timeout, an orphaned "
                                 "LAST_ACK until its FIN retransmissions run out. Per-namespace "
                                 "sysctls shorten some of these, and SO_LINGER {1, 0} or "
                                 "tcp_max_tw_buckets=0 leave no TIME_WAIT at all.");

/* The server closes, the client keeps its end open and never reads: the server's end goes
 * FIN_WAIT1 -> FIN_WAIT2 and waits there for a FIN that never comes. Returns when sock_diag
 * shows it in FIN_WAIT2 (a full socket, or the FIN_WAIT2 mini-socket tcp_time_wait() makes of
 * an orphan, which sock_diag shows as FIN_WAIT2 too). */
static struct ac_sockinfo server_orphaned_in_fin_wait2(struct ac_conn *c)
{
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    close(c->server);
    c->server = -1;
    struct ac_match server = ac_conn_server_match(c);
    return ac_expect_state(AC_SETUP(STATE, "server end"),
                           "server end after close() while the client stays", &server, AC_FIN_WAIT2,
                           AC_STATE_TIMEOUT_MS);
}

/* An orphaned FIN_WAIT2 lives tcp_fin_timeout (default 60 s): tcp_fin_time() in
 * include/net/tcp.h, at least 3.5 RTO. Read from sock_diag, not waited for. */
AC_TEST(timers, orphaned_fin_wait2_timer_is_60s_by_default,
        .description = "An orphaned FIN_WAIT2 (closed, still waiting for the peer's FIN) lives "
                       "tcp_fin_timeout, 60 s by default, so sock_diag shows up to 60 s left on "
                       "its timer.")
{
    struct ac_conn c;
    struct ac_sockinfo fw2 = server_orphaned_in_fin_wait2(&c);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 timer left (sock_diag expires)",
                     55000, 60000, fw2.expires_ms);
}

/* tcp_fin_timeout=1: the orphaned FIN_WAIT2 is gone after about a second, and not before. The
 * clock starts before close(), so the measured lifetime is never shorter than the real one. */
AC_TEST_WITH(
    timers, fin_timeout_1s_removes_orphaned_fin_wait2_after_1s, (.waits = true), .timeout = 10,
    .description = "tcp_fin_timeout sets how long an orphaned FIN_WAIT2 lives: with 1 it is "
                   "destroyed about a second after close(), and not before; no file refers "
                   "to it meanwhile.")
{
    ac_netns_sysctl("net/ipv4/tcp_fin_timeout", "1");
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    int64_t start = ac_now_ms();
    close(c.server);
    c.server = -1;
    struct ac_match server = ac_conn_server_match(&c);
    struct ac_sockinfo fw2 = ac_expect_state(AC_SETUP(STATE, "server end"),
                                             "server end after close() while the client stays",
                                             &server, AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 timer left (sock_diag expires)", 500,
                     1000, fw2.expires_ms);
    ac_expect_int(AC_CLAIM(FILE, "server end"),
                  "inode of the orphaned FIN_WAIT2 (0: no file refers to it)", 0, fw2.inode);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "orphaned FIN_WAIT2 of the server", &server,
                   3000);
    /* 1 s timer, jiffy rounding (<= 1 tick early) and timer-wheel slack (tens of ms late) */
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 lifetime after close()", 900, 3000,
                     ac_now_ms() - start);
}

/* tcp_fin_timeout=fin_timeout (NULL: the default, 60), then the server end of a connection on
 * `port` half-closed (shutdown(SHUT_WR), its FIN acknowledged): FIN_WAIT2 with the fd still open.
 * Returns the socket as sock_diag shows it. */
static struct ac_sockinfo server_half_closed(struct ac_conn *c, struct ac_match *server,
                                             uint16_t port, const char *fin_timeout)
{
    if (fin_timeout)
        ac_netns_sysctl("net/ipv4/tcp_fin_timeout", fin_timeout);
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, port, 0);
    ac_setup_ok("shutdown(SHUT_WR) of the server end", shutdown(c->server, SHUT_WR) ? errno : 0);
    *server = ac_conn_server_match(c);
    return ac_expect_state(AC_SETUP(STATE, "server end"), "server end after shutdown(SHUT_WR)",
                           server, AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
}

/* tcp_fin_timeout is a limit for orphans only: a FIN_WAIT2 whose fd is still open (shutdown()
 * instead of close()) has no timer at all (the keepalive timer that tcp_rcv_state_process()
 * arms in FIN_WAIT1 -> FIN_WAIT2 is for SOCK_DEAD sockets; the ACK that completed the FIN left
 * nothing to retransmit) and waits for the peer's FIN indefinitely, whatever tcp_fin_timeout
 * says. It is the full socket the fd refers to, so sock_diag shows its inode. */
#define X(name, fin_timeout, rule)                                                                 \
    AC_TEST(timers, name, .description = rule)                                                     \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        struct ac_match server;                                                                    \
        struct ac_sockinfo fw2 = server_half_closed(&c, &server, PORT, fin_timeout);               \
        ac_expect_str(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 timer kind (sock_diag)", "none",   \
                      ac_timer_kind(fw2.timer));                                                   \
        ac_expect_str(AC_CLAIM(FILE, "server end"), "FIN_WAIT2 socket has a file (inode != 0)",    \
                      "yes", fw2.inode ? "yes" : "no");                                            \
    }

/* name, tcp_fin_timeout (NULL: the default 60), the rule */
X(fin_timeout_does_not_limit_fin_wait2_with_fd_open, "1",
  "tcp_fin_timeout limits orphans only: after shutdown(SHUT_WR) the open file descriptor keeps "
  "the socket, whose FIN_WAIT2 has no timer and waits for the peer's FIN indefinitely.")
X(fin_wait2_with_fd_open_has_no_timer_at_default_fin_timeout, NULL,
  "At the default tcp_fin_timeout too, a FIN_WAIT2 reached by shutdown(SHUT_WR) with the fd open "
  "has no timer: nothing bounds it but the peer's FIN or close().")
#undef X

/* Both kinds side by side under tcp_fin_timeout=1: a half-closed server end on port 9998 (fd
 * open) first, then an orphaned one on 9999. Once the orphan's second is up and it is gone, the
 * fd-open FIN_WAIT2, older than it, is still there: more than tcp_fin_timeout in FIN_WAIT2. */
AC_TEST_WITH(timers, fin_timeout_1s_fin_wait2_with_fd_open_outlives_the_orphan, (.waits = true),
             .timeout = 10,
             .description =
                 "tcp_fin_timeout=1 destroys the orphaned FIN_WAIT2 after a second, while a "
                 "FIN_WAIT2 whose fd is open, older than it, is still in FIN_WAIT2: the "
                 "sysctl never applies to it.")
{
    struct ac_conn half, orphan;
    struct ac_match kept;
    int64_t start = ac_now_ms();
    server_half_closed(&half, &kept, PORT - 1, "1");
    ac_conn_open(&orphan, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    close(orphan.server);
    orphan.server = -1;
    struct ac_match gone = ac_conn_server_match(&orphan);
    ac_expect_state(AC_SETUP(STATE, "orphaned server end"), "orphaned server end after close()",
                    &gone, AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    gone.states = AC_ALL_STATES;
    ac_expect_gone(AC_SETUP(STATE, "orphaned server end"), "orphaned FIN_WAIT2 (tcp_fin_timeout=1)",
                   &gone, 3000);
    ac_expect_within(AC_SETUP(TIMER, "server end"),
                     "time since the fd-open FIN_WAIT2 began, when the orphan was gone", 900, 3000,
                     ac_now_ms() - start);
    ac_expect_state(AC_CLAIM(STATE, "server end"),
                    "half-closed server end, fd open, once the orphan is gone", &kept, AC_FIN_WAIT2,
                    0);
}

/* The server closes (the listener too, with close_listener) while the ACK of its FIN is held,
 * and the ACK is let through once close() has returned: it then reaches an orphan that no
 * process owns, which tcp_rcv_state_process() (FIN_WAIT1, no FIN, not owned) hands to
 * tcp_time_wait(sk, TCP_FIN_WAIT2, tcp_fin_time()). (An ACK met while close() still owned the
 * socket can leave a full socket on the keepalive timer instead.) Returns the match for the
 * server's end. */
static struct ac_match server_orphaned_ack_after_close(struct ac_conn *c, bool close_listener)
{
    ac_hold_fast_retransmit();
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    if (close_listener) {
        close(c->listener);
        c->listener = -1;
    }
    ac_hold_drop_acks(ac_addr_port(&c->client_end), PORT);
    close(c->server);
    c->server = -1;
    struct ac_match server = ac_conn_server_match(c);
    ac_hold_expect_retransmitted(AC_SETUP(STATE, "server end"),
                                 "server end while the ACK of its FIN is held", &server,
                                 AC_FIN_WAIT1, AC_STATE_TIMEOUT_MS);
    ac_hold_release();
    return server;
}

/* The orphan expires without a word: a FIN_WAIT2 mini-socket (tcp_time_wait(sk, TCP_FIN_WAIT2,
 * tmo), timewait timer) is killed by its timer and sends nothing, so the peer, in CLOSE_WAIT,
 * does not know. (The ACK of the server's FIN is held until close() has returned, which makes
 * the orphan that mini-socket: a full socket on the keepalive timer would reset the peer when
 * the timer fired, tcp_keepalive_timer(), another story.) Its recv() still gives the end of
 * file, and its first send() succeeds; the segment finds no socket for the 4-tuple, and the
 * listener still on 9999 answers a non-SYN segment with an RST (tcp_rcv_state_process(),
 * TCP_LISTEN: an ACK gives a reset). tcp_reset() in CLOSE_WAIT stores EPIPE and closes the
 * peer: gone from sock_diag, CLOSE in its TCP_INFO, and its next send() gives EPIPE. */
AC_TEST_WITH(timers, fin_timeout_1s_orphan_gone_peer_send_gets_rst_then_epipe, (.waits = true),
             .timeout = 10,
             .description =
                 "An orphaned FIN_WAIT2 dies at tcp_fin_timeout without telling the peer: "
                 "the peer in CLOSE_WAIT still reads end of file and its first send() "
                 "succeeds, the RST that answers it closes the peer (CLOSE, gone from "
                 "sock_diag), and its next send() gives EPIPE.")
{
    ac_netns_sysctl("net/ipv4/tcp_fin_timeout", "1");
    struct ac_conn c;
    struct ac_match server = server_orphaned_ack_after_close(&c, false);
    struct ac_sockinfo fw2 =
        ac_expect_state(AC_SETUP(STATE, "server end"), "server end once its FIN is acknowledged",
                        &server, AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_SETUP(TIMER, "server end"), "timer of the orphaned FIN_WAIT2 (sock_diag)",
                  "timewait", ac_timer_kind(fw2.timer));
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end after the server's FIN", &client,
                    AC_CLOSE_WAIT, 0);
    int cap = ac_pkt_capture();
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_SETUP(STATE, "server end"), "orphaned FIN_WAIT2 (tcp_fin_timeout=1)", &server,
                   3000);

    char b;
    ac_expect_int(AC_CLAIM(IO, "client end"),
                  "client recv() once the orphan is gone (0: end of file)", 0,
                  recv(c.client, &b, 1, MSG_DONTWAIT));
    ac_expect_int(AC_CLAIM(IO, "client end"), "client's first send() once the orphan is gone", 1,
                  send(c.client, "x", 1, MSG_NOSIGNAL));
    /* On the wire: nothing from 9999 between the orphan's death and the client's data, then the
     * RST that answers the data. */
    uint16_t cport = ac_addr_port(&c.client_end);
    struct ac_seg s;
    int before_data = 0;
    for (;;) {
        ac_setup_ok("the client's data, captured",
                    ac_pkt_next(cap, AC_STATE_TIMEOUT_MS, &s) ? 0 : ETIMEDOUT);
        if (s.sport == cport && s.dport == PORT && s.len > 0)
            break;
        before_data += s.sport == PORT && s.dport == cport;
    }
    ac_expect_int(AC_CLAIM(PACKET, "server end"),
                  "segments from 9999 to the client as the orphan died (before the client's data)",
                  0, before_data);
    ac_expect_next_segment(AC_CLAIM(PACKET, "192.168.1.100:9999"),
                           "the answer to the client's data (flags)", cap, PORT, cport, "RST");
    client.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after the RST that answered it",
                   &client, AC_STATE_TIMEOUT_MS);
    ac_expect_fd_state(AC_CLAIM(STATE, "client end"), "state of the client's socket (TCP_INFO)",
                       c.client, AC_CLOSE);
    ssize_t n = send(c.client, "x", 1, MSG_NOSIGNAL);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client's second send()", EPIPE, n < 0 ? errno : 0);
}

/* The other way into an orphaned FIN_WAIT2: shutdown(SHUT_WR) first, FIN acknowledged, then
 * close(). __tcp_close() finds the socket already in FIN_WAIT2 and turns it into the timewait
 * mini-socket itself, with tcp_fin_time(sk) as its timer (tcp_fin_timeout), not through
 * tcp_rcv_state_process() as in the test above. Read from sock_diag right after close(). */
AC_TEST(timers, fin_timeout_1s_limits_fin_wait2_closed_after_shutdown,
        .description = "A socket that reached FIN_WAIT2 through shutdown(SHUT_WR) and is then "
                       "closed becomes an orphan timed by tcp_fin_timeout too: with 1, its timer "
                       "shows at most a second left.")
{
    struct ac_conn c;
    struct ac_match server;
    server_half_closed(&c, &server, PORT, "1");
    close(c.server);
    c.server = -1;
    struct ac_sockinfo fw2 =
        ac_expect_state(AC_SETUP(STATE, "server end"), "server end after close() in FIN_WAIT2",
                        &server, AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), "timer of the orphaned FIN_WAIT2 (sock_diag)",
                  "timewait", ac_timer_kind(fw2.timer));
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "FIN_WAIT2 timer left (sock_diag expires)", 0,
                     1000, fw2.expires_ms);
}

/* TIME_WAIT lasts TCP_TIMEWAIT_LEN = 60 s, a compile-time constant (suites/sysctls.c shows that
 * none of the TIME_WAIT-related sysctls changes it):
 * sock_diag shows the timewait timer (idiag_timer 3) with about 60000 ms left right after the
 * socket entered TIME_WAIT. */
AC_TEST(timers, time_wait_timer_is_60s_in_sock_diag,
        .description = "TIME_WAIT lasts TCP_TIMEWAIT_LEN, a compile-time 60 s, so with default "
                       "sysctls sock_diag shows the timewait timer with about 60 s left (the "
                       "sysctls suite changes them and reads the same).")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    struct ac_sockinfo tw = ac_conn_server_closes_first(&c, true);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer kind (sock_diag)", "timewait",
                  ac_timer_kind(tw.timer));
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer left (sock_diag expires)",
                     55000, 60000, tw.expires_ms);
}

/* The one test that really waits TIME_WAIT out: after 60 s (plus timer-wheel slack, up to a
 * couple of seconds at this distance) the socket is gone and the stopped server can bind
 * 192.168.1.100:9999 again without SO_REUSEADDR. */
AC_TEST_WITH(timers, time_wait_expires_after_60s_then_rebind_succeeds,
             (.slow = true, .waits = true), .timeout = 90,
             .description = "The TIME_WAIT timer is 60 s: when it fires the socket leaves the "
                            "bind table, and the server binds 192.168.1.100:9999 again "
                            "without SO_REUSEADDR.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    ac_conn_server_closes_first(&c, true);
    int64_t start = ac_now_ms();
    ac_probe_bind(AC_ROLE_SETUP, AC_SERVER_IP, PORT, 0, EADDRINUSE);
    struct ac_match server = ac_conn_server_match(&c);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server's TIME_WAIT", &server, 75000);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "TIME_WAIT lifetime", 58000, 75000,
                     ac_now_ms() - start);
    ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, 0);
}

/* Sockets in any state with port 9999 at either end, as sock_diag lists them (bound-only ones
 * too, since 6.8). */
static int sockets_on_port(void)
{
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    ac_setup_ok("read the socket table", n < 0 ? -n : 0);
    int count = 0;
    for (int i = 0; i < n; i++)
        count += ac_addr_port(&rows[i].local) == PORT || ac_addr_port(&rows[i].remote) == PORT;
    return count;
}

/* tcp_max_tw_buckets=0: inet_twsk_alloc() refuses every TIME_WAIT socket, tcp_time_wait() then
 * just closes the connection (tcp_done; the kernel logs "TCP: time wait bucket table overflow",
 * LINUX_MIB_TCPTIMEWAITOVERFLOW). Nothing is left on the port, so the server rebinds at once. */
AC_TEST_WITH(
    timers, max_tw_buckets_0_leaves_no_time_wait_and_rebind_succeeds, (.proves = "no_time_wait"),
    .description = "tcp_max_tw_buckets=0 leaves no room for TIME_WAIT sockets: once both "
                   "ends have closed, neither end is left on the port and the server rebinds "
                   "it at once without SO_REUSEADDR.")
{
    ac_netns_sysctl("net/ipv4/tcp_max_tw_buckets", "0");
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    close(c.server);
    char b;
    ac_setup_ok("client reads EOF", recv(c.client, &b, 1, 0) == 0 ? 0 : EIO);
    close(c.client);
    close(c.listener);
    struct ac_match server = ac_conn_server_match(&c);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server end after the active close", &server,
                   AC_STATE_TIMEOUT_MS);
    struct ac_match client = {.states = AC_ALL_STATES, .local = &c.client_end};
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end", &client, AC_STATE_TIMEOUT_MS);
    struct ac_match any_tw = {.states = AC_STATE_BIT(AC_TIME_WAIT)};
    ac_expect_int(AC_CLAIM(COUNT, "TIME_WAIT sockets"), "TIME_WAIT sockets in the namespace", 0,
                  ac_diag_count(&any_tw));
    ac_expect_int(AC_CLAIM(COUNT, "port 9999"), "sockets with port 9999 at either end, any state",
                  0, sockets_on_port());
    ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, 0);
}

/* tcp_max_tw_buckets=0 BEFORE the peer closes. The ACK of the server's FIN is held back (nft)
 * and let through after close() has returned, so it is processed in softirq with no process
 * owning the orphan: tcp_rcv_state_process() (FIN_WAIT1, tcp_fin_time() = 60 s, not more than
 * TCP_TIMEWAIT_LEN, no FIN, not owned) calls tcp_time_wait(sk, TCP_FIN_WAIT2, tmo), whose
 * inet_twsk_alloc() is refused (TCPTimeWaitOverflow), and tcp_done() destroys the connection
 * there and then. (An ACK processed while close() still holds the socket lock takes the other
 * branch, a full FIN_WAIT2 socket on the keepalive timer; on loopback that race is common, which
 * is why the ACK is held.) The client, still in CLOSE_WAIT, later sends its FIN to a 4-tuple
 * nobody owns (the listener is closed too): tcp_v4_rcv() finds no socket and answers with an
 * RST (tcp_v4_send_reset), which puts ECONNRESET on the client (tcp_reset() in LAST_ACK). */
AC_TEST_WITH(timers, max_tw_buckets_0_orphaned_fin_wait2_destroyed_peer_fin_gets_rst,
             (.proves = "no_time_wait"), .timeout = 10,
             .description =
                 "With tcp_max_tw_buckets=0 an orphan whose FIN is acknowledged cannot "
                 "become a FIN_WAIT2 mini-socket, so it is destroyed at once while the peer "
                 "is still in CLOSE_WAIT; the peer's FIN then finds no socket and gets an "
                 "RST (ECONNRESET).")
{
    ac_netns_sysctl("net/ipv4/tcp_max_tw_buckets", "0");
    struct ac_conn c;
    struct ac_match server = server_orphaned_ack_after_close(&c, true);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"),
                   "server end once its FIN is acknowledged (no FIN_WAIT2 left)", &server,
                   AC_STATE_TIMEOUT_MS);
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end (the peer has not closed)", &client,
                    AC_CLOSE_WAIT, 0);
    ac_expect_int(AC_CLAIM(COUNT, "TcpExt TCPTimeWaitOverflow"),
                  "TcpExt TCPTimeWaitOverflow (TIME_WAIT sockets refused)", 1,
                  ac_tcpext_counter("TCPTimeWaitOverflow"));

    int cap = ac_pkt_capture();
    ac_setup_ok("client shutdown(SHUT_WR): its FIN", shutdown(c.client, SHUT_WR) ? errno : 0);
    ac_expect_next_segment(AC_CLAIM(PACKET, "192.168.1.100:9999"),
                           "the answer to the client's FIN (flags)", cap, PORT,
                           ac_addr_port(&c.client_end), "RST");
    client.states = AC_ALL_STATES;
    ac_expect_gone(AC_SETUP(STATE, "client end"), "client end after its FIN", &client,
                   AC_STATE_TIMEOUT_MS);
    int err = 0;
    socklen_t len = sizeof err;
    ac_setup_ok("getsockopt SO_ERROR",
                getsockopt(c.client, SOL_SOCKET, SO_ERROR, &err, &len) ? errno : 0);
    ac_expect_errno(AC_CLAIM(IO, "client end"),
                    "client's pending error after its FIN (the answer was an RST)", ECONNRESET,
                    err);
    /* The RST closed the client's socket (tcp_done()), though its fd is open; and nothing is
     * left on the port: no TIME_WAIT, no FIN_WAIT2, the listener closed. */
    ac_expect_fd_state(AC_CLAIM(STATE, "client end"),
                       "state of the client's socket after its FIN (TCP_INFO)", c.client, AC_CLOSE);
    ac_expect_int(AC_CLAIM(COUNT, "port 9999"), "sockets with port 9999 at either end, any state",
                  0, sockets_on_port());
    close(c.client);
}

/* SO_LINGER {1, 0}: tcp_close() takes the disconnect path (tcp_disconnect: RST, state CLOSE,
 * LINUX_MIB_TCPABORTONLINGER) instead of sending a FIN, so there is no TIME_WAIT: the client
 * gets ECONNRESET and the server rebinds at once without SO_REUSEADDR. */
AC_TEST(timers, linger0_close_sends_rst_no_time_wait_rebind_succeeds,
        .description = "SO_LINGER {1, 0} makes close() abort the connection with an RST instead "
                       "of a FIN, so no TIME_WAIT is left: the peer gets ECONNRESET, its socket "
                       "is CLOSE and out of sock_diag, and the server rebinds at once, "
                       "192.168.1.100 or 0.0.0.0.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    ac_setup_ok("SO_LINGER {1, 0} on the server end",
                setsockopt(c.server, SOL_SOCKET, SO_LINGER, &l, sizeof l) ? errno : 0);
    struct ac_match server = ac_conn_server_match(&c);
    /* seen before close(), so that the state graph can show the reset ESTABLISHED -> gone */
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end before close()", &server,
                    AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    int cap = ac_pkt_capture();
    close(c.server);
    close(c.listener);
    ac_expect_next_segment(AC_CLAIM(PACKET, "server end"),
                           "the server's segment after close() with SO_LINGER {1, 0} (flags)", cap,
                           PORT, ac_addr_port(&c.client_end), "RST|ACK");
    char b;
    ssize_t n = recv(c.client, &b, 1, 0);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client recv after the server's close", ECONNRESET,
                    n < 0 ? errno : 0);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server end after close()", &server,
                   AC_STATE_TIMEOUT_MS);
    struct ac_match any_tw = {.states = AC_STATE_BIT(AC_TIME_WAIT)};
    ac_expect_int(AC_CLAIM(COUNT, "TIME_WAIT sockets"), "TIME_WAIT sockets in the namespace", 0,
                  ac_diag_count(&any_tw));
    /* The peer: tcp_reset() closed its socket (tcp_done()), which gave back its port (one the
     * kernel picked at connect(): no bind() port lock), so it is in CLOSE and nowhere in
     * sock_diag, bound-only dump included. */
    ac_expect_fd_state(AC_CLAIM(STATE, "client end"),
                       "state of the client's socket after the RST (TCP_INFO)", c.client, AC_CLOSE);
    struct ac_match client = {.states = AC_ALL_STATES, .local = &c.client_end};
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client's address and port in sock_diag", &client,
                   0);
    close(ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, 0));
    close(ac_probe_bind(AC_ROLE_CLAIM, "0.0.0.0", PORT, 0, 0));
    close(c.client);
}

static bool retransmitting(const struct ac_sockinfo *s, void *arg)
{
    (void)arg;
    return s->timer == AC_TIMER_RETRANSMIT && s->retrans >= 1;
}

/* The client closes first; once the server has read the EOF, every segment carrying an ACK to
 * port 9999 is dropped, and the server closes: its end is LAST_ACK and the client's answer to
 * its FIN is lost, every time. Returns the match for the server's end. */
static struct ac_match server_in_last_ack_with_acks_dropped(struct ac_conn *c)
{
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    close(c->client);
    c->client = -1;
    char b;
    ac_setup_ok("server reads EOF", recv(c->server, &b, 1, 0) == 0 ? 0 : EIO);
    struct ac_match server = ac_conn_server_match(c);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after the client's close", &server,
                    AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    ac_nft("add rule inet afterclose in tcp dport 9999 tcp flags & ack == ack drop\n");
    close(c->server);
    close(c->listener);
    c->server = c->listener = -1;
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after its close()", &server,
                    AC_LAST_ACK, AC_STATE_TIMEOUT_MS);
    return server;
}

/* LAST_ACK keeps its FIN on the retransmit queue: with the ACK lost, the retransmit timer
 * (sock_diag timer 1) fires and resends it (icsk_retransmits, sock_diag retrans, >= 1). The
 * first RTO on loopback is the 200 ms minimum (a tail loss probe may come first and is not
 * counted). */
AC_TEST_WITH(
    timers, last_ack_retransmits_fin_while_acks_are_dropped, (.waits = true), .timeout = 10,
    .description = "LAST_ACK keeps its FIN on the retransmit queue until it is acknowledged: "
                   "with the ACKs dropped the retransmit timer fires and sends it again.")
{
    struct ac_conn c;
    int cap = ac_pkt_capture();
    struct ac_match last_ack = server_in_last_ack_with_acks_dropped(&c);
    last_ack.states = AC_STATE_BIT(AC_LAST_ACK);
    bool rexmit = ac_diag_wait_until(&last_ack, retransmitting, NULL, 3000, NULL);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), "LAST_ACK timer and retransmissions (sock_diag)",
                  "retransmit, retrans >= 1",
                  rexmit ? "retransmit, retrans >= 1" : "no retransmission within 3 s");
    /* On the wire: the FIN again, with its first sequence number. */
    uint16_t cport = ac_addr_port(&c.client_end);
    struct ac_seg first, again;
    ac_setup_ok("the server's FIN, captured",
                ac_pkt_wait(cap, PORT, cport, AC_TH_FIN, AC_TH_FIN, AC_STATE_TIMEOUT_MS, &first)
                    ? 0
                    : ETIMEDOUT);
    bool resent =
        ac_pkt_wait(cap, PORT, cport, AC_TH_FIN, AC_TH_FIN, 3000, &again) && again.seq == first.seq;
    ac_expect_str(AC_CLAIM(PACKET, "server end"), "a second FIN from the server (same sequence)",
                  "sent again", resent ? "sent again" : "not within 3 s");
}

/* ... and gives up after tcp_orphan_retries when the socket is an orphan (tcp_write_timeout():
 * retry_until = tcp_orphan_retries(), where 0 would mean 8). retransmits_timed_out() counts
 * from the first retransmission and converts the retry count into time, (2^(1+1) - 1) * 200 ms
 * = 600 ms for 1 retry; the check runs when the (backed-off) timer fires. The exact count
 * depends on the kernel's loss-probe and RTO details, so only the end is asserted: gone, within
 * a bound. */
AC_TEST_WITH(
    timers, last_ack_gives_up_after_orphan_retries, (.slow = true, .waits = true), .timeout = 20,
    .description =
        "An orphan's retransmissions are limited by tcp_orphan_retries: with 1 the retry budget "
        "(about 600 ms from the first retransmission) runs out and the orphaned LAST_ACK is "
        "destroyed, its FIN never acknowledged.")
{
    ac_netns_sysctl("net/ipv4/tcp_orphan_retries", "1");
    struct ac_conn c;
    int64_t start = ac_now_ms();
    struct ac_match server = server_in_last_ack_with_acks_dropped(&c);
    server.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "server's LAST_ACK with tcp_orphan_retries=1",
                   &server, 6000);
    ac_expect_within(AC_CLAIM(TIMER, "server end"), "LAST_ACK lifetime after close()", 400, 6000,
                     ac_now_ms() - start);
}

static bool retransmitted_3_times(const struct ac_sockinfo *s, void *arg)
{
    (void)arg;
    return s->retrans >= 3;
}

/* The contrast: with the default tcp_orphan_retries (0, which tcp_orphan_retries() turns into 8
 * while the RTO is below its maximum) the same LAST_ACK is still there and retransmits a third
 * time, at the very timer expiry at which 1 retry lets it go. */
AC_TEST_WITH(timers, last_ack_outlives_three_retransmissions_with_default_orphan_retries,
             (.slow = true, .waits = true), .timeout = 20,
             .description = "The default tcp_orphan_retries=0 means 8 retries while the RTO "
                            "is below its maximum, so the orphaned LAST_ACK outlives the point "
                            "where 1 retry gives up and retransmits its FIN a third time.")
{
    struct ac_conn c;
    struct ac_match last_ack = server_in_last_ack_with_acks_dropped(&c);
    last_ack.states = AC_STATE_BIT(AC_LAST_ACK);
    bool third = ac_diag_wait_until(&last_ack, retransmitted_3_times, NULL, 8000, NULL);
    ac_expect_str(AC_CLAIM(STATE, "server end"),
                  "LAST_ACK after its third retransmission (sock_diag retrans >= 3)", "LAST_ACK",
                  third ? "LAST_ACK" : "gone or fewer retransmissions");
}

/* --- how far apart the retransmissions are ----------------------------------------------- */

/* With the ACKs dropped on loopback (6.1 and 6.18 alike) the first resend is the tail loss
 * probe, at the RTO (~200 ms: tcp_schedule_loss_probe() takes the earlier of 2 * srtt + 200 ms
 * and the RTO); the timeouts follow. When the server's first segment carrying data or a FIN
 * (from PORT to cport) was first sent again, in ms after its first transmission, from the
 * segments' own TSvals (the kernel's millisecond clock at each transmission: a test process
 * that reads the capture late does not shorten it); -1 if not within timeout_ms. */
static int64_t first_resend_ms(int cap, uint16_t cport, int timeout_ms)
{
    int64_t deadline = ac_now_ms() + timeout_ms;
    bool seen = false;
    struct ac_seg first = {0}, s;
    while (ac_now_ms() < deadline && ac_pkt_next(cap, (int)(deadline - ac_now_ms()), &s)) {
        if (s.sport != PORT || s.dport != cport || (s.len == 0 && !(s.flags & AC_TH_FIN)))
            continue;
        if (!seen) {
            first = s;
            seen = true;
        } else if (s.seq == first.seq) {
            ac_setup_ok("the segments carry TSvals (tcp_timestamps=1)",
                        first.has_ts && s.has_ts ? 0 : EPROTO);
            return (int64_t)(uint32_t)(s.tsval - first.tsval);
        }
    }
    return -1;
}

/* The server's end, ESTABLISHED, sends one byte whose ACKs are dropped: one small segment in
 * flight, a thin stream once the first timeout has set ssthresh (tcp_stream_is_thin(): fewer
 * than 4 packets out and not in the initial slow start). thin_lto: TCP_THIN_LINEAR_TIMEOUTS on
 * the server's end first. Returns the client's port. */
static uint16_t established_byte_unacked(struct ac_conn *c, int thin_lto)
{
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    uint16_t cport = ac_addr_port(&c->client_end);
    ac_setup_ok(
        "server TCP_THIN_LINEAR_TIMEOUTS",
        setsockopt(c->server, IPPROTO_TCP, TCP_THIN_LINEAR_TIMEOUTS, &thin_lto, sizeof thin_lto)
            ? errno
            : 0);
    ac_hold_drop_acks(cport, PORT);
    ac_setup_ok("server sends one byte", send(c->server, "x", 1, 0) == 1 ? 0 : EIO);
    return cport;
}

static uint16_t last_ack_fin_unacked(struct ac_conn *c, int thin_lto)
{
    (void)thin_lto; /* LAST_ACK is never linear: the sysctl row says so */
    server_in_last_ack_with_acks_dropped(c);
    return ac_addr_port(&c->client_end);
}

/* tcp_retransmit_timer() doubles the RTO after every timeout (icsk_rto << 1), except for a
 * thin ESTABLISHED stream with linear timeouts asked for (TCP_THIN_LINEAR_TIMEOUTS or the
 * per-namespace tcp_thin_linear_timeouts), whose first 6 timeouts recompute the RTO from the
 * RTT. So the timer the third timeout sets, read from sock_diag, is 8 times the ~200 ms first
 * RTO (1.6 s) when backed off, and the ~200 ms again when linear: the shape is read from the
 * kernel's timer, not from the gaps between captured resends, which a stalled guest stretches.
 * Reno in every row: a congestion control that keeps ssthresh infinite (BBR, the host's
 * choice here) keeps every stream out of "thin", and the namespace inherits the host's. */
#define DOUBLED 800, 6000 /* the timer after the third timeout, ms: backed off (1.6 s) */
#define LINEAR  0, 500    /* ... recomputed from the RTT (~200 ms) */
#define X(name, scenario, thin_linear, thin_lto, timer_range, rule)                                \
    AC_TEST_WITH(timers, name, (.waits = true), .timeout = 15, .description = rule)                \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/tcp_congestion_control", "reno");                                \
        ac_netns_sysctl("net/ipv4/tcp_thin_linear_timeouts", thin_linear);                         \
        int cap = ac_pkt_capture();                                                                \
        struct ac_conn c;                                                                          \
        uint16_t cport = scenario(&c, thin_lto);                                                   \
        ac_expect_within(AC_CLAIM(TIMER, "server end"),                                            \
                         "first resend after the first transmission (RTO minimum 200 ms)", 180,    \
                         1500, first_resend_ms(cap, cport, 2500));                                 \
        struct ac_match server = ac_conn_server_match(&c);                                         \
        server.states = AC_STATE_BIT(AC_ESTABLISHED) | AC_STATE_BIT(AC_LAST_ACK);                  \
        struct ac_sockinfo s;                                                                      \
        ac_setup_ok(                                                                               \
            "three timeouts within 4 s (sock_diag retrans >= 3)",                                  \
            ac_diag_wait_until(&server, retransmitted_3_times, NULL, 4000, &s) ? 0 : ETIMEDOUT);   \
        ac_expect_within(AC_CLAIM(TIMER, "server end"),                                            \
                         "retransmit timer set by the third timeout (sock_diag)", timer_range,     \
                         s.expires_ms);                                                            \
    }
X(established_retransmits_at_doubling_intervals_by_default, established_byte_unacked, "0", 0,
  DOUBLED,
  "An unacknowledged segment is resent at intervals that double (exponential backoff), a thin "
  "stream too while tcp_thin_linear_timeouts is 0, the default.")
X(established_thin_linear_timeouts_1_retransmits_at_constant_intervals, established_byte_unacked,
  "1", 0, LINEAR,
  "With tcp_thin_linear_timeouts=1 a thin stream (fewer than 4 segments in flight) is resent at "
  "constant intervals, the RTO recomputed instead of doubled, for its first 6 timeouts.")
X(established_thin_linear_timeouts_sockopt_retransmits_at_constant_intervals,
  established_byte_unacked, "0", 1, LINEAR,
  "TCP_THIN_LINEAR_TIMEOUTS on the socket does the same for its own thin stream, the sysctl "
  "left at 0.")
X(last_ack_fin_retransmits_at_doubling_intervals, last_ack_fin_unacked, "1", 0, DOUBLED,
  "LAST_ACK's unacknowledged FIN is resent at intervals that double, linear timeouts or not: "
  "they are for ESTABLISHED streams only.")
#undef X
#undef DOUBLED
#undef LINEAR
