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
import type { JobSlot, SegmentCount, WorkerSetup } from './count-job.js';

/** A job read from the file is read in pieces of this size: they stay in the core's L2 cache until decoded. */
const PIECE_BYTES = 256 * 1024;

export class JobCounter {
  private readonly analyzer: Analyzer;
  private readonly summary = new PacketSummary();
  /** The piece of file being counted, and its packets' offsets in it. */
  private piece = new Uint8Array(PIECE_BYTES);
  private readonly rel = new Uint32Array(16384);
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
   * period; its packets are read from the file `fd` (`slot.fileOffset`), or are in `slot.data` when fd is -1.
   */
  count(slot: JobSlot, segments: number, whole: Uint8Array, fd: number): SegmentCount[] {
    const analyzer = this.analyzer;
    const out: SegmentCount[] = [];
    let from = 0;
    for (let k = 0; k < segments; k++) {
      const end = slot.ends[k];
      const talkers = whole[k] === 1 ? this.talkers : null;
      const malformed =
        fd < 0 ? this.countPackets(slot.data, slot.offset, 0, slot, from, end, talkers) : this.readAndCount(fd, slot, from, end, talkers, whole[k] === 0);
      if (whole[k] === 1) out.push({ values: analyzer.packetValues(), fanOutTop: analyzer.fanOutTop(), talkers: talkers?.summary(), malformed });
      else out.push({ state: analyzer.periodState(), malformed });
      analyzer.resetPacketCounters();
      talkers?.reset();
      from = end;
    }
    return out;
  }

  /**
   * Packets `from`..`to` read from the capture file in pieces of about PIECE_BYTES (each still
   * in this core's cache when decoded). `keep`: a part of a period, whose packets the main
   * thread needs for its top talkers: they are copied into the slot.
   */
  private readAndCount(fd: number, slot: JobSlot, from: number, to: number, talkers: TopTalkers | null, keep: boolean): number {
    const { fileOffset, caplen } = slot;
    const rel = this.rel;
    let malformed = 0;
    for (let i = from; i < to; ) {
      const start = fileOffset[i];
      let end = start + caplen[i];
      let k = i + 1;
      while (k < to && k - i < rel.length && fileOffset[k] + caplen[k] - start <= PIECE_BYTES) end = fileOffset[k] + caplen[k++];
      const length = end - start;
      if (this.piece.length < length) this.piece = new Uint8Array(length);
      const piece = this.piece;
      let got = 0;
      while (got < length) {
        const n = readSync(fd, piece, got, length - got, start + got);
        if (n === 0) throw new Error(`the capture file ended at byte offset ${start + got} while counting (did it shrink?)`);
        got += n;
      }
      for (let j = i; j < k; j++) rel[j - i] = fileOffset[j] - start;
      malformed += this.countPackets(piece, rel, i, slot, i, k, talkers);
      if (keep && this.talkers !== null) {
        for (let j = i; j < k; j++) slot.data.set(piece.subarray(rel[j - i], rel[j - i] + caplen[j]), slot.offset[j]);
      }
      i = k;
    }
    return malformed;
  }

  /**
   * The per-packet loop, as Pipeline.countBatch without the clock; returns the malformed
   * packets. Packet i is at `data[offset[i - shift]]`.
   */
  private countPackets(data: Uint8Array, offset: Uint32Array, shift: number, slot: JobSlot, from: number, to: number, talkers: TopTalkers | null): number {
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
