/* "Binding localhost fails because localhost is 0.0.0.0, the wildcard" (the blog's claim 3).
 *
 * localhost is a name; the resolver turns it into loopback addresses (127.0.0.1, and ::1 where
 * /etc/hosts says so), never into the wildcard. With a TIME_WAIT on 192.168.1.100:9999 every
 * address localhost resolves to binds; what fails is the wildcard, 0.0.0.0, the address a
 * server gets from getaddrinfo(NULL, AI_PASSIVE) or INADDR_ANY, which overlaps 192.168.1.100. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../harness/probe.h"

#include "../fixtures/states.h"
#include "../fixtures/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define PORT 9999

TestSuite(localhost, .description = "localhost is a name for loopback addresses (127.0.0.1, ::1), "
                                    "not the wildcard 0.0.0.0; the wildcard is what overlaps a "
                                    "TIME_WAIT on a specific address.");

/* Resolves `node` like a server would (AI_PASSIVE when node is NULL); skips the test when the
 * resolver has no answer, since that says something about the machine, not the kernel. */
static struct addrinfo *resolve(const char *node)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = node ? 0 : AI_PASSIVE};
    struct addrinfo *res = NULL;
    int r = getaddrinfo(node, "9999", &hints, &res);
    if (r != 0)
        cr_skip_test("getaddrinfo(%s): %s (no /etc/hosts entry?)", node ? node : "NULL",
                     gai_strerror(r));
    return res;
}

static bool is_loopback(const struct ac_addr *a)
{
    if (ac_addr_family(a) == AF_INET)
        return (ntohl(((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr) >> 24) == 127;
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
}

/* How many addresses localhost has depends on /etc/hosts (127.0.0.1 alone, or ::1 too), so each
 * test records ONE check over all of them: the result, and the docs made from it, are the same
 * on every machine; an address that breaks the rule is named in the observation. */

/* "loopback", or the first address that is not, with what it is. */
static void classify(const struct addrinfo *res, char *out, size_t len)
{
    snprintf(out, len, "loopback");
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        struct ac_addr a;
        ac_addr_from_sockaddr(&a, ai->ai_addr, ai->ai_addrlen);
        if (!is_loopback(&a)) {
            snprintf(out, len, "%s (%s)", ac_addr_is_wildcard(&a) ? "wildcard" : "other", a.text);
            return;
        }
    }
}

/* "OK", or the first address where bind() or listen() failed, with the errno's name. */
static void bind_each(const struct addrinfo *res, char *out, size_t len)
{
    snprintf(out, len, "OK");
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        struct ac_addr a;
        ac_addr_from_sockaddr(&a, ai->ai_addr, ai->ai_addrlen);
        int fd = ac_setup_fd("socket", ac_tcp_socket(ac_addr_family(&a), 0));
        int err = ac_bind(fd, &a);
        const char *call = "bind";
        if (!err) {
            err = ac_listen(fd, 16);
            call = "listen";
        }
        close(fd); /* the next address may be the same one, listed twice */
        if (err) {
            snprintf(out, len, "%s %s: %s", call, a.text, ac_errname(err));
            return;
        }
    }
}

AC_TEST(localhost, resolves_to_loopback_not_wildcard,
        .description = "The resolver maps localhost to loopback addresses, never to 0.0.0.0.")
{
    struct addrinfo *res = resolve("localhost");
    char seen[128];
    classify(res, seen, sizeof seen);
    ac_expect_str(AC_CLAIM(ADDRESS, "localhost"), "every address localhost resolves to is",
                  "loopback", seen);
    freeaddrinfo(res);
}

AC_TEST(localhost, bind_each_resolved_addr_succeeds_during_timewait,
        .description = "Loopback addresses do not overlap 192.168.1.100, so its TIME_WAIT is no "
                       "conflict for them.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    ac_conn_server_closes_first(&c, true);
    struct addrinfo *res = resolve("localhost");
    char seen[160];
    bind_each(res, seen, sizeof seen);
    ac_expect_str(AC_CLAIM(BIND, "localhost"),
                  "bind + listen on every address localhost resolves to (port 9999)", "OK", seen);
    freeaddrinfo(res);
}

