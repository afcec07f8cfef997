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
#include "../fixtures/seedserver.h"
#include "../fixtures/diag.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define PORT 9999

/* The blog's server, in the seed server's helper child (fixtures/seedserver.h): it never
 * asserts, it reports and _exit()s. Its one order means "accept the next connection". */
static void seed_server(int listener, int ep)
{
    int first = ac_seed_accept(listener, ep);
    char buf[32];
    if (first < 0 || read(first, buf, sizeof buf) <= 0)
        _exit(6);
    ac_seed_say("accepted", first);
    close(first); /* active close: this end will be the TIME_WAIT */
    ac_seed_say("closed", first);

    if (!ac_seed_wait_order())
        _exit(7);
    int again = ac_seed_accept(listener, ep);
    ac_seed_say("accepted_again", again);
    /* The inode behind the reused number, for the test to find in sock_diag; the connection
     * stays open until the test has looked. */
    struct stat st;
    ac_seed_say("inode", again >= 0 && fstat(again, &st) == 0 ? (int)st.st_ino : 0);
    ac_seed_wait_order();
    _exit(0);
}

TestSuite(fdreuse, .description = "A TIME_WAIT socket is owned by the kernel, not by a file: it "
                                  "holds no file descriptor, and fd numbers are reused "
                                  "lowest-free.");

AC_TEST_WITH(fdreuse, seed_layout, (.nofile = AC_CHILD_NOFILE, .helpers = 1), .timeout = 20,
             .description =
                 "close() gave fd 5 back at once and a new descriptor gets the lowest free "
                 "number, so the next accept() gets 5 again while the connection's "
                 "TIME_WAIT (inode 0: no file) still exists, before and after that "
                 "accept(); the second connection is the one ESTABLISHED socket on the "
                 "port, and its inode in sock_diag is the one fd 5 refers to.")
{
    struct ac_seed seed;
    ac_seed_start(&seed, PORT, 16, seed_server);

    int client = ac_seed_connect(&seed);
    ac_setup_ok("send hello", write(client, "hello server", 12) == 12 ? 0 : errno);
    ac_expect_int(AC_SETUP(FD, "server end"), "accepted fd", 5, ac_seed_hear(&seed, "accepted"));
    ac_seed_hear(&seed, "closed");
    char b;
    ac_setup_ok("client reads EOF", read(client, &b, 1) == 0 ? 0 : EIO);
    struct ac_addr client_end;
    ac_setup_ok("client address", ac_local_addr(client, &client_end));
    close(client);

    struct ac_match conn = {.local = &seed.at, .remote = &client_end};
    struct ac_sockinfo tw =
        ac_expect_state(AC_CLAIM(STATE, "server end"), "server end after close(5)", &conn,
                        AC_TIME_WAIT, AC_STATE_TIMEOUT_MS);
    ac_expect_int(AC_CLAIM(FILE, "server end"),
                  "inode of the TIME_WAIT socket (0: no file refers to it)", 0, tw.inode);

    ac_seed_order(&seed, "order next accept", 'n');
    int again = ac_seed_connect(&seed);
    ac_expect_int(AC_CLAIM(FD, "next accepted socket"), "next accepted fd", 5,
                  ac_seed_hear(&seed, "accepted_again"));
    /* Still there after the accept() that reused 5 (and it was there before it): the number came
     * back while the TIME_WAIT existed. It cannot have left and come back: a TIME_WAIT is never
     * recreated, and the second client has a port of its own. */
    tw = ac_expect_state(AC_CLAIM(STATE, "server end"),
                         "server end's TIME_WAIT once the next accept() returned 5", &conn,
                         AC_TIME_WAIT, 0);
    ac_expect_int(AC_CLAIM(FILE, "server end"), "inode of that TIME_WAIT (0: no file refers to it)",
                  0, tw.inode);

    /* The second connection is the one file on the port: the socket fd 5 refers to now. */
    uint32_t fd5_inode = (uint32_t)ac_seed_hear(&seed, "inode");
    struct ac_addr again_end;
    ac_setup_ok("second client address", ac_local_addr(again, &again_end));
    struct ac_match second = {
        .states = AC_STATE_BIT(AC_ESTABLISHED), .local = &seed.at, .remote = &again_end};
    struct ac_sockinfo est =
        ac_expect_state(AC_SETUP(STATE, "next accepted socket"), "second connection's server end",
                        &second, AC_ESTABLISHED, AC_STATE_TIMEOUT_MS);
    struct ac_match any_est = {.states = AC_STATE_BIT(AC_ESTABLISHED), .local = &seed.at};
    ac_expect_int(AC_CLAIM(COUNT, "192.168.1.100:9999"),
                  "ESTABLISHED server ends on the port: the second connection only", 1,
                  ac_diag_count(&any_est));
    ac_expect_str(AC_CLAIM(FILE, "next accepted socket"),
                  "second connection has a file (inode != 0)", "yes", est.inode ? "yes" : "no");
    /* Inode numbers differ from run to run: the record says whether they agree, and names
     * them only when they do not. */
    char got[64] = "fd 5's inode";
    if (est.inode != fd5_inode)
        snprintf(got, sizeof got, "%u (fd 5's: %u)", est.inode, fd5_inode);
    ac_expect_str(AC_CLAIM(FILE, "next accepted socket"),
                  "its inode in sock_diag, against fstat() of fd 5 in the server", "fd 5's inode",
                  got);

    ac_seed_order(&seed, "let the seed server exit", 'x');
    ac_seed_finish(&seed);
    close(again);
}
