import type { CounterDef } from './counter.js';

export const MALFORMED: CounterDef = {
  name: 'MALFORMED',
  description: 'packets whose headers were cut short or inconsistent (counted as far as they were whole)',
  sum: { anyLayer: 0, add: 'malformed' },
};
