/* SO_REUSEPORT: when two sockets may own the same port, and who may join whom.
 *
 * inet_bind_conflict() (net/ipv4/inet_connection_sock.c), for a new socket sk and each socket sk2
 * already on an overlapping address, when SO_REUSEADDR does not settle it: no conflict only if
 *     sk->sk_reuseport && sk2->sk_reuseport && reuseport_cb_ok &&
 *     (sk2 is TIME_WAIT || sk2's owner uid == sk's owner uid)
 * So the option must be on BOTH sockets (set on the old one only or on the new one only is not
 * enough), a TIME_WAIT socket keeps the option of the connection it came from (which had it from
 * its listener), and across users only a TIME_WAIT can be shared: a listener or a bound socket
 * of another user cannot be hijacked. reuseport_cb_ok is true for a socket that has not joined a
 * reuseport group yet, which is every new socket here but those of the last table. The owner
 * uid is the euid of the process that created the socket (sock_init_data(): sk_uid from the
 * inode's i_uid, current_fsuid()).
 *
 * Names read <who binds>_<state of the existing socket>_<which side has SO_REUSEPORT>_<result>.
 * "other_uid" rows create the new socket in a helper child with euid 65534; where this process
 * cannot take that uid (unprivileged user namespace) they are skipped with the reason. */
#include "../harness/actest.h"
#include "../fixtures/asuid.h"
#include "../fixtures/bpf.h"
#include "../fixtures/conn.h"
#include "../fixtures/existing.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/localroute.h"
#include "../harness/outcome.h"
#include "../harness/probe.h"
#include "../fixtures/states.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

#define RP        AC_REUSEPORT
#define RA        AC_REUSEADDR
#define NONE      0
#define BOUND     false
#define LISTENING true
#define V4_ANY    "0.0.0.0"
#define V4_LOOP   AC_LOOPBACK_IP
#define V4_ADDR   AC_SERVER_IP

TestSuite(reuseport, .description = "SO_REUSEPORT lets sockets share a port only when both set it "
                                    "and, unless the existing one is in TIME_WAIT, both belong to "
                                    "the same user, and never with a socket that has a group of "
                                    "its own already; a TIME_WAIT keeps the option of the "
                                    "listener that accepted its connection.");

#define OLD_ONLY "Only the existing socket set SO_REUSEPORT: sharing a port needs it on both."
#define NEW_ONLY                                                                                   \
    "Only the new socket set SO_REUSEPORT: the existing one never agreed to share, and sharing "   \
    "needs the option on both."
#define BOTH_SAME_UID                                                                              \
    "Both sockets set SO_REUSEPORT and belong to the same user, so they share the port."
#define OVERLAP_BOTH                                                                               \
    "0.0.0.0:9999 covers 192.168.1.100:9999, and overlapping addresses share the port like equal " \
    "ones: both set SO_REUSEPORT, same user."
#define OVERLAP_OLD_ONLY                                                                           \
    "0.0.0.0:9999 covers 192.168.1.100:9999, so the two conflict unless both set SO_REUSEPORT; "   \
    "the new socket did not."
#define OVERLAP_NEW_ONLY                                                                           \
    "0.0.0.0:9999 and 192.168.1.100:9999 overlap, so the two conflict unless both set "            \
    "SO_REUSEPORT; only the new socket did, the existing one never agreed to share."
#define DUAL_BOTH                                                                                  \
    "A dual-stack [::]:9999 (IPV6_V6ONLY=0) also covers 0.0.0.0:9999, and with SO_REUSEPORT on "   \
    "both (same user) the two share the port."
#define DUAL_OLD_ONLY                                                                              \
    "A dual-stack [::]:9999 (IPV6_V6ONLY=0) also covers 0.0.0.0:9999, so the two conflict unless " \
    "both set SO_REUSEPORT; the new socket did not."
#define TW_OLD_ONLY                                                                                \
    "The TIME_WAIT kept SO_REUSEPORT from the old listener, but the new socket did not set it: "   \
    "sharing needs the option on both."
#define TW_NEW_ONLY                                                                                \
    "The TIME_WAIT inherited SO_REUSEPORT=0 from the old listener: sharing needs the option on "   \
    "both."
#define TW_BOTH                                                                                    \
    "The TIME_WAIT kept the old listener's SO_REUSEPORT and the new socket sets it too, so they "  \
    "share the port."
