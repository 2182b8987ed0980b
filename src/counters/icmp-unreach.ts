import type { Counter, CounterDef } from './counter.js';
import { LAYER_ICMP, LAYER_IPV4, type PacketSummary } from '../decode/packet-summary.js';

/** Destination Unreachable: ICMPv4 type 3, ICMPv6 type 1 (every code, port unreachable included). */
const UNREACH_V4 = 3;
const UNREACH_V6 = 1;

/**
 * A rejection: a host or router saying a destination cannot be reached. A UDP scan of closed
 * ports makes the target answer each probe with one (code 3, port unreachable).
 */
class IcmpUnreachCounter implements Counter {
  private n = 0;
  process(p: PacketSummary): void {
    const layers = p.layers;
    if ((layers & LAYER_ICMP) === 0) return;
    if (p.icmpType === ((layers & LAYER_IPV4) !== 0 ? UNREACH_V4 : UNREACH_V6)) this.n++;
  }
  value(): number {
    return this.n;
  }
  reset(): void {
    this.n = 0;
  }
}

export const ICMP_UNREACH: CounterDef = {
  name: 'ICMP_UNREACH',
  description: 'ICMP/ICMPv6 destination unreachable messages (any code; port unreachable included)',
  create: () => new IcmpUnreachCounter(),
};
