/* A connection steered to a listener bound to another port: the child lives on the port the
 * client dialled, and holds that port as its own.
 *
 *     listener 192.168.1.100:9999            nothing listens on :7777
 *     sk_lookup program: SYN for :7777 -> the listener (fixtures/sklookup.h)
 *     client -> 192.168.1.100:7777           accept() on the :9999 listener
 *                                            child 192.168.1.100:7777 <-> client
 *
 * The request, and the child tcp_v4_syn_recv_sock() clones from the listener, take the SYN's
 * destination port (ir_num; inet_csk_clone_lock()), so the child's port differs from its
 * listener's. __inet_inherit_port() (net/ipv4/inet_hashtables.c) then does not share the
 * listener's bind bucket: it looks up the bucket of the child's own port and creates it when
 * there is none (the first child), or joins it (a second child while the first holds it), and
 * sets the bucket's fastreuse from the child (inet_csk_update_fastreuse()), whose SO_REUSEADDR is
 * the listener's (sk_clone_lock() copies sk_reuse). A bind() to 192.168.1.100:7777 then meets the
 * child as any socket on that port (inet_csk_bind_conflict()): EADDRINUSE unless both set
 * SO_REUSEADDR. The port is released with its last owner (__inet_put_port() destroys the empty
 * bucket): the child's close, unless it closed first, whose TIME_WAIT the child's bucket keeps
 * (inet_twsk_hashdance()) for its 60 s. TPROXY reaches the same code; sk_lookup needs no
 * netfilter module. Same code in 6.1 and 6.18; sk_lookup exists since 5.9. */
#include "../harness/actest.h"
#include "../harness/outcome.h"
#include "../harness/probe.h"
#include "../fixtures/conn.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"
#include "../fixtures/sklookup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LISTEN_PORT  9999
#define STEERED_PORT 7777

TestSuite(redirect, .description = "A connection an sk_lookup program steers to a listener bound "
                                   "to another port is accepted on the port the client dialled: "
                                   "the child holds that port as its own, like any socket bound "
                                   "there, until it is closed and its TIME_WAIT, if any, ends.");

/* The listener on 192.168.1.100:9999 (with `opts`), port 7777 steered to it; nothing listens on
 * :7777 itself. */
static int steered_listener(unsigned opts)
{
    int l = ac_listener(AC_SERVER_IP, LISTEN_PORT, opts, 16);
    ac_sk_lookup_steer(STEERED_PORT, l);
    struct ac_addr steered;
    ac_addr_parse(&steered, AC_SERVER_IP, STEERED_PORT);
    struct ac_match on_steered = {.states = AC_STATE_BIT(AC_LISTEN), .local = &steered};
    ac_expect_int(AC_SETUP(COUNT, "listener"), "LISTEN sockets on 192.168.1.100:7777", 0,
                  ac_diag_count(&on_steered));
    return l;
}

/* The subjects of the checks: "server end" and "client end" of a scenario's only connection,
 * "first server end"... where there are two. */
static const char *const prefixes[2][2] = {{"", ""}, {"first ", "second "}};
#define NTH(conns, i) prefixes[(conns)-1][i]

/* A client connects to 192.168.1.100:7777 and the :9999 listener accepts it: the child's
 * addresses and both ends' states are checks of `role`, about "<prefix>server end" and
 * "<prefix>client end". The client blocks from then on. */
