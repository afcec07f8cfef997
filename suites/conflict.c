/* The bind-conflict matrix: a socket sits on 192.168.1.100:9999 in some state; may a new socket
 * bind 192.168.1.100:9999, 127.0.0.1:9999 or 0.0.0.0:9999, and listen?
 *
 * The rule (net/ipv4/inet_connection_sock.c, inet_bind_conflict() as called from
 * inet_csk_bind_conflict() with relax=true by inet_csk_get_port(); the same shape since long
 * before 5.10): two sockets on one port conflict when their addresses overlap (equal, or one is
 * the wildcard) UNLESS both have SO_REUSEADDR and the existing one is not in LISTEN. The TCP
 * state matters only through LISTEN (and TIME_WAIT, for SO_REUSEPORT only): FIN_WAIT1, CLOSING,
 * a timewait socket... all count the same. The fast path (tb->fastreuse: every owner of the
 * port has SO_REUSEADDR and none listens) gives the same answers, faster. listen() runs the
 * check again with the socket in LISTEN; the existing socket is still not LISTEN, so a bind that
 * succeeded is followed by a listen() that does.
 *
 * Kernel versions: bhash2 (6.1, commit 28044fc1d495 "net: Add a bhash2 table hashed by port and
 * address") split the check by (port, address). It first left TIME_WAIT sockets out of bhash2, so
 * a specific-address bind over a TIME_WAIT wrongly succeeded; commit 936a192f9740 ("tcp: Add
 * TIME_WAIT sockets in bhash2.", 6.2) fixed it and went to 6.1 stable (6.1.5), i.e. into every
 * Debian 6.1 kernel, so no ac_since() here: it could only name major.minor. The later bhash2
 * fixes up to 6.9 ("tcp: Fix bind() regression for v4-mapped-v6 ..." / "v6-only wildcard ...")
 * concern IPv6 and v4-mapped addresses, which these IPv4 cells do not use. So the current rule
 * is expected on every kernel of the matrix; the matrix run will say if that is wrong.
 *
 *   existing socket                     new socket
 *   192.168.1.100:9999, state S,        192.168.1.100:9999 | 127.0.0.1:9999 | 0.0.0.0:9999,
 *   SO_REUSEADDR old                    SO_REUSEADDR new
 *
 * Other sockets present (fixtures/states.h): the client of a connection state, on an ephemeral
 * port (never 9999: the builder checks that no other socket has local port 9999). */
#include "../harness/actest.h"
#include "../harness/outcome.h"
#include "../fixtures/states.h"
#include "../fixtures/netns.h"

#include <errno.h>

#define PORT 9999

TestSuite(conflict, .description = "Two TCP sockets on one port conflict when their addresses "
                                   "overlap, unless both set SO_REUSEADDR and the existing one "
                                   "is not listening; the TCP state counts only through LISTEN.");

/* Outcome tokens of the tables: the expected bind() errno, from which the test name takes its
 * _fails or _succeeds (harness/outcome.h), and the rule the docs print. */
#define ERRNO_INUSE  EADDRINUSE
#define ERRNO_LISTEN EADDRINUSE
#define ERRNO_SHARE  0
#define ERRNO_APART  0
#define RULE_INUSE   "The addresses overlap and SO_REUSEADDR is not set on both sockets: EADDRINUSE."
#define RULE_LISTEN                                                                                \
    "The addresses overlap and the existing socket listens: EADDRINUSE whatever SO_REUSEADDR "     \
    "says."
#define RULE_SHARE                                                                                 \
    "Both sockets set SO_REUSEADDR and the existing one does not listen: they share the port, "    \
    "and the new one may listen."
#define RULE_APART "The two specific addresses do not overlap: no flag is needed."

/* The existing socket, as the docs describe it. */
#define NOTE_bound       "Existing: bound to 192.168.1.100:9999, nothing more."
#define NOTE_listen      "Existing: listening on 192.168.1.100:9999."
#define INHERIT          " SO_REUSEADDR is inherited from (set on) its listener."
#define NOTE_established "Existing: an accepted connection (ESTABLISHED), listener closed." INHERIT
#define NOTE_close_wait                                                                            \
    "Existing: accepted, the client closed, the server keeps its fd (CLOSE_WAIT)." INHERIT
#define NOTE_fin_wait1                                                                             \
    "Existing: accepted, closed by the server, the ACK of its FIN dropped (FIN_WAIT1)." INHERIT
#define NOTE_fin_wait2_orphan                                                                      \
    "Existing: accepted, closed by the server, ACKed, the client never closes (orphaned "          \
    "FIN_WAIT2)." INHERIT
#define NOTE_fin_wait2_shutdown                                                                    \
    "Existing: accepted, shutdown(SHUT_WR) with the fd kept, ACKed (FIN_WAIT2)." INHERIT
