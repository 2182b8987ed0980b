import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';
import { LAYER_ICMP, type PacketSummary } from '../decode/packet-summary.js';

class Icmp extends PacketCountCounter {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_ICMP) !== 0) this.n++;
  }
}

export const ICMP: CounterDef = {
  name: 'ICMP',
  description: 'ICMPv4 and ICMPv6 packets',
  create: () => new Icmp(),
};
