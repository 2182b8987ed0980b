/**
 * Counts a job (count-job.ts): decodes its packets and counts them with an analyzer's packet
 * counters, one result per segment (a segment lies in one period): a whole period's values, or
 * the counter state of a part of one, to merge. A whole period also brings its top talkers'
 * lists; for the parts, it marks each IP packet in the slot for the main thread's top talkers.
 * Used by every counting worker thread, and by the main thread itself when
 * the workers are all busy (worker-pool.ts): the same code, so the results are the same.
 */
import { readSync } from 'node:fs';
import { Analyzer } from '../analyzer/analyzer.js';
import { decodePacket } from '../decode/packet-decoder.js';
import { LAYER_IP, PacketSummary } from '../decode/packet-summary.js';
import { TopTalkers } from '../context/top-talkers.js';
import type { Config } from '../config/schema.js';
import type { JobSlot, JobWalk, SegmentCount, WorkerSetup } from './count-job.js';

/** A job walked in the file is read in pieces of this size: they stay in the core's L2 cache until decoded. */
const PIECE_BYTES = 256 * 1024;

export class JobCounter {
  private readonly analyzer: Analyzer;
  private readonly summary = new PacketSummary();
  /** A job walked in the file: the piece read, its place in the file, the next record's offset, and the piece's packets' offsets. */
  private piece = new Uint8Array(PIECE_BYTES);
  private pieceStart = 0;
  private pieceEnd = 0;
  private filePos = 0;
  private readonly rel = new Uint32Array(16384);
  /** Bytes of the job's parts of periods copied into the slot so far (the first and last segments may both be parts). */
  private kept = 0;
  /**
   * The top talkers of whole periods (their sampling starts afresh each period, so these are
   * one thread's lists); those of parts of periods are the main thread's, from the IP marks.
   */
  private readonly talkers: TopTalkers | null;

  constructor(setup: WorkerSetup) {
    const cfg = setup.cfg as Config;
    this.analyzer = new Analyzer(cfg, setup.series, { counters: setup.counters, countTalkers: false });
    this.talkers = cfg.analyzer.context_top > 0 ? new TopTalkers(cfg.analyzer.context_top) : null;
  }

  /**
   * The job in `slot`: `segments` segments ending at `slot.ends`, `whole[k]` = 1 for a whole
   * period; its packets are walked in the file when `walk` says where, else they are in the slot.
   */
  count(slot: JobSlot, segments: number, whole: Uint8Array, walk?: JobWalk): SegmentCount[] {
    const analyzer = this.analyzer;
    const out: SegmentCount[] = [];
    if (walk !== undefined) this.startWalk(walk);
    let from = 0;
    for (let k = 0; k < segments; k++) {
      const end = slot.ends[k];
      const talkers = whole[k] === 1 ? this.talkers : null;
      const malformed =
        walk === undefined ? this.countPackets(slot.data, slot.offset, slot, from, end, talkers) : this.walkAndCount(walk, slot, from, end, talkers, whole[k] === 0);
      if (whole[k] === 1) out.push({ values: analyzer.packetValues(), fanOutTop: analyzer.fanOutTop(), talkers: talkers?.summary(), malformed });
      else out.push({ state: analyzer.periodState(), malformed });
      analyzer.resetPacketCounters();
      talkers?.reset();
      from = end;
    }
    if (walk !== undefined && this.filePos !== walk.end) {
      throw new Error(`the job's ${from} records end at byte offset ${this.filePos} of the capture file, expected ${walk.end} (did the file change?)`);
    }
    return out;
  }

  private startWalk(walk: JobWalk): void {
    this.filePos = walk.start;
    this.pieceStart = walk.start;
    this.pieceEnd = walk.start;
    this.kept = 0;
  }

