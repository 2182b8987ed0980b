import type { Counter } from './counter.js';
import { LAYER_TCP, type PacketSummary } from '../decode/packet-summary.js';
import { PortSet } from './port-set.js';
import { stateMismatch, type CounterState, type PortsState } from './counter-state.js';

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
  state(): PortsState {
    return { kind: 'ports', ports: this.set.keys() };
  }
  merge(state: CounterState): void {
    if (state.kind !== 'ports') throw stateMismatch('a distinct-port counter', state);
    for (let i = 0; i < state.ports.length; i++) this.set.add(state.ports[i]);
  }
  reset(): void {
    this.set.clear();
  }
}
