/* What a closed connection costs in file descriptors.
 *
 * A TIME_WAIT socket has no file: close() released the descriptor, and what remains is a small
 * inet_timewait_sock in the kernel's hash tables (sock_diag shows it with inode 0). An accepted
 * CLOSE_WAIT socket is the opposite: the peer is done, but the application still holds the
 * descriptor, so CLOSE_WAIT connections that are never closed exhaust RLIMIT_NOFILE (one still
 * in the accept queue holds none until accept(): acceptq). And
 * descriptors come back by POSIX's rule: open() and friends return the LOWEST free number.
 *
 * The rlimit is lowered in the test's worker process only (each Criterion test has its own),
 * and raised again before anything is asserted, so that the checks can write their records. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/hold.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/netns.h"
#include "../fixtures/seedserver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PORT      9999
#define FD_MAP    1024
#define LIMIT_MIN 32 /* the small RLIMIT_NOFILE the tests run under */

TestSuite(fds, .description = "A TIME_WAIT socket holds no file descriptor, but an accepted "
                              "socket in CLOSE_WAIT keeps its descriptor until close() (one "
                              "still in the accept queue has none); a freed descriptor number "
                              "comes back by POSIX's rule, lowest free number first.");

/* Marks in open[] every descriptor this process has open now (from /proc/self/fd, minus the
 * directory's own). */
static void open_fds(bool open[FD_MAP])
{
    memset(open, 0, FD_MAP * sizeof *open);
    DIR *d = opendir("/proc/self/fd");
    ac_setup_ok("opendir /proc/self/fd", d ? 0 : errno);
    struct dirent *e;
    while ((e = readdir(d))) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd != dirfd(d) && fd < FD_MAP)
            open[fd] = true;
    }
    closedir(d);
}

/* How many descriptor numbers below `limit` are free: exactly the number of new descriptors a
 * process may still get under RLIMIT_NOFILE = limit (a new fd must be < the limit). */
static int free_below(const bool open[FD_MAP], int limit)
{
    int n = 0;
    for (int fd = 0; fd < limit && fd < FD_MAP; fd++)
        n += !open[fd];
    return n;
}

/* The smallest limit >= LIMIT_MIN that leaves at least `room` free numbers. */
static int small_limit(const bool open[FD_MAP], int room)
{
    int limit = LIMIT_MIN;
    while (free_below(open, limit) < room)
        limit++;
    return limit;
}

static struct rlimit saved;

/* The test lowers (or raises) only the soft limit: the hard limit must leave it `limit`. */
static void lower_nofile(int limit)
{
    ac_setup_ok("getrlimit", getrlimit(RLIMIT_NOFILE, &saved) ? errno : 0);
    if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < (rlim_t)limit)
        ac_broken("setrlimit RLIMIT_NOFILE to %d: its hard limit is %llu; this test needs %d",
                  limit, (unsigned long long)saved.rlim_max, limit);
    struct rlimit small = {.rlim_cur = (rlim_t)limit, .rlim_max = saved.rlim_max};
    ac_setup_ok("setrlimit RLIMIT_NOFILE", setrlimit(RLIMIT_NOFILE, &small) ? errno : 0);
}

static void restore_nofile(void)
{
    ac_setup_ok("restore RLIMIT_NOFILE", setrlimit(RLIMIT_NOFILE, &saved) ? errno : 0);
}

static int listener_on(const char *ip)
{
    struct ac_addr at;
    ac_addr_parse(&at, ip, PORT);
    int l = ac_setup_fd("listener socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("listener bind", ac_bind(l, &at));
    ac_setup_ok("listener listen", ac_listen(l, 128));
    return l;
}

/* Sockets of the namespace in `state` on 192.168.1.100:9999, split by whether a file refers
 * to them (inode != 0). */
static void count_by_file(int state, int *with_file, int *without_file)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    struct ac_match m = {.states = AC_STATE_BIT(state), .local = &at};
    ac_setup_ok("read the socket table", -ac_diag_count_files(&m, with_file, without_file));
}

/* --- TIME_WAIT holds no descriptor ------------------------------------------------------ */

/* Under RLIMIT_NOFILE = L, the server accepts and closes first (so its end goes TIME_WAIT)
 * L + 8 connections one after the other. If TIME_WAIT kept a descriptor, some accept() would
 * fail with EMFILE once the free numbers below L (fewer than L: the worker has its own fds)
 * were used up; none does. Each client binds its own port, so no
 * new connection can recycle an earlier TIME_WAIT (a SYN that matches a TIME_WAIT's 4-tuple
 * may reopen it) and all L + 8 stay in the table. */
