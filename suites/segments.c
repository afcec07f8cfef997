/* What a TIME_WAIT socket does with the segments that reach it, segment by segment.
 *
 * The old connection is real: a listener on 192.168.1.100:9999, a client bound to
 * 192.168.1.100:40000 that says hello, the server closes first, the client answers; the server's
 * end is left in TIME_WAIT and the client's end is gone. A raw capture socket of the namespace
 * (fixtures/packet.h) records that close, which gives the TIME_WAIT's sequence state: rcv_nxt
 * (one past the client's FIN), snd_nxt (one past the server's FIN) and the client's timestamps.
 * Then either the client reconnects with a real socket, or a segment no real socket would send
 * now is built and sent with the raw helper, and the answer is captured.
 *
 *     192.168.1.100:9999 (TIME_WAIT, listener open)  <-- segment --  192.168.1.100:40000 (gone)
 *
 * The kernel's answers come from tcp_timewait_state_process() (net/ipv4/tcp_minisocks.c) and
 * its caller tcp_v4_rcv() (net/ipv4/tcp_ipv4.c), the same in every kernel of the matrix:
 *  - a segment exactly at rcv_nxt that is a bare ACK or an RST: an RST kills the TIME_WAIT
 *    unless net.ipv4.tcp_rfc1337=1 ("TIME_WAIT assassination"); a bare ACK restarts the timer;
 *  - a SYN (no ACK, no RST) that is not rejected by PAWS and has a sequence number after
 *    rcv_nxt, or a timestamp newer than the last one seen, is a new connection: TCP_TW_SYN, the
 *    TIME_WAIT is removed and the SYN goes to the listener, whose SYN-ACK starts at
 *    tw_snd_nxt + 65535 + 2 (tcp_tw_isn) since 6.10, at a fresh ISN before (see
 *    expect_tw_isn());
 *  - anything else that is not an RST (an old SYN, a retransmitted FIN, data) gets an ACK
 *    (tcp_v4_timewait_ack(): seq snd_nxt, ack rcv_nxt), and restarts the 60 s timer if it
 *    carries an ACK or failed PAWS; an RST out of window is ignored;
 *  - a segment for which no socket exists at all gets an RST (tcp_v4_send_reset(): seq = the
 *    segment's ACK number when it has one).
 * The gone client's port has no socket, so the kernel would answer the TIME_WAIT's ACKs with an
 * RST, which at rcv_nxt would itself kill the TIME_WAIT: those RSTs are dropped on output (nft)
 * in the scenarios that provoke such ACKs. */
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/kernel.h"
#include "../fixtures/mib.h"
#include "../fixtures/nft.h"
#include "../fixtures/packet.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000
#define WAIT_MS     2000
#define TW_ISN_GAP  (65535 + 2) /* tcp_timewait_state_process(): isn = tw_snd_nxt + 65535 + 2 */

TestSuite(segments, .description = "A TIME_WAIT answers old segments with an ACK, dies on an "
                                   "in-window RST unless tcp_rfc1337=1, hands a newer SYN of "
                                   "its 4-tuple to the listener, and a segment for no socket at "
                                   "all gets an RST.");

struct old_conn {
    int capture;
    int listener;
    struct ac_addr server, client;
    uint32_t rcv_nxt;      /* the TIME_WAIT's: one past the client's FIN */
    uint32_t snd_nxt;      /* one past the server's FIN */
    bool ts;               /* the connection used timestamps */
    uint32_t client_first; /* the client's TSval on its SYN (its oldest) */
    uint32_t client_last;  /* and on its FIN (its newest) */
};

static void flags_text(uint8_t f, char *buf, size_t size)
{
    struct ac_seg s = {.flags = f};
    char all[160];
    ac_seg_text(&s, all, sizeof all);
    snprintf(buf, size, "%.*s", (int)strcspn(all, " "), all);
}

/* A segment seen from `sport` to `dport`, waited for; fails the test if none comes. */
static struct ac_seg expect_seg(struct old_conn *o, uint16_t sport, uint16_t dport, uint8_t mask,
                                uint8_t want, const char *what)
{
    struct ac_seg s;
    if (!ac_pkt_wait(o->capture, sport, dport, mask, want, WAIT_MS, &s)) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s: no such segment from port %u to %u within %d ms", what,
                 sport, dport, WAIT_MS);
        ac_fail_with_table(msg);
    }
    return s;
}

