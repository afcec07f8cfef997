#define _GNU_SOURCE
#include "diag.h"

#include <errno.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/idiag/msg.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MAX_SOCKETS 4096

static const char *const state_names[] = {
    [AC_ESTABLISHED] = "ESTABLISHED",
    [AC_SYN_SENT] = "SYN_SENT",
    [AC_SYN_RECV] = "SYN_RECV",
    [AC_FIN_WAIT1] = "FIN_WAIT1",
    [AC_FIN_WAIT2] = "FIN_WAIT2",
    [AC_TIME_WAIT] = "TIME_WAIT",
    [AC_CLOSE] = "CLOSE",
    [AC_CLOSE_WAIT] = "CLOSE_WAIT",
    [AC_LAST_ACK] = "LAST_ACK",
    [AC_LISTEN] = "LISTEN",
    [AC_CLOSING] = "CLOSING",
};

const char *ac_tcp_state_name(int state)
{
    if (state > 0 && state < (int)(sizeof state_names / sizeof *state_names))
        return state_names[state];
    return "UNKNOWN";
}

int64_t ac_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void addr_from_diag(struct ac_addr *a, int family, struct nl_addr *na, uint16_t port_be)
{
    /* sock_diag hands IPv4 addresses over in a 16-byte field: only the first 4 bytes count. */
    const unsigned char *raw = na ? (const unsigned char *)nl_addr_get_binary_addr(na) : NULL;
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        in->sin_port = port_be;
        if (raw)
            memcpy(&in->sin_addr, raw, 4);
        len = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = port_be;
        if (raw)
            memcpy(&in6->sin6_addr, raw, 16);
        len = sizeof *in6;
    }
    ac_addr_from_sockaddr(a, (struct sockaddr *)&ss, len);
}

struct collect {
    struct ac_sockinfo *out;
    size_t max;
    size_t n;
};

static void collect_one(struct nl_object *obj, void *arg)
{
    struct collect *c = arg;
    struct idiagnl_msg *m = (struct idiagnl_msg *)obj;
    int family = idiagnl_msg_get_family(m);
    if (c->n < c->max) {
        struct ac_sockinfo *s = &c->out[c->n];
        s->family = family;
        s->state = idiagnl_msg_get_state(m);
        addr_from_diag(&s->local, family, idiagnl_msg_get_src(m), idiagnl_msg_get_sport(m));
        addr_from_diag(&s->remote, family, idiagnl_msg_get_dst(m), idiagnl_msg_get_dport(m));
        s->timer = idiagnl_msg_get_timer(m);
        s->expires_ms = idiagnl_msg_get_expires(m);
        s->inode = idiagnl_msg_get_inode(m);
        s->retrans = idiagnl_msg_get_retrans(m);
    }
    c->n++;
}

/* One netlink socket per process, created on first use: a sock_diag socket reports the namespace
 * it was created in, and the fixture unshares before any test reads the table. */
static struct nl_sock *diag_socket(int *err)
{
    static struct nl_sock *sk;
    if (sk)
        return sk;
    sk = nl_socket_alloc();
    if (!sk) {
        *err = -ENOMEM;
        return NULL;
    }
    int r = idiagnl_connect(sk);
    if (r < 0) {
        nl_socket_free(sk);
        sk = NULL;
        *err = -EPROTONOSUPPORT;
        return NULL;
    }
    return sk;
}

/* Each dumped message is parsed on its own: libnl's idiag cache is hashed by (family, addresses,
 * ports) and silently drops a second socket with the same ones, e.g. SO_REUSEPORT listeners. */
static int parse_one(struct nl_msg *msg, void *arg)
{
    struct idiagnl_msg *m = NULL;
    if (idiagnl_msg_parse(nlmsg_hdr(msg), &m) < 0)
        return NL_SKIP;
    collect_one((struct nl_object *)m, arg);
    idiagnl_msg_put(m);
    return NL_OK;
}

int ac_diag_snapshot(struct ac_sockinfo *out, size_t max)
{
    int err = 0;
    struct nl_sock *sk = diag_socket(&err);
    if (!sk)
        return err;
    struct collect c = {.out = out, .max = max};
    /* One dump for both families: libnl sends the kernel's old request (TCPDIAG_GETSOCK), which
     * the kernel answers for every family (inet_diag_dump_compat() asks for AF_UNSPEC). Each dump
     * walks the whole host-sized established table, so a second one per read cost about 1 ms.
     * Bound-only sockets too (6.8+, ignored before); they are reported as CLOSE. */
    if (idiagnl_send_simple(sk, 0, AF_INET, AC_ALL_STATES | AC_DIAG_BOUND_INACTIVE, 0) < 0)
        return -EIO;
    struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
    if (!cb)
        return -ENOMEM;
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse_one, &c);
    int r = nl_recvmsgs(sk, cb);
    nl_cb_put(cb);
    if (r < 0)
        return -EIO;
    /* IPv4 first, then IPv6, each in the kernel's order: as two dumps gave them. */
    size_t stored = c.n < max ? c.n : max, v4 = 0;
    for (size_t i = 0; i < stored; i++) {
        if (out[i].family != AF_INET)
            continue;
        struct ac_sockinfo s = out[i];
        memmove(&out[v4 + 1], &out[v4], (i - v4) * sizeof *out);
        out[v4++] = s;
    }
    return (int)c.n;
}

