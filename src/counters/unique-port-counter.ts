import type { Counter } from './counter.js';
import { LAYER_TCP, type PacketSummary } from '../decode/packet-summary.js';
import { PortSet } from './port-set.js';

/** Distinct TCP source or destination ports of the period (TCP only, as NetSpot). */
export class UniquePortCounter implements Counter {
  private readonly set = new PortSet();
  constructor(private readonly useSource: boolean) {}
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_TCP) !== 0) this.set.add(this.useSource ? p.srcPort : p.dstPort);
  }
  value(): number {
    return this.set.size;
  }
  /** The period's ports as text (what a sensor sends for the aggregator's union; per period). */
  members(): string[] {
    return this.set.members().map(String);
  }
  reset(): void {
    this.set.clear();
  }
}
