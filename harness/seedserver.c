#define _GNU_SOURCE
#include "seedserver.h"

#include "netns.h"
#include "check.h"
#include "record.h"
#include "sock.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPORT_FD 100 /* child -> test: "name value" lines */
#define ORDER_FD  101 /* test -> child: one byte per order */

void ac_seed_say(const char *name, int value)
{
    dprintf(REPORT_FD, "%s %d\n", name, value);
}

bool ac_seed_wait_order(void)
{
    char go;
    return read(ORDER_FD, &go, 1) == 1;
}

/* The child: the clean table, the layout, then the server's own steps. */
static void child(int report, int order, uint16_t port, int backlog, ac_seed_serve serve)
{
    if (dup2(report, REPORT_FD) < 0 || dup2(order, ORDER_FD) < 0)
        _exit(3);
    close_range(3, REPORT_FD - 1, 0);
    close_range(ORDER_FD + 1, ~0U, 0);
    for (int fd = 0; fd < 3; fd++) /* the standard streams must exist for the layout to hold */
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
            _exit(3);

    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, port);
    int listener = ac_tcp_socket(AF_INET, 0);
    if (listener < 0 || ac_bind(listener, &at) || ac_listen(listener, backlog))
        _exit(4);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener}; /* level-triggered */
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev) != 0)
        _exit(5);
    ac_seed_say("listener", listener);
    ac_seed_say("epoll", ep);
    serve(listener, ep);
    _exit(0); /* never return into the test's code */
}

void ac_seed_start(struct ac_seed *s, uint16_t port, int backlog, ac_seed_serve serve)
{
    int report[2], order[2];
    ac_setup_ok("pipe", pipe2(report, O_CLOEXEC) ? errno : 0);
    ac_setup_ok("pipe", pipe2(order, O_CLOEXEC) ? errno : 0);
    fflush(NULL);
    pid_t pid = fork();
    ac_setup_ok("fork", pid < 0 ? errno : 0);
    if (pid == 0)
        child(report[1], order[0], port, backlog, serve);
    close(report[1]);
    close(order[0]);
    s->pid = pid;
    s->reports = fdopen(report[0], "r");
    s->orders = order[1];
    ac_expect_int(AC_SETUP(FD, "listener"), "listener fd", 3, ac_seed_hear(s, "listener"));
    ac_expect_int(AC_SETUP(FD, "epoll instance"), "epoll fd", 4, ac_seed_hear(s, "epoll"));
}

int ac_seed_hear(struct ac_seed *s, const char *name)
{
    char got[32];
    int value;
    if (fscanf(s->reports, "%31s %d", got, &value) != 2)
        cr_assert_fail("the seed server stopped before reporting '%s'", name);
    if (strcmp(got, name) != 0)
        cr_assert_fail("the seed server reported '%s' where '%s' was due", got, name);
    return value;
}

void ac_seed_order(struct ac_seed *s, const char *step, char byte)
{
    ac_setup_ok(step, write(s->orders, &byte, 1) == 1 ? 0 : errno);
}

void ac_seed_finish(struct ac_seed *s)
{
    int status = 0;
    waitpid(s->pid, &status, 0);
    ac_setup_ok("seed server exit", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD);
    fclose(s->reports);
    close(s->orders);
}
