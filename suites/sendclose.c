/* Data sent just before close(): what the kernel still holds of it when close() comes, and how it
 * reaches the peer ahead of the FIN.
 *
 *   client (the sender, a process of its own)          server (the reader, the test)
 *   TCP_CORK or MSG_MORE: send() of 100 bytes
 *     held: 100 bytes not sent, none in flight         recv(): EAGAIN
 *   close()  ---- the 100 bytes + FIN, one segment --> reads the 100 bytes, then 0
 *   (or TCP_CORK cleared: the 100 bytes go at once)
 *
 *   SO_ZEROCOPY: sendmsg(MSG_ZEROCOPY) of 64 pieces of 100 bytes, each at the start of a page
 *     accepted whole ---- 1700 + 1700 + 1700 + 1300 --> reads the 6400 bytes in order (then 0)
 *   error queue: the call's completion (SO_EE_ORIGIN_ZEROCOPY)
 *
 * tcp_sendmsg_locked() fills a segment in passes; a pass that leaves it below size_goal goes
 * round for the rest of the data without pushing anything. Each row makes one call take two
 * passes short of size_goal:
 * - a copying pass takes at most what is left of the sending task's page fragment
 *   (sk_page_frag(): current->task_frag, 32 KiB pages). The sender is a child process, since a
 *   new task has no fragment page yet; it first sends 32708 bytes, 60 short of its page, which
 *   the server leaves unread so that the page stays in use, and the corked 100 bytes then go in
 *   as 60 at the page's end and 40 on a new page: the cork must hold both.
 * - a zero-copy pass attaches the user's pages as frags (skb_zerocopy_iter_stream()); once the
 *   segment has MAX_SKB_FRAGS (17 on x86) the next piece gets -EMSGSIZE, which starts a new
 *   segment: 64 pieces in pages of their own make four (17 + 17 + 17 + 13 pieces), where
 *   size_goal (tens of KiB over lo) would take them all.
 * The connection is the harness's: a listener on 192.168.1.100:9999, a client, the accepted end
 * ("server"), "hello server" already exchanged. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/netns.h"
#include "../fixtures/packet.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define PORT 9999

TestSuite(sendclose,
          .description = "Data sent just before close() reaches the peer ahead of the FIN: a "
                         "small send() held by TCP_CORK or MSG_MORE is not sent until close() "
                         "sends it in its FIN segment (or TCP_CORK is cleared), and a "
                         "MSG_ZEROCOPY send of more pieces than a segment has frags is accepted "
                         "whole and read in order, its completion queued on the error queue.");

/* --- The sender: a helper child ----------------------------------------------------------
 * It sends on the client's descriptor, which the test closes in itself once the child has it,
 * and reports each step through a pipe (one fixed-size report); between steps it waits for the
 * test's go (a byte), after its last for the pipe's end. It never asserts. If it dies or hangs
 * inside a send() (a broken kernel; the socket's lock then stays taken, so the descriptor could
 * never be closed) no report comes: the test fails after a bounded wait, and the child is not
 * waited for. */

struct child_io {
    int report, go;
};

static void child_reports(const struct child_io *io, const void *r, size_t len)
{
    if (write(io->report, r, len) != (ssize_t)len)
        _exit(1);
}

static bool child_gets_go(const struct child_io *io)
{
    char b;
    return read(io->go, &b, 1) == 1;
}

struct sender {
    pid_t pid;
    int reports, go;
};

static struct sender start_sender(void (*run)(const struct child_io *, const void *),
                                  const void *arg)
{
    int rep[2], go[2];
    ac_setup_ok("pipe for the sender's reports", pipe2(rep, O_CLOEXEC) ? errno : 0);
    ac_setup_ok("pipe for the test's go", pipe2(go, O_CLOEXEC) ? errno : 0);
    pid_t pid = ac_setup_fork();
    if (pid == 0) {
        close(rep[0]);
        close(go[1]);
        struct child_io io = {.report = rep[1], .go = go[0]};
        run(&io, arg);
        char b;
        while (read(go[0], &b, 1) > 0) /* the test reads the connection until it ends this */
            ;
        _exit(0);
    }
    close(rep[1]);
    close(go[0]);
    return (struct sender){.pid = pid, .reports = rep[0], .go = go[1]};
}

