/* The question every scenario ends with: may a new socket bind here now, and listen? */
#ifndef AC_PROBE_H
#define AC_PROBE_H

#include "typed.h"

#include <stdint.h>

/* A new TCP socket with `opts` (enum ac_sockopt) binds ip:port; its result must be
 * `expected_bind` (0 or an errno). When bind succeeds, listen() must succeed too: a port that can
 * be bound but not listened on would not restart a server. `role` says whether the two checks
 * are the scenario's claim (AC_ROLE_CLAIM) or a bind that sets the scene (AC_ROLE_SETUP); their
 * subject is the address. Returns the socket (still open, so the caller may probe further) or -1
 * when bind failed as expected. */
#define ac_probe_bind(role, ip, port, opts, expected_bind)                                         \
    ac_probe_bind_at(__FILE__, __LINE__, role, ip, port, opts, expected_bind)
int ac_probe_bind_at(const char *file, int line, enum ac_role role, const char *ip, uint16_t port,
                     unsigned opts, int expected_bind);

#endif
