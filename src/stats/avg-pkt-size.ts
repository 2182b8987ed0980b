import { ratio, type StatDef } from './statistic.js';

export const AVG_PKT_SIZE: StatDef = {
  name: 'AVG_PKT_SIZE',
  description: 'average size of IP packets, bytes (from the IP headers)',
  formula: 'IP_BYTES / IP',
  requires: ['IP_BYTES', 'IP'],
  compute: (c) => ratio(c.IP_BYTES, c.IP),
};