AC_TEST(localhost, bind_passive_wildcard_fails_during_timewait,
        .description = "getaddrinfo(NULL, AI_PASSIVE) gives 0.0.0.0, which covers 192.168.1.100 "
                       "and so conflicts with its TIME_WAIT.")
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    ac_conn_server_closes_first(&c, true);
    struct addrinfo *res = resolve(NULL);
    struct addrinfo *v4 = res;
    while (v4 && v4->ai_family != AF_INET) /* [::] is IPv6's wildcard: the ipv6 suite's topic */
        v4 = v4->ai_next;
    struct ac_addr a = {.text = "none"};
    if (v4)
        ac_addr_from_sockaddr(&a, v4->ai_addr, v4->ai_addrlen);
    ac_expect_str(AC_CLAIM(ADDRESS, "AI_PASSIVE address"),
                  "getaddrinfo(NULL, AI_PASSIVE) IPv4 address", "0.0.0.0:9999", a.text);
    ac_probe_bind(AC_ROLE_CLAIM, "0.0.0.0", PORT, 0, EADDRINUSE);
    freeaddrinfo(res);
}

/* --- The seed's experiment as the seed did it: resolve localhost, bind each address ---------
 *
 * Which addresses localhost has is the resolver's business (/etc/hosts); whether each one binds
 * is the kernel's: an address conflicts with the TIME_WAIT when it overlaps the TIME_WAIT's
 * LOCAL address (inet_bind_conflict()), which is 192.168.1.100 when the server listened there,
 * and 127.0.0.1 when a listener on 0.0.0.0 accepted a client that came in via 127.0.0.1 (the
 * accepted socket takes the SYN's destination: tcp_v4_syn_recv_sock()). ::1 is a specific IPv6
 * address, v6-only (__inet6_bind()), so it never overlaps an IPv4 TIME_WAIT. Each family is
 * one check, so the record does not depend on how many lines /etc/hosts has. */

/* The resolver's files on a stock Debian system: /etc/hosts as the installer writes it (::1 is
 * localhost too), /etc/host.conf as netbase ships it ("multi on": without it glibc's files
 * backend returns the addresses of the first matching line only, so localhost would be
 * 127.0.0.1 alone), and the hosts line of libc-bin's /etc/nsswitch.conf. */
static const char debian_hosts[] = "127.0.0.1\tlocalhost\n"
                                   "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
                                   "ff02::1\t\tip6-allnodes\n"
                                   "ff02::2\t\tip6-allrouters\n";
static const char debian_host_conf[] = "multi on\n";
static const char debian_nsswitch[] = "hosts:          files dns\n";

static void write_file(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ssize_t n = fd < 0 ? -1 : write(fd, content, strlen(content));
    int err = n == (ssize_t)strlen(content) ? 0 : (n < 0 ? errno : EIO);
    if (fd >= 0)
        close(fd);
    ac_setup_ok(path, err);
}

/* Gives this worker a private /etc (a tmpfs in a private mount namespace, which dies with the
 * worker; propagation made private first so nothing reaches the host's mounts) holding only
 * the stock Debian resolver files above, with or without host.conf. The result then depends on
 * those files, not on the machine's (a guest of the kernel matrix has no host.conf at all).
 * Skips where a mount namespace cannot be had. */
static void use_debian_resolver_files(bool with_host_conf)
{
    if (unshare(CLONE_NEWNS) != 0)
        cr_skip_test("no private mount namespace for /etc: unshare(CLONE_NEWNS): %s",
                     ac_errname(errno));
    ac_setup_ok("make mounts private",
                mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ? errno : 0);
    ac_setup_ok(
        "a private tmpfs on /etc",
        mount("tmpfs", "/etc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") ? errno : 0);
    write_file("/etc/hosts", debian_hosts);
    write_file("/etc/nsswitch.conf", debian_nsswitch);
    if (with_host_conf)
        write_file("/etc/host.conf", debian_host_conf);
}

/* Binds (and listens on) every address of res of one family with a new socket with `opts`,
 * each socket closed before the next; "OK", "none listed", or the first failure with its errno. */
static void bind_family(const struct addrinfo *res, int family, unsigned opts, char *out,
                        size_t len)
{
    snprintf(out, len, "none listed");
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != family)
            continue;
        struct ac_addr a;
        ac_addr_from_sockaddr(&a, ai->ai_addr, ai->ai_addrlen);
        int fd = ac_setup_fd("socket", ac_tcp_socket(family, opts));
        int err = ac_bind(fd, &a);
        const char *call = "bind";
        if (!err) {
            err = ac_listen(fd, 16);
            call = "listen";
        }
        close(fd);
        if (err) {
            snprintf(out, len, "%s %s: %s", call, a.text, ac_errname(err));
            return;
        }
        snprintf(out, len, "OK");
    }
}

