/* A bind() done by another user: SO_REUSEPORT shares a port only between sockets of the same
 * owner (the euid that created them), so the claims about "another user" need a socket created
 * by a process with another euid.
 *
 * A helper child (forked from the test's worker, so inside the test's namespace) switches to the
 * uid with setresuid(), creates the socket, binds and, if that worked and was asked for,
 * listens; it reports the results through a pipe and _exit()s. It never asserts. */
#ifndef AC_ASUID_H
#define AC_ASUID_H

#include "typed.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The unprivileged "nobody" user on Debian and most distributions. */
#define AC_OTHER_UID ((uid_t)65534)

struct ac_uid_bind {
    const char *failed_step; /* NULL, or the step that failed before bind: "setresuid", "socket" */
    int setup_err;           /* its errno */
    int bind_err;            /* 0 or bind()'s errno */
    int listen_err;          /* 0 or listen()'s errno; 0 when not attempted */
};

/* Runs the helper child as described above. Returns 0, or the errno of the plumbing in this
 * process (pipe, fork, a child that died without reporting: EPIPE). */
int ac_bind_as_uid(uid_t uid, const char *ip, uint16_t port, unsigned opts, bool listen,
                   struct ac_uid_bind *out);

/* The test's side: runs ac_bind_as_uid() and records the bind (and listen) result as checks
 * against `expected_bind` (listen must succeed after a successful bind), in `role`. When this
 * process cannot take another uid (an unprivileged run inside a user namespace maps only uid 0:
 * setresuid() gives EINVAL; without CAP_SETUID it gives EPERM) the test is SKIPPED with that
 * reason, never passed. */
void ac_probe_bind_as_uid(enum ac_role role, uid_t uid, const char *ip, uint16_t port,
                          unsigned opts, int expected_bind);

#endif