#define TW_BOTH_WILDCARD                                                                           \
    "0.0.0.0:9999 covers the TIME_WAIT on 192.168.1.100:9999, which kept the old listener's "      \
    "SO_REUSEPORT; with the option on the new socket too they share the port."
#define TW_OLD_ONLY_WILDCARD                                                                       \
    "0.0.0.0:9999 covers the TIME_WAIT on 192.168.1.100:9999, which kept the old listener's "      \
    "SO_REUSEPORT, but the new socket did not set it: sharing needs the option on both."
#define TW_NEW_ONLY_WILDCARD                                                                       \
    "0.0.0.0:9999 covers the TIME_WAIT on 192.168.1.100:9999, which inherited SO_REUSEPORT=0 "     \
    "from the old listener: sharing needs the option on both."
#define OTHER_UID_BOTH                                                                             \
    "The existing socket belongs to another user and is not in TIME_WAIT, so SO_REUSEPORT on "     \
    "both does not let the new socket share its port."
#define OTHER_UID_OVERLAP                                                                          \
    "0.0.0.0:9999 covers 192.168.1.100:9999, and a listener of another user cannot be joined, "    \
    "even with SO_REUSEPORT on both."
#define OTHER_UID_NO_OVERLAP                                                                       \
    "192.168.1.100:9999 does not overlap 127.0.0.1:9999, so the two never conflict and the "       \
    "owners' uids are never compared."
#define OTHER_UID_REUSEADDR                                                                        \
    "SO_REUSEADDR on both settles the check against a socket that is not listening before "        \
    "SO_REUSEPORT's uid test is reached, so another user may bind the port, and listen."
#define OTHER_UID_TW_BOTH                                                                          \
    "SO_REUSEPORT does not compare owners for a TIME_WAIT socket, so another user may share its "  \
    "port when both have the option."
#define OTHER_UID_TW_NEW_ONLY                                                                      \
    "The TIME_WAIT inherited SO_REUSEPORT=0 from the old listener: sharing needs the option on "   \
    "both, whoever binds."
#define OTHER_UID_TW_OLD_ONLY                                                                      \
    "The new socket did not set SO_REUSEPORT: even a TIME_WAIT is shared only when both sockets "  \
    "have the option."

#define X(stem, old_opts, old_listen, old_ip, new_ip, new_opts, expected, rule)                    \
    AC_TEST_OUTCOME(reuseport, stem, expected, .description = rule)                                \
    {                                                                                              \
        int old = ac_existing_socket(old_ip, PORT, old_opts, old_listen);                          \
        int fd = ac_probe_bind(AC_ROLE_CLAIM, new_ip, PORT, new_opts, expected);                   \
        if (fd >= 0)                                                                               \
            close(fd);                                                                             \
        close(old);                                                                                \
    }

/* name stem, existing socket's opts, listening?, its address, new socket's address, its opts,
 * expected bind() result (listen() must then succeed too), the rule; same user. The test is named
 * <stem>_fails or <stem>_succeeds after the expected result (harness/outcome.h), so a name cannot
 * contradict its row. */
/* The option must be on both sockets, whatever the existing one's state. */
X(bound_old_only, RP, BOUND, V4_ADDR, V4_ADDR, NONE, EADDRINUSE, OLD_ONLY)
X(bound_new_only, NONE, BOUND, V4_ADDR, V4_ADDR, RP, EADDRINUSE, NEW_ONLY)
X(bound_both, RP, BOUND, V4_ADDR, V4_ADDR, RP, 0, BOTH_SAME_UID)
X(listen_old_only, RP, LISTENING, V4_ADDR, V4_ADDR, NONE, EADDRINUSE, OLD_ONLY)
X(listen_new_only, NONE, LISTENING, V4_ADDR, V4_ADDR, RP, EADDRINUSE, NEW_ONLY)
/* Two listeners on one address: the point of SO_REUSEPORT. */
X(listen_both, RP, LISTENING, V4_ADDR, V4_ADDR, RP, 0, BOTH_SAME_UID)
/* Overlapping, not equal, addresses follow the same rule. */
X(listen_both_wildcard_then_specific, RP, LISTENING, V4_ANY, V4_ADDR, RP, 0, OVERLAP_BOTH)
X(listen_both_specific_then_wildcard, RP, LISTENING, V4_ADDR, V4_ANY, RP, 0, OVERLAP_BOTH)
X(listen_old_only_wildcard_then_specific, RP, LISTENING, V4_ANY, V4_ADDR, NONE, EADDRINUSE,
  OVERLAP_OLD_ONLY)
