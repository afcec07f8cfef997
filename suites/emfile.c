/* The busy-loop trap: accept() hits EMFILE while CLOSE_WAIT connections hold the descriptors,
 * and a level-triggered epoll keeps reporting the listener as readable.
 *
 * The blog's server, in a helper child with a clean descriptor table (0-2 the standard streams,
 * 3 the listener, 4 the epoll instance) under RLIMIT_NOFILE = 16. Thirteen (or twenty) clients
 * connect, send "hello server" and close at once, so each queued connection is already in
 * CLOSE_WAIT; the server accepts in an epoll loop and never closes what it accepted (the bug that
 * leaves CLOSE_WAITs behind), then reads its first connection: the data, then end of file.
 *
 * What the kernel does (6.1 source; the same in every kernel of the matrix):
 *  - accept() reserves the descriptor BEFORE it takes a connection off the queue
 *    (__sys_accept4_file(): get_unused_fd_flags() first, then do_accept()); alloc_fd()
 *    (fs/file.c) refuses any number >= RLIMIT_NOFILE with EMFILE. So the numbers 5..15 are
 *    handed out, 11 accepts succeed, the 12th fails with EMFILE and its connection stays queued.
 *  - A listener is readable while its accept queue is not empty (tcp_poll() ->
 *    inet_csk_listen_poll()), and a level-triggered epoll item is put back on the ready list
 *    after every report (ep_send_events()). The queue never empties, so every epoll_wait()
 *    returns the listener at once, and every accept() fails again: a loop that spins on the CPU
 *    without blocking. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/seedserver.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#define PORT  9999
#define LIMIT 16 /* the seed's RLIMIT_NOFILE */
#define SPINS 5  /* epoll_wait(timeout 0) calls after the EMFILE */
#define HELLO "hello server"

TestSuite(emfile, .description = "accept() reserves a descriptor before it dequeues a connection: "
                                 "at RLIMIT_NOFILE it fails with EMFILE and leaves the "
                                 "connection queued, so a level-triggered epoll keeps reporting "
                                 "the listener and the accept loop spins.");

/* The blog's server under RLIMIT_NOFILE=16, in the seed server's helper child (fixtures/
 * seedserver.h): reports and _exit()s, never asserts. */
static void seed_server(int listener, int ep)
{
    if (!ac_seed_wait_order())
        _exit(6);

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = LIMIT;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        _exit(7);
    struct epoll_event ev;
    int accepts = 0, first = -1, last = -1, err = 0;
    while (!err) {
        int s = ac_seed_accept(listener, ep); /* ETIMEDOUT: the listener was never reported */
        if (s < 0) {
            err = errno;
        } else {
            first = first < 0 ? s : first;
            last = s;
            accepts++;
        }
    }
    int ready = 0;
    for (int i = 0; i < SPINS; i++)
        if (epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.fd == listener && (ev.events & EPOLLIN))
            ready++;
    int again = accept(listener, NULL, NULL) < 0 ? errno : 0;
    /* The first connection, accepted in CLOSE_WAIT: what the client sent before its FIN is
     * still there, then end of file. Neither read() blocks: the FIN is in. */
    char buf[32];
    ssize_t data = first >= 0 ? read(first, buf, sizeof buf) : -1;
    ssize_t eof = first >= 0 ? read(first, buf, sizeof buf) : -1;
    ac_seed_say("accepts", accepts);
    ac_seed_say("first", first);
    ac_seed_say("last", last);
    ac_seed_say("error", err);
    ac_seed_say("ready", ready);
    ac_seed_say("again", again);
    ac_seed_say("data", (int)data);
    ac_seed_say("eof", (int)eof);
    ac_seed_wait_order(); /* keep the accepted CLOSE_WAITs until the test has counted them */
    _exit(0);
}

/* CLOSE_WAIT sockets on the server's address that a file refers to, and queued ones (no
 * file). */
static void count_close_wait(const struct ac_addr *at, int *with_file, int *queued)
{
    struct ac_match m = {.states = AC_STATE_BIT(AC_CLOSE_WAIT), .local = at};
    ac_setup_ok("read the socket table", -ac_diag_count_files(&m, with_file, queued));
}