/* The old connection, closed server first; its TIME_WAIT confirmed, the client's end gone. */
static void old_connection(struct old_conn *o, bool timestamps)
{
    memset(o, 0, sizeof *o);
    ac_netns_sysctl("net/ipv4/tcp_timestamps", timestamps ? "1" : "0");
    o->ts = timestamps;
    o->capture = ac_pkt_capture();
    ac_addr_parse(&o->server, AC_SERVER_IP, PORT);
    ac_addr_parse(&o->client, AC_SERVER_IP, CLIENT_PORT);
    o->listener = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(o->listener, &o->server));
    ac_setup_ok("listener listen", ac_listen(o->listener, 16));
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client bind 192.168.1.100:40000", ac_bind(c, &o->client));
    ac_setup_ok("client connect", ac_connect(c, &o->server));
    int s = accept(o->listener, NULL, NULL);
    ac_setup_fd("accept", s < 0 ? -errno : s);
    ac_setup_ok("send hello", send(c, "hello server", 12, 0) == 12 ? 0 : EIO);
    char buf[16], b;
    ac_setup_ok("receive hello", recv(s, buf, 12, MSG_WAITALL) == 12 ? 0 : EIO);
    close(s); /* the server closes first */
    ac_setup_ok("client reads EOF", recv(c, &b, 1, 0) == 0 ? 0 : EIO);
    close(c);

    struct ac_seg syn =
        expect_seg(o, CLIENT_PORT, PORT, AC_TH_SYN | AC_TH_ACK, AC_TH_SYN, "the client's SYN");
    struct ac_seg sfin = expect_seg(o, PORT, CLIENT_PORT, AC_TH_FIN, AC_TH_FIN, "the server's FIN");
    struct ac_seg cfin = expect_seg(o, CLIENT_PORT, PORT, AC_TH_FIN, AC_TH_FIN, "the client's FIN");
    o->snd_nxt = sfin.seq + (uint32_t)sfin.len + 1;
    o->rcv_nxt = cfin.seq + (uint32_t)cfin.len + 1;
    o->client_first = syn.tsval;
    o->client_last = cfin.tsval;
    ac_setup_ok("the connection's segments carry timestamps as configured",
                syn.has_ts == timestamps && cfin.has_ts == timestamps ? 0 : EPROTO);

    struct ac_match tw = {.local = &o->server, .remote = &o->client};
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after the close", &tw, AC_TIME_WAIT,
                    AC_STATE_TIMEOUT_MS);
    struct ac_match client = {.states = AC_ALL_STATES, .local = &o->client};
    ac_expect_gone(AC_SETUP(STATE, "client end"), "client end", &client, AC_STATE_TIMEOUT_MS);
}

/* The kernel's RSTs on behalf of the gone client (answers to the TIME_WAIT's ACKs or SYN-ACKs)
 * are dropped before they leave: they would kill the TIME_WAIT or the new request. */
static void drop_rsts_of_gone_client(void)
{
    ac_nft("add rule inet afterclose out tcp sport 40000 tcp dport 9999 tcp flags & rst == rst "
           "drop\n");
}

/* A segment from the gone client's 4-tuple. */
static struct ac_seg from_client(const struct old_conn *o, uint8_t flags, uint32_t seq,
                                 uint32_t ack)
{
    struct ac_seg s = {.sport = CLIENT_PORT,
                       .dport = PORT,
                       .seq = seq,
                       .ack = ack,
                       .flags = flags,
                       .window = 65535};
    inet_pton(AF_INET, AC_SERVER_IP, &s.saddr);
    inet_pton(AF_INET, AC_SERVER_IP, &s.daddr);
    (void)o;
    return s;
}

static int time_waits_on_tuple(const struct old_conn *o)
{
    struct ac_match tw = {
        .states = AC_STATE_BIT(AC_TIME_WAIT), .local = &o->server, .remote = &o->client};
    return ac_diag_count(&tw);
}

