/* What bind() accepts beyond the conflict rules: addresses that are not local, ports below
 * 1024, the port bind(0) picks, and the IPV6_V6ONLY a new IPv6 socket starts with.
 *
 * 6.1 source:
 *  - __inet_bind() refuses an address that is not local with EADDRNOTAVAIL unless
 *    inet_addr_valid_or_nonlocal(): net.ipv4.ip_nonlocal_bind, IP_FREEBIND or IP_TRANSPARENT;
 *    __inet6_bind() likewise unless ipv6_can_nonlocal_bind(): net.ipv6.ip_nonlocal_bind,
 *    IPV6_FREEBIND or IPV6_TRANSPARENT.
 *  - both refuse a port below net.ipv4.ip_unprivileged_port_start without
 *    CAP_NET_BIND_SERVICE (inet_port_requires_bind_service()): EACCES. The capability is
 *    asked of the namespace's user namespace (ns_capable()), whatever the uid.
 *  - do_ip_setsockopt() and do_ipv6_setsockopt() turn IP_TRANSPARENT / IPV6_TRANSPARENT on only
 *    for a caller with CAP_NET_RAW or CAP_NET_ADMIN there (else EPERM); off needs nothing.
 *  - inet_csk_find_open_port() skips, for bind(0), a port whose sockets all set SO_REUSEADDR
 *    as well, unless net.ipv4.ip_autobind_reuse lets a second pass share it; the range it
 *    scans is ip_local_port_range narrowed by the socket's IP_LOCAL_PORT_RANGE
 *    (inet_sk_get_local_port_range(); upstream since 6.3, commit 91d0b78c5177).
 *  - inet6_create() starts sk_ipv6only from net.ipv6.bindv6only. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/asuid.h"
#include "../fixtures/caps.h"
#include "../fixtures/kernel.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51 /* include/uapi/linux/in.h */
#endif

TestSuite(bindaddr,
          .description = "bind() refuses an address that is not local unless IP_FREEBIND, "
                         "IP_TRANSPARENT or ip_nonlocal_bind (or their IPv6 twins) allow it, a "
                         "port below ip_unprivileged_port_start to an unprivileged user, and, for "
                         "port 0, a port shared through SO_REUSEADDR unless ip_autobind_reuse is "
                         "set, and never one shared through SO_REUSEPORT; net.ipv6.bindv6only "
                         "sets a new IPv6 socket's IPV6_V6ONLY.");

static int errno_of(int rc)
{
    return rc < 0 ? errno : 0;
}

/* One bind of ip:9999 as the claim; listen() must follow a successful one. */
static void expect_bind(int fd, const char *ip, int expected)
{
    struct ac_addr at;
    ac_addr_parse(&at, ip, PORT);
    char step[96];
    snprintf(step, sizeof step, "bind %s", at.text);
    int err = ac_bind(fd, &at);
    ac_expect_errno(AC_CLAIM(BIND, at.text), step, expected, err);
    if (!err)
        ac_expect_errno(AC_CLAIM(LISTEN, at.text), "listen", 0, ac_listen(fd, 16));
}

/* bind() of ip:0 as the claim; returns its result. */
static int bind_port0(int fd, const char *ip, int expected)
{
    struct ac_addr any_port;
    ac_addr_parse(&any_port, ip, 0);
    char step[96];
    snprintf(step, sizeof step, "bind %s", any_port.text);
    int err = ac_bind(fd, &any_port);
    ac_expect_errno(AC_CLAIM(BIND, any_port.text), step, expected, err);
    return err;
}

/* The ranges here are the one port 40000: the port the kernel gave fd must be it. */
static void expect_port_40000(int fd)
{
    struct ac_addr got;
    ac_setup_ok("getsockname", ac_local_addr(fd, &got));
    ac_expect_int(AC_CLAIM(ADDRESS, "socket"), "the port the kernel picked", 40000,
                  ac_addr_port(&got));
}

#define X(name, ip, level, option, sysctl, expected, rule)                                         \
    AC_TEST(bindaddr, name, .description = rule)                                                   \
    {                                                                                              \
        const char *knob = sysctl;                                                                 \
        if (knob)                                                                                  \
            ac_netns_sysctl(knob, "1");                                                            \
        struct ac_addr at;                                                                         \
        ac_addr_parse(&at, ip, PORT);                                                              \
        int fd = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&at), 0));                     \
        int one = 1;                                                                               \
        if (option) /* IPPROTO_IP is 0 */                                                          \
            ac_setup_ok("setsockopt " #option,                                                     \
                        setsockopt(fd, level, option, &one, sizeof one) ? errno : 0);              \
        expect_bind(fd, ip, expected);                                                             \
        close(fd);                                                                                 \
    }

