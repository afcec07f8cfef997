/* What a SYN_RECV request does with the segments that reach it, segment by segment.
 *
 * The request is ours: a raw socket of the namespace (fixtures/packet.h) sends a SYN from
 * port 40000, where no socket is, to a listener on 192.168.1.100:9999 (or [::1]:9999), and the
 * capture gives the SYN-ACK's ISN. Then one segment no real client would send is built, and
 * the listener's answer and the request's fate are read.
 *
 *     listener :9999 -- request SYN_RECV (snt_isn, rcv_nxt = our ISN + 1)  <-- segment --  :40000
 *
 * The kernel answers our SYN-ACK on behalf of port 40000 with an RST at rcv_nxt, which would
 * kill the request: those RSTs are dropped on output (nft). They are the kernel's own
 * (tcp_v4_send_reset(), tcp_v6_send_response(): window 0), ours carry a window, so the rule
 * drops only the kernel's.
 *
 * tcp_check_req() (net/ipv4/tcp_minisocks.c, 6.1.192 and 6.18), in its order:
 *  - an ACK (without RST) whose ACK number is not snt_isn + 1 is handed back to the listener,
 *    whose tcp_rcv_state_process() answers an ACK with an RST at that ACK number; the request
 *    stays (RFC 793: an unacceptable ACK in a non-synchronized state is reset);
 *  - out of window, or failing PAWS (a TSval older than the SYN's): an ACK and nothing more;
 *  - in window, an RST not exactly at rcv_nxt: a challenge ACK (RFC 5961 3.2,
 *    tcp_reqsk_send_challenge_ack()), the request stays;
 *  - in window, an RST at rcv_nxt (whatever its ACK number): the request is dropped
 *    (embryonic_reset), and nothing is sent for an RST;
 *  - in window, an acceptable ACK: the child is created and handed the segment, wherever in
 *    the window its sequence number is: the connection is ESTABLISHED.
 * The ISN of a SYN-ACK (tcp_conn_request(), net/ipv4/tcp_input.c): init_seq_and_ts_off() ->
 * secure_tcp_seq() / secure_tcpv6_seq() (net/core/secure_seq.c): a keyed hash of the 4-tuple plus
 * ktime_get_real_ns() >> 6, with or without the timestamps option; so two SYNs of one 4-tuple
 * get ISNs that differ by the time between them in 64 ns units. */
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/kernel.h"
#include "../fixtures/netns.h"
#include "../fixtures/nft.h"
#include "../fixtures/packet.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000
#define CLIENT_ISN  1000000u
#define WAIT_MS     2000
#define V4          AC_SERVER_IP
#define V6          "::1"

TestSuite(synrecv, .description = "A SYN_RECV request resets an ACK of the wrong number, dies "
                                  "on an RST at rcv_nxt, challenges an RST elsewhere in its "
                                  "window, answers an ACK that fails PAWS, becomes a connection "
                                  "on any other acceptable ACK in its window, and its SYN-ACK's "
                                  "ISN follows the clock; a Fast Open child answers a SYN with "
                                  "an RST and stays.");

struct req {
    const char *ip;
    int capture;
    int listener;
    struct ac_addr server, client;
    uint32_t snt_isn; /* the SYN-ACK's sequence number */
    uint32_t rcv_nxt; /* one past our SYN */
};

/* The listener and the capture, and the kernel's RSTs to port 40000 dropped. */
static void listener(struct req *r, const char *ip)
{
    memset(r, 0, sizeof *r);
    r->ip = ip;
    ac_addr_parse(&r->server, ip, PORT);
    ac_addr_parse(&r->client, ip, CLIENT_PORT);
    int family = ac_addr_family(&r->server);
    r->capture = ac_pkt_capture_family(family);
    ac_nft("add rule inet afterclose out tcp sport 40000 tcp dport 9999 tcp flags & rst == rst "
           "tcp window 0 drop\n");
    r->listener = ac_setup_fd("listener socket", ac_tcp_socket(family, 0));
    ac_setup_ok("listener bind", ac_bind(r->listener, &r->server));
    ac_setup_ok("listener listen", ac_listen(r->listener, 16));
    ac_setup_ok("listener O_NONBLOCK", fcntl(r->listener, F_SETFL, O_NONBLOCK) ? errno : 0);
}

