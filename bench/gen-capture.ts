/**
 * Generates a large capture of mixed traffic for the throughput benchmarks:
 *   node dist/bench/gen-capture.js [--packets 5000000] [--duration 300] [--seed 1] [--out bench/data/mixed-5m.pcap]
 * Ethernet (10% of IP frames 802.1Q-tagged), IPv4 and IPv6, TCP with a realistic mix of flags,
 * UDP, ICMP/ICMPv6 and ARP, from a few thousand hosts; timestamps spread evenly over the
 * duration. Frames are built once per kind by the test packet builder, then copied and patched
 * (addresses, ports, lengths) into a large output buffer written in 8 MiB chunks.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as b from '../test/support/packet-builder.js';

interface Args {
  packets: number;
  duration: number;
  seed: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { packets: 5_000_000, duration: 300, seed: 1, out: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (key === 'out') args.out = value;
    else if (key === 'packets' || key === 'duration' || key === 'seed') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`--${key}: expected a positive number, got ${value}`);
      args[key] = n;
    } else throw new Error(`unknown option ${argv[i]} (expected --packets, --duration, --seed, --out)`);
  }
  if (args.out === '') args.out = `bench/data/mixed-${args.packets >= 1e6 ? `${args.packets / 1e6}m` : args.packets}.pcap`;
  return args;
}

/** A frame to copy: bytes without payload and where to patch it. */
interface Template {
  bytes: Uint8Array;
  /** Start of the IP header (-1 for ARP). */
  ip: number;
  /** Start of the transport header (-1 if none). */
  l4: number;
  v6: boolean;
  udp: boolean;
}

function template(frame: Uint8Array, ip: number, l4: number, v6: boolean, udp: boolean): Template {
  return { bytes: frame, ip, l4, v6, udp };
}

function buildTemplates(): Record<string, Template[]> {
  const v4 = (protocol: number, payload: Uint8Array) => b.ipv4({ src: '10.0.0.1', dst: '93.184.216.34', protocol, payload });
  const v6 = (nextHeader: number, payload: Uint8Array) => b.ipv6({ src: '2001:db8::1', dst: '2606:2800:220:1::1', nextHeader, payload });
  const out: Record<string, Template[]> = {};
  const flagsMix: [string, number][] = [
    ['ack', b.ACK],
    ['pshack', b.PSH | b.ACK],
    ['syn', b.SYN],
    ['synack', b.SYN | b.ACK],
    ['finack', b.FIN | b.ACK],
    ['rst', b.RST],
    ['rstack', b.RST | b.ACK],
    ['urg', b.URG | b.ACK | b.PSH],
  ];
  for (const [name, flags] of flagsMix) {
    const seg = b.tcp({ srcPort: 1, dstPort: 2, flags });
    const seg6 = b.tcp({ srcPort: 1, dstPort: 2, flags });
    out[`tcp4-${name}`] = [
      template(b.ethernet({ etherType: b.ETH_IPV4, payload: v4(b.PROTO_TCP, seg) }), 14, 34, false, false),
      template(b.ethernet({ etherType: b.ETH_IPV4, payload: v4(b.PROTO_TCP, seg), vlans: [{ vid: 10 }] }), 18, 38, false, false),
    ];
    out[`tcp6-${name}`] = [template(b.ethernet({ etherType: b.ETH_IPV6, payload: v6(b.PROTO_TCP, seg6) }), 14, 54, true, false)];
  }
  const dgram = b.udp({ srcPort: 1, dstPort: 2 });
  out.udp4 = [
    template(b.ethernet({ etherType: b.ETH_IPV4, payload: v4(b.PROTO_UDP, dgram) }), 14, 34, false, true),
    template(b.ethernet({ etherType: b.ETH_IPV4, payload: v4(b.PROTO_UDP, dgram), vlans: [{ vid: 20 }] }), 18, 38, false, true),
  ];
  out.udp6 = [template(b.ethernet({ etherType: b.ETH_IPV6, payload: v6(b.PROTO_UDP, dgram) }), 14, 54, true, true)];
  out.icmp4 = [template(b.ethernet({ etherType: b.ETH_IPV4, payload: v4(b.PROTO_ICMP, b.icmp({ type: 8 })) }), 14, -1, false, false)];
  out.icmp6 = [template(b.ethernet({ etherType: b.ETH_IPV6, payload: v6(b.PROTO_ICMPV6, b.icmp({ type: 128 })) }), 14, -1, true, false)];
  out.arp = [template(b.ethernet({ etherType: b.ETH_ARP, payload: b.arp({ op: 1, senderIp: '10.0.0.1', targetIp: '10.0.0.254' }), pad: true }), -1, -1, false, false)];
  return out;
}