/* The TIME_WAIT's answer must be a bare ACK acknowledging rcv_nxt, sent from snd_nxt. */
static void expect_tw_ack(struct old_conn *o, const char *to_what)
{
    char step[128], got[32];
    struct ac_seg a = expect_seg(o, PORT, CLIENT_PORT, 0, 0, to_what);
    flags_text(a.flags, got, sizeof got);
    snprintf(step, sizeof step, "the TIME_WAIT's answer to %s (flags)", to_what);
    ac_expect_str(AC_CLAIM(PACKET, "server end"), step, "ACK", got);
    snprintf(step, sizeof step, "its ACK number minus the TIME_WAIT's rcv_nxt");
    ac_expect_int(AC_CLAIM(PACKET, "server end"), step, 0, (int32_t)(a.ack - o->rcv_nxt));
    snprintf(step, sizeof step, "its sequence number minus the TIME_WAIT's snd_nxt");
    ac_expect_int(AC_CLAIM(PACKET, "server end"), step, 0, (int32_t)(a.seq - o->snd_nxt));
}

/* The ISN of a connection that replaced the TIME_WAIT. tcp_timewait_state_process() computes
 * tw_snd_nxt + 65537 for it, but until 6.10 tcp_v4_rcv() lost that value on its way to the
 * listener: after "goto process" tcp_v4_fill_cb() zeroes TCP_SKB_CB(skb)->tcp_tw_isn, and
 * tcp_conn_request() picks a fresh ISN (secure_tcp_seq()) instead. Fixed in 6.10 by commit
 * 41eecbd712b7 ("tcp: replace TCP_SKB_CB(skb)->tcp_tw_isn with a per-cpu field"; "broken almost
 * one decade ago", not in the 6.1 stable tree: seen on 6.1.192). */
#define ISN_FROM_TW "tw_snd_nxt + 65537"
#define ISN_FRESH   "a fresh ISN, not tw_snd_nxt + 65537"
static void expect_tw_isn(const char *step, uint32_t isn, uint32_t snd_nxt)
{
    ac_expect_str(AC_CLAIM(PACKET, "listener"), step,
                  ac_kernel_version() >= AC_KV(6, 10) ? ISN_FROM_TW : ISN_FRESH,
                  isn - snd_nxt == TW_ISN_GAP ? ISN_FROM_TW : ISN_FRESH);
}

/* --- a SYN from the same 4-tuple ------------------------------------------------------------ */

/* The client reconnects from 40000 with a real socket: its ISN comes from the clock
 * (secure_tcp_seq(): hash + ns/64), far after the old rcv_nxt, and its TSval is newer (the
 * same address pair keeps the same offset): either way TCP_TW_SYN. */
static void real_reconnect(bool timestamps)
{
    struct old_conn o;
    old_connection(&o, timestamps);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client bind 192.168.1.100:40000 again", ac_bind(c, &o.client));
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"),
                    "connect from 192.168.1.100:40000 to the TIME_WAIT's 4-tuple", 0,
                    ac_connect(c, &o.server));
    struct ac_seg sa = expect_seg(&o, PORT, CLIENT_PORT, AC_TH_SYN | AC_TH_ACK,
                                  AC_TH_SYN | AC_TH_ACK, "the SYN-ACK of the new connection");
    expect_tw_isn("ISN of the new connection (SYN-ACK)", sa.seq, o.snd_nxt);
    int s = accept(o.listener, NULL, NULL);
    ac_expect_errno(AC_SETUP(ACCEPT, "listener"), "accept() of the new connection", 0,
                    s < 0 ? errno : 0);
    struct ac_match tuple = {.local = &o.server, .remote = &o.client};
    ac_expect_state(AC_CLAIM(STATE, "new server end"),
                    "server end of the new connection on the same 4-tuple", &tuple, AC_ESTABLISHED,
                    AC_STATE_TIMEOUT_MS);
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple", 0,
                  time_waits_on_tuple(&o));
}

AC_TEST(segments, syn_same_tuple_to_server_time_wait_reopens_with_timestamps,
        .description = "A client reconnecting from its old port reaches the server's TIME_WAIT "
                       "with a SYN whose timestamp is newer: the TIME_WAIT gives way to the "
                       "listener, whose SYN-ACK starts at the old snd_nxt + 65537 (6.10+; a "
                       "fresh ISN before).")
{
    real_reconnect(true);
}

AC_TEST(segments, syn_same_tuple_to_server_time_wait_reopens_without_timestamps,
        .description = "Without timestamps the reconnecting client's SYN is accepted for its "
                       "sequence number alone: the clock-based ISN is after the old rcv_nxt, so "
                       "the TIME_WAIT gives way to the listener (SYN-ACK at snd_nxt + 65537 "
                       "since 6.10).")
{
    real_reconnect(false);
}

