#define _GNU_SOURCE
#include "diagwait.h"

#include <poll.h>
#include <stddef.h>
#include <string.h>

#define MAX_SOCKETS 4096

static struct ac_sockinfo table[MAX_SOCKETS];

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
            if (ac_diag_match(m, &table[i]) && pred(&table[i], arg)) {
                if (out)
                    *out = table[i];
                return true;
            }
        }
        if (ac_now_ms() >= deadline)
            return false;
        ac_diag_backoff(&interval);
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
        ac_diag_backoff(&interval);
    }
}

bool ac_tw_wait_older_than(const struct ac_match *m, int min_age_ms, int timeout_ms)
{
    struct ac_match tw = *m;
    if (tw.states != AC_STATE_BIT(AC_FIN_WAIT2))
        tw.states = AC_STATE_BIT(AC_TIME_WAIT);
    int64_t deadline = ac_now_ms() + timeout_ms;
    int interval = 0;
    for (;;) {
        int n = read_table();
        if (n < 0)
            return false;
        int found = 0, young = 0;
        for (int i = 0; i < n; i++) {
            if (!ac_diag_match(&tw, &table[i]))
                continue;
            found++;
            if ((long)AC_TIMEWAIT_LEN_MS - (long)table[i].expires_ms < min_age_ms)
                young++;
        }
        if (found > 0 && young == 0)
            return true;
        if (ac_now_ms() >= deadline)
            return false;
        ac_diag_backoff(&interval);
    }
}
