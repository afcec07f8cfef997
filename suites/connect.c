/* connect() before the connection exists, and connect(AF_UNSPEC) after: SYN_SENT and how it
 * ends.
 *
 *   client                                     (the SYNs to port 9999 dropped, or no listener)
 *   connect() --- SYN ------------X            SYN_SENT: retransmitted after 1 s, 2 s, ...
 *                 <-------------- RST ----     no listener: ECONNREFUSED (tcp_reset())
 *
 * net/ipv4, 6.1: __inet_stream_connect() waits sock_sndtimeo() for the handshake and returns
 * EINPROGRESS when that runs out; tcp_write_timeout() ends SYN_SENT after TCP_SYNCNT (else
 * tcp_syn_retries) retransmissions, or once TCP_USER_TIMEOUT has passed, with ETIMEDOUT;
 * close() in SYN_SENT sends nothing (tcp_close_state() goes straight to CLOSE). connect() with
 * AF_UNSPEC is tcp_disconnect(): an RST from ESTABLISHED, and the socket may connect again, its
 * counters zeroed and its congestion state (cwnd, ssthresh, the avoidance count) back to a fresh
 * socket's. tcp_done() counts a SYN_SENT or SYN_RECV that ends as Tcp AttemptFails. A
 * SYN that meets its own SYN (a socket connecting to its own address) is a simultaneous open:
 * tcp_rcv_synsent_state_process() goes SYN_SENT -> SYN_RECV -> ESTABLISHED. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/kernel.h"
#include "../fixtures/mib.h"
#include "../fixtures/netns.h"
#include "../fixtures/nft.h"
#include "../fixtures/packet.h"
#include "../fixtures/pending.h"
#include "../fixtures/routemetrics.h"
#include "../harness/probe.h"
#include "../harness/within.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000

TestSuite(connect,
          .description = "A SYN answered with an RST fails connect() with ECONNREFUSED; "
                         "unanswered, SYN_SENT lasts until SO_SNDTIMEO (EINPROGRESS), "
                         "TCP_USER_TIMEOUT or the SYN retries (ETIMEDOUT), and close() ends it "
                         "at once. connect(AF_UNSPEC) resets an established connection and frees "
                         "the socket for another connect(), which starts as a fresh socket's "
                         "would: counters and congestion avoidance from zero.");

static int errno_of(int rc)
{
    return rc < 0 ? errno : 0;
}

/* connect(AF_UNSPEC), which is tcp_disconnect() for a TCP socket: 0 or its errno. */
static int disconnect(int fd)
{
    struct sockaddr sa = {.sa_family = AF_UNSPEC};
    return errno_of(connect(fd, &sa, sizeof sa));
}

static void drop_syns(void)
{
    ac_nft("add rule inet afterclose in tcp dport 9999 tcp flags & syn == syn drop\n");
}

#define X(name, ip, rule)                                                                          \
    AC_TEST(connect, name, .description = rule)                                                    \
    {                                                                                              \
        struct ac_addr to;                                                                         \
        ac_addr_parse(&to, ip, PORT);                                                              \
        int c = ac_setup_fd("client socket", ac_tcp_socket(ac_addr_family(&to), 0));               \
        long before = ac_tcp_counter("AttemptFails");                                              \
        ac_expect_errno(AC_CLAIM(CONNECT, to.text), "connect() with nothing listening",            \
                        ECONNREFUSED, ac_connect(c, &to));                                         \
        ac_expect_int(AC_CLAIM(COUNT, "Tcp AttemptFails"), "Tcp AttemptFails added by it", 1,      \
                      ac_tcp_counter("AttemptFails") - before);                                    \
        close(c);                                                                                  \
    }

/* name, address, the rule */
X(connect_to_port_without_listener_refused, AC_SERVER_IP,
  "A SYN to a port nobody listens on is answered with an RST (tcp_v4_send_reset()), which "
  "tcp_reset() in SYN_SENT turns into ECONNREFUSED; tcp_done() counts the failed attempt (Tcp "
  "AttemptFails + 1).")
X(connect_to_port_without_listener_refused_ipv6, "::1",
  "IPv6 answers a SYN to a port nobody listens on with an RST too (tcp_v6_send_reset()): "
  "ECONNREFUSED, and Tcp AttemptFails + 1 (the counters are shared by both families).")
#undef X