X(listen_new_only_wildcard_then_specific, NONE, LISTENING, V4_ANY, V4_ADDR, RP, EADDRINUSE,
  OVERLAP_NEW_ONLY)
X(listen_old_only_specific_then_wildcard, RP, LISTENING, V4_ADDR, V4_ANY, NONE, EADDRINUSE,
  OVERLAP_OLD_ONLY)
X(listen_new_only_specific_then_wildcard, NONE, LISTENING, V4_ADDR, V4_ANY, RP, EADDRINUSE,
  OVERLAP_NEW_ONLY)
X(bound_both_specific_then_wildcard, RP, BOUND, V4_ADDR, V4_ANY, RP, 0, OVERLAP_BOTH)
X(bound_old_only_specific_then_wildcard, RP, BOUND, V4_ADDR, V4_ANY, NONE, EADDRINUSE,
  OVERLAP_OLD_ONLY)
X(bound_new_only_specific_then_wildcard, NONE, BOUND, V4_ADDR, V4_ANY, RP, EADDRINUSE,
  OVERLAP_NEW_ONLY)
/* ... and so do the families: a dual-stack [::] overlaps 0.0.0.0. */
X(listen_both_dualstack_any_then_v4_any, RP | AC_V6DUAL, LISTENING, "::", V4_ANY, RP, 0, DUAL_BOTH)
X(listen_old_only_dualstack_any_then_v4_any, RP | AC_V6DUAL, LISTENING, "::", V4_ANY, NONE,
  EADDRINUSE, DUAL_OLD_ONLY)
#undef X

#define X(stem, old_opts, new_ip, new_opts, expected, rule)                                        \
    AC_TEST_OUTCOME(reuseport, stem, expected, .description = rule)                                \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, V4_ADDR, V4_ADDR, PORT, old_opts);                                        \
        ac_conn_server_closes_first(&c, true);                                                     \
        int fd = ac_probe_bind(AC_ROLE_CLAIM, new_ip, PORT, new_opts, expected);                   \
        if (fd >= 0)                                                                               \
            close(fd);                                                                             \
    }

/* name stem, the old server's listener opts (its TIME_WAIT inherits them; listener closed), new
 * socket's address, its opts, expected, the rule; same user */
X(timewait_old_only, RP, V4_ADDR, NONE, EADDRINUSE, TW_OLD_ONLY)
X(timewait_new_only, NONE, V4_ADDR, RP, EADDRINUSE, TW_NEW_ONLY)
/* The TIME_WAIT kept the listener's SO_REUSEPORT. */
X(timewait_both, RP, V4_ADDR, RP, 0, TW_BOTH)
X(timewait_both_wildcard, RP, V4_ANY, RP, 0, TW_BOTH_WILDCARD)
X(timewait_old_only_wildcard, RP, V4_ANY, NONE, EADDRINUSE, TW_OLD_ONLY_WILDCARD)
X(timewait_new_only_wildcard, NONE, V4_ANY, RP, EADDRINUSE, TW_NEW_ONLY_WILDCARD)
#undef X

#define X(stem, old_opts, old_listen, old_ip, new_ip, new_opts, expected, rule)                    \
    AC_TEST_OUTCOME_WITH(reuseport, stem, expected, (.helpers = 1), .description = rule)           \
    {                                                                                              \
        int old = ac_existing_socket(old_ip, PORT, old_opts, old_listen);                          \
        ac_probe_bind_as_uid(AC_ROLE_CLAIM, AC_OTHER_UID, new_ip, PORT, new_opts, expected);       \
        close(old);                                                                                \
    }

/* name stem, existing socket's opts, listening?, its address, new socket's address, its opts,
 * expected, the rule; the new socket belongs to another user */
/* Another user cannot join a bound socket or a listener, even with the option on both. */
X(other_uid_bound_both, RP, BOUND, V4_ADDR, V4_ADDR, RP, EADDRINUSE, OTHER_UID_BOTH)
X(other_uid_listen_both, RP, LISTENING, V4_ADDR, V4_ADDR, RP, EADDRINUSE, OTHER_UID_BOTH)
X(other_uid_listen_both_wildcard_then_specific, RP, LISTENING, V4_ANY, V4_ADDR, RP, EADDRINUSE,
  OTHER_UID_OVERLAP)