/* A segment of ours from 40000 to 9999. */
static struct ac_seg from_client(const struct req *r, uint8_t flags, uint32_t seq, uint32_t ack)
{
    return ac_seg_on(r->ip, CLIENT_PORT, PORT, flags, seq, ack);
}

/* Our SYN (with the timestamps option or not, carrying `data` unless NULL), its SYN-ACK read, the
 * request seen in SYN_RECV: a request socket, or with data to a Fast Open listener the child. */
static void open_request(struct req *r, bool ts, const char *data)
{
    struct ac_seg syn = from_client(r, AC_TH_SYN, CLIENT_ISN, 0);
    syn.has_ts = ts;
    syn.tsval = 1000;
    syn.len = data ? strlen(data) : 0;
    ac_pkt_send(&syn, data);
    struct ac_seg sa;
    ac_setup_ok("the listener's SYN-ACK",
                ac_pkt_wait(r->capture, PORT, CLIENT_PORT, AC_TH_SYN | AC_TH_ACK,
                            AC_TH_SYN | AC_TH_ACK, WAIT_MS, &sa)
                    ? 0
                    : ETIMEDOUT);
    r->rcv_nxt = CLIENT_ISN + 1 + (uint32_t)syn.len;
    ac_setup_ok(data ? "the SYN-ACK acknowledges the data in our SYN (a Fast Open child)"
                     : "the SYN-ACK acknowledges our SYN",
                sa.ack == r->rcv_nxt ? 0 : EPROTO);
    r->snt_isn = sa.seq;
    struct ac_match m = {.local = &r->server, .remote = &r->client};
    ac_expect_state(AC_SETUP(STATE, "server end"), "the request after our SYN", &m, AC_SYN_RECV,
                    AC_STATE_TIMEOUT_MS);
}

/* The first segment `who` (the listener's, the child's) sends after our segment s, by its flags
 * ("RST", "ACK", "nothing"): an RST answers at s's ACK number; an ACK (the request's) is at
 * snt_isn + 1 and acknowledges rcv_nxt. */
static void expect_first_reply(const struct req *r, const struct ac_seg *s, const char *who,
                               const char *reply_flags)
{
    struct ac_seg reply = {0};
    char got[32] = "nothing";
    if (ac_pkt_first_reply(r->capture, s, WAIT_MS, &reply))
        ac_seg_flags_text(reply.flags, got, sizeof got);
    char sent[32], step[96];
    ac_seg_flags_text(s->flags, sent, sizeof sent);
    snprintf(step, sizeof step, "%s first reply to our %s (flags)", who, sent);
    ac_expect_str(AC_CLAIM(PACKET, r->server.text), step, reply_flags, got);
    if (strcmp(got, "RST") == 0)
        ac_expect_int(AC_CLAIM(PACKET, r->server.text),
                      "the RST's sequence number minus our ACK number", 0,
                      (int32_t)(reply.seq - s->ack));
    if (strcmp(got, "ACK") == 0) {
        ac_expect_int(AC_CLAIM(PACKET, r->server.text),
                      "the ACK's sequence number minus (snt_isn + 1)", 0,
                      (int32_t)(reply.seq - (r->snt_isn + 1)));
        ac_expect_int(AC_CLAIM(PACKET, r->server.text), "the ACK's ACK number minus rcv_nxt", 0,
                      (int32_t)(reply.ack - r->rcv_nxt));
    }
}

enum after { STAYS, GONE, ESTABLISHED };

/* One segment into the request: its flags, its sequence number minus rcv_nxt, its ACK number
 * minus (snt_isn + 1), its TSval (0: no timestamps option, on the SYN either); the first
 * reply's flags and what the request is then. */
