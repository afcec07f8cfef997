/* How a scenario is declared. AC_TEST is Criterion's Test() with the scenario's fixture entered
 * first, inside the test body, so that a setup failure is reported with its message (in .init
 * Criterion would only say "crashed"). */
#ifndef AC_ACTEST_H
#define AC_ACTEST_H

#include "check.h"
#include "errname.h"
#include "record.h"
#include "sock.h"

#include <criterion/criterion.h>

/* Put at the start of a test's .description: ctest gets the label "slow" for it. */
#define AC_SLOW "[slow] "

/* The fixture every scenario starts in (a network namespace of its own) is the program's to
 * set: the harness knows no namespaces. ac_scenario_marker, as .init, marks a scenario (it needs
 * root or a user namespace); it does nothing. */
void ac_scenario_set_fixture(void (*enter)(void));
void ac_scenario_enter(void);
void ac_scenario_marker(void);

#define AC_TEST(suite, name, ...)                                                                  \
    static void suite##_##name##_body(void);                                                       \
    Test(suite, name, .init = ac_scenario_marker, ##__VA_ARGS__)                                   \
    {                                                                                              \
        ac_record_started();                                                                       \
        ac_scenario_enter();                                                                       \
        suite##_##name##_body();                                                                   \
        ac_record_completed();                                                                     \
    }                                                                                              \
    static void suite##_##name##_body(void)

#endif
