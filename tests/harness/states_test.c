/* The state builder (fixtures/states.h) beyond the IPv4 matrix that uses it: every kind is
 * reached on IPv6 too (the nft rules match on ports only, the bound-only dump takes either
 * family), and the kinds map to the states sock_diag reports. */
#include "../../harness/actest.h"
#include "../../fixtures/states.h"

#include <string.h>

Test(states, kinds_name_the_states_sock_diag_reports)
{
    cr_assert_str_eq(ac_state_kind_name(AC_HOLD_FIN_WAIT2_ORPHAN), "fin_wait2_orphan");
    cr_assert_eq(ac_state_kind_tcp_state(AC_HOLD_FIN_WAIT2_ORPHAN), AC_FIN_WAIT2);
    cr_assert_eq(ac_state_kind_tcp_state(AC_HOLD_FIN_WAIT2_SHUTDOWN), AC_FIN_WAIT2);
    cr_assert_eq(ac_state_kind_tcp_state(AC_HOLD_BOUND), AC_CLOSE);
    for (int k = AC_HOLD_BOUND; k <= AC_HOLD_TIME_WAIT; k++) {
        cr_assert_not_null(ac_state_kind_name(k));
        cr_assert_neq(strcmp(ac_tcp_state_name(ac_state_kind_tcp_state(k)), "UNKNOWN"), 0);
    }
}

#define IPV6_KINDS(X)                                                                              \
    X(bound, AC_HOLD_BOUND)                                                                        \
    X(listen, AC_HOLD_LISTEN)                                                                      \
    X(established, AC_HOLD_ESTABLISHED)                                                            \
    X(close_wait, AC_HOLD_CLOSE_WAIT)                                                              \
    X(fin_wait1, AC_HOLD_FIN_WAIT1)                                                                \
    X(fin_wait2_orphan, AC_HOLD_FIN_WAIT2_ORPHAN)                                                  \
    X(fin_wait2_shutdown, AC_HOLD_FIN_WAIT2_SHUTDOWN)                                              \
    X(last_ack, AC_HOLD_LAST_ACK)                                                                  \
    X(closing, AC_HOLD_CLOSING)                                                                    \
    X(time_wait, AC_HOLD_TIME_WAIT)

#define X(name, k)                                                                                 \
    AC_TEST(states, ipv6_loopback_##name##_is_held)                                                \
    {                                                                                              \
        struct ac_held h;                                                                          \
        struct ac_state_spec spec = {.kind = k, .ip = "::1", .port = 9999};                        \
        ac_state_hold(&h, &spec);                                                                  \
        ac_expect_str(AC_CLAIM(ADDRESS, "held socket"), "held socket's address", "[::1]:9999",     \
                      h.local.text);                                                               \
        ac_state_expect_still(&h);                                                                 \
    }
IPV6_KINDS(X)
#undef X