/* Without an overlap there is nothing to share: the uid does not matter. */
X(other_uid_listen_both_other_address, RP, LISTENING, V4_LOOP, V4_ADDR, RP, 0, OTHER_UID_NO_OVERLAP)
/* SO_REUSEADDR on both settles it for a socket that is not listening, before any uid test:
 * the other user may bind, and even listen. */
X(other_uid_bound_reuseaddr_and_reuseport_both, RA | RP, BOUND, V4_ADDR, V4_ADDR, RA | RP, 0,
  OTHER_UID_REUSEADDR)
#undef X

/* Next to an ESTABLISHED socket: the accepted end of a connection (listener closed), which has
 * SO_REUSEPORT if its listener had it (sk_clone_lock() copies sk_reuseport). It is not a
 * TIME_WAIT, so the uid test applies, and here the owner is the same. */
#define EST_BOTH                                                                                   \
    "The ESTABLISHED socket inherited SO_REUSEPORT from its listener and the new socket sets it, " \
    "same user: they share the port, and the new one may listen."
#define EST_OLD_ONLY                                                                               \
    "The ESTABLISHED socket inherited SO_REUSEPORT, but the new socket did not set it: sharing "   \
    "needs the option on both."
#define EST_NEW_ONLY                                                                               \
    "The ESTABLISHED socket inherited SO_REUSEPORT=0 from its listener: sharing needs the option " \
    "on both."
#define EST_BOTH_WILDCARD                                                                          \
    "0.0.0.0:9999 covers the ESTABLISHED socket on 192.168.1.100:9999; both have SO_REUSEPORT, "   \
    "same user: they share the port."
#define EST_OLD_ONLY_WILDCARD                                                                      \
    "0.0.0.0:9999 covers the ESTABLISHED socket on 192.168.1.100:9999, which inherited "           \
    "SO_REUSEPORT from its listener, but the new socket did not set it: sharing needs the option " \
    "on both."
#define EST_NEW_ONLY_WILDCARD                                                                      \
    "0.0.0.0:9999 covers the ESTABLISHED socket on 192.168.1.100:9999, which inherited "           \
    "SO_REUSEPORT=0 from its listener: sharing needs the option on both."

#define X(stem, old_opts, new_ip, new_opts, expected, rule)                                        \
    AC_TEST_OUTCOME(reuseport, stem, expected, .description = rule)                                \
    {                                                                                              \
        struct ac_state_spec spec = {                                                              \
            .kind = AC_HOLD_ESTABLISHED, .ip = V4_ADDR, .port = PORT, .opts = old_opts};           \
        ac_state_probe_bind(&spec, new_ip, new_opts, expected);                                    \
    }

/* name stem, the listener's opts (the accepted socket inherits them), new socket's address, its
 * opts, expected, the rule; same user */
X(established_both, RP, V4_ADDR, RP, 0, EST_BOTH)
X(established_old_only, RP, V4_ADDR, NONE, EADDRINUSE, EST_OLD_ONLY)
X(established_new_only, NONE, V4_ADDR, RP, EADDRINUSE, EST_NEW_ONLY)
X(established_both_wildcard, RP, V4_ANY, RP, 0, EST_BOTH_WILDCARD)
X(established_old_only_wildcard, RP, V4_ANY, NONE, EADDRINUSE, EST_OLD_ONLY_WILDCARD)
X(established_new_only_wildcard, NONE, V4_ANY, RP, EADDRINUSE, EST_NEW_ONLY_WILDCARD)
#undef X

#define X(stem, old_opts, new_opts, expected, rule)                                                \
    AC_TEST_OUTCOME_WITH(reuseport, stem, expected, (.helpers = 1), .description = rule)           \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, V4_ADDR, V4_ADDR, PORT, old_opts);                                        \
        ac_conn_server_closes_first(&c, true);                                                     \
        ac_probe_bind_as_uid(AC_ROLE_CLAIM, AC_OTHER_UID, V4_ADDR, PORT, new_opts, expected);      \
    }

/* name stem, the old server's listener opts, new socket's opts, expected, the rule; TIME_WAIT of
 * root's server, the new socket belongs to another user */
