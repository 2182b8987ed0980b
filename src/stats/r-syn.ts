import { ratio, SHARE, type StatDef } from './statistic.js';

export const R_SYN: StatDef = {
  name: 'R_SYN',
  description: 'ratio of TCP segments with SYN among IP packets',
  formula: 'SYN / IP',
  requires: ['SYN', 'IP'],
  range: SHARE,
  compute: (c) => ratio(c.SYN, c.IP),
};
