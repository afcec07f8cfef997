#include "actest.h"

static void (*scenario_fixture)(void);

void ac_scenario_set_fixture(void (*enter)(void))
{
    scenario_fixture = enter;
}

void ac_scenario_enter(void)
{
    if (!scenario_fixture)
        cr_assert_fail("harness: no scenario fixture: the program did not set one");
    scenario_fixture();
}
