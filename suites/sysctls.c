/* The TIME_WAIT-related sysctls of a fresh network namespace, and whether any of them changes
 * the length of TIME_WAIT.
 *
 * Defaults (6.1 source): tcp_sk_init() (net/ipv4/tcp_ipv4.c) sets tcp_fin_timeout =
 * TCP_FIN_TIMEOUT (60 s), tcp_tw_reuse = 2, tcp_timestamps = 1, tcp_orphan_retries = 0, and
 * tcp_set_hashinfo() tcp_max_tw_buckets = half the entries of the established hash the namespace
 * uses (a power of two; the global one unless tcp_child_ehash_entries, default 0, asks for a
 * private one); tcp_rfc1337 is never set, so 0 (struct net is zeroed); inet_init_net()
 * (net/ipv4/af_inet.c) sets ip_local_port_range 32768-60999; tcp_tw_reuse_delay (6.14+) is
 * 1000 ms. A child namespace gets these defaults, not the host's values.
 *
 * Length: tcp_time_wait() (net/ipv4/tcp_minisocks.c) schedules a socket that enters TIME_WAIT
 * proper with timeo = TCP_TIMEWAIT_LEN (include/net/tcp.h, 60 * HZ), whatever the sysctls say;
 * tcp_fin_timeout only feeds the FIN_WAIT2 branch (tcp_fin_time()). */
#define _GNU_SOURCE
#include "../harness/actest.h"
#include "../fixtures/conn.h"
#include "../fixtures/kernel.h"
#include "../harness/within.h"
#include "../fixtures/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PORT 9999

TestSuite(sysctls, .description = "A fresh network namespace starts from the kernel's defaults "
                                  "for the TIME_WAIT-related sysctls, which the test, uid 0 of "
                                  "its namespace, may write; none of them changes TIME_WAIT's "
                                  "60 s.");

/* The sysctl's value as text with whitespace runs made single spaces; NULL if it does not
 * exist. */
static const char *read_sysctl(const char *name, char *buf, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "/proc/sys/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    char *w = buf;
    for (char *r = buf; *r; r++) {
        bool space = *r == ' ' || *r == '\t' || *r == '\n';
        if (space && (w == buf || w[-1] == ' '))
            continue;
        *w++ = space ? ' ' : *r;
    }
    while (w > buf && w[-1] == ' ')
        w--;
    *w = '\0';
    return buf;
}

/* "net.ipv4.tcp_fin_timeout" for "net/ipv4/tcp_fin_timeout": checks name a sysctl the way
 * sysctl(8) and the docs do. */
static const char *dotted(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", path);
    for (char *p = buf; *p; p++)
        if (*p == '/')
            *p = '.';
    return buf;
}

#define X(path, name, value, since, rule)                                                          \
    AC_TEST(sysctls, name, .description = rule)                                                    \
    {                                                                                              \
        char buf[128], subject[64];                                                                \
        const char *v = read_sysctl(path, buf, sizeof buf);                                        \
        if (!v && ac_kernel_version() < since)                                                     \
            cr_skip_test("%s does not exist before %d.%d", path, since / 1000, since % 1000);      \
        ac_expect_str(AC_CLAIM(SYSCTL, dotted(path, subject, sizeof subject)),                     \
                      "default of " path " in a fresh namespace", value, v ? v : "(missing)");     \
    }

/* name (sysctl path under /proc/sys), test name, default, first kernel that has it, the
 * rule */
X("net/ipv4/tcp_fin_timeout", tcp_fin_timeout_default_is_60, "60", AC_KV(5, 10),
  "tcp_fin_timeout starts at TCP_FIN_TIMEOUT, 60 s: it bounds orphaned FIN_WAIT2, not "
  "TIME_WAIT.")
X("net/ipv4/tcp_tw_reuse", tcp_tw_reuse_default_is_2, "2", AC_KV(5, 10),
  "tcp_tw_reuse starts at 2: connect() may take over a TIME_WAIT on loopback only.")
X("net/ipv4/tcp_timestamps", tcp_timestamps_default_is_1, "1", AC_KV(5, 10),
  "tcp_timestamps starts at 1, so TIME_WAITs carry the timestamps that tcp_tw_reuse needs.")
X("net/ipv4/tcp_rfc1337", tcp_rfc1337_default_is_0, "0", AC_KV(5, 10),
  "tcp_rfc1337 starts at 0 (never initialised): an RST may end a TIME_WAIT early.")
X("net/ipv4/tcp_orphan_retries", tcp_orphan_retries_default_is_0, "0", AC_KV(5, 10),
  "tcp_orphan_retries starts at 0, which the kernel reads as 8 retries while the RTO is "
  "small.")
X("net/ipv4/ip_local_port_range", ip_local_port_range_default_is_32768_60999, "32768 60999",
  AC_KV(5, 10), "ip_local_port_range starts at 32768-60999 in every namespace (inet_init_net()).")
