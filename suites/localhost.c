/* "Binding localhost fails because localhost is 0.0.0.0, the wildcard" (the blog's claim 3).
 *
 * localhost is a name; the resolver turns it into loopback addresses (127.0.0.1, and ::1 where
 * /etc/hosts says so), never into the wildcard. With a TIME_WAIT on 192.168.1.100:9999 every
 * address localhost resolves to binds; what fails is the wildcard, 0.0.0.0, the address a
 * server gets from getaddrinfo(NULL, AI_PASSIVE) or INADDR_ANY, which overlaps 192.168.1.100. */
#include "../harness/actest.h"
#include "../harness/conn.h"
#include "../harness/probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
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
    ac_expect_str("every address localhost resolves to is", "loopback", seen);
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
    ac_expect_str("bind + listen on every address localhost resolves to (port 9999)", "OK", seen);
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
    ac_expect_str("getaddrinfo(NULL, AI_PASSIVE) IPv4 address", "0.0.0.0:9999", a.text);
    ac_probe_bind("0.0.0.0", PORT, 0, EADDRINUSE);
    freeaddrinfo(res);
}