static struct ac_conn steered_connection(int listener, const char *prefix, enum ac_role role)
{
    struct ac_conn c = {.listener = listener};
    char server[32], client[32];
    snprintf(server, sizeof server, "%sserver end", prefix);
    snprintf(client, sizeof client, "%sclient end", prefix);
    c.client = ac_connect_pending(AC_SERVER_IP, STEERED_PORT, 0, &c.client_end);
    c.server = ac_accept_within(listener, AC_STATE_TIMEOUT_MS);
    ac_expect_errno(((struct ac_about){AC_KIND_ACCEPT, role, "listener"}),
                    "accept() on the :9999 listener of a connection to :7777", 0,
                    c.server < 0 ? -c.server : 0);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    ac_setup_ok("getsockname() of the child", ac_local_addr(c.server, &c.server_end));
    ac_setup_ok("getpeername() of the child",
                getpeername(c.server, (struct sockaddr *)&ss, &len) ? errno : 0);
    struct ac_addr peer;
    ac_addr_from_sockaddr(&peer, (struct sockaddr *)&ss, len);
    ac_expect_str(((struct ac_about){AC_KIND_ADDRESS, role, server}), "getsockname() of the child",
                  "192.168.1.100:7777", c.server_end.text);
    /* The client's port is an ephemeral one: the value is whether it is the client's address,
     * so that runs and kernels compare equal. */
    ac_expect_str(((struct ac_about){AC_KIND_ADDRESS, role, server}), "getpeername() of the child",
                  "the client's address",
                  strcmp(peer.text, c.client_end.text) ? peer.text : "the client's address");
    struct ac_match server_end = ac_conn_server_match(&c);
    struct ac_match client_end = {.local = &c.client_end, .remote = &c.server_end};
    ac_expect_state(((struct ac_about){AC_KIND_STATE, role, client}), "client end, connected",
                    &client_end, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    ac_expect_state(((struct ac_about){AC_KIND_STATE, role, server}), "child on 192.168.1.100:7777",
                    &server_end, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    ac_setup_ok("the client blocks", fcntl(c.client, F_SETFL, 0) ? errno : 0);
    return c;
}

/* The client closes first, the child reads the EOF and closes: its LAST_ACK ends with the
 * client's ACK and leaves no TIME_WAIT on :7777 (the client's is on its own port). */
static void client_closes_first(struct ac_conn *c, const char *prefix)
{
    char server[32];
    snprintf(server, sizeof server, "%sserver end", prefix);
    close(c->client);
    ac_setup_ok("the child reads EOF", ac_read_error_within(c->server, AC_STATE_TIMEOUT_MS));
    char b;
    ac_setup_ok("the child's read() returns 0", recv(c->server, &b, 1, 0) == 0 ? 0 : EIO);
    close(c->server);
    struct ac_match gone = ac_conn_server_match(c);
    gone.states = AC_ALL_STATES;
    ac_expect_gone(AC_SETUP(STATE, server), "child, closed after its client", &gone,
                   AC_STATE_TIMEOUT_MS);
}

/* The child's port and peer, with a second connection steered while the first child holds
 * :7777 (its bucket found, not created). */
#define X(name, conns, rule)                                                                       \
    AC_TEST(redirect, name, .description = rule)                                                   \
    {                                                                                              \
        int l = steered_listener(0);                                                               \
        struct ac_conn c[2];                                                                       \
        for (int i = 0; i < conns; i++)                                                            \
            c[i] = steered_connection(l, NTH(conns, i),                                            \
                                      i == conns - 1 ? AC_ROLE_CLAIM : AC_ROLE_SETUP);             \
        for (int i = 0; i < conns; i++) {                                                          \
            close(c[i].server);                                                                    \
            close(c[i].client);                                                                    \
        }                                                                                          \
        close(l);                                                                                  \
    }

/* name, connections (the last one is the claim), the rule */
X(steered_connection_accepted_with_child_on_dialled_port, 1,
  "A SYN for 192.168.1.100:7777 that an sk_lookup program gives to a listener on :9999 is "
  "accepted by that listener, and the child's local address is 192.168.1.100:7777, the one the "
  "client dialled, ESTABLISHED there in sock_diag.")
X(second_steered_connection_accepted_with_child_on_dialled_port, 2,
  "A second connection steered the same way while the first child holds :7777 is accepted the "
  "same: its child too is ESTABLISHED on 192.168.1.100:7777.")
#undef X

/* How the first `closed` children end before the probe. */
enum ending { KEEP_OPEN, CLIENT_FIRST, SERVER_FIRST };

/* bind() of a new socket to 192.168.1.100:7777 against the steered children. */
#define X(stem, listener_opts, conns, closed, ending, probe_opts, expected, rule)                  \
    AC_TEST_OUTCOME(redirect, stem, expected, .description = rule)                                 \
    {                                                                                              \
        int l = steered_listener(listener_opts);                                                   \
        struct ac_conn c[2];                                                                       \
        for (int i = 0; i < conns; i++)                                                            \
            c[i] = steered_connection(l, NTH(conns, i), AC_ROLE_SETUP);                            \
        for (int i = 0; i < closed; i++) {                                                         \
            if (ending == CLIENT_FIRST)                                                            \
                client_closes_first(&c[i], NTH(conns, i));                                         \
            else                                                                                   \
                ac_conn_server_closes_first(&c[i], false);                                         \
        }                                                                                          \
        int fd = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, STEERED_PORT, probe_opts, expected);   \
        if (fd >= 0)                                                                               \
            close(fd);                                                                             \
        for (int i = closed; i < conns; i++) {                                                     \
            close(c[i].server);                                                                    \
            close(c[i].client);                                                                    \
        }                                                                                          \
        close(l);                                                                                  \
    }

/* stem, listener's options, connections, how many closed, how, probe's options, bind()'s result,
 * the rule */
X(steered_port_held_by_child_bind, 0, 1, 0, KEEP_OPEN, 0, EADDRINUSE,
  "The steered child owns 192.168.1.100:7777 although its listener is bound to :9999: a new "
  "socket's bind() there fails with EADDRINUSE.")
X(steered_port_held_by_child_reuseaddr_bind, 0, 1, 0, KEEP_OPEN, AC_REUSEADDR, EADDRINUSE,
  "SO_REUSEADDR on the new socket alone does not share :7777 with the child, which has its "
  "listener's SO_REUSEADDR (unset): EADDRINUSE.")
X(steered_port_shared_by_reuseaddr_child_reuseaddr_bind, AC_REUSEADDR, 1, 0, KEEP_OPEN,
  AC_REUSEADDR, 0,
  "A child of a listener with SO_REUSEADDR has it too and does not listen, so a new socket with "
  "SO_REUSEADDR binds :7777 beside it, and may listen there.")
X(steered_port_held_by_child_time_wait_bind, 0, 1, 1, SERVER_FIRST, 0, EADDRINUSE,
  "A steered child that closes first leaves its TIME_WAIT on 192.168.1.100:7777, which keeps "
  "the port: bind() fails with EADDRINUSE.")
X(steered_port_free_after_child_closed_bind, 0, 1, 1, CLIENT_FIRST, 0, 0,
  "Once the steered child is gone (the client closed first, so no TIME_WAIT is left on :7777) "
  "the port is free again: bind() succeeds while the listener still runs on :9999.")
X(steered_port_held_by_second_child_bind, 0, 2, 1, CLIENT_FIRST, 0, EADDRINUSE,
  "Two steered children share :7777; the first one's close does not free it: the second still "
  "holds it and bind() fails with EADDRINUSE.")
X(steered_port_free_after_both_children_closed_bind, 0, 2, 2, CLIENT_FIRST, 0, 0,
  "When both steered children are gone (closed after their clients) :7777 is free again: "
  "bind() succeeds.")
#undef X
