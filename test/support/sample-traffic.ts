/**
 * One frame of every shape the decoder handles (and a few it must refuse), on every link type
 * it knows: a compact corpus for cross-checks with tshark and for fuzzing.
 */
import * as b from './packet-builder.js';

export interface SampleFrame {
  linkType: number;
  data: Uint8Array;
  /** What it shows, for messages. */
  label: string;
}

export function sampleFrames(): SampleFrame[] {
  const out: SampleFrame[] = [];
  const payload = new Uint8Array(24).map((_, i) => i);
  const tcp = (flags: number) => b.tcp({ srcPort: 40000 + flags, dstPort: 80, flags, payload });
  const v4 = (protocol: number, p: Uint8Array, extra: Partial<b.Ipv4Options> = {}) =>
    b.ipv4({ src: '192.0.2.1', dst: '198.51.100.7', protocol, payload: p, ...extra });
  const v6 = (nextHeader: number, p: Uint8Array, extensions: b.Ipv6Extension[] = []) =>
    b.ipv6({ src: '2001:db8::10', dst: '2001:db8:0:1::20', nextHeader, payload: p, extensions });
  const eth = (etherType: number, p: Uint8Array, vlans?: { vid: number; tpid?: number }[]) => b.ethernet({ etherType, payload: p, vlans, pad: true });

  const ipPackets: [string, number, Uint8Array][] = [
    ['ipv4 tcp syn', b.ETH_IPV4, v4(b.PROTO_TCP, tcp(b.SYN))],
    ['ipv4 tcp syn-ack', b.ETH_IPV4, v4(b.PROTO_TCP, tcp(b.SYN | b.ACK))],
    ['ipv4 tcp fin-ack', b.ETH_IPV4, v4(b.PROTO_TCP, tcp(b.FIN | b.ACK))],
    ['ipv4 tcp rst', b.ETH_IPV4, v4(b.PROTO_TCP, tcp(b.RST))],
    ['ipv4 tcp psh-ack-urg', b.ETH_IPV4, v4(b.PROTO_TCP, tcp(b.PSH | b.ACK | b.URG))],
    ['ipv4 udp', b.ETH_IPV4, v4(b.PROTO_UDP, b.udp({ srcPort: 5353, dstPort: 53, payload }))],
    ['ipv4 icmp', b.ETH_IPV4, v4(b.PROTO_ICMP, b.icmp({ type: 8, payload }))],
    ['ipv4 options udp', b.ETH_IPV4, v4(b.PROTO_UDP, b.udp({ srcPort: 1, dstPort: 2 }), { options: new Uint8Array([0x94, 4, 0, 0]) })],
    ['ipv4 first fragment', b.ETH_IPV4, v4(b.PROTO_UDP, b.udp({ srcPort: 7, dstPort: 9, payload }), { moreFragments: true, id: 77 })],
    ['ipv4 later fragment', b.ETH_IPV4, v4(b.PROTO_UDP, payload, { fragmentOffset: 4, id: 77 })],
    ['ipv6 tcp', b.ETH_IPV6, v6(b.PROTO_TCP, tcp(b.SYN))],
    ['ipv6 udp', b.ETH_IPV6, v6(b.PROTO_UDP, b.udp({ srcPort: 547, dstPort: 546, payload }))],
    ['ipv6 icmpv6', b.ETH_IPV6, v6(b.PROTO_ICMPV6, b.icmp({ type: 128, payload }))],
    ['ipv6 hbh+routing+dstopts tcp', b.ETH_IPV6, v6(b.PROTO_TCP, tcp(b.ACK), [{ type: 0 }, { type: 43, extraLength: 8 }, { type: 60 }])],
    ['ipv6 first fragment udp', b.ETH_IPV6, v6(b.PROTO_UDP, b.udp({ srcPort: 53, dstPort: 3000, payload }), [{ type: 44, moreFragments: true }])],
    ['ipv6 later fragment', b.ETH_IPV6, v6(b.PROTO_UDP, payload, [{ type: 44, fragmentOffset: 8 }])],
    ['ipv6 ah tcp', b.ETH_IPV6, v6(b.PROTO_TCP, tcp(b.FIN), [{ type: 51, extraLength: 8 }])],
    ['ipv6 esp', b.ETH_IPV6, v6(50, payload)],
    ['ipv4 in ipv6', b.ETH_IPV6, v6(4, v4(b.PROTO_TCP, tcp(b.SYN)))],
    ['ipv6 in ipv4', b.ETH_IPV4, v4(41, v6(b.PROTO_UDP, b.udp({ srcPort: 1, dstPort: 2 })))],
  ];
  for (const [label, type, ip] of ipPackets) {
    out.push({ linkType: 1, data: eth(type, ip), label: `ethernet ${label}` });
  }
  const [, , syn4] = ipPackets[0];
  const [, , tcp6] = ipPackets[10];
  const arp = b.arp({ op: 1, senderIp: '192.0.2.1', targetIp: '192.0.2.254' });
  out.push(
    { linkType: 1, data: eth(b.ETH_ARP, arp), label: 'ethernet arp' },
    { linkType: 1, data: eth(b.ETH_IPV4, syn4, [{ vid: 42 }]), label: '802.1Q ipv4' },
    { linkType: 1, data: eth(b.ETH_IPV6, tcp6, [{ vid: 100, tpid: b.ETH_QINQ }, { vid: 42 }]), label: 'QinQ ipv6' },
    { linkType: 1, data: eth(b.ETH_ARP, arp, [{ vid: 7 }]), label: '802.1Q arp' },
    { linkType: 1, data: eth(b.ETH_MPLS, b.mpls([1000, 2000], syn4)), label: 'mpls ipv4' },
    { linkType: 1, data: eth(b.ETH_MPLS, b.mpls([3000], tcp6)), label: 'mpls ipv6' },
    { linkType: 113, data: b.linuxSll(b.ETH_IPV4, syn4), label: 'sll ipv4' },
    { linkType: 113, data: b.linuxSll(b.ETH_ARP, arp), label: 'sll arp' },
    { linkType: 276, data: b.linuxSll2(b.ETH_IPV6, tcp6), label: 'sll2 ipv6' },
    { linkType: 101, data: syn4, label: 'raw ipv4' },
    { linkType: 101, data: tcp6, label: 'raw ipv6' },
    { linkType: 228, data: syn4, label: 'ipv4 link type' },
    { linkType: 229, data: tcp6, label: 'ipv6 link type' },
    { linkType: 0, data: b.bsdLoopback(2, syn4, true), label: 'null ipv4 little-endian' },
    { linkType: 0, data: b.bsdLoopback(30, tcp6, true), label: 'null ipv6 (30) little-endian' },
    { linkType: 0, data: b.bsdLoopback(24, tcp6, false), label: 'null ipv6 (24) big-endian' },
    { linkType: 108, data: b.bsdLoopback(2, syn4, false), label: 'loop ipv4' },
    { linkType: 108, data: b.bsdLoopback(28, tcp6, false), label: 'loop ipv6 (28)' },
  );
  return out;
}
