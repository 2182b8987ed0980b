/**
 * Transport layers (TCP, UDP, ICMPv4, ICMPv6): the last headers the decoder reads.
 * `o` is where the transport header starts, `end` where the IP payload ends (the smaller of
 * the captured bytes and the IP length fields), so link-layer padding is never read as header.
 */
import { LAYER_ICMP, LAYER_ICMP_UNREACH, LAYER_TCP, LAYER_UDP, type PacketSummary } from './packet-summary.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** Destination Unreachable in each family's numbering. */
const ICMP_UNREACH = 3;
const ICMPV6_UNREACH = 1;

/** Decodes the header named by `protocol`; other protocols (tunnels, ESP, ...) stop decoding. */
export function decodeTransport(protocol: number, data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (protocol === IPPROTO_TCP) {
    // The fixed 20 bytes must be whole; a data offset below 5 is not a TCP header.
    if (end - o < 20 || data[o + 12] >>> 4 < 5) {
      out.malformed = 1;
      return;
    }
    out.layers |= LAYER_TCP;
    out.srcPort = (data[o] << 8) | data[o + 1];
    out.dstPort = (data[o + 2] << 8) | data[o + 3];
    out.tcpFlags = data[o + 13];
    // Options cut by the snapshot length: the segment counts, the cut is reported.
    if ((data[o + 12] >>> 4) * 4 > end - o) out.malformed = 1;
  } else if (protocol === IPPROTO_UDP) {
    if (end - o < 8) {
      out.malformed = 1;
      return;
    }
    out.layers |= LAYER_UDP;
    out.srcPort = (data[o] << 8) | data[o + 1];
    out.dstPort = (data[o + 2] << 8) | data[o + 3];
  } else if (protocol === IPPROTO_ICMP || protocol === IPPROTO_ICMPV6) {
    // Type, code and checksum: the part common to every ICMP message.
    if (end - o < 4) {
      out.malformed = 1;
      return;
    }
    const type = data[o];
    out.layers |= type === (protocol === IPPROTO_ICMP ? ICMP_UNREACH : ICMPV6_UNREACH) ? LAYER_ICMP | LAYER_ICMP_UNREACH : LAYER_ICMP;
    out.icmpType = type;
    out.icmpCode = data[o + 1];
  }
}
