/* The socket that is already on the port when a scenario probes it: bound only, or listening.
 *
 * A listening socket is confirmed through sock_diag. A socket that is only bound is invisible to
 * sock_diag before Linux 6.8 (commit 91051f003948, "tcp: Dump bound-only sockets in
 * inet_diag.", merged for 6.8: bound-inactive sockets are dumped only when asked for with the
 * TCP_BOUND_INACTIVE filter bit; see harness/states.c), so its binding is confirmed with
 * getsockname() instead, on every kernel, and recorded like any other check. */
#ifndef AC_EXISTING_H
#define AC_EXISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "bind [::]:9999 SO_REUSEADDR IPV6_V6ONLY": the step name for binding ip:port with opts
 * (enum ac_sockopt). Pure; the probes and the records use the same words. */
void ac_bind_step_text(char *buf, size_t len, const char *what, const char *addr_text,
                       unsigned opts);

/* A new socket with `opts` bound to ip:port (must succeed: it is setup), listening if `listen`;
 * its state confirmed as described above. Returns the fd. */
int ac_existing_socket(const char *ip, uint16_t port, unsigned opts, bool listen);

#endif
