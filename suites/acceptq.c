/* Connections a listener has not accepted: its two queues and the knobs that size them.
 *
 *   SYN  -> a request socket, SYN_RECV (the "SYN queue": counted per listener, in the
 *           established hash), unless tcp_conn_request() answers with a SYN cookie instead
 *   ACK  -> a child socket in the accept queue (ESTABLISHED, or CLOSE_WAIT once the client's
 *           FIN came), until accept() gives it a file
 *
 * The listen() backlog, capped by net.core.somaxconn (__sys_listen()), is sk_max_ack_backlog.
 * tcp_conn_request() (net/ipv4/tcp_input.c, 6.1) drops a SYN when the accept queue is full, and
 * when the SYN queue holds more requests than the backlog (inet_csk_reqsk_queue_is_full()) it
 * sends a cookie (tcp_syncookies=1) or drops the SYN (0); tcp_syncookies=2 always sends
 * cookies. Without cookies it also drops SYNs from
 * unproven peers once tcp_max_syn_backlog - queued < tcp_max_syn_backlog / 4. The ACK that
 * completes a handshake when the accept queue is already full (more than backlog children) is
 * dropped by tcp_check_req(), or answered with an RST under tcp_abort_on_overflow=1. A bare ACK
 * is also dropped while TCP_DEFER_ACCEPT waits for data. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/bpf.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/hold.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(acceptq,
          .description = "A connection the listener has not accepted is a SYN_RECV request, then "
                         "a child with no file in the accept queue; listen()'s backlog (capped "
                         "by somaxconn), SYN cookies, tcp_abort_on_overflow and TCP_DEFER_ACCEPT "
                         "decide which connections get there and what a client sees when they "
                         "do not.");

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

/* Sockets of connections to 192.168.1.100:9999 in `state`: the server ends (local port 9999)
 * or the client ends (remote port 9999). */
static struct ac_match ends(bool server, int state, struct ac_addr *at)
{
    ac_addr_parse(at, AC_SERVER_IP, PORT);
    struct ac_match m = {.states = AC_STATE_BIT(state)};
    if (server)
        m.local = at;
    else
        m.remote = at;
    return m;
}

static int count_ends(bool server, int state)
{
    struct ac_addr at;
    struct ac_match m = ends(server, state, &at);
    return ac_diag_count(&m);
}

/* Waits (bounded) until n of those sockets are in `state`: setup. */
static void wait_count(bool server, int state, int n, const char *what)
{
    struct ac_addr at;
    struct ac_match m = ends(server, state, &at);
    ac_expect_int(AC_SETUP(COUNT, server ? "server ends" : "client ends"), what, n,
                  ac_hold_wait_count(&m, n, AC_STATE_TIMEOUT_MS));
}

/* The doc's narrower form of "CLOSE_WAIT is owned by the application's descriptor": a child
 * that got the client's FIN before accept() is in CLOSE_WAIT with no file (inode 0) until
 * accept() gives it one. */
AC_TEST(acceptq, close_wait_in_accept_queue_has_no_file_until_accepted,
        .description = "A connection whose client closed before accept() waits in the accept "
                       "queue in CLOSE_WAIT with no file (inode 0); only accept() gives it a "
                       "descriptor, and it stays in CLOSE_WAIT until that is closed.")
{
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    struct ac_pending c;
    ac_pending_open(&c, AC_SERVER_IP, PORT);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end before the client's close",
                    &c.server_end, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    close(c.fd);
    struct ac_sockinfo q = ac_expect_state(AC_CLAIM(STATE, "server end"),
                                           "server end after the client's close, not accepted",
                                           &c.server_end, AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_CLAIM(FILE, "server end"), "queued CLOSE_WAIT socket has a file (inode != 0)",
                  "no", yes_no(q.inode != 0));
    int s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);
    ac_setup_fd("accept()", s);
    struct ac_sockinfo a = ac_expect_state(AC_CLAIM(STATE, "server end"), "server end, accepted",
                                           &c.server_end, AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_CLAIM(FILE, "server end"),
                  "accepted CLOSE_WAIT socket has a file (inode != 0)", "yes",
                  yes_no(a.inode != 0));
    close(s);
    close(l);
}