/* The sender's next report (bounded wait); a failed check naming `step` if none came. */
static void sender_heard(struct sender *s, void *r, size_t len, const char *step)
{
    struct pollfd p = {.fd = s->reports, .events = POLLIN};
    bool heard = poll(&p, 1, AC_STATE_TIMEOUT_MS) == 1 && read(s->reports, r, len) == (ssize_t)len;
    if (!heard) {
        kill(s->pid, SIGKILL); /* dead, or hung in the kernel: not waited for */
        s->pid = 0;
    }
    ac_expect_str(AC_SETUP(IO, "client end"), step, "reported",
                  heard ? "reported" : "no report: the sender died or hangs in the kernel");
}

static void sender_go(struct sender *s)
{
    ac_setup_ok("the sender's go", write(s->go, "g", 1) == 1 ? 0 : errno);
}

static void sender_end(struct sender *s)
{
    close(s->go);
    close(s->reports);
    if (s->pid > 0)
        waitpid(s->pid, NULL, 0); /* it exits once the go pipe ends */
}

static int sock_ioctl(int fd, unsigned long req)
{
    int v = -1;
    return ioctl(fd, req, &v) ? -errno : v;
}

/* --- Held by TCP_CORK or MSG_MORE, released by close() or by clearing TCP_CORK ----------- */

#define FRAG_PAGE  32768 /* the page of a task's fragment: SKB_FRAG_PAGE_ORDER, get_order(32768) */
#define FILLER     (FRAG_PAGE - 60)
#define HELD       100
#define PAGE_BYTES 4096

static const char held_bytes[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789abcdefghijklmnopqrstuvwxyzAB";
_Static_assert(sizeof held_bytes - 1 == HELD, "the held bytes are HELD long");

enum hold { HOLD_CORK, HOLD_MSG_MORE };
enum release { RELEASE_CLOSE, RELEASE_UNCORK };

struct hold_job {
    int fd;
    enum hold hold;
    enum release release;
};

/* Filled in two steps, sent after each. */
struct hold_report {
    long filler_sent;
    int filler_left; /* SIOCOUTQ once the filler was acknowledged (bounded wait): 0 */
    int cork_err;
    long sent;
    int send_err;
    int notsent; /* SIOCOUTQNSD right after the send() */
    int unacked; /* TCP_INFO tcpi_unacked, the same moment */
    int notsent_before, release_err, notsent_after;
};

static int set_cork(int fd, int on)
{
    return setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof on) ? errno : 0;
}

static void holding_sender(const struct child_io *io, const void *arg)
{
    const struct hold_job *job = arg;
    static char filler[FILLER];
    struct hold_report r = {0};
    memset(filler, 'f', sizeof filler);
    r.filler_sent = send(job->fd, filler, sizeof filler, 0);
    int64_t deadline = ac_now_ms() + AC_STATE_TIMEOUT_MS;
    while ((r.filler_left = sock_ioctl(job->fd, SIOCOUTQ)) != 0 && ac_now_ms() < deadline)
        poll(NULL, 0, 1);
    if (job->hold == HOLD_CORK)
        r.cork_err = set_cork(job->fd, 1);
    r.sent = send(job->fd, held_bytes, HELD, job->hold == HOLD_MSG_MORE ? MSG_MORE : 0);
    r.send_err = r.sent < 0 ? errno : 0;
    r.notsent = sock_ioctl(job->fd, SIOCOUTQNSD);
    struct tcp_info ti = {0};
    socklen_t len = sizeof ti;
    r.unacked =
        getsockopt(job->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) ? -errno : (int)ti.tcpi_unacked;
    child_reports(io, &r, sizeof r);
    if (!child_gets_go(io))
        return;
    r.notsent_before = sock_ioctl(job->fd, SIOCOUTQNSD);
    if (job->release == RELEASE_CLOSE) {
        r.release_err = close(job->fd) ? errno : 0;
    } else {
        r.release_err = set_cork(job->fd, 0);
        r.notsent_after = sock_ioctl(job->fd, SIOCOUTQNSD);
    }
    child_reports(io, &r, sizeof r);
}

static int io_err(ssize_t n)
{
    return n < 0 ? errno : 0;
}

