/* The machine's limit on orphans: connections whose application has closed them and which are
 * still closing (here FIN_WAIT1, their FIN never acknowledged).
 *
 * 6.1 source: each time an orphan's retransmission timer fires, tcp_write_timeout() calls
 * tcp_out_of_resources(sk, do_reset), do_reset true while the RTO is below TCP_RTO_MAX. It adds
 * 1 to `shift` when the orphan sent nothing for 2 * TCP_RTO_MAX (240 s) or !do_reset, 1 more
 * after a soft ICMP error, and resets the orphan (tcp_send_active_reset(): an RST, Tcp OutRsts;
 * tcp_done(); TcpExt TCPAbortOnMemory) when tcp_check_oom(sk, shift) finds too many:
 * tcp_too_many_orphans() compares tcp_orphan_cache << shift with sysctl_tcp_max_orphans. So an
 * orphan that sent recently counts once. __tcp_close() makes the same check (shift 0) as it
 * orphans the socket. tcp_orphan_cache is the per-CPU orphan count summed every 100 ms by a
 * deferrable timer (tcp_orphan_update()); 5.10.262, 6.12 and 7.2 read it the same way.
 *
 * Both the count and the limit belong to the whole machine: tcp_max_orphans is in ipv4_table,
 * the initial namespace's table, on 5.10, 6.1, 6.12 and 7.2 (sysctl_net_ipv4.c), not in
 * ipv4_net_table. So these tests are .machine_wide: they run only in a guest the suite booted,
 * which runs them alone, and they put the limit back (.fini).
 *
 * Each test makes K connections over 192.168.1.100, drops every segment to the listener's port
 * (nf_tables), closes the K client ends (K orphans in FIN_WAIT1 retransmitting their FIN) and
 * waits (sock_diag) until each has been through its first retransmission timeout (retrans >= 1,
 * some 400 ms after close(): a tail loss probe, then the RTO), or is gone. By then the cache has
 * been summed after the last close(), so every check sees at least as many orphans as there are
 * (they only go away). */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/diag.h"
#include "../fixtures/expect_state.h"
#include "../fixtures/machine.h"
#include "../fixtures/mib.h"
#include "../fixtures/netns.h"
#include "../fixtures/nft.h"
#include "../fixtures/pending.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 9999
/* 64 orphans: within tcp_max_orphans=96 they hold with up to 32 orphans of other tests beside
 * them, and the guest runs these tests alone. */
#define K 64
/* The first retransmission timeout comes some 400 ms after close(); a guest under emulation is
 * slower. */
#define RESENT_WITHIN_MS 5000
/* The states an orphan of ours may be in: every one but those no connection has (a bound-only
 * CLOSE would make sock_diag walk the bind table). */
#define CLOSING_STATES (AC_ALL_STATES & ~AC_STATE_BIT(AC_LISTEN) & ~AC_STATE_BIT(AC_CLOSE))

TestSuite(orphans,
          .description = "tcp_max_orphans caps the orphans of the whole machine (connections "
                         "closed by their application, still closing): beyond it an orphan is "
                         "reset with an RST when it is orphaned or when its retransmission "
                         "timer fires, counted in TCPAbortOnMemory; one that sent within the "
                         "last 240 s counts once. A global sysctl: these tests run only in a "
                         "guest the suite booted.");

/* The accepted ends, the orphans' peers (the orphans' FINs never reach them), open until
 * release_orphans(). */
static int peers[K], n_peers;

/* The peers' RSTs (SO_LINGER {1, 0}) end the orphans left at once: none outlives the test to count
 * against the next one (a FIN_WAIT1 orphan retransmits for about 100 s otherwise). */
static void release_orphans(void)
{
    while (n_peers > 0)
        ac_close_with_rst(peers[--n_peers]);
}

/* .fini: after a failed check too. */
static void release_orphans_and_restore_limit(void)
{
    release_orphans();
    ac_machine_restore();
}

/* How the orphans stand in one read of the table. */
struct standing {
    const struct ac_match *ours;
    int left, resent;
};

static bool each_resent_or_gone(const struct ac_sockinfo *rows, int n, void *arg)
{
    struct standing *s = arg;
    s->left = s->resent = 0;
    for (int i = 0; i < n; i++)
        if (ac_diag_match(s->ours, &rows[i])) {
            s->left++;
            s->resent += rows[i].retrans >= 1;
        }
    return s->resent == s->left;
}

