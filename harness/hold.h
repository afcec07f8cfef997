/* Holding a TCP connection in a transient close state, and letting it go.
 *
 * A state such as FIN_WAIT1, LAST_ACK or CLOSING lasts one round trip on loopback: too short to
 * look at. We hold it by dropping, with nf_tables in the test's namespace, the one kind of
 * segment that would end it (the ACK of a FIN, or the FIN itself), and release it by removing
 * the rule: the sender's retransmission timer then resends its FIN and the state moves on.
 *
 * Rules match one direction of one connection by port (all traffic is on loopback inside the
 * namespace, so each segment passes the `in` chain exactly once, where we drop it). */
#ifndef AC_HOLD_H
#define AC_HOLD_H

#include "diag.h"
#include "record.h"

#include <stdbool.h>
#include <stdint.h>

/* Makes the retransmission after a release come within milliseconds: lowers the namespace's
 * minimum RTO (net.ipv4.tcp_rto_min_us, a per-namespace sysctl since Linux 6.11, commit
 * f086edef71be) to 5 ms, for sockets created afterwards. On older kernels it does nothing and a
 * release waits for the default 200 ms minimum instead; the states are the same, only later.
 * Returns whether it was lowered. Call it before creating the connection. */
bool ac_hold_fast_retransmit(void);

/* Drops segments from port `from` to port `to` that carry no FIN, SYN or RST: pure ACKs (and
 * data), i.e. the acknowledgement of a FIN. */
void ac_hold_drop_acks(uint16_t from, uint16_t to);
/* Drops segments from port `from` to port `to` that carry a FIN. */
void ac_hold_drop_fins(uint16_t from, uint16_t to);
/* Drops every segment from port `from` to port `to`. */
void ac_hold_drop_all(uint16_t from, uint16_t to);
/* Lets the next segment from port `from` to port `to` through (if it is under 100 bytes, as a
 * FIN or an ACK without data is) and drops every later one: an nft quota of 100 bytes. For a
 * FIN waiting in the loopback plug whose answers must not arrive. */
void ac_hold_drop_after_first(uint16_t from, uint16_t to);
/* Removes every hold; the held states proceed at the senders' next retransmission. */
void ac_hold_release(void);

/* Holds every packet sent over the namespace's loopback device (all of the test's traffic) in
 * a queue, in order, until ac_hold_unplug_loopback(). Unlike a drop rule this delays a segment
 * instead of losing it, so two FINs can cross "in flight" (simultaneous close). It is a
 * token-bucket qdisc (tbf, where the kernel has no netem or nft queue) whose bucket is emptied
 * at once by two large UDP datagrams to ourselves: the second waits for tokens (about 3 s at
 * the plug's rate, far longer than a test holds it) and everything sent after it waits behind
 * it. */
void ac_hold_plug_loopback(void);
/* Raises the bucket's rate to 1 GB/s and sends one more datagram, which makes the qdisc
 * dequeue: the held packets leave at once, in the order they were sent. */
void ac_hold_unplug_loopback(void);

/* Waits (bounded) until a socket matching m is in `state` AND its retransmission timer has
 * fired at least once (sock_diag's retrans count): proof that the state outlived a resent
 * segment, i.e. is held by the missing answer and not merely not yet left. Records the check
 * and fails the test with the socket table otherwise. Returns the socket as seen. */
struct ac_sockinfo ac_hold_expect_retransmitted(struct ac_about about, const char *what,
                                                const struct ac_match *m, int state,
                                                int timeout_ms);

/* Waits (bounded) until exactly `n` sockets match m. Returns the last count seen. */
int ac_hold_wait_count(const struct ac_match *m, int n, int timeout_ms);

#endif
