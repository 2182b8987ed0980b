import type { CounterDef } from './counter.js';
import {
  LAYER_ARP, LAYER_ICMP, LAYER_IPV4, LAYER_TCP, LAYER_UDP, TCP_ACK, TCP_RST, type PacketSummary,
} from '../decode/packet-summary.js';
import { SourceFanOut } from './source-fanout.js';

/** ICMPv4 echo and timestamp requests, ICMPv6 echo request: what a ping sweep sends. */
const ECHO_V4 = 8;
const TIMESTAMP_V4 = 13;
const ECHO_V6 = 128;
const ARP_REQUEST = 1;

/**
 * Address fan-out (host sweep): the destinations a source opened something with. Opening
 * packets are those the port fan-out counters count (TCP without ACK and RST, UDP towards a
 * lower port), ICMP echo / timestamp requests, and ARP requests (a sweep of the local subnet).
 * Replies never count, so a server answering many clients fans out to none of them.
 */
class AddressFanOut extends SourceFanOut {
  process(p: PacketSummary): void {
    const layers = p.layers;
    let opening: boolean;
    if ((layers & LAYER_TCP) !== 0) opening = (p.tcpFlags & (TCP_ACK | TCP_RST)) === 0;
    else if ((layers & LAYER_UDP) !== 0) opening = p.dstPort < p.srcPort;
    else if ((layers & LAYER_ICMP) !== 0) {
      const t = p.icmpType;
      opening = (layers & LAYER_IPV4) !== 0 ? t === ECHO_V4 || t === TIMESTAMP_V4 : t === ECHO_V6;
    } else opening = (layers & LAYER_ARP) !== 0 && p.arpOp === ARP_REQUEST;
    if (opening) {
      const d = p.dst;
      this.contact(p.src, d[0], d[1], d[2], d[3]);
    }
  }
}

export const SRC_MAX_DST_ADDRS: CounterDef = {
  name: 'SRC_MAX_DST_ADDRS',
  description: 'largest number of distinct destination addresses one source opened something with (TCP without ACK/RST, UDP towards a lower port, ICMP echo/timestamp request, ARP request)',
  create: () => new AddressFanOut(),
};
