#define _GNU_SOURCE
#include "probe.h"

#include "check.h"
#include "sock.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static void describe(char *buf, size_t len, const struct ac_addr *a, unsigned opts)
{
    snprintf(buf, len, "bind %s%s%s%s%s", a->text, opts & AC_REUSEADDR ? " SO_REUSEADDR" : "",
             opts & AC_REUSEPORT ? " SO_REUSEPORT" : "", opts & AC_V6ONLY ? " IPV6_V6ONLY" : "",
             opts & AC_V6DUAL ? " dual-stack" : "");
}

int ac_probe_bind_at(const char *file, int line, enum ac_role role, const char *ip, uint16_t port,
                     unsigned opts, int expected_bind)
{
    struct ac_addr a;
    ac_setup_ok_at(file, line, "parse probe address", ac_addr_parse(&a, ip, port) ? EINVAL : 0);
    int fd = ac_setup_fd_at(file, line, "probe socket", ac_tcp_socket(ac_addr_family(&a), opts));
    char step[160];
    describe(step, sizeof step, &a, opts);
    struct ac_about bind = {AC_KIND_BIND, role, a.text}, listen = {AC_KIND_LISTEN, role, a.text};
    ac_expect_errno_at(file, line, bind, step, expected_bind, ac_bind(fd, &a));
    if (expected_bind != 0) {
        close(fd);
        return -1;
    }
    ac_expect_errno_at(file, line, listen, "listen", 0, ac_listen(fd, 16));

    return fd;
}
