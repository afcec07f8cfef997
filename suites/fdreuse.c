/* "A socket in TIME_WAIT has already given back its file descriptor" (the blog's claim 5).
 *
 * The blog's server, in a child process with a clean fd table so the numbers mean what they
 * mean there: fds 0-2 are the standard streams, 3 the listener, 4 an epoll instance, 5 the
 * accepted connection. The server closes 5 first; once sock_diag shows the connection in
 * TIME_WAIT with no inode (no file refers to it), the next accepted connection gets fd 5 again,
 * and the TIME_WAIT is still there after that accept(). The number comes back because a new
 * descriptor takes the lowest free number (alloc_fd() in fs/file.c; the fds suite's lowest_free
 * tests) and close() freed 5: TIME_WAIT holds no fd, which fds/time_wait_holds_no_fd_* shows
 * without relying on numbers. */
#define _GNU_SOURCE
#include "../harness/actest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#define PORT      9999
#define REPORT_FD 100 /* child -> test: "name value" lines */
#define ORDER_FD  101 /* test -> child: one byte means "accept the next connection" */

static void say(const char *name, int value)
{
    dprintf(REPORT_FD, "%s %d\n", name, value);
}

/* epoll_wait for the listener, then accept; -1 on timeout or error. */
static int accept_when_ready(int ep, int listener)
{
    struct epoll_event ev;
    if (epoll_wait(ep, &ev, 1, 5000) != 1)
        return -1;
    return accept(listener, NULL, NULL);
}

/* The blog's server. A helper child: it never asserts, it reports and _exit()s. */
static void seed_server(int report, int order)
{
    if (dup2(report, REPORT_FD) < 0 || dup2(order, ORDER_FD) < 0)
        _exit(3);
    close_range(3, REPORT_FD - 1, 0);
    close_range(ORDER_FD + 1, ~0U, 0);
    for (int fd = 0; fd < 3; fd++) /* the standard streams must exist for the layout to hold */
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(3);

    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    int listener = ac_tcp_socket(AF_INET, 0);
    if (listener < 0 || ac_bind(listener, &at) || ac_listen(listener, 16))
        _exit(4);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0)
        _exit(5);
    say("listener", listener);
    say("epoll", ep);

    int first = accept_when_ready(ep, listener);
    char buf[32];
    if (first < 0 || read(first, buf, sizeof buf) <= 0)
        _exit(6);
    say("accepted", first);
    close(first); /* active close: this end will be the TIME_WAIT */
    say("closed", first);

    char go;
    if (read(ORDER_FD, &go, 1) != 1)
        _exit(7);
    say("accepted_again", accept_when_ready(ep, listener));
    _exit(0);
}

/* Reads "name value" from the child; fails the test if the child went away instead. */
static int hear(FILE *from, const char *name)
{
    char got[32];
    int value;
    if (fscanf(from, "%31s %d", got, &value) != 2)
        cr_assert_fail("the seed server stopped before reporting '%s'", name);
    if (strcmp(got, name) != 0)
        cr_assert_fail("the seed server reported '%s' where '%s' was due", got, name);
    return value;
}

TestSuite(fdreuse, .description = "A TIME_WAIT socket is owned by the kernel, not by a file: it "
                                  "holds no file descriptor, and fd numbers are reused "
                                  "lowest-free.");

AC_TEST(fdreuse, seed_layout, .timeout = 20,
        .description = "close() gave fd 5 back at once and a new descriptor gets the lowest free "
                       "number, so the next accept() gets 5 again while the connection's "
                       "TIME_WAIT (inode 0: no file) still exists, before and after that "
                       "accept().")
{
    int report[2], order[2];
    ac_setup_ok("pipe", pipe2(report, O_CLOEXEC) ? errno : 0);
    ac_setup_ok("pipe", pipe2(order, O_CLOEXEC) ? errno : 0);
    fflush(NULL);
    pid_t pid = fork();
    ac_setup_ok("fork", pid < 0 ? errno : 0);
    if (pid == 0)
        seed_server(report[1], order[0]);
    close(report[1]);
    close(order[0]);
    FILE *from = fdopen(report[0], "r");

    ac_expect_int(AC_SETUP(FD, "listener"), "listener fd", 3, hear(from, "listener"));
    ac_expect_int(AC_SETUP(FD, "epoll instance"), "epoll fd", 4, hear(from, "epoll"));

    struct ac_addr server;
    ac_addr_parse(&server, AC_SERVER_IP, PORT);
    int client = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client connect", ac_connect(client, &server));
    ac_setup_ok("send hello", write(client, "hello server", 12) == 12 ? 0 : errno);
    ac_expect_int(AC_SETUP(FD, "server end"), "accepted fd", 5, hear(from, "accepted"));
    hear(from, "closed");
    char b;
    ac_setup_ok("client reads EOF", read(client, &b, 1) == 0 ? 0 : EIO);
    struct ac_addr client_end;
    ac_setup_ok("client address", ac_local_addr(client, &client_end));
    close(client);

    struct ac_match conn = {.local = &server, .remote = &client_end};
    struct ac_sockinfo tw =
        ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after close(5)", &conn,
                        AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    ac_expect_int(AC_CLAIM(FILE, "server end"),
                  "inode of the TIME_WAIT socket (0: no file refers to it)", 0, tw.inode);

    ac_setup_ok("order next accept", write(order[1], "n", 1) == 1 ? 0 : errno);
    int again = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("second client connect", ac_connect(again, &server));
    ac_expect_int(AC_CLAIM(FD, "next accepted socket"), "next accepted fd", 5,
                  hear(from, "accepted_again"));
    /* Still there after the accept() that reused 5 (and it was there before it): the number came
     * back while the TIME_WAIT existed. It cannot have left and come back: a TIME_WAIT is never
     * recreated, and the second client has a port of its own. */
    tw = ac_expect_state(AC_CLAIM(STATE, "server end"),
                         "server end's TIME_WAIT once the next accept() returned 5", &conn,
                         AC_TIME_WAIT, 0);
    ac_expect_int(AC_CLAIM(FILE, "server end"), "inode of that TIME_WAIT (0: no file refers to it)",
                  0, tw.inode);

    int status = 0;
    waitpid(pid, &status, 0);
    ac_setup_ok("seed server exit", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD);

    fclose(from);
    close(again);
    close(order[1]);
}
