import { ratio, SHARE, type StatDef } from './statistic.js';

export const R_IP: StatDef = {
  name: 'R_IP',
  description: 'ratio of IP packets among all packets',
  formula: 'IP / PKTS',
  requires: ['IP', 'PKTS'],
  range: SHARE,
  compute: (c) => ratio(c.IP, c.PKTS),
};
