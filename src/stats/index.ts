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
import { ADDR_FANOUT } from './addr-fanout.js';
import { CONN_RATE } from './conn-rate.js';
import { R_HALF_OPEN } from './r-half-open.js';
import { R_REJECT } from './r-reject.js';
import { TCP_PORT_FANOUT } from './tcp-port-fanout.js';
import { UDP_PORT_FANOUT } from './udp-port-fanout.js';

export type { StatDef, CounterValues } from './statistic.js';
export { ratio, NON_NEGATIVE, SHARE } from './statistic.js';

export const statDefs: readonly StatDef[] = [
  AVG_PKT_SIZE, PERF, R_ACK, R_ARP, R_DST_SRC, R_DST_SRC_PORT, R_ICMP, R_IP, R_SYN, TRAFFIC,
  // Beyond NetSpot's ten: what a scan or flood hidden in heavy traffic moves.
  TCP_PORT_FANOUT, UDP_PORT_FANOUT, ADDR_FANOUT, R_HALF_OPEN, R_REJECT, CONN_RATE,
];

export const statNames: readonly string[] = statDefs.map((s) => s.name);

/** The ten statistics of NetSpot (the Go tool). */
export const NETSPOT_STATS: readonly string[] = [
  'AVG_PKT_SIZE', 'PERF', 'R_ACK', 'R_ARP', 'R_DST_SRC', 'R_DST_SRC_PORT', 'R_ICMP', 'R_IP', 'R_SYN', 'TRAFFIC',
];

/** In a list of statistics (`-s`, `analyzer.stats`), `all` stands for every statistic except PERF. */
export const ALL_STATS = 'all';

/**
 * A list of statistic names with `all` replaced by every judged statistic (PERF measures
 * NetSpot itself and is added only by name), in registry order, without duplicates.
 */
export function expandStats(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const n of names) {
    if (n !== ALL_STATS) out.add(n);
    else for (const s of statDefs) if (s.judged !== false) out.add(s.name);
  }
  return [...out];
}

const byName = new Map(statDefs.map((s) => [s.name, s]));

export function statDef(name: string): StatDef | undefined {
  return byName.get(name);
}
