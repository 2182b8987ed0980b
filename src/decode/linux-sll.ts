/** Linux "cooked" captures (the `any` interface): SLL (16-byte header) and SLL2 (20 bytes). */
import { decodeEtherType } from './ethernet.js';
import type { PacketSummary } from './packet-summary.js';

/** Protocol values below this are not EtherTypes (1: Novell 802.3, 4: 802.2 LLC, ...). */
const MIN_ETHERTYPE = 0x0600;

export function decodeLinuxSLL(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 16) {
    out.malformed = 1;
    return;
  }
  const protocol = (data[o + 14] << 8) | data[o + 15];
  if (protocol >= MIN_ETHERTYPE) decodeEtherType(protocol, data, o + 16, end, out);
}

export function decodeLinuxSLL2(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 20) {
    out.malformed = 1;
    return;
  }
  const protocol = (data[o] << 8) | data[o + 1];
  if (protocol >= MIN_ETHERTYPE) decodeEtherType(protocol, data, o + 20, end, out);
}
