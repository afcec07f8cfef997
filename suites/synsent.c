/* What a connecting client in SYN_SENT does with the segment that comes back, segment by segment.
 *
 * The client is real: a non-blocking connect() from 192.168.1.100:40000 (or [::1]:40000) to
 * port 9999, where nothing listens. The capture gives its SYN (ISN, TSval); the kernel's
 * RST|ACK to that SYN is dropped on output (nft: window 0, ours carry a window), so the client
 * stays in SYN_SENT, and a raw socket of the namespace (fixtures/packet.h) plays the server.
 *
 *     client :40000 SYN_SENT (iss, snd_nxt = iss + 1)  -- SYN -->  :9999 (nobody; RST dropped)
 *                                                      <-- our segment --
 *
 * tcp_rcv_synsent_state_process() (net/ipv4/tcp_input.c, 6.1.192 and 6.18), in its order:
 *  - an ACK not in (snd_una, snd_nxt] is answered with an RST at that ACK number
 *    (reset_and_undo); if the SYN has not been retransmitted yet, the retransmission timer is
 *    first rearmed to TCP_TIMEOUT_MIN (2 jiffies), so the SYN goes again at once, not after
 *    the 1 s initial RTO ("previous FIN/ACK or RST/ACK might be ignored");
 *  - an acceptable ACK with the timestamps option whose TSecr is not 0 and not between the
 *    SYN's timestamp and now: TcpExt PAWSActive + 1 and the same RST, still SYN_SENT; a TSecr
 *    of 0 echoes nothing and is not checked: the connection completes;
 *  - no ACK, a SYN (a simultaneous open): PAWS first, but only if this segment carries
 *    timestamps and ts_recent_stamp is set; then SYN_RECV and a SYN-ACK of our ISN.
 * ts_recent_stamp is set in SYN_SENT only by connect() taking over a TIME_WAIT of the same
 * 4-tuple (tcp_twsk_unique(), net/ipv4/tcp_ipv4.c, copies tw_ts_recent and its stamp; with
 * bind() first it does so whatever tcp_tw_reuse says): the client first lives one connection
 * to a real listener on 9999 and closes first. tcp_timestamps=2 (no random offset) makes the
 * listener's TSval the boot clock in ms, so ts_recent is a small positive number and a SYN whose
 * TSval is below it fails tcp_paws_check(); a SYN without timestamps leaves rcv_tsval at 0,
 * which would fail it too if it were checked. */
#include "../harness/actest.h"
#include "../harness/within.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/mib.h"
#include "../fixtures/netns.h"
#include "../fixtures/nft.h"
#include "../fixtures/packet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PORT        9999
#define CLIENT_PORT 40000
#define SERVER_ISN  3000000u
#define WAIT_MS     2000
#define V4          AC_SERVER_IP
#define V6          "::1"

TestSuite(synsent, .description = "A SYN_SENT client resets a SYN-ACK of the wrong ACK number and "
                                  "sends its SYN again at once, rejects a SYN-ACK echoing a "
                                  "timestamp it never sent but not one echoing none, and checks "
                                  "a crossed SYN's timestamp only when it has one.");

struct client {
    const char *ip;
    int capture;
    int fd;
    struct ac_addr me, server;
    struct ac_seg syn; /* the client's SYN as captured */
};

/* The two addresses, and the kernel's RSTs to port 40000 (from the port nobody listens on)
 * dropped. */
static void prepare(struct client *c, const char *ip)
{
    memset(c, 0, sizeof *c);
    c->ip = ip;
    ac_addr_parse(&c->me, ip, CLIENT_PORT);
    ac_addr_parse(&c->server, ip, PORT);
    ac_nft("add rule inet afterclose out tcp sport 9999 tcp dport 40000 tcp flags & rst == rst "
           "tcp window 0 drop\n");
}

/* One connection from ip:40000 to a listener on ip:9999 that the client closes first: the
 * client's end is a TIME_WAIT that saw the listener's timestamps; the listener is closed. */
