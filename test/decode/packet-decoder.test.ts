import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodePacket } from '../../src/decode/packet-decoder.js';
import { PacketSummary } from '../../src/decode/packet-summary.js';
import * as b from '../support/packet-builder.js';

interface Decoded {
  ipv4: boolean;
  ipv6: boolean;
  arp: boolean;
  tcp: boolean;
  udp: boolean;
  icmp: boolean;
  fragment: boolean;
  malformed: number;
  ipBytes?: number;
  src?: number[];
  dst?: number[];
  srcPort?: number;
  dstPort?: number;
  tcpFlags?: number;
}

const summary = new PacketSummary();

/** Decodes `frame` (cut to `caplen`) placed at an odd offset inside a larger buffer. */
function decode(frame: Uint8Array, linkType: number, caplen = frame.length): Decoded {
  const buf = new Uint8Array(frame.length + 20).fill(0xee);
  buf.set(frame, 7);
  decodePacket(buf, 7, caplen, frame.length, linkType, summary);
  const s = summary;
  const r: Decoded = {
    ipv4: (s.layers & 2) !== 0,
    ipv6: (s.layers & 4) !== 0,
    arp: (s.layers & 1) !== 0,
    tcp: (s.layers & 8) !== 0,
    udp: (s.layers & 16) !== 0,
    icmp: (s.layers & 32) !== 0,
    fragment: (s.layers & 64) !== 0,
    malformed: s.malformed,
  };
  assert.equal(s.wireLen, frame.length);
  if (r.ipv4 || r.ipv6) {
    r.ipBytes = s.ipBytes;
    r.src = [...s.src];
    r.dst = [...s.dst];
  }
  if (r.tcp || r.udp) {
    r.srcPort = s.srcPort;
    r.dstPort = s.dstPort;
  } else {
    assert.equal(s.srcPort, 0);
    assert.equal(s.dstPort, 0);
  }
  if (r.tcp) r.tcpFlags = s.tcpFlags;
  else assert.equal(s.tcpFlags, 0);
  return r;
}

const none = { ipv4: false, ipv6: false, arp: false, tcp: false, udp: false, icmp: false, fragment: false, malformed: 0 };
const v4 = (src: string, dst: string, ipBytes: number) => ({ ipv4: true, ipBytes, src: b.addressWords(src), dst: b.addressWords(dst) });
const v6 = (src: string, dst: string, ipBytes: number) => ({ ipv6: true, ipBytes, src: b.addressWords(src), dst: b.addressWords(dst) });

const synAck = b.tcp({ srcPort: 443, dstPort: 51000, flags: b.SYN | b.ACK });
const tcp4 = b.ipv4({ src: '10.1.2.3', dst: '192.168.0.200', protocol: b.PROTO_TCP, payload: synAck });
const udp6payload = b.udp({ srcPort: 53, dstPort: 40000, payload: new Uint8Array(30) });
const udp6 = b.ipv6({ src: '2001:db8::1', dst: 'fe80::abcd:1', nextHeader: b.PROTO_UDP, payload: udp6payload });

