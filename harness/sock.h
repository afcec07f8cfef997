/* Socket helpers: addresses as text, and calls that return an errno instead of -1. */
#ifndef AC_SOCK_H
#define AC_SOCK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define AC_ADDR_TEXT 64

/* An IPv4 or IPv6 address and port, with its text form ("192.168.1.100:9999", "[::1]:9999"). */
struct ac_addr {
    struct sockaddr_storage ss;
    socklen_t len;
    char text[AC_ADDR_TEXT];
};

/* Parses a numeric IPv4 or IPv6 address (no names, no scope ids). Returns 0, or -1 if invalid. */
int ac_addr_parse(struct ac_addr *a, const char *ip, uint16_t port);
/* The same from a sockaddr, e.g. what getaddrinfo() or getsockname() gave. */
void ac_addr_from_sockaddr(struct ac_addr *a, const struct sockaddr *sa, socklen_t len);
int ac_addr_family(const struct ac_addr *a);
uint16_t ac_addr_port(const struct ac_addr *a);
/* True for 0.0.0.0 and :: (the wildcards). */
bool ac_addr_is_wildcard(const struct ac_addr *a);

/* Socket options a scenario sets before bind(); combine with |. */
enum ac_sockopt {
    AC_REUSEADDR = 1 << 0,
    AC_REUSEPORT = 1 << 1,
    AC_V6ONLY = 1 << 2,  /* IPV6_V6ONLY=1 */
    AC_V6DUAL = 1 << 3,  /* IPV6_V6ONLY=0, whatever the sysctl default */
    AC_LINGER0 = 1 << 4, /* SO_LINGER {1, 0}: close() sends RST */
    AC_NONBLOCK = 1 << 5,
};

/* socket(family, SOCK_STREAM) with the options set. Returns the fd, or -errno. */
int ac_tcp_socket(int family, unsigned opts);
/* bind()/listen()/connect() returning 0 or the errno; never -1. */
int ac_bind(int fd, const struct ac_addr *a);
int ac_listen(int fd, int backlog);
int ac_connect(int fd, const struct ac_addr *a);
/* Closes fd with SO_LINGER {1, 0}: a connection ends with an RST at once (a cleanup's
 * close, whose outcome no test claims). */
void ac_close_with_rst(int fd);
/* getsockname() as an ac_addr. Returns 0 or the errno. */
int ac_local_addr(int fd, struct ac_addr *a);
/* getsockopt() of an int option (SO_REUSEADDR, SO_ACCEPTCONN, ...) into *value. Returns 0 or the
 * errno. */
int ac_sockopt_int(int fd, int level, int name, int *value);

#endif
