/* The namespace's TCP socket table, read through sock_diag (libnl-idiag-3), and bounded waits
 * for a state: we poll the kernel's own view instead of sleeping and hoping. */
#ifndef AC_DIAG_H
#define AC_DIAG_H

#include "sock.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Kernel TCP states (include/net/tcp_states.h); stable ABI of sock_diag. */
enum ac_tcp_state {
    AC_ESTABLISHED = 1,
    AC_SYN_SENT,
    AC_SYN_RECV,
    AC_FIN_WAIT1,
    AC_FIN_WAIT2,
    AC_TIME_WAIT,
    AC_CLOSE,
    AC_CLOSE_WAIT,
    AC_LAST_ACK,
    AC_LISTEN,
    AC_CLOSING,
};
#define AC_STATE_BIT(s) (1u << (s))
#define AC_ALL_STATES   0xfffu
/* Not a state: the sock_diag filter bit TCP_BOUND_INACTIVE (13) that adds bound-only sockets
 * (reported as CLOSE) to the dump; since 6.8, commit 91051f003948. Older kernels ignore it. */
#define AC_DIAG_BOUND_INACTIVE (1u << 13)

const char *ac_tcp_state_name(int state);

struct ac_sockinfo {
    int family;
    int state;
    struct ac_addr local;
    struct ac_addr remote;
    int timer;           /* 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe */
    uint32_t expires_ms; /* time left on that timer */
    uint32_t inode;      /* 0 when no file refers to the socket (TIME_WAIT, orphans) */
    uint32_t retrans;
};

/* Which sockets a wait or a count is about. local/remote NULL means any; a port of 0 in them
 * means any port; a wildcard address matches only a socket bound to the wildcard. */
struct ac_match {
    unsigned states; /* AC_STATE_BIT()s */
    const struct ac_addr *local;
    const struct ac_addr *remote;
};

/* True if s is one of the sockets m is about (the rule every wait and count uses). */
bool ac_diag_match(const struct ac_match *m, const struct ac_sockinfo *s);

/* Yields the CPU between two reads of the table, for a short interval growing to 10 ms. */
void ac_diag_backoff(int *interval_ms);

/* Reads every TCP socket (IPv4 and IPv6) of the calling thread's network namespace.
 * Returns the number found (possibly more than max; only max are stored) or -errno. */
int ac_diag_snapshot(struct ac_sockinfo *out, size_t max);

/* Number of sockets matching m, or -errno. */
int ac_diag_count(const struct ac_match *m);

/* Polls until a socket matches (found, copied to *out if non-NULL) or timeout_ms passes.
 * Returns true if found. */
bool ac_diag_wait(const struct ac_match *m, int timeout_ms, struct ac_sockinfo *out);
/* Polls until no socket matches. Returns true if none is left. */
bool ac_diag_wait_gone(const struct ac_match *m, int timeout_ms);

/* The socket table as text, one line a socket ("TIME_WAIT 192.168.1.100:9999 ->
 * 192.168.1.100:41234 timer=timewait/59980ms inode=0"), for failure messages. */
void ac_diag_format_table(char *buf, size_t len);

/* Milliseconds on CLOCK_MONOTONIC, for deadlines and for measuring timers. */
int64_t ac_now_ms(void);

#endif
