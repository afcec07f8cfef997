#define _GNU_SOURCE
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void format_text(struct ac_addr *a)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    if (a->ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&a->ss;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        snprintf(a->text, sizeof a->text, "%s:%u", ip, ntohs(in->sin_port));
    } else {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        snprintf(a->text, sizeof a->text, "[%s]:%u", ip, ntohs(in6->sin6_port));
    }
}

int ac_addr_parse(struct ac_addr *a, const char *ip, uint16_t port)
{
    memset(a, 0, sizeof *a);
    struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
    if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        a->len = sizeof *in;
    } else if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        a->len = sizeof *in6;
    } else {
        return -1;
    }
    format_text(a);
    return 0;
}

void ac_addr_from_sockaddr(struct ac_addr *a, const struct sockaddr *sa, socklen_t len)
{
    memset(a, 0, sizeof *a);
    if (len > sizeof a->ss)
        len = sizeof a->ss;
    memcpy(&a->ss, sa, len);
    a->len = len;
    format_text(a);
}

int ac_addr_family(const struct ac_addr *a)
{
    return a->ss.ss_family;
}

uint16_t ac_addr_port(const struct ac_addr *a)
{
    if (a->ss.ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
    return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
}

bool ac_addr_is_wildcard(const struct ac_addr *a)
{
    if (a->ss.ss_family == AF_INET)
        return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr == htonl(INADDR_ANY);
    return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr);
}

static int set_int(int fd, int level, int name, int value)
{
    return setsockopt(fd, level, name, &value, sizeof value) == 0 ? 0 : errno;
}

int ac_tcp_socket(int family, unsigned opts)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int err = 0;
    if (!err && (opts & AC_REUSEADDR))
        err = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (!err && (opts & AC_REUSEPORT))
        err = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    if (!err && (opts & (AC_V6ONLY | AC_V6DUAL)))
        err = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, (opts & AC_V6ONLY) ? 1 : 0);
    if (!err && (opts & AC_LINGER0)) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        err = setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l) == 0 ? 0 : errno;
    }
    if (!err && (opts & AC_NONBLOCK))
        err = fcntl(fd, F_SETFL, O_NONBLOCK) == 0 ? 0 : errno;
    if (err) {
        close(fd);
        return -err;
    }
    return fd;
}

int ac_bind(int fd, const struct ac_addr *a)
{
    return bind(fd, (const struct sockaddr *)&a->ss, a->len) == 0 ? 0 : errno;
}

int ac_listen(int fd, int backlog)
{
    return listen(fd, backlog) == 0 ? 0 : errno;
}

int ac_connect(int fd, const struct ac_addr *a)
{
    return connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0 ? 0 : errno;
}

int ac_local_addr(int fd, struct ac_addr *a)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return errno;
    ac_addr_from_sockaddr(a, (struct sockaddr *)&ss, len);
    return 0;
}

int ac_sockopt_int(int fd, int level, int name, int *value)
{
    socklen_t len = sizeof *value;
    return getsockopt(fd, level, name, value, &len) ? errno : 0;
}

void ac_close_with_rst(int fd)
{
    struct linger l = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(fd);
}
