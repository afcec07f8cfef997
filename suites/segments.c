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
 * The SYN and RST tables run again over IPv6 with [::1] at both ends (rows ending in _ipv6):
 * tcp_v6_rcv() (net/ipv6/tcp_ipv6.c) reaches the same tcp_timewait_state_process() and answers
 * through tcp_v6_timewait_ack(), tcp_v6_send_reset() and inet6_lookup_listener(); the segments
 * go through an AF_INET6 raw socket (fixtures/packet.h).
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
 *  - an acceptable SYN (TCP_TW_SYN) that finds no listener falls through to that ACK;
 *  - a segment for which no socket exists at all gets an RST (tcp_v4_send_reset(): seq = the
 *    segment's ACK number when it has one).
 * tcp_rfc1337 is read only for an RST at rcv_nxt: the first reply to a SYN never depends on it.
 * The gone client's port has no socket, so the kernel would answer the TIME_WAIT's ACKs with an
 * RST, which at rcv_nxt would itself kill the TIME_WAIT: those RSTs are dropped on output (nft)
 * in the scenarios that provoke such ACKs. The scenarios that follow the reconnect further keep
 * them: that RST (tcp_v4_send_reset(): seq = the ACK's ACK number, rcv_nxt) is the segment a
 * Linux client in SYN_SENT sends when its SYN is answered by a bare ACK (tcp_rcv_synsent_state_
 * process(): an unacceptable ACK is reset, and the SYN is sent again after TCP_TIMEOUT_MIN).
 *
 * Every claim about an answer is checked on the answer itself: the capture is read past the
 * close (the server's last ACK included) and past the delivered copy of the segment sent, so the
 * next segment from 9999 to 40000 is the first reply, whatever its flags. */
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/kernel.h"
#include "../fixtures/mib.h"
#include "../fixtures/nft.h"
#include "../fixtures/packet.h"
#include "../fixtures/pending.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
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
    const char *ip; /* both ends': AC_SERVER_IP, or V6 */
    int capture;
    int listener;
    struct ac_addr server, client;
    uint32_t rcv_nxt;     /* the TIME_WAIT's: one past the client's FIN */
    uint32_t snd_nxt;     /* one past the server's FIN */
    bool ts;              /* the connection used timestamps */
    uint32_t client_last; /* the client's TSval on its FIN, its last: the TIME_WAIT's ts_recent */
};

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

/* The old connection between two ports of `ip`, closed server first; its TIME_WAIT confirmed,
 * the client's end gone, and the capture read up to the close's last segment (the server's ACK
 * of the client's FIN). net.ipv4.tcp_timestamps and tcp_rfc1337 serve IPv6 too. */
static void old_connection(struct old_conn *o, const char *ip, bool timestamps)
{
    memset(o, 0, sizeof *o);
    ac_netns_sysctl("net/ipv4/tcp_timestamps", timestamps ? "1" : "0");
    o->ip = ip;
    o->ts = timestamps;
    ac_addr_parse(&o->server, ip, PORT);
    ac_addr_parse(&o->client, ip, CLIENT_PORT);
    int family = ac_addr_family(&o->server);
    o->capture = ac_pkt_capture_family(family);
    o->listener = ac_setup_fd("listener socket", ac_tcp_socket(family, 0));
    ac_setup_ok("listener bind", ac_bind(o->listener, &o->server));
    ac_setup_ok("listener listen", ac_listen(o->listener, 16));
    int c = ac_setup_fd("client socket", ac_tcp_socket(family, 0));
    char step[96];
    snprintf(step, sizeof step, "client bind %s", o->client.text);
    ac_setup_ok(step, ac_bind(c, &o->client));
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
    o->client_last = cfin.tsval;
    ac_setup_ok("the connection's segments carry timestamps as configured",
                syn.has_ts == timestamps && cfin.has_ts == timestamps ? 0 : EPROTO);
    /* The ACK of the client's FIN is the TIME_WAIT's first segment; left in the capture, it
     * would pass for the answer to whatever is sent next (same flags, same numbers). */
    struct ac_seg last = expect_seg(o, PORT, CLIENT_PORT, 0, 0, "the server's ACK of that FIN");
    ac_setup_ok("the close ends with the server's ACK of the client's FIN",
                last.flags == AC_TH_ACK && last.ack == o->rcv_nxt ? 0 : EPROTO);

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
    return ac_seg_on(o->ip, CLIENT_PORT, PORT, flags, seq, ack);
}

static int time_waits_on_tuple(const struct old_conn *o)
{
    struct ac_match tw = {
        .states = AC_STATE_BIT(AC_TIME_WAIT), .local = &o->server, .remote = &o->client};
    return ac_diag_count(&tw);
}

/* Reads the capture past the delivered copy of `sent` (a segment of ours), so that the next
 * segment from 9999 to 40000 is the first one sent in reply to it. */
static void read_past(struct old_conn *o, const struct ac_seg *sent, const char *what)
{
    if (!ac_pkt_wait_sent(o->capture, sent, WAIT_MS)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: not seen delivered within %d ms", what, WAIT_MS);
        ac_fail_with_table(msg);
    }
}

/* The first reply from 9999 to 40000, whatever it is; its flags must be `flags`. */
static struct ac_seg first_reply(struct old_conn *o, const char *to_what, const char *flags)
{
    char step[160];
    snprintf(step, sizeof step, "first reply from %s to %s (flags)", o->server.text, to_what);
    return ac_expect_next_segment(AC_CLAIM(PACKET, o->server.text), step, o->capture, PORT,
                                  CLIENT_PORT, flags);
}

static struct ac_seg send_segment(struct old_conn *o, const struct ac_seg *s, const void *payload,
                                  const char *what, const char *reply_flags)
{
    ac_pkt_send(s, payload);
    read_past(o, s, what);
    return first_reply(o, what, reply_flags);
}

#define TSECR_LAST    "TSecr = the client's last TSval"
#define NO_TIMESTAMPS "no timestamps"

/* The TIME_WAIT's answer must be a bare ACK acknowledging rcv_nxt, sent from snd_nxt, its TSecr
 * the client's last TSval when the connection had timestamps (tcp_v4_timewait_ack()). */
static void expect_tw_ack(const struct old_conn *o, const struct ac_seg *r)
{
    ac_expect_int(AC_CLAIM(PACKET, "server end"), "its ACK number minus the TIME_WAIT's rcv_nxt", 0,
                  (int32_t)(r->ack - o->rcv_nxt));
    ac_expect_int(AC_CLAIM(PACKET, "server end"),
                  "its sequence number minus the TIME_WAIT's snd_nxt", 0,
                  (int32_t)(r->seq - o->snd_nxt));
    const char *seen = !r->has_ts                   ? NO_TIMESTAMPS
                       : r->tsecr == o->client_last ? TSECR_LAST
                                                    : "TSecr another value";
    ac_expect_str(AC_CLAIM(PACKET, "server end"), "its timestamps option",
                  o->ts ? TSECR_LAST : NO_TIMESTAMPS, seen);
}

/* The ISN of a connection that replaced the TIME_WAIT. tcp_timewait_state_process() computes
 * tw_snd_nxt + 65537 for it, but until 6.10 tcp_v4_rcv() lost that value on its way to the
 * listener: after "goto process" tcp_v4_fill_cb() zeroes TCP_SKB_CB(skb)->tcp_tw_isn, and
 * tcp_conn_request() picks a fresh ISN (secure_tcp_seq()) instead. Fixed in 6.10 by commit
 * 41eecbd712b7 ("tcp: replace TCP_SKB_CB(skb)->tcp_tw_isn with a per-cpu field"; "broken almost
 * one decade ago", not in the 6.1 stable tree: seen on 6.1.192). */
#define ISN_FROM_TW  "tw_snd_nxt + 65537"
#define ISN_FRESH    "a fresh ISN, not tw_snd_nxt + 65537"
#define TW_ISN_SINCE AC_KV(6, 10)
/* The same as data for the docs, on every test whose claim includes that ISN (harness/meta.h):
 * since 0 is "the same on every kernel". */
#define TW_ISN_CHANGED(changed)                                                                    \
    {                                                                                              \
        (changed) ? TW_ISN_SINCE : 0, "41eecbd712b7",                                              \
            "tcp: replace TCP_SKB_CB(skb)->tcp_tw_isn with a per-cpu field"                        \
    }
static void expect_tw_isn(const char *step, uint32_t isn, uint32_t snd_nxt)
{
    ac_expect_str(AC_CLAIM(PACKET, "listener"), step,
                  ac_kernel_version() >= TW_ISN_SINCE ? ISN_FROM_TW : ISN_FRESH,
                  isn - snd_nxt == TW_ISN_GAP ? ISN_FROM_TW : ISN_FRESH);
}

/* The listener's answer to a SYN the TIME_WAIT let through: a SYN-ACK of that SYN. */
static void expect_syn_ack(const struct old_conn *o, const struct ac_seg *r, uint32_t syn_seq)
{
    ac_expect_int(AC_CLAIM(PACKET, "listener"),
                  "the SYN-ACK's ACK number minus the SYN's sequence number", 1,
                  (int32_t)(r->ack - syn_seq));
    expect_tw_isn("ISN of the SYN-ACK (its sequence number)", r->seq, o->snd_nxt);
}

/* --- the first reply to a SYN from the same 4-tuple ------------------------------------------ */

#define GAP 100000 /* a sequence number far from rcv_nxt, well inside half the space */

/* How the SYN's sequence number and timestamp compare with what the TIME_WAIT last saw: one
 * either side of rcv_nxt and of the last TSval, where the comparisons turn. */
enum syn_seq { SEQ_BELOW, SEQ_AT, SEQ_ABOVE };
enum syn_ts { TS_NONE, TS_OLDER, TS_SAME, TS_NEWER };
enum answer { SYN_ACK, BARE_ACK };

static const char *const syn_seq_text[] = {"rcv_nxt - 1", "rcv_nxt", "rcv_nxt + 1"};
static const char *const syn_ts_text[] = {"no timestamp", "TSval the client's last - 1",
                                          "TSval the client's last", "TSval the client's last + 1"};

/* PAWS rejections in TIME_WAIT are TcpExt PAWSTimewait since 6.16, PAWSEstab before (commit
 * c449d5f3a3d7, "tcp: add LINUX_MIB_PAWS_TW_REJECTED counter"). */
static long paws_tw_rejections(void)
{
    return ac_tcpext_counter(ac_kernel_version() >= AC_KV(6, 16) ? "PAWSTimewait" : "PAWSEstab");
}

/* A SYN of ours, 40000 -> 9999, into the TIME_WAIT: the first reply is a SYN-ACK from the
 * listener (TCP_TW_SYN: the TIME_WAIT is gone) or the TIME_WAIT's bare ACK (it stays). */
static void syn_into_time_wait(const char *ip, bool conn_ts, enum syn_seq seq, enum syn_ts ts,
                               const char *rfc1337, enum answer expected)
{
    ac_netns_sysctl("net/ipv4/tcp_rfc1337", rfc1337);
    struct old_conn o;
    old_connection(&o, ip, conn_ts);
    drop_rsts_of_gone_client();
    struct ac_seg syn = from_client(&o, AC_TH_SYN, o.rcv_nxt + (uint32_t)((int)seq - SEQ_AT), 0);
    syn.has_ts = ts != TS_NONE;
    syn.tsval = o.client_last + (ts == TS_OLDER ? -1u : ts == TS_NEWER ? 1u : 0u);
    char what[160];
    snprintf(what, sizeof what, "a SYN at %s, %s", syn_seq_text[seq], syn_ts_text[ts]);
    struct ac_seg r = send_segment(&o, &syn, NULL, what, expected == SYN_ACK ? "SYN|ACK" : "ACK");
    if (expected == SYN_ACK)
        expect_syn_ack(&o, &r, syn.seq);
    else
        expect_tw_ack(&o, &r);
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple",
                  expected == SYN_ACK ? 0 : 1, time_waits_on_tuple(&o));
    ac_expect_int(AC_CLAIM(COUNT, "server end"),
                  "PAWS rejections counted (TcpExt PAWSTimewait since 6.16, PAWSEstab before)",
                  ts == TS_OLDER ? 1 : 0, paws_tw_rejections());
}

#define NO_TS   false
#define WITH_TS true
#define V4      AC_SERVER_IP
#define V6      "::1"
/* A SYN-ACK answer: the SYN replaced the TIME_WAIT (the state graph's edge), at an ISN that
 * changed in 6.10; a bare ACK: neither. */
#define SYN_FACTS(answer)                                                                          \
    (.changed = TW_ISN_CHANGED((answer) == SYN_ACK),                                               \
     .proves = (answer) == SYN_ACK ? "time_wait_syn" : NULL)
#define X(name, ip, conn_ts, seq, ts, rfc1337, answer, rule)                                       \
    AC_TEST_WITH(segments, name, SYN_FACTS(answer), .description = rule)                           \
    {                                                                                              \
        syn_into_time_wait(ip, conn_ts, seq, ts, rfc1337, answer);                                 \
    }
/* Without timestamps the sequence number alone decides: after rcv_nxt or not. */
X(syn_higher_seq_without_timestamps_gets_syn_ack, V4, NO_TS, SEQ_ABOVE, TS_NONE, "0", SYN_ACK,
  "Without timestamps a SYN after rcv_nxt is a new connection: the TIME_WAIT gives way and the "
  "first reply is the listener's SYN-ACK.")
X(syn_higher_seq_without_timestamps_gets_syn_ack_rfc1337_1, V4, NO_TS, SEQ_ABOVE, TS_NONE, "1",
  SYN_ACK,
  "tcp_rfc1337=1 changes nothing for a SYN: one after rcv_nxt still gets the listener's "
  "SYN-ACK as its first reply.")
X(syn_lower_seq_without_timestamps_gets_ack_time_wait_stays, V4, NO_TS, SEQ_BELOW, TS_NONE, "0",
  BARE_ACK,
  "A SYN below rcv_nxt with no timestamp to prove it new may be an old duplicate: the first "
  "reply is the TIME_WAIT's ACK of rcv_nxt, and the TIME_WAIT stays.")
X(syn_lower_seq_without_timestamps_gets_ack_time_wait_stays_rfc1337_1, V4, NO_TS, SEQ_BELOW,
  TS_NONE, "1", BARE_ACK,
  "With tcp_rfc1337=1 too, a SYN below rcv_nxt without timestamps gets the TIME_WAIT's ACK of "
  "rcv_nxt as its first reply, and the TIME_WAIT stays.")
X(syn_at_rcv_nxt_without_timestamps_gets_ack, V4, NO_TS, SEQ_AT, TS_NONE, "0", BARE_ACK,
  "A SYN exactly at rcv_nxt is not after it: without timestamps it is answered with the "
  "TIME_WAIT's ACK, not let through.")
/* With timestamps a newer TSval is enough, an older one fails PAWS whatever the sequence
 * number, and an equal one proves nothing. */
X(syn_higher_seq_newer_timestamp_gets_syn_ack, V4, WITH_TS, SEQ_ABOVE, TS_NEWER, "0", SYN_ACK,
  "A SYN after rcv_nxt with a newer TSval is a new connection: the first reply is the "
  "listener's SYN-ACK.")
X(syn_higher_seq_newer_timestamp_gets_syn_ack_rfc1337_1, V4, WITH_TS, SEQ_ABOVE, TS_NEWER, "1",
  SYN_ACK,
  "With tcp_rfc1337=1 a SYN after rcv_nxt with a newer TSval still gets the listener's SYN-ACK "
  "as its first reply.")
X(syn_lower_seq_newer_timestamp_reopens, V4, WITH_TS, SEQ_BELOW, TS_NEWER, "0", SYN_ACK,
  "With timestamps a SYN below rcv_nxt is still a new connection when its TSval is newer than "
  "the last one the TIME_WAIT saw: the TIME_WAIT gives way and the listener answers with a "
  "SYN-ACK (at snd_nxt + 65537 since 6.10).")
X(syn_lower_seq_newer_timestamp_reopens_rfc1337_1, V4, WITH_TS, SEQ_BELOW, TS_NEWER, "1", SYN_ACK,
  "With tcp_rfc1337=1 a SYN below rcv_nxt with a newer TSval still reopens: the first reply "
  "is the listener's SYN-ACK.")
X(syn_lower_seq_older_timestamp_rejected_by_paws_gets_ack, V4, WITH_TS, SEQ_BELOW, TS_OLDER, "0",
  BARE_ACK,
  "A SYN whose TSval is older than the TIME_WAIT's last one fails PAWS: it is answered with an "
  "ACK of rcv_nxt, counted as a PAWS rejection (PAWSTimewait since 6.16, PAWSEstab before), and "
  "the TIME_WAIT stays.")
X(syn_higher_seq_older_timestamp_rejected_by_paws_gets_ack, V4, WITH_TS, SEQ_ABOVE, TS_OLDER, "0",
  BARE_ACK,
  "PAWS comes first: a SYN after rcv_nxt whose TSval is older than the TIME_WAIT's last one is "
  "still rejected, answered with the TIME_WAIT's ACK, and counted.")
X(syn_lower_seq_same_timestamp_gets_ack, V4, WITH_TS, SEQ_BELOW, TS_SAME, "0", BARE_ACK,
  "A TSval equal to the TIME_WAIT's last one passes PAWS but is not newer: a SYN below rcv_nxt "
  "with it gets the TIME_WAIT's ACK.")
X(syn_higher_seq_no_timestamp_option_after_timestamped_connection_gets_syn_ack, V4, WITH_TS,
  SEQ_ABOVE, TS_NONE, "0", SYN_ACK,
  "A SYN without the timestamps option reaching a TIME_WAIT that had them is judged by its "
  "sequence number: after rcv_nxt, the listener's SYN-ACK.")
X(syn_lower_seq_no_timestamp_option_after_timestamped_connection_gets_ack, V4, WITH_TS, SEQ_BELOW,
  TS_NONE, "0", BARE_ACK,
  "A SYN without the timestamps option, below rcv_nxt, reaching a TIME_WAIT that had "
  "timestamps gets the TIME_WAIT's ACK: no TSval, no PAWS, no proof it is new.")
/* The same over IPv6, [::1] at both ends: tcp_v6_rcv() hands the segment to the same
 * tcp_timewait_state_process(), and answers with tcp_v6_timewait_ack() or, for TCP_TW_SYN, the
 * listener inet6_lookup_listener() finds (its ISN lost the same way before 6.10). */
X(syn_higher_seq_without_timestamps_gets_syn_ack_ipv6, V6, NO_TS, SEQ_ABOVE, TS_NONE, "0", SYN_ACK,
  "Over IPv6 too a SYN after rcv_nxt without timestamps is a new connection: the first reply is "
  "the listener's SYN-ACK.")
X(syn_higher_seq_without_timestamps_gets_syn_ack_rfc1337_1_ipv6, V6, NO_TS, SEQ_ABOVE, TS_NONE, "1",
  SYN_ACK,
  "Over IPv6 with tcp_rfc1337=1 a SYN after rcv_nxt still gets the listener's SYN-ACK as its "
  "first reply.")
X(syn_lower_seq_without_timestamps_gets_ack_time_wait_stays_ipv6, V6, NO_TS, SEQ_BELOW, TS_NONE,
  "0", BARE_ACK,
  "Over IPv6 a SYN below rcv_nxt without timestamps gets the TIME_WAIT's ACK of rcv_nxt, and "
  "the TIME_WAIT stays.")
X(syn_lower_seq_without_timestamps_gets_ack_time_wait_stays_rfc1337_1_ipv6, V6, NO_TS, SEQ_BELOW,
  TS_NONE, "1", BARE_ACK,
  "Over IPv6 with tcp_rfc1337=1 a SYN below rcv_nxt without timestamps gets the TIME_WAIT's "
  "ACK, and the TIME_WAIT stays.")
X(syn_at_rcv_nxt_without_timestamps_gets_ack_ipv6, V6, NO_TS, SEQ_AT, TS_NONE, "0", BARE_ACK,
  "Over IPv6 a SYN exactly at rcv_nxt without timestamps is answered with the TIME_WAIT's ACK, "
  "not let through.")
X(syn_higher_seq_newer_timestamp_gets_syn_ack_ipv6, V6, WITH_TS, SEQ_ABOVE, TS_NEWER, "0", SYN_ACK,
  "Over IPv6 a SYN after rcv_nxt with a newer TSval gets the listener's SYN-ACK as its first "
  "reply.")
X(syn_higher_seq_newer_timestamp_gets_syn_ack_rfc1337_1_ipv6, V6, WITH_TS, SEQ_ABOVE, TS_NEWER, "1",
  SYN_ACK,
  "Over IPv6 with tcp_rfc1337=1 a SYN after rcv_nxt with a newer TSval still gets the "
  "listener's SYN-ACK.")
X(syn_lower_seq_newer_timestamp_reopens_ipv6, V6, WITH_TS, SEQ_BELOW, TS_NEWER, "0", SYN_ACK,
  "Over IPv6 a SYN below rcv_nxt with a newer TSval reopens the 4-tuple: the listener answers "
  "with a SYN-ACK (at snd_nxt + 65537 since 6.10).")
X(syn_lower_seq_newer_timestamp_reopens_rfc1337_1_ipv6, V6, WITH_TS, SEQ_BELOW, TS_NEWER, "1",
  SYN_ACK,
  "Over IPv6 with tcp_rfc1337=1 a SYN below rcv_nxt with a newer TSval still reopens: the "
  "first reply is the listener's SYN-ACK.")
X(syn_lower_seq_older_timestamp_rejected_by_paws_gets_ack_ipv6, V6, WITH_TS, SEQ_BELOW, TS_OLDER,
  "0", BARE_ACK,
  "Over IPv6 a SYN with a TSval older than the TIME_WAIT's last one fails PAWS: the TIME_WAIT's "
  "ACK, one PAWS rejection counted, and the TIME_WAIT stays.")
X(syn_higher_seq_older_timestamp_rejected_by_paws_gets_ack_ipv6, V6, WITH_TS, SEQ_ABOVE, TS_OLDER,
  "0", BARE_ACK,
  "Over IPv6 PAWS comes first too: a SYN after rcv_nxt with an older TSval gets the "
  "TIME_WAIT's ACK and is counted.")
X(syn_lower_seq_same_timestamp_gets_ack_ipv6, V6, WITH_TS, SEQ_BELOW, TS_SAME, "0", BARE_ACK,
  "Over IPv6 a SYN below rcv_nxt whose TSval equals the TIME_WAIT's last one gets the "
  "TIME_WAIT's ACK.")
X(syn_higher_seq_no_timestamp_option_after_timestamped_connection_gets_syn_ack_ipv6, V6, WITH_TS,
  SEQ_ABOVE, TS_NONE, "0", SYN_ACK,
  "Over IPv6 a SYN without the timestamps option, after rcv_nxt, reaching a TIME_WAIT that had "
  "them gets the listener's SYN-ACK.")
X(syn_lower_seq_no_timestamp_option_after_timestamped_connection_gets_ack_ipv6, V6, WITH_TS,
  SEQ_BELOW, TS_NONE, "0", BARE_ACK,
  "Over IPv6 a SYN without the timestamps option, below rcv_nxt, reaching a TIME_WAIT that had "
  "them gets the TIME_WAIT's ACK.")
#undef X

AC_TEST(segments, syn_higher_seq_with_listener_closed_gets_ack_time_wait_stays,
        .description = "A SYN the TIME_WAIT would let through finds no listener once the server "
                       "closed it: the first reply is the TIME_WAIT's ACK, and it stays.")
{
    struct old_conn o;
    old_connection(&o, V4, false);
    drop_rsts_of_gone_client();
    close(o.listener);
    struct ac_seg syn = from_client(&o, AC_TH_SYN, o.rcv_nxt + GAP, 0);
    struct ac_seg r = send_segment(&o, &syn, NULL, "a SYN after rcv_nxt, no listener", "ACK");
    expect_tw_ack(&o, &r);
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "TIME_WAIT sockets left on the 4-tuple", 1,
                  time_waits_on_tuple(&o));
}

