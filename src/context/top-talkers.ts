/**
 * Per packet: the heaviest source addresses, destination addresses and TCP/UDP destination
 * ports of the period, each in a Space-Saving structure of fixed size (space-saving.ts).
 * Per period, only when the period raised an alarm: the top lists as an AlarmContext.
 *
 * Cost: the first EXACT_PACKETS IP packets of a period are all counted; after that one packet
 * in STRIDE on average (random strides) is counted with weight STRIDE. On traffic where every
 * packet brings a new address (the worst case: every update replaces a key), counting them all
 * would cost more than the rest of the analysis; sampled, it costs a countdown per packet.
 *
 * Error bound: with k = `capacity` monitored keys per list and N the weight counted by a list
 * in the period, a reported `pkts` is at most N / k below the counted weight (exact whenever
 * the period had at most k distinct keys in that list), and every key weighing more than
 * N / k is monitored. In periods of at most EXACT_PACKETS IP packets that is the whole truth;
 * in larger periods sampling adds a relative error of about sqrt(STRIDE / n) for a key with
 * n packets (6% for a key of 8,000 packets). With the default k = 64: any address above 1.6%
 * of the period's IP packets is caught, and no count is off by more than 1.6% of them plus
 * the sampling error.
 */
import type { Counter } from '../counters/index.js';
import { LAYER_IP, LAYER_TCP, LAYER_UDP, type PacketSummary } from '../decode/packet-summary.js';
import type { AlarmContext } from '../records/alarm-context.js';
import { SpaceSaving } from './space-saving.js';
import { TCP, topAddress, topPort, UDP, type HeavyList, type TalkerSummary } from './talker-summary.js';

/** Keys monitored per list (at least 4 × the reported top). */
export const MIN_CAPACITY = 64;

/** IP packets of a period that are all counted, before sampling starts. */
export const EXACT_PACKETS = 1024;
/** Mean sampling stride after that. */
export const STRIDE = 32;
/** The sampling's xorshift32 state at the start of each period. */
const RNG_SEED = 0x9e3779b9;

export class TopTalkers implements Counter {
  readonly src: SpaceSaving;
  readonly dst: SpaceSaving;
  readonly dstPort: SpaceSaving;
  /**
   * IP packets seen this period, packets left before the next sampled one, PRNG state. All
   * three start afresh each period, so a period's lists depend on its packets alone: a counting
   * worker that counts a whole period gets the lists one thread would (count-job.ts).
   */
  private seen = 0;
  private skip = 1;
  private rng = RNG_SEED;

  constructor(readonly top: number, capacity = Math.max(MIN_CAPACITY, 4 * top)) {
    this.src = new SpaceSaving(capacity);
    this.dst = new SpaceSaving(capacity);
    this.dstPort = new SpaceSaving(capacity);
  }

  /** The hot path: a countdown, and for counted packets three hash probes; no allocation. */
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_IP) === 0) return;
    const w = this.weight();
    if (w !== 0) this.add(p, w);
  }

  /**
   * One more IP packet this period: the weight it is counted with, 0 when sampling skips it.
   * For a period that worker threads counted in several parts, the main thread calls this for
   * each IP packet in capture order (the workers mark them) and decodes only the counted ones
   * for `add`: the lists are then those of one thread, bit for bit (sampling is sequential,
   * Space-Saving order-dependent).
   */
  weight(): number {
    if (++this.seen <= EXACT_PACKETS) return 1;
    if (--this.skip !== 0) return 0;
    // xorshift32: strides uniform in [1, 2·STRIDE - 1], mean STRIDE.
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    this.skip = 1 + ((x >>> 0) % (2 * STRIDE - 1));
    return STRIDE;
  }

  /** Counts an IP packet with the weight `weight()` gave it. */
  add(p: PacketSummary, w: number): void {
    const s = p.src, d = p.dst, layers = p.layers;
    this.src.add(s[0], s[1], s[2], s[3], w);
    this.dst.add(d[0], d[1], d[2], d[3], w);
    if ((layers & LAYER_TCP) !== 0) this.dstPort.add(0, 0, TCP, p.dstPort, w);
    else if ((layers & LAYER_UDP) !== 0) this.dstPort.add(0, 0, UDP, p.dstPort, w);
  }

  /** IP packets seen this period (a Counter needs a value; the lists are the point). */
  value(): number {
    return this.seen;
  }

  reset(): void {
    this.seen = 0;
    this.skip = 1;
    this.rng = RNG_SEED;
    this.src.reset();
    this.dst.reset();
    this.dstPort.reset();
  }

  /** The period's whole lists, for merging with other parts of the period (talker-summary.ts). */
  summary(): TalkerSummary {
    const list = (s: SpaceSaving): HeavyList => ({ total: s.total, floor: s.smallestCount(), keys: s.top(s.capacity) });
    return { src: list(this.src), dst: list(this.dst), dstPort: list(this.dstPort) };
  }

  /** The period's top lists (call before `reset`). */
  context(): AlarmContext {
    return {
      top_src: this.src.top(this.top).map((k) => topAddress(k, this.src.total)),
      top_dst: this.dst.top(this.top).map((k) => topAddress(k, this.dst.total)),
      top_dst_port: this.dstPort.top(this.top).map((k) => topPort(k, this.dstPort.total)),
    };
  }
}
