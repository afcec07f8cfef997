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

/* One TIME_WAIT read twice: `first` ms left right after it was made (too young for min_age),
 * then `later` ms left (old enough); its timer must be read as having started from start_ms. */
static void ages(uint32_t first, long start_ms, uint32_t later, int min_age)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(first)};
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 1, min_age, &start),
                  "%u ms left is not %d ms old", first, min_age);
    cr_assert_eq(start, start_ms, "the timer started from %ld ms, read %ld", start_ms, start);
    rows[0] = tw(later);
    cr_assert(ac_tw_all_older_than(&any_tw, rows, 1, min_age, &start), "%u ms left is %d ms old",
              later, min_age);
}

Test(diagwait, time_wait_of_30s_is_young_at_birth)
{
    ages(29996, 30000, 28900, 1100);
}

Test(diagwait, time_wait_of_60s_ages_from_60s)
{
    ages(59990, 60000, 59980, 20);
}

/* First seen 1.5 s after birth: the length reads as 59 s, so the age as 0.5 s too little: the
 * wait is longer than needed, never shorter. */
Test(diagwait, a_late_first_read_errs_on_the_long_side)
{
    ages(58500, 59000, 57900, 1100);
}

Test(diagwait, the_youngest_decides)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(58000), tw(59990)};
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 2, 500, &start),
                  "one is 2 s old, the other 10 ms");
    cr_assert_eq(start, 60000);
}

Test(diagwait, nothing_matching_is_not_old_enough)
{
    long start = 0;
    struct ac_sockinfo rows[] = {tw(1000)};
    rows[0].state = AC_FIN_WAIT2;
    cr_assert_not(ac_tw_all_older_than(&any_tw, rows, 1, 0, &start));
    cr_assert_eq(start, 0, "no length is read from a table without the sockets");
}
