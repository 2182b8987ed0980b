/**
 * Counts a job (count-job.ts): decodes its packets and counts them with an analyzer's packet
 * counters, one result per segment (a segment lies in one period): a whole period's values, or
 * the counter state of a part of one, to merge. A whole period also brings its top talkers'
 * lists; for the parts, it marks each IP packet in the slot for the main thread's top talkers.
 * Used by every counting worker thread, and by the main thread itself when
 * the workers are all busy (worker-pool.ts): the same code, so the results are the same.
 */
import { Analyzer } from '../analyzer/analyzer.js';
import { decodePacket } from '../decode/packet-decoder.js';
import { LAYER_IP, PacketSummary } from '../decode/packet-summary.js';
import { TopTalkers } from '../context/top-talkers.js';
import type { Config } from '../config/schema.js';
import type { JobSlot, SegmentCount, WorkerSetup } from './count-job.js';

export class JobCounter {
  private readonly analyzer: Analyzer;
  private readonly summary = new PacketSummary();
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

  /** The job in `slot`: `segments` segments ending at `slot.ends`, `whole[k]` = 1 for a whole period. */
  count(slot: JobSlot, segments: number, whole: Uint8Array): SegmentCount[] {
    const analyzer = this.analyzer;
    const out: SegmentCount[] = [];
    let from = 0;
    for (let k = 0; k < segments; k++) {
      const end = slot.ends[k];
      const talkers = whole[k] === 1 ? this.talkers : null;
      const malformed = this.countPackets(slot, from, end, talkers);
      if (whole[k] === 1) out.push({ values: analyzer.packetValues(), fanOutTop: analyzer.fanOutTop(), talkers: talkers?.summary(), malformed });
      else out.push({ state: analyzer.periodState(), malformed });
      analyzer.resetPacketCounters();
      talkers?.reset();
      from = end;
    }
    return out;
  }

  /** The per-packet loop, as Pipeline.countBatch without the clock; returns the malformed packets. */
  private countPackets(slot: JobSlot, from: number, to: number, talkers: TopTalkers | null): number {
    const { data, offset, caplen, wirelen, linkType, ip } = slot;
    const summary = this.summary;
    const counters = this.analyzer.packetCounters;
    const fanOut = this.analyzer.fanOut;
    const nc = counters.length;
    let malformed = 0;
    for (let i = from; i < to; i++) {
      decodePacket(data, offset[i], caplen[i], wirelen[i], linkType[i], summary);
      malformed += summary.malformed;
      ip[i] = (summary.layers & LAYER_IP) !== 0 ? 1 : 0;
      for (let c = 0; c < nc; c++) counters[c].process!(summary);
      if (fanOut !== undefined) fanOut.process(summary);
      if (talkers !== null) talkers.process(summary);
    }
    return malformed;
  }
}
