#define _GNU_SOURCE
#include "states.h"

#include "check.h"
#include "diagwait.h"
#include "kernel.h"
#include "nft.h"
#include "sock.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Since when sock_diag dumps bound-only sockets (reported as CLOSE) when asked with the filter
 * bit TCP_BOUND_INACTIVE (AC_DIAG_BOUND_INACTIVE, which the harness's table always sets): commit
 * 91051f003948 ("tcp: Dump bound-only sockets in inet_diag.", net-next after the 6.7 merge
 * window, so first in 6.8; iproute2 6.8 added `ss --bound-inactive` for it); not in the 6.1
 * tree, present on 6.12. Older kernels never dump such sockets. */
#define BOUND_DIAG_SINCE AC_KV(6, 8)

static const struct {
    const char *name;
    int tcp_state;
} kinds[] = {
    [AC_HOLD_BOUND] = {"bound", AC_CLOSE},
    [AC_HOLD_LISTEN] = {"listen", AC_LISTEN},
    [AC_HOLD_ESTABLISHED] = {"established", AC_ESTABLISHED},
    [AC_HOLD_CLOSE_WAIT] = {"close_wait", AC_CLOSE_WAIT},
    [AC_HOLD_FIN_WAIT1] = {"fin_wait1", AC_FIN_WAIT1},
    [AC_HOLD_FIN_WAIT2_ORPHAN] = {"fin_wait2_orphan", AC_FIN_WAIT2},
    [AC_HOLD_FIN_WAIT2_SHUTDOWN] = {"fin_wait2_shutdown", AC_FIN_WAIT2},
    [AC_HOLD_LAST_ACK] = {"last_ack", AC_LAST_ACK},
    [AC_HOLD_CLOSING] = {"closing", AC_CLOSING},
    [AC_HOLD_TIME_WAIT] = {"time_wait", AC_TIME_WAIT},
};

int ac_state_kind_tcp_state(enum ac_state_kind kind)
{
    return kinds[kind].tcp_state;
}

const char *ac_state_kind_name(enum ac_state_kind kind)
{
    return kinds[kind].name;
}

/* A wait that is setup, not a claim: fails the test with the table if the state never comes. */
static void wait_setup(const char *what, const struct ac_match *m, int state)
{
    struct ac_match want = *m;
    want.states = AC_STATE_BIT(state);
    char step[160];
    snprintf(step, sizeof step, "%s reaches %s", what, ac_tcp_state_name(state));
    ac_setup_ok(step, ac_diag_wait(&want, AC_STATE_TIMEOUT_MS, NULL) ? 0 : ETIMEDOUT);
}

static void close_fd(int *fd)
{
    close(*fd);
    *fd = -1;
}

/* nft rule text for "drop every segment arriving at the server's port" (client -> server) or
 * "leaving it" (server -> client), on the input hook, i.e. after TCP has transmitted it. */
static void drop_on_input(const char *dir, uint16_t port)
{
    char rule[160];
    snprintf(rule, sizeof rule, "add rule inet afterclose in tcp %s %u drop\n", dir, port);
    ac_nft(rule);
}

/* After one end's close() or shutdown(): the other (passive) end reaches CLOSE_WAIT, and its
 * ACK of the FIN reaches the closer (FIN_WAIT2). tcp_fin() puts a socket entering CLOSE_WAIT in
 * "pingpong" (delayed ACK) mode, betting that the application closes soon and the ACK can ride
 * on its FIN. To have the ACK now instead of after the delayed-ACK timer (>= 40 ms): the passive
 * end reads the EOF (the FIN sits in the receive queue until then, and tcp_cleanup_rbuf() does
 * not push an ACK while anything is unread), then TCP_QUICKACK leaves pingpong mode and pushes
 * the pending ACK. Reading the EOF does not change the state: still CLOSE_WAIT. */
static void passive_close_acked(const char *passive_name, int passive_fd,
                                const struct ac_match *passive, const char *closer_name,
                                const struct ac_match *closer)
{
    char what[96];
    snprintf(what, sizeof what, "%s after the FIN", passive_name);
    wait_setup(what, passive, AC_CLOSE_WAIT);
    char b;
    ssize_t n = recv(passive_fd, &b, 1, MSG_DONTWAIT);
    ac_setup_ok("passive end reads EOF", n == 0 ? 0 : n < 0 ? errno : EIO);
    int one = 1;
    ac_setup_ok("TCP_QUICKACK on the passive end",
                setsockopt(passive_fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one) == 0 ? 0
                                                                                         : errno);
    snprintf(what, sizeof what, "%s after its FIN was ACKed", closer_name);
    wait_setup(what, closer, AC_FIN_WAIT2);
}

/* The connection states. The held socket is c->server (local server_end); the client is on an
 * ephemeral port of its own. */
static void drive_connection(struct ac_held *h, const struct ac_state_spec *spec)
{
    struct ac_conn *c = &h->conn;
    const char *connect_ip = spec->connect_ip ? spec->connect_ip : spec->ip;
    ac_conn_open(c, spec->ip, connect_ip, spec->port, spec->opts);
    /* The listener goes first: it is not the socket the scenario is about. Closing a listener
     * with an empty accept queue leaves nothing behind. */
    close_fd(&c->listener);
    h->local = c->server_end;

    struct ac_match server = ac_conn_server_match(c);
    struct ac_match client = {.local = &c->client_end, .remote = &c->server_end};

    switch (spec->kind) {
    case AC_HOLD_ESTABLISHED:
        break;
    case AC_HOLD_CLOSE_WAIT:
        /* The client closes; its end becomes an orphaned FIN_WAIT2 once the FIN is ACKed. The
         * server keeps its fd and never closes. */
        close_fd(&c->client);
        passive_close_acked("server", c->server, &server, "client", &client);
        break;
    case AC_HOLD_FIN_WAIT1:
        /* Every client -> server segment is dropped, so the ACK of the server's FIN never lands
         * and the server retransmits its FIN from FIN_WAIT1. The client sits in CLOSE_WAIT. */
        drop_on_input("dport", spec->port);
        close_fd(&c->server);
        wait_setup("client after the server's FIN", &client, AC_CLOSE_WAIT);
        break;
    case AC_HOLD_FIN_WAIT2_ORPHAN:
        /* The client ACKs the FIN and never closes (CLOSE_WAIT). With tcp_fin_timeout 60 s (not
         * above TCP_TIMEWAIT_LEN) the orphan becomes a timewait socket with substate FIN_WAIT2
         * when the ACK arrives (tcp_rcv_state_process(), tcp_time_wait()); sock_diag reports the
         * substate, timer "timewait", inode 0. Only if the ACK arrived while close() still owned
         * the socket would it stay a full socket with the FIN_WAIT2 timer; the ACK is pushed
         * after close() returns, so that does not happen here, and bind() would not care. */
        close_fd(&c->server);
        passive_close_acked("client", c->client, &client, "server", &server);
        break;
    case AC_HOLD_FIN_WAIT2_SHUTDOWN:
        /* Half close with the fd kept: a full socket in FIN_WAIT2 without a timeout. */
        ac_setup_ok("shutdown(SHUT_WR)", shutdown(c->server, SHUT_WR) == 0 ? 0 : errno);
        passive_close_acked("client", c->client, &client, "server", &server);
        break;
    case AC_HOLD_LAST_ACK:
        /* The client closes first; once its FIN is ACKed (client FIN_WAIT2, server CLOSE_WAIT),
         * every client -> server segment is dropped, and the server closes: its FIN reaches the
         * client (which goes TIME_WAIT on its ephemeral port), the client's ACK does not. */
        close_fd(&c->client);
        passive_close_acked("server", c->server, &server, "client", &client);
        drop_on_input("dport", spec->port);
        close_fd(&c->server);
        wait_setup("client after the server's FIN", &client, AC_TIME_WAIT);
        break;
    case AC_HOLD_CLOSING:
        /* Crossed FINs: every server -> client segment is dropped, the server closes (FIN_WAIT1,
         * its FIN lost), then the client closes. The client's FIN does not acknowledge the
         * server's FIN (the client never saw it), so the server goes FIN_WAIT1 -> CLOSING
         * (tcp_fin()) and its ACK is dropped too: the client stays in FIN_WAIT1. */
        drop_on_input("sport", spec->port);
        close_fd(&c->server);
        wait_setup("server after its FIN", &server, AC_FIN_WAIT1);
        close_fd(&c->client);
        wait_setup("client after its FIN", &client, AC_FIN_WAIT1);
        break;
    case AC_HOLD_TIME_WAIT:
        /* Also waits until the client's end (LAST_ACK) is gone. */
        ac_conn_server_closes_first(c, false);
        break;
    default:
        ac_setup_ok("state kind is a connection state", EINVAL);
    }
    h->fd = c->server;
    h->info = ac_expect_state(AC_SETUP(STATE, "existing socket"), "existing socket", &server,
                              kinds[spec->kind].tcp_state, AC_STATE_TIMEOUT_MS);
}

/* A bound-only socket as sock_diag shows it (6.8+: the harness's table asks for them), or
 * false. */
static bool find_bound(const struct ac_addr *local, struct ac_sockinfo *out)
{
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    ac_setup_ok("sock_diag dump of bound-only sockets", n < 0 ? -n : 0);
    struct ac_match bound = {.states = AC_STATE_BIT(AC_CLOSE), .local = local};
    for (int i = 0; i < n; i++) {
        if (ac_diag_match(&bound, &rows[i])) {
            *out = rows[i];
            return true;
        }
    }
    return false;
}

/* Bound only: sock_diag lists such sockets only when asked with the BOUND_INACTIVE bit, since
 * 6.8. Before that nothing can show them; the bind() is then the evidence (and the "other
 * sockets" count shows that nothing listens or is connected there). */
static void expect_bound(const char *what, const struct ac_addr *at, struct ac_sockinfo *info)
{
    char step[160];
    snprintf(step, sizeof step, "state of %s (sock_diag, bound-only dump)", what);
    bool seen = find_bound(at, info);
    ac_expect_state_name(AC_SETUP(STATE, "existing socket"), step,
                         ac_since_text(BOUND_DIAG_SINCE, "CLOSE", "absent"),
                         seen ? ac_tcp_state_name(info->state) : "absent");
    if (!seen) {
        memset(info, 0, sizeof *info);
        info->family = ac_addr_family(at);
        info->state = AC_CLOSE;
        info->local = *at;
        ac_addr_parse(&info->remote, info->family == AF_INET ? "0.0.0.0" : "::", 0);
    }
}

static void hold_bound_or_listen(struct ac_held *h, const struct ac_state_spec *spec)
{
    struct ac_addr at;
    ac_setup_ok("parse address", ac_addr_parse(&at, spec->ip, spec->port) ? EINVAL : 0);
    h->fd = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&at), spec->opts));
    ac_setup_ok("bind", ac_bind(h->fd, &at));
    h->local = at;
    if (spec->kind == AC_HOLD_LISTEN) {
        ac_setup_ok("listen", ac_listen(h->fd, 16));
        struct ac_match m = {.local = &at};
        h->info = ac_expect_state(AC_SETUP(STATE, "existing socket"), "existing socket", &m,
                                  AC_LISTEN, AC_STATE_TIMEOUT_MS);
        return;
    }
    expect_bound("existing socket", &at, &h->info);
}

