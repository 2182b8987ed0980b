import type { StatDef } from './statistic.js';
import { FANOUT_BOUND_NOTE } from '../counters/source-fanout.js';

export const TCP_PORT_FANOUT: StatDef = {
  name: 'TCP_PORT_FANOUT',
  description: `largest number of distinct TCP ports one source opened or probed in the period (port scan); ${FANOUT_BOUND_NOTE}`,
  formula: 'SRC_MAX_TCP_PORTS',
  requires: ['SRC_MAX_TCP_PORTS'],
  compute: (c) => c.SRC_MAX_TCP_PORTS,
};
