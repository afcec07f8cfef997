/* Which listener of a SO_REUSEPORT group gets a connection when no program of the group picks:
 * SO_INCOMING_CPU, and SO_DETACH_REUSEPORT_BPF taking the program away.
 *
 * A SYN for the group's port goes to one listener, chosen when the SYN arrives
 * (reuseport_select_sock(), net/core/sock_reuseport.c): by the group's BPF program when one is
 * attached (acceptq/reuseport_*), else by a hash of the 4-tuple. SO_INCOMING_CPU names the CPU a
 * listener wants. Since b261eda84ec1 ("soreuseport: Fix socket selection for SO_INCOMING_CPU.",
 * 6.2; Kazuho Oku's report: ignored in groups since 4.6), once a listener of the group has it,
 * reuseport_select_sock_by_hash() starts at the hash's pick and takes the first listener whose
 * CPU is the one handling the SYN, the hash's pick when none is. Before it the hash alone
 * decided. Sources read: 5.10.262 lacks it; 6.1.192, 6.12.118 and 7.2.13 have it (it reached
 * 6.0 and 6.1 through stable updates; the first 6.1 update with it is not known here, so earlier
 * 6.1 kernels skip these rows, naming the fix).
 *
 * The CPU handling a SYN over loopback is the sender's: connect() queues it on its own CPU's
 * backlog (netif_rx()) and that CPU's softirq processes it, unless RPS moves it. So the client
 * stays on the CPU it runs on, and every client's SO_INCOMING_CPU after the handshake (the CPU
 * that processed its SYN-ACK, sk_incoming_cpu_update()) must be that CPU, or the test is broken.
 *
 * 64 connections from 64 ports: a hash sends them all to one of two listeners with a
 * probability of 2^-63, so "both listeners got connections" is the hash at work. */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/bpf.h"
#include "../fixtures/cpu.h"
#include "../fixtures/diag.h"
#include "../fixtures/diagwait.h"
#include "../fixtures/kernel.h"
#include "../fixtures/netns.h"
#include "../fixtures/pending.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT  9999
#define CONNS 64

TestSuite(steering, .description = "Which listener of a SO_REUSEPORT group gets a connection "
                                   "when no program picks: the one whose SO_INCOMING_CPU is the "
                                   "CPU handling the SYN (since 6.2, and in 6.1 and 6.0 through "
                                   "stable updates; before, the hash decided), else the hash of "
                                   "the 4-tuple, also once SO_DETACH_REUSEPORT_BPF took the "
                                   "group's program away.");

/* Read from the 6.1.192, 6.12.118 and 5.10.262 sources (__reuseport_get_incoming_cpu()). */
static const struct ac_stable_point incoming_cpu_points[] = {
    {AC_KV(5, 10), AC_NONE_KNOWN, 262},
    {AC_KV(6, 1), 192, AC_NONE_KNOWN},
};
static const struct ac_stable_fix INCOMING_CPU_FIX = {
    "soreuseport: Fix socket selection for SO_INCOMING_CPU. (b261eda84ec1)", AC_KV(6, 2),
    incoming_cpu_points, sizeof incoming_cpu_points / sizeof incoming_cpu_points[0]};

#define SECOND_ONLY "the second listener only"
#define BOTH        "both listeners"

static void set_incoming_cpu(int fd, int cpu)
{
    ac_setup_ok("SO_INCOMING_CPU",
                setsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU, &cpu, sizeof cpu) ? errno : 0);
}

/* A listener of the group on ip:9999; SO_INCOMING_CPU `cpu` set before listen() when `before`
 * (it then counts as it joins the group), else by the caller. */
static int group_listener(const char *ip, int cpu, bool before)
{
    struct ac_addr at;
    ac_addr_parse(&at, ip, PORT);
    int l = ac_setup_fd("listener socket", ac_tcp_socket(ac_addr_family(&at), AC_REUSEPORT));
    if (before)
        set_incoming_cpu(l, cpu);
    ac_setup_ok("listener bind", ac_bind(l, &at));
    ac_setup_ok("listener listen", ac_listen(l, 2 * CONNS));
    ac_setup_ok("O_NONBLOCK on the listener", fcntl(l, F_SETFL, O_NONBLOCK) ? errno : 0);
    return l;
}