/* The held bytes as the server's socket has them, read in two steps: splice() into a pipe of
 * one slot takes one page piece of the sender's (skb_splice_bits(): a pipe buffer per frag), so
 * it shows that the send() copied them in two passes, 60 + 40; recv() takes the rest. */
static ssize_t read_held(int server, char *buf)
{
    int p[2];
    ac_setup_ok("pipe", pipe2(p, O_CLOEXEC) ? errno : 0);
    ac_setup_ok("a pipe of one slot (F_SETPIPE_SZ 4096)",
                fcntl(p[1], F_SETPIPE_SZ, PAGE_BYTES) == PAGE_BYTES ? 0
                : errno                                             ? errno
                                                                    : EINVAL);
    struct pollfd in = {.fd = server, .events = POLLIN};
    ac_setup_ok("the held bytes arrive at the server",
                poll(&in, 1, AC_STATE_TIMEOUT_MS) == 1 ? 0 : ETIMEDOUT);
    ssize_t first = splice(server, NULL, p[1], NULL, HELD, SPLICE_F_NONBLOCK);
    ac_setup_ok("splice() from the server", first < 0 ? errno : 0);
    /* Only the page allocator could make it one piece: a 32 KiB fragment page refused (it falls
     * back to 4 KiB pages) for part of the 32708 bytes, so that they did not end 60 bytes short of
     * a page. The claims would hold, but the row would not test what it is for. */
    if (first == HELD)
        ac_broken("the %d held bytes came as one piece, not 60 + 40: the sender's page fragment "
                  "did not end 60 bytes after the 32708 before them (a 32 KiB page refused?)",
                  HELD);
    ac_expect_int(AC_SETUP(IO, "server end"),
                  "the first piece of them, spliced into a pipe of one slot: the end of the "
                  "sender's fragment page (bytes)",
                  FRAG_PAGE - FILLER, first);
    ssize_t n = read(p[0], buf, (size_t)first);
    close(p[0]);
    close(p[1]);
    if (n != first)
        return n;
    ssize_t rest = recv(server, buf + n, HELD - (size_t)n, MSG_WAITALL);
    return rest < 0 ? rest : n + rest;
}

