/* Test names that cannot contradict their rows.
 *
 * A table row gives a name stem and the result it expects (0 or an errno); the test is named
 * <stem>_succeeds for 0 and <stem>_fails for an errno, pasted from that expected value, so that
 * a row cannot say "_fails" and expect 0.
 *
 * The preprocessor can paste tokens but not compare values, so the suffix comes from a map with
 * one entry per errno. The entries are keyed on the errno's number, not its name: by the time a
 * row's EADDRINUSE reaches the pasting macro, through however many X-macro levels, it has
 * become 98. #if, which can compare, ties each number to its name. An errno without an entry
 * leaves AC_OUTCOME_<n>(stem) in the name, which does not compile: add the entry here. */
#ifndef AC_OUTCOME_H
#define AC_OUTCOME_H

#include "actest.h"

#include <errno.h>

#if EADDRINUSE != 98
#error "AC_OUTCOME_98 below stands for EADDRINUSE"
#endif

#define AC_OUTCOME_0(stem)  stem##_succeeds
#define AC_OUTCOME_98(stem) stem##_fails /* EADDRINUSE */

/* The name, for an `expected` that is 0, an errno or a macro that expands to one. */
#define AC_OUTCOME_NAME(stem, expected)  AC_OUTCOME_NAME_(stem, expected)
#define AC_OUTCOME_NAME_(stem, expected) AC_OUTCOME_##expected(stem)

/* AC_TEST(suite, <stem>_succeeds or <stem>_fails, ...), whose struct ac_meta states the same
 * `expected`; AC_TEST_OUTCOME_WITH adds more facts, in parentheses, as AC_TEST_WITH does. AC_TEST
 * pastes its name argument unexpanded, so the name is expanded one level up. */
#define AC_TEST_OUTCOME(suite, stem, expected, ...)                                                \
    AC_TEST_OUTCOME_WITH(suite, stem, expected, (), __VA_ARGS__)
#define AC_TEST_OUTCOME_WITH(suite, stem, expected, meta, ...)                                     \
    AC_TEST_OUTCOME_(suite, AC_OUTCOME_NAME(stem, expected), expected, meta, __VA_ARGS__)
#define AC_TEST_OUTCOME_(suite, name, result, meta, ...)                                           \
    AC_TEST_WITH(suite, name, (.has_expected = true, .expected = (result), AC_META_FIELDS_ meta),  \
                 __VA_ARGS__)

#endif
