import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';
import { LAYER_IP, type PacketSummary } from '../decode/packet-summary.js';

class Ip extends PacketCountCounter {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_IP) !== 0) this.n++;
  }
}

export const IP: CounterDef = {
  name: 'IP',
  description: 'IPv4 and IPv6 packets (outermost IP header whole)',
  create: () => new Ip(),
};
