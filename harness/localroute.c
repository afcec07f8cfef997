#define _GNU_SOURCE
#include "localroute.h"

#include "check.h"
#include "diag.h"
#include "sock.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int nl_socket(unsigned groups)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = groups};
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    return fd;
}

bool ac_route_is_local(const char *ip, int *err)
{
    struct ac_addr a;
    *err = ac_addr_parse(&a, ip, 0) ? EINVAL : 0;
    if (*err)
        return false;
    int family = ac_addr_family(&a);
    const void *bytes = family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)&a.ss)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)&a.ss)->sin6_addr;
    size_t blen = family == AF_INET ? 4 : 16;

    struct {
        struct nlmsghdr nh;
        struct rtmsg rt;
        char attrs[64];
    } req;
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_type = RTM_GETROUTE;
    req.nh.nlmsg_flags = NLM_F_REQUEST;
    req.rt.rtm_family = (unsigned char)family;
    req.rt.rtm_dst_len = (unsigned char)(blen * 8);
    struct rtattr *rta = (struct rtattr *)req.attrs;
    rta->rta_type = RTA_DST;
    rta->rta_len = (unsigned short)RTA_LENGTH(blen);
    memcpy(RTA_DATA(rta), bytes, blen);
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.rt) + RTA_ALIGN(rta->rta_len);

    int fd = nl_socket(0);
    if (fd < 0) {
        *err = -fd;
        return false;
    }
    bool local = false;
    char buf[8192];
    if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
        *err = errno;
    } else {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        struct nlmsghdr *nh = (struct nlmsghdr *)buf;
        if (n < 0)
            *err = errno;
        else if (!NLMSG_OK(nh, (size_t)n))
            *err = EIO;
        else if (nh->nlmsg_type == NLMSG_ERROR)
            /* No route at all yet (e.g. ENETUNREACH): not local, and not a failure to ask. */
            local = false;
        else if (nh->nlmsg_type == RTM_NEWROUTE)
            local = ((struct rtmsg *)NLMSG_DATA(nh))->rtm_type == RTN_LOCAL;
    }
    close(fd);
    return local;
}

void ac_wait_local_route(const char *ip, int timeout_ms)
{
    struct ac_addr a;
    ac_setup_ok("parse address to wait for", ac_addr_parse(&a, ip, 0) ? EINVAL : 0);
    /* Subscribe before the first look, so a route added in between still wakes us. */
    unsigned groups = ac_addr_family(&a) == AF_INET ? RTMGRP_IPV4_ROUTE : RTMGRP_IPV6_ROUTE;
    int events = ac_setup_fd("netlink route notifications", nl_socket(groups));
    int64_t deadline = ac_now_ms() + timeout_ms;
    int err = 0;
    char buf[8192];
    while (!ac_route_is_local(ip, &err)) {
        ac_setup_ok("route lookup", err);
        int64_t left = deadline - ac_now_ms();
        if (left <= 0)
            cr_assert_fail("setup failed: no local route for %s within %d ms", ip, timeout_ms);
        struct pollfd p = {.fd = events, .events = POLLIN};
        if (poll(&p, 1, (int)left) > 0)
            while (recv(events, buf, sizeof buf, MSG_DONTWAIT) > 0)
                ; /* any route change: look again */
    }
    close(events);
}
