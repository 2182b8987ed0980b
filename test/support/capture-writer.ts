/**
 * Writes capture files for tests and benchmarks: classic pcap (us/ns, either byte order) and
 * pcapng (sections of either byte order, several interfaces, EPB/SPB/PB, unknown blocks),
 * optionally gzip-compressed. Independent of src/ on purpose.
 */
import { gzipSync } from 'node:zlib';
import { concat } from './packet-builder.js';

export interface CapturedPacket {
  data: Uint8Array;
  tsSec: number;
  /** Nanoseconds within the second. */
  tsNsec: number;
  /** Length on the wire (default: data.length). */
  wirelen?: number;
}

export interface PcapOptions {
  linkType: number;
  nanos?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  constructor(private readonly littleEndian: boolean) {}

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    new DataView(this.buf.buffer).setUint16(this.length, v, this.littleEndian);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, this.littleEndian);
    this.length += 4;
    return this;
  }

  u64(v: bigint): this {
    this.room(8);
    new DataView(this.buf.buffer).setBigUint64(this.length, BigInt.asUintN(64, v), this.littleEndian);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  pad4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }

  u32At(at: number, v: number): void {
    new DataView(this.buf.buffer).setUint32(at, v >>> 0, this.littleEndian);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function writePcap(packets: CapturedPacket[], o: PcapOptions): Uint8Array {
  const w = new ByteWriter(!o.bigEndian);
  w.u32(o.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(o.snaplen ?? 262144).u32(o.linkType);
  for (const p of packets) {
    w.u32(p.tsSec).u32(o.nanos ? p.tsNsec : Math.floor(p.tsNsec / 1000));
    w.u32(p.data.length).u32(p.wirelen ?? p.data.length).bytes(p.data);
  }
  return w.result();
}

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  /** Raw if_tsresol byte (default: none, i.e. microseconds). */
  tsresol?: number;
  /** if_tsoffset in seconds. */
  tsoffset?: number;
}

export type PcapngBlock =
  | { kind: 'epb'; interfaceId: number; packet: CapturedPacket }
  | { kind: 'pb'; interfaceId: number; packet: CapturedPacket }
  | { kind: 'spb'; packet: CapturedPacket }
  | { kind: 'raw'; type: number; body: Uint8Array };

export interface PcapngSection {
  bigEndian?: boolean;
  interfaces: PcapngInterface[];
  blocks: PcapngBlock[];
}

/** Units per second of an if_tsresol byte. */
function unitsPerSecond(tsresol: number | undefined): bigint {
  if (tsresol === undefined) return 1000000n;
  return tsresol & 0x80 ? 2n ** BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}

export function writePcapng(sections: PcapngSection[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const s of sections) {
    const w = new ByteWriter(!s.bigEndian);
    const block = (type: number, body: (w: ByteWriter) => void): void => {
      const start = w.length;
      w.u32(type).u32(0);
      body(w);
      w.pad4();
      w.u32(w.length - start + 4);
      w.u32At(start + 4, w.length - start);
    };
    block(0x0a0d0d0a, (w) => w.u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n));
    for (const i of s.interfaces) {
      block(1, (w) => {
        w.u16(i.linkType).u16(0).u32(i.snaplen ?? 0);
        if (i.tsresol !== undefined) w.u16(9).u16(1).u8(i.tsresol).pad4();
        if (i.tsoffset !== undefined) w.u16(14).u16(8).u64(BigInt(i.tsoffset));
        if (i.tsresol !== undefined || i.tsoffset !== undefined) w.u16(0).u16(0);
      });
    }
    const ticks = (p: CapturedPacket, iface: PcapngInterface): bigint => {
      const units = unitsPerSecond(iface.tsresol);
      return (BigInt(p.tsSec - (iface.tsoffset ?? 0)) * units) + (BigInt(p.tsNsec) * units) / 1000000000n;
    };
    for (const b of s.blocks) {
      if (b.kind === 'epb' || b.kind === 'pb') {
        const t = ticks(b.packet, s.interfaces[b.interfaceId] ?? { linkType: 0 });
        block(b.kind === 'epb' ? 6 : 2, (w) => {
          if (b.kind === 'epb') w.u32(b.interfaceId);
          else w.u16(b.interfaceId).u16(0);
          w.u32(Number(t >> 32n)).u32(Number(t & 0xffffffffn));
          w.u32(b.packet.data.length).u32(b.packet.wirelen ?? b.packet.data.length).bytes(b.packet.data);
        });
      } else if (b.kind === 'spb') {
        // An SPB holds at most the snaplen of interface 0 (the rest is not captured).
        const snaplen = s.interfaces[0]?.snaplen ?? 0;
        const data = snaplen !== 0 ? b.packet.data.subarray(0, snaplen) : b.packet.data;
        block(3, (w) => w.u32(b.packet.wirelen ?? b.packet.data.length).bytes(data));
      } else {
        block(b.type, (w) => w.bytes(b.body));
      }
    }
    parts.push(w.result());
  }
  return concat(...parts);
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}
