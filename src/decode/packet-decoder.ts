/**
 * Entry point of decoding: fills a reused PacketSummary from one packet's bytes, in place.
 * Each layer reads only its own header and hands over to the next; nothing allocates and
 * nothing throws. Tunnels are not decapsulated: the outermost IP header is the one counted.
 */
import { decodeBSDLoopback } from './bsd-loopback.js';
import { decodeEthernet } from './ethernet.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_RAW_12,
  LINKTYPE_RAW_14,
} from './link-types.js';
import { decodeLinuxSLL, decodeLinuxSLL2 } from './linux-sll.js';
import type { PacketSummary } from './packet-summary.js';

/**
 * Decodes the packet at `data[offset .. offset+caplen)` captured on `linkType`.
 * Link types without a decoder leave `out.layers` at 0 (the packet still counts as a packet).
 */
export function decodePacket(
  data: Uint8Array,
  offset: number,
  caplen: number,
  wirelen: number,
  linkType: number,
  out: PacketSummary,
): void {
  out.reset();
  out.wireLen = wirelen;
  let end = offset + caplen;
  // A record claiming more than the buffer holds is read only as far as the buffer goes.
  if (end > data.length) end = data.length;
  if (linkType === LINKTYPE_ETHERNET) decodeEthernet(data, offset, end, out);
  else if (linkType === LINKTYPE_LINUX_SLL) decodeLinuxSLL(data, offset, end, out);
  else if (linkType === LINKTYPE_RAW || linkType === LINKTYPE_RAW_12 || linkType === LINKTYPE_RAW_14) decodeRawIP(data, offset, end, out);
  else if (linkType === LINKTYPE_LINUX_SLL2) decodeLinuxSLL2(data, offset, end, out);
  else if (linkType === LINKTYPE_NULL || linkType === LINKTYPE_LOOP) decodeBSDLoopback(data, offset, end, out);
  else if (linkType === LINKTYPE_IPV4) decodeIPv4(data, offset, end, out);
  else if (linkType === LINKTYPE_IPV6) decodeIPv6(data, offset, end, out);
}

/** Raw IP: no link header, the version nibble says which IP. */
function decodeRawIP(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (o >= end) {
    out.malformed = 1;
    return;
  }
  const version = data[o] >>> 4;
  if (version === 6) decodeIPv6(data, o, end, out);
  else decodeIPv4(data, o, end, out);
}