/* name, a non-local address, the option set (level, name), the sysctl set to 1, expected bind(),
 * the rule. 192.0.2.1 and 2001:db8::1 are documentation addresses no interface has. */
X(nonlocal_addr_fails, "192.0.2.1", 0, 0, NULL, EADDRNOTAVAIL,
  "bind() of an address no interface of the namespace has fails with EADDRNOTAVAIL.")
X(nonlocal_addr_with_ip_freebind_succeeds, "192.0.2.1", IPPROTO_IP, IP_FREEBIND, NULL, 0,
  "IP_FREEBIND lets a socket bind an address that is not (yet) local.")
X(nonlocal_addr_with_ip_transparent_succeeds, "192.0.2.1", IPPROTO_IP, IP_TRANSPARENT, NULL, 0,
  "IP_TRANSPARENT (CAP_NET_ADMIN or CAP_NET_RAW in the namespace) lets a socket bind a foreign "
  "address, as transparent proxies do.")
X(nonlocal_addr_with_ip_nonlocal_bind_succeeds, "192.0.2.1", 0, 0, "net/ipv4/ip_nonlocal_bind", 0,
  "net.ipv4.ip_nonlocal_bind=1 lets every IPv4 socket of the namespace bind a non-local "
  "address.")
X(nonlocal_addr_ipv6_fails, "2001:db8::1", 0, 0, NULL, EADDRNOTAVAIL,
  "IPv6 refuses an address no interface has in the same way: EADDRNOTAVAIL.")
X(nonlocal_addr_ipv6_with_ipv6_freebind_succeeds, "2001:db8::1", IPPROTO_IPV6, IPV6_FREEBIND, NULL,
  0, "IPV6_FREEBIND is IP_FREEBIND's twin: the IPv6 socket binds a non-local address.")
X(nonlocal_addr_ipv6_with_ipv6_transparent_succeeds, "2001:db8::1", IPPROTO_IPV6, IPV6_TRANSPARENT,
  NULL, 0, "IPV6_TRANSPARENT is IP_TRANSPARENT's twin: the IPv6 socket binds a foreign address.")
X(nonlocal_addr_ipv6_with_ipv6_nonlocal_bind_succeeds, "2001:db8::1", 0, 0,
  "net/ipv6/ip_nonlocal_bind", 0,
  "net.ipv6.ip_nonlocal_bind=1, a sysctl of its own, lets IPv6 sockets bind non-local "
  "addresses.")
#undef X

/* Port 80 bound by "nobody" (a helper child that dropped root: no CAP_NET_BIND_SERVICE). */
#define X(name, ip, start, expected, rule)                                                         \
    AC_TEST(bindaddr, name, .description = rule)                                                   \
    {                                                                                              \
        if (start)                                                                                 \
            ac_netns_sysctl("net/ipv4/ip_unprivileged_port_start", start);                         \
        ac_probe_bind_as_uid(AC_ROLE_CLAIM, AC_OTHER_UID, ip, 80, 0, expected);                    \
    }

/* name, address, ip_unprivileged_port_start (NULL: the default, 1024), expected, the rule */
X(unprivileged_user_port_80_fails, AC_SERVER_IP, NULL, EACCES,
  "Ports below ip_unprivileged_port_start (1024 by default) need CAP_NET_BIND_SERVICE: an "
  "unprivileged user's bind() of port 80 fails with EACCES.")
X(unprivileged_user_port_80_with_unprivileged_port_start_80_succeeds, AC_SERVER_IP, "80", 0,
  "With ip_unprivileged_port_start=80 port 80 is no longer privileged: any user binds it.")
X(unprivileged_user_port_80_ipv6_fails, "::1", NULL, EACCES,
  "IPv6 sockets obey the same net.ipv4.ip_unprivileged_port_start: EACCES for port 80.")
X(unprivileged_user_port_80_ipv6_with_unprivileged_port_start_80_succeeds, "::1", "80", 0,
  "Lowering net.ipv4.ip_unprivileged_port_start to 80 frees port 80 for IPv6 sockets too.")
#undef X

/* What a helper child of the worker does on the worker's socket (fixtures/caps.h). */
struct on_socket {
    int fd;
    struct ac_addr at;        /* bind_at */
    int level, option, value; /* set_option */
};

