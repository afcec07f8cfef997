/* How a scenario is declared. AC_TEST is Criterion's Test() with the per-test network fixture
 * run first, inside the test body, so that a setup failure is reported with its message (in
 * .init Criterion would only say "crashed"). */
#ifndef AC_ACTEST_H
#define AC_ACTEST_H

#include "check.h"
#include "diag.h"
#include "errname.h"
#include "netns.h"
#include "record.h"
#include "sock.h"

#include <criterion/criterion.h>

/* Put at the start of a test's .description: ctest gets the label "slow" for it. */
#define AC_SLOW "[slow] "

#define AC_TEST(suite, name, ...)                                                                  \
    static void suite##_##name##_body(void);                                                       \
    Test(suite, name, .init = ac_netns_marker, ##__VA_ARGS__)                                      \
    {                                                                                              \
        ac_record_started();                                                                       \
        ac_netns_enter();                                                                          \
        suite##_##name##_body();                                                                   \
        ac_record_completed();                                                                     \
    }                                                                                              \
    static void suite##_##name##_body(void)

#endif
