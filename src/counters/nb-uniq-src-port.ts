import type { CounterDef } from './counter.js';
import { UniquePortCounter } from './unique-port-counter.js';

export const NB_UNIQ_SRC_PORT: CounterDef = {
  name: 'NB_UNIQ_SRC_PORT',
  description: 'distinct TCP source ports',
  create: () => new UniquePortCounter(true),
};