static void held_then_released(enum hold hold, enum release release)
{
    const char *how = hold == HOLD_CORK ? "TCP_CORK" : "MSG_MORE";
    char step[128];
    /* Held bytes go out by themselves when the zero-window probe timer fires (tcp(7)'s "200
     * millisecond ceiling": its base is the RTO, at least tcp_rto_min). Where the namespace has
     * tcp_rto_min_us (6.11+), 5 s puts that far beyond the test's few milliseconds. */
    if (access("/proc/sys/net/ipv4/tcp_rto_min_us", F_OK) == 0)
        ac_netns_sysctl("net/ipv4/tcp_rto_min_us", "5000000");
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    uint16_t client_port = ac_addr_port(&c.client_end);
    struct timeval bound = {.tv_sec = 2};
    ac_setup_ok("server SO_RCVTIMEO 2 s (a bound, not a wait)",
                setsockopt(c.server, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) ? errno : 0);
    int cap = ac_pkt_capture();
    struct hold_job job = {.fd = c.client, .hold = hold, .release = release};
    struct sender s = start_sender(holding_sender, &job);
    close(c.client); /* the sender's descriptor is now the only one: its close() is the last */
    c.client = -1;

    struct hold_report r;
    snprintf(step, sizeof step, "the sender's report of its send() of %d bytes with %s", HELD, how);
    sender_heard(&s, &r, sizeof r, step);
    ac_expect_int(AC_SETUP(IO, "client end"), "send() of 32708 bytes before them: bytes accepted",
                  FILLER, r.filler_sent);
    ac_expect_int(AC_SETUP(IO, "client end"),
                  "bytes unacknowledged once the server's ACKs came (SIOCOUTQ)", 0, r.filler_left);
    ac_setup_ok("setsockopt TCP_CORK 1", r.cork_err);
    snprintf(step, sizeof step, "send() of %d bytes with %s", HELD, how);
    ac_expect_errno(AC_CLAIM(IO, "client end"), step, 0, r.send_err);
    snprintf(step, sizeof step, "send() of %d bytes with %s: bytes accepted", HELD, how);
    ac_expect_int(AC_CLAIM(IO, "client end"), step, HELD, r.sent);
    ac_expect_int(AC_CLAIM(IO, "client end"), "bytes not sent yet, right after it (SIOCOUTQNSD)",
                  HELD, r.notsent);
    ac_expect_int(AC_CLAIM(COUNT, "client end"),
                  "segments in flight, right after it (TCP_INFO tcpi_unacked)", 0, r.unacked);
    static char buf[FILLER];
    ac_setup_ok("the server reads the 32708 bytes before them",
                recv(c.server, buf, FILLER, MSG_WAITALL) == FILLER ? 0 : EIO);
    ac_expect_errno(AC_CLAIM(IO, "server end"), "recv() after those, not waiting: the held bytes",
                    EAGAIN, io_err(recv(c.server, buf, HELD, MSG_DONTWAIT)));

    sender_go(&s);
    sender_heard(&s, &r, sizeof r,
                 release == RELEASE_CLOSE ? "the sender's report of its close()"
                                          : "the sender's report of clearing TCP_CORK");
    ac_expect_int(AC_SETUP(IO, "client end"),
                  release == RELEASE_CLOSE ? "bytes not sent yet, right before close()"
                                           : "bytes not sent yet, right before clearing TCP_CORK",
                  HELD, r.notsent_before);
    ac_setup_ok(release == RELEASE_CLOSE ? "close() of the client" : "setsockopt TCP_CORK 0",
                r.release_err);
    if (release == RELEASE_UNCORK)
        ac_expect_int(AC_CLAIM(IO, "client end"),
                      "bytes not sent yet, right after clearing TCP_CORK (SIOCOUTQNSD)", 0,
                      r.notsent_after);
    memset(buf, 0, HELD + 1);
    ssize_t n = read_held(c.server, buf);
    ac_expect_int(AC_CLAIM(IO, "server end"), "bytes the server reads (splice(), then recv())",
                  HELD, n);
    ac_expect_str(AC_CLAIM(IO, "server end"), "the bytes it reads, against the held ones",
                  "the same", n == HELD && !memcmp(buf, held_bytes, HELD) ? "the same" : "others");
    if (release == RELEASE_CLOSE) {
        struct ac_seg fin = {0};
        ac_setup_ok("the client's FIN, captured", ac_pkt_wait(cap, client_port, PORT, AC_TH_FIN,
                                                              AC_TH_FIN, AC_STATE_TIMEOUT_MS, &fin)
                                                      ? 0
                                                      : ETIMEDOUT);
        ac_expect_int(AC_CLAIM(PACKET, "client end"), "payload of the client's FIN segment (bytes)",
                      HELD, (long)fin.len);
        ac_expect_int(AC_CLAIM(IO, "server end"), "recv() after them (0 = end of file)", 0,
                      recv(c.server, buf, 1, 0));
    } else {
        ac_expect_errno(AC_CLAIM(IO, "server end"),
                        "recv() after them, not waiting: no FIN, the connection stays", EAGAIN,
                        io_err(recv(c.server, buf, 1, MSG_DONTWAIT)));
    }
    sender_end(&s);
}