/* Accepts what the handshakes put in the two queues, waking when one has a connection, until
 * expected_total or the deadline; n[i]: how many listener i took. */
static void accept_all(const int l[2], int n[2], int expected_total)
{
    n[0] = n[1] = 0;
    int64_t deadline = ac_now_ms() + AC_STATE_TIMEOUT_MS;
    for (;;) {
        for (int i = 0; i < 2; i++)
            for (int s; (s = accept(l[i], NULL, NULL)) >= 0; n[i]++)
                close(s);
        int64_t left = deadline - ac_now_ms();
        if (n[0] + n[1] >= expected_total || left <= 0)
            return;
        struct pollfd ready[2] = {{.fd = l[0], .events = POLLIN}, {.fd = l[1], .events = POLLIN}};
        poll(ready, 2, (int)left);
    }
}

/* CONNS connections to the group on ip from `cpu`; which listeners accepted them. */
static const char *who_accepts(const char *ip, const int l[2], int cpu)
{
    int c[CONNS], n[2];
    for (int i = 0; i < CONNS; i++)
        c[i] = ac_connect_pending(ip, PORT, 0, NULL);
    accept_all(l, n, CONNS);
    ac_expect_int(AC_SETUP(COUNT, "accept queues"), "connections accepted within 2 s", CONNS,
                  n[0] + n[1]);
    for (int i = 0; i < CONNS; i++) {
        int got = -1;
        socklen_t len = sizeof got;
        ac_setup_ok("getsockopt SO_INCOMING_CPU of a client",
                    getsockopt(c[i], SOL_SOCKET, SO_INCOMING_CPU, &got, &len) ? errno : 0);
        if (got != cpu)
            ac_broken("a client's SYN-ACK was handled on CPU %d, not on the client's CPU %d "
                      "(RPS?): which CPU handles the SYN is then not the test's",
                      got, cpu);
        close(c[i]);
    }
    return n[0] && n[1] ? BOTH : n[1] ? SECOND_ONLY : n[0] ? "the first listener only" : "none";
}

enum when { BEFORE_LISTEN, AFTER_LISTEN };

/* Two listeners on ip, the second asking for CPU `cpu + cpu_offset` (set `when`); which
 * listeners the connections from `cpu` reach. */
static void incoming_cpu(const char *ip, const char *group, enum when when, int cpu_offset,
                         const char *expected)
{
    int cpu = ac_stay_on_this_cpu();
    int l[2];
    l[0] = group_listener(ip, -1, false);
    l[1] = group_listener(ip, cpu + cpu_offset, when == BEFORE_LISTEN);
    if (when == AFTER_LISTEN)
        set_incoming_cpu(l[1], cpu + cpu_offset);
    ac_expect_str(AC_CLAIM(ACCEPT, group),
                  "listeners that accepted the 64 connections from the client's CPU", expected,
                  who_accepts(ip, l, cpu));
}

/* the listener on the client's CPU takes all, with the fix; both get some without it */
#define STEERED ac_with_fix_text(&INCOMING_CPU_FIX, SECOND_ONLY, BOTH)
#define V4      AC_LOOPBACK_IP, "127.0.0.1:9999"
#define V6      "::1", "[::1]:9999"
#define X(name, ip, when, cpu_offset, expected, rule)                                              \
    AC_TEST(steering, name, .description = rule)                                                   \
    {                                                                                              \
        incoming_cpu(ip, when, cpu_offset, expected);                                              \
    }
/* name, the group's address, when the second listener's SO_INCOMING_CPU is set, its CPU minus
 * the client's, the listeners the connections reach, the rule */