static bool addr_matches(const struct ac_addr *want, const struct ac_addr *have)
{
    if (!want)
        return true;
    if (ac_addr_port(want) != 0 && ac_addr_port(want) != ac_addr_port(have))
        return false;
    if (want->ss.ss_family != have->ss.ss_family)
        return false;
    if (want->ss.ss_family == AF_INET)
        return ((const struct sockaddr_in *)&want->ss)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)&have->ss)->sin_addr.s_addr;
    return memcmp(&((const struct sockaddr_in6 *)&want->ss)->sin6_addr,
                  &((const struct sockaddr_in6 *)&have->ss)->sin6_addr, 16) == 0;
}

bool ac_diag_match(const struct ac_match *m, const struct ac_sockinfo *s)
{
    return (m->states & AC_STATE_BIT(s->state)) && addr_matches(m->local, &s->local) &&
           addr_matches(m->remote, &s->remote);
}

/* The harness's one copy of the table: every wait, count and failure message reads into it. */
static struct ac_sockinfo table[MAX_SOCKETS];

int ac_diag_read(const struct ac_sockinfo **rows)
{
    int n = ac_diag_snapshot(table, MAX_SOCKETS);
    *rows = table;
    return n < MAX_SOCKETS ? n : MAX_SOCKETS;
}

int ac_diag_matches(const struct ac_match *m, const struct ac_sockinfo *rows, int n)
{
    int count = 0;
    for (int i = 0; i < n; i++)
        count += ac_diag_match(m, &rows[i]);
    return count;
}

int ac_diag_count(const struct ac_match *m)
{
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    return n < 0 ? n : ac_diag_matches(m, rows, n);
}

int ac_diag_count_files(const struct ac_match *m, int *with_file, int *without_file)
{
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    *with_file = *without_file = 0;
    for (int i = 0; i < n; i++)
        if (ac_diag_match(m, &rows[i]))
            (*(rows[i].inode ? with_file : without_file))++;
    return n < 0 ? n : 0;
}

/* Between two reads of the table we yield the CPU for a short, growing interval: the states we
 * wait for change on packet arrival or timer expiry, and a busy loop would steal the CPU from the
 * softirq that delivers them. This is the poll interval, not a wait for the state itself. It
 * grows by 1 ms to 10 ms, then to a twentieth of the time already waited (at most 250 ms), and
 * never sleeps past the deadline: a long wait is measured to within about 5 %, and the 60 s wait
 * for a TIME_WAIT reads the host-sized table some 300 times instead of 6000 (in a guest under
 * emulation those reads kept a CPU busy for the whole minute). */
static void backoff(int *interval_ms, int64_t waited_ms, int64_t left_ms)
{
    poll(NULL, 0, (int)(*interval_ms < left_ms ? *interval_ms : left_ms));
    if (*interval_ms < 10)
        (*interval_ms)++;
    else
        *interval_ms = (int)(waited_ms / 20 < 10    ? 10
                             : waited_ms / 20 > 250 ? 250
                                                    : waited_ms / 20);
}

int ac_diag_poll(ac_table_pred done, void *arg, int timeout_ms)
{
    int64_t start = ac_now_ms(), deadline = start + timeout_ms;
    int interval = 0;
    for (;;) {
        const struct ac_sockinfo *rows;
        int n = ac_diag_read(&rows);
        if (n < 0)
            return n;
        if (done(rows, n, arg))
            return 1;
        int64_t now = ac_now_ms();
        if (now >= deadline)
            return 0;
        backoff(&interval, now - start, deadline - now);
    }
}

static const char *timer_name(int t)
{
    static const char *const names[] = {"none", "on", "keepalive", "timewait", "probe"};
    return t >= 0 && t < 5 ? names[t] : "?";
}

void ac_diag_format_table(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    const struct ac_sockinfo *rows;
    int n = ac_diag_read(&rows);
    if (n < 0) {
        snprintf(buf, len, "  (sock_diag read failed: %s)\n", strerror(-n));
        return;
    }
    if (n == 0)
        snprintf(buf, len, "  (no TCP sockets in this namespace)\n");
    for (int i = 0; i < n && used < len; i++) {
        const struct ac_sockinfo *s = &rows[i];
        int w = snprintf(buf + used, len - used, "  %-11s %s -> %s timer=%s/%ums inode=%u\n",
                         ac_tcp_state_name(s->state), s->local.text, s->remote.text,
                         timer_name(s->timer), s->expires_ms, s->inode);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
