/* SO_REUSEADDR set on the ACCEPTED socket, not on the listener: the fix for a server whose
 * listener code cannot be changed (or whose framework hides it).
 *
 * The TIME_WAIT takes its SO_REUSEADDR from the socket that closed, at the moment it closed:
 * inet_twsk_alloc() (net/ipv4/inet_timewait_sock.c) copies tw->tw_reuse = sk->sk_reuse from the
 * connection socket. That socket got the flag from its listener when it was cloned
 * (sk_clone_lock() copies the whole sock), but setsockopt(SO_REUSEADDR) on the accepted fd
 * changes it afterwards like on any socket. The restarted server's bind() then meets a non-
 * listening TIME_WAIT and applies the usual rule (inet_bind_conflict(): sk->sk_reuse &&
 * sk2->sk_reuse && sk2 not LISTEN: no conflict). The port's fast path cannot say yes instead:
 * the old listener, bound without the flag, left tb->fastreuse = 0, so inet_csk_get_port() runs
 * the full check against the TIME_WAIT. The same shape on every kernel of the matrix. */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../harness/outcome.h"
#include "../harness/probe.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define PORT 9999

TestSuite(acceptreuse, .description = "A TIME_WAIT keeps the SO_REUSEADDR of the socket that "
                                      "closed, the accepted one: set on the accepted socket "
                                      "before close(), the flag lets a restarted server (with "
                                      "the flag) bind over the TIME_WAIT even when the listener "
                                      "never had it.");

#define KEEP -1 /* the accepted socket keeps what it inherited */

#define ON_ACCEPTED_NEW_ON                                                                         \
    "The accepted socket set SO_REUSEADDR before close(), its TIME_WAIT kept it, and the new "     \
    "socket sets it too: both have the flag and the TIME_WAIT is not listening, so they share "    \
    "the port although the old listener never set it."
#define ON_ACCEPTED_NEW_OFF                                                                        \
    "The TIME_WAIT has SO_REUSEADDR from the accepted socket, but the new socket did not set it: " \
    "sharing needs the flag on both."
#define OFF_ON_ACCEPTED                                                                            \
    "The listener had SO_REUSEADDR, the accepted socket inherited it and then cleared it before "  \
    "close(): the TIME_WAIT takes the flag of the socket that closed, 0, so the new socket's "     \
    "flag is not enough."
#define INHERITED                                                                                  \
    "The accepted socket inherits SO_REUSEADDR from its listener at accept() (getsockopt shows "   \
    "it), which is how a TIME_WAIT usually comes to have the listener's flag."

/* getsockopt(SO_REUSEADDR) on the accepted socket. */
static int reuseaddr_of(int fd)
{
    int v = -1;
    ac_setup_ok("getsockopt SO_REUSEADDR on the accepted socket",
                ac_sockopt_int(fd, SOL_SOCKET, SO_REUSEADDR, &v));
    return v;
}

static void accepted_flag_then_restart(unsigned listener_opts, int set_on_accepted, int shown,
                                       unsigned new_opts, const char *ip, int expected)
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, listener_opts);
    if (set_on_accepted != KEEP)
        ac_setup_ok(
            "setsockopt SO_REUSEADDR on the accepted socket",
            setsockopt(c.server, SOL_SOCKET, SO_REUSEADDR, &set_on_accepted, sizeof set_on_accepted)
                ? errno
                : 0);
    int v = reuseaddr_of(c.server);
    char step[128];
    snprintf(step, sizeof step, "SO_REUSEADDR of the accepted socket before close() (listener: %d)",
             listener_opts & AC_REUSEADDR ? 1 : 0);
    /* Where the test set the flag itself, reading it back only confirms the setup; where the
     * accepted socket kept what it inherited, that inheritance is what the row shows. */
    struct ac_about flag = {AC_KIND_SOCKOPT,
                            set_on_accepted == KEEP ? AC_ROLE_CLAIM : AC_ROLE_SETUP, "server end"};
    ac_expect_int(flag, step, shown, v);
    ac_conn_server_closes_first(&c, true); /* the server stops: listener closed too */
    int fd = ac_probe_bind(AC_ROLE_CLAIM, ip, PORT, new_opts, expected);
    if (fd >= 0)
        close(fd);
}

#define X(stem, listener_opts, set_on_accepted, shown, new_opts, ip, expected, rule)               \
    AC_TEST_OUTCOME(acceptreuse, stem, expected, .description = rule)                              \
    {                                                                                              \
        accepted_flag_then_restart(listener_opts, set_on_accepted, shown, new_opts, ip, expected); \
    }

