/** IPv4: header with options (IHL), fragments, then the transport header of a first fragment. */
import { LAYER_FRAGMENT, LAYER_IPV4, type PacketSummary } from './packet-summary.js';
import { decodeTransport } from './transport.js';

export function decodeIPv4(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 20) {
    out.malformed = 1;
    return;
  }
  const b0 = data[o];
  const headerLen = (b0 & 0x0f) << 2;
  // Not an IPv4 header (wrong version, IHL < 5) or options cut short: no IP layer.
  if (b0 >>> 4 !== 4 || headerLen < 20 || end - o < headerLen) {
    out.malformed = 1;
    return;
  }
  let totalLen = (data[o + 2] << 8) | data[o + 3];
  // 0 is what TCP segmentation offload leaves in packets captured on the sender (tshark's
  // default reading too): the datagram is taken to run to the end of the captured bytes.
  if (totalLen === 0) totalLen = end - o;
  out.layers |= LAYER_IPV4;
  out.ipBytes = totalLen;
  const src = out.src;
  const dst = out.dst;
  src[0] = 0;
  src[1] = 0;
  src[2] = 0xffff;
  src[3] = (data[o + 12] << 24) | (data[o + 13] << 16) | (data[o + 14] << 8) | data[o + 15];
  dst[0] = 0;
  dst[1] = 0;
  dst[2] = 0xffff;
  dst[3] = (data[o + 16] << 24) | (data[o + 17] << 16) | (data[o + 18] << 8) | data[o + 19];
  if (totalLen < headerLen) {
    // Inconsistent: nothing to trust after the header.
    out.malformed = 1;
    return;
  }
  if ((((data[o + 6] & 0x1f) << 8) | data[o + 7]) !== 0) {
    out.layers |= LAYER_FRAGMENT;
    return;
  }
  const ipEnd = o + totalLen;
  decodeTransport(data[o + 9], data, o + headerLen, ipEnd < end ? ipEnd : end, out);
}
