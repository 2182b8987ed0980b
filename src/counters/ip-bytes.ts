import type { CounterDef } from './counter.js';
import { PacketCountCounter } from './counter.js';
import { LAYER_IP, type PacketSummary } from '../decode/packet-summary.js';

class IpBytes extends PacketCountCounter {
  process(p: PacketSummary): void {
    if ((p.layers & LAYER_IP) !== 0) this.n += p.ipBytes;
  }
}

export const IP_BYTES: CounterDef = {
  name: 'IP_BYTES',
  description: 'sum of IPv4 total length and IPv6 payload length + 40 (header values, not captured bytes)',
  create: () => new IpBytes(),
};