static int bind_at(const void *arg)
{
    const struct on_socket *s = arg;
    return ac_bind(s->fd, &s->at);
}

static int set_option(const void *arg)
{
    const struct on_socket *s = arg;
    return setsockopt(s->fd, s->level, s->option, &s->value, sizeof s->value) ? errno : 0;
}

/* Port 80 bound by a helper child of the worker (uid 0) that kept only some of its capabilities:
 * __inet_bind() and __inet6_bind() ask ns_capable(CAP_NET_BIND_SERVICE), never the uid. */
#define X(name, ip, keep, who, expected, rule)                                                     \
    AC_TEST_WITH(bindaddr, name, (.helpers = 1), .description = rule)                              \
    {                                                                                              \
        struct on_socket s;                                                                        \
        ac_addr_parse(&s.at, ip, 80);                                                              \
        s.fd = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&s.at), 0));                     \
        char step[128];                                                                            \
        snprintf(step, sizeof step, "bind %s as " who, s.at.text);                                 \
        int err = ac_step_with_caps(keep, who, bind_at, &s);                                       \
        ac_expect_errno(AC_CLAIM(BIND, s.at.text), step, expected, err);                           \
        if (!err)                                                                                  \
            ac_expect_errno(AC_CLAIM(LISTEN, s.at.text), "listen", 0, ac_listen(s.fd, 16));        \
        close(s.fd);                                                                               \
    }

/* name, address, the capabilities the binding process keeps, who that is, expected, the rule */
X(cap_net_bind_service_only_port_80_succeeds, AC_SERVER_IP, AC_CAP(CAP_NET_BIND_SERVICE),
  "a process with CAP_NET_BIND_SERVICE only", 0,
  "CAP_NET_BIND_SERVICE in the namespace's user namespace is what a port below "
  "ip_unprivileged_port_start takes: a process with that capability alone binds port 80.")
X(root_without_cap_net_bind_service_port_80_fails, AC_SERVER_IP,
  AC_CAPS_ALL_BUT(AC_CAP(CAP_NET_BIND_SERVICE)), "uid 0 without CAP_NET_BIND_SERVICE", EACCES,
  "Being uid 0 is not enough: root with every capability but CAP_NET_BIND_SERVICE gets EACCES "
  "for port 80.")
X(cap_net_bind_service_only_port_80_ipv6_succeeds, "::1", AC_CAP(CAP_NET_BIND_SERVICE),
  "a process with CAP_NET_BIND_SERVICE only", 0,
  "__inet6_bind() asks for the same capability: with CAP_NET_BIND_SERVICE alone an IPv6 socket "
  "binds port 80.")
X(root_without_cap_net_bind_service_port_80_ipv6_fails, "::1",
  AC_CAPS_ALL_BUT(AC_CAP(CAP_NET_BIND_SERVICE)), "uid 0 without CAP_NET_BIND_SERVICE", EACCES,
  "Root without CAP_NET_BIND_SERVICE gets EACCES for port 80 on IPv6 too.")
#undef X

/* IP_TRANSPARENT (IPV6_TRANSPARENT) set to `val` by a helper child of the worker that kept only
 * some capabilities, on a socket where the worker, with all of them, set it to `before` first;
 * the worker reads it back. do_ip_setsockopt() and do_ipv6_setsockopt() refuse to turn it on
 * unless ns_capable(CAP_NET_RAW) or ns_capable(CAP_NET_ADMIN): EPERM; turning it off needs
 * nothing. */