#define BELOW 100000 /* how far below rcv_nxt the old SYNs start */

AC_TEST(segments, syn_lower_seq_without_timestamps_gets_ack_time_wait_stays,
        .description = "A SYN below rcv_nxt with no timestamp to prove it new may be an old "
                       "duplicate: the TIME_WAIT answers with an ACK of rcv_nxt and stays.")
{
    struct old_conn o;
    old_connection(&o, false);
    drop_rsts_of_gone_client();
    struct ac_seg syn = from_client(&o, AC_TH_SYN, o.rcv_nxt - BELOW, 0);
    ac_pkt_send(&syn, NULL);
    expect_tw_ack(&o, "a SYN below rcv_nxt without timestamps");
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple", 1,
                  time_waits_on_tuple(&o));
}

AC_TEST(segments, syn_lower_seq_newer_timestamp_reopens,
        .description = "With timestamps a SYN below rcv_nxt is still a new connection when its "
                       "TSval is newer than the last one the TIME_WAIT saw: the TIME_WAIT gives "
                       "way and the listener answers with a SYN-ACK (at snd_nxt + 65537 since "
                       "6.10).")
{
    struct old_conn o;
    old_connection(&o, true);
    drop_rsts_of_gone_client();
    struct ac_seg syn = from_client(&o, AC_TH_SYN, o.rcv_nxt - BELOW, 0);
    syn.has_ts = true;
    syn.tsval = o.client_last + 1000000;
    ac_pkt_send(&syn, NULL);
    struct ac_seg sa = expect_seg(&o, PORT, CLIENT_PORT, AC_TH_SYN | AC_TH_ACK,
                                  AC_TH_SYN | AC_TH_ACK, "the SYN-ACK to the newer SYN");
    expect_tw_isn("ISN of the SYN-ACK to the newer SYN", sa.seq, o.snd_nxt);
    ac_expect_int(AC_CLAIM(PACKET, "listener"),
                  "the SYN-ACK's ACK number minus the SYN's sequence number", 1,
                  (int32_t)(sa.ack - syn.seq));
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple", 0,
                  time_waits_on_tuple(&o));
}

AC_TEST(segments, syn_lower_seq_older_timestamp_rejected_by_paws_gets_ack,
        .description = "A SYN whose TSval is older than the TIME_WAIT's last one fails PAWS: it "
                       "is answered with an ACK of rcv_nxt, counted as a PAWS rejection "
                       "(PAWSTimewait since 6.16, PAWSEstab before), and the TIME_WAIT stays.")
{
    struct old_conn o;
    old_connection(&o, true);
    drop_rsts_of_gone_client();
    struct ac_seg syn = from_client(&o, AC_TH_SYN, o.rcv_nxt - BELOW, 0);
    syn.has_ts = true;
    syn.tsval = o.client_first - 1000;
    ac_pkt_send(&syn, NULL);
    expect_tw_ack(&o, "a SYN with an older timestamp");
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple", 1,
                  time_waits_on_tuple(&o));
    /* Counted as PAWSEstab until 6.16 gave TIME_WAIT its own counter, PAWSTimewait (commit
     * c449d5f3a3d7, "tcp: add LINUX_MIB_PAWS_TW_REJECTED counter"). */
    bool own = ac_kernel_version() >= AC_KV(6, 16);
    ac_expect_int(AC_CLAIM(COUNT, "server end"),
                  "PAWS rejections counted (TcpExt PAWSTimewait since 6.16, PAWSEstab before)", 1,
                  ac_tcpext_counter(own ? "PAWSTimewait" : "PAWSEstab"));
}

/* --- an RST ---------------------------------------------------------------------------------- */

static void rst_at(struct old_conn *o, uint32_t seq)
{
    struct ac_seg rst = from_client(o, AC_TH_RST, seq, 0);
    ac_pkt_send(&rst, NULL);
    /* The capture gets its copy in the same delivery (raw_local_deliver(), then tcp_v4_rcv()). */
    expect_seg(o, CLIENT_PORT, PORT, AC_TH_RST, AC_TH_RST, "our RST, delivered");
}