/* `clients` connect, each sends HELLO and closes: its FIN puts the queued server end in
 * CLOSE_WAIT. The server then accepts until EMFILE under RLIMIT_NOFILE=16. */
static void seed_under_limit(int clients)
{
    struct ac_seed seed;
    ac_seed_start(&seed, PORT, 32, seed_server);

    for (int i = 0; i < clients; i++) {
        int c = ac_seed_connect(&seed);
        ac_setup_ok("client sends hello", write(c, HELLO, strlen(HELLO)) > 0 ? 0 : errno);
        close(c);
    }
    struct ac_match cw = {.states = AC_STATE_BIT(AC_CLOSE_WAIT), .local = &seed.at};
    char step[96];
    snprintf(step, sizeof step, "%d queued connections in CLOSE_WAIT before any accept()", clients);
    ac_setup_ok(step, ac_diag_wait_count(&cw, clients, AC_STATE_TIMEOUT_MS) ? 0 : ETIMEDOUT);

    ac_seed_order(&seed, "start the accept loop", 'a');
    ac_expect_int(AC_CLAIM(COUNT, "listener"),
                  "accept()s before the first failure (free numbers 5..15 under the limit 16)",
                  LIMIT - 5, ac_seed_hear(&seed, "accepts"));
    ac_expect_int(AC_CLAIM(FD, "first accepted socket"), "first accepted fd", 5,
                  ac_seed_hear(&seed, "first"));
    ac_expect_int(AC_CLAIM(FD, "last accepted socket"), "last accepted fd", LIMIT - 1,
                  ac_seed_hear(&seed, "last"));
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "the accept() after fd 15", EMFILE,
                    ac_seed_hear(&seed, "error"));
    ac_expect_int(AC_CLAIM(COUNT, "listener"),
                  "epoll_wait(timeout 0) calls out of 5 after EMFILE that report the listener "
                  "readable",
                  SPINS, ac_seed_hear(&seed, "ready"));
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "accept() again after those reports", EMFILE,
                    ac_seed_hear(&seed, "again"));
    ac_expect_int(AC_CLAIM(IO, "first accepted socket"),
                  "first read() on fd 5: the client's hello, sent before its FIN",
                  (long)strlen(HELLO), ac_seed_hear(&seed, "data"));
    ac_expect_int(AC_CLAIM(IO, "first accepted socket"), "second read() on fd 5 (0: end of file)",
                  0, ac_seed_hear(&seed, "eof"));
    int with_file, queued;
    count_close_wait(&seed.at, &with_file, &queued);
    ac_expect_int(AC_CLAIM(COUNT, "accepted connections"),
                  "accepted CLOSE_WAIT connections (a file refers to each)", LIMIT - 5, with_file);
    ac_expect_int(AC_CLAIM(COUNT, "queued connections"),
                  "CLOSE_WAIT connections still queued (what keeps the listener readable)",
                  clients - (LIMIT - 5), queued);
    ac_expect_int(AC_CLAIM(COUNT, "192.168.1.100:9999"),
                  "CLOSE_WAIT connections on the port, accepted and queued", clients,
                  with_file + queued);

    ac_seed_order(&seed, "let the seed server exit", 'x');
    ac_seed_finish(&seed);
}

#define X(name, clients, rule)                                                                     \
    AC_TEST_WITH(emfile, name, (.nofile = AC_CHILD_NOFILE, .helpers = 1), .timeout = 20,           \
                 .description = rule)                                                              \
    {                                                                                              \
        seed_under_limit(clients);                                                                 \
    }

/* name, clients (more than the 11 free numbers 5..15), the rule */
X(seed_layout_11_accepts_then_emfile_epoll_keeps_reporting_listener, 13,
  "With fds 0-4 taken and RLIMIT_NOFILE=16, accept() gets 5..15 (11 connections), then EMFILE "
  "with the connection left queued; the level-triggered epoll reports the listener readable on "
  "every call and accept() fails again: a busy loop. The first connection still reads its data, "
  "then end of file.")
X(seed_layout_20_clients_11_accepted_9_queued_all_close_wait, 20,
  "With 20 clients the server still accepts exactly 11 (fds 5..15) before EMFILE; the other 9 "
  "stay queued, and all 20 are in CLOSE_WAIT, 11 with a file and 9 without.")
#undef X