/* --- the real client reconnects -------------------------------------------------------------- */

/* The client reconnects from 40000 with a real socket: its ISN comes from the clock
 * (secure_tcp_seq(): hash + ns/64), far after the old rcv_nxt, and its TSval is newer (the
 * same address pair keeps the same offset): either way TCP_TW_SYN, whatever tcp_rfc1337 says.
 * Were it answered by a bare ACK, the client would reset the TIME_WAIT and send its SYN again
 * (or, with tcp_rfc1337=1, keep retrying until the TIME_WAIT expires): the end state would
 * still be a connection, so the first reply and the client's next segment are checked. */
static void real_reconnect(bool timestamps, const char *rfc1337)
{
    ac_netns_sysctl("net/ipv4/tcp_rfc1337", rfc1337);
    struct old_conn o;
    old_connection(&o, V4, timestamps);
    /* TSvals count CLOCK_MONOTONIC milliseconds (tcp_clock_ms()): a SYN sent within the
     * millisecond of the old FIN would carry the same TSval, not a newer one. The clock is
     * waited for (a millisecond at most), not a state. */
    for (int64_t fin_ms = ac_now_ms(); ac_now_ms() <= fin_ms;)
        poll(NULL, 0, 1);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, AC_NONBLOCK));
    ac_setup_ok("client bind 192.168.1.100:40000 again", ac_bind(c, &o.client));
    ac_expect_errno(AC_CLAIM(CONNECT, "new client end"),
                    "connect from 192.168.1.100:40000 to the TIME_WAIT's 4-tuple (within 2 s)", 0,
                    ac_connect_within(c, &o.server, WAIT_MS));
    struct ac_seg syn = expect_seg(&o, CLIENT_PORT, PORT, AC_TH_SYN | AC_TH_ACK, AC_TH_SYN,
                                   "the SYN of the new connection");
    /* What lets it through (the same test as the kernel's, for the record). */
    const char *why =
        timestamps ? "a TSval newer than the TIME_WAIT's last" : "a sequence number after rcv_nxt";
    bool newer =
        timestamps ? (int32_t)(syn.tsval - o.client_last) > 0 : (int32_t)(syn.seq - o.rcv_nxt) > 0;
    ac_expect_str(AC_SETUP(PACKET, "new client end"), "what the client's SYN carries", why,
                  newer ? why : "neither");
    struct ac_seg r = first_reply(&o, "the reconnecting client's SYN", "SYN|ACK");
    expect_syn_ack(&o, &r, syn.seq);
    ac_expect_next_segment(AC_CLAIM(PACKET, "new client end"),
                           "the client's next segment (the handshake's ACK, no RST, no second SYN)",
                           o.capture, CLIENT_PORT, PORT, "ACK");
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

