/* The raw segment helper's pure parts: the checksum, and build/parse round trips. */
#include "../../fixtures/packet.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

/* RFC 1071's example: the one's complement sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2, so a TCP
 * "segment" of those bytes over a zero pseudo-header (protocol 6, length 8 added) checks out
 * against the same sum computed by hand: 0xddf2 + 0x0006 + 0x0008 = 0xde00, inverted 0x21ff. */
Test(packet, checksum_matches_rfc1071_example)
{
    const unsigned char data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, zero[16] = {0};
    cr_assert_eq(ac_tcp_checksum(AF_INET, zero, zero, data, sizeof data), 0x21ff);
}

/* The IPv6 pseudo-header of zero addresses adds the same two numbers (next header 6, length 8),
 * only in other places: the same sum. */
Test(packet, checksum_ipv6_pseudo_header_of_zero_addresses_matches_rfc1071_example)
{
    const unsigned char data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, zero[16] = {0};
    cr_assert_eq(ac_tcp_checksum(AF_INET6, zero, zero, data, sizeof data), 0x21ff);
}

/* Each byte of an IPv6 address counts, the last ones too (not only the first 4). */
Test(packet, checksum_ipv6_covers_whole_addresses)
{
    const unsigned char data[] = {0x9c, 0x40, 0x27, 0x0f}, zero[16] = {0};
    unsigned char one[16] = {0};
    one[15] = 1; /* ::1 */
    cr_assert_eq(ac_tcp_checksum(AF_INET6, one, zero, data, sizeof data),
                 (uint16_t)(ac_tcp_checksum(AF_INET6, zero, zero, data, sizeof data) - 1));
}

/* A built segment, checksummed again with its checksum in place, sums to zero. */
Test(packet, built_segment_verifies)
{
    struct ac_seg s = {.family = AF_INET,
                       .sport = 40000,
                       .dport = 9999,
                       .seq = 1,
                       .ack = 2,
                       .flags = AC_TH_SYN,
                       .window = 65535,
                       .has_ts = true,
                       .tsval = 7,
                       .tsecr = 0,
                       .len = 3};
    inet_pton(AF_INET, "192.168.1.100", &s.saddr);
    inet_pton(AF_INET, "127.0.0.1", &s.daddr);
    unsigned char buf[128];
    size_t n = ac_seg_build(&s, "abc", buf, sizeof buf);
    cr_assert_eq(n, 20 + 12 + 3);
    cr_assert_eq(ac_tcp_checksum(s.family, s.saddr, s.daddr, buf, n), 0);
}

/* The same over the IPv6 pseudo-header, addresses set from text. */
Test(packet, built_ipv6_segment_verifies)
{
    struct ac_seg s = {.sport = 40000, .dport = 9999, .seq = 1, .flags = AC_TH_RST, .len = 2};
    cr_assert(ac_seg_set_addrs(&s, "::1", "2001:db8::100"));
    cr_assert_eq(s.family, AF_INET6);
    unsigned char buf[64];
    size_t n = ac_seg_build(&s, "ab", buf, sizeof buf);
    cr_assert_eq(n, 20 + 2);
    cr_assert_eq(ac_tcp_checksum(AF_INET6, s.saddr, s.daddr, buf, n), 0);
}

Test(packet, set_addrs_refuses_mixed_or_invalid_addresses)
{
    struct ac_seg s = {0};
    cr_assert_not(ac_seg_set_addrs(&s, "::1", "127.0.0.1"));
    cr_assert_not(ac_seg_set_addrs(&s, "192.168.1.100", "localhost"));
    cr_assert(ac_seg_set_addrs(&s, "192.168.1.100", "127.0.0.1"));
    cr_assert_eq(s.family, AF_INET);
}

/* A segment of no known family is not built: its checksum could not be right. */
Test(packet, build_refuses_unknown_family)
{
    struct ac_seg s = {.sport = 1, .dport = 2};
    unsigned char buf[64];
    cr_assert_eq(ac_seg_build(&s, NULL, buf, sizeof buf), 0);
}

