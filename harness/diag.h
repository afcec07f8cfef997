/* The namespace's TCP socket table, read through sock_diag (libnl-idiag-3), and the one loop
 * that polls it: waits read the kernel's own view until it says yes, instead of sleeping and
 * hoping (the waits themselves: diagwait.h). */
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

/* Reads every TCP socket (IPv4 and IPv6) of the calling thread's network namespace.
 * Returns the number found (possibly more than max; only max are stored) or -errno. */
int ac_diag_snapshot(struct ac_sockinfo *out, size_t max);

/* Reads the table into the harness's one buffer and points *rows at it; the rows hold until the
 * next read by any harness function. Returns the number of rows (at most 4096) or -errno. */
int ac_diag_read(const struct ac_sockinfo **rows);

/* How many of the n rows match m. */
int ac_diag_matches(const struct ac_match *m, const struct ac_sockinfo *rows, int n);
/* Number of sockets matching m, or -errno. */
int ac_diag_count(const struct ac_match *m);
/* The sockets matching m, split by whether a file refers to them (inode != 0): a socket an fd
 * holds, or one the kernel keeps alone (TIME_WAIT, an orphan, a connection not yet accepted).
 * Returns 0 or -errno. */
int ac_diag_count_files(const struct ac_match *m, int *with_file, int *without_file);

/* What a wait waits for, asked of each read of the table; arg is the waiter's own. */
typedef bool (*ac_table_pred)(const struct ac_sockinfo *rows, int n, void *arg);

/* The harness's one polling loop (every wait in diagwait.h and hold.h is built on it): reads the
 * table until done() says yes or timeout_ms has passed, at least once, yielding the CPU between
 * reads. Returns 1 when done, 0 at the deadline, -errno if the table cannot be read. */
int ac_diag_poll(ac_table_pred done, void *arg, int timeout_ms);

/* The socket table as text, one line a socket ("TIME_WAIT 192.168.1.100:9999 ->
 * 192.168.1.100:41234 timer=timewait/59980ms inode=0"), for failure messages. */
void ac_diag_format_table(char *buf, size_t len);

/* Milliseconds on CLOCK_MONOTONIC, for deadlines and for measuring timers. */
int64_t ac_now_ms(void);

#endif