#define X(name, timestamps, rfc1337, rule)                                                         \
    AC_TEST_WITH(segments, name, SYN_FACTS(SYN_ACK), .description = rule)                          \
    {                                                                                              \
        real_reconnect(timestamps, rfc1337);                                                       \
    }
X(syn_same_tuple_to_server_time_wait_reopens_with_timestamps, WITH_TS, "0",
  "A client reconnecting from its old port reaches the server's TIME_WAIT with a SYN whose "
  "timestamp is newer: the first reply is the listener's SYN-ACK, starting at the old snd_nxt + "
  "65537 (6.10+; a fresh ISN before).")
X(syn_same_tuple_to_server_time_wait_reopens_without_timestamps, NO_TS, "0",
  "Without timestamps the reconnecting client's SYN is accepted for its sequence number alone: "
  "the clock-based ISN is after the old rcv_nxt, so the first reply is the listener's SYN-ACK "
  "(at snd_nxt + 65537 since 6.10) and the client completes the handshake.")
X(syn_same_tuple_to_server_time_wait_reopens_with_timestamps_rfc1337_1, WITH_TS, "1",
  "With tcp_rfc1337=1 the reconnecting client's SYN with a newer timestamp is still answered "
  "by the listener's SYN-ACK at once: the option only guards against RSTs.")
