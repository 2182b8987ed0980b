import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';
import { LAYER_ARP, type PacketSummary } from '../decode/packet-summary.js';

class Arp extends PacketCountCounter {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_ARP) !== 0) this.n++;
  }
}

export const ARP: CounterDef = {
  name: 'ARP',
  description: 'ARP packets',
  create: () => new Arp(),
};