/* TCP_DEFER_ACCEPT=30 (seconds, kept as SYN-ACK retransmissions): tcp_check_req() drops the
 * bare ACK that ends the handshake (TcpExtTCPDeferAcceptDrop) and keeps the request; the first
 * data segment completes it. */
AC_TEST_WITH(acceptq, defer_accept_keeps_connection_syn_recv_until_data, (.waits = true),
             .description =
                 "With TCP_DEFER_ACCEPT the listener drops the handshake's bare ACK, so "
                 "the connection stays a SYN_RECV request that accept() does not return, "
                 "while the client is ESTABLISHED; its first data makes it acceptable.")
{
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    int secs = 30;
    ac_setup_ok("TCP_DEFER_ACCEPT 30 s",
                setsockopt(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof secs) ? errno : 0);
    struct ac_pending q;
    ac_pending_open(&q, AC_SERVER_IP, PORT);
    int c = q.fd;
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end after the handshake", &q.client_end,
                    AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after the bare ACK", &q.server_end,
                    AC_SYN_RECV, AC_STATE_TIMEOUT_MS);
    int s = ac_accept_within(l, 200);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() before any data", EAGAIN,
                    s < 0 ? -s : 0);
    ac_expect_int(AC_SETUP(IO, "client end"), "client sends data", 4, send(c, "data", 4, 0));
    s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() once data came", 0, s < 0 ? -s : 0);
    char buf[8] = {0};
    ac_expect_int(AC_CLAIM(IO, "server end"), "bytes the accepted end reads", 4,
                  s < 0 ? -1 : recv(s, buf, 4, MSG_WAITALL));
    close(s);
    close(c);
    close(l);
}

/* __sys_listen() caps the backlog at net.core.somaxconn (per namespace); TCP_INFO of a listener
 * reports sk_max_ack_backlog as tcpi_sacked (tcp_get_info()). */
static int max_backlog(int l)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    ac_setup_ok("getsockopt TCP_INFO", getsockopt(l, IPPROTO_TCP, TCP_INFO, &ti, &len) ? errno : 0);
    return (int)ti.tcpi_sacked;
}

#define X(name, somaxconn, backlog, expected, rule)                                                \
    AC_TEST(acceptq, name, .description = rule)                                                    \
    {                                                                                              \
        if (somaxconn)                                                                             \
            ac_netns_sysctl("net/core/somaxconn", somaxconn);                                      \
        int l = ac_listener(AC_SERVER_IP, PORT, 0, backlog);                                       \
        ac_expect_int(AC_CLAIM(COUNT, "listener"),                                                 \
                      "the listener's accept queue limit (TCP_INFO tcpi_sacked)", expected,        \
                      max_backlog(l));                                                             \
        close(l);                                                                                  \
    }

/* name, net.core.somaxconn (NULL: the default, 4096), listen() backlog, the limit, the rule */
X(somaxconn_4_caps_listen_backlog_100_to_4, "4", 100, 4,
  "listen() silently caps its backlog at net.core.somaxconn: with 4, a backlog of 100 gives an "
  "accept queue limit of 4.")
X(listen_backlog_100_kept_under_default_somaxconn, NULL, 100, 100,
  "Below net.core.somaxconn (4096 by default) listen() keeps the backlog it is given.")
#undef X

/* The accept queue overflows at the last ACK: listen(2) takes two completed connections (the
 * queue is full when it holds more than the backlog), two more handshakes wait with their last
 * ACK held, then the third connection's data fills the queue and the fourth's finds it full. */
