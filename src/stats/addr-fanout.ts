import type { StatDef } from './statistic.js';
import { FANOUT_BOUND_NOTE } from '../counters/source-fanout.js';

export const ADDR_FANOUT: StatDef = {
  name: 'ADDR_FANOUT',
  description: `largest number of distinct destination addresses one source opened something with in the period (host sweep); ${FANOUT_BOUND_NOTE}`,
  formula: 'SRC_MAX_DST_ADDRS',
  requires: ['SRC_MAX_DST_ADDRS'],
  compute: (c) => c.SRC_MAX_DST_ADDRS,
};
