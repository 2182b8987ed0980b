import type { CounterDef } from './counter.js';
import { LAYER_ARP } from '../decode/packet-summary.js';

export const ARP: CounterDef = {
  name: 'ARP',
  description: 'ARP packets',
  sum: { anyLayer: LAYER_ARP, add: 'one' },
};