AC_TEST(connect, close_in_syn_sent_ends_it_at_once_port_free,
        .description = "close() in SYN_SENT sends nothing and ends the attempt at once: the "
                       "socket is gone and its explicitly bound port binds again without "
                       "SO_REUSEADDR.")
{
    drop_syns();
    struct ac_addr me;
    int c = ac_connect_pending(AC_SERVER_IP, PORT, CLIENT_PORT, &me);
    struct ac_match mine = {.local = &me};
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end, its SYN dropped", &mine,
                    AC_SYN_SENT, AC_STATE_TIMEOUT_MS);
    close(c);
    mine.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "client end"), "client end after close() in SYN_SENT", &mine,
                   AC_STATE_TIMEOUT_MS);
    int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, CLIENT_PORT, 0, 0);
    close(p);
}

AC_TEST_WITH(connect, sndtimeo_200ms_connect_returns_einprogress_still_syn_sent, (.waits = true),
             .timeout = 10,
             .description =
                 "SO_SNDTIMEO bounds how long a blocking connect() waits for the "
                 "handshake: with 200 ms and the SYNs dropped it returns EINPROGRESS, the "
                 "attempt still going on in SYN_SENT.")
{
    drop_syns();
    struct ac_addr to;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    ac_setup_ok("SO_SNDTIMEO 200 ms",
                setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) ? errno : 0);
    int64_t start = ac_now_ms();
    ac_expect_errno(AC_CLAIM(CONNECT, to.text), "blocking connect(), SYNs dropped", EINPROGRESS,
                    ac_connect(c, &to));
    ac_expect_within(AC_CLAIM(TIMER, "client end"), "time connect() blocked", 150, 2000,
                     ac_now_ms() - start);
    ac_expect_state_name(AC_CLAIM(STATE, "client end"), "state of the client's socket", "SYN_SENT",
                         ac_tcp_state_name(ac_fd_tcp_state(c)));
    close(c);
}

/* A TCP option and its value; option 0: none. */
struct tcp_opt {
    int option, value;
};

/* A blocking connect() with the SYNs dropped and up to two TCP options set: ETIMEDOUT, within a
 * range. */
static void connect_times_out(const struct tcp_opt *opts, size_t n, long lo_ms, long hi_ms)
{
    drop_syns();
    struct ac_addr to;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    for (size_t i = 0; i < n; i++)
        if (opts[i].option)
            ac_setup_ok("setsockopt", setsockopt(c, IPPROTO_TCP, opts[i].option, &opts[i].value,
                                                 sizeof opts[i].value)
                                          ? errno
                                          : 0);
    int64_t start = ac_now_ms();
    ac_expect_errno(AC_CLAIM(CONNECT, to.text), "blocking connect(), SYNs dropped", ETIMEDOUT,
                    ac_connect(c, &to));
    ac_expect_within(AC_CLAIM(TIMER, "client end"), "time until connect() gave up", lo_ms, hi_ms,
                     ac_now_ms() - start);
    close(c);
}

/* The first SYN retransmission comes after TCP_TIMEOUT_INIT (1 s) and the check that gives up
 * at the next timer, 2 s later after the backoff: about 3 s for one retry (6.1 source, and
 * measured on 6.18); the range leaves room for timer slack and for shorter, linear timeouts.
 * TCP_USER_TIMEOUT is checked at the same timers, so 500 ms end the attempt at the first one. */
#define X(name, sysctl, opt1, val1, opt2, val2, lo_ms, hi_ms, is_slow, rule)                       \
    AC_TEST_WITH(connect, name, (.slow = is_slow, .waits = true), .timeout = 20,                   \
                 .description = rule)                                                              \
    {                                                                                              \
        const char *knob = sysctl;                                                                 \
        if (knob)                                                                                  \
            ac_netns_sysctl(knob, "1");                                                            \
        const struct tcp_opt opts[] = {{opt1, val1}, {opt2, val2}};                                \
        connect_times_out(opts, 2, lo_ms, hi_ms);                                                  \
    }

/* name, sysctl set to 1, two TCP options (0: none) and their values, the range, slow, the rule */
X(user_timeout_500ms_connect_fails_etimedout, NULL, TCP_USER_TIMEOUT, 500, 0, 0, 400, 3000, false,
  "TCP_USER_TIMEOUT bounds SYN_SENT too: with 500 ms and the SYNs dropped, connect() fails with "
  "ETIMEDOUT at the first retransmission that finds the time up, about a second after it "
  "started.")
