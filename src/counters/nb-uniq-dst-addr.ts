import type { CounterDef } from './counter.js';
import { UniqueAddressCounter } from './unique-address-counter.js';

export const NB_UNIQ_DST_ADDR: CounterDef = {
  name: 'NB_UNIQ_DST_ADDR',
  description: 'distinct destination addresses of IP packets (IPv4 and IPv6)',
  create: () => new UniqueAddressCounter(false),
};
