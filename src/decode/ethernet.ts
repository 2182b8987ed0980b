/**
 * Ethernet II and what an EtherType can name: 802.1Q/802.1ad/QinQ tags, MPLS label stacks,
 * IPv4, IPv6 and ARP. Anything else ends decoding without a network layer (not malformed).
 */
import { decodeARP } from './arp.js';
import { decodeIPv4 } from './ipv4.js';
import { decodeIPv6 } from './ipv6.js';
import type { PacketSummary } from './packet-summary.js';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
/** Reverse ARP: the same packet format, counted as ARP (as tshark shows it). */
export const ETHERTYPE_RARP = 0x8035;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ outer tag (also 0x9200 on some gear). */
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_QINQ_OLD2 = 0x9200;

export function decodeEthernet(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 14) {
    out.malformed = 1;
    return;
  }
  let type = (data[o + 12] << 8) | data[o + 13];
  o += 14;
  if (type <= 1500) {
    // 802.3 length field: only LLC/SNAP (AA AA 03, any OUI) names an EtherType.
    if (end - o < 8 || data[o] !== 0xaa || data[o + 1] !== 0xaa || data[o + 2] !== 0x03) return;
    type = (data[o + 6] << 8) | data[o + 7];
    o += 8;
  }
  decodeEtherType(type, data, o, end, out);
}

/** Decodes the payload named by an EtherType, after any number of VLAN tags and MPLS labels. */
export function decodeEtherType(type: number, data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD || type === ETHERTYPE_QINQ_OLD2) {
    if (end - o < 4) {
      out.malformed = 1;
      return;
    }
    type = (data[o + 2] << 8) | data[o + 3];
    o += 4;
  }
  if (type === ETHERTYPE_IPV4) decodeIPv4(data, o, end, out);
  else if (type === ETHERTYPE_IPV6) decodeIPv6(data, o, end, out);
  else if (type === ETHERTYPE_ARP || type === ETHERTYPE_RARP) decodeARP(data, o, end, out);
  else if (type === ETHERTYPE_MPLS || type === ETHERTYPE_MPLS_MULTICAST) decodeMPLS(data, o, end, out);
}

/**
 * MPLS label stack: 4 bytes per label until the bottom-of-stack bit; the payload has no type
 * field, so its first nibble chooses IPv4 (4) or IPv6 (6). Anything else (a pseudowire control
 * word, Ethernet over MPLS) is not decoded.
 */
function decodeMPLS(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  for (;;) {
    if (end - o < 4) {
      out.malformed = 1;
      return;
    }
    const bottom = data[o + 2] & 0x01;
    o += 4;
    if (bottom !== 0) break;
  }
  if (o >= end) return;
  const version = data[o] >>> 4;
  if (version === 4) decodeIPv4(data, o, end, out);
  else if (version === 6) decodeIPv6(data, o, end, out);
}
