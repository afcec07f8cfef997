/* Per-namespace limits on how long a closing or opening connection is kept, and on how many
 * TIME_WAIT sockets a namespace may hold.
 *
 * 6.1 source: tcp_write_timeout() gives up on a socket that still has a file after
 * tcp_retries2 retransmissions' worth of time (retransmits_timed_out(): the time the
 * retransmissions would take from TCP_RTO_MIN, (2^(n+1) - 1) * 200 ms for small n, checked when
 * the backed-off retransmission timer fires) and reports ETIMEDOUT (tcp_write_err()); orphans
 * use tcp_orphan_retries instead (suites/timers.c). For tcp_retries2=1 that is 600 ms from the
 * FIN's first transmission on 6.1; 6.18 was measured giving up after about 1.7 s.
 *
 * reqsk_timer_handler() drops a SYN_RECV request whose SYN-ACK was retransmitted
 * tcp_synack_retries times (1 s, then doubling). tcp_set_hashinfo() gives a namespace created
 * from one with tcp_child_ehash_entries=N an established hash of its own, N buckets, and
 * tcp_max_tw_buckets = N / 2. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/hold.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"
#include "../harness/within.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999

TestSuite(limits,
          .description = "tcp_retries2 bounds how long a socket with a file retransmits an "
                         "unacknowledged FIN before it gives up with ETIMEDOUT, "
                         "tcp_synack_retries how long a SYN_RECV request waits for the last ACK, "
                         "and tcp_child_ehash_entries sizes a child namespace's own table and "
                         "with it its tcp_max_tw_buckets.");

AC_TEST_WITH(limits, retries2_1_aborts_unacked_fin_wait1_etimedout, (.waits = true), .timeout = 10,
             .description = "With tcp_retries2=1 a half-closed socket whose FIN is never "
                            "acknowledged gives up within a few seconds instead of the default "
                            "15 retries' many minutes: it is aborted with ETIMEDOUT, its fd still "
                            "open.")
{
    ac_netns_sysctl("net/ipv4/tcp_retries2", "1");
    struct ac_conn c;
    ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);
    ac_hold_drop_acks(ac_addr_port(&c.client_end), PORT);
    ac_expect_fin_given_up(c.server, 300, 4000);
}

AC_TEST_WITH(limits, synack_retries_1_drops_syn_recv_request_after_3s,
             (.slow = true, .waits = true), .timeout = 20,
             .description = "With tcp_synack_retries=1 a SYN_RECV request whose last ACK never "
                            "comes is dropped at the timer after its one SYN-ACK "
                            "retransmission, about 3 s after the SYN.")
{
    ac_netns_sysctl("net/ipv4/tcp_synack_retries", "1");
    int l = ac_listener(AC_SERVER_IP, PORT, 0, 16);
    ac_hold_handshake_acks(PORT);
    struct ac_addr client, at;
    int64_t start = ac_now_ms();
    int c = ac_connect_pending(AC_SERVER_IP, PORT, 0, &client);
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    struct ac_match req = {.local = &at, .remote = &client};
    ac_expect_state(AC_SETUP(STATE, "server end"), "server end, its last ACK held", &req,
                    AC_SYN_RECV, AC_STATE_TIMEOUT_MS);
    ac_expect_lifetime("server end", "SYN_RECV request with tcp_synack_retries=1 (from the SYN)",
                       req, start, 2000, 6000);
    close(c);
    close(l);
}

/* A sysctl of the calling thread's namespace, as a number; -1 if unreadable. */
static long read_number(const char *path)
{
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    return n > 0 ? atol(buf) : -1;
}

AC_TEST(limits, child_ehash_entries_1024_gives_child_namespace_512_tw_buckets,
        .description = "tcp_child_ehash_entries=1024 gives every namespace created from this one "
                       "an established hash of its own with 1024 buckets, and so "
                       "tcp_max_tw_buckets 512: room for at most 512 TIME_WAIT sockets.")
{
    ac_netns_sysctl("net/ipv4/tcp_child_ehash_entries", "1024");
    /* the worker's own namespace is the parent; a new one is created from it */
    ac_setup_ok("unshare(CLONE_NEWNET): a child namespace", unshare(CLONE_NEWNET) ? errno : 0);
    ac_expect_int(AC_CLAIM(SYSCTL, "net.ipv4.tcp_ehash_entries"),
                  "tcp_ehash_entries of the child namespace", 1024,
                  read_number("/proc/sys/net/ipv4/tcp_ehash_entries"));
    ac_expect_int(AC_CLAIM(SYSCTL, "net.ipv4.tcp_max_tw_buckets"),
                  "tcp_max_tw_buckets of the child namespace", 512,
                  read_number("/proc/sys/net/ipv4/tcp_max_tw_buckets"));
}
