import { ratio, SHARE, type StatDef } from './statistic.js';

/**
 * Rejections: a TCP scan of closed ports draws a RST per probe, a UDP scan an ICMP port
 * unreachable; both are rare in normal traffic.
 */
export const R_REJECT: StatDef = {
  name: 'R_REJECT',
  description: 'ratio of rejections (TCP RST, ICMP destination unreachable) among IP packets',
  formula: '(RST + ICMP_UNREACH) / IP',
  requires: ['RST', 'ICMP_UNREACH', 'IP'],
  range: SHARE,
  compute: (c) => ratio(c.RST + c.ICMP_UNREACH, c.IP),
};
