import { ratio, type StatDef } from './statistic.js';

export const TRAFFIC: StatDef = {
  name: 'TRAFFIC',
  description: 'IP packets per second of source time (capture time for files)',
  formula: 'IP / SOURCE_TIME',
  requires: ['IP', 'SOURCE_TIME'],
  compute: (c) => ratio(c.IP, c.SOURCE_TIME),
};
