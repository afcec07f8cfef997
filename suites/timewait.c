/* TIME_WAIT and re-binding: the blog's claims 1 and 2.
 *
 * A server listens on 192.168.1.100:9999, a client connects and says "hello server", the server
 * closes first, so its end of the connection sits in TIME_WAIT on 192.168.1.100:9999; then the
 * server is stopped and started again, without SO_REUSEADDR. Which addresses can it bind? */
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../harness/outcome.h"
#include "../harness/probe.h"
#include "../fixtures/netns.h"

#include <errno.h>

#define PORT 9999

TestSuite(timewait, .description = "A TIME_WAIT socket keeps its local address and port in the "
                                   "bind table until its timer expires; a new bind() conflicts "
                                   "with it wherever the two addresses overlap.");

#define X(stem, ip, expected, rule)                                                                \
    AC_TEST_OUTCOME(timewait, stem, expected, .description = rule)                                 \
    {                                                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);                                     \
        ac_conn_server_closes_first(&c, true);                                                     \
        ac_probe_bind(AC_ROLE_CLAIM, ip, PORT, 0, expected);                                       \
    }

/* name stem, address the restarted server binds, expected bind() result, the rule. The test is
 * named <stem>_fails or <stem>_succeeds after the expected result (harness/outcome.h), so a name
 * cannot contradict its row. */
X(rebind_same_addr, AC_SERVER_IP, EADDRINUSE,
  "The TIME_WAIT socket still owns 192.168.1.100:9999 and neither socket set SO_REUSEADDR.")
X(bind_loopback, AC_LOOPBACK_IP, 0,
  "A port is owned per local address: 127.0.0.1:9999 does not overlap 192.168.1.100:9999.")
X(bind_wildcard, "0.0.0.0", EADDRINUSE,
  "The wildcard 0.0.0.0 covers every local address, 192.168.1.100 included.")
#undef X