AC_TEST(segments, rst_in_window_kills_time_wait_rfc1337_0,
        .description = "With tcp_rfc1337=0 (the default) an RST at rcv_nxt ends the TIME_WAIT at "
                       "once (TIME_WAIT assassination): the 4-tuple and port are free.")
{
    struct old_conn o;
    old_connection(&o, false);
    rst_at(&o, o.rcv_nxt);
    struct ac_match tw = {.states = AC_ALL_STATES, .local = &o.server, .remote = &o.client};
    ac_expect_gone(AC_CLAIM(STATE, "server end"),
                   "the TIME_WAIT after an in-window RST (tcp_rfc1337=0)", &tw,
                   AC_STATE_TIMEOUT_MS);
}

AC_TEST(segments, rst_in_window_ignored_rfc1337_1,
        .description = "With tcp_rfc1337=1 the TIME_WAIT ignores an RST at rcv_nxt (RFC 1337's "
                       "fix for assassination) and keeps its 4-tuple.")
{
    ac_netns_sysctl("net/ipv4/tcp_rfc1337", "1");
    struct old_conn o;
    old_connection(&o, false);
    rst_at(&o, o.rcv_nxt);
    ac_expect_int(AC_CLAIM(COUNT, "server end"),
                  "TIME_WAIT sockets left on the 4-tuple after the RST (tcp_rfc1337=1)", 1,
                  time_waits_on_tuple(&o));
}

AC_TEST(segments, rst_out_of_window_ignored_rfc1337_0,
        .description = "An RST that is not exactly at rcv_nxt is ignored by the TIME_WAIT even "
                       "with tcp_rfc1337=0: only an in-window RST assassinates it.")
{
    struct old_conn o;
    old_connection(&o, false);
    rst_at(&o, o.rcv_nxt + 1000);
    ac_expect_int(AC_CLAIM(COUNT, "server end"),
                  "TIME_WAIT sockets left on the 4-tuple after an out-of-window RST", 1,
                  time_waits_on_tuple(&o));
}

/* --- a retransmitted FIN, data ------------------------------------------------------------- */

AC_TEST(segments, retransmitted_fin_is_reacked_and_restarts_timer,
        .description = "A retransmission of the client's FIN (its last ACK was lost) reaches "
                       "the TIME_WAIT, which ACKs rcv_nxt again and restarts its 60 s timer.")
{
    struct old_conn o;
    old_connection(&o, false);
    drop_rsts_of_gone_client();
    struct ac_match tw = {
        .states = AC_STATE_BIT(AC_TIME_WAIT), .local = &o.server, .remote = &o.client};
    ac_setup_ok("TIME_WAIT 300 ms old (its own timer)",
                ac_tw_wait_older_than(&tw, 300, 3000) ? 0 : ETIMEDOUT);
    struct ac_sockinfo before;
    ac_setup_ok("read the TIME_WAIT", ac_diag_wait(&tw, 0, &before) ? 0 : ENOENT);
    struct ac_seg fin = from_client(&o, AC_TH_FIN | AC_TH_ACK, o.rcv_nxt - 1, o.snd_nxt);
    ac_pkt_send(&fin, NULL);
    expect_tw_ack(&o, "the retransmitted FIN");
    struct ac_sockinfo after;
    ac_setup_ok("read the TIME_WAIT again", ac_diag_wait(&tw, 0, &after) ? 0 : ENOENT);
    /* Restarted: back to about 60 s, more than was left 300 ms into the TIME_WAIT. */
    bool restarted = after.expires_ms >= 59750 && after.expires_ms > before.expires_ms + 200;
    char seen[96] = "restarted at 60 s";
    if (!restarted)
        snprintf(seen, sizeof seen, "%u ms left before, %u ms after", before.expires_ms,
                 after.expires_ms);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer after the retransmitted FIN",
                  "restarted at 60 s", seen);
}

AC_TEST(segments, data_in_time_wait_gets_ack_not_rst,
        .description = "Data at rcv_nxt reaching a TIME_WAIT is not accepted but answered with "
                       "an ACK of rcv_nxt, not an RST, and the TIME_WAIT stays.")
{
    struct old_conn o;
    old_connection(&o, false);
    drop_rsts_of_gone_client();
    struct ac_seg data = from_client(&o, AC_TH_ACK | AC_TH_PSH, o.rcv_nxt, o.snd_nxt);
    data.len = 5;
    ac_pkt_send(&data, "late!");
    expect_tw_ack(&o, "data at rcv_nxt");
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple", 1,
                  time_waits_on_tuple(&o));
}