/* The distinct addresses of res, IPv4 first, without ports: "127.0.0.1, ::1". */
static void address_set(const struct addrinfo *res, char *out, size_t len)
{
    out[0] = '\0';
    for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            if (ai->ai_family != family)
                continue;
            char ip[INET6_ADDRSTRLEN];
            const void *bin = family == AF_INET
                                  ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                  : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
            inet_ntop(family, bin, ip, sizeof ip);
            char item[INET6_ADDRSTRLEN + 2];
            snprintf(item, sizeof item, "%s, ", ip);
            if (!strstr(out, item))
                strncat(out, item, len - strlen(out) - 1);
        }
    }
    size_t n = strlen(out);
    if (n >= 2)
        out[n - 2] = '\0';
}

/* The TIME_WAIT a restarted server meets: the accepted end of a connection to connect_ip:9999
 * through a listener on listen_ip with old_opts (the accepted socket, and so its TIME_WAIT,
 * inherits the listener's SO_REUSEADDR), the listener closed. The seed's is on 192.168.1.100;
 * behind a listener on 0.0.0.0 it is on the address the client came in on. */
static struct ac_held hold_time_wait(const char *listen_ip, const char *connect_ip,
                                     unsigned old_opts)
{
    struct ac_held h;
    struct ac_state_spec spec = {.kind = AC_HOLD_TIME_WAIT,
                                 .ip = listen_ip,
                                 .connect_ip = connect_ip,
                                 .port = PORT,
                                 .opts = old_opts};
    ac_state_hold(&h, &spec);
    ac_state_expect_local(&h, connect_ip, PORT);
    return h;
}

/* Resolves localhost and binds (and listens on) each address with a new socket with new_opts:
 * one check per family. */
static void bind_localhost(unsigned new_opts, const char *v4_expected, const char *v6_expected)
{
    struct addrinfo *res = resolve("localhost");
    char v4[160], v6[160];
    bind_family(res, AF_INET, new_opts, v4, sizeof v4);
    bind_family(res, AF_INET6, new_opts, v6, sizeof v6);
    const char *flag = new_opts & AC_REUSEADDR ? ", SO_REUSEADDR" : "";
    char step[160];
    snprintf(step, sizeof step,
             "bind + listen on each IPv4 address localhost resolves to (port 9999%s)", flag);
    ac_expect_str(AC_CLAIM(BIND, "localhost (IPv4)"), step, v4_expected, v4);
    snprintf(step, sizeof step,
             "bind + listen on each IPv6 address localhost resolves to (port 9999%s)", flag);
    /* The machine's /etc/hosts may or may not list ::1: one check says "no IPv6 one fails",
     * context for the IPv4 claim. */
    if (v6_expected)
        ac_expect_str(AC_CLAIM(BIND, "localhost (IPv6)"), step, v6_expected, v6);
    else
        ac_expect_str(AC_SETUP(BIND, "localhost (IPv6)"),
                      "IPv6 addresses of localhost that fail to bind (port 9999)", "none",
                      strcmp(v6, "OK") == 0 || strcmp(v6, "none listed") == 0 ? "none" : v6);
    freeaddrinfo(res);
}

/* The seed's TIME_WAIT on 192.168.1.100, or the one on 127.0.0.1 behind a 0.0.0.0 listener
 * that a client reached through 127.0.0.1; neither side set SO_REUSEADDR. */
static void resolve_then_bind_each(bool via_loopback, const char *v4_expected,
                                   const char *v6_expected)
{
    hold_time_wait(via_loopback ? "0.0.0.0" : AC_SERVER_IP,
                   via_loopback ? AC_LOOPBACK_IP : AC_SERVER_IP, 0);
    bind_localhost(0, v4_expected, v6_expected);
}

AC_TEST(localhost, bind_each_resolved_addr_tw_via_loopback_ipv4_fails,
        .description = "When the TIME_WAIT is on 127.0.0.1 (a 0.0.0.0 listener reached via "
                       "127.0.0.1), resolving localhost and binding each address fails on "
                       "127.0.0.1 with EADDRINUSE: localhost is not exempt, only addresses that "
                       "do not overlap the TIME_WAIT's local address are.")
{
    resolve_then_bind_each(true, "bind 127.0.0.1:9999: EADDRINUSE", NULL);
}

