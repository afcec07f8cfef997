/* The hold helpers: the loopback plug really delays (and then delivers) a packet, and the
 * quota rule really lets exactly one small segment through. */
#include "../../harness/actest.h"
#include "../../fixtures/hold.h"
#include "../../fixtures/expect_state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

static int udp_on_loopback(struct sockaddr_in *at)
{
    *at = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof *at;
    int fd = ac_setup_fd("udp socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ac_setup_ok("bind", bind(fd, (struct sockaddr *)at, len) ? errno : 0);
    ac_setup_ok("getsockname", getsockname(fd, (struct sockaddr *)at, &len) ? errno : 0);
    return fd;
}

AC_TEST(hold, plug_delays_a_datagram_until_unplug)
{
    struct sockaddr_in at;
    int rx = udp_on_loopback(&at);
    int tx = ac_setup_fd("udp socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ac_hold_plug_loopback();
    ac_setup_ok("send", sendto(tx, "x", 1, 0, (struct sockaddr *)&at, sizeof at) == 1 ? 0 : errno);
    char b;
    ssize_t n = recv(rx, &b, 1, MSG_DONTWAIT);
    ac_expect_errno(AC_CLAIM(IO, "receiver on lo"), "recv while plugged", EAGAIN,
                    n < 0 ? errno : 0);
    ac_hold_unplug_loopback();
    struct pollfd p = {.fd = rx, .events = POLLIN};
    ac_expect_int(AC_CLAIM(COUNT, "receiver on lo"), "datagrams readable after the unplug", 1,
                  poll(&p, 1, AC_STATE_TIMEOUT_MS));
    close(tx);
    close(rx);
}

AC_TEST(hold, fast_retransmit_lowers_rto_min_where_the_sysctl_exists)
{
    bool lowered = ac_hold_fast_retransmit();
    int fd = open("/proc/sys/net/ipv4/tcp_rto_min_us", O_RDONLY | O_CLOEXEC);
    char buf[32] = "";
    if (fd >= 0) {
        ssize_t n = read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    ac_expect_str(AC_CLAIM(SYSCTL, "net.ipv4.tcp_rto_min_us"), "net.ipv4.tcp_rto_min_us",
                  fd >= 0 ? "5000\n" : "", buf);
    ac_expect_int(AC_CLAIM(SYSCTL, "net.ipv4.tcp_rto_min_us"), "lowered", fd >= 0, lowered);
}
