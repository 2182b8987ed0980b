/**
 * The counter registry. Adding a counter: write `my-counter.ts` exporting a CounterDef
 * (see `syn.ts` or `ip.ts` for the shape) and list it here.
 */
import type { CounterDef } from './counter.js';
import { PKTS } from './pkts.js';
import { IP } from './ip.js';
import { IP_BYTES } from './ip-bytes.js';
import { ARP } from './arp.js';
import { ICMP } from './icmp.js';
import { UDP } from './udp.js';
import { SYN } from './syn.js';
import { ACK } from './ack.js';
import { FIN } from './fin.js';
import { RST } from './rst.js';
import { URG } from './urg.js';
import { ECE } from './ece.js';
import { CWR } from './cwr.js';
import { NB_UNIQ_SRC_ADDR } from './nb-uniq-src-addr.js';
import { NB_UNIQ_DST_ADDR } from './nb-uniq-dst-addr.js';
import { NB_UNIQ_SRC_PORT } from './nb-uniq-src-port.js';
import { NB_UNIQ_DST_PORT } from './nb-uniq-dst-port.js';
import { SOURCE_TIME } from './source-time.js';
import { REAL_TIME } from './real-time.js';
import { MALFORMED } from './malformed.js';
import { IFACE_DROPPED } from './iface-dropped.js';
import { IFACE_RECEIVED } from './iface-received.js';
import { SYN_OPEN } from './syn-open.js';
import { SYN_ACK } from './syn-ack.js';
import { ICMP_UNREACH } from './icmp-unreach.js';
import { SRC_MAX_TCP_PORTS } from './src-max-tcp-ports.js';
import { SRC_MAX_UDP_PORTS } from './src-max-udp-ports.js';
import { SRC_MAX_DST_ADDRS } from './src-max-dst-addrs.js';

export type { Counter, CounterDef, PeriodInfo, SumRule } from './counter.js';
export { SumTable } from './sum-table.js';
export { FanOutTable, type FanOutKind } from './source-fanout.js';

export const counterDefs: readonly CounterDef[] = [
  PKTS, IP, IP_BYTES, ARP, ICMP, UDP, SYN, ACK, FIN, RST, URG, ECE, CWR,
  NB_UNIQ_SRC_ADDR, NB_UNIQ_DST_ADDR, NB_UNIQ_SRC_PORT, NB_UNIQ_DST_PORT,
  SOURCE_TIME, REAL_TIME, MALFORMED, IFACE_DROPPED, IFACE_RECEIVED,
  SYN_OPEN, SYN_ACK, ICMP_UNREACH, SRC_MAX_TCP_PORTS, SRC_MAX_UDP_PORTS, SRC_MAX_DST_ADDRS,
];

const byName = new Map(counterDefs.map((c) => [c.name, c]));

export function counterDef(name: string): CounterDef | undefined {
  return byName.get(name);
}
