/* A listener's own close: what happens to the connections it has not accepted yet.
 *
 *   client                          listener (closed here)
 *   SYN ---------------------------> SYN_RECV request (ehash)   [last ACK held: stays here]
 *   ACK ---------------------------> ESTABLISHED/CLOSE_WAIT child in the accept queue
 *                                    close(): tcp_close() -> inet_csk_listen_stop()
 *
 * inet_csk_listen_stop() (net/ipv4/inet_connection_sock.c, 6.1) takes each child off the accept
 * queue and, unless reuseport_migrate_sock() finds another listener of its SO_REUSEPORT group
 * (tcp_migrate_req=1 or a migration BPF program), hands it to inet_child_forget(): tcp_disconnect()
 * sends an RST from ESTABLISHED and CLOSE_WAIT alike (tcp_need_reset()) and the child is
 * destroyed. SYN_RECV requests are not in the accept queue: they stay in the established hash
 * until the client's ACK or their SYN-ACK timer finds the listener closed (tcp_v4_rcv(),
 * reqsk_timer_handler()) and drops them; the client's segment then finds no socket and gets an
 * RST. shutdown(SHUT_RD) on a listener stops it the same way (inet_shutdown() calls
 * tcp_disconnect()) but keeps its bound port. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/hold.h"
#include "../fixtures/kernel.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"
#include "../harness/probe.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(listenclose,
          .description = "Closing a listener resets every connection still in its accept queue, "
                         "ESTABLISHED or CLOSE_WAIT, unless tcp_migrate_req hands them to another "
                         "SO_REUSEPORT listener; a SYN_RECV request is dropped and the client's "
                         "next segment gets an RST. Nothing is left on the port.");

static int errno_of(ssize_t n)
{
    return n < 0 ? errno : 0;
}

/* A listener on ip:9999 (with `opts`) and a connection it completed but did not accept: *q,
 * its server end ESTABLISHED in the accept queue. Returns the listener. */
static int listener_with_queued(const char *ip, unsigned opts, struct ac_pending *q)
{
    int l = ac_listener(ip, PORT, opts, 16);
    ac_pending_open(q, ip, PORT);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end, queued, not accepted",
                    &q->server_end, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    return l;
}

/* The client's read() once the listener (or its close) has dealt with the connection. */
static void expect_client_reset(const struct ac_pending *q, const char *step)
{
    ac_expect_errno(AC_CLAIM(IO, "client end"), step, ECONNRESET,
                    ac_read_error_within(q->fd, AC_STATE_TIMEOUT_MS));
}

/* After the listener's close, nothing of the connection is left on ip:9999, in any state, and
 * the address binds again without SO_REUSEADDR. */
static void port_left_free(const char *ip)
{
    struct ac_addr at;
    ac_addr_parse(&at, ip, PORT);
    struct ac_match any = {.states = AC_ALL_STATES, .local = &at};
    ac_expect_gone(AC_CLAIM(STATE, "server end"), "sockets on the listener's port after its close",
                   &any, AC_STATE_TIMEOUT_MS);
    int p = ac_probe_bind(AC_ROLE_CLAIM, ip, PORT, 0, 0);
    close(p);
}

#define X(name, ip)                                                                                \
    AC_TEST(listenclose, name,                                                                     \
            .description = "inet_csk_listen_stop() disconnects each child left in the accept "     \
                           "queue with an RST (tcp_disconnect()), so the client's read() gets "    \
                           "ECONNRESET and the port is free at once.")                             \
    {                                                                                              \
        struct ac_pending q;                                                                       \
        close(listener_with_queued(ip, 0, &q));                                                    \
        expect_client_reset(&q, "client read() after the listener's close");                       \
        port_left_free(ip);                                                                        \
        close(q.fd);                                                                               \
    }

/* name, address of the listener and of the connection */
X(queued_connection_reset_on_listener_close, AC_SERVER_IP)
X(queued_connection_reset_on_listener_close_ipv6, "::1")
#undef X

