#define _GNU_SOURCE
#include "existing.h"

#include "check.h"
#include "diag.h"
#include "sock.h"

#include <errno.h>
#include <stdio.h>

void ac_bind_step_text(char *buf, size_t len, const char *what, const char *addr_text,
                       unsigned opts)
{
    snprintf(buf, len, "%s%sbind %s%s%s%s%s", what, *what ? ": " : "", addr_text,
             opts & AC_REUSEADDR ? " SO_REUSEADDR" : "", opts & AC_REUSEPORT ? " SO_REUSEPORT" : "",
             opts & AC_V6ONLY ? " IPV6_V6ONLY" : "", opts & AC_V6DUAL ? " dual-stack" : "");
}

int ac_existing_socket(const char *ip, uint16_t port, unsigned opts, bool listen)
{
    struct ac_addr at;
    ac_setup_ok("parse existing socket's address", ac_addr_parse(&at, ip, port) ? EINVAL : 0);
    int fd = ac_setup_fd("existing socket", ac_tcp_socket(ac_addr_family(&at), opts));
    char step[200];
    ac_bind_step_text(step, sizeof step, "existing socket", at.text, opts);
    ac_setup_ok(step, ac_bind(fd, &at));
    if (listen) {
        ac_setup_ok("existing socket: listen", ac_listen(fd, 16));
        struct ac_match m = {.local = &at};
        ac_expect_state(AC_SETUP(STATE, "existing socket"), "existing socket", &m, AC_LISTEN,
                        AC_STATE_TIMEOUT_MS);
    } else {
        struct ac_addr got;
        ac_setup_ok("existing socket: getsockname", ac_local_addr(fd, &got));
        ac_expect_str(AC_SETUP(ADDRESS, "existing socket"),
                      "existing socket bound, not listening (getsockname)", at.text, got.text);
    }
    return fd;
}