static void segment_into_request_ts(const char *ip, uint8_t flags, uint32_t seq_off,
                                    uint32_t ack_off, uint32_t tsval, const char *reply_flags,
                                    enum after after)
{
    struct req r;
    listener(&r, ip);
    open_request(&r, tsval != 0, NULL);
    struct ac_seg s = from_client(&r, flags, r.rcv_nxt + seq_off, r.snt_isn + 1 + ack_off);
    s.has_ts = tsval != 0;
    s.tsval = tsval;
    ac_pkt_send(&s, NULL);
    expect_first_reply(&r, &s, "the listener's", reply_flags);
    struct ac_match m = {.local = &r.server, .remote = &r.client};
    if (after == GONE) {
        m.states = AC_ALL_STATES;
        ac_expect_gone(AC_CLAIM(STATE, "server end"), "the request after the segment", &m,
                       AC_STATE_TIMEOUT_MS);
    } else {
        ac_expect_state(AC_CLAIM(STATE, "server end"), "the server end after the segment", &m,
                        after == STAYS ? AC_SYN_RECV : AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    }
    /* A request is not in the accept queue; a child is, even one left in SYN_RECV (a full
     * socket whose ACK tcp_rcv_state_process() found unacceptable looks the same in sock_diag). */
    int a = accept(r.listener, NULL, NULL);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() after the segment (non-blocking)",
                    after == ESTABLISHED ? 0 : EAGAIN, a < 0 ? errno : 0);
    if (a >= 0)
        close(a);
    close(r.listener);
    close(r.capture);
}

/* The same, without the timestamps option on either side. */
static void segment_into_request(const char *ip, uint8_t flags, uint32_t seq_off, uint32_t ack_off,
                                 const char *reply_flags, enum after after)
{
    segment_into_request_ts(ip, flags, seq_off, ack_off, 0, reply_flags, after);
}

#define ACK     AC_TH_ACK
#define RST     AC_TH_RST
#define RST_ACK (AC_TH_RST | AC_TH_ACK)
#define BAD_ACK 1000 /* an ACK number past the SYN-ACK's: acknowledges what was never sent */
/* RFC 5961 3.2 for a request: tcp_check_req() treats an RST|ACK with a bad ACK number as an
 * RST (the `!(flg & TCP_FLAG_RST)` of its bad-ACK check) and challenges an in-window RST not
 * at rcv_nxt (tcp_reqsk_send_challenge_ack()). Without them the RST|ACK goes to the listener,
 * which drops it (the request stays), and any in-window RST drops the request silently. One
 * fix brought both, "tcp: challenge ACK for non-exact RST in SYN-RECEIVED" (CVE-2026-68118),
 * through stable updates: Debian's changelogs list it in 6.1.191 and 6.12.105, and not in the
 * 7.2 stable updates (7.2.0 had it). Runs: 5.10.262 lacks it (and its source); 6.1.192,
 * 6.12.118, 6.18.44 and 7.2.13 have it. The upstream commit could not be read here (no kernel
 * history on this machine). Elsewhere the rows skip, naming the kernel. */
static const struct ac_stable_point rst_rule_points[] = {
    {AC_KV(5, 10), AC_NONE_KNOWN, 262},
    {AC_KV(6, 1), 191, 190},
    {AC_KV(6, 12), 105, 104},
    {AC_KV(6, 18), 44, AC_NONE_KNOWN},
};
static const struct ac_stable_fix RST_RULE = {
    "tcp: challenge ACK for non-exact RST in SYN-RECEIVED (CVE-2026-68118)", AC_KV(7, 2),
    rst_rule_points, sizeof rst_rule_points / sizeof rst_rule_points[0]};
#define X(name, ip, flags, seq_off, ack_off, reply, after, rule)                                   \
    AC_TEST(synrecv, name, .description = rule)                                                    \
    {                                                                                              \
        segment_into_request(ip, flags, seq_off, ack_off, reply, after);                           \
    }
/* name, family, our segment: flags, seq - rcv_nxt, ack - (snt_isn + 1); first reply, request */
X(ack_of_wrong_number_gets_rst_request_stays, V4, ACK, 0, BAD_ACK, "RST", STAYS,
  "An ACK that acknowledges something the SYN-ACK did not send is answered by the listener "
  "with an RST at that ACK number, and the request stays in SYN_RECV.")
X(rst_ack_of_wrong_number_at_rcv_nxt_kills_request, V4, RST_ACK, 0, BAD_ACK, "nothing",
  (enum after)ac_with_fix(&RST_RULE, GONE, STAYS),
  "An RST|ACK at rcv_nxt is an RST, whatever its ACK number: the request is dropped and "
  "nothing is sent (with CVE-2026-68118's fix: 6.1.191, 6.12.105, 7.2 on; without it, as in "
  "5.10.262, the listener drops it and the request stays).")
X(rst_at_rcv_nxt_kills_request, V4, RST, 0, 0, "nothing", GONE,
  "An RST exactly at rcv_nxt drops the request at once, and nothing is sent in reply.")
