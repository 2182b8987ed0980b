/**
 * IPv6: fixed header, then the extension header chain up to the transport header.
 * Followed: hop-by-hop (0), routing (43), fragment (44), destination options (60), AH (51).
 * ESP (50) and no-next-header (59) end the chain; any other value goes to the transport
 * decoder (which ignores what it does not know, e.g. tunnelled IP).
 */
import { LAYER_FRAGMENT, LAYER_IPV6, type PacketSummary } from './packet-summary.js';
import { decodeTransport } from './transport.js';

export function decodeIPv6(data: Uint8Array, o: number, end: number, out: PacketSummary): void {
  if (end - o < 40 || data[o] >>> 4 !== 6) {
    out.malformed = 1;
    return;
  }
  const payloadLen = (data[o + 4] << 8) | data[o + 5];
  out.layers |= LAYER_IPV6;
  // A jumbogram (payload length 0, real length in a hop-by-hop option) counts as 40 bytes.
  out.ipBytes = payloadLen + 40;
  const src = out.src;
  const dst = out.dst;
  src[0] = (data[o + 8] << 24) | (data[o + 9] << 16) | (data[o + 10] << 8) | data[o + 11];
  src[1] = (data[o + 12] << 24) | (data[o + 13] << 16) | (data[o + 14] << 8) | data[o + 15];
  src[2] = (data[o + 16] << 24) | (data[o + 17] << 16) | (data[o + 18] << 8) | data[o + 19];
  src[3] = (data[o + 20] << 24) | (data[o + 21] << 16) | (data[o + 22] << 8) | data[o + 23];
  dst[0] = (data[o + 24] << 24) | (data[o + 25] << 16) | (data[o + 26] << 8) | data[o + 27];
  dst[1] = (data[o + 28] << 24) | (data[o + 29] << 16) | (data[o + 30] << 8) | data[o + 31];
  dst[2] = (data[o + 32] << 24) | (data[o + 33] << 16) | (data[o + 34] << 8) | data[o + 35];
  dst[3] = (data[o + 36] << 24) | (data[o + 37] << 16) | (data[o + 38] << 8) | data[o + 39];
  let next = data[o + 6];
  const ipEnd = o + 40 + payloadLen;
  // Payload length 0 (jumbogram) or beyond the capture: bounded by the captured bytes only.
  if (payloadLen !== 0 && ipEnd < end) end = ipEnd;
  o += 40;
  for (;;) {
    if (next === 0 || next === 43 || next === 60) {
      if (end - o < 2) {
        out.malformed = 1;
        return;
      }
      const len = (data[o + 1] + 1) << 3;
      if (end - o < len) {
        out.malformed = 1;
        return;
      }
      next = data[o];
      o += len;
    } else if (next === 44) {
      if (end - o < 8) {
        out.malformed = 1;
        return;
      }
      // Only the fragment at offset 0 carries the upper-layer header.
      if ((((data[o + 2] << 8) | data[o + 3]) & 0xfff8) !== 0) {
        out.layers |= LAYER_FRAGMENT;
        return;
      }
      next = data[o];
      o += 8;
    } else if (next === 51) {
      if (end - o < 2) {
        out.malformed = 1;
        return;
      }
      // AH counts its length in 4-byte words, minus 2.
      const len = (data[o + 1] + 2) << 2;
      if (end - o < len) {
        out.malformed = 1;
        return;
      }
      next = data[o];
      o += len;
    } else if (next === 50 || next === 59) {
      return;
    } else {
      decodeTransport(next, data, o, end, out);
      return;
    }
  }
}
