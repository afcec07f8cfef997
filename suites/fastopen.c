/* TCP Fast Open moves connect() and accept() into the handshake: data rides on the SYN, the
 * client's connect() may return before any SYN was sent, and the listener creates its child at
 * the SYN, so accept() can return a socket still in SYN_RECV; closing that socket is the one way
 * to take the SYN_RECV -> FIN_WAIT1 edge of tcp_close_state().
 *
 * net.ipv4.tcp_fastopen (per namespace) is set to 0x207 here: client (1) and server (2) enabled,
 * data in the SYN without a cookie on both sides (4, 0x200), so no first connection is needed to
 * get a cookie. 6.1 source: tcp_v4_connect() -> tcp_fastopen_defer_connect() leaves the socket in
 * SYN_SENT without calling tcp_connect() when TCP_FASTOPEN_CONNECT is set and a cookie (or
 * "no cookie needed") is at hand; tcp_conn_request() -> tcp_try_fastopen() creates the child
 * and queues it at once (inet_csk_reqsk_queue_add()). */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/hold.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(fastopen,
          .description = "With TCP Fast Open a listener creates its child at the SYN, so accept() "
                         "returns a socket still in SYN_RECV, whose close() sends a FIN from "
                         "there (FIN_WAIT1); a client with TCP_FASTOPEN_CONNECT returns from "
                         "connect() before sending anything.");

/* tcp_fastopen=0x207 and a listener with a Fast Open queue. */
static int fastopen_listener(void)
{
    ac_netns_sysctl("net/ipv4/tcp_fastopen", "519");
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    int qlen = 16;
    ac_setup_ok("TCP_FASTOPEN on the listener",
                setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof qlen) ? errno : 0);
    return l;
}

/* A client that sends "hi" in its SYN (sendto() with MSG_FASTOPEN connects and sends). */
static int client_sends_in_syn(struct ac_addr *me)
{
    struct ac_addr to;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, AC_NONBLOCK));
    ssize_t n = sendto(c, "hi", 2, MSG_FASTOPEN, (struct sockaddr *)&to.ss, to.len);
    ac_expect_int(AC_SETUP(IO, "client end"), "sendto(MSG_FASTOPEN) of 2 bytes", 2, n);
    ac_setup_ok("client's local address", ac_local_addr(c, me));
    return c;
}

/* The child accept() returns while the handshake's last ACK is held: still in SYN_RECV. */
static int child_in_syn_recv(int l)
{
    int s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() before the last ACK", 0,
                    s < 0 ? -s : 0);
    if (s >= 0)
        ac_expect_state_name(AC_CLAIM(STATE, "server end"), "state of the accepted socket",
                             "SYN_RECV", ac_tcp_state_name(ac_fd_tcp_state(s)));
    return s;
}

AC_TEST(fastopen, child_accepted_in_syn_recv_and_closed_to_fin_wait1,
        .description = "A Fast Open child is queued at the SYN: with the handshake's last ACK "
                       "held, accept() returns it in SYN_RECV with the SYN's data readable, and "
                       "its close() sends a FIN from SYN_RECV, leaving FIN_WAIT1.")
{
    int l = fastopen_listener();
    ac_hold_handshake_acks(PORT);
    struct ac_addr me, at;
    int c = client_sends_in_syn(&me);
    int s = child_in_syn_recv(l);
    if (s < 0)
        return;
    char buf[4] = {0};
    ac_expect_int(AC_CLAIM(IO, "server end"), "bytes of the SYN's data read", 2,
                  recv(s, buf, 2, MSG_DONTWAIT));
    close(s);
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    struct ac_match server = {.local = &at, .remote = &me};
    ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after its close() in SYN_RECV",
                    &server, AC_FIN_WAIT1, AC_STATE_TIMEOUT_MS);
    close(c);
    close(l);
}

/* tcp_sendmsg_locked() waits for the handshake in any state but ESTABLISHED and CLOSE_WAIT,
 * except on a passive Fast Open socket (tcp_passive_fastopen()): the child in SYN_RECV sends. */
AC_TEST(fastopen, child_in_syn_recv_sends_at_once,
        .description = "A Fast Open child accepted in SYN_RECV sends at once: send() does not "
                       "wait for the handshake's last ACK, and the client reads the data.")
{
    int l = fastopen_listener();
    ac_hold_handshake_acks(PORT);
    struct ac_addr me;
    int c = client_sends_in_syn(&me);
    int s = child_in_syn_recv(l);
    if (s < 0)
        return;
    ac_expect_int(AC_CLAIM(IO, "server end"), "send(MSG_DONTWAIT) of 2 bytes in SYN_RECV", 2,
                  send(s, "ok", 2, MSG_DONTWAIT | MSG_NOSIGNAL));
    struct pollfd in = {.fd = c, .events = POLLIN};
    ac_setup_ok("data arrived at the client", poll(&in, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : EIO);
    char buf[4] = {0};
    ac_expect_int(AC_CLAIM(IO, "client end"), "bytes the client reads", 2,
                  recv(c, buf, sizeof buf, MSG_DONTWAIT));
    close(s);
    close(c);
    close(l);
}

AC_TEST(fastopen, fastopen_connect_returns_before_any_syn,
        .description = "With TCP_FASTOPEN_CONNECT connect() returns 0 at once and sends no SYN: "
                       "the socket waits in SYN_SENT, nothing reaches the listener, and the "
                       "first write() sends the SYN with its data.")
{
    int l = fastopen_listener();
    struct ac_addr to, me;
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    int one = 1;
    ac_setup_ok("TCP_FASTOPEN_CONNECT",
                setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof one) ? errno : 0);
    ac_expect_errno(AC_CLAIM(CONNECT, to.text), "connect() with TCP_FASTOPEN_CONNECT", 0,
                    ac_connect(c, &to));
    ac_expect_state_name(AC_CLAIM(STATE, "client end"), "state of the client's socket", "SYN_SENT",
                         ac_tcp_state_name(ac_fd_tcp_state(c)));
    ac_setup_ok("client's local address", ac_local_addr(c, &me));
    struct ac_match server = {.states = AC_ALL_STATES, .local = &to, .remote = &me};
    ac_expect_int(AC_CLAIM(COUNT, "server end"), "sockets of the connection at the listener", 0,
                  ac_diag_count(&server));
    int s = ac_accept_within(l, 100);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() before the first write", EAGAIN,
                    s < 0 ? -s : 0);
    ac_expect_int(AC_SETUP(IO, "client end"), "first write() of 2 bytes", 2, write(c, "hi", 2));
    s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() after the first write", 0,
                    s < 0 ? -s : 0);
    if (s >= 0)
        close(s);
    close(c);
    close(l);
}
