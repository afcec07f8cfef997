/* sock_diag reads and bounded waits, in a namespace of their own. */
#include "../../harness/actest.h"
#include "../../fixtures/diagwait.h"
#include "../../fixtures/expect_state.h"
#include "../../fixtures/netns.h"

#include <stdio.h>
#include <unistd.h>

AC_TEST(diag, sees_listener_with_its_address)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, 9999);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("bind", ac_bind(fd, &at));
    ac_setup_ok("listen", ac_listen(fd, 1));
    struct ac_match m = {.states = AC_STATE_BIT(AC_LISTEN), .local = &at};
    struct ac_sockinfo s =
        ac_expect_state(AC_CLAIM(STATE, "listener"), "listener", &m, AC_LISTEN, 1000);
    ac_expect_str(AC_CLAIM(ADDRESS, "listener"), "listener's local address in the table",
                  "192.168.1.100:9999", s.local.text);
    cr_assert_neq(s.inode, 0, "a listener has a file, so an inode");
    char table[4096];
    ac_diag_format_table(table, sizeof table);
    cr_assert(strstr(table, "LISTEN      192.168.1.100:9999"), "table:\n%s", table);
    close(fd);
}

AC_TEST(diag, wait_honours_its_deadline)
{
    struct ac_addr nowhere;
    ac_addr_parse(&nowhere, AC_SERVER_IP, 1);
    struct ac_match m = {.states = AC_STATE_BIT(AC_TIME_WAIT), .local = &nowhere};
    int64_t start = ac_now_ms();
    bool found = ac_diag_wait(&m, 200, NULL);
    int64_t took = ac_now_ms() - start;
    ac_expect_state_name(AC_CLAIM(STATE, "192.168.1.100:1"), "TIME_WAIT after a 200 ms wait",
                         "absent", found ? "TIME_WAIT" : "absent");
    cr_assert_geq(took, 200, "returned after %lld ms, before its deadline", (long long)took);
    /* Not a speed target: a wait that overshoots by seconds has lost track of its deadline. */
    cr_assert_lt(took, 2200, "returned after %lld ms, 2 s past its deadline", (long long)took);
}

AC_TEST(diag, wait_gone_returns_at_once_when_nothing_matches)
{
    struct ac_match m = {.states = AC_ALL_STATES};
    ac_expect_gone(AC_CLAIM(STATE, "any TCP socket"), "no TCP socket in a new namespace", &m, 0);
}

AC_TEST(diag, port_zero_matches_any_port)
{
    struct ac_addr any_port, at;
    ac_addr_parse(&any_port, AC_LOOPBACK_IP, 0);
    ac_addr_parse(&at, AC_LOOPBACK_IP, 4242);
    int fd = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("bind", ac_bind(fd, &at));
    ac_setup_ok("listen", ac_listen(fd, 1));
    struct ac_match m = {.states = AC_STATE_BIT(AC_LISTEN), .local = &any_port};
    ac_expect_int(AC_CLAIM(COUNT, "127.0.0.1:0"), "listeners matching 127.0.0.1, any port", 1,
                  ac_diag_count(&m));
    close(fd);
}

/* libnl's idiag cache keys sockets by addresses and ports and kept only one of several
 * SO_REUSEPORT listeners; the table must show each socket the kernel reports. */
AC_TEST(diag, sees_every_listener_sharing_a_port)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, 9999);
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = ac_setup_fd("socket", ac_tcp_socket(AF_INET, AC_REUSEPORT));
        ac_setup_ok("bind", ac_bind(fds[i], &at));
        ac_setup_ok("listen", ac_listen(fds[i], 1));
    }
    struct ac_match m = {.states = AC_STATE_BIT(AC_LISTEN), .local = &at};
    ac_expect_int(AC_CLAIM(COUNT, "192.168.1.100:9999"), "SO_REUSEPORT listeners in the table", 3,
                  ac_diag_count(&m));
    for (int i = 0; i < 3; i++)
        close(fds[i]);
}

/* One read answers for both families (the kernel's old dump request, inet_diag_dump_compat(),
 * is for AF_UNSPEC): a wait for an IPv6 socket that never saw one would say "gone" at once. */
AC_TEST(diag, one_read_sees_ipv4_and_ipv6, .description = "IPv4 rows come first, then IPv6.")
{
    struct ac_addr v4, v6;
    ac_addr_parse(&v4, AC_LOOPBACK_IP, 4242);
    ac_addr_parse(&v6, "::1", 4243);
    int fd6 = ac_setup_fd("socket", ac_tcp_socket(AF_INET6, 0));
    ac_setup_ok("bind ::1", ac_bind(fd6, &v6));
    ac_setup_ok("listen", ac_listen(fd6, 1));
    int fd4 = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("bind 127.0.0.1", ac_bind(fd4, &v4));
    ac_setup_ok("listen", ac_listen(fd4, 1));
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    ac_expect_int(AC_CLAIM(COUNT, "listeners"), "listeners in one read", 2, n);
    cr_assert_eq(n, 2);
    char order[160];
    snprintf(order, sizeof order, "%s %s", rows[0].local.text, rows[1].local.text);
    ac_expect_str(AC_CLAIM(ADDRESS, "rows"), "rows in order", "127.0.0.1:4242 [::1]:4243", order);
    close(fd4);
    close(fd6);
}
