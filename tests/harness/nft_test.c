/* The nf_tables helper: a rule in the test's namespace really drops what it says. */
#include "../../harness/actest.h"
#include "../../fixtures/nft.h"
#include "../../fixtures/diag.h"
#include "../../fixtures/expect_state.h"
#include "../../fixtures/netns.h"

#include <errno.h>
#include <unistd.h>

AC_TEST(nft, dropped_syn_leaves_connect_pending)
{
    ac_nft("add rule inet afterclose out tcp dport 7777 tcp flags & syn == syn drop\n");
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, 7777);
    int l = ac_setup_fd("listener", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("bind", ac_bind(l, &at));
    ac_setup_ok("listen", ac_listen(l, 1));
    int c = ac_setup_fd("client", ac_tcp_socket(AF_INET, AC_NONBLOCK));
    ac_expect_errno(AC_SETUP(CONNECT, "client"), "connect with SYN dropped", EINPROGRESS,
                    ac_connect(c, &at));
    struct ac_match m = {.remote = &at};
    ac_expect_state(AC_CLAIM(STATE, "client"), "client", &m, AC_SYN_SENT, AC_STATE_TIMEOUT_MS);
    ac_nft_flush();
    close(c);
    close(l);
}
