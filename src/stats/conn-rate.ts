import { ratio, type StatDef } from './statistic.js';

/**
 * New TCP connections attempted per second: a flood or a scan adds attempts at a rate normal
 * traffic rarely reaches, whatever the volume of the established flows around it.
 */
export const CONN_RATE: StatDef = {
  name: 'CONN_RATE',
  description: 'TCP connection attempts (SYN without ACK) per second of source time',
  formula: 'SYN_OPEN / SOURCE_TIME',
  requires: ['SYN_OPEN', 'SOURCE_TIME'],
  compute: (c) => ratio(c.SYN_OPEN, c.SOURCE_TIME),
};
