import type { CounterDef } from './counter.js';
import { UniquePortCounter } from './unique-port-counter.js';

export const NB_UNIQ_DST_PORT: CounterDef = {
  name: 'NB_UNIQ_DST_PORT',
  description: 'distinct TCP destination ports',
  create: () => new UniquePortCounter(false),
};
