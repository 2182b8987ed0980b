import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';
import { LAYER_UDP, type PacketSummary } from '../decode/packet-summary.js';

class Udp extends PacketCountCounter {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_UDP) !== 0) this.n++;
  }
}

export const UDP: CounterDef = {
  name: 'UDP',
  description: 'UDP datagrams (header whole)',
  create: () => new Udp(),
};
