/**
 * Per packet: the heaviest source addresses, destination addresses and TCP/UDP destination
 * ports of the period, each in a Space-Saving structure of fixed size (space-saving.ts).
 * Per period, only when the period raised an alarm: the top lists as an AlarmContext.
 *
 * Error bound: with k = `capacity` monitored keys per list and N packets counted by a list in
 * the period, a reported `pkts` is at most N / k below the true count (exact whenever the
 * period had at most k distinct keys in that list), and every key with more than N / k packets
 * is monitored. With the default k = 64: any address above 1.6% of the period's IP packets is
 * caught, and no count is off by more than 1.6% of them.
 */
import type { Counter } from '../counters/index.js';
import { LAYER_IP, LAYER_TCP, LAYER_UDP, type PacketSummary } from '../decode/packet-summary.js';
import type { AlarmContext, TopAddress, TopPort } from '../records/alarm-context.js';
import { addressText } from './address-text.js';
import { SpaceSaving, type HeavyKey } from './space-saving.js';

/** Keys monitored per list (at least 4 × the reported top). */
export const MIN_CAPACITY = 64;

/** Protocol numbers kept in the third word of a port key. */
const TCP = 6;
const UDP = 17;

export class TopTalkers implements Counter {
  readonly src: SpaceSaving;
  readonly dst: SpaceSaving;
  readonly dstPort: SpaceSaving;

  constructor(readonly top: number, capacity = Math.max(MIN_CAPACITY, 4 * top)) {
    this.src = new SpaceSaving(capacity);
    this.dst = new SpaceSaving(capacity);
    this.dstPort = new SpaceSaving(capacity);
  }

  /** The hot path: three hash probes, no allocation. */
  process(p: PacketSummary): void {
    const layers = p.layers;
    if ((layers & LAYER_IP) === 0) return;
    const s = p.src, d = p.dst;
    this.src.add(s[0], s[1], s[2], s[3]);
    this.dst.add(d[0], d[1], d[2], d[3]);
    if ((layers & LAYER_TCP) !== 0) this.dstPort.add(0, 0, TCP, p.dstPort);
    else if ((layers & LAYER_UDP) !== 0) this.dstPort.add(0, 0, UDP, p.dstPort);
  }

  /** IP packets counted this period (a Counter needs a value; the lists are the point). */
  value(): number {
    return this.src.total;
  }

  reset(): void {
    this.src.reset();
    this.dst.reset();
    this.dstPort.reset();
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

function share(n: number, total: number): number {
  return total === 0 ? 0 : Math.round((n / total) * 1e4) / 1e4;
}

function topAddress(k: HeavyKey, total: number): TopAddress {
  const [w0, w1, w2, w3] = k.words;
  return { addr: addressText(w0, w1, w2, w3), pkts: k.min, share: share(k.min, total) };
}

function topPort(k: HeavyKey, total: number): TopPort {
  return { port: k.words[3], proto: k.words[2] === TCP ? 'tcp' : 'udp', pkts: k.min, share: share(k.min, total) };
}
