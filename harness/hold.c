#define _GNU_SOURCE
#include "hold.h"

#include "check.h"
#include "nft.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/pkt_sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool ac_hold_fast_retransmit(void)
{
    /* /proc/sys/net shows the namespace of the calling thread: the test's own. */
    int fd = open("/proc/sys/net/ipv4/tcp_rto_min_us", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false; /* before 6.11: no such knob, the default 200 ms minimum applies */
    static const char value[] = "5000";
    bool ok = write(fd, value, sizeof value - 1) == (ssize_t)(sizeof value - 1);
    close(fd);
    return ok;
}

static void drop(uint16_t from, uint16_t to, const char *flags)
{
    char rule[256];
    snprintf(rule, sizeof rule, "add rule inet afterclose in tcp sport %u tcp dport %u %s drop\n",
             from, to, flags);
    ac_nft(rule);
}

void ac_hold_drop_acks(uint16_t from, uint16_t to)
{
    drop(from, to, "tcp flags & (fin | syn | rst) == 0x0");
}

void ac_hold_drop_fins(uint16_t from, uint16_t to)
{
    drop(from, to, "tcp flags & fin == fin");
}

void ac_hold_drop_all(uint16_t from, uint16_t to)
{
    drop(from, to, "");
}

void ac_hold_drop_after_first(uint16_t from, uint16_t to)
{
    /* "quota over" matches once the bytes seen, this packet included, reach the quota. */
    drop(from, to, "quota over 100 bytes");
}

void ac_hold_release(void)
{
    ac_nft_flush();
}

/* --- the loopback plug --------------------------------------------------------------- */

/* The bucket must hold at least lo's MTU + link header (65550 bytes) or tbf warns in the
 * kernel log; at the plugged rate it holds 4 s of tokens, below tbf_change()'s cap of 2^32 ns
 * (a longer bucket would be cut, and a 60 kB datagram would no longer fit through it). */
#define PLUG_HANDLE   TC_HANDLE(0xac, 0)
#define PLUG_BUCKET   66000
#define PLUG_RATE     16384 /* bytes/s while plugged */
#define UNPLUG_RATE   1000000000
#define DRAIN_PAYLOAD 60000

static int plug_udp = -1; /* the datagrams that empty the bucket, to ourselves */

static void set_lo_tbf(int rate, int flags)
{
    static struct nl_sock *sk;
    if (!sk) {
        sk = nl_socket_alloc();
        int err = sk ? nl_connect(sk, NETLINK_ROUTE) : -NLE_NOMEM;
        if (err < 0)
            cr_assert_fail("plug: netlink route socket: %s", nl_geterror(err));
    }
    struct rtnl_qdisc *q = rtnl_qdisc_alloc();
    if (!q)
        cr_assert_fail("plug: out of memory");
    rtnl_tc_set_ifindex(TC_CAST(q), (int)if_nametoindex("lo"));
    rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
    rtnl_tc_set_handle(TC_CAST(q), PLUG_HANDLE);
    int err = rtnl_tc_set_kind(TC_CAST(q), "tbf");
    if (err == 0) {
        rtnl_qdisc_tbf_set_limit(q, 1 << 20);
        rtnl_qdisc_tbf_set_rate(q, rate, PLUG_BUCKET, 0);
        err = rtnl_qdisc_add(sk, q, flags);
    }
    rtnl_qdisc_put(q);
    if (err < 0)
        cr_assert_fail("plug: tbf qdisc on lo at %d bytes/s: %s", rate, nl_geterror(err));
}

static void send_to_self(size_t len)
{
    static char payload[DRAIN_PAYLOAD];
    struct sockaddr_in self;
    socklen_t sl = sizeof self;
    if (getsockname(plug_udp, (struct sockaddr *)&self, &sl) != 0 ||
        sendto(plug_udp, payload, len, 0, (struct sockaddr *)&self, sl) != (ssize_t)len)
        cr_assert_fail("plug: UDP datagram of %zu bytes to ourselves: %s", len, strerror(errno));
}

void ac_hold_plug_loopback(void)
{
    set_lo_tbf(PLUG_RATE, NLM_F_CREATE | NLM_F_EXCL);
    if (plug_udp < 0) {
        struct sockaddr_in lo = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        plug_udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (plug_udp < 0 || bind(plug_udp, (struct sockaddr *)&lo, sizeof lo) != 0)
            cr_assert_fail("plug: UDP socket on 127.0.0.1: %s", strerror(errno));
    }
    /* The bucket starts full (PLUG_BUCKET bytes): the first datagram takes almost all of it,
     * the second cannot pass until the bucket refills and so blocks the queue behind it. */
    send_to_self(DRAIN_PAYLOAD);
    send_to_self(DRAIN_PAYLOAD);
}

void ac_hold_unplug_loopback(void)
{
    /* Same kind, parent and handle: the kernel changes the qdisc in place (tbf_change()),
     * keeping its queue, and refills the bucket. A dequeue happens on the next enqueue. */
    set_lo_tbf(UNPLUG_RATE, NLM_F_REPLACE);
    send_to_self(1);
}

/* --- waits ------------------------------------------------------------------------------ */

/* What ac_hold_expect_retransmitted saw last of the first socket in the state. */
struct resent {
    struct ac_match want;
    bool in_state, resent;
    struct ac_sockinfo found;
};

static bool in_state_and_resent(const struct ac_sockinfo *rows, int n, void *arg)
{
    struct resent *r = arg;
    r->in_state = false;
    for (int i = 0; i < n; i++) {
        if (ac_diag_match(&r->want, &rows[i])) {
            r->in_state = true;
            r->found = rows[i];
            r->resent = r->found.retrans > 0;
            break;
        }
    }
    return r->in_state && r->resent;
}

struct ac_sockinfo ac_hold_expect_retransmitted(struct ac_about about, const char *what,
                                                const struct ac_match *m, int state, int timeout_ms)
{
    struct resent r = {.want = *m};
    r.want.states = AC_STATE_BIT(state);
    if (ac_diag_poll(in_state_and_resent, &r, timeout_ms) < 0)
        r.in_state = false;
    char step[256], expected[64], observed[64];
    snprintf(step, sizeof step, "state of %s after its retransmission timer fired", what);
    snprintf(expected, sizeof expected, "%s, retransmitted", ac_tcp_state_name(state));
    if (!r.in_state)
        snprintf(observed, sizeof observed, "not %s", ac_tcp_state_name(state));
    else
        snprintf(observed, sizeof observed, "%s, %s", ac_tcp_state_name(state),
                 r.resent ? "retransmitted" : "never retransmitted");
    /* typed as the state itself when it held and was resent: the state graph reads it */
    const char *name = ac_tcp_state_name(state);
    ac_expect_values(about, step, expected, observed, ac_value_state(name),
                     r.in_state && r.resent ? ac_value_state(name) : ac_value_text(observed));
    return r.found;
}

struct exactly {
    const struct ac_match *m;
    int n, seen;
};

static bool exactly_n(const struct ac_sockinfo *rows, int n, void *arg)
{
    struct exactly *w = arg;
    w->seen = ac_diag_matches(w->m, rows, n);
    return w->seen == w->n;
}

int ac_hold_wait_count(const struct ac_match *m, int n, int timeout_ms)
{
    struct exactly w = {.m = m, .n = n};
    int r = ac_diag_poll(exactly_n, &w, timeout_ms);
    return r < 0 ? r : w.seen;
}
