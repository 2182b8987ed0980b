import type { CounterDef } from './counter.js';
import { LAYER_ICMP_UNREACH } from '../decode/packet-summary.js';

/**
 * A rejection: a host or router saying a destination cannot be reached. A UDP scan of closed
 * ports makes the target answer each probe with one (code 3, port unreachable).
 */
export const ICMP_UNREACH: CounterDef = {
  name: 'ICMP_UNREACH',
  description: 'ICMP/ICMPv6 destination unreachable messages (any code; port unreachable included)',
  sum: { anyLayer: LAYER_ICMP_UNREACH, add: 'one' },
};