#define X(name, hold, release, rule)                                                               \
    AC_TEST_WITH(sendclose, name, (.helpers = 1), .description = rule)                             \
    {                                                                                              \
        held_then_released(HOLD_##hold, RELEASE_##release);                                        \
    }
/* name, what holds the send(), what releases it, the rule */
X(cork_holds_100_bytes_close_sends_them_with_fin, CORK, CLOSE,
  "With TCP_CORK a send() of 100 bytes (less than a segment) is held, even when it is copied in "
  "two passes: nothing of it is sent and the peer has nothing to read. close() sends it in its "
  "FIN segment: the peer reads the 100 bytes, then end of file.")
X(msg_more_holds_100_bytes_close_sends_them_with_fin, MSG_MORE, CLOSE,
  "A send() of 100 bytes with MSG_MORE is held the same way, for that call alone, and close() "
  "sends it in its FIN segment: the peer reads the 100 bytes, then end of file.")
X(cork_holds_100_bytes_clearing_it_sends_them_at_once, CORK, UNCORK,
  "Clearing TCP_CORK sends what it held at once (tcp_push_pending_frames()): nothing is left "
  "unsent after the setsockopt(), the peer reads the 100 bytes and the connection stays open.")
#undef X

/* --- MSG_ZEROCOPY ----------------------------------------------------------------------- */

#define PIECES    64
#define PIECE     100
#define ZC_FRAGS  17 /* MAX_SKB_FRAGS on x86 with 4 KiB pages (65536 / 4096 + 1) */
#define ZC_LENGTH (PIECES * PIECE)

/* The stream's byte i, so that a piece out of place shows. */
static char zc_byte(int i)
{
    return (char)('!' + (i * 7) % 90);
}

struct zc_job {
    int fd;
    bool close_after;
};

struct zc_report {
    int mmap_err;
    long sent;
    int send_err, close_err;
    bool notified; /* a message came on the error queue (bounded wait) */
    int recv_err;
    struct sock_extended_err ee;
};

/* Reads the first completion from the error queue into r (waits, bounded, for POLLERR). */
static void zc_completion(int fd, struct zc_report *r)
{
    struct pollfd p = {.fd = fd, .events = 0};
    if (poll(&p, 1, AC_STATE_TIMEOUT_MS) != 1)
        return;
    char control[CMSG_SPACE(sizeof r->ee) + 64];
    struct msghdr m = {.msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(fd, &m, MSG_ERRQUEUE) < 0) {
        r->recv_err = errno;
        return;
    }
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
        if (cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR) {
            memcpy(&r->ee, CMSG_DATA(cm), sizeof r->ee);
            r->notified = true;
        }
}

static void zerocopy_sender(const struct child_io *io, const void *arg)
{
    const struct zc_job *job = arg;
    struct zc_report r = {0};
    char *pages =
        mmap(NULL, PIECES * PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) {
        r.mmap_err = errno;
        child_reports(io, &r, sizeof r);
        return;
    }
    struct iovec iov[PIECES];
    for (int i = 0; i < PIECES; i++) {
        for (int j = 0; j < PIECE; j++)
            pages[i * PAGE_BYTES + j] = zc_byte(i * PIECE + j);
        iov[i] = (struct iovec){.iov_base = pages + i * PAGE_BYTES, .iov_len = PIECE};
    }
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = PIECES};
    r.sent = sendmsg(job->fd, &m, MSG_ZEROCOPY);
    r.send_err = r.sent < 0 ? errno : 0;
    if (job->close_after)
        r.close_err = close(job->fd) ? errno : 0;
    else
        zc_completion(job->fd, &r);
    child_reports(io, &r, sizeof r);
}

/* Where the bytes read first differ from the stream sent, as text. */
static void zc_compare(const char *got, size_t n, char *out, size_t size)
{
    for (size_t i = 0; i < n; i++)
        if (got[i] != zc_byte((int)i)) {
            snprintf(out, size, "differ from byte %zu", i);
            return;
        }
    snprintf(out, size, n == ZC_LENGTH ? "the same" : "short");
}

