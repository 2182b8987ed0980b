import { ratio, SHARE, type StatDef } from './statistic.js';

export const R_ICMP: StatDef = {
  name: 'R_ICMP',
  description: 'ratio of ICMP (v4 and v6) packets among IP packets',
  formula: 'ICMP / IP',
  requires: ['ICMP', 'IP'],
  range: SHARE,
  compute: (c) => ratio(c.ICMP, c.IP),
};
