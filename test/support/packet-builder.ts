/**
 * Builds packets byte by byte for tests and benchmarks: link layers around IP around
 * transport headers. Independent of src/ on purpose, so it can referee the decoder.
 * Every builder returns a fresh Uint8Array; lengths and next-header fields are filled in.
 */

export const ETH_IPV4 = 0x0800;
export const ETH_ARP = 0x0806;
export const ETH_IPV6 = 0x86dd;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;
export const ETH_MPLS = 0x8847;

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function be16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}

function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** "10.0.0.1" -> 4 bytes. */
export function ipv4Bytes(addr: string): number[] {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 address ${addr}`);
  return parts;
}

/** "2001:db8::1" or "::ffff:10.0.0.1" -> 16 bytes. */
export function ipv6Bytes(addr: string): number[] {
  const quad = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (quad) {
    const q = ipv4Bytes(quad[2]);
    addr = `${quad[1]}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 address ${addr}`);
  return groups.flatMap((g) => be16(parseInt(g, 16)));
}

/** An address as the 4 big-endian words a decoder would store (IPv4 mapped into ::ffff:0:0/96). */
export function addressWords(addr: string): number[] {
  if (addr.includes(':')) {
    const b = ipv6Bytes(addr);
    return [0, 4, 8, 12].map((i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0);
  }
  const b = ipv4Bytes(addr);
  return [0, 0, 0xffff, ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0];
}

export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  flags: number;
  seq?: number;
  ack?: number;
  /** TCP options, padded to 4 bytes by the builder. */
  options?: Uint8Array;
  payload?: Uint8Array;
}

export function tcp(o: TcpOptions): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const optLen = (opts.length + 3) & ~3;
  const header = new Uint8Array(20 + optLen);
  header.set([...be16(o.srcPort), ...be16(o.dstPort), ...be32(o.seq ?? 1), ...be32(o.ack ?? 0)]);
  header[12] = ((20 + optLen) / 4) << 4;
  header[13] = o.flags & 0xff;
  header.set(be16(65535), 14);
  header.set(opts, 20);
  return concat(header, o.payload ?? new Uint8Array(0));
}

export function udp(o: { srcPort: number; dstPort: number; payload?: Uint8Array }): Uint8Array {
  const payload = o.payload ?? new Uint8Array(0);
  return concat(new Uint8Array([...be16(o.srcPort), ...be16(o.dstPort), ...be16(8 + payload.length), 0, 0]), payload);
}

/** ICMPv4 or ICMPv6 (same shape: type, code, checksum, 4 bytes rest-of-header, payload). */
export function icmp(o: { type: number; code?: number; payload?: Uint8Array }): Uint8Array {
  return concat(new Uint8Array([o.type, o.code ?? 0, 0, 0, 0, 1, 0, 1]), o.payload ?? new Uint8Array(0));
}

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
  /** Fragment offset in 8-byte units. */
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** IP options (padded to 4 bytes by the builder). */
  options?: Uint8Array;
  /** Overrides the total length field (default: header + payload). */
  totalLength?: number;
}

export function ipv4(o: Ipv4Options): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const hlen = 20 + ((opts.length + 3) & ~3);
  const h = new Uint8Array(hlen);
  h[0] = 0x40 | (hlen / 4);
  h.set(be16(o.totalLength ?? hlen + o.payload.length), 2);
  h.set(be16(o.id ?? 1), 4);
  h.set(be16(((o.moreFragments ? 1 : 0) << 13) | (o.fragmentOffset ?? 0)), 6);
  h[8] = o.ttl ?? 64;
  h[9] = o.protocol;
  h.set(ipv4Bytes(o.src), 12);
  h.set(ipv4Bytes(o.dst), 16);
  h.set(opts, 20);
  let sum = 0;
  for (let i = 0; i < hlen; i += 2) sum += (h[i] << 8) | h[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  h.set(be16(~sum & 0xffff), 10);
  return concat(h, o.payload);
}

/** An IPv6 extension header: its type, and for fragments the offset (8-byte units). */
export interface Ipv6Extension {
  type: 0 | 43 | 44 | 51 | 60;
  /** Body length in bytes beyond the first 8 (hop-by-hop, routing, dest options: multiple of 8; AH: multiple of 4). */
  extraLength?: number;
  fragmentOffset?: number;
  moreFragments?: boolean;
}

export interface Ipv6Options {
  src: string;
  dst: string;
  /** Protocol after the extension headers. */
  nextHeader: number;
  payload: Uint8Array;
  extensions?: Ipv6Extension[];
  hopLimit?: number;
  /** Overrides the payload length field. */
  payloadLength?: number;
}

export function ipv6(o: Ipv6Options): Uint8Array {
  const exts = o.extensions ?? [];
  const parts: Uint8Array[] = [];
  exts.forEach((e, i) => {
    const next = i + 1 < exts.length ? exts[i + 1].type : o.nextHeader;
    const extra = e.extraLength ?? 0;
    const b = new Uint8Array(8 + extra);
    b[0] = next;
    if (e.type === 44) {
      b.set(be16(((e.fragmentOffset ?? 0) << 3) | (e.moreFragments ? 1 : 0)), 2);
      b.set(be32(0x1234), 4);
    } else if (e.type === 51) {
      if ((8 + extra) % 4 !== 0 || 8 + extra < 12) throw new Error('AH length must be a multiple of 4, at least 12');
      b[1] = (8 + extra) / 4 - 2;
    } else {
      if (extra % 8 !== 0) throw new Error('extension length must be a multiple of 8');
      b[1] = extra / 8;
      if (e.type === 0 || e.type === 60) b[2] = 1; // PadN option covering the rest
      if (e.type === 0 || e.type === 60) b[3] = 8 + extra - 4;
    }
    parts.push(b);
  });
  const body = concat(...parts, o.payload);
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h.set(be16(o.payloadLength ?? body.length), 4);
  h[6] = exts.length > 0 ? exts[0].type : o.nextHeader;
  h[7] = o.hopLimit ?? 64;
  h.set(ipv6Bytes(o.src), 8);
  h.set(ipv6Bytes(o.dst), 24);
  return concat(h, body);
}

export function arp(o: { op: 1 | 2; senderIp: string; targetIp: string; senderMac?: number[] }): Uint8Array {
  const mac = o.senderMac ?? [2, 0, 0, 0, 0, 1];
  return new Uint8Array([
    ...be16(1), // Ethernet
    ...be16(ETH_IPV4),
    6,
    4,
    ...be16(o.op),
    ...mac,
    ...ipv4Bytes(o.senderIp),
    ...(o.op === 1 ? [0, 0, 0, 0, 0, 0] : [2, 0, 0, 0, 0, 2]),
    ...ipv4Bytes(o.targetIp),
  ]);
}

export interface EthernetOptions {
  etherType: number;
  payload: Uint8Array;
  /** Tags outermost first; tpid defaults to 0x8100. */
  vlans?: { vid: number; tpid?: number }[];
  /** Pad the frame to the 60-byte Ethernet minimum like a NIC does. */
  pad?: boolean;
}

export function ethernet(o: EthernetOptions): Uint8Array {
  const tags = o.vlans ?? [];
  const macs = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01];
  const head: number[] = [...macs];
  for (const t of tags) head.push(...be16(t.tpid ?? ETH_VLAN), ...be16(t.vid & 0xfff));
  head.push(...be16(o.etherType));
  const frame = concat(new Uint8Array(head), o.payload);
  if (o.pad && frame.length < 60) return concat(frame, new Uint8Array(60 - frame.length));
  return frame;
}

/** An MPLS label stack (bottom-of-stack set on the last label) followed by the payload. */
export function mpls(labels: number[], payload: Uint8Array): Uint8Array {
  const stack = labels.flatMap((label, i) => be32(((label & 0xfffff) << 12) | ((i === labels.length - 1 ? 1 : 0) << 8) | 64));
  return concat(new Uint8Array(stack), payload);
}

/** Linux cooked capture v1 (16-byte header). */
export function linuxSll(protocol: number, payload: Uint8Array, packetType = 0): Uint8Array {
  return concat(new Uint8Array([...be16(packetType), ...be16(1), ...be16(6), 2, 0, 0, 0, 0, 1, 0, 0, ...be16(protocol)]), payload);
}

/** Linux cooked capture v2 (20-byte header). */
export function linuxSll2(protocol: number, payload: Uint8Array, packetType = 0): Uint8Array {
  return concat(new Uint8Array([...be16(protocol), 0, 0, ...be32(2), ...be16(1), packetType, 6, 2, 0, 0, 0, 0, 1, 0, 0]), payload);
}

/** BSD loopback header: the address family as 4 bytes in the given byte order. */
export function bsdLoopback(family: number, payload: Uint8Array, littleEndian: boolean): Uint8Array {
  const fam = littleEndian ? be32(family).reverse() : be32(family);
  return concat(new Uint8Array(fam), payload);
}