AC_TEST(fds, time_wait_holds_no_fd_accepts_beyond_limit,
        .description = "close() gives the descriptor back and the TIME_WAIT left behind is a "
                       "file-less inet_timewait_sock, so more connections than RLIMIT_NOFILE "
                       "allows descriptors can sit in TIME_WAIT without an EMFILE.")
{
    int l = listener_on(AC_SERVER_IP);
    ac_diag_count(&(struct ac_match){.states = AC_ALL_STATES}); /* open sock_diag's socket now */
    bool open[FD_MAP];
    open_fds(open);
    int limit = small_limit(open, 4); /* a client, an accepted end, one spare */
    int conns = limit + 8;

    /* Each round's client takes the lowest free number and its accepted end the next one; both
     * are closed before the next round, so every accept() must get that same second number. */
    int second_free = -1;
    for (int fd = 0, k = 0; fd < limit && second_free < 0; fd++)
        if (!open[fd] && k++ == 1)
            second_free = fd;

    struct ac_addr server;
    ac_addr_parse(&server, AC_SERVER_IP, PORT);
    int accepted = 0, failed_at = -1, err = 0, lowest = FD_MAP, highest = -1;
    const char *failed_step = "";
    lower_nofile(limit);
    for (int i = 0; i < conns && failed_at < 0; i++) {
        struct ac_addr from;
        ac_addr_parse(&from, AC_SERVER_IP, (uint16_t)(20000 + i));
        int c = ac_tcp_socket(AF_INET, 0);
        int s = -1;
        char b;
        if (c < 0) {
            failed_step = "client socket()", err = -c;
        } else if ((err = ac_bind(c, &from)) != 0) {
            failed_step = "client bind()";
        } else if ((err = ac_connect(c, &server)) != 0) {
            failed_step = "client connect()";
        } else if ((s = accept4(l, NULL, NULL, SOCK_CLOEXEC)) < 0) {
            failed_step = "accept()", err = errno;
        } else {
            accepted++;
            lowest = s < lowest ? s : lowest;
            highest = s > highest ? s : highest;
            close(s); /* the server closes first: its end becomes the TIME_WAIT */
            if (recv(c, &b, 1, 0) != 0)
                failed_step = "client reads the server's FIN", err = EIO;
        }
        if (c >= 0)
            close(c);
        if (err)
            failed_at = i;
    }
    restore_nofile();

    char step[160], failure[96];
    snprintf(step, sizeof step, "first failing step of %d connections under RLIMIT_NOFILE=%d",
             conns, limit);
    snprintf(failure, sizeof failure, "%s at connection %d: %s", failed_step, failed_at + 1,
             ac_errname(err));
    ac_expect_str(AC_CLAIM(ACCEPT, "listener"), step, "none", failed_at < 0 ? "none" : failure);
    snprintf(step, sizeof step, "connections accepted under RLIMIT_NOFILE=%d", limit);
    ac_expect_int(AC_CLAIM(COUNT, "listener"), step, conns, accepted);
    /* The numbers depend on the fds the runner left open, so the record states the rule and
     * names numbers only when it is broken. */
    char got[96] = "the second-lowest free number, every time";
    if (lowest != second_free || highest != second_free)
        snprintf(got, sizeof got, "fds %d..%d (second-lowest free: %d)", lowest, highest,
                 second_free);
    snprintf(step, sizeof step, "highest fd accept() returned in %d connections", conns);
    ac_expect_str(AC_CLAIM(FD, "accepted sockets"), step,
                  "the second-lowest free number, every time", got);

    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    struct ac_match tw = {.states = AC_STATE_BIT(AC_TIME_WAIT), .local = &at};
    snprintf(step, sizeof step, "TIME_WAIT sockets on %s (more than the fd limit %d)", at.text,
             limit);
    ac_expect_int(AC_CLAIM(COUNT, "192.168.1.100:9999"), step, conns,
                  ac_hold_wait_count(&tw, conns, AC_STATE_TIMEOUT_MS));
    int with_file, without_file;
    count_by_file(AC_TIME_WAIT, &with_file, &without_file);
    ac_expect_int(AC_CLAIM(FILE, "192.168.1.100:9999"),
                  "TIME_WAIT sockets that a file refers to (inode != 0)", 0, with_file);
}

