/* SO_REUSEADDR against a TIME_WAIT left by a stopped server: the blog's claim 4, "with
 * SO_REUSEADDR the server starts on every address despite the TIME_WAIT".
 *
 * Linux lets a new socket share a port with a non-listening one only if BOTH have SO_REUSEADDR
 * (inet_bind_conflict(): sk->sk_reuse && sk2->sk_reuse). A TIME_WAIT socket keeps the flag of
 * the connection it came from, which inherited it from the listener that accepted it (unless the
 * server changed it on the accepted socket: suites/acceptreuse.c). So what the OLD server set
 * matters as much as what the new one sets. */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../harness/outcome.h"
#include "../harness/probe.h"
#include "../fixtures/netns.h"

#include <errno.h>

#define PORT 9999

TestSuite(reuseaddr, .description = "Linux lets a new socket share a port with a non-listening one "
                                    "only if both set SO_REUSEADDR; a TIME_WAIT socket keeps the "
                                    "flag of the connection that closed, which inherited it from "
                                    "its listener.");

#define NEITHER "Neither socket set SO_REUSEADDR."
#define OLD_OFF                                                                                    \
    "The TIME_WAIT socket inherited SO_REUSEADDR=0 from the old listener: sharing needs the flag " \
    "on both."
#define NEW_OFF "The new socket did not set SO_REUSEADDR: sharing needs the flag on both."
#define BOTH                                                                                       \
    "Both sockets set SO_REUSEADDR and the old one is not listening, so they may share the port."
#define NO_OVERLAP "127.0.0.1:9999 does not overlap 192.168.1.100:9999: SO_REUSEADDR is not needed."

#define X(stem, old_opts, new_opts, ip, expected, rule)                                            \
    AC_TEST_OUTCOME(reuseaddr, stem, expected, .description = rule)                                \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, old_opts);                              \
        ac_conn_server_closes_first(&c, true);                                                     \
        ac_probe_bind(AC_ROLE_CLAIM, ip, PORT, new_opts, expected);                                \
    }

/* name stem, old server's listener opts, new socket's opts, address the new socket binds, expected,
 * the rule. The test is named <stem>_fails or <stem>_succeeds after the expected result
 * (harness/outcome.h), so a name cannot contradict its row. */
X(old_off_new_off_same_addr, 0, 0, AC_SERVER_IP, EADDRINUSE, NEITHER)
X(old_off_new_on_same_addr, 0, AC_REUSEADDR, AC_SERVER_IP, EADDRINUSE, OLD_OFF)
X(old_on_new_off_same_addr, AC_REUSEADDR, 0, AC_SERVER_IP, EADDRINUSE, NEW_OFF)
X(old_on_new_on_same_addr, AC_REUSEADDR, AC_REUSEADDR, AC_SERVER_IP, 0, BOTH)
X(old_off_new_off_wildcard, 0, 0, "0.0.0.0", EADDRINUSE, NEITHER)
X(old_off_new_on_wildcard, 0, AC_REUSEADDR, "0.0.0.0", EADDRINUSE, OLD_OFF)
X(old_on_new_off_wildcard, AC_REUSEADDR, 0, "0.0.0.0", EADDRINUSE, NEW_OFF)
X(old_on_new_on_wildcard, AC_REUSEADDR, AC_REUSEADDR, "0.0.0.0", 0, BOTH)
X(old_off_new_on_loopback, 0, AC_REUSEADDR, AC_LOOPBACK_IP, 0, NO_OVERLAP)
X(old_on_new_on_loopback, AC_REUSEADDR, AC_REUSEADDR, AC_LOOPBACK_IP, 0, NO_OVERLAP)
#undef X