static bool same_socket(const struct ac_sockinfo *a, const struct ac_sockinfo *b)
{
    return a->state == b->state && strcmp(a->local.text, b->local.text) == 0 &&
           strcmp(a->remote.text, b->remote.text) == 0;
}

/* Sockets other than the held one whose LOCAL port is `port` (any address, any state
 * sock_diag's ordinary dump shows). The client's end has the server port only as its remote
 * port, so it does not count. */
static int others_on_port(const struct ac_held *h, uint16_t port)
{
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    ac_setup_ok("sock_diag snapshot", n < 0 ? -n : 0);
    int others = 0;
    for (int i = 0; i < n; i++)
        if (ac_addr_port(&rows[i].local) == port && !same_socket(&rows[i], &h->info))
            others++;
    return others;
}

void ac_state_hold(struct ac_held *h, const struct ac_state_spec *spec)
{
    memset(h, 0, sizeof *h);
    h->kind = spec->kind;
    h->fd = h->conn.listener = h->conn.server = h->conn.client = -1;
    if (spec->kind == AC_HOLD_BOUND || spec->kind == AC_HOLD_LISTEN)
        hold_bound_or_listen(h, spec);
    else
        drive_connection(h, spec);
    char step[96];
    snprintf(step, sizeof step, "other TCP sockets with local port %u", spec->port);
    ac_expect_int(AC_SETUP(COUNT, "other sockets on the port"), step, 0,
                  others_on_port(h, spec->port));
}

void ac_state_expect_still(const struct ac_held *h)
{
    if (h->kind == AC_HOLD_BOUND) {
        struct ac_sockinfo info;
        expect_bound("existing socket after the probe", &h->local, &info);
        return;
    }
    struct ac_match m = {.local = &h->info.local, .remote = &h->info.remote};
    ac_expect_state(AC_SETUP(STATE, "existing socket"), "existing socket after the probe", &m,
                    kinds[h->kind].tcp_state, AC_STATE_TIMEOUT_MS);
}