#define X(name, abort, silent, rule)                                                               \
    AC_TEST_WITH(acceptq, name, (.waits = silent), .description = rule)                            \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/tcp_abort_on_overflow", abort);                                  \
        int l = ac_listener(AC_SERVER_IP, PORT, 0, 2);                                             \
        int c[4];                                                                                  \
        struct ac_addr me[4], at;                                                                  \
        ac_addr_parse(&at, AC_SERVER_IP, PORT);                                                    \
        for (int i = 0; i < 2; i++)                                                                \
            c[i] = ac_connect_pending(AC_SERVER_IP, PORT, 0, &me[i]);                              \
        wait_count(true, AC_ESTABLISHED, 2, "queued connections (the backlog, 2)");                \
        ac_hold_handshake_acks(PORT);                                                              \
        for (int i = 2; i < 4; i++)                                                                \
            c[i] = ac_connect_pending(AC_SERVER_IP, PORT, 0, &me[i]);                              \
        wait_count(true, AC_SYN_RECV, 2, "requests with their last ACK held");                     \
        ac_hold_release();                                                                         \
        ac_expect_int(AC_SETUP(IO, "third client"), "third client sends data", 1,                  \
                      send(c[2], "3", 1, MSG_NOSIGNAL));                                           \
        wait_count(true, AC_ESTABLISHED, 3, "queued connections (one more than the backlog)");     \
        ac_expect_int(AC_SETUP(IO, "fourth client"), "fourth client sends data", 1,                \
                      send(c[3], "4", 1, MSG_NOSIGNAL));                                           \
        struct ac_match fourth = {.local = &at, .remote = &me[3]};                                 \
        if (abort[0] == '1') {                                                                     \
            ac_expect_errno(AC_CLAIM(IO, "fourth client"), "fourth client's read()", ECONNRESET,   \
                            ac_read_error_within(c[3], AC_STATE_TIMEOUT_MS));                      \
        } else {                                                                                   \
            ac_expect_errno(AC_CLAIM(IO, "fourth client"), "fourth client's read()", EAGAIN,       \
                            ac_read_error_within(c[3], 200));                                      \
            ac_expect_state(AC_CLAIM(STATE, "fourth server end"),                                  \
                            "fourth connection's server end, its ACK dropped", &fourth,            \
                            AC_SYN_RECV, 0);                                                       \
        }                                                                                          \
        for (int i = 0; i < 4; i++)                                                                \
            close(c[i]);                                                                           \
        close(l);                                                                                  \
    }

/* name, tcp_abort_on_overflow, whether the client sees nothing (shown by a read() that times out
 * after 200 ms: .waits), the rule */
X(full_accept_queue_drops_last_ack_with_abort_on_overflow_0, "0", true,
  "With tcp_abort_on_overflow=0, the default, the ACK that would complete a handshake into a full "
  "accept queue is dropped: the request stays SYN_RECV and the client, ESTABLISHED, sees "
  "nothing.")
X(full_accept_queue_resets_client_with_abort_on_overflow_1, "1", false,
  "With tcp_abort_on_overflow=1 the ACK that finds the accept queue full is answered with an "
  "RST, so the client's read() gets ECONNRESET.")
#undef X

/* The SYN queue. The handshakes' last ACKs are held so that each accepted SYN stays a SYN_RECV
 * request; a client whose SYN got a cookie is ESTABLISHED with no request behind it, one whose
 * SYN was dropped stays SYN_SENT (until its retransmission, a second later). */
#define X(name, cookies, max_syn_backlog, backlog, conns, requests, answered, rule)                \
    AC_TEST(acceptq, name, .description = rule)                                                    \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/tcp_syncookies", cookies);                                       \
        if (max_syn_backlog)                                                                       \
            ac_netns_sysctl("net/ipv4/tcp_max_syn_backlog", max_syn_backlog);                      \
        int l = ac_listener(AC_SERVER_IP, PORT, 0, backlog);                                       \
        ac_hold_handshake_acks(PORT);                                                              \
        int c[conns];                                                                              \
        for (int i = 0; i < conns; i++)                                                            \
            c[i] = ac_connect_pending(AC_SERVER_IP, PORT, 0, NULL);                                \
        wait_count(false, AC_ESTABLISHED, answered, "clients answered with a SYN-ACK");            \
        ac_expect_int(AC_CLAIM(COUNT, "server ends"), "SYN_RECV requests on the listener",         \
                      requests, count_ends(true, AC_SYN_RECV));                                    \
        ac_expect_int(AC_CLAIM(COUNT, "client ends"), "clients still in SYN_SENT (SYN dropped)",   \
                      conns - answered, count_ends(false, AC_SYN_SENT));                           \
        for (int i = 0; i < conns; i++)                                                            \
            close(c[i]);                                                                           \
        close(l);                                                                                  \
    }

