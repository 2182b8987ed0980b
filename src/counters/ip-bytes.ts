import type { CounterDef } from './counter.js';
import { LAYER_IP } from '../decode/packet-summary.js';

export const IP_BYTES: CounterDef = {
  name: 'IP_BYTES',
  description: 'sum of IPv4 total length and IPv6 payload length + 40 (header values, not captured bytes)',
  sum: { anyLayer: LAYER_IP, add: 'ipBytes' },
};