/* name stem, listener's opts, SO_REUSEADDR set on the accepted socket before close() (0, 1 or
 * KEEP), the value getsockopt must then show on it, the new socket's opts, the address it binds,
 * expected bind(), the rule. The test is named <stem>_fails or <stem>_succeeds after the expected
 * result (harness/outcome.h), so a name cannot contradict its row. */
X(set_on_accepted_only_rebind_with_reuseaddr, 0, 1, 1, AC_REUSEADDR, AC_SERVER_IP, 0,
  ON_ACCEPTED_NEW_ON)
X(set_on_accepted_only_rebind_wildcard_with_reuseaddr, 0, 1, 1, AC_REUSEADDR, "0.0.0.0", 0,
  ON_ACCEPTED_NEW_ON)
X(set_on_accepted_only_rebind_without_reuseaddr, 0, 1, 1, 0, AC_SERVER_IP, EADDRINUSE,
  ON_ACCEPTED_NEW_OFF)
X(cleared_on_accepted_rebind_with_reuseaddr, AC_REUSEADDR, 0, 0, AC_REUSEADDR, AC_SERVER_IP,
  EADDRINUSE, OFF_ON_ACCEPTED)
X(inherited_from_listener_rebind_with_reuseaddr, AC_REUSEADDR, KEEP, 1, AC_REUSEADDR, AC_SERVER_IP,
  0, INHERITED)
#undef X

/* What getsockopt(SO_REUSEADDR) shows on an accepted socket, before anything sets it: the
 * listener's flag, copied with the whole sock by sk_clone_lock() (sock_copy(): skc_reuse lies
 * before skc_dontcopy_begin) and read back by sk_getsockopt() as sk->sk_reuse. The listener's
 * address plays no part: inet_csk_clone_lock() then gives the child the address the SYN came to
 * (the connection's own, not the listener's 0.0.0.0) and leaves the flag alone. Same code on
 * every kernel of the matrix. */
#define ACCEPTED_RULE(listener, flag, value)                                                       \
    "An accepted socket inherits its listener's SO_REUSEADDR whatever address the listener "       \
    "bound: behind " listener " that " flag " it, getsockopt on the accepted socket shows " value  \
    "."
#define SPECIFIC        "a listener on 192.168.1.100"
#define WILDCARD_VIA(a) "a listener on 0.0.0.0, reached via " a ","

static void accepted_shows(const char *listen_ip, const char *connect_ip, unsigned listener_opts,
                           int shown)
{
    struct ac_conn c;
    ac_conn_open(&c, listen_ip, connect_ip, PORT, listener_opts);
    struct ac_addr want;
    ac_addr_parse(&want, connect_ip, PORT);
    ac_expect_str(AC_SETUP(ADDRESS, "server end"), "local address of the accepted socket",
                  want.text, c.server_end.text);
    ac_expect_int(AC_CLAIM(SOCKOPT, "server end"),
                  "SO_REUSEADDR of the accepted socket (getsockopt)", shown,
                  reuseaddr_of(c.server));
}

#define X(stem, listen_ip, connect_ip, listener_opts, shown, rule)                                 \
    AC_TEST(acceptreuse, stem, .description = rule)                                                \
    {                                                                                              \
        accepted_shows(listen_ip, connect_ip, listener_opts, shown);                               \
    }

/* name, listener's address, where the client connects, listener's opts, the value the accepted
 * socket shows, the rule (a listener on 192.168.1.100 with the flag:
 * inherited_from_listener_rebind_with_reuseaddr_succeeds above) */
X(listener_without_accepted_shows_0, AC_SERVER_IP, AC_SERVER_IP, 0, 0,
  ACCEPTED_RULE(SPECIFIC, "did not set", "0"))
X(wildcard_without_via_loopback_accepted_shows_0, "0.0.0.0", AC_LOOPBACK_IP, 0, 0,
  ACCEPTED_RULE(WILDCARD_VIA("127.0.0.1"), "did not set", "0"))
X(wildcard_with_via_loopback_accepted_shows_1, "0.0.0.0", AC_LOOPBACK_IP, AC_REUSEADDR, 1,
  ACCEPTED_RULE(WILDCARD_VIA("127.0.0.1"), "set", "1"))
X(wildcard_without_via_server_addr_accepted_shows_0, "0.0.0.0", AC_SERVER_IP, 0, 0,
  ACCEPTED_RULE(WILDCARD_VIA("192.168.1.100"), "did not set", "0"))
X(wildcard_with_via_server_addr_accepted_shows_1, "0.0.0.0", AC_SERVER_IP, AC_REUSEADDR, 1,
  ACCEPTED_RULE(WILDCARD_VIA("192.168.1.100"), "set", "1"))
#undef X