AC_TEST(localhost, debian_hosts_resolves_to_ipv4_and_ipv6_loopback,
        .description = "Under a stock Debian /etc/hosts and /etc/host.conf (multi on) localhost "
                       "has two addresses, 127.0.0.1 and ::1, both loopback.")
{
    use_debian_resolver_files(true);
    struct addrinfo *res = resolve("localhost");
    char set[160];
    address_set(res, set, sizeof set);
    ac_expect_str(AC_CLAIM(ADDRESS, "localhost"),
                  "addresses localhost resolves to (stock Debian /etc/hosts and host.conf)",
                  "127.0.0.1, ::1", set);
    freeaddrinfo(res);
}

AC_TEST(localhost, debian_hosts_without_multi_on_resolves_to_ipv4_only,
        .description = "Without /etc/host.conf's \"multi on\" glibc's files backend returns only "
                       "the first matching line of /etc/hosts, so localhost is 127.0.0.1 alone "
                       "although ::1 is listed too: what localhost means is the resolver's "
                       "business, not the kernel's.")
{
    use_debian_resolver_files(false);
    struct addrinfo *res = resolve("localhost");
    char set[160];
    address_set(res, set, sizeof set);
    ac_expect_str(AC_CLAIM(ADDRESS, "localhost"),
                  "addresses localhost resolves to (stock Debian /etc/hosts, no host.conf)",
                  "127.0.0.1", set);
    freeaddrinfo(res);
}

AC_TEST(localhost, debian_hosts_bind_each_resolved_addr_tw_on_server_addr_succeeds,
        .description = "Under a stock Debian /etc/hosts, with the TIME_WAIT on 192.168.1.100, "
                       "both 127.0.0.1 and ::1 bind: neither overlaps 192.168.1.100.")
{
    use_debian_resolver_files(true);
    resolve_then_bind_each(false, "OK", "OK");
}

AC_TEST(localhost, debian_hosts_bind_each_resolved_addr_tw_via_loopback_ipv4_fails_ipv6_binds,
        .description = "Under a stock Debian /etc/hosts, with the TIME_WAIT on 127.0.0.1, "
                       "127.0.0.1 fails with EADDRINUSE while ::1 binds: a specific IPv6 address "
                       "is v6-only and never overlaps an IPv4 TIME_WAIT, so a server that stops "
                       "at the first address that binds may come up on ::1 alone.")
{
    use_debian_resolver_files(true);
    resolve_then_bind_each(true, "bind 127.0.0.1:9999: EADDRINUSE", "OK");
}

/* --- The same, with SO_REUSEADDR on the old server, the new socket, or both -----------------
 *
 * The old server's flag is its listener's: the accepted socket inherits it and its TIME_WAIT
 * keeps it (see suites/reuseaddr.c). inet_bind_conflict() (net/ipv4/inet_connection_sock.c,
 * the same rule on 5.10 and since bhash2 in 6.1) lets an overlapping bind through only when
 * both sockets have the flag and the existing one is not listening; where the addresses do not
 * overlap there is nothing to let through. So the flag matters for 127.0.0.1 only when the
 * TIME_WAIT is on 127.0.0.1, and never for ::1, which is v6-only (__inet6_bind()) and overlaps no
 * IPv4 socket. Each row holds the TIME_WAIT, resolves localhost under the stock Debian files, binds
 * and listens on each address with the new socket's flag, then checks the TIME_WAIT is still there,
 * so the answer was given against it. */
#define RA       AC_REUSEADDR
#define V4_BINDS "OK"
#define V4_INUSE "bind 127.0.0.1:9999: EADDRINUSE"

#define APART(where, flags)                                                                        \
    "With the TIME_WAIT on " where " and SO_REUSEADDR set on " flags ", 127.0.0.1 and ::1 bind: "  \
    "neither overlaps the TIME_WAIT's address, so the flag changes nothing."
#define SEED       "192.168.1.100 (the seed's)"
#define VIA_SERVER "192.168.1.100 (a 0.0.0.0 listener reached via 192.168.1.100)"
#define VIA_LOOP   "the TIME_WAIT on 127.0.0.1 (a 0.0.0.0 listener reached via 127.0.0.1)"
#define ONE_SIDE(what)                                                                             \
    what ", and sharing needs the flag on both: 127.0.0.1 fails with EADDRINUSE; ::1 binds, "      \
         "v6-only and apart from any IPv4 socket."

