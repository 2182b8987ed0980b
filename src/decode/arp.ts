/**
 * ARP: counted when the fixed part and the four addresses it announces are whole. For IPv4
 * (protocol type 0x0800, 4-byte addresses) the operation and the sender and target protocol
 * addresses are kept, so an ARP sweep of a subnet can be told from normal resolution.
 */
import { LAYER_ARP, type PacketSummary } from './packet-summary.js';

export function decodeARP(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 8) {
    out.malformed = 1;
    return;
  }
  const hlen = data[o + 4], plen = data[o + 5];
  if (end - o < 8 + 2 * (hlen + plen)) {
    out.malformed = 1;
    return;
  }
  out.layers |= LAYER_ARP;
  if (plen !== 4 || ((data[o + 2] << 8) | data[o + 3]) !== 0x0800) return;
  out.arpOp = (data[o + 6] << 8) | data[o + 7];
  const spa = o + 8 + hlen, tpa = spa + 4 + hlen;
  const src = out.src, dst = out.dst;
  src[0] = 0;
  src[1] = 0;
  src[2] = 0xffff;
  src[3] = (data[spa] << 24) | (data[spa + 1] << 16) | (data[spa + 2] << 8) | data[spa + 3];
  dst[0] = 0;
  dst[1] = 0;
  dst[2] = 0xffff;
  dst[3] = (data[tpa] << 24) | (data[tpa + 1] << 16) | (data[tpa + 2] << 8) | data[tpa + 3];
}
