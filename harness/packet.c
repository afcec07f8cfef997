#define _GNU_SOURCE
#include "packet.h"

#include "check.h"
#include "diag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_HDR      20
#define TS_OPT_LEN   12 /* NOP, NOP, kind 8, length 10, TSval, TSecr */
#define TCPOPT_NOP   1
#define TCPOPT_EOL   0
#define TCPOPT_TS    8
#define TCPOPT_TSLEN 10

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* One's complement sum of 16-bit big-endian words (RFC 1071), odd byte padded with zero. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (; len > 1; p += 2, len -= 2)
        sum += get16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}

uint16_t ac_tcp_checksum(uint32_t saddr, uint32_t daddr, const void *tcp, size_t len)
{
    uint8_t pseudo[12];
    memcpy(pseudo, &saddr, 4); /* already network order: the bytes as on the wire */
    memcpy(pseudo + 4, &daddr, 4);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_TCP;
    put16(pseudo + 10, (uint16_t)len);
    uint32_t sum = sum16(sum16(0, pseudo, sizeof pseudo), tcp, len);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

size_t ac_seg_build(const struct ac_seg *s, const void *payload, uint8_t *buf, size_t size)
{
    size_t hdr = TCP_HDR + (s->has_ts ? TS_OPT_LEN : 0), total = hdr + s->len;
    if (size < total)
        return 0;
    memset(buf, 0, hdr);
    put16(buf, s->sport);
    put16(buf + 2, s->dport);
    put32(buf + 4, s->seq);
    put32(buf + 8, s->ack);
    buf[12] = (uint8_t)((hdr / 4) << 4);
    buf[13] = s->flags;
    put16(buf + 14, s->window);
    if (s->has_ts) {
        uint8_t *o = buf + TCP_HDR;
        o[0] = o[1] = TCPOPT_NOP;
        o[2] = TCPOPT_TS;
        o[3] = TCPOPT_TSLEN;
        put32(o + 4, s->tsval);
        put32(o + 8, s->tsecr);
    }
    if (s->len)
        memcpy(buf + hdr, payload, s->len);
    put16(buf + 16, ac_tcp_checksum(s->saddr, s->daddr, buf, total));
    return total;
}

bool ac_seg_parse(const uint8_t *pkt, size_t len, struct ac_seg *s)
{
    if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != IPPROTO_TCP)
        return false;
    size_t ihl = (size_t)(pkt[0] & 0xf) * 4, total = get16(pkt + 2);
    if (ihl < 20 || total > len || total < ihl + TCP_HDR)
        return false;
    const uint8_t *t = pkt + ihl;
    size_t doff = (size_t)(t[12] >> 4) * 4;
    if (doff < TCP_HDR || ihl + doff > total)
        return false;
    memset(s, 0, sizeof *s);
    memcpy(&s->saddr, pkt + 12, 4);
    memcpy(&s->daddr, pkt + 16, 4);
    s->sport = get16(t);
    s->dport = get16(t + 2);
    s->seq = get32(t + 4);
    s->ack = get32(t + 8);
    s->flags = t[13];
    s->window = get16(t + 14);
    s->len = total - ihl - doff;
    for (size_t i = TCP_HDR; i < doff;) {
        uint8_t kind = t[i];
        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= doff || t[i + 1] < 2 || i + t[i + 1] > doff)
            break;
        if (kind == TCPOPT_TS && t[i + 1] == TCPOPT_TSLEN) {
            s->has_ts = true;
            s->tsval = get32(t + i + 2);
            s->tsecr = get32(t + i + 6);
        }
        i += t[i + 1];
    }
    return true;
}

void ac_seg_text(const struct ac_seg *s, char *buf, size_t size)
{
    static const char *const names[] = {"FIN", "SYN", "RST", "PSH", "ACK"};
    char flags[32] = "", from[INET_ADDRSTRLEN], to[INET_ADDRSTRLEN];
    for (int i = 0; i < 5; i++)
        if (s->flags & (1 << i))
            snprintf(flags + strlen(flags), sizeof flags - strlen(flags), "%s%s",
                     flags[0] ? "|" : "", names[i]);
    inet_ntop(AF_INET, &s->saddr, from, sizeof from);
    inet_ntop(AF_INET, &s->daddr, to, sizeof to);
    int n = snprintf(buf, size, "%s %s:%u -> %s:%u seq=%u ack=%u", flags[0] ? flags : "-", from,
                     s->sport, to, s->dport, s->seq, s->ack);
    if (n > 0 && (size_t)n < size && s->has_ts)
        n += snprintf(buf + n, size - (size_t)n, " ts=%u/%u", s->tsval, s->tsecr);
    if (n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " len=%zu", s->len);
}

int ac_pkt_capture(void)
{
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
    return ac_setup_fd("raw TCP capture socket (CAP_NET_RAW in the test's namespace)",
                       fd < 0 ? -errno : fd);
}

void ac_pkt_send(const struct ac_seg *s, const void *payload)
{
    uint8_t buf[1500];
    size_t len = ac_seg_build(s, payload, buf, sizeof buf);
    ac_setup_ok("build the segment", len ? 0 : EMSGSIZE);
    /* Bound to the segment's source address (a local one), the kernel puts it in the IP header
     * it builds; the checksum above was computed over the same pseudo-header. */
    int raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
    ac_setup_fd("raw TCP send socket (CAP_NET_RAW in the test's namespace)",
                raw < 0 ? -errno : raw);
    struct sockaddr_in from = {.sin_family = AF_INET, .sin_addr.s_addr = s->saddr};
    ac_setup_ok("bind the raw socket to the segment's source",
                bind(raw, (struct sockaddr *)&from, sizeof from) ? errno : 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = s->daddr};
    ssize_t n = sendto(raw, buf, len, 0, (struct sockaddr *)&to, sizeof to);
    int err = n == (ssize_t)len ? 0 : (n < 0 ? errno : EIO);
    close(raw);
    ac_setup_ok("send the raw segment", err);
}

bool ac_pkt_wait(int capture, uint16_t sport, uint16_t dport, uint8_t mask, uint8_t want,
                 int timeout_ms, struct ac_seg *out)
{
    int64_t deadline = ac_now_ms() + timeout_ms;
    for (;;) {
        uint8_t pkt[2048];
        ssize_t n = recv(capture, pkt, sizeof pkt, 0);
        if (n > 0) {
            struct ac_seg s;
            if (ac_seg_parse(pkt, (size_t)n, &s) && s.sport == sport && s.dport == dport &&
                (s.flags & mask) == want) {
                *out = s;
                return true;
            }
            continue;
        }
        int64_t left = deadline - ac_now_ms();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = capture, .events = POLLIN};
        poll(&p, 1, (int)left);
    }
}