X(rst_in_window_not_at_rcv_nxt_gets_challenge_ack, V4, RST, 1, 0,
  ac_with_fix_text(&RST_RULE, "ACK", "nothing"), (enum after)ac_with_fix(&RST_RULE, STAYS, GONE),
  "An RST inside the window but not exactly at rcv_nxt gets a challenge ACK of rcv_nxt "
  "(RFC 5961 3.2), and the request stays (with CVE-2026-68118's fix: 6.1.191, 6.12.105, 7.2 "
  "on; without it, as in 5.10.262, the request is dropped silently).")
X(ack_in_window_not_at_rcv_nxt_completes_handshake, V4, ACK, 100, 0, "nothing", ESTABLISHED,
  "An acceptable ACK whose sequence number is inside the window but past rcv_nxt is not "
  "challenged: it completes the handshake, silently.")
X(ack_of_wrong_number_gets_rst_request_stays_ipv6, V6, ACK, 0, BAD_ACK, "RST", STAYS,
  "Over IPv6 too an ACK of something never sent gets the listener's RST at that ACK number, "
  "and the request stays.")
X(rst_ack_of_wrong_number_at_rcv_nxt_kills_request_ipv6, V6, RST_ACK, 0, BAD_ACK, "nothing",
  (enum after)ac_with_fix(&RST_RULE, GONE, STAYS),
  "Over IPv6 too an RST|ACK at rcv_nxt drops the request whatever its ACK number.")
X(rst_at_rcv_nxt_kills_request_ipv6, V6, RST, 0, 0, "nothing", GONE,
  "Over IPv6 too an RST exactly at rcv_nxt drops the request, and nothing is sent.")
X(rst_in_window_not_at_rcv_nxt_gets_challenge_ack_ipv6, V6, RST, 1, 0,
  ac_with_fix_text(&RST_RULE, "ACK", "nothing"), (enum after)ac_with_fix(&RST_RULE, STAYS, GONE),
  "Over IPv6 too an RST in the window but not at rcv_nxt gets a challenge ACK, and the "
  "request stays.")
X(ack_in_window_not_at_rcv_nxt_completes_handshake_ipv6, V6, ACK, 100, 0, "nothing", ESTABLISHED,
  "Over IPv6 too an acceptable ACK past rcv_nxt inside the window completes the handshake.")
#undef X

/* PAWS for a request: when our SYN carried the timestamps option (TSval 1000), tcp_check_req()
 * parses the ACK's options and rejects a TSval older than the SYN's (tcp_paws_reject()) as out
 * of window: an ACK, and the request stays. */
#define X(name, ip, tsval, reply, after, rule)                                                     \
    AC_TEST(synrecv, name, .description = rule)                                                    \
    {                                                                                              \
        segment_into_request_ts(ip, ACK, 0, 0, tsval, reply, after);                               \
    }
/* name, family, our acceptable ACK's TSval (the SYN's was 1000), first reply, request, rule */
X(ack_with_tsval_older_than_syns_fails_paws_gets_ack, V4, 500, "ACK", STAYS,
  "An otherwise acceptable ACK whose timestamp is older than the SYN's fails PAWS: the request "
  "answers with an ACK of rcv_nxt and stays in SYN_RECV.")
X(ack_with_tsval_newer_than_syns_completes_handshake, V4, 1001, "nothing", ESTABLISHED,
  "The same ACK with a timestamp newer than the SYN's passes PAWS and completes the handshake, "
  "silently.")
X(ack_with_tsval_older_than_syns_fails_paws_gets_ack_ipv6, V6, 500, "ACK", STAYS,
  "Over IPv6 too an ACK whose timestamp is older than the SYN's fails PAWS: an ACK, and the "
  "request stays.")
#undef X

/* A Fast Open child (tcp_fastopen=0x202: listeners on, no cookie needed) is made at the SYN, and
 * tcp_check_req() then checks segments against its request too, with two differences: an ACK
 * number other than snt_isn + 1 is not handed to the listener (the child may have sent data),
 * and a SYN in the window ends in embryonic_reset, which for Fast Open sends an RST but keeps
 * the child. */
