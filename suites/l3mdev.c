/* tcp_l3mdev_accept: may a listener in no VRF take a connection that arrives on a VRF's device?
 *
 * A segment arriving on ac0, a slave of the VRF acvrf (fixtures/vrf.h), is looked up with
 * dif = acvrf and sdif = ac0. compute_score() (net/ipv4/inet_hashtables.c) keeps a listener
 * only if inet_sk_bound_dev_eq(): one bound to no device matches such a segment only when
 * net.ipv4.tcp_l3mdev_accept is set (inet_bound_dev_eq(), include/net/inet_sock.h:
 * `!sdif || l3mdev_accept`); one bound to the VRF matches it either way. With no listener the SYN
 * gets an RST, routed back through the VRF (ip_send_unicast_reply() takes the L3 master of the
 * input device as the output device). The child of a listener in no VRF takes the VRF as its device
 * (inet_request_bound_dev_if()), so its replies stay in the VRF. Read in 5.10.262, 6.1.192,
 * 6.12.118 and 7.2.13 alike.
 *
 * The VRF driver is a module that the matrix guests load (ci/matrix.d/modules.conf); a kernel
 * without it skips these tests. */
#include "../harness/actest.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"
#include "../fixtures/vrf.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(l3mdev, .description = "A connection that arrives on a VRF's device reaches a listener "
                                 "bound to no device only with net.ipv4.tcp_l3mdev_accept=1, and "
                                 "the accepted socket is then bound to the VRF; a listener bound "
                                 "to the VRF takes it either way. Without a listener the client "
                                 "gets ECONNREFUSED.");

/* A client in no VRF, from 192.168.1.1: connect()'s result within 2 s (EINPROGRESS: no
 * answer yet). */
static int connect_from_outside(int *fd)
{
    struct ac_addr from, to;
    ac_addr_parse(&from, AC_CLIENT_IP, 0);
    ac_addr_parse(&to, AC_SERVER_IP, PORT);
    *fd = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, AC_NONBLOCK));
    ac_setup_ok("client bind to 192.168.1.1", ac_bind(*fd, &from));
    return ac_connect_within(*fd, &to, 2000);
}

/* The device an accepted socket is bound to ("" for none). */
static void bound_device(int fd, char *name, socklen_t len)
{
    name[0] = '\0';
    ac_setup_ok("getsockopt SO_BINDTODEVICE",
                getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, &len) ? errno : 0);
}

static void connect_through_vrf(const char *accept, const char *listener_dev, int connect_err,
                                const char *child_dev)
{
    if (ac_vrf_server() == -EOPNOTSUPP)
        cr_skip_test("this kernel has no VRF driver (vrf module): no VRF device can be made");
    ac_netns_sysctl("net/ipv4/tcp_l3mdev_accept", accept);
    struct ac_addr any;
    ac_addr_parse(&any, "0.0.0.0", PORT);
    int l = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    if (listener_dev)
        ac_setup_ok("listener SO_BINDTODEVICE",
                    setsockopt(l, SOL_SOCKET, SO_BINDTODEVICE, listener_dev,
                               (socklen_t)strlen(listener_dev))
                        ? errno
                        : 0);
    ac_setup_ok("listener bind to 0.0.0.0:9999", ac_bind(l, &any));
    ac_setup_ok("listener listen", ac_listen(l, 4));

    int c;
    ac_expect_errno(AC_CLAIM(CONNECT, "192.168.1.100:9999"),
                    "connect from 192.168.1.1 (no VRF) to 192.168.1.100:9999 (in the VRF)",
                    connect_err, connect_from_outside(&c));
    if (child_dev) {
        int s = ac_setup_fd("accept", ac_accept_within(l, 1000));
        char dev[IFNAMSIZ];
        bound_device(s, dev, sizeof dev);
        ac_expect_str(AC_CLAIM(SOCKOPT, "accepted socket"),
                      "SO_BINDTODEVICE of the accepted socket", child_dev, dev);
        close(s);
    }
    close(c);
    close(l);
}

#define X(name, accept, listener_dev, connect_err, child_dev, rule)                                \
    AC_TEST(l3mdev, name, .description = rule)                                                     \
    {                                                                                              \
        connect_through_vrf(accept, listener_dev, connect_err, child_dev);                         \
    }
/* name, tcp_l3mdev_accept, the listener's device (NULL: none), connect()'s result, the accepted
 * socket's device (NULL: nothing accepted), the rule */
X(accept_0_listener_on_no_device_refuses_connection_arriving_in_vrf, "0", NULL, ECONNREFUSED, NULL,
  "With tcp_l3mdev_accept=0, the default, a listener bound to no device does not see a SYN that "
  "arrives on a VRF's slave device: the SYN gets an RST and connect() fails with ECONNREFUSED.")
X(accept_1_listener_on_no_device_takes_connection_child_bound_to_vrf, "1", NULL, 0, AC_VRF_NAME,
  "With tcp_l3mdev_accept=1 a listener bound to no device takes a connection that arrives in a "
  "VRF, and the accepted socket is bound to the VRF's device.")
X(accept_0_listener_bound_to_vrf_takes_connection, "0", AC_VRF_NAME, 0, AC_VRF_NAME,
  "A listener bound to the VRF (SO_BINDTODEVICE) takes the connection whatever "
  "tcp_l3mdev_accept says, and its child is bound to the VRF like it.")
#undef X