/* A TIME_WAIT is shared with anyone who set the option (no uid test for TIME_WAIT). */
X(other_uid_timewait_both, RP, RP, 0, OTHER_UID_TW_BOTH)
X(other_uid_timewait_new_only, NONE, RP, EADDRINUSE, OTHER_UID_TW_NEW_ONLY)
X(other_uid_timewait_old_only, RP, NONE, EADDRINUSE, OTHER_UID_TW_OLD_ONLY)
#undef X

/* getsockopt(SO_ACCEPTCONN): 1 while the socket listens. */
static int accepting(int fd)
{
    int on = -1;
    ac_setup_ok("getsockopt SO_ACCEPTCONN", ac_sockopt_int(fd, SOL_SOCKET, SO_ACCEPTCONN, &on));
    return on;
}

/* Two listeners share the port; a third socket may join only with the option too. */
AC_TEST(reuseport, two_listeners_then_third_without_fails,
        .description = "Every socket that joins a shared port needs SO_REUSEPORT itself; the two "
                       "listeners having it is not enough for a third without it.")
{
    int a = ac_existing_socket(V4_ADDR, PORT, RP, LISTENING);
    int b = ac_probe_bind(AC_ROLE_SETUP, V4_ADDR, PORT, RP, 0);
    ac_probe_bind(AC_ROLE_CLAIM, V4_ADDR, PORT, NONE, EADDRINUSE);
    close(b);
    close(a);
}

AC_TEST(reuseport, two_listeners_then_third_with_succeeds,
        .description = "A third socket with SO_REUSEPORT, of the same user, passes the check "
                       "against each socket already on the port, so all three listen on it.")
{
    int a = ac_existing_socket(V4_ADDR, PORT, RP, LISTENING);
    int b = ac_probe_bind(AC_ROLE_SETUP, V4_ADDR, PORT, RP, 0);
    int c = ac_probe_bind(AC_ROLE_CLAIM, V4_ADDR, PORT, RP, 0);
    /* All three listen (asked from the kernel per socket: the harness's sock_diag table shows
     * sockets with equal addresses once). */
    const int fds[] = {a, b, c};
    const char *const subjects[] = {"existing socket", "second socket", "third socket"};
    for (int i = 0; i < 3; i++)
        ac_expect_int(AC_CLAIM(SOCKOPT, subjects[i]),
                      "listener shares " V4_ADDR ":9999 (SO_ACCEPTCONN)", 1, accepting(fds[i]));
    close(c);
    close(b);
    close(a);
}

/* The same sharing, on the kernel's full check. While every socket of the port has SO_REUSEPORT
 * and one owner, bind() takes a fast path (sk_reuseport_match() on the bucket) and never compares
 * the new socket with each listener. Another user's socket, bound to another address of the port
 * for a moment, sets the bucket's fast path to that user (FASTREUSEPORT_STRICT, in
 * inet_csk_update_fastreuse()), so the second listener of the first user is compared with the
 * first one by inet_bind_conflict(): two SO_REUSEPORT sockets of one user, a LISTEN among them,
 * do not conflict there either. */
AC_TEST_WITH(reuseport, listen_both_checked_in_full_after_other_uid_succeeds, (.helpers = 1),
             .description =
                 "Two SO_REUSEPORT listeners of one user share the port also when bind() "
                 "compares them one by one (another user's socket, bound to another "
                 "address of the port before, took the bucket off its fast path).")
{
    int a = ac_existing_socket(V4_ADDR, PORT, RP, LISTENING);
    ac_probe_bind_as_uid(AC_ROLE_SETUP, AC_OTHER_UID, V4_LOOP, PORT, RP, 0);
    int b = ac_probe_bind(AC_ROLE_CLAIM, V4_ADDR, PORT, RP, 0);
    close(b);
    close(a);
}

/* Two sockets with `opts` bound to 192.168.1.100:9999, neither listening yet: *a first (the
 * existing socket), then *b (the second socket). */
static void bind_two(unsigned opts, int *a, int *b)
{
    *a = ac_existing_socket(V4_ADDR, PORT, opts, BOUND);
    struct ac_addr at;
    ac_addr_parse(&at, V4_ADDR, PORT);
    *b = ac_setup_fd("second socket", ac_tcp_socket(AF_INET, opts));
    char step[128];
    ac_bind_step_text(step, sizeof step, "second socket", at.text, opts);
    ac_expect_errno(AC_SETUP(BIND, "second socket"), step, 0, ac_bind(*b, &at));
}

