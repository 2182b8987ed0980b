import type { CounterDef } from './counter.js';
import { LAYER_UDP } from '../decode/packet-summary.js';

export const UDP: CounterDef = {
  name: 'UDP',
  description: 'UDP datagrams (header whole)',
  sum: { anyLayer: LAYER_UDP, add: 'one' },
};
