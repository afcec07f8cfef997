/* "Address already in use" with no TIME_WAIT at all: the listener is still open, in another
 * process that inherited its descriptor.
 *
 * A socket is released when the last descriptor referring to its file goes (sock_close() from
 * __fput() on the last reference: inet_release() -> tcp_close(), which takes a listener to
 * CLOSE and gives the port back). fork() duplicates every descriptor (dup_fd()), so a child
 * keeps the listener open after the parent closed its copy; execve() closes only the
 * descriptors marked close-on-exec (do_close_on_exec(), fs/file.c), so a program started from
 * such a child keeps an unmarked listener for as long as it runs. SOCK_CLOEXEC marks it at
 * socket(). Same code in every kernel of the matrix.
 *
 * The helper child never asserts and always _exit()s; the program it may exec is /bin/cat
 * reading a pipe, which ends when the test closes that pipe. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../harness/probe.h"
#include "../fixtures/diag.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define PORT 9999

TestSuite(inherit, .description = "A listener lives as long as any process holds a descriptor "
                                  "for it: a forked child, or a program it exec()s unless the "
                                  "descriptor is close-on-exec, keeps the port after the parent "
                                  "closes its own copy.");

struct holder {
    pid_t pid;
    int release; /* write end: closing it lets the child (or cat) finish */
};

/* Starts a child that holds whatever it inherited until `release` is closed; with exec_cat it
 * exec()s /bin/cat on the pipe first. Returns once the child is running (for exec: once the
 * exec succeeded, known from an O_CLOEXEC pipe that the exec closes). */
static struct holder start_holder(bool exec_cat)
{
    int hold[2], execd[2];
    ac_setup_ok("pipe", pipe2(hold, O_CLOEXEC) ? errno : 0);
    ac_setup_ok("pipe", pipe2(execd, O_CLOEXEC) ? errno : 0);
    pid_t pid = ac_setup_fork();
    if (pid == 0) {
        close(hold[1]);
        close(execd[0]);
        if (exec_cat) {
            if (dup2(hold[0], 0) < 0)
                _exit(3);
            execl("/bin/cat", "cat", (char *)NULL);
            int err = errno;
            if (write(execd[1], &err, sizeof err) < 0)
                _exit(4);
            _exit(5);
        }
        close(execd[1]); /* running: report it as an exec would */
        char b;
        while (read(hold[0], &b, 1) > 0)
            ;
        _exit(0);
    }
    close(hold[0]);
    close(execd[1]);
    int err = 0;
    ssize_t n = read(execd[0], &err, sizeof err);
    close(execd[0]);
    ac_setup_ok("the helper child runs (exec /bin/cat where asked)", n == 0 ? 0 : err ? err : EIO);
    return (struct holder){.pid = pid, .release = hold[1]};
}

static void stop_holder(struct holder *h)
{
    close(h->release);
    int status = 0;
    waitpid(h->pid, &status, 0);
    ac_setup_ok("helper child exit", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD);
}

/* A listener on 192.168.1.100:9999, close-on-exec or not. */
static int listener(bool cloexec)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    int fd = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    if (!cloexec)
        ac_setup_ok("clear FD_CLOEXEC", fcntl(fd, F_SETFD, 0) ? errno : 0);
    ac_setup_ok("listener bind", ac_bind(fd, &at));
    ac_setup_ok("listener listen", ac_listen(fd, 16));
    return fd;
}

static void expect_listeners(enum ac_role role, int n, const char *what)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    struct ac_match m = {.states = AC_STATE_BIT(AC_LISTEN), .local = &at};
    struct ac_about listeners = {AC_KIND_COUNT, role, "listener"};
    ac_expect_int(listeners, what, n, ac_diag_count(&m));
}

static void parent_closes_then_probe(bool exec_cat, bool cloexec, int expected)
{
    int l = listener(cloexec);
    struct holder h = start_holder(exec_cat);
    close(l); /* the parent's copy: the "server stopped" */
    expect_listeners(AC_ROLE_CLAIM, expected ? 1 : 0,
                     "LISTEN sockets on 192.168.1.100:9999 after the parent's "
                     "close(), the child running");
    int fd = ac_probe_bind(AC_ROLE_CLAIM, AC_SERVER_IP, PORT, 0, expected);
    if (fd >= 0)
        close(fd);
    stop_holder(&h);
    /* The last holder is gone: whatever it held is released with it. Not the claim (which is
     * about the time the child runs), only the end of the story. */
    expect_listeners(AC_ROLE_SETUP, 0,
                     "LISTEN sockets on 192.168.1.100:9999 after the child exited");
    fd = ac_probe_bind(AC_ROLE_SETUP, AC_SERVER_IP, PORT, 0, 0);
    close(fd);
}

AC_TEST_WITH(inherit, forked_child_keeps_listener_after_parent_closes_bind_fails, (.helpers = 1),
             .description =
                 "fork() gives the child its own descriptor for the listener, so the "
                 "parent's close() does not release it: the port stays in use (EADDRINUSE) "
                 "until the child exits, then binds.")
{
    parent_closes_then_probe(false, true, EADDRINUSE);
}

AC_TEST_WITH(inherit, exec_without_cloexec_keeps_listener_bind_fails, (.helpers = 1),
             .description =
                 "execve() keeps every descriptor not marked close-on-exec, so a program "
                 "the child runs holds the listener: EADDRINUSE until that program exits.")
{
    parent_closes_then_probe(true, false, EADDRINUSE);
}

AC_TEST_WITH(inherit, exec_with_cloexec_releases_listener_bind_succeeds, (.helpers = 1),
             .description =
                 "A listener created with SOCK_CLOEXEC is closed by the child's execve(), "
                 "so once the parent closes its copy the port is free while the program "
                 "still runs.")
{
    parent_closes_then_probe(true, true, 0);
}
