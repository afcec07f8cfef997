/* shutdown()'s modes on a connection, and on sockets that have none. SHUT_WR has its own
 * scenarios (closeseq, halfclose, timers); here are the others.
 *
 * inet_shutdown() (net/ipv4/af_inet.c, 6.1) refuses a `how` outside SHUT_RD..SHUT_RDWR
 * (EINVAL); on a socket in CLOSE it records the shutdown but returns ENOTCONN; in SYN_SENT it
 * disconnects the attempt (tcp_disconnect(): ECONNRESET pending). Otherwise it ORs `how` into
 * sk_shutdown and calls tcp_shutdown(), which sends a FIN only for SEND_SHUTDOWN. RCV_SHUTDOWN
 * only makes an empty read return 0: TCP keeps queueing what arrives, and tcp_recvmsg() still
 * returns queued data first. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/diag.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"
#include "../fixtures/nft.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(shutdown,
          .description = "shutdown(SHUT_RD) sends nothing and only makes an empty read return 0; "
                         "SHUT_RDWR sends the FIN of SHUT_WR and does both; a socket without a "
                         "connection gets ENOTCONN yet keeps the shutdown for a later "
                         "connection; one still connecting is disconnected.");

static int errno_of(int rc)
{
    return rc < 0 ? errno : 0;
}

/* The connection, and the server's end after shutdown(how). */
static void open_and_shut(struct ac_conn *c, int how, const char *step)
{
    ac_conn_open(c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    ac_expect_errno(AC_SETUP(IO, "server end"), step, 0, errno_of(shutdown(c->server, how)));
}

AC_TEST_WITH(shutdown, shut_rd_sends_nothing_read_returns_zero, (.waits = true),
             .description =
                 "shutdown(SHUT_RD) sends no segment: both ends stay ESTABLISHED and the "
                 "peer has nothing to read, while the shut end's empty read() returns 0.")
{
    struct ac_conn c;
    open_and_shut(&c, SHUT_RD, "server shutdown(SHUT_RD)");
    char b;
    ac_expect_int(AC_CLAIM(IO, "server end"), "server read() after SHUT_RD", 0,
                  read(c.server, &b, 1));
    ac_expect_errno(AC_CLAIM(IO, "client end"), "client read() (nothing sent)", EAGAIN,
                    ac_read_error_within(c.client, 200));
    struct ac_match server = ac_conn_server_match(&c);
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after SHUT_RD", &server,
                    AC_ESTABLISHED, 0);
}

AC_TEST(shutdown, shut_rd_data_sent_after_it_is_still_read,
        .description = "SHUT_RD does not stop TCP from receiving: data the peer sends afterwards "
                       "is acknowledged, queued and returned by read() before the 0 of an empty "
                       "queue.")
{
    struct ac_conn c;
    open_and_shut(&c, SHUT_RD, "server shutdown(SHUT_RD)");
    ac_expect_int(AC_SETUP(IO, "client end"), "client sends after the server's SHUT_RD", 4,
                  send(c.client, "late", 4, 0));
    /* poll() reports a shut socket readable at once: wait for the bytes themselves (SIOCINQ) */
    int queued = 0;
    for (int64_t end = ac_now_ms() + AC_STATE_TIMEOUT_MS; queued < 4 && ac_now_ms() < end;)
        if (ioctl(c.server, SIOCINQ, &queued) != 0 || queued < 4)
            sched_yield();
    ac_expect_int(AC_SETUP(IO, "server end"), "bytes queued at the server (SIOCINQ)", 4, queued);
    char buf[8] = {0};
    ac_expect_int(AC_CLAIM(IO, "server end"), "bytes the server reads after SHUT_RD", 4,
                  recv(c.server, buf, 4, MSG_WAITALL));
    ac_expect_str(AC_CLAIM(IO, "server end"), "what it reads", "late", buf);
}

