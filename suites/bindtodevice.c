/* SO_BINDTODEVICE and bind conflicts: is a port in use on one device in use on another?
 *
 * inet_bind_conflict() (net/ipv4/inet_connection_sock.c) looks at a socket already on the port
 * only if the two bound devices agree: `!sk->sk_bound_dev_if || !bound_dev_if2 ||
 * sk->sk_bound_dev_if == bound_dev_if2`. So two sockets bound to different devices never
 * conflict, while a socket bound to no device conflicts with every device. A TIME_WAIT keeps
 * the device of its connection (inet_twsk_alloc(): tw_bound_dev_if = sk_bound_dev_if), which
 * the accepted socket copied from its listener. The same test in every kernel of the matrix
 * (bhash2 keys on the L3 master device, not the bound device, and calls the same function). */
#include "../harness/actest.h"
#include "../harness/probe.h"
#include "../fixtures/states.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PORT  9999
#define NODEV NULL

TestSuite(bindtodevice, .description = "SO_BINDTODEVICE splits a port by device: sockets bound "
                                       "to different devices never conflict, a socket bound to "
                                       "no device conflicts with all of them.");

/* A TCP socket with SO_BINDTODEVICE `dev` (none if NULL), bound to ip:PORT; returns the fd and
 * the bind result in *err. */
static int socket_on_device(const char *dev, const char *ip, int *err)
{
    struct ac_addr at;
    ac_addr_parse(&at, ip, PORT);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    if (dev)
        ac_setup_ok("SO_BINDTODEVICE",
                    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev)) ? errno
                                                                                             : 0);
    *err = ac_bind(fd, &at);
    return fd;
}

static void probe_on_device(const char *dev, const char *ip, int expected)
{
    int err;
    int fd = socket_on_device(dev, ip, &err);
    char step[96], at[64];
    snprintf(step, sizeof step, "bind %s:%d SO_BINDTODEVICE %s", ip, PORT, dev ? dev : "(none)");
    snprintf(at, sizeof at, "%s:%d", ip, PORT); /* the subject ac_probe_bind() would give */
    ac_expect_errno(AC_CLAIM(BIND, at), step, expected, err);
    if (!err)
        ac_expect_errno(AC_CLAIM(LISTEN, at), "listen", 0, ac_listen(fd, 16));
    close(fd);
}

#define SAME                                                                                       \
    "Both sockets are bound to the same device, so the usual overlap rule applies: EADDRINUSE."
#define DIFFER                                                                                     \
    "The two sockets are bound to different devices, so the kernel never compares them: the port " \
    "is free on the other device."
#define OLD_ANY                                                                                    \
    "The existing socket is bound to no device, so it conflicts with a socket on any device."
#define NEW_ANY "The new socket is bound to no device, so it conflicts with a socket on any device."

#define X(name, old_dev, new_dev, expected, rule)                                                  \
    AC_TEST(bindtodevice, name, .description = rule)                                               \
    {                                                                                              \
        int err;                                                                                   \
        int old = socket_on_device(old_dev, "0.0.0.0", &err);                                      \
        ac_setup_ok("existing socket bind 0.0.0.0:9999", err);                                     \
        ac_setup_ok("existing socket listen", ac_listen(old, 16));                                 \
        probe_on_device(new_dev, "0.0.0.0", expected);                                             \
        close(old);                                                                                \
    }

/* name, existing listener's device, new socket's device, expected, the rule; both 0.0.0.0:9999 */
X(listen_ac0_new_ac0_fails, "ac0", "ac0", EADDRINUSE, SAME)
X(listen_ac0_new_lo_succeeds, "ac0", "lo", 0, DIFFER)
X(listen_ac0_new_unbound_fails, "ac0", NODEV, EADDRINUSE, NEW_ANY)
X(listen_unbound_new_ac0_fails, NODEV, "ac0", EADDRINUSE, OLD_ANY)
#undef X

/* The TIME_WAIT of a listener on 0.0.0.0:9999 bound to lo, whose client came in via 127.0.0.1:
 * the TIME_WAIT is on 127.0.0.1:9999, device lo. */
#define TW_DIFFER                                                                                  \
    "The TIME_WAIT kept its listener's device, lo; a new socket bound to ac0 is never compared "   \
    "with it, so 127.0.0.1:9999 binds during the TIME_WAIT."
#define TW_NEW_ANY                                                                                 \
    "The TIME_WAIT is bound to lo and the new socket to no device, which conflicts with every "    \
    "device: EADDRINUSE."
#define TW_SAME "The TIME_WAIT kept its listener's device, lo, the new socket's device: EADDRINUSE."

#define X(name, new_dev, expected, rule)                                                           \
    AC_TEST(bindtodevice, name, .description = rule)                                               \
    {                                                                                              \
        int err;                                                                                   \
        int l = socket_on_device("lo", "0.0.0.0", &err);                                           \
        ac_setup_ok("listener bind 0.0.0.0:9999 on lo", err);                                      \
        ac_setup_ok("listener listen", ac_listen(l, 16));                                          \
        struct ac_addr to;                                                                         \
        ac_addr_parse(&to, AC_LOOPBACK_IP, PORT);                                                  \
        int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));                           \
        ac_setup_ok("client connect 127.0.0.1:9999", ac_connect(c, &to));                          \
        int s = accept(l, NULL, NULL);                                                             \
        ac_setup_fd("accept", s < 0 ? -errno : s);                                                 \
        struct ac_addr client_end;                                                                 \
        ac_setup_ok("client address", ac_local_addr(c, &client_end));                              \
        close(l);                                                                                  \
        close(s);                                                                                  \
        char b;                                                                                    \
        ac_setup_ok("client reads EOF", recv(c, &b, 1, 0) == 0 ? 0 : EIO);                         \
        close(c);                                                                                  \
        struct ac_match tw = {.local = &to, .remote = &client_end};                                \
        ac_expect_state(AC_SETUP(STATE, "server end"), "server end on 127.0.0.1:9999 (device lo)", \
                        &tw, AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);                                   \
        probe_on_device(new_dev, AC_LOOPBACK_IP, expected);                                        \
    }

/* name, new socket's device, expected, the rule */
X(time_wait_lo_new_ac0_succeeds, "ac0", 0, TW_DIFFER)
X(time_wait_lo_new_lo_fails, "lo", EADDRINUSE, TW_SAME)
X(time_wait_lo_new_unbound_fails, NODEV, EADDRINUSE, TW_NEW_ANY)
#undef X