/* The two sockets of bind_two(), a and b, call listen() in turn, b first if b_first: the first
 * to listen gets the port (that listen() checked in first_role), the other's listen() fails with
 * EADDRINUSE (the claim). */
static void listen_in_turn(int a, int b, bool b_first, enum ac_role first_role)
{
    const struct {
        int fd;
        const char *subject, *step;
    } s[2] = {{a, "existing socket", "first socket: listen"},
              {b, "second socket", "second socket: listen"}};
    int w = b_first ? 1 : 0;
    struct ac_about first = {AC_KIND_LISTEN, first_role, s[w].subject};
    ac_expect_errno(first, s[w].step, 0, ac_listen(s[w].fd, 16));
    ac_expect_errno(AC_CLAIM(LISTEN, s[1 - w].subject), s[1 - w].step, EADDRINUSE,
                    ac_listen(s[1 - w].fd, 16));
}

/* Both bound first, then both listen: listen() checks the port again (inet_csk_get_port() from
 * inet_csk_listen_start()) and SO_REUSEPORT passes that check too. */
AC_TEST(reuseport, both_bound_then_both_listen_succeeds,
        .description = "listen() checks the port again (inet_csk_get_port()), and SO_REUSEPORT on "
                       "both sockets of one user passes that check too, so both may listen.")
{
    int a, b;
    bind_two(RP, &a, &b);
    ac_expect_errno(AC_CLAIM(LISTEN, "existing socket"), "first socket: listen", 0,
                    ac_listen(a, 16));
    ac_expect_errno(AC_CLAIM(LISTEN, "second socket"), "second socket: listen", 0,
                    ac_listen(b, 16));
    close(b);
    close(a);
}

/* The contrast: SO_REUSEADDR (without SO_REUSEPORT) lets both bind, but only one may listen:
 * for the second listen() the first is now a listener, which SO_REUSEADDR never shares. */
AC_TEST(reuseport, reuseaddr_instead_both_bind_second_listen_fails,
        .description = "SO_REUSEADDR shares a port only with sockets that are not listening, so "
                       "both may bind, but once the first listens the second listen() conflicts.")
{
    int a, b;
    bind_two(RA, &a, &b);
    listen_in_turn(a, b, false, AC_ROLE_SETUP);
    close(b);
    close(a);
}

/* The mirror order: the socket bound second listens first. inet_bind_conflict() asks whether the
 * EXISTING socket listens (sk2->sk_state != TCP_LISTEN), not the one calling listen(): for the
 * second socket's listen() the first is only bound, both have SO_REUSEADDR, so no conflict; for
 * the first socket's listen() the second now listens, and SO_REUSEADDR never shares with a
 * listener. inet_csk_listen_start() puts the failed socket back in CLOSE. The order of bind()
 * does not matter, only which listen() comes first. Same rule on 5.10 and since bhash2. */
AC_TEST(reuseport, reuseaddr_instead_second_listens_first_then_first_listen_fails,
        .description = "With SO_REUSEADDR on both bound sockets, whichever calls listen() first "
                       "gets the port, even the one bound second; the other's listen() then "
                       "fails with EADDRINUSE and leaves it not listening.")
{
    int a, b;
    bind_two(RA, &a, &b);
    listen_in_turn(a, b, true, AC_ROLE_CLAIM);
    ac_expect_int(AC_CLAIM(SOCKOPT, "existing socket"),
                  "first socket listening after its failed listen() (SO_ACCEPTCONN)", 0,
                  accepting(a));
    close(b);
    close(a);
}

/* The port's fast path. inet_csk_get_port() skips the owner-by-owner conflict check when
 * sk_reuseport_match() says a new SO_REUSEPORT socket matches what the bind bucket remembers of
 * its sharers. A bucket first taken by a socket without the option has none; a SO_REUSEPORT
 * socket that joins it on another address resets it to FASTREUSEPORT_STRICT with that address
 * (inet_csk_update_fastreuse()), and from then on a new socket matches only if its address
 * equals that one, compared in the bucket's family (ipv6_rcv_saddr_equal() for an IPv6
 * sharer: every IPv6 socket's IPv4 address is the same 127.0.0.6 placeholder, LOOPBACK4_IPV6).
 * A new socket on the first owner's address must not match: the full check finds that owner,
 * which never agreed to share. */
