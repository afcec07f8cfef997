/* The fixture: what every scenario stands on. */
#include "../../harness/actest.h"
#include "../../fixtures/conn.h"
#include "../../fixtures/mib.h"
#include "../../fixtures/netns.h"

#include <net/if.h>
#include <string.h>
#include <unistd.h>

AC_TEST(netns, has_server_address_and_loopback)
{
    const char *ips[] = {AC_SERVER_IP, AC_LOOPBACK_IP};
    for (size_t i = 0; i < 2; i++) {
        struct ac_addr a;
        ac_addr_parse(&a, ips[i], 0);
        int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
        ac_expect_errno(AC_CLAIM(BIND, ips[i]), ips[i], 0, ac_bind(fd, &a));
        close(fd);
    }
}

AC_TEST(netns, records_a_known_interface_kind)
{
    const char *kind = ac_netns_iface_kind();
    cr_assert(strcmp(kind, "dummy") == 0 || strcmp(kind, "veth") == 0, "kind %s", kind);
    ac_expect_int(AC_CLAIM(COUNT, AC_IFACE), "links named " AC_IFACE, 1,
                  if_nametoindex(AC_IFACE) != 0);
}

AC_TEST(netns, is_not_the_namespace_we_started_in)
{
    /* A fresh namespace has only lo and the fixture's links: 1 + (1 or 2). */
    struct if_nameindex *ifs = if_nameindex();
    size_t n = 0;
    for (struct if_nameindex *i = ifs; i->if_index; i++)
        n++;
    if_freenameindex(ifs);
    size_t want = strcmp(ac_netns_iface_kind(), "veth") == 0 ? 3 : 2;
    ac_expect_int(AC_CLAIM(COUNT, "links"), "links in the test's namespace", (long)want, (long)n);
}

/* What a failed check shows after the sockets: the namespace's own TcpExt counters, only those
 * that are not zero, so a socket the kernel declined to keep (TCPTimeWaitOverflow) is seen. */
AC_TEST(netns, failure_context_names_tcpext_counters_not_zero)
{
    char before[4096], after[4096], tiny[2];
    ac_tcpext_format_nonzero(before, sizeof before);
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, 7000, 0); /* its message counts as data sent */
    ac_tcpext_format_nonzero(after, sizeof after);
    ac_tcpext_format_nonzero(tiny, sizeof tiny);
    ac_expect_str(AC_CLAIM(COUNT, "TcpExt"), "a fresh namespace's counters",
                  "  (every TcpExt counter is zero)\n", before);
    ac_expect_str(AC_CLAIM(COUNT, "TcpExt"), "after one connection carried data",
                  "names TCPOrigDataSent, ends with a newline",
                  strstr(after, "  TcpExt counters not zero:") == after &&
                          strstr(after, " TCPOrigDataSent=") && after[strlen(after) - 1] == '\n'
                      ? "names TCPOrigDataSent, ends with a newline"
                      : after);
    ac_expect_str(AC_CLAIM(COUNT, "TcpExt"), "into a 2-byte buffer", "\n", tiny);
}