X(syncnt_1_connect_fails_etimedout_after_one_retry, NULL, TCP_SYNCNT, 1, 0, 0, 1500, 6000, true,
  "TCP_SYNCNT sets how many times this socket retransmits its SYN: with 1 and the SYNs dropped, "
  "connect() fails with ETIMEDOUT a few seconds after it started.")
X(syn_retries_1_connect_fails_etimedout_after_one_retry, "net/ipv4/tcp_syn_retries", 0, 0, 0, 0,
  1500, 6000, true,
  "tcp_syn_retries is the namespace's SYN retransmission count for sockets without TCP_SYNCNT: "
  "with 1 and the SYNs dropped, connect() fails with ETIMEDOUT a few seconds after it started.")
#undef X

/* tcp_write_timeout() ends SYN_SENT at the first timer that finds either the retransmissions at
 * their count or the time up, and a TCP_USER_TIMEOUT replaces only the time (the count's own
 * model, 3 s for one retry): with TCP_SYNCNT 1 and a 10 s user timeout the count ends it at 3 s.
 * Since 6.5 the count is TCP_SYNCNT plus tcp_syn_linear_timeouts (4 by default), the first four
 * retransmissions 1 s apart: the 5th SYN at 5 s, the end at 7 s; with the sysctl at 0 it is the
 * old count (set only where the sysctl exists). */
#define LINEAR_SINCE AC_KV(6, 5)
#define X(name, linear_off, rule)                                                                  \
    AC_TEST_WITH(connect, name,                                                                    \
                 (.slow = true, .waits = true,                                                     \
                  .changed = {linear_off ? 0 : LINEAR_SINCE, "ccce324dabfe",                       \
                              "tcp: make the first N SYN RTO backoffs linear"}),                   \
                 .timeout = 20, .description = rule)                                               \
    {                                                                                              \
        bool linear = !linear_off && ac_kernel_version() >= LINEAR_SINCE;                          \
        if (linear_off && access("/proc/sys/net/ipv4/tcp_syn_linear_timeouts", F_OK) == 0)         \
            ac_netns_sysctl("net/ipv4/tcp_syn_linear_timeouts", "0");                              \
        const struct tcp_opt opts[] = {{TCP_SYNCNT, 1}, {TCP_USER_TIMEOUT, 10000}};                \
        connect_times_out(opts, 2, linear ? 6500 : 1500, linear ? 9500 : 6000);                    \
    }

/* name, whether tcp_syn_linear_timeouts is set to 0, the rule */
X(syncnt_1_user_timeout_10s_linear_timeouts_0_fails_etimedout_after_one_retry, true,
  "A TCP_USER_TIMEOUT longer than the SYN retries take adds no retry: with TCP_SYNCNT 1, a 10 s "
  "user timeout, no linear SYN timeouts and the SYNs dropped, connect() fails with ETIMEDOUT "
  "after the one retry, about 3 s after it started.")
X(syncnt_1_user_timeout_10s_fails_etimedout_after_linear_retries, false,
  "Since 6.5 TCP_SYNCNT counts after tcp_syn_linear_timeouts' 1-s retries (4 by default): with "
  "TCP_SYNCNT 1, a 10 s user timeout and the SYNs dropped, connect() fails with ETIMEDOUT after "
  "five retries, about 7 s after it started; before 6.5 after the one retry, at about 3 s.")
#undef X

AC_TEST(connect, af_unspec_resets_connection_and_allows_new_connect,
        .description = "connect() with AF_UNSPEC disconnects an established socket "
                       "(tcp_disconnect()): the peer gets an RST (ECONNRESET), and the same "
                       "socket connects again at once.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    ac_expect_errno(AC_CLAIM(CONNECT, "client end"), "connect(AF_UNSPEC) of the client", 0,
                    disconnect(c.client));
    ac_expect_errno(AC_CLAIM(IO, "server end"), "server read() after it", ECONNRESET,
                    ac_read_error_within(c.server, AC_STATE_TIMEOUT_MS));
    struct ac_addr to;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    ac_expect_errno(AC_CLAIM(CONNECT, to.text), "connect() of the same socket again", 0,
                    ac_connect(c.client, &to));
}

