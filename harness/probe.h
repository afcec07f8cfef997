/* The question every scenario ends with: may a new socket bind here now, and listen? */
#ifndef AC_PROBE_H
#define AC_PROBE_H

#include <stdint.h>

/* A new TCP socket with `opts` (enum ac_sockopt) binds ip:port; its result must be
 * `expected_bind` (0 or an errno). When bind succeeds, listen() must succeed too: a port that can
 * be bound but not listened on would not restart a server. Returns the socket (still open, so
 * the caller may probe further) or -1 when bind failed as expected. */
#define ac_probe_bind(ip, port, opts, expected_bind)                                               \
    ac_probe_bind_at(__FILE__, __LINE__, ip, port, opts, expected_bind)
int ac_probe_bind_at(const char *file, int line, const char *ip, uint16_t port, unsigned opts,
                     int expected_bind);

#endif