/* --- CLOSE_WAIT holds one descriptor each ----------------------------------------------- */

#define CLOSE_WAIT_ROOM  8 /* descriptors left free under the small limit */
#define CLOSE_WAIT_EXTRA 3 /* connections beyond what the limit lets the server accept */

struct close_wait_run {
    int limit;
    int expected_ok;    /* free descriptor numbers below the limit */
    int queued;         /* connections waiting in the listener's queue */
    int fds[64];        /* what each accept() returned (fd, or -errno) */
    int first_free[64]; /* the free numbers below the limit, ascending */
    int listener;
};

/* `queued` clients connect and close at once (the peer closes), so every connection waiting
 * in the listener's queue is already in CLOSE_WAIT; then the server accepts them under the
 * small limit and never closes them (the application "forgets" to). */
static void close_wait_pile_up(struct close_wait_run *r)
{
    r->listener = listener_on(AC_SERVER_IP);
    struct ac_addr server;
    ac_addr_parse(&server, AC_SERVER_IP, PORT);
    ac_diag_count(&(struct ac_match){.states = AC_ALL_STATES}); /* open sock_diag's socket now */

    bool open[FD_MAP];
    open_fds(open);
    r->limit = small_limit(open, CLOSE_WAIT_ROOM);
    r->expected_ok = free_below(open, r->limit);
    for (int fd = 0, k = 0; fd < r->limit; fd++)
        if (!open[fd])
            r->first_free[k++] = fd;
    r->queued = r->expected_ok + CLOSE_WAIT_EXTRA;

    for (int i = 0; i < r->queued; i++) {
        int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
        ac_setup_ok("client connect", ac_connect(c, &server));
        close(c); /* FIN: the queued connection's server end goes CLOSE_WAIT */
    }
    struct ac_match cw = {.states = AC_STATE_BIT(AC_CLOSE_WAIT), .local = &server};
    ac_setup_ok("queued connections in CLOSE_WAIT before any accept()",
                ac_hold_wait_count(&cw, r->queued, AC_STATE_TIMEOUT_MS) == r->queued ? 0 : EIO);

    lower_nofile(r->limit);
    for (int i = 0; i <= r->expected_ok; i++) {
        int s = accept4(r->listener, NULL, NULL, SOCK_CLOEXEC);
        r->fds[i] = s < 0 ? -errno : s;
    }
    restore_nofile();
}

/* Exactly as many accept()s succeed as there were free descriptor numbers below the limit
 * (counted in /proc/self/fd), each taking the lowest free number, and the next one fails with
 * EMFILE: each CLOSE_WAIT connection holds its descriptor. */
AC_TEST(fds, close_wait_holds_one_fd_each_emfile_at_limit,
        .description = "Each accepted CLOSE_WAIT socket keeps its descriptor until close(), so "
                       "accept() takes the lowest free numbers until RLIMIT_NOFILE is reached, "
                       "then fails with EMFILE and leaves the connection queued.")
{
    struct close_wait_run r;
    close_wait_pile_up(&r);
    /* Which numbers are free depends on the fds the runner left open (ctest or not), so the
     * record states the rule and names numbers only when it is broken. */
    char observed[160] = "the free numbers, lowest first";
    for (int i = 0; i < r.expected_ok; i++) {
        if (r.fds[i] != r.first_free[i]) {
            snprintf(observed, sizeof observed, "accept() #%d gave %d where %d was the lowest free",
                     i + 1, r.fds[i], r.first_free[i]);
            break;
        }
    }
    ac_expect_str(AC_CLAIM(FD, "accepted sockets"),
                  "fds of the accept()s while free numbers remain below RLIMIT_NOFILE",
                  "the free numbers, lowest first", observed);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"),
                    "the accept() once every number below RLIMIT_NOFILE is taken", EMFILE,
                    r.fds[r.expected_ok] < 0 ? -r.fds[r.expected_ok] : 0);

    int with_file, without_file;
    count_by_file(AC_CLOSE_WAIT, &with_file, &without_file);
    ac_expect_int(AC_CLAIM(FILE, "accepted sockets"),
                  "accepted CLOSE_WAIT sockets a file refers to, beyond one per accept()", 0,
                  with_file - r.expected_ok);
    /* accept() reserves the descriptor before taking a connection off the queue
     * (__sys_accept4_file()), so EMFILE leaves the connection queued. */
    ac_expect_int(AC_CLAIM(COUNT, "queued connections"),
                  "CLOSE_WAIT connections still queued after EMFILE (no file)", CLOSE_WAIT_EXTRA,
                  without_file);
}

