import type { StatDef } from './statistic.js';
import { FANOUT_BOUND_NOTE } from '../counters/source-fanout.js';

export const UDP_PORT_FANOUT: StatDef = {
  name: 'UDP_PORT_FANOUT',
  description: `largest number of distinct UDP ports one source sent requests to in the period (UDP port scan); ${FANOUT_BOUND_NOTE}`,
  formula: 'SRC_MAX_UDP_PORTS',
  requires: ['SRC_MAX_UDP_PORTS'],
  compute: (c) => c.SRC_MAX_UDP_PORTS,
};
