import type { StatDef } from './statistic.js';

export const UDP_PORT_FANOUT: StatDef = {
  name: 'UDP_PORT_FANOUT',
  description: 'largest number of distinct UDP ports one source sent requests to in the period (UDP port scan)',
  formula: 'SRC_MAX_UDP_PORTS',
  requires: ['SRC_MAX_UDP_PORTS'],
  compute: (c) => c.SRC_MAX_UDP_PORTS,
};