describe('link layers', () => {
  const tcp4Expect = { ...none, ...v4('10.1.2.3', '192.168.0.200', 40), tcp: true, srcPort: 443, dstPort: 51000, tcpFlags: b.SYN | b.ACK };
  const udp6Expect = { ...none, ...v6('2001:db8::1', 'fe80::abcd:1', 40 + 38), udp: true, srcPort: 53, dstPort: 40000 };

  it('Ethernet II carries IPv4 and IPv6', () => {
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_IPV4, payload: tcp4 }), 1), tcp4Expect);
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_IPV6, payload: udp6 }), 1), udp6Expect);
  });

  it('802.1Q, QinQ (0x88a8 and 0x9100 outer tags) are skipped', () => {
    for (const vlans of [[{ vid: 10 }], [{ vid: 100, tpid: b.ETH_QINQ }, { vid: 10 }], [{ vid: 100, tpid: 0x9100 }, { vid: 10 }], [{ vid: 1, tpid: b.ETH_QINQ }, { vid: 2, tpid: b.ETH_QINQ }, { vid: 3 }]]) {
      assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_IPV4, payload: tcp4, vlans }), 1), tcp4Expect, JSON.stringify(vlans));
    }
  });

  it('an MPLS label stack leads to IPv4 or IPv6 by the first nibble', () => {
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_MPLS, payload: b.mpls([100], tcp4) }), 1), tcp4Expect);
    assert.deepEqual(decode(b.ethernet({ etherType: 0x8848, payload: b.mpls([100, 200, 300], udp6) }), 1), udp6Expect);
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_MPLS, payload: b.mpls([16], tcp4), vlans: [{ vid: 5 }] }), 1), tcp4Expect);
    // A pseudowire control word (first nibble 0) is not decoded.
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_MPLS, payload: b.mpls([16], b.concat(new Uint8Array(4), tcp4)) }), 1), none);
  });

  it('802.3 LLC/SNAP names an EtherType', () => {
    const snap = b.concat(new Uint8Array([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]), tcp4);
    const frame = b.ethernet({ etherType: snap.length, payload: snap });
    assert.deepEqual(decode(frame, 1), tcp4Expect);
  });

  it('Linux cooked SLL and SLL2', () => {
    assert.deepEqual(decode(b.linuxSll(b.ETH_IPV4, tcp4), 113), tcp4Expect);
    assert.deepEqual(decode(b.linuxSll2(b.ETH_IPV6, udp6), 276), udp6Expect);
    assert.deepEqual(decode(b.linuxSll(b.ETH_ARP, b.arp({ op: 1, senderIp: '10.0.0.1', targetIp: '10.0.0.2' })), 113), { ...none, arp: true });
    assert.deepEqual(decode(b.linuxSll(b.ETH_VLAN, b.concat(new Uint8Array([0, 5, 8, 0]), tcp4)), 113), tcp4Expect);
    assert.deepEqual(decode(b.linuxSll(0x0004, tcp4), 113), none); // 802.2 LLC: not decoded
  });

  it('raw IP link types', () => {
    for (const lt of [101, 12, 14]) {
      assert.deepEqual(decode(tcp4, lt), tcp4Expect, `link type ${lt}`);
      assert.deepEqual(decode(udp6, lt), udp6Expect, `link type ${lt}`);
    }
    assert.deepEqual(decode(tcp4, 228), tcp4Expect);
    assert.deepEqual(decode(udp6, 229), udp6Expect);
    // The link type says which IP; a header of the other version is malformed.
    assert.deepEqual(decode(udp6, 228), { ...none, malformed: 1 });
    assert.deepEqual(decode(tcp4, 229), { ...none, malformed: 1 });
  });

  it('BSD NULL and LOOP in both byte orders, every AF_INET6 value', () => {
    for (const lt of [0, 108]) {
      for (const le of [true, false]) {
        assert.deepEqual(decode(b.bsdLoopback(2, tcp4, le), lt), tcp4Expect);
        for (const af6 of [24, 28, 30]) assert.deepEqual(decode(b.bsdLoopback(af6, udp6, le), lt), udp6Expect);
        assert.deepEqual(decode(b.bsdLoopback(7, tcp4, le), lt), none);
      }
    }
  });

  it('other link types count as packets only', () => {
    for (const lt of [9, 105, 127, 239]) assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_IPV4, payload: tcp4 }), lt), none);
  });

  it('ARP', () => {
    const arp = b.arp({ op: 2, senderIp: '10.0.0.1', targetIp: '10.0.0.2' });
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_ARP, payload: arp, pad: true }), 1), { ...none, arp: true });
    // Cut inside the addresses.
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_ARP, payload: arp }), 1, 14 + 20), { ...none, malformed: 1 });
  });

  it('a frame shorter than its link header is malformed with no layer', () => {
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_IPV4, payload: tcp4 }), 1, 13), { ...none, malformed: 1 });
    assert.deepEqual(decode(b.linuxSll(b.ETH_IPV4, tcp4), 113, 15), { ...none, malformed: 1 });
    assert.deepEqual(decode(b.linuxSll2(b.ETH_IPV4, tcp4), 276, 19), { ...none, malformed: 1 });
    assert.deepEqual(decode(b.bsdLoopback(2, tcp4, true), 0, 3), { ...none, malformed: 1 });
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_IPV4, payload: tcp4, vlans: [{ vid: 1 }] }), 1, 16), { ...none, malformed: 1 });
    assert.deepEqual(decode(tcp4, 101, 0), { ...none, malformed: 1 });
  });
});