static void timewait_with_timestamps(struct client *c)
{
    int family = ac_addr_family(&c->me);
    int listener = ac_setup_fd("listener socket", ac_tcp_socket(family, 0));
    ac_setup_ok("listener bind", ac_bind(listener, &c->server));
    ac_setup_ok("listener listen", ac_listen(listener, 16));
    int first = ac_setup_fd("first client socket", ac_tcp_socket(family, AC_REUSEADDR));
    ac_setup_ok("first client bind", ac_bind(first, &c->me));
    ac_setup_ok("first client connect", ac_connect(first, &c->server));
    int server = accept(listener, NULL, NULL);
    ac_setup_fd("accept", server < 0 ? -errno : server);
    close(listener);
    close(first);
    char b;
    ac_setup_ok("server reads EOF", recv(server, &b, 1, 0) == 0 ? 0 : EIO);
    close(server);
    struct ac_match tw = {.local = &c->me, .remote = &c->server};
    ac_expect_state(AC_SETUP(STATE, "client end"), "the first connection after the client closed",
                    &tw, AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
}

/* The capture (opened here: what came before, such as an earlier connection's SYN, is not
 * in it), the non-blocking connect() from ip:40000 (SO_REUSEADDR, bound first) to ip:9999, its
 * SYN read, the client seen in SYN_SENT. */
static void connect_client(struct client *c)
{
    c->capture = ac_pkt_capture_family(ac_addr_family(&c->me));
    c->fd = ac_setup_fd("client socket",
                        ac_tcp_socket(ac_addr_family(&c->me), AC_REUSEADDR | AC_NONBLOCK));
    ac_setup_ok("client bind", ac_bind(c->fd, &c->me));
    int err = ac_connect(c->fd, &c->server);
    ac_setup_ok("client connect (non-blocking)", err == EINPROGRESS ? 0 : err ? err : EPROTO);
    ac_setup_ok("the client's SYN", ac_pkt_wait(c->capture, CLIENT_PORT, PORT,
                                                AC_TH_SYN | AC_TH_ACK, AC_TH_SYN, WAIT_MS, &c->syn)
                                        ? 0
                                        : ETIMEDOUT);
    struct ac_match m = {.local = &c->me, .remote = &c->server};
    ac_expect_state(AC_SETUP(STATE, "client end"), "the client after its SYN", &m, AC_SYN_SENT,
                    AC_STATE_TIMEOUT_MS);
}

/* A segment of ours from 9999 to 40000. */
static struct ac_seg from_server(const struct client *c, uint8_t flags, uint32_t seq, uint32_t ack)
{
    return ac_seg_on(c->ip, PORT, CLIENT_PORT, flags, seq, ack);
}

/* The client's first segment after `sent` was delivered (its flags, "nothing" if none came
 * within WAIT_MS), claimed as `expected`. */
static struct ac_seg client_answer(const struct client *c, const struct ac_seg *sent,
                                   const char *expected)
{
    ac_setup_ok("our segment delivered",
                ac_pkt_wait_sent(c->capture, sent, WAIT_MS) ? 0 : ETIMEDOUT);
    struct ac_seg reply = {0};
    char got[32] = "nothing", sent_flags[32], step[96];
    if (ac_pkt_wait(c->capture, CLIENT_PORT, PORT, 0, 0, WAIT_MS, &reply))
        ac_seg_flags_text(reply.flags, got, sizeof got);
    ac_seg_flags_text(sent->flags, sent_flags, sizeof sent_flags);
    snprintf(step, sizeof step, "the client's first segment after our %s (flags)", sent_flags);
    ac_expect_str(AC_CLAIM(PACKET, c->me.text), step, expected, got);
    return reply;
}

static void expect_client_state(const struct client *c, enum ac_tcp_state state)
{
    struct ac_match m = {.local = &c->me, .remote = &c->server};
    ac_expect_state(AC_CLAIM(STATE, "client end"), "the client after our segment", &m, state,
                    AC_STATE_TIMEOUT_MS);
}

/* --- a SYN-ACK whose ACK number is not acceptable -------------------------------------------- */

/* Our SYN-ACK acknowledges iss + 1 + ack_off: the client answers with an RST at that number and
 * (its SYN not yet retransmitted) sends the SYN again within 2 jiffies, far below the 1 s RTO.
 * The bound, 500 ms, sits between the two with room for a slow emulated guest on either side. */
static void synack_of_wrong_ack(const char *ip, int32_t ack_off)
{
    struct client c;
    prepare(&c, ip);
    connect_client(&c);
    struct ac_seg sa =
        from_server(&c, AC_TH_SYN | AC_TH_ACK, SERVER_ISN, c.syn.seq + 1 + (uint32_t)ack_off);
    int64_t sent_at = ac_now_ms();
    ac_pkt_send(&sa, NULL);
    struct ac_seg rst = client_answer(&c, &sa, "RST");
    ac_expect_int(AC_CLAIM(PACKET, c.me.text), "the RST's sequence number minus our ACK number", 0,
                  (int32_t)(rst.seq - sa.ack));
    struct ac_seg again;
    bool came = ac_pkt_wait(c.capture, CLIENT_PORT, PORT, AC_TH_SYN | AC_TH_ACK | AC_TH_RST,
                            AC_TH_SYN, WAIT_MS, &again);
    ac_expect_str(AC_CLAIM(PACKET, c.me.text), "the client's SYN sent again", "yes",
                  came ? "yes" : "no");
    ac_expect_within(AC_CLAIM(TIMER, c.me.text),
                     "the SYN sent again, after our SYN-ACK (well below the 1 s RTO)", 0, 500,
                     (long)(ac_now_ms() - sent_at));
    ac_expect_int(AC_CLAIM(PACKET, c.me.text), "the SYN sent again: its ISN minus the first's", 0,
                  (int32_t)(again.seq - c.syn.seq));
    expect_client_state(&c, AC_SYN_SENT);
    close(c.fd);
    close(c.capture);
}

#define X(name, ip, ack_off, rule)                                                                 \
    AC_TEST(synsent, name, .description = rule)                                                    \
    {                                                                                              \
        synack_of_wrong_ack(ip, ack_off);                                                          \
    }
/* name, family, our ACK number minus (iss + 1) */
X(synack_acking_iss_gets_rst_and_syn_resent_at_once, V4, -1,
  "A SYN-ACK acknowledging only the ISN (not past snd_una) is answered with an RST at its ACK "
  "number, and the SYN, never retransmitted yet, is sent again at once instead of after 1 s.")
X(synack_acking_past_snd_nxt_gets_rst_and_syn_resent_at_once, V4, 1000,
  "A SYN-ACK acknowledging more than the SYN is answered with an RST at its ACK number, and the "
  "SYN is sent again at once (TCP_TIMEOUT_MIN) instead of after the 1 s initial RTO.")
X(synack_acking_past_snd_nxt_gets_rst_and_syn_resent_at_once_ipv6, V6, 1000,
  "Over IPv6 too a SYN-ACK acknowledging more than the SYN gets an RST at its ACK number, and "
  "the SYN is sent again at once.")
#undef X

/* --- a SYN-ACK with the timestamps option: its TSecr ------------------------------------------ */

enum tsecr { TSECR_ZERO, TSECR_SYN, TSECR_FUTURE };

/* Our SYN-ACK acknowledges the SYN and carries TSecr 0, the SYN's TSval, or one far past now:
 * the client's answer, its state, and what TcpExt PAWSActive counted. */
static void synack_with_tsecr(const char *ip, enum tsecr tsecr, const char *answer,
                              enum ac_tcp_state state, long rejected)
{
    struct client c;
    prepare(&c, ip);
    connect_client(&c);
    ac_setup_ok("the client's SYN has timestamps", c.syn.has_ts ? 0 : EPROTO);
    struct ac_seg sa = from_server(&c, AC_TH_SYN | AC_TH_ACK, SERVER_ISN, c.syn.seq + 1);
    sa.has_ts = true;
    sa.tsval = 5000;
    sa.tsecr = tsecr == TSECR_ZERO ? 0 : tsecr == TSECR_SYN ? c.syn.tsval : c.syn.tsval + 1000000;
    long before = ac_tcpext_counter("PAWSActive");
    ac_pkt_send(&sa, NULL);
    struct ac_seg reply = client_answer(&c, &sa, answer);
    if (strcmp(answer, "RST") == 0)
        ac_expect_int(AC_CLAIM(PACKET, c.me.text), "the RST's sequence number minus our ACK number",
                      0, (int32_t)(reply.seq - sa.ack));
    else
        ac_expect_int(AC_CLAIM(PACKET, c.me.text), "the ACK's ACK number minus (our ISN + 1)", 0,
                      (int32_t)(reply.ack - (SERVER_ISN + 1)));
    expect_client_state(&c, state);
    ac_expect_int(AC_CLAIM(COUNT, "TcpExt PAWSActive"), "TcpExt PAWSActive after our SYN-ACK",
                  before + rejected, ac_tcpext_counter("PAWSActive"));
    close(c.fd);
    close(c.capture);
}

#define X(name, ip, tsecr, answer, state, rejected, rule)                                          \
    AC_TEST(synsent, name, .description = rule)                                                    \
    {                                                                                              \
        synack_with_tsecr(ip, tsecr, answer, state, rejected);                                     \
    }
/* name, family, our TSecr; the client's answer, its state, PAWSActive's increase */
X(synack_with_tsecr_zero_completes, V4, TSECR_ZERO, "ACK", AC_ESTABLISHED, 0,
  "A SYN-ACK with the timestamps option whose TSecr is 0 echoes nothing and is not checked: "
  "the client acknowledges it and is ESTABLISHED.")
X(synack_echoing_syn_tsval_completes, V4, TSECR_SYN, "ACK", AC_ESTABLISHED, 0,
  "A SYN-ACK echoing the SYN's TSval completes the handshake.")
X(synack_echoing_future_tsval_gets_rst_stays_syn_sent, V4, TSECR_FUTURE, "RST", AC_SYN_SENT, 1,
  "A SYN-ACK echoing a timestamp later than now is rejected (TcpExt PAWSActive + 1): the client "
  "answers with an RST at its ACK number and stays in SYN_SENT.")
X(synack_with_tsecr_zero_completes_ipv6, V6, TSECR_ZERO, "ACK", AC_ESTABLISHED, 0,
  "Over IPv6 too a SYN-ACK whose TSecr is 0 is not checked: the connection completes.")
X(synack_echoing_future_tsval_gets_rst_stays_syn_sent_ipv6, V6, TSECR_FUTURE, "RST", AC_SYN_SENT, 1,
  "Over IPv6 too a SYN-ACK echoing a timestamp later than now is rejected with an RST and "
  "counted in PAWSActive; the client stays in SYN_SENT.")
#undef X

/* --- a crossed SYN after connect() took over a TIME_WAIT -------------------------------------- */

#define NO_TS -1 /* our SYN carries no timestamps option */

/* The client took over its TIME_WAIT (ts_recent from the old connection); our SYN (no ACK)
 * carries TSval `tsval` or no timestamps: a SYN-ACK of the client's ISN and SYN_RECV, or
 * nothing and SYN_SENT. */
static void crossed_syn_after_takeover(const char *ip, long tsval, const char *answer,
                                       enum ac_tcp_state state)
{
    ac_netns_sysctl("net/ipv4/tcp_timestamps", "2");
    struct client c;
    prepare(&c, ip);
    timewait_with_timestamps(&c);
    connect_client(&c);
    struct ac_seg syn = from_server(&c, AC_TH_SYN, SERVER_ISN, 0);
    syn.has_ts = tsval != NO_TS;
    syn.tsval = tsval == NO_TS ? 0 : (uint32_t)tsval;
    ac_pkt_send(&syn, NULL);
    struct ac_seg reply = {0};
    char got[32] = "nothing";
    if (ac_pkt_first_reply(c.capture, &syn, WAIT_MS, &reply))
        ac_seg_flags_text(reply.flags, got, sizeof got);
    ac_expect_str(AC_CLAIM(PACKET, c.me.text), "the client's first reply to our SYN (flags)",
                  answer, got);
    if (strcmp(got, "SYN|ACK") == 0) {
        ac_expect_int(AC_CLAIM(PACKET, c.me.text), "the SYN-ACK's sequence number minus our ISN", 0,
                      (int32_t)(reply.seq - c.syn.seq));
        ac_expect_int(AC_CLAIM(PACKET, c.me.text), "the SYN-ACK's ACK number minus (our ISN + 1)",
                      0, (int32_t)(reply.ack - (SERVER_ISN + 1)));
    }
    expect_client_state(&c, state);
    close(c.fd);
    close(c.capture);
}

#define X(name, ip, tsval, answer, state, rule)                                                    \
    AC_TEST(synsent, name, .description = rule)                                                    \
    {                                                                                              \
        crossed_syn_after_takeover(ip, tsval, answer, state);                                      \
    }
/* name, family, our SYN's TSval (NO_TS: no option); the client's reply, its state */
X(crossed_syn_without_timestamps_after_takeover_gets_synack, V4, NO_TS, "SYN|ACK", AC_SYN_RECV,
  "A client that took over a TIME_WAIT (and its ts_recent) answers a crossed SYN without the "
  "timestamps option with a SYN-ACK and goes SYN_RECV: PAWS checks only segments that carry "
  "timestamps.")
X(crossed_syn_with_old_tsval_after_takeover_discarded, V4, 1, "nothing", AC_SYN_SENT,
  "A crossed SYN whose TSval is older than the ts_recent the client took over from its "
  "TIME_WAIT fails PAWS: it is discarded silently and the client stays in SYN_SENT.")
X(crossed_syn_without_timestamps_after_takeover_gets_synack_ipv6, V6, NO_TS, "SYN|ACK", AC_SYN_RECV,
  "Over IPv6 too a crossed SYN without timestamps is answered with a SYN-ACK after connect() "
  "took over a TIME_WAIT.")
#undef X