AC_TEST(connect, self_connect_is_a_simultaneous_open_established,
        .description = "A socket that connects to its own address and port meets its own SYN: a "
                       "simultaneous open (SYN_SENT -> SYN_RECV -> ESTABLISHED), and connect() "
                       "succeeds with the socket as its own peer.")
{
    struct ac_addr me, peer;
    ac_addr_parse(&me, AC_LOOPBACK_IP, CLIENT_PORT);
    int c = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("bind 127.0.0.1:40000", ac_bind(c, &me));
    ac_expect_errno(AC_CLAIM(CONNECT, me.text), "connect() to its own address", 0,
                    ac_connect(c, &me));
    ac_expect_state_name(AC_CLAIM(STATE, "socket"), "state of the socket", "ESTABLISHED",
                         ac_tcp_state_name(ac_fd_tcp_state(c)));
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    ac_setup_ok("getpeername", getpeername(c, (struct sockaddr *)&ss, &len) ? errno : 0);
    ac_addr_from_sockaddr(&peer, (struct sockaddr *)&ss, len);
    ac_expect_str(AC_CLAIM(ADDRESS, "socket"), "its peer address", me.text, peer.text);
    close(c);
}

static struct tcp_info tcp_info_of(int fd, const char *what)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    ac_setup_ok(what, getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ? errno : 0);
    return ti;
}

/* The disconnected client and a fresh socket connect to the same server: the same handshake for
 * both, so that what one reads can be compared with the other's. */
static void connect_again_beside_fresh(int again, int fresh)
{
    struct ac_addr to;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    ac_expect_errno(AC_SETUP(CONNECT, to.text), "connect() of the same socket again", 0,
                    ac_connect(again, &to));
    ac_setup_ok("connect() of the fresh socket", ac_connect(fresh, &to));
}

/* Every counter tcp_disconnect() zeroes (6.1) that tcp_get_info() shows, compared field by
 * field with a fresh socket's at the same point. */
static void expect_counts_as_fresh(const char *when, const struct tcp_info *got,
                                   const struct tcp_info *fresh)
{
    char step[96];
#define EXPECT_AS_FRESH(field)                                                                     \
    do {                                                                                           \
        snprintf(step, sizeof step, "%s %s", #field, when);                                        \
        ac_expect_int(AC_CLAIM(SOCKOPT, "client end"), step, (long)fresh->field,                   \
                      (long)got->field);                                                           \
    } while (0)
    EXPECT_AS_FRESH(tcpi_segs_in);
    EXPECT_AS_FRESH(tcpi_segs_out);
    EXPECT_AS_FRESH(tcpi_bytes_sent);
    EXPECT_AS_FRESH(tcpi_bytes_acked);
    EXPECT_AS_FRESH(tcpi_bytes_received);
    EXPECT_AS_FRESH(tcpi_bytes_retrans);
    EXPECT_AS_FRESH(tcpi_data_segs_in);
    EXPECT_AS_FRESH(tcpi_data_segs_out);
    EXPECT_AS_FRESH(tcpi_delivered);
    EXPECT_AS_FRESH(tcpi_delivered_ce);
    EXPECT_AS_FRESH(tcpi_dsack_dups);
    EXPECT_AS_FRESH(tcpi_reord_seen);
    EXPECT_AS_FRESH(tcpi_rcv_ooopack);
    EXPECT_AS_FRESH(tcpi_total_retrans);
    EXPECT_AS_FRESH(tcpi_retrans);
    EXPECT_AS_FRESH(tcpi_sacked);
    EXPECT_AS_FRESH(tcpi_probes);
    EXPECT_AS_FRESH(tcpi_backoff);
#undef EXPECT_AS_FRESH
}

/* A socket after tcp_disconnect() counts from zero, as one that never connected: its counters
 * are compared with a fresh socket's in CLOSE, and again after the same handshake (SYN,
 * SYN-ACK, ACK; no data): a fresh socket then reads segs_in 1 (the SYN-ACK), segs_out 2 (SYN,
 * ACK), bytes_acked 1 and delivered 1 (the SYN), every other one 0. The first connection
 * carried data both ways, so its counters were not zero. Both points matter: connect()
 * clears some of them again (tcp_connect_init(): the retransmission counts). */
AC_TEST(connect, af_unspec_then_new_connect_tcp_info_counts_from_zero,
        .description = "After connect(AF_UNSPEC), and again after a new connect(), TCP_INFO "
                       "counts only the new connection: tcp_disconnect() zeroes the segment, "
                       "byte, delivery and retransmission counters, so they read as a fresh "
                       "socket's in CLOSE and after the same handshake.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    char buf[16];
    ac_setup_ok("server sends 5 bytes", send(c.server, "hello", 5, 0) == 5 ? 0 : EIO);
    ac_setup_ok("client reads them", recv(c.client, buf, sizeof buf, 0) == 5 ? 0 : EIO);
    ac_expect_int(AC_SETUP(SOCKOPT, "client end"), "tcpi_bytes_received of the first connection", 5,
                  (long)tcp_info_of(c.client, "TCP_INFO, first connection").tcpi_bytes_received);
    ac_expect_errno(AC_SETUP(CONNECT, "client end"), "connect(AF_UNSPEC) of the client", 0,
                    disconnect(c.client));
    int fresh = ac_setup_fd("fresh client socket", ac_tcp_socket(AF_INET, 0));
    struct tcp_info closed = tcp_info_of(c.client, "TCP_INFO, disconnected socket");
    struct tcp_info fresh_closed = tcp_info_of(fresh, "TCP_INFO, fresh socket");
    expect_counts_as_fresh("in CLOSE after connect(AF_UNSPEC)", &closed, &fresh_closed);
    connect_again_beside_fresh(c.client, fresh);
    int a1 = ac_setup_fd("accept the reconnected socket", accept(c.listener, NULL, NULL));
    int a2 = ac_setup_fd("accept the fresh socket", accept(c.listener, NULL, NULL));
    struct tcp_info again = tcp_info_of(c.client, "TCP_INFO, reconnected socket");
    struct tcp_info fresh_info = tcp_info_of(fresh, "TCP_INFO, fresh socket connected");
    expect_counts_as_fresh("after the new connect()", &again, &fresh_info);
    close(a1);
    close(a2);
    close(fresh);
}

static int maxseg_of(int fd, const char *what)
{
    int v = -1;
    socklen_t len = sizeof v;
    ac_setup_ok(what, getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &v, &len) ? errno : 0);
    return v;
}