describe('IPv4', () => {
  const eth = (ip: Uint8Array, pad = false) => b.ethernet({ etherType: b.ETH_IPV4, payload: ip, pad });

  it('reads options through the IHL and ignores Ethernet padding', () => {
    const u = b.udp({ srcPort: 5000, dstPort: 6000 });
    const ip = b.ipv4({ src: '1.2.3.4', dst: '5.6.7.8', protocol: b.PROTO_UDP, payload: u, options: new Uint8Array([0x94, 4, 0, 0, 1]) });
    assert.deepEqual(decode(eth(ip, true), 1), { ...none, ...v4('1.2.3.4', '5.6.7.8', 28 + 8), udp: true, srcPort: 5000, dstPort: 6000 });
  });

  it('every TCP flag, alone and combined, is reported', () => {
    for (const flags of [b.FIN, b.SYN, b.RST, b.PSH, b.ACK, b.URG, b.SYN | b.ACK, b.FIN | b.PSH | b.URG, 0, 0xff]) {
      const ip = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_TCP, payload: b.tcp({ srcPort: 1, dstPort: 2, flags }) });
      assert.equal(decode(eth(ip), 1).tcpFlags, flags);
    }
  });

  it('ICMP', () => {
    const ip = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_ICMP, payload: b.icmp({ type: 8 }) });
    assert.deepEqual(decode(eth(ip), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 28), icmp: true });
  });

  it('only the first fragment carries the transport header', () => {
    const seg = b.tcp({ srcPort: 80, dstPort: 1234, flags: b.SYN });
    const first = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_TCP, payload: seg, moreFragments: true });
    assert.deepEqual(decode(eth(first), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 40), tcp: true, srcPort: 80, dstPort: 1234, tcpFlags: b.SYN });
    const later = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_TCP, payload: seg, fragmentOffset: 3 });
    assert.deepEqual(decode(eth(later), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 40), fragment: true });
  });

  it('a TCP header cut by the snapshot length counts as IP, not TCP, and is malformed', () => {
    const frame = eth(b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_TCP, payload: b.tcp({ srcPort: 1, dstPort: 2, flags: b.SYN }) }));
    assert.deepEqual(decode(frame, 1, 14 + 20 + 19), { ...none, ...v4('10.0.0.1', '10.0.0.2', 40), malformed: 1 });
    assert.deepEqual(decode(frame, 1, 14 + 20 + 20).tcp, true);
  });

  it('TCP options cut by the snapshot length: the segment counts, marked malformed', () => {
    const seg = b.tcp({ srcPort: 1, dstPort: 2, flags: b.ACK, options: new Uint8Array([2, 4, 5, 0xb4, 1, 1, 4, 2]) });
    const frame = eth(b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_TCP, payload: seg }));
    assert.deepEqual(decode(frame, 1, 14 + 20 + 24), { ...none, ...v4('10.0.0.1', '10.0.0.2', 48), tcp: true, srcPort: 1, dstPort: 2, tcpFlags: b.ACK, malformed: 1 });
    assert.equal(decode(frame, 1).malformed, 0);
  });

  it('a UDP or ICMP header cut short is malformed; the IP layer still counts', () => {
    const u = eth(b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_UDP, payload: b.udp({ srcPort: 1, dstPort: 2 }) }));
    assert.deepEqual(decode(u, 1, 14 + 20 + 7), { ...none, ...v4('10.0.0.1', '10.0.0.2', 28), malformed: 1 });
    const i = eth(b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_ICMP, payload: b.icmp({ type: 0 }) }));
    assert.deepEqual(decode(i, 1, 14 + 20 + 3), { ...none, ...v4('10.0.0.1', '10.0.0.2', 28), malformed: 1 });
  });

  it('the transport header is bounded by the total length, not the captured bytes', () => {
    // Total length says the datagram ends after 4 bytes of UDP: the rest is padding.
    const ip = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_UDP, payload: b.udp({ srcPort: 1, dstPort: 2 }), totalLength: 24 });
    assert.deepEqual(decode(eth(ip), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 24), malformed: 1 });
  });

  it('edge cases: cut header, IHL < 5, options cut, wrong version, total length below the header', () => {
    const ip = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_UDP, payload: b.udp({ srcPort: 1, dstPort: 2 }) });
    assert.deepEqual(decode(eth(ip), 1, 14 + 19), { ...none, malformed: 1 });
    const ihl4 = ip.slice();
    ihl4[0] = 0x44;
    assert.deepEqual(decode(eth(ihl4), 1), { ...none, malformed: 1 });
    const opts = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_UDP, payload: new Uint8Array(0), options: new Uint8Array(8) });
    assert.deepEqual(decode(eth(opts), 1, 14 + 24), { ...none, malformed: 1 });
    const v5 = ip.slice();
    v5[0] = 0x55;
    assert.deepEqual(decode(eth(v5), 1), { ...none, malformed: 1 });
    const short = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_UDP, payload: b.udp({ srcPort: 1, dstPort: 2 }), totalLength: 12 });
    assert.deepEqual(decode(eth(short), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 12), malformed: 1 });
  });

  it('a total length of 0 (TCP segmentation offload) runs to the end of the captured bytes', () => {
    const seg = b.tcp({ srcPort: 80, dstPort: 1234, flags: b.ACK, payload: new Uint8Array(3000) });
    const ip = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: b.PROTO_TCP, payload: seg, totalLength: 0 });
    assert.deepEqual(decode(eth(ip), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 3040), tcp: true, srcPort: 80, dstPort: 1234, tcpFlags: b.ACK });
  });

  it('tunnels are not decapsulated: the outer header counts', () => {
    for (const proto of [4, 41, 47]) {
      const ip = b.ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: proto, payload: tcp4 });
      assert.deepEqual(decode(eth(ip), 1), { ...none, ...v4('10.0.0.1', '10.0.0.2', 20 + tcp4.length) });
    }
  });
});