#define X(name, listen_ip, connect_ip, old_opts, new_opts, v4_expected, rule)                      \
    AC_TEST(localhost, name, .description = rule)                                                  \
    {                                                                                              \
        use_debian_resolver_files(true);                                                           \
        struct ac_held h = hold_time_wait(listen_ip, connect_ip, old_opts);                        \
        bind_localhost(new_opts, v4_expected, "OK");                                               \
        ac_state_expect_still(&h);                                                                 \
    }

/* name, the old server's listen address, where its client connected, the old listener's opts,
 * the new sockets' opts, the IPv4 result (::1 binds in every row), the rule */
X(reuseaddr_old_tw_on_server_addr_each_binds, AC_SERVER_IP, AC_SERVER_IP, RA, 0, V4_BINDS,
  APART(SEED, "the old server only"))
X(reuseaddr_new_tw_on_server_addr_each_binds, AC_SERVER_IP, AC_SERVER_IP, 0, RA, V4_BINDS,
  APART(SEED, "the new socket only"))
X(reuseaddr_both_tw_on_server_addr_each_binds, AC_SERVER_IP, AC_SERVER_IP, RA, RA, V4_BINDS,
  APART(SEED, "both"))
X(reuseaddr_old_tw_via_loopback_ipv4_fails_ipv6_binds, "0.0.0.0", AC_LOOPBACK_IP, RA, 0, V4_INUSE,
  ONE_SIDE("The old listener's SO_REUSEADDR lives on in " VIA_LOOP
           ", but the new socket did not set it"))
X(reuseaddr_new_tw_via_loopback_ipv4_fails_ipv6_binds, "0.0.0.0", AC_LOOPBACK_IP, 0, RA, V4_INUSE,
  ONE_SIDE("The new socket set SO_REUSEADDR, but " VIA_LOOP " inherited 0 from the old listener"))
X(reuseaddr_both_tw_via_loopback_each_binds, "0.0.0.0", AC_LOOPBACK_IP, RA, RA, V4_BINDS,
  "The new socket set SO_REUSEADDR and " VIA_LOOP " kept its listener's, and the TIME_WAIT does "
  "not listen: 127.0.0.1 binds and listens next to it, and ::1 binds.")
X(reuseaddr_none_tw_via_server_addr_each_binds, "0.0.0.0", AC_SERVER_IP, 0, 0, V4_BINDS,
  APART(VIA_SERVER, "neither socket"))
X(reuseaddr_old_tw_via_server_addr_each_binds, "0.0.0.0", AC_SERVER_IP, RA, 0, V4_BINDS,
  APART(VIA_SERVER, "the old server only"))
X(reuseaddr_new_tw_via_server_addr_each_binds, "0.0.0.0", AC_SERVER_IP, 0, RA, V4_BINDS,
  APART(VIA_SERVER, "the new socket only"))
X(reuseaddr_both_tw_via_server_addr_each_binds, "0.0.0.0", AC_SERVER_IP, RA, RA, V4_BINDS,
  APART(VIA_SERVER, "both"))
#undef X

/* --- What getaddrinfo() gives: the C library's rules, not the kernel's -----------------------
 *
 * Out of the kernel's scope, and each row says so: these answers come from glibc's
 * getaddrinfo() and the stock Debian files above. The kernel's one part is the list of
 * addresses that AI_ADDRCONFIG reads over rtnetlink (RTM_GETADDR, in glibc's
 * sysdeps/unix/sysv/linux/check_pf.c): an IPv4 address other than 127.0.0.1, or an IPv6 one
 * other than ::1, counts as configured, whatever link carries it. With one family configured
 * glibc narrows an AF_UNSPEC lookup to that family; with neither (or both) it does not narrow.
 * AI_PASSIVE matters only when the node is NULL, and then gives the wildcard. The rows about
 * AI_ADDRCONFIG set the namespace's addresses first: the fixture's ac0 gets an IPv6 link-local
 * address whenever addrconf sees the link up, at a time the test does not control. Nothing
 * leaves the test's namespace: "localhost" is answered from the private /etc/hosts. */
#define FIXTURE_AS_IS -1

/* The namespace's addresses that glibc counts as configured: all but 127.0.0.1 and ::1, as
 * "192.168.1.100, ..." or "none". */
