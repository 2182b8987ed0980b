import type { Counter } from './counter.js';
import { LAYER_IP, type PacketSummary } from '../decode/packet-summary.js';
import { AddressSet } from './address-set.js';
import { stateMismatch, type AddressesState, type CounterState } from './counter-state.js';

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
  state(): AddressesState {
    return { kind: 'addresses', ...this.set.keys() };
  }
  merge(state: CounterState): void {
    if (state.kind !== 'addresses') throw stateMismatch('a distinct-address counter', state);
    for (let i = 0; i < state.v4.length; i++) this.set.addIPv4(state.v4[i]);
    const v6 = state.v6;
    for (let o = 0; o + 4 <= v6.length; o += 4) this.set.addWords(v6[o], v6[o + 1], v6[o + 2], v6[o + 3]);
  }
  reset(): void {
    this.set.clear();
  }
}