X(syn_same_tuple_to_server_time_wait_reopens_without_timestamps_rfc1337_1, NO_TS, "1",
  "With tcp_rfc1337=1 and no timestamps the reconnecting client's SYN is still answered by the "
  "listener's SYN-ACK at once, without the minute a bare ACK would cost there (the client's "
  "RST would be ignored).")
#undef X

/* --- a SYN below rcv_nxt, followed as far as a Linux client takes it -------------------------- */

/* The TIME_WAIT's ACK goes to 40000, where no socket is: the kernel answers it with an RST at
 * its ACK number, rcv_nxt, exactly the segment a client in SYN_SENT sends for an unacceptable
 * ACK. tcp_rfc1337 decides whether that RST ends the TIME_WAIT; the client's retried SYN then
 * reaches the listener, or the TIME_WAIT again (tcp_invalid_ratelimit=0 lets it answer twice
 * within 500 ms). */
static void lower_syn_then_client_rst(const char *rfc1337, bool time_wait_ends)
{
    ac_netns_sysctl("net/ipv4/tcp_rfc1337", rfc1337);
    ac_netns_sysctl("net/ipv4/tcp_invalid_ratelimit", "0");
    struct old_conn o;
    old_connection(&o, V4, false);
    struct ac_seg syn = from_client(&o, AC_TH_SYN, o.rcv_nxt - GAP, 0);
    struct ac_seg r = send_segment(&o, &syn, NULL, "a SYN below rcv_nxt", "ACK");
    expect_tw_ack(&o, &r);
    struct ac_seg rst =
        ac_expect_next_segment(AC_SETUP(PACKET, "192.168.1.100:40000"),
                               "the answer to that ACK from the client's port (flags)", o.capture,
                               CLIENT_PORT, PORT, "RST");
    ac_expect_int(AC_SETUP(PACKET, "192.168.1.100:40000"),
                  "its sequence number minus the TIME_WAIT's rcv_nxt", 0,
                  (int32_t)(rst.seq - o.rcv_nxt));
    struct ac_match tw = {.states = AC_ALL_STATES, .local = &o.server, .remote = &o.client};
    if (time_wait_ends)
        ac_expect_gone(AC_CLAIM(STATE, "server end"), "the TIME_WAIT after the RST at rcv_nxt", &tw,
                       AC_STATE_TIMEOUT_MS);
    /* The client's retry: the same SYN again. */
    drop_rsts_of_gone_client();
    r = send_segment(&o, &syn, NULL, "the same SYN again", time_wait_ends ? "SYN|ACK" : "ACK");
    if (time_wait_ends) {
        ac_expect_int(AC_CLAIM(PACKET, "listener"),
                      "the SYN-ACK's ACK number minus the SYN's sequence number", 1,
                      (int32_t)(r.ack - syn.seq));
    } else {
        expect_tw_ack(&o, &r);
        ac_expect_int(AC_CLAIM(COUNT, "server end"),
                      "TIME_WAIT sockets left on the 4-tuple after the RST and the retry", 1,
                      time_waits_on_tuple(&o));
    }
}