/* The client half-closed before it was accepted: the child in the queue is in CLOSE_WAIT, the
 * client in FIN_WAIT2 with its fd open. tcp_need_reset(CLOSE_WAIT) is true too: RST. */
AC_TEST(listenclose, queued_close_wait_reset_on_listener_close,
        .description = "A child that received the client's FIN before it was accepted waits in "
                       "the accept queue in CLOSE_WAIT; the listener's close resets it like an "
                       "ESTABLISHED one, and the half-closed client gets ECONNRESET.")
{
    struct ac_pending q;
    int l = listener_with_queued(AC_SERVER_IP, 0, &q);
    ac_setup_ok("client shutdown(SHUT_WR)", shutdown(q.fd, SHUT_WR) ? errno : 0);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end after the client's FIN, queued",
                    &q.server_end, AC_CLOSE_WAIT, AC_STATE_TIMEOUT_MS);
    close(l);
    expect_client_reset(&q, "client read() after the listener's close");
    port_left_free(AC_SERVER_IP);
    close(q.fd);
}

/* The handshake's last ACK is held: the server's end is a SYN_RECV request, not in the accept
 * queue. The listener closes; then the held ACKs pass and the client sends data. The request
 * (if its timer has not dropped it already) sees its listener closed and is dropped, and the
 * lookup that follows finds no socket: tcp_v4_send_reset(). */
AC_TEST(listenclose, syn_recv_request_gets_rst_after_listener_close,
        .description = "A SYN_RECV request is not in the accept queue, so the listener's close "
                       "leaves it; the client's next segment finds the listener gone, the "
                       "request is dropped and the segment answered with an RST (ECONNRESET).")
{
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    ac_hold_handshake_acks(PORT);
    struct ac_pending q;
    ac_pending_open(&q, AC_SERVER_IP, PORT);
    ac_expect_state(AC_SETUP(STATE, "client end"), "client end after the SYN-ACK", &q.client_end,
                    AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end, its last ACK held", &q.server_end,
                    AC_SYN_RECV, AC_STATE_TIMEOUT_MS);
    close(l);
    ac_hold_release();
    ac_expect_int(AC_SETUP(IO, "client end"), "client sends data", 1,
                  send(q.fd, "x", 1, MSG_NOSIGNAL));
    expect_client_reset(&q, "client read() after its data");
    port_left_free(AC_SERVER_IP);
    close(q.fd);
}

/* Two SO_REUSEPORT listeners; the connection was queued on the first (the second did not exist
 * yet), which then closes. With tcp_migrate_req=1 inet_csk_listen_stop() moves the child to the
 * second listener's queue (reuseport_migrate_sock(), TcpExtTCPMigrateReqSuccess); with 0 it
 * resets it as if the second did not exist. The move came with commit 54b92e841937, first in
 * 5.14; Debian's 5.10 has the sysctl but not the move, so there it resets as with 0. */
#define MIGRATE_SINCE AC_KV(5, 14)
#define X(name, migrate, moves, rule)                                                              \
    AC_TEST_WITH(listenclose, name,                                                                \
                 (.waits = !(moves), /* a reset shown by 200 ms without a connection */            \
                  .changed = {(moves) ? MIGRATE_SINCE : 0, "54b92e841937",                         \
                              "tcp: Migrate TCP_ESTABLISHED/TCP_SYN_RECV sockets in accept "       \
                              "queues."}),                                                         \
                 .description = rule)                                                              \
    {                                                                                              \
        bool moved = moves && ac_kernel_version() >= MIGRATE_SINCE;                                \
        ac_netns_sysctl("net/ipv4/tcp_migrate_req", migrate);                                      \
        struct ac_pending q;                                                                       \
        int first = listener_with_queued(AC_SERVER_IP, AC_REUSEPORT, &q);                          \
        int second = ac_listener(AC_SERVER_IP, PORT, AC_REUSEPORT, 16);                            \
        close(first);                                                                              \
        int s = ac_accept_within(second, moved ? AC_STATE_TIMEOUT_MS : 200);                       \
        ac_expect_errno(AC_CLAIM(ACCEPT, "second listener"),                                       \
                        "accept() on the second listener after the first one's close",             \
                        moved ? 0 : EAGAIN, s < 0 ? -s : 0);                                       \
        if (moved) {                                                                               \
            char b;                                                                                \
            ac_expect_int(AC_SETUP(IO, "client end"), "client sends data", 1,                      \
                          send(q.fd, "m", 1, MSG_NOSIGNAL));                                       \
            ac_expect_int(AC_CLAIM(IO, "moved connection"), "bytes the accepted end reads", 1,     \
                          recv(s, &b, 1, MSG_WAITALL));                                            \
        } else {                                                                                   \
            expect_client_reset(&q, "client read() after the first listener's close");             \
        }                                                                                          \
    }

