import type { CounterDef } from './counter.js';

export const PKTS: CounterDef = {
  name: 'PKTS',
  description: 'packets of any kind (every record of the capture)',
  sum: { anyLayer: 0, add: 'one' },
};