AC_TEST_WITH(segments, syn_lower_seq_acked_then_client_rst_ends_time_wait_retry_gets_syn_ack,
             (.proves = "time_wait_rst"),
             .description =
                 "A SYN below rcv_nxt gets the TIME_WAIT's ACK; the client's RST at "
                 "rcv_nxt then ends the TIME_WAIT (tcp_rfc1337=0), and the same SYN sent "
                 "again gets the listener's SYN-ACK.")
{
    lower_syn_then_client_rst("0", true);
}

AC_TEST(segments, syn_lower_seq_acked_then_client_rst_ignored_rfc1337_1_retry_gets_ack,
        .description = "With tcp_rfc1337=1 the client's RST at rcv_nxt does not end the "
                       "TIME_WAIT: the same SYN sent again gets the TIME_WAIT's ACK again, so a "
                       "Linux client would retry until the TIME_WAIT expires (not waited for).")
{
    lower_syn_then_client_rst("1", false);
}

/* --- an RST ---------------------------------------------------------------------------------- */

/* Whether anything left 9999 for 40000 in answer to our RST (fixtures/packet.h reads that
 * without waiting out a timeout). */
static void expect_no_answer_to_rst(struct old_conn *o, const struct ac_seg *rst)
{
    struct ac_seg reply;
    bool answered = ac_pkt_first_reply(o->capture, rst, WAIT_MS, &reply);
    ac_expect_str(AC_CLAIM(PACKET, "server end"), "the TIME_WAIT's answer to the RST", "nothing",
                  answered ? "a segment" : "nothing");
}

