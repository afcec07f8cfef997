/* The machine's TCP memory limit at close(): tcp_mem, counted in pages over every TCP socket of
 * every namespace.
 *
 * __tcp_close() (net/ipv4/tcp.c; 5.10.262, 6.1.192, 6.12.118 and 7.2.13 alike), once the FIN is
 * queued and the socket orphaned, asks tcp_check_oom(sk, 0). tcp_out_of_memory() is true when
 * the socket holds more than SOCK_MIN_SNDBUF (about 4.5 KB) in its write queue and the TCP
 * memory allocated (sk_memory_allocated()) is above tcp_mem's third value, the hard limit. Then
 * the connection is not left to close: it goes to CLOSE at once, sends an RST
 * (tcp_send_active_reset(): Tcp OutRsts) and counts TCPAbortOnMemory. A socket with nothing
 * queued is closed with its FIN, whatever the memory.
 *
 * tcp_mem is in ipv4_table, the initial namespace's table, on all four (sysctl_net_ipv4.c): so
 * these tests are .machine_wide, run only in a guest the suite booted, alone, and put the limit
 * back (.fini).
 *
 * The memory is real: a client writes 4 MB that the server never sees (nf_tables drops every
 * segment to its port), tcp_wmem in the namespace giving it an 8 MB send buffer. From 6.0 each
 * CPU keeps up to 1 MB of the count to itself before adding it to the machine's
 * (SK_MEMORY_PCPU_RESERVE); the writer stays on one CPU, so 4 MB reach the machine's count. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/cpu.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/machine.h"
#include "../fixtures/mib.h"
#include "../fixtures/netns.h"
#include "../fixtures/nft.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT   9999
#define QUEUED (4 << 20)
/* Hard limits in pages: 1 is below what 4 MB queued make; 262144 (1 GB) is above anything a
 * guest holds. */
#define OVER   "1 1 1"
#define WITHIN "262144 262144 262144"
#define GONE   (-1) /* the closed end after close(): destroyed, sock_diag lists nothing */

TestSuite(tcpmem, .description = "Beyond tcp_mem's hard limit (the TCP memory of the whole "
                                 "machine) close() resets a connection that still holds unsent "
                                 "data, with an RST counted in TCPAbortOnMemory, instead of "
                                 "sending its FIN; a connection with nothing queued closes with "
                                 "its FIN. A global sysctl: these tests run only in a guest the "
                                 "suite booted.");

/* The fds a row leaves open, closed by .fini after a failed check too. */
static int open_fds[6], n_open;

static int keep(int fd)
{
    open_fds[n_open++] = fd;
    return fd;
}

/* .fini: the peers' RSTs (SO_LINGER {1, 0}) end what is left, then the limit goes back. */
static void close_all_and_restore_limit(void)
{
    while (n_open > 0)
        ac_close_with_rst(open_fds[--n_open]);
    ac_machine_restore();
}

/* A connection to the listener whose accepted end is kept; returns the client's fd. */
static int connection(int listener, const struct ac_addr *at)
{
    int c = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
    ac_setup_ok("client connect", ac_connect(c, at));
    keep(ac_setup_fd("accept", ac_accept_within(listener, AC_STATE_TIMEOUT_MS)));
    return c;
}

/* Writes QUEUED bytes the peer never receives, from one CPU (see the top); records the bytes
 * queued (SIOCOUTQ) as a setup check. */
static void fill(int fd)
{
    ac_stay_on_this_cpu();
    static char chunk[64 << 10];
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    for (int sent = 0; sent < QUEUED;) {
        ssize_t n = send(fd, chunk, sizeof chunk, 0);
        if (n < 0) {
            ac_setup_ok("send() of the 4 MB", errno);
            return;
        }
        sent += (int)n;
    }
    int queued = 0;
    ac_setup_ok("ioctl SIOCOUTQ", ioctl(fd, SIOCOUTQ, &queued) == 0 ? 0 : errno);
    ac_expect_int(AC_SETUP(IO, "client"), "bytes in the client's write queue (SIOCOUTQ)", QUEUED,
                  queued);
}

/* Closes one connection under tcp_mem=limit: `queued` whether it holds 4 MB unsent, `hog`
 * whether another open connection holds them instead. */
static void close_under_tcp_mem(const char *limit, bool queued, bool hog, int after, int aborts)
{
    struct ac_addr at, from;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    /* an 8 MB send buffer: 4 MB and their overhead fit */
    ac_netns_sysctl("net/ipv4/tcp_wmem", "4096 8388608 8388608");
    int l = keep(ac_listener(AC_SERVER_IP, PORT, 0, 4));
    int closed = connection(l, &at);
    int other = hog ? keep(connection(l, &at)) : -1;
    ac_setup_ok("getsockname of the client", ac_local_addr(closed, &from));
    /* what the client sends never reaches the server */
    ac_nft("add rule inet afterclose in tcp dport 9999 drop\n");
    fill(queued ? closed : other);

    ac_machine_sysctl("net/ipv4/tcp_mem", limit);
    long abort0 = ac_tcpext_counter("TCPAbortOnMemory"), rst0 = ac_tcp_counter("OutRsts");
    close(closed);
    /* one read, at once (timeout 0): an orphan over the limit is also reset at its first
     * retransmission timeout (tcp_out_of_resources()), which a wait would take for close()'s */
    struct ac_match closed_end = {.states = AC_ALL_STATES, .local = &from};
    if (after == GONE)
        ac_expect_gone(AC_CLAIM(STATE, "client"), "the closed end right after close()", &closed_end,
                       0);
    else
        ac_expect_state(AC_CLAIM(STATE, "client"), "the closed end right after close()",
                        &closed_end, after, 0);
    ac_expect_int(AC_CLAIM(COUNT, "TcpExt TCPAbortOnMemory"),
                  "connections reset at close() for want of memory (TcpExt TCPAbortOnMemory)",
                  aborts, (int)(ac_tcpext_counter("TCPAbortOnMemory") - abort0));
    ac_expect_int(AC_CLAIM(COUNT, "Tcp OutRsts"), "RSTs sent by close() (Tcp OutRsts)", aborts,
                  (int)(ac_tcp_counter("OutRsts") - rst0));
}

/* name, tcp_mem, whether the closed end holds 4 MB, whether another connection does, the
 * closed end after close(), the aborts (and RSTs) it counts, the rule */
#define X(name, limit, queued, hog, after, aborts, rule)                                           \
    AC_TEST_WITH(tcpmem, name, (.machine_wide = true), .timeout = 20,                              \
                 .fini = close_all_and_restore_limit, .description = rule)                         \
    {                                                                                              \
        close_under_tcp_mem(limit, queued, hog, after, aborts);                                    \
    }
X(over_tcp_mem_close_with_4mb_unsent_resets_at_once, OVER, true, false, GONE, 1,
  "With tcp_mem's hard limit below the TCP memory in use, close() of a connection holding 4 MB "
  "unsent sends an RST and destroys it at once (TCPAbortOnMemory) instead of sending its FIN.")
X(over_tcp_mem_close_with_nothing_unsent_sends_fin, OVER, false, true, AC_FIN_WAIT1, 0,
  "Beyond tcp_mem's hard limit, a connection with nothing queued (another one holds the 4 MB) "
  "still closes with its FIN: only a socket holding more than SOCK_MIN_SNDBUF is reset.")
X(within_tcp_mem_close_with_4mb_unsent_sends_fin, WITHIN, true, false, AC_FIN_WAIT1, 0,
  "Within tcp_mem, close() of a connection holding 4 MB unsent queues its FIN behind the data: "
  "FIN_WAIT1, no RST.")
#undef X
