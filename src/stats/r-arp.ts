import { ratio, SHARE, type StatDef } from './statistic.js';

export const R_ARP: StatDef = {
  name: 'R_ARP',
  description: 'ratio of ARP packets among all packets',
  formula: 'ARP / PKTS',
  requires: ['ARP', 'PKTS'],
  range: SHARE,
  compute: (c) => ratio(c.ARP, c.PKTS),
};
