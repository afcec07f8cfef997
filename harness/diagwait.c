#define _GNU_SOURCE
#include "diagwait.h"

#include <stddef.h>

/* The first socket matching m (and pred, if any), copied to *out. */
struct first {
    const struct ac_match *m;
    ac_sock_pred pred;
    void *arg;
    struct ac_sockinfo *out;
};

static bool found_first(const struct ac_sockinfo *rows, int n, void *arg)
{
    const struct first *f = arg;
    for (int i = 0; i < n; i++) {
        if (ac_diag_match(f->m, &rows[i]) && (!f->pred || f->pred(&rows[i], f->arg))) {
            if (f->out)
                *f->out = rows[i];
            return true;
        }
    }
    return false;
}

bool ac_diag_wait_until(const struct ac_match *m, ac_sock_pred pred, void *arg, int timeout_ms,
                        struct ac_sockinfo *out)
{
    struct first f = {.m = m, .pred = pred, .arg = arg, .out = out};
    return ac_diag_poll(found_first, &f, timeout_ms) > 0;
}

bool ac_diag_wait(const struct ac_match *m, int timeout_ms, struct ac_sockinfo *out)
{
    return ac_diag_wait_until(m, NULL, NULL, timeout_ms, out);
}

static bool none_left(const struct ac_sockinfo *rows, int n, void *arg)
{
    return !found_first(rows, n, arg);
}

bool ac_diag_wait_gone(const struct ac_match *m, int timeout_ms)
{
    struct first f = {.m = m};
    return ac_diag_poll(none_left, &f, timeout_ms) > 0;
}

struct at_least {
    const struct ac_match *m;
    int count;
};

static bool enough(const struct ac_sockinfo *rows, int n, void *arg)
{
    const struct at_least *w = arg;
    return ac_diag_matches(w->m, rows, n) >= w->count;
}

bool ac_diag_wait_count(const struct ac_match *m, int count, int timeout_ms)
{
    struct at_least w = {.m = m, .count = count};
    return ac_diag_poll(enough, &w, timeout_ms) > 0;
}

struct aged {
    struct ac_match tw;
    int min_age_ms;
};

static bool all_old_enough(const struct ac_sockinfo *rows, int n, void *arg)
{
    const struct aged *w = arg;
    int found = 0, young = 0;
    for (int i = 0; i < n; i++) {
        if (!ac_diag_match(&w->tw, &rows[i]))
            continue;
        found++;
        if ((long)AC_TIMEWAIT_LEN_MS - (long)rows[i].expires_ms < w->min_age_ms)
            young++;
    }
    return found > 0 && young == 0;
}

bool ac_tw_wait_older_than(const struct ac_match *m, int min_age_ms, int timeout_ms)
{
    struct aged w = {.tw = *m, .min_age_ms = min_age_ms};
    if (w.tw.states != AC_STATE_BIT(AC_FIN_WAIT2))
        w.tw.states = AC_STATE_BIT(AC_TIME_WAIT);
    return ac_diag_poll(all_old_enough, &w, timeout_ms) > 0;
}