#define NOTE_last_ack                                                                              \
    "Existing: accepted, the client closed, then the server; the last ACK dropped "                \
    "(LAST_ACK)." INHERIT
#define NOTE_closing                                                                               \
    "Existing: accepted, both ends closed with crossing FINs, their ACKs dropped "                 \
    "(CLOSING)." INHERIT
#define NOTE_time_wait "Existing: accepted, the server closed first (TIME_WAIT)." INHERIT

#define KIND_bound              AC_HOLD_BOUND
#define KIND_listen             AC_HOLD_LISTEN
#define KIND_established        AC_HOLD_ESTABLISHED
#define KIND_close_wait         AC_HOLD_CLOSE_WAIT
#define KIND_fin_wait1          AC_HOLD_FIN_WAIT1
#define KIND_fin_wait2_orphan   AC_HOLD_FIN_WAIT2_ORPHAN
#define KIND_fin_wait2_shutdown AC_HOLD_FIN_WAIT2_SHUTDOWN
#define KIND_last_ack           AC_HOLD_LAST_ACK
#define KIND_closing            AC_HOLD_CLOSING
#define KIND_time_wait          AC_HOLD_TIME_WAIT

/* The 12 columns of a row: name part, old socket's options, new socket's options, address. */
#define CONFLICT_COLUMNS(CELL, state, ns, no, nw, os, oo, ow, ws, wo, ww, bs, bo, bw)              \
    CELL(state, none, 0, 0, same_addr, AC_SERVER_IP, ns)                                           \
    CELL(state, none, 0, 0, other_addr, AC_LOOPBACK_IP, no)                                        \
    CELL(state, none, 0, 0, wildcard, "0.0.0.0", nw)                                               \
    CELL(state, old, AC_REUSEADDR, 0, same_addr, AC_SERVER_IP, os)                                 \
    CELL(state, old, AC_REUSEADDR, 0, other_addr, AC_LOOPBACK_IP, oo)                              \
    CELL(state, old, AC_REUSEADDR, 0, wildcard, "0.0.0.0", ow)                                     \
    CELL(state, new, 0, AC_REUSEADDR, same_addr, AC_SERVER_IP, ws)                                 \
    CELL(state, new, 0, AC_REUSEADDR, other_addr, AC_LOOPBACK_IP, wo)                              \
    CELL(state, new, 0, AC_REUSEADDR, wildcard, "0.0.0.0", ww)                                     \
    CELL(state, both, AC_REUSEADDR, AC_REUSEADDR, same_addr, AC_SERVER_IP, bs)                     \
    CELL(state, both, AC_REUSEADDR, AC_REUSEADDR, other_addr, AC_LOOPBACK_IP, bo)                  \
    CELL(state, both, AC_REUSEADDR, AC_REUSEADDR, wildcard, "0.0.0.0", bw)

/* Test names are pasted from the row and the column, then the expected result's _fails or
 * _succeeds. */
#define CAT5_(a, b, c, d, e) a##b##c##d##e
#define CAT5(a, b, c, d, e)  CAT5_(a, b, c, d, e)

/* The grid's axes (the docs' table per state): the name parts as the enums of harness/meta.h. */
#define GRID_none       AC_GRID_REUSE_NONE
#define GRID_old        AC_GRID_REUSE_OLD
#define GRID_new        AC_GRID_REUSE_NEW
#define GRID_both       AC_GRID_REUSE_BOTH
#define GRID_same_addr  AC_GRID_SAME_ADDR
#define GRID_other_addr AC_GRID_OTHER_ADDR
#define GRID_wildcard   AC_GRID_WILDCARD