/* name, tcp_syncookies, tcp_max_syn_backlog (NULL: default), backlog, connections, SYN_RECV
 * requests, clients answered, the rule */
X(syncookies_0_full_syn_queue_drops_syn, "0", NULL, 1, 3, 2, 2,
  "With tcp_syncookies=0 a SYN that finds more requests than the backlog (here 2 for a backlog "
  "of 1) is dropped: the client stays in SYN_SENT.")
X(syncookies_1_full_syn_queue_answers_with_cookie, "1", NULL, 1, 3, 2, 3,
  "With tcp_syncookies=1, the default, a SYN that finds the SYN queue full is answered with a "
  "SYN cookie: the client is ESTABLISHED with no request socket behind it.")
X(syncookies_2_every_syn_answered_with_cookie, "2", NULL, 16, 2, 0, 2,
  "With tcp_syncookies=2 every SYN is answered with a cookie, so no SYN_RECV request exists even "
  "with room in the queue.")
X(max_syn_backlog_4_without_syncookies_drops_fifth_syn, "0", "4", 128, 5, 4, 4,
  "Without SYN cookies tcp_max_syn_backlog bounds the requests of unproven peers: with 4, the "
  "fifth SYN finds fewer than a quarter of it free and is dropped.")
#undef X

/* A cookie's ACK: cookie_v4_check() (cookie_v6_check()) makes a connection of an ACK that finds
 * no request when tcp_syncookies is on as it comes, the listener sent a cookie within the last
 * two minutes (tcp_synq_no_recent_overflow()) and the acknowledgment number is the cookie + 1;
 * otherwise the listener answers the ACK with an RST. The handshake's ACK is held so that the
 * sysctl can change after the SYN-ACK; the client's first data carries the same number. */
#define X(name, ip, cookies_at_ack, made, rule)                                                    \
    AC_TEST(acceptq, name, .description = rule)                                                    \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/tcp_syncookies", "2");                                           \
        int l = ac_listener(ip, PORT, 0, 16);                                                      \
        ac_hold_handshake_acks(PORT);                                                              \
        struct ac_pending q;                                                                       \
        ac_pending_open(&q, ip, PORT);                                                             \
        ac_expect_state(AC_SETUP(STATE, "client end"), "client end after the SYN-ACK",             \
                        &q.client_end, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);                       \
        struct ac_match request = q.server_end;                                                    \
        request.states = AC_STATE_BIT(AC_SYN_RECV);                                                \
        ac_expect_int(AC_SETUP(COUNT, "server end"),                                               \
                      "SYN_RECV requests (none: the SYN-ACK carried a cookie)", 0,                 \
                      ac_diag_count(&request));                                                    \
        ac_netns_sysctl("net/ipv4/tcp_syncookies", cookies_at_ack);                                \
        ac_hold_release();                                                                         \
        ac_expect_int(AC_SETUP(IO, "client end"), "client sends data", 4,                          \
                      send(q.fd, "data", 4, MSG_NOSIGNAL));                                        \
        if (made) {                                                                                \
            int s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);                                      \
            ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() after the cookie's ACK", 0,    \
                            s < 0 ? -s : 0);                                                       \
            char buf[8] = {0};                                                                     \
            ac_expect_int(AC_CLAIM(IO, "server end"), "bytes the accepted end reads", 4,           \
                          s < 0 ? -1 : recv(s, buf, 4, MSG_WAITALL));                              \
            close(s);                                                                              \
        } else {                                                                                   \
            ac_expect_errno(AC_CLAIM(IO, "client end"), "client's read() after its data",          \
                            ECONNRESET, ac_read_error_within(q.fd, AC_STATE_TIMEOUT_MS));          \
            int s = ac_accept_within(l, 0);                                                        \
            ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() after the cookie's ACK",       \
                            EAGAIN, s < 0 ? -s : 0);                                               \
        }                                                                                          \
        close(q.fd);                                                                               \
        close(l);                                                                                  \
    }

/* name, the listener's address, tcp_syncookies when the ACK comes (it was 2 for the SYN),
 * whether a connection is made, the rule */
X(cookie_ack_makes_connection_accept_returns, AC_SERVER_IP, "2", true,
  "The ACK that answers a SYN cookie makes a connection although no request socket was kept: "
  "accept() returns it, with the client's first data.")
X(cookie_ack_makes_connection_accept_returns_ipv6, "::1", "2", true,
  "Over IPv6 too, the ACK that answers a SYN cookie makes a connection that accept() returns, "
  "with the client's first data.")
X(cookie_ack_after_syncookies_0_gets_rst, AC_SERVER_IP, "0", false,
  "A cookie is checked only while tcp_syncookies is on: set to 0 after the SYN-ACK, the ACK "
  "that answers the cookie finds no request and gets an RST (the client's read() fails with "
  "ECONNRESET), and accept() returns nothing.")
#undef X

/* The group's program returns the index (in joining order) of the listener that gets the
 * connection (reuseport_select_sock() -> run_bpf_filter()). SO_ATTACH_REUSEPORT_CBPF takes a
 * classic BPF program (ac_attach_reuseport_cbpf()); SO_ATTACH_REUSEPORT_EBPF the fd of an eBPF
 * socket filter, loaded with bpf(2), which needs CAP_BPF (or CAP_SYS_ADMIN) in the initial user
 * namespace. */
static void attach_ebpf(int fd, unsigned index)
{
    const struct bpf_insn code[] = {AC_BPF_MOV64_IMM(BPF_REG_0, (int)index), AC_BPF_EXIT()};
    int prog = ac_bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, 0, code, 2, "a socket filter");
    ac_setup_ok("SO_ATTACH_REUSEPORT_EBPF",
                setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &prog, sizeof prog) ? errno
                                                                                         : 0);
    close(prog);
}

