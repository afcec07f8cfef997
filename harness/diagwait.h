/* Bounded waits on what sock_diag says: a socket in a state, or gone, and beyond its state its
 * timer, its retransmission count, the age of a TIME_WAIT. All of them are ac_diag_poll() with a
 * condition (no sleeps: the kernel's own table is read until it says yes or the deadline
 * passes). */
#ifndef AC_DIAGWAIT_H
#define AC_DIAGWAIT_H

#include "diag.h"

#include <stdbool.h>

/* TCP_TIMEWAIT_LEN (include/net/tcp.h): a TIME_WAIT's timer starts at 60 s on every kernel. */
#define AC_TIMEWAIT_LEN_MS 60000

/* Polls until a socket matches (found, copied to *out if non-NULL) or timeout_ms passes.
 * Returns true if found. */
bool ac_diag_wait(const struct ac_match *m, int timeout_ms, struct ac_sockinfo *out);
/* Polls until no socket matches. Returns true if none is left. */
bool ac_diag_wait_gone(const struct ac_match *m, int timeout_ms);

/* A condition on one socket; arg is passed through. */
typedef bool (*ac_sock_pred)(const struct ac_sockinfo *s, void *arg);

/* Polls until a socket matching m also satisfies pred (copied to *out if non-NULL), or until
 * timeout_ms passes. Returns true if found. */
bool ac_diag_wait_until(const struct ac_match *m, ac_sock_pred pred, void *arg, int timeout_ms,
                        struct ac_sockinfo *out);

/* Polls until at least `count` sockets match m. Returns true if they did in time. */
bool ac_diag_wait_count(const struct ac_match *m, int count, int timeout_ms);

/* Polls until every TIME_WAIT socket matching m (at least one) has been in TIME_WAIT for at
 * least min_age_ms, by the kernel's own timer: age = AC_TIMEWAIT_LEN_MS - time left. Only for
 * sockets whose 60 s timer started when they entered TIME_WAIT (true for all of them but the
 * FIN_WAIT2 mini-sockets, which sock_diag shows as FIN_WAIT2). When m->states is exactly
 * FIN_WAIT2 it ages those mini-sockets instead: their timer is tcp_fin_timeout, so this holds
 * only while that is the default 60 s. Returns true if so in time. */
bool ac_tw_wait_older_than(const struct ac_match *m, int min_age_ms, int timeout_ms);

#endif