#define CONFLICT_CELL(state, combo, old_opts, new_opts, addr, new_ip, outcome)                     \
    AC_TEST_OUTCOME_WITH(conflict, CAT5(state, _reuse_, combo, _, addr), ERRNO_##outcome,          \
                         (.grid = {#state, GRID_##combo, GRID_##addr}),                            \
                         .description = NOTE_##state " " RULE_##outcome)                           \
    {                                                                                              \
        struct ac_state_spec spec = {                                                              \
            .kind = KIND_##state, .ip = AC_SERVER_IP, .port = PORT, .opts = old_opts};             \
        ac_state_probe_bind(&spec, new_ip, new_opts, ERRNO_##outcome);                             \
    }
#define CONFLICT_ROW(state, ...) CONFLICT_COLUMNS(CONFLICT_CELL, state, __VA_ARGS__)

// clang-format off
/* The matrix, one row per state of the existing socket. Columns: SO_REUSEADDR set on
 * {neither socket, the existing (old) one only, the new one only, both} x the address the new
 * socket binds {same 192.168.1.100, other 127.0.0.1, wildcard 0.0.0.0}:
 *
 *                        neither               old only              new only              both
 *                        same   other  wild    same   other  wild    same   other  wild    same   other  wild */
CONFLICT_ROW(bound,              INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
/* A listener is the one socket SO_REUSEADDR never shares an address with. */
CONFLICT_ROW(listen,             INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  LISTEN, APART, LISTEN)
CONFLICT_ROW(established,        INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
CONFLICT_ROW(close_wait,         INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
CONFLICT_ROW(fin_wait1,          INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
/* A timewait socket with substate FIN_WAIT2 (tcp_time_wait()); bind() sees a non-listener. */
CONFLICT_ROW(fin_wait2_orphan,   INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
CONFLICT_ROW(fin_wait2_shutdown, INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
CONFLICT_ROW(last_ack,           INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
CONFLICT_ROW(closing,            INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
CONFLICT_ROW(time_wait,          INUSE, APART, INUSE,  INUSE, APART, INUSE,  INUSE, APART, INUSE,  SHARE, APART, SHARE)
// clang-format on
#undef CONFLICT_ROW

/* The TIME_WAIT left behind a WILDCARD listener. A listener on 0.0.0.0:9999 accepts a connection
 * to 127.0.0.1:9999 (or to 192.168.1.100:9999); the accepted socket has the specific address the
 * client came in on, not the listener's wildcard (tcp_v4_syn_recv_sock() sets its local address
 * from the SYN's destination; since 6.1 __inet_inherit_port() files it under that (port,
 * address) in bhash2), and so has its TIME_WAIT. The listener is closed. Later binds conflict
 * with that one address only. */
#define NOTE_via_loopback                                                                          \
    "Existing: TIME_WAIT of a connection a 0.0.0.0:9999 listener accepted via 127.0.0.1; it "      \
    "holds 127.0.0.1:9999 only." INHERIT
#define NOTE_via_server_addr                                                                       \
    "Existing: TIME_WAIT of a connection a 0.0.0.0:9999 listener accepted via 192.168.1.100; it "  \
    "holds 192.168.1.100:9999 only." INHERIT

#define WILDCARD_TW_CELL(via, via_ip, combo, old_opts, new_opts, addr, new_ip, outcome)            \
    AC_TEST_OUTCOME(conflict, CAT5(wildcard_listener_tw_##via, _reuse_, combo, _bind_, addr),      \
                    ERRNO_##outcome, .description = NOTE_##via " " RULE_##outcome)                 \
    {                                                                                              \
        struct ac_state_spec spec = {.kind = AC_HOLD_TIME_WAIT,                                    \
                                     .ip = "0.0.0.0",                                              \
                                     .connect_ip = via_ip,                                         \
                                     .port = PORT,                                                 \
                                     .opts = old_opts};                                            \
        ac_state_probe_bind(&spec, new_ip, new_opts, ERRNO_##outcome);                             \
    }
#define WILDCARD_TW_ROW(via, via_ip, combo, old_opts, new_opts, lo, server, any)                   \
    WILDCARD_TW_CELL(via, via_ip, combo, old_opts, new_opts, loopback, AC_LOOPBACK_IP, lo)         \
    WILDCARD_TW_CELL(via, via_ip, combo, old_opts, new_opts, server_addr, AC_SERVER_IP, server)    \
    WILDCARD_TW_CELL(via, via_ip, combo, old_opts, new_opts, wildcard, "0.0.0.0", any)

// clang-format off
/* via, SO_REUSEADDR on, old opts, new opts | bind 127.0.0.1, bind 192.168.1.100, bind 0.0.0.0 */
WILDCARD_TW_ROW(via_loopback,    AC_LOOPBACK_IP, none, 0,            0,              INUSE, APART, INUSE)
WILDCARD_TW_ROW(via_loopback,    AC_LOOPBACK_IP, old,  AC_REUSEADDR, 0,              INUSE, APART, INUSE)
WILDCARD_TW_ROW(via_loopback,    AC_LOOPBACK_IP, new,  0,            AC_REUSEADDR,   INUSE, APART, INUSE)
WILDCARD_TW_ROW(via_loopback,    AC_LOOPBACK_IP, both, AC_REUSEADDR, AC_REUSEADDR,   SHARE, APART, SHARE)
WILDCARD_TW_ROW(via_server_addr, AC_SERVER_IP,   none, 0,            0,              APART, INUSE, INUSE)
WILDCARD_TW_ROW(via_server_addr, AC_SERVER_IP,   old,  AC_REUSEADDR, 0,              APART, INUSE, INUSE)
WILDCARD_TW_ROW(via_server_addr, AC_SERVER_IP,   new,  0,            AC_REUSEADDR,   APART, INUSE, INUSE)
WILDCARD_TW_ROW(via_server_addr, AC_SERVER_IP,   both, AC_REUSEADDR, AC_REUSEADDR,   APART, SHARE, SHARE)
// clang-format on
#undef WILDCARD_TW_ROW
