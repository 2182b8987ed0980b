/**
 * pcapng files: a sequence of sections (SHB, each with its own byte order), interfaces (IDB:
 * link type, snapshot length, timestamp resolution and offset) and packet blocks (EPB, SPB,
 * the obsolete PB). Other blocks are skipped by their length.
 *
 * A Simple Packet Block has no timestamp: it gets the previous packet's timestamp in its
 * section (0 if it is the first packet of the section).
 */
import type { PacketBatch } from './packet-batch.js';
import type { ChunkBuffer } from './chunk-buffer.js';
import { BATCH_CAPACITY, CaptureFileReader, MAX_CAPLEN } from './capture-file-reader.js';
import { InputError } from '../util/errors.js';

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 1;
export const BLOCK_PB = 2;
export const BLOCK_SPB = 3;
export const BLOCK_EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** A block longer than this is corruption (its packet would exceed MAX_CAPLEN). */
const MAX_BLOCK = MAX_CAPLEN + 4096;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** One interface of the current section. */
interface Interface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second (10^n or 2^n). */
  units: number;
  /** Bits per digit of the long division used when a timestamp exceeds 2^53 units. */
  digitBits: number;
  /** Units per nanosecond when a whole number above 1 (picosecond clocks...), else 0. */
  unitsPerNs: number;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetSec: number;
}