AC_TEST(shutdown, shut_rdwr_sends_fin_then_reads_zero_and_send_fails_epipe,
        .description = "shutdown(SHUT_RDWR) sends the FIN of SHUT_WR (the peer goes CLOSE_WAIT, "
                       "this end FIN_WAIT2 with its fd) and also shuts reading: read() returns 0 "
                       "and send() fails with EPIPE.")
{
    struct ac_conn c;
    open_and_shut(&c, SHUT_RDWR, "server shutdown(SHUT_RDWR)");
    struct ac_match server = ac_conn_server_match(&c);
    struct ac_match client = {.local = &c.client_end, .remote = &c.server_end};
    ac_expect_state(AC_CLAIM(STATE, "client end"), "client end after the server's SHUT_RDWR",
                    &client, AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after SHUT_RDWR", &server,
                    AC_FIN_WAIT2, AC_STATE_TIMEOUT_MS);
    char b;
    ac_expect_int(AC_CLAIM(IO, "server end"), "server read() after SHUT_RDWR", 0,
                  read(c.server, &b, 1));
    ac_expect_errno(AC_CLAIM(IO, "server end"), "server send() after SHUT_RDWR", EPIPE,
                    errno_of((int)send(c.server, "x", 1, MSG_NOSIGNAL)));
}

#define X(name, bound, how, expected, rule)                                                        \
    AC_TEST(shutdown, name, .description = rule)                                                   \
    {                                                                                              \
        int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));                                 \
        if (bound) {                                                                               \
            struct ac_addr at;                                                                     \
            ac_addr_parse(&at, AC_SERVER_IP, PORT);                                                \
            ac_setup_ok("bind 192.168.1.100:9999", ac_bind(fd, &at));                              \
        }                                                                                          \
        ac_expect_errno(AC_CLAIM(IO, "socket"), "shutdown(" #how ")", expected,                    \
                        errno_of(shutdown(fd, how)));                                              \
        close(fd);                                                                                 \
    }

/* name, bound first, how, expected, the rule */
X(unconnected_socket_enotconn, false, SHUT_RDWR, ENOTCONN,
  "A socket that never connected is in CLOSE, so shutdown() has nothing to shut: ENOTCONN.")
X(bound_only_socket_enotconn, true, SHUT_WR, ENOTCONN,
  "A socket that is only bound is in CLOSE too: shutdown() gives ENOTCONN.")
X(invalid_how_einval, false, 3, EINVAL,
  "shutdown() accepts only SHUT_RD, SHUT_WR and SHUT_RDWR: any other `how` is EINVAL.")
#undef X

/* The ENOTCONN above is not the whole answer: inet_shutdown() has already ORed `how` into
 * sk_shutdown, and nothing before tcp_disconnect() clears it, so a later connection starts
 * shut. */
AC_TEST_WITH(shutdown, shut_wr_before_connect_is_kept_send_fails_epipe, (.waits = true),
             .description = "shutdown(SHUT_WR) of a socket not yet connected fails with ENOTCONN "
                            "but is remembered: connect() then succeeds, yet send() fails with "
                            "EPIPE and no FIN reaches the peer.")
{
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    int c = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_expect_errno(AC_CLAIM(IO, "client"), "shutdown(SHUT_WR) before connect()", ENOTCONN,
                    errno_of(shutdown(c, SHUT_WR)));
    struct ac_addr to;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    ac_expect_errno(AC_CLAIM(CONNECT, to.text), "connect() afterwards", 0, ac_connect(c, &to));
    int s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);
    ac_setup_fd("accept", s);
    ac_expect_errno(AC_CLAIM(IO, "client"), "client send()", EPIPE,
                    errno_of((int)send(c, "x", 1, MSG_NOSIGNAL)));
    ac_expect_errno(AC_CLAIM(IO, "server end"), "server read() (no data, no FIN)", EAGAIN,
                    ac_read_error_within(s, 200));
    close(s);
    close(c);
    close(l);
}

AC_TEST(shutdown, shut_wr_in_syn_sent_aborts_the_connect,
        .description = "shutdown() of a socket still in SYN_SENT disconnects it "
                       "(tcp_disconnect()): it returns 0, the attempt ends in CLOSE and "
                       "ECONNRESET is pending.")
{
    ac_nft("add rule inet afterclose in tcp dport 9999 tcp flags & syn == syn drop\n");
    struct ac_addr me;
    int c = ac_connect_pending(AC_SERVER_IP, PORT, 0, &me);
    struct ac_match mine = {.local = &me};
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end, its SYN dropped", &mine,
                    AC_SYN_SENT, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(IO, "client end"), "shutdown(SHUT_WR) in SYN_SENT", 0,
                    errno_of(shutdown(c, SHUT_WR)));
    ac_expect_state_name(AC_CLAIM(STATE, "client end"), "state of the client's socket", "CLOSE",
                         ac_tcp_state_name(ac_fd_tcp_state(c)));
    ac_expect_errno(AC_CLAIM(IO, "client end"), "pending error (SO_ERROR)", ECONNRESET,
                    ac_fd_pending_error(c));
    close(c);
}
