/* The fixture: what every scenario stands on. */
#include "../../harness/actest.h"
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