/** Reads a 32-bit unsigned integer in the given byte order. */
function rd32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
    : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export class PcapngReader extends CaptureFileReader {
  private le = true;
  private interfaces: Interface[] = [];
  private lastSec = 0;
  private lastNsec = 0;
  /** Bytes the next block needs (set by parse). */
  private need = 12;

  /** `chunks` is positioned at the first SHB. */
  constructor(name: string, path: string, chunks: ChunkBuffer, fileSize: number, compressed: boolean) {
    super(name, path, chunks, fileSize, compressed);}

  private u16(b: Uint8Array, o: number): number {
    return this.le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  private u32(b: Uint8Array, o: number): number {
    return rd32(b, o, this.le);
  }


  private fail(what: string, at: number): never {
    throw new InputError(`${this.path}: ${what} at byte offset ${at}`);
  }

  protected async fill(): Promise<PacketBatch | null> {
    const batch = this.batch;
    const chunks = this.chunks;
    for (;;) {
      const n = this.parse();
      if (n > 0) {
        batch.count = n;
        batch.data = chunks.buf;
        batch.base = chunks.base;
        this.packets += n;
        return batch;
      }
      const need = this.need;
      if (!(await chunks.ensure(need))) {
        this.done = true;
        const left = chunks.end - chunks.pos;
        if (left > 0) {
          this.warningList.push(
            `${this.path}: truncated last block at byte offset ${chunks.offset}: ${left} of ${need} bytes present (1 truncated record)`,
          );
        }
        batch.count = 0;
        return null;
      }
    }
  }

  /**
   * Parses the whole blocks in the window into the batch (synchronous, kept small so the hot
   * loop optimises well); returns the packets found and sets `need` to the bytes the next
   * block requires.
   */
  private parse(): number {
    const chunks = this.chunks;
    const b = chunks.buf;
    const end = chunks.end;
    let pos = chunks.pos;
    let n = 0;
    let need = 12;
    try {
      while (n < BATCH_CAPACITY) {
        if (end - pos < 12) {
          need = 12;
          break;
        }
        const type = rd32(b, pos, this.le);
        if (type === BLOCK_SHB) {
          // The byte order of a section is given by its own header, before its length.
          const magicLE = (b[pos + 8] | (b[pos + 9] << 8) | (b[pos + 10] << 16) | (b[pos + 11] << 24)) >>> 0;
          if (magicLE === BYTE_ORDER_MAGIC) this.le = true;
          else if (magicLE === 0x4d3c2b1a) this.le = false;
          else this.fail(`bad pcapng byte-order magic 0x${magicLE.toString(16)} in section header`, chunks.base + pos + 8);
        }
        const le = this.le;
        const len = rd32(b, pos + 4, le);
        if (len < 12 || (len & 3) !== 0 || len > MAX_BLOCK) {
          this.fail(`bad pcapng block length ${len} (block type 0x${type.toString(16)})`, chunks.base + pos);
        }
        if (end - pos < len) {
          need = len;
          break;
        }
        if (type === BLOCK_EPB) {
          if (len < 32) this.fail(`enhanced packet block too short (${len} bytes)`, chunks.base + pos);
          const iface = this.interfaceAt(rd32(b, pos + 8, le), chunks.base + pos);
          const caplen = rd32(b, pos + 20, le);
          if (caplen > len - 32) this.fail(`captured length ${caplen} exceeds its block (${len} bytes)`, chunks.base + pos);
          this.timestamp(iface, rd32(b, pos + 12, le), rd32(b, pos + 16, le));
          this.put(n++, pos + 28, caplen, rd32(b, pos + 24, le), iface.linkType);
        } else if (type === BLOCK_SPB) {
          if (len < 16) this.fail(`simple packet block too short (${len} bytes)`, chunks.base + pos);
          const iface = this.interfaceAt(0, chunks.base + pos);
          const wirelen = this.u32(b, pos + 8);
          let caplen = len - 16;
          if (wirelen < caplen) caplen = wirelen;
          if (iface.snaplen !== 0 && iface.snaplen < caplen) caplen = iface.snaplen;
          this.put(n++, pos + 12, caplen, wirelen, iface.linkType);
        } else if (type === BLOCK_PB) {
          if (len < 32) this.fail(`packet block too short (${len} bytes)`, chunks.base + pos);
          const iface = this.interfaceAt(this.u16(b, pos + 8), chunks.base + pos);
          const caplen = this.u32(b, pos + 20);
          if (caplen > len - 32) this.fail(`captured length ${caplen} exceeds its block (${len} bytes)`, chunks.base + pos);
          this.timestamp(iface, this.u32(b, pos + 12), this.u32(b, pos + 16));
          this.put(n++, pos + 28, caplen, this.u32(b, pos + 24), iface.linkType);
        } else if (type === BLOCK_IDB) {
          this.addInterface(b, pos, len, chunks.base + pos);
        } else if (type === BLOCK_SHB) {
          if (len < 28) this.fail(`section header block too short (${len} bytes)`, chunks.base + pos);
          const major = this.u16(b, pos + 12);
          if (major !== 1) this.fail(`unsupported pcapng version ${major}.${this.u16(b, pos + 14)}`, chunks.base + pos + 12);
          this.interfaces = [];
          this.lastSec = 0;
          this.lastNsec = 0;
        }
        pos += len;
      }
    } catch (err) {
      // The packets before a corrupt block are handed out first (see pendingError).
      if (n === 0) throw err;
      this.pendingError = err as Error;
    }
    chunks.pos = pos;
    this.need = need;
    return n;
  }

  private put(i: number, dataOffset: number, caplen: number, wirelen: number, linkType: number): void {
    const batch = this.batch;
    batch.offset[i] = dataOffset;
    batch.caplen[i] = caplen;
    batch.wirelen[i] = wirelen;
    batch.linkType[i] = linkType;
    batch.tsSec[i] = this.lastSec;
    batch.tsNsec[i] = this.lastNsec;
  }

  private interfaceAt(id: number, at: number): Interface {
    const iface = this.interfaces[id];
    if (iface === undefined) this.fail(`packet for undeclared interface ${id}`, at);
    return iface;
  }

  private addInterface(b: Uint8Array, pos: number, len: number, at: number): void {
    if (len < 20) this.fail(`interface description block too short (${len} bytes)`, at);
    const iface: Interface = {
      linkType: this.u16(b, pos + 8),
      snaplen: this.u32(b, pos + 12),
      units: 1e6,
      digitBits: 16,
      unitsPerNs: 0,
      offsetSec: 0,
    };
    // Options: code, length, value padded to 4 bytes; opt_endofopt (0) or the block end stops.
    let o = pos + 16;
    const end = pos + len - 4;
    while (end - o >= 4) {
      const code = this.u16(b, o);
      const optLen = this.u16(b, o + 2);
      if (code === 0 || o + 4 + optLen > end) break;
      if (code === OPT_IF_TSRESOL && optLen >= 1) {
        const v = b[o + 4];
        const exp = v & 0x7f;
        const units = v & 0x80 ? 2 ** exp : 10 ** exp;
        if (exp > 63 || units > 2 ** 63) this.fail(`unsupported if_tsresol 0x${v.toString(16)}`, at);
        iface.units = units;
      } else if (code === OPT_IF_TSOFFSET && optLen >= 8) {
        const lo = this.u32(b, o + 4 + (this.le ? 0 : 4));
        const hi = this.u32(b, o + 4 + (this.le ? 4 : 0)) | 0;
        iface.offsetSec = hi * 4294967296 + lo;
      }
      o += 4 + ((optLen + 3) & ~3);
    }
    // Long division digits must keep remainder * 2^bits below 2^53.
    iface.digitBits = iface.units < 2 ** 37 ? 16 : 8;
    iface.unitsPerNs = iface.units > 1e9 && iface.units % 1e9 === 0 ? iface.units / 1e9 : 0;
    this.interfaces.push(iface);
  }

  /** Converts a 64-bit count of the interface's units into lastSec/lastNsec, exactly. */
  private timestamp(iface: Interface, hi: number, lo: number): void {
    const units = iface.units;
    let sec: number;
    let rem: number;
    if (hi < 0x200000) {
      // Below 2^53 the value is exact as a double.
      const v = hi * 4294967296 + lo;
      sec = Math.floor(v / units);
      rem = v - sec * units;
    } else {
      // Long division in 16-bit (or 8-bit) digits: exact for nanosecond clocks of today.
      const bits = iface.digitBits;
      const base = 2 ** bits;
      const mask = base - 1;
      sec = 0;
      rem = 0;
      for (let shift = 64 - bits; shift >= 0; shift -= bits) {
        const digit = shift >= 32 ? (hi >>> (shift - 32)) & mask : (lo >>> shift) & mask;
        const cur = rem * base + digit;
        let q = Math.floor(cur / units);
        rem = cur - q * units;
        if (rem < 0) {
          q--;
          rem += units;
        } else if (rem >= units) {
          q++;
          rem -= units;
        }
        sec = sec * base + q;
      }
    }
    if (rem < 0) {
      sec--;
      rem += units;
    } else if (rem >= units) {
      sec++;
      rem -= units;
    }
    this.lastSec = sec + iface.offsetSec;
    // Exact for 10^n clocks up to ns and for multiples of 1 ns; within 1 ns for fine 2^-n clocks.
    this.lastNsec =
      units === 1e9 ? rem : iface.unitsPerNs !== 0 ? Math.floor(rem / iface.unitsPerNs) : Math.floor((rem * 1e9) / units);
  }

}
