import { ratio, SHARE, type StatDef } from './statistic.js';

/**
 * Connection attempts left without a SYN-ACK: a SYN scan meets closed or filtered ports and a
 * spoofed flood's answers go elsewhere, so the share rises even when the attempts are a tiny
 * part of the traffic (R_SYN divides by every IP packet and barely moves).
 */
export const R_HALF_OPEN: StatDef = {
  name: 'R_HALF_OPEN',
  description: 'share of TCP connection attempts not answered by a SYN-ACK in the period',
  formula: 'max(0, SYN_OPEN - SYN_ACK) / SYN_OPEN',
  requires: ['SYN_OPEN', 'SYN_ACK'],
  range: SHARE,
  compute: (c) => ratio(Math.max(0, c.SYN_OPEN - c.SYN_ACK), c.SYN_OPEN),
};