#define X(name, attach, index, rule)                                                               \
    AC_TEST(acceptq, name, .description = rule)                                                    \
    {                                                                                              \
        int l[2];                                                                                  \
        for (int i = 0; i < 2; i++)                                                                \
            l[i] = ac_listener(AC_SERVER_IP, PORT, AC_REUSEPORT, 16);                              \
        attach(l[0], index);                                                                       \
        int c = ac_connect_pending(AC_SERVER_IP, PORT, 0, NULL);                                   \
        int s = ac_accept_within(l[index], AC_STATE_TIMEOUT_MS);                                   \
        ac_expect_errno(AC_CLAIM(ACCEPT, "chosen listener"),                                       \
                        "accept() on the listener the program returns", 0, s < 0 ? -s : 0);        \
        int o = ac_accept_within(l[1 - index], 100);                                               \
        ac_expect_errno(AC_CLAIM(ACCEPT, "other listener"), "accept() on the other listener",      \
                        EAGAIN, o < 0 ? -o : 0);                                                   \
        close(s);                                                                                  \
        close(c);                                                                                  \
    }

/* name, how the program is attached, the index it returns, the rule */
X(reuseport_cbpf_returning_0_sends_connection_to_first_listener, ac_attach_reuseport_cbpf, 0,
  "A classic BPF program attached with SO_ATTACH_REUSEPORT_CBPF picks the listener of the "
  "SO_REUSEPORT group by index: returning 0 sends the connection to the first.")
X(reuseport_cbpf_returning_1_sends_connection_to_second_listener, ac_attach_reuseport_cbpf, 1,
  "A classic BPF program attached with SO_ATTACH_REUSEPORT_CBPF picks the listener of the "
  "SO_REUSEPORT group by index: returning 1 sends the connection to the second.")
X(reuseport_ebpf_returning_1_sends_connection_to_second_listener, attach_ebpf, 1,
  "An eBPF socket filter attached with SO_ATTACH_REUSEPORT_EBPF picks the listener the same way: "
  "returning 1 sends the connection to the second.")
#undef X
