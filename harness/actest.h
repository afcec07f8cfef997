/* How a scenario is declared. AC_TEST is Criterion's Test() with the scenario's fixture entered
 * first, inside the test body, so that a setup failure is reported with its message (in .init
 * Criterion would only say "crashed"). */
#ifndef AC_ACTEST_H
#define AC_ACTEST_H

#include "check.h"
#include "errname.h"
#include "meta.h"
#include "record.h"
#include "sock.h"

#include <criterion/criterion.h>

/* The fixture every scenario starts in (a network namespace of its own) is the program's to
 * set: the harness knows no namespaces. */
void ac_scenario_set_fixture(void (*enter)(void));
void ac_scenario_enter(void);

/* AC_TEST(suite, name, Criterion's fields...): a scenario (struct ac_meta .scenario). */
#define AC_TEST(suite, name, ...) AC_TEST_WITH(suite, name, (), ##__VA_ARGS__)

/* AC_TEST with more facts for its struct ac_meta, in parentheses: (.slow = true). */
#define AC_TEST_WITH(suite, name, meta, ...)                                                       \
    static const struct ac_meta suite##_##name##_acmeta = {.scenario = true,                       \
                                                           AC_META_FIELDS_ meta};                  \
    static void suite##_##name##_body(void);                                                       \
    Test(suite, name, .data = (void *)&suite##_##name##_acmeta, ##__VA_ARGS__)                     \
    {                                                                                              \
        ac_record_started();                                                                       \
        ac_scenario_enter();                                                                       \
        suite##_##name##_body();                                                                   \
        ac_record_completed();                                                                     \
    }                                                                                              \
    static void suite##_##name##_body(void)
#define AC_META_FIELDS_(...) __VA_ARGS__

#endif