#define TRANSPARENT_TEST(name, family, lvl, opt, keep, who, before, val, expected, rule)           \
    AC_TEST_WITH(bindaddr, name, (.helpers = 1), .description = rule)                              \
    {                                                                                              \
        struct on_socket s = {.level = lvl, .option = opt, .value = val};                          \
        s.fd = ac_setup_fd("socket", ac_tcp_socket(family, 0));                                    \
        int was = before;                                                                          \
        if (was)                                                                                   \
            ac_setup_ok("setsockopt " #opt "=1 with every capability",                             \
                        setsockopt(s.fd, lvl, opt, &was, sizeof was) ? errno : 0);                 \
        ac_expect_errno(AC_CLAIM(SOCKOPT, "socket"), "setsockopt " #opt "=" #val " as " who,       \
                        expected, ac_step_with_caps(keep, who, set_option, &s));                   \
        int now = -1;                                                                              \
        ac_setup_ok("getsockopt " #opt, ac_sockopt_int(s.fd, lvl, opt, &now));                     \
        ac_expect_int(AC_CLAIM(SOCKOPT, "socket"), #opt " afterwards (getsockopt)",                \
                      expected ? was : val, now);                                                  \
        close(s.fd);                                                                               \
    }
/* One row, two tests: IP_TRANSPARENT on an IPv4 socket, IPV6_TRANSPARENT on an IPv6 one (the same
 * bit, inet->transparent, behind the same check). */
#define X(stem, keep, who, before, val, expected, rule)                                            \
    TRANSPARENT_TEST(transparent_##stem, AF_INET, IPPROTO_IP, IP_TRANSPARENT, keep, who, before,   \
                     val, expected, rule)                                                          \
    TRANSPARENT_TEST(ipv6_transparent_##stem, AF_INET6, IPPROTO_IPV6, IPV6_TRANSPARENT, keep, who, \
                     before, val, expected, rule)

/* name stem (IPv4: transparent_<stem>, IPv6: ipv6_transparent_<stem>), the capabilities the
 * setting process keeps, who that is, the value the worker set first, the value the child sets,
 * expected setsockopt(), the rule */
X(with_cap_net_raw_only_succeeds, AC_CAP(CAP_NET_RAW), "a process with CAP_NET_RAW only", 0, 1, 0,
  "IP_TRANSPARENT (IPV6_TRANSPARENT) needs CAP_NET_RAW or CAP_NET_ADMIN: CAP_NET_RAW alone is "
  "enough to turn it on.")
X(with_cap_net_admin_only_succeeds, AC_CAP(CAP_NET_ADMIN), "a process with CAP_NET_ADMIN only", 0,
  1, 0, "CAP_NET_ADMIN alone is enough to turn IP_TRANSPARENT (IPV6_TRANSPARENT) on as well.")
X(without_cap_net_raw_or_admin_fails, AC_CAPS_ALL_BUT(AC_CAP(CAP_NET_RAW) | AC_CAP(CAP_NET_ADMIN)),
  "uid 0 without CAP_NET_RAW and CAP_NET_ADMIN", 0, 1, EPERM,
  "No other capability stands in: root without CAP_NET_RAW and CAP_NET_ADMIN gets EPERM for "
  "IP_TRANSPARENT=1 (IPV6_TRANSPARENT=1), and the option stays off.")
X(off_without_cap_net_raw_or_admin_succeeds, AC_CAPS_NONE, "a process without capabilities", 1, 0,
  0,
  "Turning IP_TRANSPARENT (IPV6_TRANSPARENT) off needs no capability: a process without any "
  "clears it.")
#undef X
#undef TRANSPARENT_TEST

/* ip_local_port_range is one port, 40000, held by a bound (not listening) socket with `opt`
 * (SO_REUSEADDR or SO_REUSEPORT); a second socket with the same option binds port 0 on the same
 * address. The port search calls the conflict check with reuseport_ok false
 * (inet_csk_find_open_port()), so SO_REUSEPORT never shares a port bind(0) picks. */
#define X(name, opt, autobind_reuse, expected, rule)                                               \
    AC_TEST(bindaddr, name, .description = rule)                                                   \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40000");                            \
        ac_netns_sysctl("net/ipv4/ip_autobind_reuse", autobind_reuse);                             \
        struct ac_addr held;                                                                       \
        ac_addr_parse(&held, AC_SERVER_IP, 40000);                                                 \
        int old = ac_setup_fd("socket", ac_tcp_socket(AF_INET, opt));                              \
        ac_setup_ok("bind 192.168.1.100:40000 " #opt, ac_bind(old, &held));                        \
        int fd = ac_setup_fd("socket with " #opt, ac_tcp_socket(AF_INET, opt));                    \
        if (bind_port0(fd, AC_SERVER_IP, expected) == 0)                                           \
            expect_port_40000(fd);                                                                 \
        close(fd);                                                                                 \
        close(old);                                                                                \
    }

/* name, the option on both sockets, ip_autobind_reuse, expected bind(), the rule */
X(port0_skips_reuseaddr_port_without_autobind_reuse_fails, AC_REUSEADDR, "0", EADDRINUSE,
  "bind(0) never picks a port that is in use, even when SO_REUSEADDR on both sockets would allow "
  "sharing it: with the only port of the range taken, EADDRINUSE.")
X(port0_shares_reuseaddr_port_with_autobind_reuse_succeeds, AC_REUSEADDR, "1", 0,
  "With ip_autobind_reuse=1 bind(0), having found no free port, takes one it may share through "
  "SO_REUSEADDR: the port of the range's other socket.")
X(port0_skips_reuseport_port_without_autobind_reuse_fails, AC_REUSEPORT, "0", EADDRINUSE,
  "bind(0) never joins a SO_REUSEPORT group: with the only port of the range bound by a socket "
  "of the same user with SO_REUSEPORT, and SO_REUSEPORT on the new socket too, EADDRINUSE.")
X(port0_skips_reuseport_port_even_with_autobind_reuse_fails, AC_REUSEPORT, "1", EADDRINUSE,
  "ip_autobind_reuse=1 lets bind(0) share a port through SO_REUSEADDR only: SO_REUSEPORT on both "
  "sockets still gives EADDRINUSE when the range's only port is taken.")
#undef X

/* The port the kernel picks comes from ip_local_port_range, for IPv4 and IPv6 alike, whether
 * bind() asks for port 0 or listen() finds the socket unbound (inet_csk_listen_start() ->
 * inet_csk_get_port() with port 0: the listener autobinds). The range is one port here. */
#define X(name, ip, do_bind, rule)                                                                 \
    AC_TEST(bindaddr, name, .description = rule)                                                   \
    {                                                                                              \
        ac_netns_sysctl("net/ipv4/ip_local_port_range", "40000 40000");                            \
        struct ac_addr any_port;                                                                   \
        ac_addr_parse(&any_port, ip, 0);                                                           \
        int fd = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&any_port), 0));               \
        if (do_bind)                                                                               \
            bind_port0(fd, ip, 0);                                                                 \
        else                                                                                       \
            ac_expect_errno(AC_CLAIM(LISTEN, "unbound socket"), "listen() without bind()", 0,      \
                            ac_listen(fd, 16));                                                    \
        expect_port_40000(fd);                                                                     \
        close(fd);                                                                                 \
    }