X("net/ipv4/tcp_child_ehash_entries", tcp_child_ehash_entries_default_is_0, "0", AC_KV(6, 1),
  "tcp_child_ehash_entries starts at 0: child namespaces share the global established hash "
  "(6.1+).")
X("net/ipv4/tcp_rto_min_us", tcp_rto_min_us_default_is_200000, "200000", AC_KV(6, 11),
  "tcp_rto_min_us starts at TCP_RTO_MIN, 200000 us (6.11+, commit f086edef71be): the floor of "
  "the retransmission timeout, which the held-state tests lower.")
X("net/ipv4/tcp_tw_reuse_delay", tcp_tw_reuse_delay_default_is_1000, "1000", AC_KV(6, 14),
  "tcp_tw_reuse_delay starts at 1000 ms: how old a TIME_WAIT must be before tcp_tw_reuse "
  "takes it over (6.14+).")
#undef X

/* --- Who writes them -----------------------------------------------------------------------
 * A test is uid 0 in the user namespace that owns its network namespace: the real root when the
 * suite runs as root, and the caller's uid mapped to 0 when it runs unprivileged (the runner's
 * own user namespace, runner/runner.c). A per-namespace sysctl grants its owner's write bit to
 * whoever has CAP_NET_ADMIN over that user namespace (net_ctl_permissions(), net/sysctl_net.c),
 * so the tests may set the knobs they need, as root or not. */

AC_TEST(sysctls, test_process_is_uid_0_in_its_user_namespace,
        .description = "A test runs as uid 0 of the user namespace that owns its network "
                       "namespace, as root and also when the suite runs unprivileged in a user "
                       "namespace of its own.")
{
    ac_expect_int(AC_CLAIM(UID, "test process"), "getuid() inside the test", 0, (long)getuid());
    ac_expect_int(AC_CLAIM(UID, "test process"), "geteuid() inside the test", 0, (long)geteuid());
}