/* tcp_disconnect() clears the options of the old connection (rx_opt, user_mss included) but
 * not the MSS it settled on (mss_cache), which TCP_MAXSEG reports in CLOSE; a new handshake
 * settles it as for a fresh socket. */
AC_TEST(connect, af_unspec_keeps_mss_until_new_connect_sets_it_as_fresh,
        .description = "After connect(AF_UNSPEC) TCP_MAXSEG still reads the old connection's MSS; "
                       "after a new connect() it reads as a fresh socket's after the same "
                       "handshake: the old connection's options are gone.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    int before = maxseg_of(c.client, "TCP_MAXSEG, connected");
    ac_expect_errno(AC_SETUP(CONNECT, "client end"), "connect(AF_UNSPEC) of the client", 0,
                    disconnect(c.client));
    ac_expect_int(AC_CLAIM(SOCKOPT, "client end"), "TCP_MAXSEG in CLOSE after connect(AF_UNSPEC)",
                  before, maxseg_of(c.client, "TCP_MAXSEG, disconnected socket"));
    int fresh = ac_setup_fd("fresh client socket", ac_tcp_socket(AF_INET, 0));
    connect_again_beside_fresh(c.client, fresh);
    ac_expect_int(AC_CLAIM(SOCKOPT, "client end"), "TCP_MAXSEG after the new connect()",
                  maxseg_of(fresh, "TCP_MAXSEG, fresh socket connected"),
                  maxseg_of(c.client, "TCP_MAXSEG, reconnected socket"));
    close(fresh);
}

/* The length of an RFC 2133 sockaddr_in6, without sin6_scope_id (24 bytes, SIN6_LEN_RFC2133),
 * is still accepted: tcp_v6_connect() refuses only a shorter one (EINVAL). */
#define X(name, len, expected, rule)                                                               \
    AC_TEST(connect, name, .description = rule)                                                    \
    {                                                                                              \
        struct ac_addr to;                                                                         \
        int l = ac_listener("::1", 9999, 0, 4);                                                    \
        ac_addr_parse(&to, "::1", 9999);                                                           \
        int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET6, 0));                          \
        char step[96];                                                                             \
        snprintf(step, sizeof step, "connect() to [::1]:9999 with an address length of %d",        \
                 (int)(len));                                                                      \
        ac_expect_errno(AC_CLAIM(CONNECT, "[::1]:9999"), step, expected,                           \
                        errno_of(connect(c, (struct sockaddr *)&to.ss, (len))));                   \
        close(c);                                                                                  \
        close(l);                                                                                  \
    }
/* name, the address length, connect()'s result, the rule */
X(connect_ipv6_rfc2133_length_24_succeeds, 24, 0,
  "connect() on IPv6 accepts the 24-byte sockaddr_in6 of RFC 2133 (no sin6_scope_id).")
