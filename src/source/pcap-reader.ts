/**
 * Classic pcap (libpcap) files: a 24-byte global header, then records of a 16-byte header
 * (24 bytes in the "modified" Kuznetzov variant) and the captured bytes. Either byte order;
 * microsecond or nanosecond timestamps according to the magic number.
 */
import type { PacketBatch, PcapFile } from './packet-batch.js';
import { FileInput } from './byte-input.js';
import { BATCH_CAPACITY, CaptureFileReader, MAX_CAPLEN } from './capture-file-reader.js';
import type { ChunkBuffer } from './chunk-buffer.js';
import { InputError } from '../util/errors.js';

export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
/** Kuznetzov's patched libpcap: 8 more bytes per record header (ifindex, protocol, type). */
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;


/** Reads the magic number at the start of `b` in either byte order, or returns null. */
export function pcapByteOrder(b: Uint8Array): { littleEndian: boolean; magic: number } | null {
  const be = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const le = ((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0;
  for (const magic of [PCAP_MAGIC_USEC, PCAP_MAGIC_NSEC, PCAP_MAGIC_MODIFIED]) {
    if (be === magic) return { littleEndian: false, magic };
    if (le === magic) return { littleEndian: true, magic };
  }
  return null;
}

export class PcapReader extends CaptureFileReader {
  private readonly le: boolean;
  private readonly nanos: boolean;
  private readonly recordHeader: number;
  readonly linkType: number;
  readonly snaplen: number;

  /** `chunks` is positioned at the global header (its magic already recognised). */
  constructor(name: string, path: string, chunks: ChunkBuffer, fileSize: number, compressed: boolean) {
    super(name, path, chunks, fileSize, compressed);
    const b = chunks.buf;
    const p = chunks.pos;
    const order = pcapByteOrder(b.subarray(p, p + 4));
    if (order === null || chunks.end - p < 24) {
      throw new InputError(`${path}: truncated pcap global header at byte offset ${chunks.offset}`);
    }
    this.le = order.littleEndian;
    this.nanos = order.magic === PCAP_MAGIC_NSEC;
    this.recordHeader = order.magic === PCAP_MAGIC_MODIFIED ? 24 : 16;
    const major = this.u16(b, p + 4);
    if (major !== 2) {
      throw new InputError(`${path}: unsupported pcap version ${major}.${this.u16(b, p + 6)} at byte offset ${chunks.offset + 4}`);
    }
    this.snaplen = this.u32(b, p + 16);
    // The upper bits may carry FCS information; the link type is the low 16 bits.
    this.linkType = this.u32(b, p + 20) & 0xffff;
    chunks.pos = p + 24;
  }

  get pcapFile(): PcapFile | undefined {
    const input = this.chunks.input;
    if (!(input instanceof FileInput) || this.closed) return undefined;
    return { fd: input.fd, littleEndian: this.le, recordHeader: this.recordHeader, linkType: this.linkType };
  }

  private u16(b: Uint8Array, o: number): number {
    return this.le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
  }

  private u32(b: Uint8Array, o: number): number {
    return this.le
      ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
      : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  }


  protected async fill(): Promise<PacketBatch | null> {
    const batch = this.batch;
    const chunks = this.chunks;
    const hdr = this.recordHeader;
    const le = this.le;
    const nanos = this.nanos;
    const linkType = this.linkType;
    const { offset, caplen: caplens, wirelen: wirelens, tsSec, tsNsec, linkType: linkTypes } = batch;
    for (;;) {
      const b = chunks.buf;
      const end = chunks.end;
      let pos = chunks.pos;
      let n = 0;
      let need = hdr;
      while (n < BATCH_CAPACITY) {
        if (end - pos < hdr) {
          need = hdr;
          break;
        }
        let sec, frac, caplen, wirelen;
        if (le) {
          sec = (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
          frac = (b[pos + 4] | (b[pos + 5] << 8) | (b[pos + 6] << 16) | (b[pos + 7] << 24)) >>> 0;
          caplen = (b[pos + 8] | (b[pos + 9] << 8) | (b[pos + 10] << 16) | (b[pos + 11] << 24)) >>> 0;
          wirelen = (b[pos + 12] | (b[pos + 13] << 8) | (b[pos + 14] << 16) | (b[pos + 15] << 24)) >>> 0;
        } else {
          sec = ((b[pos] << 24) | (b[pos + 1] << 16) | (b[pos + 2] << 8) | b[pos + 3]) >>> 0;
          frac = ((b[pos + 4] << 24) | (b[pos + 5] << 16) | (b[pos + 6] << 8) | b[pos + 7]) >>> 0;
          caplen = ((b[pos + 8] << 24) | (b[pos + 9] << 16) | (b[pos + 10] << 8) | b[pos + 11]) >>> 0;
          wirelen = ((b[pos + 12] << 24) | (b[pos + 13] << 16) | (b[pos + 14] << 8) | b[pos + 15]) >>> 0;
        }
        if (caplen > MAX_CAPLEN) {
          const err = new InputError(
            `${this.path}: bad pcap record at byte offset ${chunks.base + pos}: captured length ${caplen} exceeds ${MAX_CAPLEN}`,
          );
          if (n === 0) throw err;
          this.pendingError = err;
          break;
        }
        if (end - pos - hdr < caplen) {
          need = hdr + caplen;
          break;
        }
        if (nanos) {
          if (frac >= 1e9) {
            sec += Math.floor(frac / 1e9);
            frac %= 1e9;
          }
          tsNsec[n] = frac;
        } else {
          if (frac >= 1e6) {
            sec += Math.floor(frac / 1e6);
            frac %= 1e6;
          }
          tsNsec[n] = frac * 1000;
        }
        tsSec[n] = sec;
        offset[n] = pos + hdr;
        caplens[n] = caplen;
        wirelens[n] = wirelen;
        linkTypes[n] = linkType;
        pos += hdr + caplen;
        n++;
      }
      chunks.pos = pos;
      if (n > 0) {
        batch.count = n;
        batch.data = b;
        batch.base = chunks.base;
        this.packets += n;
        return batch;
      }
      if (!(await chunks.ensure(need))) {
        this.done = true;
        const left = chunks.end - chunks.pos;
        if (left > 0) {
          this.warningList.push(
            `${this.path}: truncated last record at byte offset ${chunks.offset}: ${left} of ${need} bytes present (1 truncated record)`,
          );
        }
        batch.count = 0;
        return null;
      }
    }
  }

}