/* 0 or the errno of writing value to /proc/sys/<name>. */
static int write_sysctl(const char *name, const char *value)
{
    char path[256];
    snprintf(path, sizeof path, "/proc/sys/%s", name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    ssize_t n = write(fd, value, strlen(value));
    int err = n < 0 ? errno : n == (ssize_t)strlen(value) ? 0 : EIO;
    close(fd);
    return err;
}

/* net.ipv4.tcp_rto_min_us lives in struct netns_ipv4 (6.11+, commit f086edef71be, "tcp: add
 * sysctl_tcp_rto_min_us"), so the test's uid 0 may write its own namespace's copy. Kernels
 * before 6.11 have no such sysctl: skipped there, with the reason. */
AC_TEST(sysctls, tcp_rto_min_us_writable_in_the_test_namespace,
        .description = "tcp_rto_min_us is per network namespace (6.11+): the test, uid 0 of its "
                       "namespace's user namespace, writes it and reads back what it wrote, as "
                       "root or unprivileged.")
{
    const char *path = "net/ipv4/tcp_rto_min_us";
    char buf[64];
    if (!read_sysctl(path, buf, sizeof buf) && ac_kernel_version() < AC_KV(6, 11))
        cr_skip_test("%s does not exist before 6.11 (commit f086edef71be)", path);
    ac_expect_errno(AC_CLAIM(SYSCTL, "net.ipv4.tcp_rto_min_us"),
                    "write 5000 to net/ipv4/tcp_rto_min_us", 0, write_sysctl(path, "5000"));
    const char *v = read_sysctl(path, buf, sizeof buf);
    ac_expect_str(AC_CLAIM(SYSCTL, "net.ipv4.tcp_rto_min_us"), "net/ipv4/tcp_rto_min_us read back",
                  "5000", v ? v : "(missing)");
}

/* The established hash's buckets, as tcp_set_hashinfo() sizes the namespace's defaults by: the
 * namespace's tcp_ehash_entries (6.1+, commit d1e5e6408b30; negative when it shares the host's
 * table), else twice tcp_max_tw_buckets (before 6.1 the host's table only tells dmesg its size).
 * 0 when unreadable. */
static long ehash_entries(void)
{
    char buf[64];
    const char *v = read_sysctl("net/ipv4/tcp_ehash_entries", buf, sizeof buf);
    if (v)
        return labs(atol(v));
    v = read_sysctl("net/ipv4/tcp_max_tw_buckets", buf, sizeof buf);
    return v ? 2 * atol(v) : 0;
}

static long sysctl_number(const char *name)
{
    char buf[64];
    const char *v = read_sysctl(name, buf, sizeof buf);
    return v ? atol(v) : -1;
}

/* The defaults tcp_set_hashinfo() derives from the size N of the namespace's established hash:
 * tcp_max_tw_buckets = N / 2, tcp_max_syn_backlog = max(128, N / 128). */
static void expect_table_defaults(const char *where)
{
    long n = ehash_entries();
    char step[160];
    snprintf(step, sizeof step, "default of net/ipv4/tcp_max_tw_buckets in %s: entries / 2", where);
    ac_expect_int(AC_CLAIM(SYSCTL, "net.ipv4.tcp_max_tw_buckets"), step, n / 2,
                  sysctl_number("net/ipv4/tcp_max_tw_buckets"));
    snprintf(step, sizeof step,
             "default of net/ipv4/tcp_max_syn_backlog in %s: max(128, entries / 128)", where);
    ac_expect_int(AC_CLAIM(SYSCTL, "net.ipv4.tcp_max_syn_backlog"), step,
                  n / 128 > 128 ? n / 128 : 128, sysctl_number("net/ipv4/tcp_max_syn_backlog"));
}

AC_TEST(sysctls, tcp_max_tw_buckets_default_is_half_the_established_hash,
        .description = "tcp_max_tw_buckets starts at half the entries of the namespace's "
                       "established hash table, a power of two, and tcp_max_syn_backlog at a "
                       "128th of them but at least 128: numbers that follow the table's size, "
                       "not fixed ones.")
{
    long n = sysctl_number("net/ipv4/tcp_max_tw_buckets");
    ac_expect_str(AC_CLAIM(SYSCTL, "net.ipv4.tcp_max_tw_buckets"),
                  "default of net/ipv4/tcp_max_tw_buckets in a fresh namespace", "a power of two",
                  n > 0 && (n & (n - 1)) == 0 ? "a power of two" : "not a power of two");
    expect_table_defaults("a fresh namespace");
}

/* The test's namespace has tcp_child_ehash_entries 0 (the default, above), so a namespace
 * created from it shares the host's table (tcp_set_hashinfo()'s fallback), whatever table the
 * runner gave the test's own (fixtures/netns.h): these are the host's defaults. */
AC_TEST(sysctls, table_defaults_in_a_namespace_sharing_the_host_table_follow_its_size,
        .description = "A namespace created from one whose tcp_child_ehash_entries is 0 shares the "
                       "host's established hash, and its tcp_max_tw_buckets and "
                       "tcp_max_syn_backlog follow that table's size by the same rule.")
{
    ac_setup_ok("unshare(CLONE_NEWNET): a namespace created from the test's",
                unshare(CLONE_NEWNET) ? errno : 0);
    char buf[64];
    const char *v = read_sysctl("net/ipv4/tcp_ehash_entries", buf, sizeof buf);
    /* before 6.1 there is no such sysctl, and every namespace shares the host's table */
    const char *shares = v                                   ? (atol(v) < 0 ? "yes" : "no")
                         : ac_kernel_version() < AC_KV(6, 1) ? "yes"
                                                             : "(missing)";
    ac_expect_str(AC_SETUP(SYSCTL, "net.ipv4.tcp_ehash_entries"),
                  "the new namespace shares the host's table (tcp_ehash_entries negative)", "yes",
                  shares);
    expect_table_defaults("a namespace sharing the host's table");
}

#define X(part, path, value)                                                                       \
    AC_TEST(sysctls, time_wait_timer_still_60s_with_##part,                                        \
            .description = "TIME_WAIT lasts TCP_TIMEWAIT_LEN, a constant: with " path "=" value    \
                           " the new TIME_WAIT is still a file-less timewait socket whose timer "  \
                           "shows about 60 s left in sock_diag.")                                  \
    {                                                                                              \
        ac_netns_sysctl(path, value);                                                              \
        struct ac_conn c;                                                                          \
        ac_conn_open(&c, AC_SERVER_IP, AC_SERVER_IP, PORT, 0);                                     \
        struct ac_sockinfo tw = ac_conn_server_closes_first(&c, true);                             \
        ac_expect_str(AC_CLAIM(TIMER, "server end"), "TIME_WAIT timer kind (sock_diag)",           \
                      "timewait", ac_timer_kind(tw.timer));                                        \
        ac_expect_within(AC_CLAIM(TIMER, "server end"),                                            \
                         "TIME_WAIT timer left (sock_diag expires) with " path "=" value, 55000,   \
                         60000, tw.expires_ms);                                                    \
        ac_expect_int(AC_CLAIM(FILE, "server end"),                                                \
                      "inode of the TIME_WAIT (0: no file refers to it)", 0, tw.inode);            \
    }

/* name part, sysctl, value */
X(tcp_fin_timeout_1, "net/ipv4/tcp_fin_timeout", "1")
X(tcp_fin_timeout_120, "net/ipv4/tcp_fin_timeout", "120")
X(tcp_tw_reuse_0, "net/ipv4/tcp_tw_reuse", "0")
X(tcp_tw_reuse_1, "net/ipv4/tcp_tw_reuse", "1")
X(tcp_timestamps_0, "net/ipv4/tcp_timestamps", "0")
X(tcp_rfc1337_1, "net/ipv4/tcp_rfc1337", "1")
X(tcp_max_tw_buckets_1, "net/ipv4/tcp_max_tw_buckets", "1")
X(tcp_orphan_retries_1, "net/ipv4/tcp_orphan_retries", "1")
#undef X
