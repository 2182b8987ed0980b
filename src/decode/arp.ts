/** ARP: counted when the fixed part and the four addresses it announces are whole. */
import { LAYER_ARP, type PacketSummary } from './packet-summary.js';

export function decodeARP(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 8 || end - o < 8 + 2 * (data[o + 4] + data[o + 5])) {
    out.malformed = 1;
    return;
  }
  out.layers |= LAYER_ARP;
}