AC_TEST(synrecv, syn_into_fastopen_child_gets_rst_child_stays,
        .description = "A SYN|ACK inside the window of a Fast Open child still in SYN_RECV, "
                       "whatever its ACK number, is answered with an RST at that number, and "
                       "the child stays in SYN_RECV.")
{
    ac_netns_sysctl("net/ipv4/tcp_fastopen", "514");
    struct req r;
    listener(&r, V4);
    int qlen = 16;
    ac_setup_ok("TCP_FASTOPEN on the listener",
                setsockopt(r.listener, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof qlen) ? errno : 0);
    open_request(&r, false, "hi");
    int child = accept(r.listener, NULL, NULL);
    ac_setup_fd("accept() the Fast Open child", child < 0 ? -errno : child);
    struct ac_seg s = from_client(&r, AC_TH_SYN | AC_TH_ACK, r.rcv_nxt, r.snt_isn + 1 + BAD_ACK);
    ac_pkt_send(&s, NULL);
    expect_first_reply(&r, &s, "the child's", "RST");
    ac_expect_state_name(AC_CLAIM(STATE, "server end"), "state of the Fast Open child", "SYN_RECV",
                         ac_tcp_state_name(ac_fd_tcp_state(child)));
    close(child);
    close(r.listener);
    close(r.capture);
}

/* --- the SYN-ACK's ISN ---------------------------------------------------------------------- */

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* A request opened, its ISN and when (between *before and *after, CLOCK_REALTIME, the clock
 * secure_tcp_seq() reads), then killed by an RST at rcv_nxt so that the 4-tuple is free. */
static uint32_t isn_of_request(struct req *r, bool ts, int64_t *before, int64_t *after)
{
    *before = now_ns();
    open_request(r, ts, NULL);
    *after = now_ns();
    struct ac_seg rst = from_client(r, AC_TH_RST, r->rcv_nxt, 0);
    ac_pkt_send(&rst, NULL);
    struct ac_match m = {.states = AC_ALL_STATES, .local = &r->server, .remote = &r->client};
    ac_expect_gone(AC_SETUP(STATE, "server end"), "the request after our RST at rcv_nxt", &m,
                   AC_STATE_TIMEOUT_MS);
    return r->snt_isn;
}

/* Two SYNs of one 4-tuple: the second ISN minus the first must lie within the time between
 * them in 64 ns units (one unit either side for the shift's rounding). */
static void isn_follows_clock(const char *ip, bool ts)
{
    struct req r;
    listener(&r, ip);
    int64_t b1, a1, b2, a2;
    uint32_t isn1 = isn_of_request(&r, ts, &b1, &a1);
    uint32_t isn2 = isn_of_request(&r, ts, &b2, &a2);
    int64_t lo = (b2 - a1) / 64 - 1, hi = (a2 - b1) / 64 + 1;
    int64_t diff = (int32_t)(isn2 - isn1);
    char seen[160] = "within the time between them / 64 ns";
    if (diff < lo || diff > hi)
        snprintf(seen, sizeof seen, "%" PRId64 ", outside [%" PRId64 ", %" PRId64 "]", diff, lo,
                 hi);
    ac_expect_str(AC_CLAIM(PACKET, r.server.text),
                  "second SYN-ACK's ISN minus the first's, the same 4-tuple",
                  "within the time between them / 64 ns", seen);
    close(r.listener);
    close(r.capture);
}

#define NO_TS   false
#define WITH_TS true
#define X(name, ip, ts, rule)                                                                      \
    AC_TEST(synrecv, name, .description = rule)                                                    \
    {                                                                                              \
        isn_follows_clock(ip, ts);                                                                 \
    }
X(isn_without_timestamps_advances_with_clock, V4, NO_TS,
  "A SYN without the timestamps option gets a SYN-ACK whose ISN is the 4-tuple's hash plus the "
  "clock in 64 ns units: a second SYN of the same 4-tuple gets the first ISN plus the time "
  "between them.")
X(isn_with_timestamps_advances_with_clock, V4, WITH_TS,
  "A SYN with the timestamps option gets its ISN the same way: the 4-tuple's hash plus the "
  "clock in 64 ns units.")
X(isn_without_timestamps_advances_with_clock_ipv6, V6, NO_TS,
  "Over IPv6 a SYN without timestamps gets an ISN that advances with the clock in 64 ns units "
  "for one 4-tuple.")
#undef X