static void configured_addresses(char *out, size_t len)
{
    struct ifaddrs *ifs = NULL;
    ac_setup_ok("getifaddrs", getifaddrs(&ifs) ? errno : 0);
    snprintf(out, len, "none");
    size_t used = 0;
    for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
        int family = i->ifa_addr ? i->ifa_addr->sa_family : AF_UNSPEC;
        const void *bin =
            family == AF_INET    ? (const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr
            : family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr
                                 : NULL;
        char ip[INET6_ADDRSTRLEN];
        if (!bin || !inet_ntop(family, bin, ip, sizeof ip) || strcmp(ip, "127.0.0.1") == 0 ||
            strcmp(ip, "::1") == 0)
            continue;
        used += (size_t)snprintf(out + used, len - used, "%s%s", used ? ", " : "", ip);
        if (used >= len)
            break;
    }
    freeifaddrs(ifs);
}

/* The distinct addresses getaddrinfo(node, "9999") gives with these hints ("127.0.0.1, ::1"),
 * or its error. */
static void lookup(const char *node, int family, int flags, char *out, size_t len)
{
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM, .ai_flags = flags};
    struct addrinfo *res = NULL;
    int r = getaddrinfo(node, "9999", &hints, &res);
    if (r != 0) {
        snprintf(out, len, "getaddrinfo: %s", gai_strerror(r));
        return;
    }
    address_set(res, out, len);
    freeaddrinfo(res);
}

#define X(name, link, configured, node, family, flags, call, expected, rule)                       \
    AC_TEST(localhost, name, .description = rule)                                                  \
    {                                                                                              \
        use_debian_resolver_files(true);                                                           \
        if ((link) != FIXTURE_AS_IS) {                                                             \
            ac_setup_ok("put 192.168.1.100 where the row says", ac_netns_move_server_addr(link));  \
            char addrs[160];                                                                       \
            configured_addresses(addrs, sizeof addrs);                                             \
            ac_expect_str(AC_SETUP(ADDRESS, "namespace"),                                          \
                          "addresses other than 127.0.0.1 and ::1 (getifaddrs)", configured,       \
                          addrs);                                                                  \
        }                                                                                          \
        char got[160];                                                                             \
        lookup(node, family, flags, got, sizeof got);                                              \
        ac_expect_str(AC_CLAIM(ADDRESS, node ? node : "NULL"), call, expected, got);               \
    }

/* name, where 192.168.1.100 goes (the rest of the namespace: lo with 127.0.0.1 and ::1), the
 * addresses then configured, getaddrinfo's node, ai_family and ai_flags, the call as the docs
 * show it, the addresses it gives, the rule */
X(addrconfig_localhost_nothing_configured_gives_both, AC_LINK_NONE, "none", "localhost", AF_UNSPEC,
  AI_ADDRCONFIG, "getaddrinfo(\"localhost\", AF_UNSPEC, AI_ADDRCONFIG), only lo up",
  "127.0.0.1, ::1",
  "A C library rule, not the kernel's: with no address configured but 127.0.0.1 and ::1, "
  "glibc's AI_ADDRCONFIG narrows nothing, and localhost gives 127.0.0.1 and ::1.")
X(addrconfig_localhost_ipv4_configured_gives_ipv4_only, AC_LINK_LO, AC_SERVER_IP, "localhost",
  AF_UNSPEC, AI_ADDRCONFIG,
  "getaddrinfo(\"localhost\", AF_UNSPEC, AI_ADDRCONFIG), 192.168.1.100 on lo", "127.0.0.1",
  "A C library rule, not the kernel's: glibc's AI_ADDRCONFIG counts IPv4 addresses other than "
  "127.0.0.1, on any link, lo included, and IPv6 ones other than ::1; with IPv4 alone counted, "
  "localhost gives 127.0.0.1 without ::1.")
X(passive_localhost_gives_loopback_not_wildcard, FIXTURE_AS_IS, "", "localhost", AF_UNSPEC,
  AI_PASSIVE, "getaddrinfo(\"localhost\", AF_UNSPEC, AI_PASSIVE)", "127.0.0.1, ::1",
  "A C library rule, not the kernel's: AI_PASSIVE applies only when the node is NULL, so "
  "getaddrinfo(\"localhost\", AI_PASSIVE) still gives the loopback addresses, never 0.0.0.0.")
X(passive_null_inet_gives_wildcard_only, FIXTURE_AS_IS, "", NULL, AF_INET, AI_PASSIVE,
  "getaddrinfo(NULL, AF_INET, AI_PASSIVE)", "0.0.0.0",
  "A C library rule, not the kernel's: getaddrinfo(NULL, AF_INET, AI_PASSIVE) gives the "
  "wildcard 0.0.0.0 and nothing else, read from no file: the address that overlaps a TIME_WAIT "
  "on any IPv4 address of the port.")
#undef X