/** Cumulative weights (per mille) of each traffic kind. */
const MIX: [string, number][] = [
  ['tcp4-ack', 250],
  ['tcp4-pshack', 220],
  ['tcp4-syn', 30],
  ['tcp4-synack', 25],
  ['tcp4-finack', 25],
  ['tcp4-rst', 8],
  ['tcp4-rstack', 7],
  ['tcp4-urg', 2],
  ['tcp6-ack', 50],
  ['tcp6-pshack', 45],
  ['tcp6-syn', 6],
  ['tcp6-synack', 5],
  ['tcp6-finack', 4],
  ['udp4', 200],
  ['udp6', 50],
  ['icmp4', 30],
  ['icmp6', 13],
  ['arp', 30],
];

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const templates = buildTemplates();
  const kinds: Template[][] = [];
  const thresholds: number[] = [];
  let acc = 0;
  for (const [name, weight] of MIX) {
    acc += weight;
    kinds.push(templates[name]);
    thresholds.push(acc);
  }
  let state = args.seed >>> 0 || 1;
  const random = (): number => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };

  mkdirSync(dirname(args.out), { recursive: true });
  const fd = openSync(args.out, 'w');
  const chunk = new Uint8Array(8 * 1024 * 1024);
  const view = new DataView(chunk.buffer);
  let used = 0;
  const flush = (): void => {
    let off = 0;
    while (off < used) off += writeSync(fd, chunk, off, used - off);
    used = 0;
  };
  // Global header: little-endian, microseconds, Ethernet.
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 262144, true);
  view.setUint32(20, 1, true);
  used = 24;

  const start = 1700000000;
  const stepUs = (args.duration * 1e6) / args.packets;
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < args.packets; i++) {
    const r = random();
    const pick = r % 1000;
    let k = 0;
    while (pick >= thresholds[k]) k++;
    const variants = kinds[k];
    const t = variants.length > 1 && random() % 10 === 0 ? variants[1] : variants[0];
    // Payload: mostly pure ACK-sized, some small, some full-size.
    const p = random() % 100;
    const payload = t.l4 < 0 ? (t.ip < 0 ? 0 : 56) : p < 45 ? 0 : p < 80 ? random() % 200 : 200 + (random() % 1260);
    const len = t.bytes.length + payload;
    if (used + 16 + len > chunk.length) flush();
    const us = Math.floor(i * stepUs);
    view.setUint32(used, start + Math.floor(us / 1e6), true);
    view.setUint32(used + 4, us % 1e6, true);
    view.setUint32(used + 8, len, true);
    view.setUint32(used + 12, len, true);
    const o = used + 16;
    chunk.set(t.bytes, o);
    chunk.fill(0, o + t.bytes.length, o + len);
    if (t.ip >= 0) {
      const ip = o + t.ip;
      // Internal hosts 10.0/16 (4096 of them) talk to external ones (65536).
      const inner = random() & 0xfff;
      const outer = random() & 0xffff;
      const outbound = (random() & 1) === 0;
      if (t.v6) {
        view.setUint16(ip + 4, len - t.ip - 40);
        view.setUint16(ip + (outbound ? 22 : 38), inner);
        view.setUint16(ip + (outbound ? 38 : 22), outer);
      } else {
        view.setUint16(ip + 2, len - t.ip);
        view.setUint16(ip + (outbound ? 14 : 18), inner);
        view.setUint16(ip + (outbound ? 18 : 14), outer);
      }
      if (t.l4 >= 0) {
        const l4 = o + t.l4;
        const service = t.udp ? [53, 123, 443, 5353][random() & 3] : [443, 80, 22, 25, 8080, 993, 3306, 5432][random() & 7];
        const ephemeral = 32768 + (random() % 28232);
        view.setUint16(l4 + (outbound ? 0 : 2), ephemeral);
        view.setUint16(l4 + (outbound ? 2 : 0), service);
        if (t.udp) view.setUint16(l4 + 4, len - t.l4);
      }
    }
    used = o + len;
    bytes += 16 + len;
  }
  flush();
  closeSync(fd);
  const s = (performance.now() - t0) / 1000;
  console.log(`${args.out}: ${args.packets} packets, ${(bytes / 1e6).toFixed(0)} MB, ${args.duration} s of traffic, written in ${s.toFixed(1)} s`);
}

main();
