import { ratio, type StatDef } from './statistic.js';

export const PERF: StatDef = {
  name: 'PERF',
  description: "packets processed per second of wall-clock time (NetSpot's own speed; recorded, never judged)",
  formula: 'PKTS / REAL_TIME',
  requires: ['PKTS', 'REAL_TIME'],
  // NetSpot's own speed varies from run to run: judging it would make alarms irreproducible.
  judged: false,
  compute: (c) => ratio(c.PKTS, c.REAL_TIME),
};