AC_TEST(segments, data_for_no_socket_gets_rst,
        .description = "Data for a 4-tuple no socket owns (nothing on 192.168.1.100:9998) is "
                       "answered with an RST whose sequence number is the data's ACK number.")
{
    int cap = ac_pkt_capture();
    struct ac_seg data = {.sport = CLIENT_PORT + 1,
                          .dport = PORT - 1,
                          .seq = 1000,
                          .ack = 123456,
                          .flags = AC_TH_ACK | AC_TH_PSH,
                          .window = 65535,
                          .len = 5};
    inet_pton(AF_INET, AC_SERVER_IP, &data.saddr);
    inet_pton(AF_INET, AC_SERVER_IP, &data.daddr);
    ac_pkt_send(&data, "late!");
    struct ac_seg r;
    bool got = ac_pkt_wait(cap, PORT - 1, CLIENT_PORT + 1, 0, 0, WAIT_MS, &r);
    char flags[32] = "nothing";
    if (got)
        flags_text(r.flags, flags, sizeof flags);
    ac_expect_str(AC_CLAIM(PACKET, "192.168.1.100:9998"),
                  "the answer to data for no socket (flags)", "RST", flags);
    ac_expect_int(AC_CLAIM(PACKET, "192.168.1.100:9998"),
                  "its sequence number minus the data's ACK number", 0,
                  got ? (int32_t)(r.seq - data.ack) : -1);
    close(cap);
}

/* Data for a connection its application has closed: the server's close() set RCV_SHUTDOWN and
 * left an orphan in FIN_WAIT2 (a full socket or the FIN_WAIT2 mini-socket, depending on where
 * the ACK of its FIN was processed). Either way new data gets an RST: tcp_rcv_state_process()
 * (FIN_WAIT2, RCV_SHUTDOWN, data beyond rcv_nxt: TCPAbortOnData, tcp_reset(), and the caller
 * sends the RST) or tcp_timewait_state_process() (substate FIN_WAIT2, new data: TCP_TW_RST).
 * The client, in CLOSE_WAIT when the RST comes, gets EPIPE as its pending error (tcp_reset()). */
AC_TEST(segments, data_to_closed_fin_wait2_gets_rst,
        .description = "Data sent to a connection whose application already closed it (an "
                       "orphan in FIN_WAIT2) is answered with an RST: the orphan is gone and the "
                       "sender, in CLOSE_WAIT, gets EPIPE as its pending error.")
{
    int cap = ac_pkt_capture();
    struct ac_addr server, client_end;
    ac_addr_parse(&server, AC_SERVER_IP, PORT);
    int l = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(l, &server));
    ac_setup_ok("listener listen", ac_listen(l, 16));
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client connect", ac_connect(c, &server));
    int s = accept(l, NULL, NULL);
    ac_setup_fd("accept", s < 0 ? -errno : s);
    ac_setup_ok("client address", ac_local_addr(c, &client_end));
    close(s); /* the server's application is done: orphan, RCV_SHUTDOWN */
    char b;
    ac_setup_ok("client reads EOF", recv(c, &b, 1, 0) == 0 ? 0 : EIO);
    struct ac_match orphan = {.local = &server, .remote = &client_end};
    ac_expect_state(AC_SETUP(STATE, "server end"),
                    "server end after close() while the client stays", &orphan, AC_FIN_WAIT2,
                    AC_STATE_TIMEOUT_MS);
    ac_setup_ok("client sends data", send(c, "late!", 5, 0) == 5 ? 0 : EIO);
    struct ac_seg r;
    bool got = ac_pkt_wait(cap, PORT, ac_addr_port(&client_end), AC_TH_RST, AC_TH_RST, WAIT_MS, &r);
    ac_expect_str(AC_CLAIM(PACKET, "server end"),
                  "the answer to the data (an RST from the server's port)", "RST",
                  got ? "RST" : "no RST");
    orphan.states = AC_ALL_STATES;
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "the server's orphan after the RST", &orphan,
                   AC_STATE_TIMEOUT_MS);
    int err = 0;
    socklen_t len = sizeof err;
    ac_setup_ok("getsockopt SO_ERROR", getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) ? errno : 0);
    ac_expect_errno(AC_CLAIM(SOCKOPT, "client end"),
                    "the client's pending error (it was in CLOSE_WAIT)", EPIPE, err);
    close(c);
    close(l);
    close(cap);
}
