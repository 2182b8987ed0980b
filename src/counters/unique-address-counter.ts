import type { Counter } from './counter.js';
import { LAYER_IP, type PacketSummary } from '../decode/packet-summary.js';
import { AddressSet } from './address-set.js';

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
  reset(): void {
    this.set.clear();
  }
}