X(connect_ipv6_length_23_fails_einval, 23, EINVAL,
  "connect() on IPv6 refuses an address shorter than RFC 2133's 24 bytes with EINVAL.")
#undef X

/* tcp_v4_connect() and tcp_v6_connect() start a connection at an ISN from a keyed hash of its
 * 4-tuple and a clock (secure_tcp_seq(), secure_tcpv6_seq()), so two SYNs from two ports start
 * at different sequence numbers (equal only by a 2^-32 chance). */
static void syn_isns_differ(const char *ip)
{
    struct ac_addr to, from;
    ac_addr_parse(&to, ip, 9999);
    int cap = ac_pkt_capture_family(ac_addr_family(&to));
    int l = ac_listener(ip, 9999, 0, 4);
    uint32_t isn[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        int c = ac_setup_fd("client socket", ac_tcp_socket(ac_addr_family(&to), 0));
        ac_addr_parse(&from, ip, (uint16_t)(40000 + i));
        ac_setup_ok("client bind", ac_bind(c, &from));
        ac_setup_ok("client connect", ac_connect(c, &to));
        struct ac_seg syn;
        ac_setup_ok("the client's SYN, captured",
                    ac_pkt_wait(cap, (uint16_t)(40000 + i), 9999, AC_TH_SYN | AC_TH_ACK, AC_TH_SYN,
                                AC_STATE_TIMEOUT_MS, &syn)
                        ? 0
                        : ETIMEDOUT);
        isn[i] = syn.seq;
        close(c);
    }
    ac_expect_str(AC_CLAIM(PACKET, "client end"), "the two SYNs' sequence numbers", "different",
                  isn[0] != isn[1] ? "different" : "equal");
    close(l);
    close(cap);
}

#define X(name, ip, rule)                                                                          \
    AC_TEST(connect, name, .description = rule)                                                    \
    {                                                                                              \
        syn_isns_differ(ip);                                                                       \
    }
X(syn_isn_differs_between_connections, AC_SERVER_IP,
  "Two connections from two ports start their SYNs at different sequence numbers: connect() "
  "draws each ISN from a keyed hash of the 4-tuple and a clock.")
X(syn_isn_differs_between_connections_ipv6, "::1",
  "The same on IPv6: two SYNs from two ports start at different sequence numbers.")
#undef X

/* --- congestion avoidance starts from zero after connect(AF_UNSPEC) ---------------------------
 *
 * Reno's additive increase (tcp_reno_cong_avoid() -> tcp_cong_avoid_ai(), net/ipv4/tcp_cong.c;
 * read in 6.1 and 6.12, run on 6.18) counts newly ACKed segments in snd_cwnd_cnt and adds one to
 * cwnd when the count reaches cwnd; tcp_disconnect() sets the count back to 0 with cwnd and
 * ssthresh. So a client in congestion avoidance from its first segment, every ACK covering one
 * segment, grows cwnd after exactly cwnd ACKs, however many the connection before
 * connect(AF_UNSPEC) had counted. Nothing else on the way resets the count: tcp_init_metrics(),
 * tcp_init_transfer() and reno (no init) leave it alone; only a loss (tcp_enter_loss()), a
 * cwnd reduction (tcp_init_cwnd_reduction()) or an MTU probe's success would reset it.
 *
 *   route 192.168.1.100 (table local): ssthresh lock 10, rto_min lock 5 s; a first connection
 *   to :9998 ends in TIME_WAIT, so tcp_update_metrics() keeps the destination's metrics
 *   (tcp_no_ssthresh_metrics_save=0: tcp_init_metrics() then reads ssthresh 10 from them)
 *
 *   client :40000, reno  -- SYN -->                      :9999 (nobody; the kernel's RSTs dropped)
 *                        <-- SYN-ACK, no options --      the raw socket plays the server: MSS 536,
 *   cwnd 10 (TCP_INIT_CWND), ssthresh 10: avoidance      no SACK, so no loss probe (TLP)
 *   send() of 64 KB      -- 10 segments -->
 *                        <-- ACK of one segment --       wait until it is processed
 *   tcpi_snd_cwnd read   -- the next segment(s) -->      (tcpi_bytes_acked), then the next ACK
 *
 * The client keeps cwnd full (plenty queued, a 64 KB window), so each ACK counts
 * (tcp_is_cwnd_limited()); the raised rto_min keeps a retransmission timeout, which would reset
 * the count, out of even a slow emulated run. */

