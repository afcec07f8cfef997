/* The worker's side of a solo run (solo.h): what the test reports to the runner, through memory
 * the runner mapped before the fork. */
#ifndef AC_SOLO_WORKER_H
#define AC_SOLO_WORKER_H

#include <criterion/types.h>
#include <stdbool.h>

struct ac_solo_shared {
    int failed;  /* failed assertions */
    int skipped; /* cr_skip_test(): message holds the reason */
    int ended;   /* the test and its .fini returned */
    char message[16384];
};

/* Runs `t` of suite `s` in this (forked) process and exits: 0 at the end of the test, whatever
 * its verdict (that is in `shared`). */
__attribute__((noreturn)) void ac_solo_worker(const struct criterion_test *t,
                                              const struct criterion_suite *s,
                                              struct ac_solo_shared *shared, bool short_filename);

#endif
