import type { Counter } from './counter.js';
import { LAYER_IP, type PacketSummary } from '../decode/packet-summary.js';
import { AddressSet } from './address-set.js';
import { addressText } from '../context/address-text.js';

/** Distinct source or destination addresses over all IP packets of the period. */
export class UniqueAddressCounter implements Counter {
  private readonly set = new AddressSet();
  constructor(private readonly useSource: boolean) {}
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_IP) !== 0) this.set.add(this.useSource ? p.src : p.dst);
  }
  value(): number {
    return this.set.size;
  }
  /** The period's addresses as text (what a sensor sends for the aggregator's union; per period). */
  members(): string[] {
    const out: string[] = [];
    this.set.forEach((w0, w1, w2, w3) => out.push(addressText(w0, w1, w2, w3)));
    return out;
  }
  reset(): void {
    this.set.clear();
  }
}