/* Closing one CLOSE_WAIT socket frees its descriptor and ends that connection (its end
 * leaves CLOSE_WAIT for LAST_ACK and is gone); the next accept() gets exactly that number. */
AC_TEST(fds, close_wait_close_frees_fd_for_next_accept,
        .description = "close() of a CLOSE_WAIT socket gives its descriptor back, so the next "
                       "accept() gets exactly that number, the only free one below the limit, "
                       "and the one after fails with EMFILE again.")
{
    struct close_wait_run r;
    close_wait_pile_up(&r);
    ac_setup_ok("the limit was reached", r.fds[r.expected_ok] == -EMFILE ? 0 : EIO);
    int victim = r.fds[r.expected_ok / 2];
    close(victim);
    lower_nofile(r.limit);
    int s = accept4(r.listener, NULL, NULL, SOCK_CLOEXEC);
    int again = s < 0 ? -errno : s;
    int s2 = accept4(r.listener, NULL, NULL, SOCK_CLOEXEC);
    int after = s2 < 0 ? -errno : s2;
    restore_nofile();
    char got[64] = "the closed socket's number";
    if (again != victim)
        snprintf(got, sizeof got, "%d (closed: %d)", again, victim);
    ac_expect_str(AC_CLAIM(FD, "next accepted socket"),
                  "fd of the accept() after closing one CLOSE_WAIT socket",
                  "the closed socket's number", got);
    ac_expect_errno(AC_CLAIM(ACCEPT, "listener"), "the accept() after that one", EMFILE,
                    after < 0 ? -after : 0);
    int with_file, without_file;
    count_by_file(AC_CLOSE_WAIT, &with_file, &without_file);
    /* As a difference: how many the runner's open descriptors left room for is not the kernel's. */
    ac_expect_int(AC_SETUP(COUNT, "accepted sockets"),
                  "accepted CLOSE_WAIT sockets, beyond one per accept()", 0,
                  with_file - r.expected_ok);
    ac_expect_int(AC_SETUP(COUNT, "queued connections"), "CLOSE_WAIT connections still queued",
                  CLOSE_WAIT_EXTRA - 1, without_file);
}

/* --- The seed's layout, before any connection ----------------------------------------- */

/* The seed server with nothing but its listener and epoll instance: it counts its open
 * descriptors below the pipes and opens one more socket. */
static void listen_only(int listener, int ep)
{
    (void)listener, (void)ep;
    int open = 0;
    for (int fd = 0; fd < AC_CHILD_REPORT_FD; fd++)
        open += fcntl(fd, F_GETFD) >= 0;
    ac_seed_say("open", open);
    ac_seed_say("next", ac_tcp_socket(AF_INET, 0));
}

AC_TEST_WITH(fds, seed_layout_listen_only_is_0_to_4_next_fd_is_5,
             (.nofile = AC_CHILD_NOFILE, .helpers = 1), .timeout = 20,
             .description = "A server that has only listened holds 0-2, the listener (3) and its "
                            "epoll instance (4), nothing else, so the next descriptor it gets, the "
                            "first accepted connection's in the seed, is 5.")
{
    struct ac_seed seed;
    ac_seed_start_as(&seed, PORT, 16, listen_only, AC_ROLE_CLAIM);
    ac_expect_int(AC_CLAIM(COUNT, "server's descriptors"),
                  "descriptors the listen-only server holds (0-2, listener, epoll)", 5,
                  ac_seed_hear(&seed, "open"));
    ac_expect_int(AC_CLAIM(FD, "next socket"), "fd of the next socket", 5,
                  ac_seed_hear(&seed, "next"));
    ac_seed_finish(&seed);
}

/* --- Descriptor numbers come back lowest first ------------------------------------------ */

#define REPORT_FD AC_CHILD_REPORT_FD /* the helper child's line to the test */

/* A helper child with a clean descriptor table (0-2, then nothing below REPORT_FD): opens four
 * TCP sockets (3, 4, 5, 6), closes `closes` in that order, opens `nnext` sockets and reports
 * every number it got, on one line. It never asserts and always _exit()s. */
