import { ratio, type StatDef } from './statistic.js';

export const R_ARP: StatDef = {
  name: 'R_ARP',
  description: 'ratio of ARP packets among all packets',
  formula: 'ARP / PKTS',
  requires: ['ARP', 'PKTS'],
  compute: (c) => ratio(c.ARP, c.PKTS),
};
