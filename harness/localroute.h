/* Waiting until a freshly added address is reachable from inside the namespace.
 *
 * An IPv6 address added with NODAD can be bound at once, but its "local" route (the one that
 * sends traffic for it over lo) is inserted later, by addrconf's DAD work once the link is ready
 * (a veth's carrier comes up through linkwatch, asynchronously). A connect() in between follows
 * the on-link prefix route instead, tries neighbour discovery on ac0 and fails with EHOSTUNREACH
 * after about 3 s. Scenarios that connect to such an address wait for the local route first. */
#ifndef AC_LOCALROUTE_H
#define AC_LOCALROUTE_H

#include <stdbool.h>

/* True when a route lookup for ip (as "ip route get" does it) gives a local route. Sets *err to
 * 0 or the errno of the netlink exchange. */
bool ac_route_is_local(const char *ip, int *err);

/* Waits (bounded; woken by route change notifications, not by a timer) until ip has its local
 * route. Fails the test with the reason if it does not appear within timeout_ms. */
void ac_wait_local_route(const char *ip, int timeout_ms);

#endif