/* Built, wrapped in an IPv4 header, parsed back: every field survives. */
Test(packet, build_then_parse_round_trip)
{
    struct ac_seg s = {.family = AF_INET,
                       .sport = 9999,
                       .dport = 40000,
                       .seq = 0xfffffff0u,
                       .ack = 77,
                       .flags = AC_TH_FIN | AC_TH_ACK,
                       .window = 512,
                       .has_ts = true,
                       .tsval = 123456,
                       .tsecr = 654321,
                       .len = 0};
    inet_pton(AF_INET, "192.168.1.100", &s.saddr);
    inet_pton(AF_INET, "192.168.1.100", &s.daddr);
    unsigned char pkt[128] = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 6};
    size_t n = ac_seg_build(&s, NULL, pkt + 20, sizeof pkt - 20);
    pkt[2] = (unsigned char)((20 + n) >> 8);
    pkt[3] = (unsigned char)(20 + n);
    memcpy(pkt + 12, &s.saddr, 4);
    memcpy(pkt + 16, &s.daddr, 4);
    struct ac_seg p;
    cr_assert(ac_seg_parse(pkt, 20 + n, &p));
    cr_assert_eq(p.sport, 9999);
    cr_assert_eq(p.dport, 40000);
    cr_assert_eq(p.seq, 0xfffffff0u);
    cr_assert_eq(p.ack, 77);
    cr_assert_eq(p.flags, AC_TH_FIN | AC_TH_ACK);
    cr_assert(p.has_ts);
    cr_assert_eq(p.tsval, 123456);
    cr_assert_eq(p.tsecr, 654321);
    cr_assert_eq(p.len, 0);
}

/* An IPv6 raw socket hands over the TCP segment alone: parsed without an IP header. */
Test(packet, tcp_parse_reads_segment_without_ip_header)
{
    struct ac_seg s = {.sport = 9999,
                       .dport = 40000,
                       .seq = 5,
                       .ack = 6,
                       .flags = AC_TH_ACK,
                       .has_ts = true,
                       .tsval = 1,
                       .tsecr = 2,
                       .len = 3};
    cr_assert(ac_seg_set_addrs(&s, "::1", "::1"));
    unsigned char buf[64];
    size_t n = ac_seg_build(&s, "xyz", buf, sizeof buf);
    struct ac_seg p;
    cr_assert(ac_tcp_parse(buf, n, &p));
    cr_assert_eq(p.sport, 9999);
    cr_assert_eq(p.ack, 6);
    cr_assert(p.has_ts);
    cr_assert_eq(p.tsecr, 2);
    cr_assert_eq(p.len, 3);
    cr_assert_not(ac_tcp_parse(buf, 19, &p)); /* shorter than a TCP header */
    cr_assert_not(ac_tcp_parse(buf, 31, &p)); /* shorter than its data offset says */
    char text[160];
    p.family = AF_INET6;
    memcpy(p.saddr, s.saddr, 16);
    memcpy(p.daddr, s.daddr, 16);
    ac_seg_text(&p, text, sizeof text);
    cr_assert_str_eq(text, "ACK [::1]:9999 -> [::1]:40000 seq=5 ack=6 ts=1/2 len=3");
}

Test(packet, parse_rejects_truncated_and_non_tcp)
{
    unsigned char pkt[40] = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 17};
    struct ac_seg p;
    cr_assert_not(ac_seg_parse(pkt, sizeof pkt, &p)); /* UDP */
    pkt[9] = 6;
    cr_assert_not(ac_seg_parse(pkt, 30, &p)); /* shorter than its total length */
}

/* Flags read the way the checks compare them: in header bit order, "-" for none. */
Test(packet, flags_text_names_bits_in_order)
{
    char buf[32];
    ac_seg_flags_text(AC_TH_SYN | AC_TH_ACK, buf, sizeof buf);
    cr_assert_str_eq(buf, "SYN|ACK");
    ac_seg_flags_text(AC_TH_RST, buf, sizeof buf);
    cr_assert_str_eq(buf, "RST");
    ac_seg_flags_text(0, buf, sizeof buf);
    cr_assert_str_eq(buf, "-");
    ac_seg_flags_text(AC_TH_FIN | AC_TH_PSH | AC_TH_ACK, buf, 8);
    cr_assert_str_eq(buf, "FIN|PSH"); /* cut to the buffer, never past it */
}
