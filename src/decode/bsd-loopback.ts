/**
 * BSD loopback headers: a 4-byte address family before the IP header. LINKTYPE_NULL stores it
 * in the capturing host's byte order, LINKTYPE_LOOP in network order; both orders are accepted
 * for both types (a family value is unambiguous either way). AF_INET6 differs per OS: 24
 * (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS); AF_INET is 2 everywhere.
 */
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { PacketSummary } from './packet-summary.js';

export function decodeBSDLoopback(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 4) {
    out.malformed = 1;
    return;
  }
  // Whichever end holds the family, the other three bytes are zero.
  const family = data[o] === 0 && data[o + 1] === 0 ? data[o + 3] | (data[o + 2] << 8) : data[o] | (data[o + 1] << 8);
  if (family === 2) decodeIPv4(data, o + 4, end, out);
  else if (family === 24 || family === 28 || family === 30) decodeIPv6(data, o + 4, end, out);
}
