import type { CounterDef } from './counter.js';
import { LAYER_IP } from '../decode/packet-summary.js';

export const IP: CounterDef = {
  name: 'IP',
  description: 'IPv4 and IPv6 packets (outermost IP header whole)',
  sum: { anyLayer: LAYER_IP, add: 'one' },
};
