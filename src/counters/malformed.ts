import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';
import type { PacketSummary } from '../decode/packet-summary.js';

class Malformed extends PacketCountCounter {
  process(p: PacketSummary): void {
    this.n += p.malformed;
  }
}

export const MALFORMED: CounterDef = {
  name: 'MALFORMED',
  description: 'packets whose headers were cut short or inconsistent (counted as far as they were whole)',
  create: () => new Malformed(),
};
