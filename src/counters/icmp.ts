import type { CounterDef } from './counter.js';
import { LAYER_ICMP } from '../decode/packet-summary.js';

export const ICMP: CounterDef = {
  name: 'ICMP',
  description: 'ICMPv4 and ICMPv6 packets',
  sum: { anyLayer: LAYER_ICMP, add: 'one' },
};
