#define _GNU_SOURCE
#include "conn.h"

#include "check.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static const char hello[] = "hello server";

/* errno for a failed or short send/recv (a short one has no errno of its own). */
static int io_error(ssize_t n)
{
    return n < 0 ? errno : EIO;
}

void ac_conn_open(struct ac_conn *c, const char *listen_ip, const char *connect_ip, uint16_t port,
                  unsigned listener_opts)
{
    struct ac_addr at, to;
    memset(c, 0, sizeof *c);
    ac_setup_ok("parse listen address", ac_addr_parse(&at, listen_ip, port) ? EINVAL : 0);
    ac_setup_ok("parse connect address", ac_addr_parse(&to, connect_ip, port) ? EINVAL : 0);

    c->listener = ac_setup_fd("listener socket", ac_tcp_socket(ac_addr_family(&at), listener_opts));
    ac_setup_ok("listener bind", ac_bind(c->listener, &at));
    ac_setup_ok("listener listen", ac_listen(c->listener, 16));

    c->client = ac_setup_fd("client socket", ac_tcp_socket(ac_addr_family(&to), 0));
    ac_setup_ok("client connect", ac_connect(c->client, &to));
    int s = accept4(c->listener, NULL, NULL, SOCK_CLOEXEC);
    c->server = ac_setup_fd("accept", s < 0 ? -errno : s);
    ssize_t n = send(c->client, hello, sizeof hello - 1, 0);
    ac_setup_ok("send hello", n == (ssize_t)(sizeof hello - 1) ? 0 : io_error(n));
    char buf[sizeof hello];
    n = recv(c->server, buf, sizeof buf - 1, MSG_WAITALL);
    ac_setup_ok("receive hello", n == (ssize_t)(sizeof hello - 1) ? 0 : io_error(n));
    ac_setup_ok("local address of server end", ac_local_addr(c->server, &c->server_end));
    ac_setup_ok("local address of client", ac_local_addr(c->client, &c->client_end));
}

struct ac_match ac_conn_server_match(const struct ac_conn *c)
{
    return (struct ac_match){.local = &c->server_end, .remote = &c->client_end};
}

struct ac_sockinfo ac_conn_server_closes_first(struct ac_conn *c, bool close_listener)
{
    close(c->server);
    c->server = -1;
    /* The client sees EOF (the server's FIN) before it closes: the order of the blog's steps. */
    char b;
    ssize_t n = recv(c->client, &b, 1, 0);
    ac_setup_ok("client reads EOF", n == 0 ? 0 : io_error(n));
    close(c->client);
    c->client = -1;
    if (close_listener) {
        close(c->listener);
        c->listener = -1;
    }
    struct ac_match server = ac_conn_server_match(c);
    struct ac_sockinfo tw =
        ac_expect_state(AC_SETUP(STATE, "server end"), "server end after active close", &server,
                        AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    /* The client's end (LAST_ACK until the server's ACK lands) must be gone too, so the only
     * socket left on the port is the one the scenario is about. */
    struct ac_match client = {.states = AC_ALL_STATES, .local = &c->client_end};
    ac_expect_gone(AC_SETUP(STATE, "client end"), "client end closed", &client,
                   AC_STATE_TIMEOUT_MS);
    return tw;
}
