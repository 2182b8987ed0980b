/**
 * The statistic registry. Adding a statistic: write `my-stat.ts` exporting a StatDef (see
 * `r-syn.ts`: a name, a description, the counters it requires and a pure `compute`) and list
 * it here; the config, `netspot ls` and the docs pick it up.
 */
import type { StatDef } from './statistic.js';
import { AVG_PKT_SIZE } from './avg-pkt-size.js';
import { PERF } from './perf.js';
import { R_ACK } from './r-ack.js';
import { R_ARP } from './r-arp.js';
import { R_DST_SRC } from './r-dst-src.js';
import { R_DST_SRC_PORT } from './r-dst-src-port.js';
import { R_ICMP } from './r-icmp.js';
import { R_IP } from './r-ip.js';
import { R_SYN } from './r-syn.js';
import { TRAFFIC } from './traffic.js';

export type { StatDef, CounterValues } from './statistic.js';
export { ratio } from './statistic.js';

export const statDefs: readonly StatDef[] = [
  AVG_PKT_SIZE, PERF, R_ACK, R_ARP, R_DST_SRC, R_DST_SRC_PORT, R_ICMP, R_IP, R_SYN, TRAFFIC,
];

export const statNames: readonly string[] = statDefs.map((s) => s.name);

const byName = new Map(statDefs.map((s) => [s.name, s]));

export function statDef(name: string): StatDef | undefined {
  return byName.get(name);
}