#define V6_LOOP  "::1"
#define V6_OTHER "2001:db8::100"
static void port_split(const char *first_ip, const char *sharer_ip, const char *new_ip,
                       int expected)
{
    if (strcmp(first_ip, V6_OTHER) == 0) {
        ac_netns_add_addr(V6_OTHER "/64");
        ac_wait_local_route(V6_OTHER, AC_STATE_TIMEOUT_MS);
    }
    int first = ac_existing_socket(first_ip, PORT, NONE, BOUND);
    int sharer = ac_existing_socket(sharer_ip, PORT, RP, BOUND);
    int fd = ac_probe_bind(AC_ROLE_CLAIM, new_ip, PORT, RP, expected);
    if (fd >= 0)
        close(fd);
    close(sharer);
    close(first);
}

#define X(stem, first_ip, sharer_ip, new_ip, expected, rule)                                       \
    AC_TEST_OUTCOME(reuseport, stem, expected, .description = rule)                                \
    {                                                                                              \
        port_split(first_ip, sharer_ip, new_ip, expected);                                         \
    }
/* name stem, the first owner's address (no SO_REUSEPORT), the SO_REUSEPORT sharer's address, the
 * new SO_REUSEPORT socket's address, expected, the rule; all bound, same user */
X(port_split_new_on_first_owners_address, V4_ADDR, V4_LOOP, V4_ADDR, EADDRINUSE,
  "192.168.1.100:9999 is held without SO_REUSEPORT and a SO_REUSEPORT socket took "
  "127.0.0.1:9999: a new SO_REUSEPORT socket on 192.168.1.100:9999 still conflicts with the "
  "first owner.")
X(port_split_new_on_sharers_address, V4_ADDR, V4_LOOP, V4_LOOP, 0,
  "192.168.1.100:9999 is held without SO_REUSEPORT and a SO_REUSEPORT socket took "
  "127.0.0.1:9999: a new SO_REUSEPORT socket joins the latter.")
X(port_split_new_on_first_owners_address_ipv6, V6_OTHER, V6_LOOP, V6_OTHER, EADDRINUSE,
  "[2001:db8::100]:9999 is held without SO_REUSEPORT and a SO_REUSEPORT socket took "
  "[::1]:9999: a new SO_REUSEPORT socket on [2001:db8::100]:9999 still conflicts with the "
  "first owner.")
X(port_split_new_on_sharers_address_ipv6, V6_OTHER, V6_LOOP, V6_LOOP, 0,
  "[2001:db8::100]:9999 is held without SO_REUSEPORT and a SO_REUSEPORT socket took "
  "[::1]:9999: a new SO_REUSEPORT socket joins the latter.")
#undef X

/* A socket that has a reuseport group of its own before bind(): attaching a program
 * (SO_ATTACH_REUSEPORT_CBPF) allocates one (reuseport_attach_prog()). Such a socket is not new:
 * reuseport_cb_ok is false (it has no closed sockets to migrate), so no other socket's port is
 * shared with it, SO_REUSEPORT on both or not; the fast path says the same
 * (sk_reuseport_match() refuses a socket with sk_reuseport_cb). */
#define X(stem, old_listen, rule)                                                                  \
    AC_TEST_OUTCOME(reuseport, stem, EADDRINUSE, .description = rule)                              \
    {                                                                                              \
        int old = ac_existing_socket(V4_ADDR, PORT, RP, old_listen);                               \
        int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, RP));                                \
        ac_attach_reuseport_cbpf(fd, 0);                                                           \
        struct ac_addr at;                                                                         \
        ac_addr_parse(&at, V4_ADDR, PORT);                                                         \
        ac_expect_errno(AC_CLAIM(BIND, at.text),                                                   \
                        "bind of a SO_REUSEPORT socket with a program attached", EADDRINUSE,       \
                        ac_bind(fd, &at));                                                         \
        close(fd);                                                                                 \
        close(old);                                                                                \
    }
/* name stem, whether the SO_REUSEPORT socket already on 192.168.1.100:9999 listens, the rule;
 * same user */
X(bound_both_new_has_own_group, BOUND,
  "A socket that attached a reuseport program before bind() already has a group of its "
  "own, so it cannot share the port of a bound SO_REUSEPORT socket: EADDRINUSE.")
X(listen_both_new_has_own_group, LISTENING,
  "A socket that attached a reuseport program before bind() already has a group of "
  "its own, so it cannot join a SO_REUSEPORT listener's port: EADDRINUSE.")
#undef X