#define CWND_ISN       3000000u /* the raw server's ISN */
#define CWND_SEED_PORT 9998
#define NEVER          -1 /* no connection before: a fresh socket */
#define AFTER_LAST_ACK 12 /* segments still queued after our last ACK: a cwnd (11), and one */

/* The client's side of one connection to the raw server. */
struct reno_client {
    int fd;
    struct ac_addr me, server;
    uint32_t isn;    /* the client's ISN, from its SYN */
    uint32_t mss;    /* tcpi_snd_mss: the bytes one of our ACKs acknowledges */
    uint64_t acked0; /* tcpi_bytes_acked once established */
};

/* The namespace's part: the route's metrics, their entry made by a first connection that ends
 * in TIME_WAIT, and the kernel's RSTs to the client dropped (window 0; ours carry one). */
static void avoidance_from_the_start(void)
{
    ac_netns_sysctl("net/ipv4/tcp_no_ssthresh_metrics_save", "0");
    const struct ac_route_metric metrics[] = {
        {RTAX_SSTHRESH, 10, true},
        {RTAX_RTO_MIN, 5000, true},
    };
    ac_route_local_metrics(AC_IFACE, AC_SERVER_IP, metrics, sizeof metrics / sizeof *metrics);
    struct ac_conn seed;
    ac_conn_open(&seed, AC_SERVER_IP, AC_SERVER_IP, CWND_SEED_PORT, 0);
    ac_conn_server_closes_first(&seed, true);
    ac_nft("add rule inet afterclose out tcp sport 9999 tcp dport 40000 tcp flags & rst == rst "
           "tcp window 0 drop\n");
}