/* The orphans left, against the row's range: exact where it is one number. */
static void expect_left(int lo, int hi, int left)
{
    const char *step = "orphans still in FIN_WAIT1 after their first retransmission timeout";
    if (lo == hi) {
        ac_expect_int(AC_CLAIM(COUNT, "orphans"), step, lo, left);
        return;
    }
    char want[32], got[32];
    snprintf(want, sizeof want, "%d..%d", lo, hi);
    snprintf(got, sizeof got, "%d", left);
    bool in = left >= lo && left <= hi;
    ac_expect_values(AC_CLAIM(COUNT, "orphans"), step, want, in ? want : got, ac_value_text(want),
                     in ? ac_value_text(want) : ac_value_int(left));
}

/* K orphans under tcp_max_orphans=max; lo..hi of them are left after the first retransmission
 * timeout, and each one gone was reset for want of room. */
static void orphans_under_limit(const char *max, int lo, int hi)
{
    struct ac_addr at;
    ac_addr_parse(&at, AC_SERVER_IP, PORT);
    int l = ac_listener(AC_SERVER_IP, PORT, 0, K);
    int client[K];
    for (int i = 0; i < K; i++) {
        client[i] = ac_setup_fd("client socket", ac_tcp_socket(AF_INET, 0));
        ac_setup_ok("client connect", ac_connect(client[i], &at));
        peers[n_peers++] = ac_setup_fd("accept", ac_accept_within(l, AC_STATE_TIMEOUT_MS));
    }
    close(l);
    /* the orphans' FINs (and their retransmissions, and their RSTs) never reach the peers */
    ac_nft("add rule inet afterclose in tcp dport 9999 drop\n");
    ac_machine_sysctl("net/ipv4/tcp_max_orphans", max);
    long aborts = ac_tcpext_counter("TCPAbortOnMemory"), rsts = ac_tcp_counter("OutRsts");
    for (int i = 0; i < K; i++)
        close(client[i]);

    struct ac_match ours = {.states = CLOSING_STATES, .remote = &at};
    struct standing s = {.ours = &ours};
    bool waited = ac_diag_poll(ours.states, each_resent_or_gone, &s, RESENT_WITHIN_MS) == 1;
    char seen[64];
    snprintf(seen, sizeof seen, "no: %d of %d left never retransmitted", s.left - s.resent, s.left);
    ac_expect_str(AC_SETUP(STATE, "orphans"),
                  "every orphan retransmitted its FIN (sock_diag retrans >= 1) or gone", "yes",
                  waited ? "yes" : seen);
    ours.states = AC_STATE_BIT(AC_FIN_WAIT1);
    int left = ac_diag_count(&ours);
    expect_left(lo, hi, left);
    /* every orphan gone was reset for want of room: one abort and one RST each. Counted with
     * those left, so that the claims' values do not depend on how many went. */
    ac_expect_int(
        AC_CLAIM(COUNT, "TcpExt TCPAbortOnMemory"),
        "orphans left plus orphans aborted for too many orphans (TcpExt TCPAbortOnMemory)", K,
        left + (int)(ac_tcpext_counter("TCPAbortOnMemory") - aborts));
    ac_expect_int(AC_CLAIM(COUNT, "Tcp OutRsts"),
                  "orphans left plus RSTs the orphans sent (Tcp OutRsts)", K,
                  left + (int)(ac_tcp_counter("OutRsts") - rsts));

    release_orphans();
    ours.states = CLOSING_STATES;
    ac_expect_gone(AC_SETUP(STATE, "orphans"), "orphans after the peers' RSTs", &ours,
                   AC_STATE_TIMEOUT_MS);
}

/* name, tcp_max_orphans, the orphans left (range), the rule. Row 1 fails where an orphan that
 * sent recently counts twice (64 << 1 > 96: all are reset). Row 2 leaves some where a fresh count
 * taken while they are being reset is already at or below 32: those left are spared (0 to 28
 * were left in guests). */
#define X(name, max, lo, hi, rule)                                                                 \
    AC_TEST_WITH(orphans, name, (.machine_wide = true, .nofile = 2 * K + AC_NOFILE_DEFAULT),       \
                 .timeout = 20, .fini = release_orphans_and_restore_limit, .description = rule)    \
    {                                                                                              \
        orphans_under_limit(max, lo, hi);                                                          \
    }
X(within_max_orphans_all_outlive_first_retransmission, "96", K, K,
  "With 64 orphans in FIN_WAIT1 and tcp_max_orphans=96 every orphan outlives its first "
  "retransmission timeout: one that sent within the last 240 s counts once against the limit "
  "(64 <= 96), so none is reset.")
X(beyond_max_orphans_reset_down_to_the_limit, "32", 0, K / 2,
  "With 64 orphans and tcp_max_orphans=32 the orphans beyond the limit are reset, each with an "
  "RST and counted in TCPAbortOnMemory, as they are orphaned or at their first retransmission "
  "timeout: at most 32 are left.")
#undef X