/* name, tcp_migrate_req, whether the connection moves, the rule */
X(queued_connection_moves_to_other_reuseport_listener_with_migrate_req_1, "1", true,
  "With tcp_migrate_req=1 a closing listener's queued connections move to another listener of "
  "its SO_REUSEPORT group, which accepts them, and the client never notices (since 5.14; before, "
  "they are reset as with 0).")
X(queued_connection_reset_despite_other_reuseport_listener_with_migrate_req_0, "0", false,
  "With tcp_migrate_req=0, the default, a closing listener's queued connections are reset even "
  "when another listener of its SO_REUSEPORT group would take them.")
#undef X

/* shutdown() on a listener: inet_shutdown() disconnects it for SHUT_RD (and SHUT_RDWR), which
 * runs inet_csk_listen_stop() and leaves the socket in CLOSE; its explicitly bound port keeps
 * SOCK_BINDPORT_LOCK, so it stays taken while the fd is open. SHUT_WR alone is ignored. The
 * listener, with a queued connection, shut down with `how`; SO_ACCEPTCONN says whether it still
 * listens. */
static int listener_shut(int how, const char *step, int listening, struct ac_pending *q)
{
    int l = listener_with_queued(AC_SERVER_IP, 0, q);
    ac_expect_errno(AC_CLAIM(IO, "listener"), step, 0, shutdown(l, how) ? errno : 0);
    int v = -1;
    socklen_t len = sizeof v;
    ac_setup_ok("getsockopt SO_ACCEPTCONN",
                getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) ? errno : 0);
    ac_expect_int(AC_CLAIM(SOCKOPT, "listener"), "SO_ACCEPTCONN after shutdown()", listening, v);
    return l;
}

AC_TEST(listenclose, shutdown_rd_stops_listener_resets_queue_keeps_port,
        .description = "shutdown(SHUT_RD) on a listener disconnects it (inet_shutdown() -> "
                       "tcp_disconnect()): queued connections are reset, accept() fails with "
                       "EINVAL, and the bound port stays taken until close().")
{
    struct ac_pending q;
    int l = listener_shut(SHUT_RD, "shutdown(SHUT_RD) of the listener", 0, &q);
    expect_client_reset(&q, "client read() after the listener's shutdown");
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() after shutdown(SHUT_RD)", EINVAL,
                    errno_of(accept(l, NULL, NULL)));
    ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, EADDRINUSE);
    close(l);
    int p = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, 0);
    close(p);
    close(q.fd);
}

AC_TEST(listenclose, shutdown_wr_leaves_listener_listening,
        .description = "shutdown(SHUT_WR) on a listener does nothing (inet_shutdown() breaks out "
                       "for TCP_LISTEN without RCV_SHUTDOWN): it keeps listening and its queued "
                       "connection is accepted.")
{
    struct ac_pending q;
    int l = listener_shut(SHUT_WR, "shutdown(SHUT_WR) of the listener", 1, &q);
    int s = ac_accept_within(l, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() after shutdown(SHUT_WR)", 0,
                    s < 0 ? -s : 0);
    close(s);
    close(q.fd);
    close(l);
}
