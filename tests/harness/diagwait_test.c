/* The age of a TIME_WAIT, as the tw_reuse tests wait for it: read from the length its timer
 * started from, never from an assumed 60 s (a kernel with a 30 s TIME_WAIT once made every
 * TIME_WAIT look 30 s old at birth, and the wait for tcp_tw_reuse was skipped). */
#include "../../fixtures/diagwait.h"

#include <criterion/criterion.h>

static const struct ac_match any_tw = {.states = AC_STATE_BIT(AC_TIME_WAIT)};

static struct ac_sockinfo tw(uint32_t expires_ms)
{
    return (struct ac_sockinfo){
        .family = AF_INET, .state = AC_TIME_WAIT, .timer = 3, .expires_ms = expires_ms};
}

Test(diagwait, time_wait_of_30s_is_young_at_birth)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(29996)};
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 1, 1100, &start),
                  "4 ms into a 30 s TIME_WAIT is not 1.1 s old");
    cr_assert_eq(start, 30000, "the timer started from 30 s, read %ld", start);
    rows[0] = tw(28900);
    cr_assert(ac_tw_all_older_than(&any_tw, rows, 1, 1100, &start), "1.1 s later it is");
}

Test(diagwait, time_wait_of_60s_ages_from_60s)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(59990)};
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 1, 20, &start));
    cr_assert_eq(start, 60000);
    rows[0] = tw(59980);
    cr_assert(ac_tw_all_older_than(&any_tw, rows, 1, 20, &start));
}

Test(diagwait, the_youngest_decides)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(58000), tw(59990)};
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 2, 500, &start),
                  "one is 2 s old, the other 10 ms");
    cr_assert_eq(start, 60000);
}

/* First seen 1.5 s after birth: the length reads as 59 s, so the age as 0.5 s too little: the
 * wait is longer than needed, never shorter. */
Test(diagwait, a_late_first_read_errs_on_the_long_side)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(58500)};
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 1, 1100, &start));
    cr_assert_eq(start, 59000);
    rows[0] = tw(57900);
    cr_assert(ac_tw_all_older_than(&any_tw, rows, 1, 1100, &start));
}

Test(diagwait, nothing_matching_is_not_old_enough)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(1000)};
    rows[0].state = AC_FIN_WAIT2;
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 1, 0, &start));
    cr_assert_eq(start, 0, "no length is read from a table without the sockets");
}