describe('IPv6', () => {
  const eth = (ip: Uint8Array) => b.ethernet({ etherType: b.ETH_IPV6, payload: ip });
  const seg = b.tcp({ srcPort: 22, dstPort: 60000, flags: b.PSH | b.ACK, payload: new Uint8Array(10) });

  it('follows hop-by-hop, routing, destination options, AH and a first fragment to TCP', () => {
    const chains: b.Ipv6Extension[][] = [
      [{ type: 0 }],
      [{ type: 0, extraLength: 16 }, { type: 43, extraLength: 8 }, { type: 60 }],
      [{ type: 51, extraLength: 4 }],
      [{ type: 51, extraLength: 12 }, { type: 60, extraLength: 8 }],
      [{ type: 44, fragmentOffset: 0, moreFragments: true }],
      [{ type: 0 }, { type: 44, fragmentOffset: 0, moreFragments: true }, { type: 60 }],
    ];
    for (const extensions of chains) {
      const ip = b.ipv6({ src: '2001:db8:1::5', dst: '2001:db8:2::6', nextHeader: b.PROTO_TCP, payload: seg, extensions });
      assert.deepEqual(
        decode(eth(ip), 1),
        { ...none, ...v6('2001:db8:1::5', '2001:db8:2::6', ip.length), tcp: true, srcPort: 22, dstPort: 60000, tcpFlags: b.PSH | b.ACK },
        JSON.stringify(extensions),
      );
    }
  });

  it('a non-first fragment has no transport header', () => {
    const ip = b.ipv6({ src: '::1', dst: '::2', nextHeader: b.PROTO_UDP, payload: new Uint8Array(16), extensions: [{ type: 0 }, { type: 44, fragmentOffset: 100 }] });
    assert.deepEqual(decode(eth(ip), 1), { ...none, ...v6('::1', '::2', ip.length), fragment: true });
  });

  it('ESP and no-next-header end the chain', () => {
    for (const nh of [50, 59]) {
      const ip = b.ipv6({ src: '::1', dst: '::2', nextHeader: nh, payload: seg, extensions: [{ type: 60 }] });
      assert.deepEqual(decode(eth(ip), 1), { ...none, ...v6('::1', '::2', ip.length) });
    }
  });

  it('ICMPv6', () => {
    const ip = b.ipv6({ src: 'fe80::1', dst: 'ff02::1', nextHeader: b.PROTO_ICMPV6, payload: b.icmp({ type: 135 }), extensions: [{ type: 0 }] });
    assert.deepEqual(decode(eth(ip), 1), { ...none, ...v6('fe80::1', 'ff02::1', ip.length), icmp: true });
  });

  it('an extension header cut short is malformed; the IP layer still counts', () => {
    const ip = b.ipv6({ src: '::1', dst: '::2', nextHeader: b.PROTO_TCP, payload: seg, extensions: [{ type: 0, extraLength: 8 }] });
    assert.deepEqual(decode(eth(ip), 1, 14 + 40 + 10), { ...none, ...v6('::1', '::2', ip.length), malformed: 1 });
    assert.deepEqual(decode(eth(ip), 1, 14 + 40 + 1), { ...none, ...v6('::1', '::2', ip.length), malformed: 1 });
  });

  it('a cut fixed header or a wrong version is malformed with no IP layer', () => {
    const ip = b.ipv6({ src: '::1', dst: '::2', nextHeader: b.PROTO_TCP, payload: seg });
    assert.deepEqual(decode(eth(ip), 1, 14 + 39), { ...none, malformed: 1 });
    const v4ver = ip.slice();
    v4ver[0] = 0x40;
    assert.deepEqual(decode(eth(v4ver), 1), { ...none, malformed: 1 });
  });

  it('payload length + 40 is the IP byte count even when the capture is cut', () => {
    const ip = b.ipv6({ src: '::1', dst: '::2', nextHeader: b.PROTO_UDP, payload: b.udp({ srcPort: 9, dstPort: 10, payload: new Uint8Array(1000) }) });
    assert.deepEqual(decode(eth(ip), 1, 14 + 48), { ...none, ...v6('::1', '::2', 1048), udp: true, srcPort: 9, dstPort: 10 });
  });

  it('tunnelled IPv4 in IPv6 is not decapsulated', () => {
    const ip = b.ipv6({ src: '::1', dst: '::2', nextHeader: 4, payload: tcp4 });
    assert.deepEqual(decode(eth(ip), 1), { ...none, ...v6('::1', '::2', 40 + tcp4.length) });
  });
});

describe('summary reuse', () => {
  it('fields of a previous packet do not leak into the next', () => {
    decode(b.ethernet({ etherType: b.ETH_IPV4, payload: tcp4 }), 1);
    assert.deepEqual(decode(b.ethernet({ etherType: b.ETH_ARP, payload: b.arp({ op: 1, senderIp: '1.1.1.1', targetIp: '2.2.2.2' }) }), 1), { ...none, arp: true });
    assert.equal(summary.ipBytes, 0);
  });
});
