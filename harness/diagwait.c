#define _GNU_SOURCE
#include "diagwait.h"

#include <poll.h>
#include <stddef.h>
#include <string.h>

#define MAX_SOCKETS 4096

static struct ac_sockinfo table[MAX_SOCKETS];

/* Same yield as diag.c between two reads of the table: it lets the softirq and the timers that
 * change the table run; it is the poll interval, not a wait for the condition itself. */
static void backoff(int *interval_ms)
{
    poll(NULL, 0, *interval_ms);
    if (*interval_ms < 10)
        (*interval_ms)++;
}

static bool addr_matches(const struct ac_addr *want, const struct ac_addr *have)
{
    if (!want)
        return true;
    if (ac_addr_port(want) != 0 && ac_addr_port(want) != ac_addr_port(have))
        return false;
    if (want->ss.ss_family != have->ss.ss_family)
        return false;
    if (want->ss.ss_family == AF_INET)
        return ((const struct sockaddr_in *)&want->ss)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)&have->ss)->sin_addr.s_addr;
    return memcmp(&((const struct sockaddr_in6 *)&want->ss)->sin6_addr,
                  &((const struct sockaddr_in6 *)&have->ss)->sin6_addr, 16) == 0;
}

static bool sock_matches(const struct ac_match *m, const struct ac_sockinfo *s)
{
    return (m->states & AC_STATE_BIT(s->state)) && addr_matches(m->local, &s->local) &&
           addr_matches(m->remote, &s->remote);
}

/* Reads the table; returns the number of entries stored, or -1 on a read error. */
static int read_table(void)
{
    int n = ac_diag_snapshot(table, MAX_SOCKETS);
    if (n < 0)
        return -1;
    return n < MAX_SOCKETS ? n : MAX_SOCKETS;
}

bool ac_diag_wait_until(const struct ac_match *m, ac_sock_pred pred, void *arg, int timeout_ms,
                        struct ac_sockinfo *out)
{
    int64_t deadline = ac_now_ms() + timeout_ms;
    int interval = 0;
    for (;;) {
        int n = read_table();
        if (n < 0)
            return false;
        for (int i = 0; i < n; i++) {
            if (sock_matches(m, &table[i]) && pred(&table[i], arg)) {
                if (out)
                    *out = table[i];
                return true;
            }
        }
        if (ac_now_ms() >= deadline)
            return false;
        backoff(&interval);
    }
}

bool ac_diag_wait_count(const struct ac_match *m, int count, int timeout_ms)
{
    int64_t deadline = ac_now_ms() + timeout_ms;
    int interval = 0;
    for (;;) {
        int n = ac_diag_count(m);
        if (n < 0)
            return false;
        if (n >= count)
            return true;
        if (ac_now_ms() >= deadline)
            return false;
        backoff(&interval);
    }
}

bool ac_tw_wait_older_than(const struct ac_match *m, int min_age_ms, int timeout_ms)
{
    struct ac_match tw = *m;
    tw.states = AC_STATE_BIT(AC_TIME_WAIT);
    int64_t deadline = ac_now_ms() + timeout_ms;
    int interval = 0;
    for (;;) {
        int n = read_table();
        if (n < 0)
            return false;
        int found = 0, young = 0;
        for (int i = 0; i < n; i++) {
            if (!sock_matches(&tw, &table[i]))
                continue;
            found++;
            if ((long)AC_TIMEWAIT_LEN_MS - (long)table[i].expires_ms < min_age_ms)
                young++;
        }
        if (found > 0 && young == 0)
            return true;
        if (ac_now_ms() >= deadline)
            return false;
        backoff(&interval);
    }
}
