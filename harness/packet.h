/* Single TCP segments, for the behaviour of a TIME_WAIT socket that only a segment no real
 * socket would send can show (an old SYN, a stray RST, a retransmitted FIN).
 *
 * Sending: a raw IPv4 socket (SOCK_RAW, IPPROTO_TCP) of the test's own namespace; the kernel
 * adds the IP header, the TCP header and its checksum (over the pseudo-header) are ours.
 * Capturing: another raw IPPROTO_TCP socket, which gets a copy of every TCP segment delivered
 * locally in the namespace (raw_local_deliver(), after the input hook), i.e. everything sent
 * over lo, both the kernel's segments and ours. Both sockets are created after the test's
 * unshare(), so they never see or send a packet outside its namespace. Needs CAP_NET_RAW there
 * (root in the namespace's user namespace). */
#ifndef AC_PACKET_H
#define AC_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AC_TH_FIN 0x01
#define AC_TH_SYN 0x02
#define AC_TH_RST 0x04
#define AC_TH_PSH 0x08
#define AC_TH_ACK 0x10

/* One IPv4 TCP segment, host byte order. */
struct ac_seg {
    uint32_t saddr, daddr; /* network byte order, as in struct in_addr */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* AC_TH_* */
    uint16_t window;
    bool has_ts; /* the timestamps option (TSval, TSecr) */
    uint32_t tsval, tsecr;
    size_t len; /* payload bytes */
};

/* The TCP checksum of a segment (header + options + payload, with its checksum field 0) over
 * the IPv4 pseudo-header; saddr/daddr in network byte order. Pure, for tests. */
uint16_t ac_tcp_checksum(uint32_t saddr, uint32_t daddr, const void *tcp, size_t len);

/* Builds the TCP header (with the timestamps option if has_ts) and payload of s into buf.
 * Returns its length, or 0 if buf is too small. Pure, for tests. */
size_t ac_seg_build(const struct ac_seg *s, const void *payload, uint8_t *buf, size_t size);

/* Parses an IPv4 packet (as a raw socket receives it) into *s; false if it is not TCP or is
 * truncated. Pure, for tests. */
bool ac_seg_parse(const uint8_t *pkt, size_t len, struct ac_seg *s);

/* "SYN|ACK 192.168.1.100:9999 -> 192.168.1.100:40000 seq=1 ack=2 ts=5/7 len=0". */
void ac_seg_text(const struct ac_seg *s, char *buf, size_t size);

/* Opens the capture socket (fails the test if it cannot). Open it before the segments of
 * interest are sent: it only sees what arrives after. */
int ac_pkt_capture(void);

/* Sends s (with `payload`, s->len bytes) from s->saddr. Fails the test on error. */
void ac_pkt_send(const struct ac_seg *s, const void *payload);

/* Waits (bounded, poll()) for the next captured segment from sport to dport (ports in host
 * order) whose flags, masked with `mask`, equal `want`. Returns true and fills *out if one came
 * within timeout_ms. Segments that do not match are skipped. */
bool ac_pkt_wait(int capture, uint16_t sport, uint16_t dport, uint8_t mask, uint8_t want,
                 int timeout_ms, struct ac_seg *out);

#endif
