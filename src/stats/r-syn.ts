import { ratio, type StatDef } from './statistic.js';

export const R_SYN: StatDef = {
  name: 'R_SYN',
  description: 'ratio of TCP segments with SYN among IP packets',
  formula: 'SYN / IP',
  requires: ['SYN', 'IP'],
  compute: (c) => ratio(c.SYN, c.IP),
};