/* connect() (non-blocking) to :9999, the SYN read from a capture, our SYN-ACK, ESTABLISHED. */
static void handshake(struct reno_client *c)
{
    int capture = ac_pkt_capture();
    int err = ac_connect(c->fd, &c->server);
    ac_setup_ok("client connect (non-blocking)", err == EINPROGRESS ? 0 : err ? err : EPROTO);
    struct ac_seg syn;
    ac_setup_ok("the client's SYN", ac_pkt_wait(capture, CLIENT_PORT, PORT, AC_TH_SYN | AC_TH_ACK,
                                                AC_TH_SYN, AC_STATE_TIMEOUT_MS, &syn)
                                        ? 0
                                        : ETIMEDOUT);
    close(capture);
    c->isn = syn.seq;
    struct ac_seg sa =
        ac_seg_on(AC_SERVER_IP, PORT, CLIENT_PORT, AC_TH_SYN | AC_TH_ACK, CWND_ISN, c->isn + 1);
    ac_pkt_send(&sa, NULL);
    struct ac_match m = {.local = &c->me, .remote = &c->server};
    ac_expect_state(AC_SETUP(STATE, "client end"), "the client after our SYN-ACK", &m,
                    AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    struct tcp_info ti = tcp_info_of(c->fd, "TCP_INFO after the handshake");
    c->mss = ti.tcpi_snd_mss;
    c->acked0 = ti.tcpi_bytes_acked;
    ac_expect_int(AC_SETUP(SOCKOPT, "client end"), "tcpi_snd_ssthresh (the route's, locked)", 10,
                  (long)ti.tcpi_snd_ssthresh);
    ac_expect_int(AC_SETUP(SOCKOPT, "client end"), "tcpi_snd_cwnd (TCP_INIT_CWND)", 10,
                  (long)ti.tcpi_snd_cwnd);
}

/* 64 KB queued at once (non-blocking): enough for `segments` full ones, or the setup fails. */
static void queue_data(const struct reno_client *c, int segments)
{
    static char data[64 * 1024];
    ssize_t n = send(c->fd, data, sizeof data, 0);
    int err = n < 0 ? errno : n < (ssize_t)segments * (ssize_t)c->mss ? ENOSPC : 0;
    ac_setup_ok("the client queues enough segments for our ACKs and a full cwnd after", err);
}

/* Our ACKs, one segment further each, every one processed (tcpi_bytes_acked) before the next,
 * until tcpi_snd_cwnd leaves its value or `limit` were sent. Returns how many were sent; *ti
 * is the client's TCP_INFO after the last. */
static int ack_one_segment_at_a_time(const struct reno_client *c, int limit, struct tcp_info *ti)
{
    *ti = tcp_info_of(c->fd, "TCP_INFO before our ACKs");
    uint32_t cwnd = ti->tcpi_snd_cwnd;
    int k = 0;
    while (k < limit && ti->tcpi_snd_cwnd == cwnd) {
        ac_setup_ok("a segment of the client in flight to ACK", ti->tcpi_unacked ? 0 : EPROTO);
        k++;
        struct ac_seg ack = ac_seg_on(AC_SERVER_IP, PORT, CLIENT_PORT, AC_TH_ACK, CWND_ISN + 1,
                                      c->isn + 1 + (uint32_t)k * c->mss);
        ac_pkt_send(&ack, NULL);
        int64_t deadline = ac_now_ms() + AC_STATE_TIMEOUT_MS;
        while ((*ti = tcp_info_of(c->fd, "TCP_INFO after our ACK")).tcpi_bytes_acked <
               c->acked0 + (uint64_t)k * c->mss) {
            ac_setup_ok("the client processes our ACK", ac_now_ms() < deadline ? 0 : ETIMEDOUT);
            poll(NULL, 0, 1);
        }
    }
    return k;
}

/* A reno client (bound to :40000) and, unless `acks_before` is NEVER, a first connection in
 * which that many segments were ACKed, ended by connect(AF_UNSPEC); then the connection
 * measured: the ACKs until cwnd grows, and what it grows to. */
static void reno_cwnd_growth(int acks_before, int expected_acks)
{
    avoidance_from_the_start();
    struct reno_client c = {.fd = -1};
    ac_addr_parse(&c.me, AC_SERVER_IP, CLIENT_PORT);
    ac_addr_parse(&c.server, AC_SERVER_IP, PORT);
    c.fd = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, AC_NONBLOCK));
    ac_setup_ok("TCP_CONGESTION reno",
                setsockopt(c.fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4) ? errno : 0);
    ac_setup_ok("client bind", ac_bind(c.fd, &c.me));
    struct tcp_info ti;
    if (acks_before != NEVER) {
        handshake(&c);
        queue_data(&c, acks_before + AFTER_LAST_ACK);
        ac_expect_int(AC_SETUP(COUNT, "client end"), "ACKs of the first connection, cwnd unchanged",
                      acks_before, ack_one_segment_at_a_time(&c, acks_before, &ti));
        ac_setup_ok("connect(AF_UNSPEC)", disconnect(c.fd));
    }
    handshake(&c);
    queue_data(&c, 2 * expected_acks + AFTER_LAST_ACK);
    int acks = ack_one_segment_at_a_time(&c, 2 * expected_acks, &ti);
    ac_expect_int(AC_CLAIM(COUNT, "client end"),
                  "segments ACKed one at a time until tcpi_snd_cwnd grew from 10", expected_acks,
                  acks);
    ac_expect_int(AC_CLAIM(SOCKOPT, "client end"), "tcpi_snd_cwnd after that ACK", 11,
                  (long)ti.tcpi_snd_cwnd);
    ac_expect_int(AC_SETUP(COUNT, "client end"), "retransmissions meanwhile (tcpi_total_retrans)",
                  0, (long)ti.tcpi_total_retrans);
    char ca[17] = ""; /* TCP_CA_NAME_MAX (16) and a NUL */
    socklen_t len = sizeof ca - 1;
    ac_setup_ok("getsockopt TCP_CONGESTION",
                getsockopt(c.fd, IPPROTO_TCP, TCP_CONGESTION, ca, &len) ? errno : 0);
    ac_expect_str(AC_SETUP(SOCKOPT, "client end"), "TCP_CONGESTION of the connection measured",
                  "reno", ca);
    close(c.fd);
}

#define X(name, acks_before, expected_acks, rule)                                                  \
    AC_TEST(connect, name, .description = rule)                                                    \
    {                                                                                              \
        reno_cwnd_growth(acks_before, expected_acks);                                              \
    }
/* name, segments ACKed before connect(AF_UNSPEC) (NEVER: a fresh socket), ACKs until cwnd grows */
X(reno_cwnd_grows_after_cwnd_acks, NEVER, 10,
  "In congestion avoidance (ssthresh 10 from the route's locked metric, cwnd 10), reno adds one "
  "to cwnd after as many ACKed segments as cwnd: 10 ACKs of one segment each.")
X(af_unspec_reno_cwnd_grows_after_cwnd_acks, 3, 10,
  "connect(AF_UNSPEC) starts congestion avoidance's count again (tcp_disconnect() zeroes "
  "snd_cwnd_cnt): after 3 ACKs counted on the first connection, the next one grows cwnd from 10 "
  "after 10 ACKed segments, as a fresh socket's does.")
#undef X