static void zerocopy_send(bool close_after)
{
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    uint16_t client_port = ac_addr_port(&c.client_end);
    int one = 1;
    int err = setsockopt(c.client, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one) ? errno : 0;
    if (err == EOPNOTSUPP || err == ENOPROTOOPT)
        cr_skip_test("setsockopt SO_ZEROCOPY: %s: this kernel cannot send with MSG_ZEROCOPY "
                     "(Linux 4.14 and later can)",
                     strerror(err));
    ac_expect_errno(AC_SETUP(SOCKOPT, "client end"), "setsockopt SO_ZEROCOPY 1", 0, err);
    struct timeval bound = {.tv_sec = 2};
    ac_setup_ok("server SO_RCVTIMEO 2 s (a bound, not a wait)",
                setsockopt(c.server, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound) ? errno : 0);
    int cap = ac_pkt_capture();
    struct zc_job job = {.fd = c.client, .close_after = close_after};
    struct sender s = start_sender(zerocopy_sender, &job);
    close(c.client); /* the sender's descriptor is now the only one */
    c.client = -1;

    struct zc_report r;
    sender_heard(&s, &r, sizeof r, "the sender's report of its sendmsg(MSG_ZEROCOPY)");
    ac_setup_ok("mmap of 64 pages for the pieces", r.mmap_err);
    /* ENOBUFS: the notification's room (net.core.optmem_max), a limit of the environment */
    if (ac_errno_is_environment(r.send_err))
        ac_setup_ok("sendmsg(MSG_ZEROCOPY)", r.send_err);
    ac_expect_errno(AC_CLAIM(IO, "client end"),
                    "sendmsg(MSG_ZEROCOPY) of 64 pieces of 100 bytes, a page each", 0, r.send_err);
    ac_expect_int(AC_CLAIM(IO, "client end"), "sendmsg(MSG_ZEROCOPY): bytes accepted", ZC_LENGTH,
                  r.sent);
    struct ac_seg first;
    do
        ac_setup_ok(
            "the client's first data segment, captured",
            ac_pkt_wait(cap, client_port, PORT, 0, 0, AC_STATE_TIMEOUT_MS, &first) ? 0 : ETIMEDOUT);
    while (first.len == 0);
    ac_expect_int(AC_SETUP(PACKET, "client end"),
                  "payload of the first data segment: 17 pieces, its frags full (bytes)",
                  ZC_FRAGS * PIECE, (long)first.len);
    static char got[ZC_LENGTH + 1];
    ssize_t n = recv(c.server, got, ZC_LENGTH, MSG_WAITALL);
    ac_expect_int(AC_CLAIM(IO, "server end"), "recv(): bytes read", ZC_LENGTH, n);
    char compared[64];
    zc_compare(got, n > 0 ? (size_t)n : 0, compared, sizeof compared);
    ac_expect_str(AC_CLAIM(IO, "server end"), "recv(): the bytes, against the pieces in order",
                  "the same", compared);
    if (close_after) {
        ac_setup_ok("close() of the client, right after the sendmsg()", r.close_err);
        ac_expect_int(AC_CLAIM(IO, "server end"), "recv() after them (0 = end of file)", 0,
                      recv(c.server, got, 1, 0));
    } else {
        ac_setup_ok("recvmsg(MSG_ERRQUEUE)", r.recv_err);
        ac_expect_str(AC_CLAIM(IO, "client end"), "a completion on the error queue", "yes",
                      r.notified ? "yes" : "no");
        ac_expect_str(AC_CLAIM(IO, "client end"), "its origin", "SO_EE_ORIGIN_ZEROCOPY",
                      r.ee.ee_origin == SO_EE_ORIGIN_ZEROCOPY ? "SO_EE_ORIGIN_ZEROCOPY" : "other");
        ac_expect_errno(AC_CLAIM(IO, "client end"), "its ee_errno", 0, (int)r.ee.ee_errno);
        char range[32];
        snprintf(range, sizeof range, "%u..%u", r.ee.ee_info, r.ee.ee_data);
        ac_expect_str(AC_CLAIM(IO, "client end"), "the send calls it completes (ee_info..ee_data)",
                      "0..0", range);
        /* The receiver is local: delivering the segments copied the pages
         * (skb_orphan_frags_rx()), which the completion says. */
        ac_expect_str(AC_CLAIM(IO, "client end"), "its ee_code", "SO_EE_CODE_ZEROCOPY_COPIED",
                      r.ee.ee_code == SO_EE_CODE_ZEROCOPY_COPIED ? "SO_EE_CODE_ZEROCOPY_COPIED"
                      : r.ee.ee_code == 0                        ? "0 (not copied)"
                                                                 : "other");
    }
    sender_end(&s);
}

#define X(name, close_after, rule)                                                                 \
    AC_TEST_WITH(sendclose, name, (.helpers = 1), .description = rule)                             \
    {                                                                                              \
        zerocopy_send(close_after);                                                                \
    }
/* name, close() right after the sendmsg(), the rule */
X(zerocopy_64_pages_sent_whole_in_order_completion_queued, false,
  "sendmsg(MSG_ZEROCOPY) of 64 pieces of 100 bytes, each in a page of its own, is accepted "
  "whole: a segment full of frags (-EMSGSIZE) starts the next one. The peer reads the 6400 "
  "bytes in order, and one completion for the call (0..0) comes on the error queue, marked "
  "copied since the receiver is local.")
X(zerocopy_64_pages_then_close_peer_reads_all_then_eof, true,
  "close() right after such a sendmsg(MSG_ZEROCOPY) does not cut it short: its FIN follows the "
  "data, and the peer reads all 6400 bytes in order, then end of file.")
#undef X
