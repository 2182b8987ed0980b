import { ratio, SHARE, type StatDef } from './statistic.js';

export const R_ACK: StatDef = {
  name: 'R_ACK',
  description: 'ratio of TCP segments with ACK among IP packets',
  formula: 'ACK / IP',
  requires: ['ACK', 'IP'],
  range: SHARE,
  compute: (c) => ratio(c.ACK, c.IP),
};