/* An RST of ours at rcv_nxt + `offset` into the TIME_WAIT, which must then be gone, or stay. */
static void rst_into_time_wait(const char *ip, const char *rfc1337, uint32_t offset, bool stays)
{
    ac_netns_sysctl("net/ipv4/tcp_rfc1337", rfc1337);
    struct old_conn o;
    old_connection(&o, ip, false);
    struct ac_seg rst = from_client(&o, AC_TH_RST, o.rcv_nxt + offset, 0);
    ac_pkt_send(&rst, NULL);
    expect_no_answer_to_rst(&o, &rst);
    char step[128];
    snprintf(step, sizeof step, "the TIME_WAIT after an RST at rcv_nxt + %u (tcp_rfc1337=%s)",
             offset, rfc1337);
    struct ac_match tw = {.states = AC_ALL_STATES, .local = &o.server, .remote = &o.client};
    if (stays)
        ac_expect_int(AC_CLAIM(COUNT, "server end"), step, 1, time_waits_on_tuple(&o));
    else
        ac_expect_gone(AC_CLAIM(STATE, "server end"), step, &tw, AC_STATE_TIMEOUT_MS);
}

#define IN_WINDOW     0    /* exactly at rcv_nxt */
#define OUT_OF_WINDOW 1000 /* after it */
#define KILLED        false
#define STAYS         true
/* An RST that kills the TIME_WAIT proves the state graph's edge */
#define X(name, ip, rfc1337, offset, after, rule)                                                  \
    AC_TEST_WITH(segments, name, (.proves = (after) == KILLED ? "time_wait_rst" : NULL),           \
                 .description = rule)                                                              \
    {                                                                                              \
        rst_into_time_wait(ip, rfc1337, offset, after);                                            \
    }
