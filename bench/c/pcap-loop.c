/*
 * Reference loop for the throughput benchmark: libpcap reads the capture, and each packet is
 * parsed like NetSpot's decoder does (Ethernet, 802.1Q/QinQ, IPv4 with options and fragments,
 * IPv6 with its extension header chain, TCP, UDP, ICMP/ICMPv6, ARP) into the same counters
 * (PKTS, IP, IP_BYTES, ARP, ICMP, UDP, SYN, ACK, FIN, RST, URG, unique source/destination
 * addresses and ports per 1 s period of capture time, MALFORMED).
 *
 *   gcc -O2 -o bench/data/pcap-loop bench/c/pcap-loop.c -lpcap
 *   bench/data/pcap-loop bench/data/mixed-5m.pcap [--no-unique]
 *
 * --no-unique skips the unique address/port sets: the same work as bench/decode-bench.ts
 * (reading and decoding with a few counters), for a like-for-like comparison.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int with_unique = 1;

/* Open-addressing set of 128-bit keys (addresses) or 16-bit ports, cleared each period. */
#define SET_BITS 16
#define SET_SIZE (1u << SET_BITS)
typedef struct {
  uint32_t key[SET_SIZE][4];
  uint8_t used[SET_SIZE];
  uint32_t count;
} addr_set;

static void addr_add(addr_set *s, const uint32_t *k) {
  if (!with_unique) return;
  uint32_t h = (k[0] * 2654435761u) ^ (k[1] * 2246822519u) ^ (k[2] * 3266489917u) ^ (k[3] * 668265263u);
  h = (h ^ (h >> 15)) & (SET_SIZE - 1);
  while (s->used[h]) {
    if (memcmp(s->key[h], k, 16) == 0) return;
    h = (h + 1) & (SET_SIZE - 1);
  }
  if (s->count >= SET_SIZE - 1) return;
  s->used[h] = 1;
  memcpy(s->key[h], k, 16);
  s->count++;
}

static void addr_clear(addr_set *s) {
  memset(s->used, 0, sizeof s->used);
  s->count = 0;
}

typedef struct {
  uint8_t seen[65536];
  uint32_t count;
} port_set;

static void port_add(port_set *s, unsigned p) {
  if (!with_unique) return;
  if (!s->seen[p]) {
    s->seen[p] = 1;
    s->count++;
  }
}

static void port_clear(port_set *s) {
  memset(s->seen, 0, sizeof s->seen);
  s->count = 0;
}

static struct {
  uint64_t pkts, ip, ip_bytes, arp, icmp, udp, syn, ack, fin, rst, urg, malformed;
} c;
static addr_set src_addrs, dst_addrs;
static port_set src_ports, dst_ports;
static uint64_t periods, uniq_sum;

#define BE16(p) ((unsigned)((p)[0] << 8 | (p)[1]))
#define BE32(p) ((uint32_t)(p)[0] << 24 | (uint32_t)(p)[1] << 16 | (uint32_t)(p)[2] << 8 | (p)[3])

static void transport(int proto, const uint8_t *p, const uint8_t *end) {
  if (proto == 6) {
    if (end - p < 20 || (p[12] >> 4) < 5) { c.malformed++; return; }
    unsigned f = p[13];
    c.syn += (f >> 1) & 1;
    c.ack += (f >> 4) & 1;
    c.fin += f & 1;
    c.rst += (f >> 2) & 1;
    c.urg += (f >> 5) & 1;
    port_add(&src_ports, BE16(p));
    port_add(&dst_ports, BE16(p + 2));
    if ((p[12] >> 4) * 4 > end - p) c.malformed++;
  } else if (proto == 17) {
    if (end - p < 8) { c.malformed++; return; }
    c.udp++;
  } else if (proto == 1 || proto == 58) {
    if (end - p < 4) { c.malformed++; return; }
    c.icmp++;
  }
}

static void ipv4(const uint8_t *p, const uint8_t *end) {
  if (end - p < 20) { c.malformed++; return; }
  unsigned hl = (p[0] & 15) * 4;
  if ((p[0] >> 4) != 4 || hl < 20 || end - p < hl) { c.malformed++; return; }
  unsigned total = BE16(p + 2);
  uint32_t s[4] = {0, 0, 0xffff, BE32(p + 12)}, d[4] = {0, 0, 0xffff, BE32(p + 16)};
  c.ip++;
  c.ip_bytes += total;
  addr_add(&src_addrs, s);
  addr_add(&dst_addrs, d);
  if (total < hl) { c.malformed++; return; }
  if ((BE16(p + 6) & 0x1fff) != 0) return;
  const uint8_t *ipend = p + total < end ? p + total : end;
  transport(p[9], p + hl, ipend);
}