static void lowest_free_child(int report, const int *closes, int nclose, int nnext)
{
    if (!ac_child_clean_table(report, -1))
        _exit(3);
    for (int i = 0; i < 4; i++)
        dprintf(REPORT_FD, "%s%d", i ? " " : "", ac_tcp_socket(AF_INET, 0));
    for (int i = 0; i < nclose; i++)
        close(closes[i]);
    dprintf(REPORT_FD, " |");
    for (int i = 0; i < nnext; i++)
        dprintf(REPORT_FD, " %d", ac_tcp_socket(AF_INET, 0));
    dprintf(REPORT_FD, "\n");
    _exit(0);
}

static void lowest_free(const int *closes, int nclose, const int *next, int nnext)
{
    int report[2];
    ac_setup_ok("pipe", pipe2(report, O_CLOEXEC) ? errno : 0);
    pid_t pid = ac_setup_fork();
    if (pid == 0)
        lowest_free_child(report[1], closes, nclose, nnext);
    close(report[1]);
    char line[600] = "";
    FILE *from = fdopen(report[0], "r");
    if (!fgets(line, sizeof line, from))
        line[0] = '\0';
    fclose(from);
    int status = 0;
    waitpid(pid, &status, 0);
    ac_child_check_broken(line);
    ac_setup_ok("helper child", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD);

    char *bar = strchr(line, '|');
    ac_setup_ok("helper child's report", bar ? 0 : EIO);
    *bar = '\0';
    ac_setup_ok("the four sockets are 3 4 5 6", strcmp(line, "3 4 5 6 ") == 0 ? 0 : EIO);
    char step[128] = "fds of the next sockets after close(", expected[64] = "";
    for (int i = 0; i < nclose; i++) {
        size_t n = strlen(step);
        snprintf(step + n, sizeof step - n, "%s%d", i ? "), close(" : "", closes[i]);
    }
    strncat(step, ") of 3 4 5 6", sizeof step - strlen(step) - 1);
    for (int i = 0; i < nnext; i++) {
        size_t n = strlen(expected);
        snprintf(expected + n, sizeof expected - n, "%s%d", i ? " " : "", next[i]);
    }
    char *observed = bar + 1;
    observed += strspn(observed, " ");
    observed[strcspn(observed, "\n")] = '\0';
    ac_expect_str(AC_CLAIM(FD, "next sockets"), step, expected, observed);
}

#define FDS(...) ((const int[]){__VA_ARGS__})
#define LEN(a)   ((int)(sizeof(a) / sizeof(int)))

#define LOWEST_REUSED                                                                              \
    "A new descriptor gets the lowest free number, so the one just closed is reused at once."
#define LOWEST_FIRST                                                                               \
    "A new descriptor always gets the lowest free number, so the holes at 4 and 6 are filled in "  \
    "ascending order."
#define NO_FREE_LIST                                                                               \
    "The kernel takes the lowest clear bit of the open-descriptor bitmap, not the last number "    \
    "closed, so the order of the close() calls does not matter: 4 comes back before 6."
#define ABOVE_HIGHEST                                                                              \
    "Once the hole at 5 is filled, no number below the highest open descriptor (6) is free, so "   \
    "the next one is 7."

#define X(name, closes, next, rule)                                                                \
    AC_TEST_WITH(fds, name, (.nofile = AC_CHILD_NOFILE, .helpers = 1), .description = rule)        \
    {                                                                                              \
        lowest_free(closes, LEN(closes), next, LEN(next));                                         \
    }

/* name, descriptors closed (in this order), numbers the next sockets must get, the rule */
/* The hole is the lowest free number, so it is reused at once. */
X(lowest_free_close_5_next_is_5, FDS(5), FDS(5), LOWEST_REUSED)
/* Two holes are filled lowest first. */
X(lowest_free_close_4_and_6_next_are_4_then_6, FDS(4, 6), FDS(4, 6), LOWEST_FIRST)
/* The order of the close() calls does not matter: no free list, only "lowest". */
X(lowest_free_close_6_then_4_next_are_still_4_then_6, FDS(6, 4), FDS(4, 6), NO_FREE_LIST)
/* Once the hole is filled, numbering continues above the highest open one. */
X(lowest_free_close_5_next_are_5_then_7, FDS(5), FDS(5, 7), ABOVE_HIGHEST)
#undef X