X(rst_in_window_kills_time_wait_rfc1337_0, V4, "0", IN_WINDOW, KILLED,
  "With tcp_rfc1337=0 (the default) an RST at rcv_nxt ends the TIME_WAIT at once (TIME_WAIT "
  "assassination): the 4-tuple and port are free.")
X(rst_in_window_ignored_rfc1337_1, V4, "1", IN_WINDOW, STAYS,
  "With tcp_rfc1337=1 the TIME_WAIT ignores an RST at rcv_nxt (RFC 1337's fix for "
  "assassination) and keeps its 4-tuple.")
X(rst_out_of_window_ignored_rfc1337_0, V4, "0", OUT_OF_WINDOW, STAYS,
  "An RST that is not exactly at rcv_nxt is ignored by the TIME_WAIT even with tcp_rfc1337=0: "
  "only an in-window RST assassinates it.")
/* The same over IPv6: the RST reaches tcp_timewait_state_process() through tcp_v6_rcv(). */
X(rst_in_window_kills_time_wait_rfc1337_0_ipv6, V6, "0", IN_WINDOW, KILLED,
  "Over IPv6 too an RST at rcv_nxt ends the TIME_WAIT at once with tcp_rfc1337=0.")
X(rst_in_window_ignored_rfc1337_1_ipv6, V6, "1", IN_WINDOW, STAYS,
  "Over IPv6 with tcp_rfc1337=1 the TIME_WAIT ignores an RST at rcv_nxt and keeps its "
  "4-tuple.")
X(rst_out_of_window_ignored_rfc1337_0_ipv6, V6, "0", OUT_OF_WINDOW, STAYS,
  "Over IPv6 an RST that is not exactly at rcv_nxt is ignored by the TIME_WAIT even with "
  "tcp_rfc1337=0.")
#undef X

/* --- a retransmitted FIN, data ------------------------------------------------------------- */

