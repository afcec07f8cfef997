/* The existing-socket helper and the step names it shares with the probes. */
#include "../../harness/actest.h"
#include "../../fixtures/existing.h"
#include "../../fixtures/diag.h"
#include "../../fixtures/netns.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

Test(existing, step_text_names_address_and_options)
{
    char buf[200];
    ac_bind_step_text(buf, sizeof buf, "existing socket", "[::]:9999", AC_REUSEADDR | AC_V6ONLY);
    cr_assert_str_eq(buf, "existing socket: bind [::]:9999 SO_REUSEADDR IPV6_V6ONLY");
    ac_bind_step_text(buf, sizeof buf, "", "127.0.0.1:9999", AC_REUSEPORT | AC_V6DUAL);
    cr_assert_str_eq(buf, "bind 127.0.0.1:9999 SO_REUSEPORT dual-stack");
}

AC_TEST(existing, listening_socket_shows_in_sock_diag)
{
    int fd = ac_existing_socket(AC_SERVER_IP, 9999, 0, true);
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, 9999);
    struct ac_match m = {.states = AC_STATE_BIT(AC_LISTEN), .local = &at};
    ac_expect_int(AC_CLAIM(COUNT, "existing socket"), "listeners on 192.168.1.100:9999", 1,
                  ac_diag_count(&m));
    close(fd);
}

AC_TEST(existing, bound_socket_holds_the_port_without_listening)
{
    int fd = ac_existing_socket(AC_SERVER_IP, 9999, 0, false);
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, 9999);
    struct ac_match m = {.states = AC_STATE_BIT(AC_LISTEN), .local = &at};
    ac_expect_int(AC_CLAIM(COUNT, "existing socket"), "listeners on 192.168.1.100:9999", 0,
                  ac_diag_count(&m));
    int other = ac_setup_fd("socket", ac_tcp_socket(AF_INET, 0));
    ac_expect_errno(AC_CLAIM(BIND, "192.168.1.100:9999"), "a second socket's bind", EADDRINUSE,
                    ac_bind(other, &at));
    close(other);
    close(fd);
}
