import { ratio, type StatDef } from './statistic.js';

export const PERF: StatDef = {
  name: 'PERF',
  description: "packets processed per second of wall-clock time (NetSpot's own speed)",
  formula: 'PKTS / REAL_TIME',
  requires: ['PKTS', 'REAL_TIME'],
  compute: (c) => ratio(c.PKTS, c.REAL_TIME),
};