AC_TEST_WITH(segments, retransmitted_fin_is_reacked_and_restarts_timer, (.waits = true),
             .description = "A retransmission of the client's FIN (its last ACK was lost) reaches "
                            "the TIME_WAIT, which ACKs rcv_nxt again and restarts its 60 s timer.")
{
    struct old_conn o;
    old_connection(&o, V4, false);
    drop_rsts_of_gone_client();
    struct ac_match tw = {
        .states = AC_STATE_BIT(AC_TIME_WAIT), .local = &o.server, .remote = &o.client};
    /* 600 ms old: a restart then shows 400 ms above what was left, even when the second read
     * comes late (a loaded machine: 112 ms between the re-ACK and that read made a 300 ms old
     * TIME_WAIT look not restarted). */
    ac_setup_ok("TIME_WAIT 600 ms old (its own timer)",
                ac_tw_wait_older_than(&tw, 600, 3000) ? 0 : ETIMEDOUT);
    struct ac_sockinfo before;
    ac_setup_ok("read the TIME_WAIT", ac_diag_wait(&tw, 0, &before) ? 0 : ENOENT);
    struct ac_seg fin = from_client(&o, AC_TH_FIN | AC_TH_ACK, o.rcv_nxt - 1, o.snd_nxt);
    struct ac_seg r = send_segment(&o, &fin, NULL, "the retransmitted FIN", "ACK");
    expect_tw_ack(&o, &r);
    struct ac_sockinfo after;
    ac_setup_ok("read the TIME_WAIT again", ac_diag_wait(&tw, 0, &after) ? 0 : ENOENT);
    /* Restarted: back to about 60 s, more than was left 600 ms into the TIME_WAIT. */
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
    old_connection(&o, V4, false);
    drop_rsts_of_gone_client();
    struct ac_seg data = from_client(&o, AC_TH_ACK | AC_TH_PSH, o.rcv_nxt, o.snd_nxt);
    data.len = 5;
    struct ac_seg r = send_segment(&o, &data, "late!", "data at rcv_nxt", "ACK");
    expect_tw_ack(&o, &r);
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
    ac_setup_ok("the segment's addresses",
                ac_seg_set_addrs(&data, AC_SERVER_IP, AC_SERVER_IP) ? 0 : EINVAL);
    ac_pkt_send(&data, "late!");
    struct ac_seg r = ac_expect_next_segment(AC_CLAIM(PACKET, "192.168.1.100:9998"),
                                             "the answer to data for no socket (flags)", cap,
                                             PORT - 1, CLIENT_PORT + 1, "RST");
    ac_expect_int(AC_CLAIM(PACKET, "192.168.1.100:9998"),
                  "its sequence number minus the data's ACK number", 0,
                  (int32_t)(r.seq - data.ack));
    /* tcp_v4_send_reset() computes it in full (ip_send_unicast_reply()), offload or not */
    ac_expect_str(AC_CLAIM(PACKET, "192.168.1.100:9998"), "the RST's TCP checksum", "valid",
                  r.csum_ok ? "valid" : "wrong");
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
    uint16_t cport = ac_addr_port(&client_end);
    struct ac_seg data;
    do
        ac_setup_ok(
            "the client's data, captured",
            ac_pkt_wait(cap, cport, PORT, AC_TH_SYN | AC_TH_FIN | AC_TH_RST, 0, WAIT_MS, &data)
                ? 0
                : ETIMEDOUT);
    while (data.len == 0);
    struct ac_seg r = ac_expect_next_segment(AC_CLAIM(PACKET, "server end"),
                                             "the server's first reply to the data (flags)", cap,
                                             PORT, cport, "RST");
    ac_expect_int(AC_CLAIM(PACKET, "server end"), "its sequence number minus the data's ACK number",
                  0, (int32_t)(r.seq - data.ack));
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

static bool mini_socket(const struct ac_sockinfo *s, void *arg)
{
    (void)arg;
    return s->timer ==
           AC_TIMER_TIMEWAIT; /* the FIN_WAIT2 timewait mini-socket runs the timewait timer */
}

/* A SYN into the orphaned FIN_WAIT2 once it is a timewait mini-socket (tcp_close() made it one:
 * tcp_fin_timeout 60 leaves nothing for a full socket's keepalive timer): in window and not
 * before rcv_nxt, tcp_timewait_state_process() answers TCP_TW_RST (an RST|ACK acking the SYN:
 * tcp_v4_send_reset() to a segment without ACK), unlike a TIME_WAIT, where such a SYN may open
 * a new connection. rcv_nxt is the client's sequence number after its
 * handshake (it sent no data). */
AC_TEST(segments, syn_to_orphaned_fin_wait2_mini_socket_gets_rst,
        .description = "A SYN at rcv_nxt into an orphaned FIN_WAIT2 (its timewait mini-socket) "
                       "gets an RST: only a TIME_WAIT may take a SYN as a new connection.")
{
    int cap = ac_pkt_capture();
    struct ac_addr server, client_end;
    ac_addr_parse(&server, AC_SERVER_IP, PORT);
    int l = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(l, &server));
    ac_setup_ok("listener listen", ac_listen(l, 16));
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client connect", ac_connect(c, &server));
    ac_setup_ok("client address", ac_local_addr(c, &client_end));
    uint16_t cport = ac_addr_port(&client_end);
    struct ac_seg ack;
    ac_setup_ok("the client's handshake ACK, captured",
                ac_pkt_wait(cap, cport, PORT, AC_TH_SYN | AC_TH_ACK, AC_TH_ACK, WAIT_MS, &ack)
                    ? 0
                    : ETIMEDOUT);
    int s = accept(l, NULL, NULL);
    ac_setup_fd("accept", s < 0 ? -errno : s);
    close(s);
    char b;
    ac_setup_ok("client reads EOF", recv(c, &b, 1, 0) == 0 ? 0 : EIO);
    struct ac_match orphan = {
        .states = AC_STATE_BIT(AC_FIN_WAIT2), .local = &server, .remote = &client_end};
    ac_setup_ok(
        "the server's orphan a FIN_WAIT2 mini-socket",
        ac_diag_wait_until(&orphan, mini_socket, NULL, AC_STATE_TIMEOUT_MS, NULL) ? 0 : ETIMEDOUT);
    struct ac_seg syn = ac_seg_on(AC_SERVER_IP, cport, PORT, AC_TH_SYN, ack.seq, 0), seen;
    ac_pkt_send(&syn, NULL);
    /* past the server's FIN and everything before our SYN: the next is the reply to it */
    ac_setup_ok("our SYN, captured",
                ac_pkt_wait(cap, cport, PORT, AC_TH_SYN, AC_TH_SYN, WAIT_MS, &seen) ? 0
                                                                                    : ETIMEDOUT);
    ac_expect_next_segment(AC_CLAIM(PACKET, "server end"),
                           "the mini-socket's first reply to the SYN (flags)", cap, PORT, cport,
                           "RST|ACK");
    close(c);
    close(l);
    close(cap);
}
