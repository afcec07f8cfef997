/* The close sequence, step by step: the blog's five steps (FIN, ACK, FIN, ACK, timer) as the
 * kernel's own socket table shows them.
 *
 *   server (active closer)                              client (passive closer)
 *   ESTABLISHED  close() ---- FIN ------------------->  ESTABLISHED -> CLOSE_WAIT
 *   FIN_WAIT1    <--------------------------- ACK ----
 *   FIN_WAIT2    <--------------------------- FIN ----  close(): CLOSE_WAIT -> LAST_ACK
 *   TIME_WAIT    ---- ACK ------------------------->    LAST_ACK -> gone
 *   (timer: 60 s, then gone)
 *
 * Each intermediate state lasts one loopback round trip, so a test holds it by dropping the
 * segment that would end it (fixtures/hold.h), looks at it through sock_diag, then releases it
 * and watches the next state: the sender's retransmission timer resends what was dropped. A
 * simultaneous close needs two FINs crossing in flight, which a drop cannot produce; there the
 * loopback device is plugged (a queue that delays, see hold.h) while both ends close. The
 * connection is the harness's: a listener on 192.168.1.100:9999, a client, the accepted end
 * ("server"), "hello server" already exchanged. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/hold.h"
#include "../fixtures/packet.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PORT 9999

TestSuite(closeseq,
          .description = "The side that closes first goes FIN_WAIT1 -> FIN_WAIT2 -> TIME_WAIT and "
                         "the other CLOSE_WAIT -> LAST_ACK -> gone, each step taken on a FIN or "
                         "the ACK of one. An accepted socket in CLOSE_WAIT keeps its file "
                         "descriptor until close() (one still in the accept queue has none), "
                         "and a reset or a shutdown() decides what read() and send() return.");

struct pair {
    struct ac_conn c;
    struct ac_match server; /* the accepted end: local 192.168.1.100:9999 */
    struct ac_match client; /* the client end: local 192.168.1.100:<ephemeral> */
    uint16_t client_port;
};