  /**
   * Makes bytes [filePos, filePos + need) of the file present in `piece`, reading the next
   * piece (about PIECE_BYTES, never past the job's end) when they are not.
   */
  private ensure(walk: JobWalk, need: number): void {
    if (this.filePos + need <= this.pieceEnd) return;
    const start = this.filePos;
    const length = Math.min(Math.max(PIECE_BYTES, need), walk.end - start);
    if (length < need) throw new Error(`a record of the job runs past its end (byte offset ${start} of the capture file)`);
    if (this.piece.length < length) this.piece = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = readSync(walk.fd, this.piece, got, length - got, start + got);
      if (n === 0) throw new Error(`the capture file ended at byte offset ${start + got} while counting (did it shrink?)`);
      got += n;
    }
    this.pieceStart = start;
    this.pieceEnd = start + length;
  }

  /**
   * Walks packets `from`..`to` of the job in the file (classic pcap records: the header's
   * captured and wire lengths, then the bytes), in pieces still in this core's cache when
   * decoded. `keep`: a part of a period, whose packets the main thread needs for its top
   * talkers: they are copied into the slot, with their lengths and offsets.
   */
  private walkAndCount(walk: JobWalk, slot: JobSlot, from: number, to: number, talkers: TopTalkers | null, keep: boolean): number {
    const hdr = walk.recordHeader, le = walk.littleEndian, linkType = walk.linkType;
    const { caplen, wirelen, linkType: linkTypes } = slot;
    const rel = this.rel;
    let malformed = 0;
    for (let i = from; i < to; ) {
      // One piece: as many whole records as it holds (at least one).
      this.ensure(walk, hdr);
      let b = this.piece;
      let pos = this.filePos - this.pieceStart;
      const first = i;
      while (i < to && i - first < rel.length) {
        const avail = this.pieceEnd - this.pieceStart - pos;
        if (avail < hdr) break;
        const cap = le
          ? (b[pos + 8] | (b[pos + 9] << 8) | (b[pos + 10] << 16) | (b[pos + 11] << 24)) >>> 0
          : ((b[pos + 8] << 24) | (b[pos + 9] << 16) | (b[pos + 10] << 8) | b[pos + 11]) >>> 0;
        if (avail < hdr + cap) {
          if (i > first) break;
          // The first record of the piece is larger than what is left: read from it on.
          this.ensure(walk, hdr + cap);
          b = this.piece;
          pos = this.filePos - this.pieceStart;
        }
        caplen[i] = cap;
        wirelen[i] = le
          ? (b[pos + 12] | (b[pos + 13] << 8) | (b[pos + 14] << 16) | (b[pos + 15] << 24)) >>> 0
          : ((b[pos + 12] << 24) | (b[pos + 13] << 16) | (b[pos + 14] << 8) | b[pos + 15]) >>> 0;
        linkTypes[i] = linkType;
        rel[i - first] = pos + hdr;
        pos += hdr + cap;
        this.filePos += hdr + cap;
        i++;
      }
      malformed += this.countPackets(b, rel, slot, first, i, talkers, first);
      if (keep && this.talkers !== null) {
        for (let j = first; j < i; j++) {
          slot.data.set(b.subarray(rel[j - first], rel[j - first] + caplen[j]), this.kept);
          slot.offset[j] = this.kept;
          this.kept += caplen[j];
        }
      }
    }
    return malformed;
  }

  /**
   * The per-packet loop, as Pipeline.countBatch without the clock; returns the malformed
   * packets. Packet i is at `data[offset[i - shift]]`.
   */
  private countPackets(data: Uint8Array, offset: Uint32Array, slot: JobSlot, from: number, to: number, talkers: TopTalkers | null, shift = 0): number {
    const { caplen, wirelen, linkType, ip } = slot;
    const summary = this.summary;
    const counters = this.analyzer.packetCounters;
    const fanOut = this.analyzer.fanOut;
    const nc = counters.length;
    let malformed = 0;
    for (let i = from; i < to; i++) {
      decodePacket(data, offset[i - shift], caplen[i], wirelen[i], linkType[i], summary);
      malformed += summary.malformed;
      ip[i] = (summary.layers & LAYER_IP) !== 0 ? 1 : 0;
      for (let c = 0; c < nc; c++) counters[c].process!(summary);
      if (fanOut !== undefined) fanOut.process(summary);
      if (talkers !== null) talkers.process(summary);
    }
    return malformed;
  }
}