/* name, address family's address, bind(port 0) (else listen() unbound), the rule */
X(port0_picks_from_ip_local_port_range, AC_SERVER_IP, true,
  "bind() of port 0 takes a free port of ip_local_port_range: with the range 40000-40000, "
  "40000.")
X(port0_ipv6_picks_from_ip_local_port_range, "::1", true,
  "IPv6 sockets take their port 0 from net.ipv4.ip_local_port_range too: 40000.")
X(listen_without_bind_picks_port_from_ip_local_port_range, "0.0.0.0", false,
  "listen() on a socket that was never bound binds it first, to a port of ip_local_port_range "
  "(and the wildcard address): 40000.")
#undef X

AC_TEST(bindaddr, local_port_range_sockopt_narrows_port0_to_its_range,
        .description = "IP_LOCAL_PORT_RANGE narrows ip_local_port_range for one socket: with "
                       "40000-40000 bind(0) gives port 40000.")
{
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    unsigned range = 40000u | (40000u << 16); /* low | high << 16 */
    int err = errno_of(setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, &range, sizeof range));
    if (err == ENOPROTOOPT && ac_kernel_version() < AC_KV(6, 3))
        cr_skip_test("IP_LOCAL_PORT_RANGE does not exist here (upstream since 6.3, commit "
                     "91d0b78c5177)");
    ac_setup_ok("setsockopt IP_LOCAL_PORT_RANGE 40000-40000", err);
    bind_port0(fd, AC_SERVER_IP, 0);
    expect_port_40000(fd);
    close(fd);
}

AC_TEST(bindaddr, bindv6only_1_dualstack_default_binds_beside_v4_any_listener,
        .description = "net.ipv6.bindv6only=1 makes new IPv6 sockets start with IPV6_V6ONLY=1, so "
                       "[::]:9999 without setsockopt no longer covers IPv4 and binds beside a "
                       "0.0.0.0:9999 listener.")
{
    ac_netns_sysctl("net/ipv6/bindv6only", "1");
    int l = ac_listener("0.0.0.0", PORT, 0, 16);
    int fd = ac_setup_fd("IPv6 socket", ac_tcp_socket(AF_INET6, 0));
    int v6only = -1;
    socklen_t len = sizeof v6only;
    ac_setup_ok("getsockopt IPV6_V6ONLY",
                getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) ? errno : 0);
    ac_expect_int(AC_CLAIM(SOCKOPT, "IPv6 socket"), "IPV6_V6ONLY of a new IPv6 socket", 1, v6only);
    expect_bind(fd, "::", 0);
    close(fd);
    close(l);
}