/* Each test is a process of its own: one pair per process. */
static struct pair *open_pair(void)
{
    static struct pair pair;
    struct pair *p = &pair;
    ac_hold_fast_retransmit();
    ac_conn_open(&p->c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    p->server = ac_conn_server_match(&p->c);
    p->client = (struct ac_match){.local = &p->c.client_end, .remote = &p->c.server_end};
    p->client_port = ac_addr_port(&p->c.client_end);
    return p;
}

static void close_fd(int *fd)
{
    close(*fd);
    *fd = -1;
}

/* One line per step, the way a packetdrill script reads. ROLE is CLAIM or SETUP, END server or
 * client; each waits (bounded) for p->END to be in AC_STATE through sock_diag and records it. */
#define EXPECT_STATE(role, end, what, state)                                                       \
    ac_expect_state(AC_##role(STATE, #end " end"), what, &p->end, AC_##state, AC_STATE_TIMEOUT_MS)
/* ... and that it stays there because the dropped segment is being retransmitted (hold.h) */
#define EXPECT_HELD(role, end, what, state)                                                        \
    ac_hold_expect_retransmitted(AC_##role(STATE, #end " end"), what, &p->end, AC_##state,         \
                                 AC_STATE_TIMEOUT_MS)
/* ... no socket of that 4-tuple left, in any state */
#define EXPECT_GONE(role, end, what)                                                               \
    ac_expect_gone(AC_##role(STATE, #end " end"), what, any_state(p->end), AC_STATE_TIMEOUT_MS)

static const struct ac_match *any_state(struct ac_match m)
{
    static struct ac_match any;
    any = m;
    any.states = AC_ALL_STATES;
    return &any;
}

/* The server end is a timewait mini-socket: the kernel's timewait timer, no file (inode 0). */
static void expect_timewait_socket(struct ac_sockinfo s, const char *what)
{
    char step[96];
    snprintf(step, sizeof step, "timer of %s", what);
    ac_expect_str(AC_CLAIM(TIMER, "server end"), step, "timewait", ac_timer_kind(s.timer));
    snprintf(step, sizeof step, "inode of %s (0: no file refers to it)", what);
    ac_expect_int(AC_CLAIM(FILE, "server end"), step, 0, s.inode);
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

/* A state that waits for the application, not for the network, runs no timer of its own: once
 * the FIN it received is acknowledged nothing is left to retransmit, and the keepalive timer is
 * armed only by SO_KEEPALIVE (or for an orphaned FIN_WAIT2), so sock_diag shows none. The ACK
 * of that FIN may be delayed first (tcp_fin() enters pingpong mode); 7.x kernels show its
 * timer, so the check reads the socket once it went out. */
static void expect_no_timer(const struct ac_match *m, struct ac_sockinfo s, const char *end,
                            const char *state)
{
    char step[96];
    snprintf(step, sizeof step, "%s timer kind (sock_diag), its ACKs sent", state);
    s = ac_diag_after_delayed_ack(m, s, AC_STATE_TIMEOUT_MS);
    ac_expect_str(AC_CLAIM(TIMER, end), step, "none", ac_timer_kind(s.timer));
}

/* Step 1-2: the active closer sends its FIN and stays in FIN_WAIT1 until that FIN is
 * acknowledged; the ACK (step 2) moves it to FIN_WAIT2. Hold: drop the client's ACKs. */
AC_TEST(closeseq, active_closer_fin_wait1_until_fin_acked,
        .description = "The active closer stays in FIN_WAIT1 until its FIN is acknowledged; "
                       "that ACK moves it to FIN_WAIT2.")
{
    struct pair *p = open_pair();
    ac_hold_drop_acks(p->client_port, PORT);
    close_fd(&p->c.server);
    /* The FIN arrived (the client is in CLOSE_WAIT); only its ACK is missing. */
    EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    EXPECT_HELD(CLAIM, server, "server end while the ACK of its FIN is dropped", FIN_WAIT1);
    ac_hold_release();
    EXPECT_STATE(CLAIM, server, "server end once its FIN is acknowledged", FIN_WAIT2);
}

/* Step 3-4: FIN_WAIT2 waits for the peer's FIN (no hold needed: the client's application
 * simply has not closed yet); that FIN moves it to TIME_WAIT, whose only remaining resource is
 * the timer (step 5): no file refers to it. The server closed its fd, so this FIN_WAIT2 is an
 * orphan and would not wait forever: tcp_fin_timeout ends it (timers/fin_timeout_1s_removes_
 * orphaned_fin_wait2_after_1s); only a FIN_WAIT2 whose fd is still open waits for as long as the
 * peer keeps its end open (timers/fin_timeout_does_not_limit_fin_wait2_with_fd_open). */
AC_TEST(closeseq, active_closer_fin_wait2_until_peer_fin,
        .description = "The peer's FIN moves FIN_WAIT2 to TIME_WAIT, which holds only a timer "
                       "and no file. Until then an orphaned FIN_WAIT2, like this one, waits at "
                       "most tcp_fin_timeout (timers/fin_timeout_1s_removes_orphaned_fin_wait2_"
                       "after_1s); only one whose fd is still open lasts while the peer keeps "
                       "its end open (timers/fin_timeout_does_not_limit_fin_wait2_with_fd_open).")
{
    struct pair *p = open_pair();
    close_fd(&p->c.server);
    EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    EXPECT_STATE(CLAIM, server, "server end while the client has not closed", FIN_WAIT2);
    close_fd(&p->c.client);
    struct ac_sockinfo tw =
        EXPECT_STATE(CLAIM, server, "server end after the client's FIN", TIME_WAIT);
    expect_timewait_socket(tw, "the TIME_WAIT socket");
}

/* An orphaned FIN_WAIT2 (the application closed, the peer has not) is no longer a full socket:
 * when the ACK of its FIN arrives, tcp_rcv_state_process() hands it to tcp_time_wait(sk,
 * TCP_FIN_WAIT2, tmo), a timewait mini-socket in substate FIN_WAIT2 whose timer is
 * tcp_fin_timeout (that path is taken unless tcp_fin_timeout exceeds 60 s). Like TIME_WAIT it
 * has no file. A half-closed one (shutdown(SHUT_WR), fd kept) stays a full socket: see below. */
AC_TEST(closeseq, orphaned_fin_wait2_is_a_timewait_socket,
        .description = "When the ACK of an orphan's FIN arrives, tcp_rcv_state_process() "
                       "replaces the socket with a timewait mini-socket in substate FIN_WAIT2, "
                       "timed by tcp_fin_timeout and, like TIME_WAIT, with no file.")
{
    struct pair *p = open_pair();
    close_fd(&p->c.server);
    struct ac_sockinfo fw2 =
        EXPECT_STATE(SETUP, server, "server end after close(), the client still open", FIN_WAIT2);
    expect_timewait_socket(fw2, "the orphaned FIN_WAIT2");
}

/* The passive side: the peer's FIN moves ESTABLISHED to CLOSE_WAIT, and an accepted socket
 * stays there, with its file, for as long as the application keeps it open. (A connection the
 * client closed before it was accepted is in CLOSE_WAIT too, with no file: see acceptq.) */
AC_TEST(closeseq, passive_closer_close_wait_until_application_closes,
        .description = "An accepted socket in CLOSE_WAIT keeps its file descriptor until "
                       "close(); only then does it leave CLOSE_WAIT and go away. Meanwhile it "
                       "runs no timer: it waits for the application. One still in the accept "
                       "queue has no descriptor at all (acceptq/close_wait_in_accept_"
                       "queue_has_no_file_until_accepted).")
{
    struct pair *p = open_pair();
    /* seen before the FIN, so that the state graph can show ESTABLISHED -> CLOSE_WAIT */
    EXPECT_STATE(SETUP, client, "client end before the server's close()", ESTABLISHED);
    close_fd(&p->c.server);
    struct ac_sockinfo cw =
        EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    ac_expect_str(AC_CLAIM(FILE, "client end"), "CLOSE_WAIT socket still has a file (inode != 0)",
                  "yes", yes_no(cw.inode != 0));
    expect_no_timer(&p->client, cw, "client end", "CLOSE_WAIT");
    close_fd(&p->c.client);
    EXPECT_GONE(CLAIM, client, "client end after its close()");
}

/* Step 3-4 on the passive side: close() in CLOSE_WAIT sends the FIN and enters LAST_ACK, which
 * lasts until that FIN is acknowledged; then the socket is gone at once (no TIME_WAIT on this
 * side). Hold: drop the server's ACKs. */
AC_TEST(closeseq, passive_closer_last_ack_then_gone,
        .description = "close() in CLOSE_WAIT (no timer, the application's file) sends the FIN "
                       "and enters LAST_ACK, an orphan with no file, which ends, with no "
                       "TIME_WAIT on this side, when the peer's TIME_WAIT acknowledges that FIN.")
{
    struct pair *p = open_pair();
    close_fd(&p->c.server);
    struct ac_sockinfo cw =
        EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    expect_no_timer(&p->client, cw, "client end", "CLOSE_WAIT");
    ac_expect_str(AC_CLAIM(FILE, "client end"), "CLOSE_WAIT socket has a file (inode != 0)", "yes",
                  yes_no(cw.inode != 0));
    EXPECT_STATE(SETUP, server, "server end", FIN_WAIT2);
    ac_hold_drop_acks(PORT, p->client_port);
    int cap = ac_pkt_capture(); /* dropped on input, the held ACKs never reach it */
    close_fd(&p->c.client);
    struct ac_seg fin = ac_expect_next_segment(AC_CLAIM(PACKET, "client end"),
                                               "the client's segment after close() (flags)", cap,
                                               p->client_port, PORT, "FIN|ACK");
    /* The client's FIN arrived: the server is in TIME_WAIT; only its ACK is missing. */
    EXPECT_STATE(SETUP, server, "server end after the client's FIN", TIME_WAIT);
    struct ac_sockinfo la =
        EXPECT_HELD(CLAIM, client, "client end while the ACK of its FIN is dropped", LAST_ACK);
    /* close() orphaned it: LAST_ACK lives on in the kernel with no file. */
    ac_expect_int(AC_CLAIM(FILE, "client end"), "inode of the LAST_ACK socket (0: no file)", 0,
                  la.inode);
    /* The ACK that finally ends LAST_ACK comes from the server's TIME_WAIT socket, answering
     * the retransmitted FIN (tcp_timewait_state_process()): the reason TIME_WAIT exists. */
    ac_hold_release();
    struct ac_seg ack = ac_expect_next_segment(AC_CLAIM(PACKET, "server end"),
                                               "the server's first segment let through (flags)",
                                               cap, PORT, p->client_port, "ACK");
    ac_expect_int(AC_CLAIM(PACKET, "server end"),
                  "its ACK number minus the end of the client's FIN", 0,
                  (int32_t)(ack.ack - (fin.seq + (uint32_t)fin.len + 1)));
    EXPECT_GONE(CLAIM, client, "client end once its FIN is acknowledged");
}

/* How many RSTs went from sport to dport up to now: a SYN between two ports no socket uses
 * (1 -> 2) is sent as a marker, and the capture is read up to its copy; a segment the kernel
 * sent before it was delivered before it. */
static int rsts_before_marker(int cap, uint16_t sport, uint16_t dport)
{
    struct ac_seg marker = {
        .sport = 1, .dport = 2, .seq = 4242, .flags = AC_TH_SYN, .window = 1024};
    ac_seg_set_addrs(&marker, AC_SERVER_IP, AC_SERVER_IP);
    ac_pkt_send(&marker, NULL);
    int rsts = 0;
    struct ac_seg s;
    for (;;) {
        if (!ac_pkt_next(cap, AC_STATE_TIMEOUT_MS, &s))
            ac_fail_with_table("the marker segment (port 1 -> 2) was not captured");
        if (s.sport == marker.sport && s.dport == marker.dport && s.seq == marker.seq)
            return rsts;
        if (s.sport == sport && s.dport == dport && (s.flags & AC_TH_RST))
            rsts++;
    }
}

/* The client held in LAST_ACK with its fd kept: the server closes first, the client half-closes
 * (shutdown(SHUT_WR) in CLOSE_WAIT sends its FIN) and the server's TIME_WAIT's ACK of that FIN
 * is dropped. Returns the capture, opened before the client's FIN. */
static int client_held_in_last_ack(struct pair *p)
{
    close_fd(&p->c.server);
    EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    EXPECT_STATE(SETUP, server, "server end", FIN_WAIT2);
    ac_hold_drop_acks(PORT, p->client_port);
    int cap = ac_pkt_capture();
    ac_setup_ok("client shutdown(SHUT_WR)", shutdown(p->c.client, SHUT_WR) ? errno : 0);
    ac_expect_next_segment(AC_SETUP(PACKET, "client end"),
                           "the client's segment after shutdown(SHUT_WR) (flags)", cap,
                           p->client_port, PORT, "FIN|ACK");
    EXPECT_STATE(SETUP, server, "server end after the client's FIN", TIME_WAIT);
    EXPECT_HELD(SETUP, client, "client end, fd kept, the ACK of its FIN dropped", LAST_ACK);
    return cap;
}

/* The client held in CLOSING with its fd kept: both ends shutdown(SHUT_WR) while the loopback
 * is plugged, so the FINs cross (as in simultaneous_close()); after the first FIN everything
 * from the server is dropped, and from the client only what carries no FIN or RST, so the
 * client never sees the ACK of its FIN while its RST, if any, would reach the capture. */
static int client_held_in_closing(struct pair *p)
{
    ac_hold_plug_loopback();
    ac_setup_ok("server shutdown(SHUT_WR)", shutdown(p->c.server, SHUT_WR) ? errno : 0);
    ac_setup_ok("client shutdown(SHUT_WR)", shutdown(p->c.client, SHUT_WR) ? errno : 0);
    EXPECT_STATE(SETUP, server, "server end, its FIN queued", FIN_WAIT1);
    EXPECT_STATE(SETUP, client, "client end, its FIN queued", FIN_WAIT1);
    ac_hold_drop_after_first(PORT, p->client_port);
    ac_hold_drop_acks(p->client_port, PORT);
    ac_hold_unplug_loopback();
    EXPECT_HELD(SETUP, client, "client end, fd kept, the server's FIN received in FIN_WAIT1",
                CLOSING);
    return ac_pkt_capture();
}

/* tcp_disconnect() from LAST_ACK or CLOSING resets only while something is unsent (snd_nxt !=
 * write_seq: "the discrepancy of Linux wrt. RFC states", 6.1) since tcp_need_reset() names
 * neither state; here the FIN, the last byte of the sequence, went out, so the socket is
 * dropped with no RST, and a peer's TIME_WAIT stays. Two ways in: close() with SO_LINGER
 * {1, 0} (__tcp_close() calls disconnect) and connect(AF_UNSPEC). */
static void disconnect_held(int state, bool linger0)
{
    struct pair *p = open_pair();
    int cap = state == AC_LAST_ACK ? client_held_in_last_ack(p) : client_held_in_closing(p);
    if (linger0) {
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        ac_setup_ok("SO_LINGER {1, 0} on the client",
                    setsockopt(p->c.client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) ? errno : 0);
        close_fd(&p->c.client);
    } else {
        struct sockaddr sa = {.sa_family = AF_UNSPEC};
        ac_expect_errno(AC_SETUP(CONNECT, "client end"), "connect(AF_UNSPEC)", 0,
                        connect(p->c.client, &sa, sizeof sa) ? errno : 0);
    }
    char step[64];
    snprintf(step, sizeof step, "RSTs sent by the disconnect from %s", ac_tcp_state_name(state));
    ac_expect_int(AC_CLAIM(PACKET, "client end"), step, 0,
                  rsts_before_marker(cap, p->client_port, PORT));
    EXPECT_GONE(CLAIM, client, "client end after the disconnect");
    if (state == AC_LAST_ACK)
        EXPECT_STATE(CLAIM, server, "server end after the disconnect, not reset", TIME_WAIT);
}

#define X(name, state, linger0, rule)                                                              \
    AC_TEST(closeseq, name, .description = rule)                                                   \
    {                                                                                              \
        disconnect_held(AC_##state, linger0);                                                      \
    }
/* name, the client's state, SO_LINGER {1, 0} and close() (else connect(AF_UNSPEC)), the rule */
X(last_ack_close_linger0_sends_no_rst_peer_time_wait_stays, LAST_ACK, true,
  "close() with SO_LINGER {1, 0} of a half-closed socket in LAST_ACK, its FIN sent, sends no "
  "RST: tcp_disconnect() resets from LAST_ACK only while data is unsent. The socket is gone and "
  "the peer's TIME_WAIT stays.")
X(last_ack_af_unspec_sends_no_rst_peer_time_wait_stays, LAST_ACK, false,
  "connect(AF_UNSPEC) in LAST_ACK, the FIN sent, sends no RST either (the same "
  "tcp_disconnect()): the connection is dropped and the peer's TIME_WAIT stays.")
X(closing_close_linger0_sends_no_rst, CLOSING, true,
  "close() with SO_LINGER {1, 0} of a socket in CLOSING (both ends half-closed at once), its "
  "FIN sent, sends no RST either: CLOSING resets, like LAST_ACK, only while data is unsent.")
#undef X

/* Simultaneous close: both ends close() before either has seen the other's FIN. Each end,
 * in FIN_WAIT1, then receives a FIN that does not acknowledge its own, acks it and enters
 * CLOSING (tcp_fin(), case TCP_FIN_WAIT1), where it waits for the ACK of its own FIN. The two
 * FINs must cross in flight, so the loopback device is plugged (fixtures/hold.h) while both ends
 * close; what follows the two FINs is dropped so that CLOSING lasts until we look. */
static struct pair *simultaneous_close(void)
{
    struct pair *p = open_pair();
    ac_hold_plug_loopback();
    close_fd(&p->c.server);
    close_fd(&p->c.client);
    EXPECT_STATE(SETUP, server, "server end, its FIN queued", FIN_WAIT1);
    EXPECT_STATE(SETUP, client, "client end, its FIN queued", FIN_WAIT1);
    /* Each queued FIN passes; whatever follows it, in either direction (the ACKs, and the
     * retransmitted FINs, which would acknowledge the peer's FIN by now), is dropped. */
    ac_hold_drop_after_first(PORT, p->client_port);
    ac_hold_drop_after_first(p->client_port, PORT);
    ac_hold_unplug_loopback();
    return p;
}

AC_TEST(closeseq, simultaneous_close_both_closing,
        .description = "When both ends close before either sees the other's FIN, each receives "
                       "in FIN_WAIT1 a FIN that does not acknowledge its own and enters "
                       "CLOSING (tcp_fin()).")
{
    struct pair *p = simultaneous_close();
    EXPECT_HELD(CLAIM, server, "server end, the client's FIN received in FIN_WAIT1", CLOSING);
    EXPECT_HELD(CLAIM, client, "client end, the server's FIN received in FIN_WAIT1", CLOSING);
}

/* Each end of a simultaneous close was an active closer, so BOTH end in TIME_WAIT once their
 * FINs are acknowledged: two TIME_WAIT sockets for one connection. */
AC_TEST(closeseq, simultaneous_close_both_time_wait,
        .description = "Both ends of a simultaneous close are active closers, so each goes "
                       "from CLOSING to TIME_WAIT once its own FIN is acknowledged.")
{
    struct pair *p = simultaneous_close();
    EXPECT_STATE(SETUP, server, "server end", CLOSING);
    EXPECT_STATE(SETUP, client, "client end", CLOSING);
    ac_hold_release();
    EXPECT_STATE(CLAIM, server, "server end once its FIN is acknowledged", TIME_WAIT);
    EXPECT_STATE(CLAIM, client, "client end once its FIN is acknowledged", TIME_WAIT);
}

/* Not quite simultaneous: the server's FIN is LOST (dropped), not delayed, and the client,
 * unaware of it, closes too. The server receives the client's FIN in FIN_WAIT1 and enters
 * CLOSING; the client cannot: the server's FIN will reach it only as a retransmission, which
 * already acknowledges the client's FIN (a segment carries the sender's acknowledgement as of
 * its sending), so the client goes FIN_WAIT1 -> TIME_WAIT directly. Hold: drop everything the
 * server sends. */
static struct pair *lost_fin_then_peer_closes(void)
{
    struct pair *p = open_pair();
    ac_hold_drop_all(PORT, p->client_port);
    close_fd(&p->c.server);
    EXPECT_STATE(SETUP, server, "server end, its FIN lost", FIN_WAIT1);
    EXPECT_STATE(SETUP, client, "client end, unaware of the server's FIN", ESTABLISHED);
    close_fd(&p->c.client);
    return p;
}

AC_TEST(closeseq, lost_fin_then_peer_close_closing_on_one_side,
        .description = "The server, its FIN lost, receives the client's FIN in FIN_WAIT1 and "
                       "enters CLOSING, while the client waits in FIN_WAIT1 for an ACK of its "
                       "own FIN.")
{
    struct pair *p = lost_fin_then_peer_closes();
    EXPECT_HELD(CLAIM, server, "server end, the client's FIN received in FIN_WAIT1", CLOSING);
    EXPECT_STATE(CLAIM, client, "client end, its FIN acknowledged by nobody yet", FIN_WAIT1);
}

AC_TEST(closeseq, lost_fin_then_peer_close_both_time_wait,
        .description = "The server goes CLOSING to TIME_WAIT when its FIN is acknowledged, and "
                       "the client FIN_WAIT1 to TIME_WAIT directly, because the server's "
                       "retransmitted FIN already acknowledges the client's; neither TIME_WAIT "
                       "has a file.")
{
    struct pair *p = lost_fin_then_peer_closes();
    EXPECT_STATE(SETUP, server, "server end", CLOSING);
    ac_hold_release();
    struct ac_sockinfo s = EXPECT_STATE(CLAIM, server, "server end after the release", TIME_WAIT);
    struct ac_sockinfo c = EXPECT_STATE(CLAIM, client, "client end after the release", TIME_WAIT);
    ac_expect_int(AC_CLAIM(FILE, "server end"), "inode of the server's TIME_WAIT", 0, s.inode);
    ac_expect_int(AC_CLAIM(FILE, "client end"), "inode of the client's TIME_WAIT", 0, c.inode);
}

/* errno of a read()/send() that returned n (0 when it did not fail). */
static int io_err(ssize_t n)
{
    return n < 0 ? errno : 0;
}

/* In CLOSE_WAIT the peer's data is still readable; after it, read() returns 0 (end of file),
 * and again 0 on every later call: the FIN is a permanent end of the stream. */
AC_TEST(closeseq, read_returns_zero_in_close_wait,
        .description = "In CLOSE_WAIT the data sent before the FIN is still readable, then "
                       "read() returns 0 on every call; reading the end of file does not leave "
                       "CLOSE_WAIT, only close() does.")
{
    struct pair *p = open_pair();
    ac_setup_ok("server sends bye", send(p->c.server, "bye", 3, 0) == 3 ? 0 : EIO);
    close_fd(&p->c.server);
    EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    char buf[16] = {0};
    ssize_t n = read(p->c.client, buf, sizeof buf - 1);
    ac_expect_int(AC_CLAIM(IO, "client end"),
                  "first read() in CLOSE_WAIT: the data sent before the FIN", 3, n);
    ac_expect_str(AC_CLAIM(IO, "client end"), "data read", "bye", n > 0 ? buf : "");
    ac_expect_int(AC_CLAIM(IO, "client end"), "second read() in CLOSE_WAIT (0 = end of file)", 0,
                  read(p->c.client, buf, 1));
    ac_expect_int(AC_CLAIM(IO, "client end"), "third read() in CLOSE_WAIT", 0,
                  read(p->c.client, buf, 1));
    /* Reading the end of file does not close anything: only close() leaves CLOSE_WAIT. */
    EXPECT_STATE(CLAIM, client, "client end after reading end of file", CLOSE_WAIT);
}

/* Reading a segment in pieces: tcp_recvmsg_locked() copies what the call asks for and keeps
 * the skb queued while some of it is unread (used + offset < skb->len); only a read to its end
 * eats it and, if the FIN was merged into it, takes the end of file. The peer sends 10 bytes
 * and closes; both are queued (CLOSE_WAIT) before the first read. */
static void read_in_chunks(size_t chunk)
{
    static const char sent[] = "0123456789";
    const size_t total = sizeof sent - 1;
    struct pair *p = open_pair();
    struct timeval bound = {.tv_sec = 2};
    ac_setup_ok("client SO_RCVTIMEO 2 s (a bound, not a wait)",
                setsockopt(p->c.client, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) ? errno : 0);
    ac_setup_ok("server sends 10 bytes",
                send(p->c.server, sent, total, 0) == (ssize_t)total ? 0 : EIO);
    close_fd(&p->c.server);
    EXPECT_STATE(SETUP, client, "client end after the server's data and FIN", CLOSE_WAIT);
    char step[96], want[16], buf[16];
    for (size_t off = 0; off < total; off += chunk) {
        size_t len = total - off < chunk ? total - off : chunk;
        memset(buf, 0, sizeof buf);
        ssize_t n = recv(p->c.client, buf, chunk, 0);
        snprintf(step, sizeof step, "recv(%zu) from byte %zu: bytes returned", chunk, off);
        ac_expect_int(AC_CLAIM(IO, "client end"), step, (long)len, n);
        snprintf(step, sizeof step, "recv(%zu) from byte %zu: the bytes", chunk, off);
        snprintf(want, sizeof want, "%.*s", (int)len, sent + off);
        ac_expect_str(AC_CLAIM(IO, "client end"), step, want, n > 0 ? buf : "");
    }
    ac_expect_int(AC_CLAIM(IO, "client end"), "recv() after the 10th byte (0 = end of file)", 0,
                  recv(p->c.client, buf, chunk, 0));
}

#define X(name, chunk, rule)                                                                       \
    AC_TEST(closeseq, name, .description = rule)                                                   \
    {                                                                                              \
        read_in_chunks(chunk);                                                                     \
    }
X(read_in_pieces_gets_every_byte_then_eof, 4,
  "In CLOSE_WAIT, 10 bytes read 4 at a time come as 4, 4 and 2 bytes, in order, then end of "
  "file: a segment read in part stays queued, its FIN with it.")
X(read_whole_gets_every_byte_then_eof, 16,
  "In CLOSE_WAIT, 10 bytes read with room for 16 come in one call, then end of file.")
#undef X

/* A blocking recv() that is asleep when the data or the FIN comes: sk_wait_data() returns
 * true once the receive queue grew, and the loop goes round to copy the data or take the FIN;
 * only a negative result (a signal, the timeout) ends the call with it. The receiving thread
 * is seen asleep ('S' in /proc) before the server acts, so the call did sleep. */
struct sleeper {
    int fd;
    pid_t tid; /* set by the thread before its recv() */
    ssize_t n;
    int err;
    char buf[16];
};

static void *recv_asleep(void *arg)
{
    struct sleeper *s = arg;
    __atomic_store_n(&s->tid, gettid(), __ATOMIC_RELEASE);
    s->n = recv(s->fd, s->buf, sizeof s->buf - 1, 0);
    s->err = s->n < 0 ? errno : 0;
    return NULL;
}

/* Whether thread tid sleeps: the state field after the command's ')' in its stat file. */
static bool thread_asleep(pid_t tid)
{
    char path[64], stat[512] = {0};
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool ok = fgets(stat, sizeof stat, f) != NULL;
    fclose(f);
    const char *end = strrchr(stat, ')');
    return ok && end && end[1] == ' ' && end[2] == 'S';
}

/* Polls (bounded) until the thread has started and sleeps. */
static bool wait_asleep(const struct sleeper *s, int timeout_ms)
{
    int64_t deadline = ac_now_ms() + timeout_ms;
    for (;;) {
        pid_t tid = __atomic_load_n(&s->tid, __ATOMIC_ACQUIRE);
        if (tid && thread_asleep(tid))
            return true;
        if (ac_now_ms() >= deadline)
            return false;
        poll(NULL, 0, 1);
    }
}

static void server_sends_late(struct pair *p)
{
    ac_setup_ok("server sends late", send(p->c.server, "late", 4, 0) == 4 ? 0 : EIO);
}

static void server_closes(struct pair *p)
{
    close_fd(&p->c.server);
}

static void recv_while_asleep(void (*server_acts)(struct pair *), long want_n, const char *want)
{
    struct pair *p = open_pair();
    struct timeval bound = {.tv_sec = 3};
    ac_setup_ok("client SO_RCVTIMEO 3 s (a bound, not a wait)",
                setsockopt(p->c.client, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) ? errno : 0);
    struct sleeper s = {.fd = p->c.client};
    pthread_t t;
    ac_setup_ok("receiving thread", pthread_create(&t, NULL, recv_asleep, &s));
    ac_setup_ok("receiving thread asleep in recv() before the server acts",
                wait_asleep(&s, AC_STATE_TIMEOUT_MS) ? 0 : ETIMEDOUT);
    server_acts(p);
    ac_setup_ok("receiving thread returns", pthread_join(t, NULL));
    ac_expect_int(AC_CLAIM(IO, "client end"), "the sleeping recv(): bytes returned", want_n, s.n);
    ac_expect_str(AC_CLAIM(IO, "client end"), "the sleeping recv(): the bytes (or its errno)", want,
                  s.n > 0   ? s.buf
                  : s.n < 0 ? strerror(s.err)
                            : "");
}

#define X(name, server_acts, want_n, want, rule)                                                   \
    AC_TEST(closeseq, name, .description = rule)                                                   \
    {                                                                                              \
        recv_while_asleep(server_acts, want_n, want);                                              \
    }
X(recv_asleep_when_data_comes_returns_the_data, server_sends_late, 4, "late",
  "A blocking recv() asleep on an empty connection returns the data that wakes it.")
X(recv_asleep_when_fin_comes_returns_zero, server_closes, 0, "",
  "A blocking recv() asleep on an empty connection returns 0 (end of file) when the peer's "
  "FIN wakes it.")
#undef X

/* The peer resets the connection (close() with SO_LINGER {1, 0}: RST, no FIN) while ours is
 * ESTABLISHED. tcp_reset() stores ECONNRESET as the socket error; the first send() returns it
 * and clears it (sock_error()); the socket is closed for sending, so every later send() gives
 * EPIPE (sk_stream_error()). MSG_NOSIGNAL keeps SIGPIPE away. */
static struct pair *peer_resets(void)
{
    struct pair *p = open_pair();
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    ac_setup_ok("SO_LINGER {1, 0} on the client",
                setsockopt(p->c.client, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) ? errno : 0);
    close_fd(&p->c.client);
    EXPECT_GONE(SETUP, server, "server end after the client's RST");
    return p;
}

AC_TEST(closeseq, write_after_rst_econnreset_then_epipe,
        .description = "tcp_reset() stores ECONNRESET as the socket error, which the first "
                       "send() returns and clears; the reset socket is shut down for sending, "
                       "so every later send() gives EPIPE.")
{
    struct pair *p = peer_resets();
    ac_expect_errno(AC_CLAIM(IO, "server end"), "first send() after the RST", ECONNRESET,
                    io_err(send(p->c.server, "x", 1, MSG_NOSIGNAL)));
    ac_expect_errno(AC_CLAIM(IO, "server end"), "second send() after the RST", EPIPE,
                    io_err(send(p->c.server, "x", 1, MSG_NOSIGNAL)));
    ac_expect_errno(AC_CLAIM(IO, "server end"), "third send() after the RST", EPIPE,
                    io_err(send(p->c.server, "x", 1, MSG_NOSIGNAL)));
}

/* The same reset seen by read(): the first read() takes the pending ECONNRESET; after that the
 * socket is shut down for receiving and read() returns 0, end of file. */
AC_TEST(closeseq, read_after_rst_econnreset_then_zero,
        .description = "The first read() takes the ECONNRESET that tcp_reset() stored; the "
                       "reset also shut the socket down for receiving, so the next read() "
                       "returns 0.")
{
    struct pair *p = peer_resets();
    char b;
    ac_expect_errno(AC_CLAIM(IO, "server end"), "first read() after the RST", ECONNRESET,
                    io_err(read(p->c.server, &b, 1)));
    ac_expect_int(AC_CLAIM(IO, "server end"), "second read() after the RST", 0,
                  read(p->c.server, &b, 1));
}

/* Only EPIPE raises SIGPIPE (sk_stream_error()); the ECONNRESET of the first send() does not.
 * SIGPIPE is blocked in the worker so that it stays pending and can be looked at. */
AC_TEST(closeseq, epipe_send_raises_sigpipe_econnreset_does_not,
        .description = "sk_stream_error() raises SIGPIPE only for EPIPE, so the send() that "
                       "returns the stored ECONNRESET raises none and the next one, EPIPE, "
                       "does.")
{
    struct pair *p = peer_resets();
    sigset_t pipe_set, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    ac_setup_ok("block SIGPIPE", pthread_sigmask(SIG_BLOCK, &pipe_set, NULL));
    ac_expect_errno(AC_SETUP(IO, "server end"), "first send() after the RST", ECONNRESET,
                    io_err(send(p->c.server, "x", 1, 0)));
    sigpending(&pending);
    ac_expect_str(AC_CLAIM(SIGNAL, "server end"), "SIGPIPE pending after the ECONNRESET send()",
                  "no", yes_no(sigismember(&pending, SIGPIPE)));
    ac_expect_errno(AC_SETUP(IO, "server end"), "second send() after the RST", EPIPE,
                    io_err(send(p->c.server, "x", 1, 0)));
    sigpending(&pending);
    ac_expect_str(AC_CLAIM(SIGNAL, "server end"), "SIGPIPE pending after the EPIPE send()", "yes",
                  yes_no(sigismember(&pending, SIGPIPE)));
}

/* Writing into CLOSE_WAIT: the peer has closed, but only for sending, as far as our end can
 * tell, so the first send() succeeds. The peer's orphaned socket answers data with a RST
 * (tcp_rcv_state_process(): data after close() aborts, "TCPAbortOnData"). An RST that finds
 * our end in CLOSE_WAIT is stored as EPIPE, not ECONNRESET (tcp_reset()), so every send() after
 * it gives EPIPE. */
AC_TEST(closeseq, write_in_close_wait_succeeds_then_rst_gives_epipe,
        .description = "A reset that arrives in CLOSE_WAIT is reported as EPIPE, not "
                       "ECONNRESET (tcp_reset()): the first send() succeeds, the peer's "
                       "orphaned socket answers the data with an RST, and every send() after "
                       "it gives EPIPE.")
{
    struct pair *p = open_pair();
    close_fd(&p->c.client);
    EXPECT_STATE(SETUP, server, "server end after the client's FIN", CLOSE_WAIT);
    int cap = ac_pkt_capture();
    ac_expect_int(AC_CLAIM(IO, "server end"), "send() in CLOSE_WAIT", 1,
                  send(p->c.server, "x", 1, MSG_NOSIGNAL));
    struct ac_seg data;
    do
        ac_setup_ok("the server's data, captured",
                    ac_pkt_wait(cap, PORT, p->client_port, 0, 0, AC_STATE_TIMEOUT_MS, &data)
                        ? 0
                        : ETIMEDOUT);
    while (data.len == 0);
    ac_expect_next_segment(AC_CLAIM(PACKET, "client end"),
                           "the orphaned client's answer to that data (flags)", cap, p->client_port,
                           PORT, "RST");
    EXPECT_GONE(CLAIM, server, "server end after the client's RST");
    ac_expect_errno(AC_CLAIM(IO, "server end"), "first send() after the RST", EPIPE,
                    io_err(send(p->c.server, "x", 1, MSG_NOSIGNAL)));
    ac_expect_errno(AC_CLAIM(IO, "server end"), "second send() after the RST", EPIPE,
                    io_err(send(p->c.server, "x", 1, MSG_NOSIGNAL)));
}

/* shutdown(SHUT_WR) sends the same FIN as close() and walks the same states, but the
 * descriptor stays: a half-closed connection. In FIN_WAIT2 the socket still has its file and
 * still receives what the peer sends. */
AC_TEST(closeseq, shutdown_write_fin_wait2_still_receives,
        .description = "shutdown(SHUT_WR) sends the same FIN as close() but keeps the "
                       "descriptor, so the half-closed socket in FIN_WAIT2 still has its file "
                       "and still receives the peer's data.")
{
    struct pair *p = open_pair();
    int cap = ac_pkt_capture();
    ac_setup_ok("shutdown(SHUT_WR)", shutdown(p->c.server, SHUT_WR) ? errno : 0);
    ac_expect_next_segment(AC_CLAIM(PACKET, "server end"),
                           "the server's segment after shutdown(SHUT_WR) (flags)", cap, PORT,
                           p->client_port, "FIN|ACK");
    EXPECT_STATE(SETUP, client, "client end after the server's FIN", CLOSE_WAIT);
    struct ac_sockinfo fw2 =
        EXPECT_STATE(CLAIM, server, "server end after shutdown(SHUT_WR)", FIN_WAIT2);
    ac_expect_str(AC_CLAIM(FILE, "server end"), "FIN_WAIT2 socket still has a file (inode != 0)",
                  "yes", yes_no(fw2.inode != 0));
    ac_setup_ok("client sends late", send(p->c.client, "late", 4, 0) == 4 ? 0 : EIO);
    char buf[8] = {0};
    ssize_t n = recv(p->c.server, buf, 4, MSG_WAITALL);
    ac_expect_str(AC_CLAIM(IO, "server end"), "data read in FIN_WAIT2", "late", n == 4 ? buf : "");
    EXPECT_STATE(SETUP, server, "server end after reading", FIN_WAIT2);
}

/* The peer's FIN moves a half-closed FIN_WAIT2 socket to TIME_WAIT although the application
 * still holds its descriptor: tcp_time_wait() puts a separate timewait socket (no file, inode
 * 0) in the table and the socket behind the descriptor becomes CLOSED; read() gives 0. */
AC_TEST(closeseq, shutdown_write_time_wait_while_fd_still_open,
        .description = "The peer's FIN moves a half-closed FIN_WAIT2 socket to TIME_WAIT even "
                       "with its descriptor open: tcp_time_wait() puts a file-less timewait "
                       "socket in the table, and read() on the descriptor returns 0.")
{
    struct pair *p = open_pair();
    ac_setup_ok("shutdown(SHUT_WR)", shutdown(p->c.server, SHUT_WR) ? errno : 0);
    EXPECT_STATE(SETUP, server, "server end after shutdown(SHUT_WR)", FIN_WAIT2);
    close_fd(&p->c.client);
    struct ac_sockinfo tw =
        EXPECT_STATE(CLAIM, server, "server end after the client's FIN", TIME_WAIT);
    ac_expect_int(AC_CLAIM(FILE, "server end"),
                  "inode of the TIME_WAIT socket, the server's fd still open", 0, tw.inode);
    char b;
    ac_expect_int(AC_CLAIM(IO, "server's fd"), "read() on the server's fd", 0,
                  read(p->c.server, &b, 1));
}

/* close() with data still unread in the receive queue does not send a FIN at all: it sends an
 * RST and the socket is gone at once, no FIN_WAIT, no TIME_WAIT (tcp_close(): data_was_unread
 * -> tcp_send_active_reset(), RFC 2525 2.17). The peer's next read() gets ECONNRESET. */
AC_TEST(closeseq, close_with_unread_data_sends_rst_not_fin,
        .description = "close() with unread data in the receive queue sends an RST instead of "
                       "a FIN (tcp_close(), RFC 2525 2.17), so the socket is gone at once and "
                       "the peer's read() gets ECONNRESET.")
{
    struct pair *p = open_pair();
    ac_setup_ok("client sends unread", send(p->c.client, "unread", 6, 0) == 6 ? 0 : EIO);
    struct pollfd in = {.fd = p->c.server, .events = POLLIN};
    ac_setup_ok("data arrived at the server", poll(&in, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : EIO);
    int cap = ac_pkt_capture();
    close_fd(&p->c.server);
    ac_expect_next_segment(AC_CLAIM(PACKET, "server end"),
                           "the server's segment after close() with unread data (flags)", cap, PORT,
                           p->client_port, "RST|ACK");
    EXPECT_GONE(CLAIM, server, "server end after close() with unread data");
    char b;
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client read() after the server's close()",
                    ECONNRESET, io_err(read(p->c.client, &b, 1)));
}

/* A FIN only says "I will send no more". When the peer merely shut down its sending side
 * (shutdown(SHUT_WR), descriptor kept), what we send from CLOSE_WAIT is delivered and read
 * like any data, no RST: contrast write_in_close_wait_succeeds_then_rst_gives_epipe, where the
 * peer close()d and its orphaned socket rejects data. */
AC_TEST(closeseq, send_in_close_wait_reaches_half_closed_peer,
        .description = "A FIN only says the peer will send no more: a peer that merely shut "
                       "down its sending side (FIN_WAIT2, fd open, no timer) still reads, so data "
                       "sent from CLOSE_WAIT is delivered, with no RST.")
{
    struct pair *p = open_pair();
    ac_setup_ok("client shutdown(SHUT_WR)", shutdown(p->c.client, SHUT_WR) ? errno : 0);
    struct ac_sockinfo cw =
        EXPECT_STATE(SETUP, server, "server end after the client's FIN", CLOSE_WAIT);
    expect_no_timer(&p->server, cw, "server end", "CLOSE_WAIT");
    /* The half-closed client: its FIN acknowledged, its fd open, FIN_WAIT2 with no timer
     * (tcp_fin_timeout bounds only an orphan). */
    struct ac_sockinfo fw2 =
        EXPECT_STATE(CLAIM, client, "half-closed client end, its FIN acknowledged", FIN_WAIT2);
    expect_no_timer(&p->client, fw2, "client end", "FIN_WAIT2");
    ac_expect_int(AC_SETUP(IO, "server end"), "send() in CLOSE_WAIT", 5,
                  send(p->c.server, "reply", 5, MSG_NOSIGNAL));
    char buf[8] = {0};
    ssize_t n = recv(p->c.client, buf, 5, MSG_WAITALL);
    ac_expect_str(AC_CLAIM(IO, "client end"), "what the half-closed client reads", "reply",
                  n == 5 ? buf : "");
    EXPECT_STATE(CLAIM, server, "server end after sending", CLOSE_WAIT);
}

/* After our own shutdown(SHUT_WR) a send() fails at once with EPIPE (SEND_SHUTDOWN in
 * tcp_sendmsg_locked()), nothing is sent, and the connection is unharmed: the peer still
 * sees only our FIN, and we can still read. */
AC_TEST(closeseq, send_after_own_shutdown_write_epipe,
        .description = "After our own shutdown(SHUT_WR), send() fails at once with EPIPE "
                       "(SEND_SHUTDOWN in tcp_sendmsg_locked()) and sends nothing, so the peer "
                       "sees only our FIN.")
{
    struct pair *p = open_pair();
    ac_setup_ok("server shutdown(SHUT_WR)", shutdown(p->c.server, SHUT_WR) ? errno : 0);
    ac_expect_errno(AC_CLAIM(IO, "server end"), "send() after shutdown(SHUT_WR)", EPIPE,
                    io_err(send(p->c.server, "x", 1, MSG_NOSIGNAL)));
    EXPECT_STATE(SETUP, client, "client end", CLOSE_WAIT);
    EXPECT_STATE(SETUP, server, "server end", FIN_WAIT2);
    char b;
    ac_expect_int(AC_CLAIM(IO, "client end"), "client read(): only the FIN arrived", 0,
                  read(p->c.client, &b, 1));
}