static void ipv6(const uint8_t *p, const uint8_t *end) {
  if (end - p < 40 || (p[0] >> 4) != 6) { c.malformed++; return; }
  unsigned plen = BE16(p + 4);
  uint32_t s[4] = {BE32(p + 8), BE32(p + 12), BE32(p + 16), BE32(p + 20)};
  uint32_t d[4] = {BE32(p + 24), BE32(p + 28), BE32(p + 32), BE32(p + 36)};
  c.ip++;
  c.ip_bytes += plen + 40;
  addr_add(&src_addrs, s);
  addr_add(&dst_addrs, d);
  if (plen != 0 && p + 40 + plen < end) end = p + 40 + plen;
  int next = p[6];
  p += 40;
  for (;;) {
    if (next == 0 || next == 43 || next == 60 || next == 51) {
      if (end - p < 2) { c.malformed++; return; }
      long len = next == 51 ? (p[1] + 2) * 4 : (p[1] + 1) * 8;
      if (end - p < len) { c.malformed++; return; }
      next = p[0];
      p += len;
    } else if (next == 44) {
      if (end - p < 8) { c.malformed++; return; }
      if ((BE16(p + 2) & 0xfff8) != 0) return;
      next = p[0];
      p += 8;
    } else if (next == 50 || next == 59) {
      return;
    } else {
      transport(next, p, end);
      return;
    }
  }
}

static void ethernet(const uint8_t *p, const uint8_t *end) {
  if (end - p < 14) { c.malformed++; return; }
  unsigned type = BE16(p + 12);
  p += 14;
  while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
    if (end - p < 4) { c.malformed++; return; }
    type = BE16(p + 2);
    p += 4;
  }
  if (type == 0x0800) ipv4(p, end);
  else if (type == 0x86dd) ipv6(p, end);
  else if (type == 0x0806) {
    if (end - p < 8 || end - p < 8 + 2 * (p[4] + p[5])) c.malformed++;
    else c.arp++;
  }
}

static void close_period(void) {
  periods++;
  uniq_sum += src_addrs.count + dst_addrs.count + src_ports.count + dst_ports.count;
  addr_clear(&src_addrs);
  addr_clear(&dst_addrs);
  port_clear(&src_ports);
  port_clear(&dst_ports);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[2], "--no-unique") == 0) with_unique = 0;
  else if (argc != 2) {
    fprintf(stderr, "usage: %s CAPTURE [--no-unique]\n", argv[0]);
    return 2;
  }
  char err[PCAP_ERRBUF_SIZE];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pcap_t *pc = pcap_open_offline(argv[1], err);
  if (!pc) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  if (pcap_datalink(pc) != DLT_EN10MB) {
    fprintf(stderr, "%s: only Ethernet captures are benchmarked\n", argv[1]);
    return 1;
  }
  struct pcap_pkthdr *h;
  const u_char *data;
  long period_end = -1;
  int rc;
  while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
    if (period_end < 0) period_end = h->ts.tv_sec + 1;
    while (h->ts.tv_sec >= period_end) {
      close_period();
      period_end++;
    }
    c.pkts++;
    ethernet(data, data + h->caplen);
  }
  if (rc == -1) fprintf(stderr, "%s\n", pcap_geterr(pc));
  close_period();
  pcap_close(pc);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("C libpcap loop%s: %llu packets in %.3f s: %.2f Mpkt/s\n", with_unique ? "" : " (no unique sets)", (unsigned long long)c.pkts, s, c.pkts / s / 1e6);
  printf("ip %llu ip_bytes %llu arp %llu icmp %llu udp %llu syn %llu ack %llu fin %llu rst %llu urg %llu malformed %llu; %llu periods, unique sum %llu\n",
         (unsigned long long)c.ip, (unsigned long long)c.ip_bytes, (unsigned long long)c.arp, (unsigned long long)c.icmp,
         (unsigned long long)c.udp, (unsigned long long)c.syn, (unsigned long long)c.ack, (unsigned long long)c.fin,
         (unsigned long long)c.rst, (unsigned long long)c.urg, (unsigned long long)c.malformed, (unsigned long long)periods,
         (unsigned long long)uniq_sum);
  return 0;
}
