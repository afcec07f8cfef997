/* One TCP socket left on a port in a chosen state, confirmed through sock_diag: the "existing
 * socket" that bind-conflict scenarios probe against.
 *
 * Connection states are built from ac_conn_open() (listener, client, accepted end); the socket
 * the scenario is about is always the ACCEPTED (server) end, bound to ip:port, and its listener
 * is closed before the state is driven, so nothing else listens on the port. The client's end is
 * on an ephemeral port (ip_local_port_range, never below 1024), so it shares the address but not
 * the port. Transient states are held with nf_tables rules in the test's namespace (harness/nft.h)
 * that drop segments on the input hook, after TCP has sent them: TCP sees a lost segment and
 * retransmits, the state stays.
 *
 * Before returning, the builder checks that the socket is in the requested state and that no
 * other TCP socket in the namespace has port `port` as its local port. */
#ifndef AC_STATES_H
#define AC_STATES_H

#include "conn.h"
#include "diag.h"

#include <stdint.h>

/* Each kind, and the other socket it leaves in the namespace (never on port `port` as its local
 * port, so it takes no part in a bind conflict there). */
enum ac_state_kind {
    AC_HOLD_BOUND,              /* bind() only. Others: none */
    AC_HOLD_LISTEN,             /* bind() + listen(), nobody connected. Others: none */
    AC_HOLD_ESTABLISHED,        /* accepted, listener closed. Others: client ESTABLISHED */
    AC_HOLD_CLOSE_WAIT,         /* the client closed, the server keeps its fd. Others: client
                                   FIN_WAIT2 (orphan) */
    AC_HOLD_FIN_WAIT1,          /* the server closed, the ACK of its FIN dropped. Others: client
                                   CLOSE_WAIT */
    AC_HOLD_FIN_WAIT2_ORPHAN,   /* the server closed, the client ACKed and never closes. Others:
                                   client CLOSE_WAIT */
    AC_HOLD_FIN_WAIT2_SHUTDOWN, /* shutdown(SHUT_WR), fd kept, ACKed. Others: client CLOSE_WAIT */
    AC_HOLD_LAST_ACK,           /* the client closed first, then the server; the last ACK dropped.
                                   Others: client TIME_WAIT */
    AC_HOLD_CLOSING,            /* crossed FINs, their ACKs dropped. Others: client FIN_WAIT1 */
    AC_HOLD_TIME_WAIT,          /* the server closed first, the client answered. Others: none */
};

struct ac_state_spec {
    enum ac_state_kind kind;
    /* Where the socket (BOUND, LISTEN) or the listener that accepts the connection binds. May be
     * a wildcard for the connection states: the accepted end then has the address the client
     * connected to. */
    const char *ip;
    const char *connect_ip; /* the client connects here; NULL means ip */
    uint16_t port;
    /* enum ac_sockopt of the socket (BOUND, LISTEN) or of the listener (connection states: an
     * accepted socket inherits SO_REUSEADDR and SO_REUSEPORT from its listener). */
    unsigned opts;
};

struct ac_held {
    enum ac_state_kind kind;
    /* The socket's own fd (BOUND, LISTEN, ESTABLISHED, CLOSE_WAIT, FIN_WAIT2_SHUTDOWN), or -1
     * when it has none (orphaned by close(), TIME_WAIT). */
    int fd;
    struct ac_conn conn;     /* connection states: the client fd stays open as the state needs */
    struct ac_addr local;    /* the socket's local address, e.g. 192.168.1.100:9999 */
    struct ac_sockinfo info; /* what sock_diag showed (for BOUND: see states.c) */
};

/* The state's name as sock_diag reports it ("FIN_WAIT2" for both FIN_WAIT2 kinds, "CLOSE" for
 * BOUND). */
int ac_state_kind_tcp_state(enum ac_state_kind kind);
const char *ac_state_kind_name(enum ac_state_kind kind);

/* Builds the state; fails the test (with the socket table) if it cannot be reached. */
void ac_state_hold(struct ac_held *h, const struct ac_state_spec *spec);

/* After a probe: the socket must still be in the state it was built in (a claim, recorded), so
 * the probe's answer was given against that state. */
void ac_state_expect_still(const struct ac_held *h);

#endif