X(incoming_cpu_set_before_listen_takes_every_connection_from_its_cpu, V4, BEFORE_LISTEN, 0, STEERED,
  "Of two SO_REUSEPORT listeners, the one whose SO_INCOMING_CPU (set before listen()) is the "
  "CPU handling the SYNs gets all 64 connections (6.2's b261eda84ec1, in 6.1.192 too); without "
  "that fix, as in 5.10.262, the hash spreads them over both.")
X(incoming_cpu_set_after_listen_takes_every_connection_from_its_cpu, V4, AFTER_LISTEN, 0, STEERED,
  "SO_INCOMING_CPU set on a listener already in the group steers the same way: all 64 "
  "connections from its CPU (with b261eda84ec1; without it, both listeners get some).")
X(incoming_cpu_of_another_cpu_leaves_the_choice_to_the_hash, V4, BEFORE_LISTEN, 1, BOTH,
  "When no listener's SO_INCOMING_CPU is the CPU handling the SYN, the hash of the 4-tuple "
  "picks: 64 connections reach both listeners.")
X(incoming_cpu_set_before_listen_takes_every_connection_from_its_cpu_ipv6, V6, BEFORE_LISTEN, 0,
  STEERED,
  "Over IPv6 too ([::1], inet6_lookup_reuseport()), the listener whose SO_INCOMING_CPU is the "
  "CPU handling the SYNs gets all 64 connections with b261eda84ec1; without it both get some.")
#undef X
#undef STEERED
#undef V4
#undef V6

/* sock_setsockopt() reads an int before any option, so detach passes one too (ignored). */
static int detach(int fd)
{
    int unused = 0;
    return setsockopt(fd, SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, &unused, sizeof unused) ? errno : 0;
}

AC_TEST(steering, detached_program_leaves_the_choice_to_the_hash,
        .description = "After SO_DETACH_REUSEPORT_BPF the group's program no longer picks: a "
                       "classic BPF program sending every connection to the first listener "
                       "is detached, and the next 64 connections reach both listeners.")
{
    int cpu = ac_stay_on_this_cpu();
    int l[2] = {group_listener(AC_LOOPBACK_IP, -1, false),
                group_listener(AC_LOOPBACK_IP, -1, false)};
    ac_attach_reuseport_cbpf(l[0], 0);
    ac_expect_str(AC_SETUP(ACCEPT, "127.0.0.1:9999"), "listeners that accepted, program attached",
                  "the first listener only", who_accepts(AC_LOOPBACK_IP, l, cpu));
    ac_expect_errno(AC_CLAIM(SOCKOPT, "SO_DETACH_REUSEPORT_BPF"),
                    "setsockopt SO_DETACH_REUSEPORT_BPF on the first listener", 0, detach(l[0]));
    ac_expect_str(AC_CLAIM(ACCEPT, "127.0.0.1:9999"),
                  "listeners that accepted the next 64 connections, program detached", BOTH,
                  who_accepts(AC_LOOPBACK_IP, l, cpu));
}

#define X(name, opts, expected, rule)                                                              \
    AC_TEST(steering, name, .description = rule)                                                   \
    {                                                                                              \
        int l = ac_listener(AC_LOOPBACK_IP, PORT, opts, 4);                                        \
        ac_expect_errno(AC_CLAIM(SOCKOPT, "SO_DETACH_REUSEPORT_BPF"),                              \
                        "setsockopt SO_DETACH_REUSEPORT_BPF", expected, detach(l));                \
        close(l);                                                                                  \
    }
/* name, the listener's options, detach's errno, the rule */
X(detach_without_a_program_fails_enoent, AC_REUSEPORT, ENOENT,
  "SO_DETACH_REUSEPORT_BPF on a group that has no program fails with ENOENT.")
X(detach_without_so_reuseport_fails_einval, 0, EINVAL,
  "SO_DETACH_REUSEPORT_BPF on a listener without SO_REUSEPORT (no group) fails with EINVAL.")
#undef X
