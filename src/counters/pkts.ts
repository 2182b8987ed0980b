import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';

class Pkts extends PacketCountCounter {
  process(): void {
    this.n++;
  }
}

export const PKTS: CounterDef = {
  name: 'PKTS',
  description: 'packets of any kind (every record of the capture)',
  create: () => new Pkts(),
};
