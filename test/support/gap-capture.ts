/**
 * Captures with long silences: a few packets, then nothing for `gapSeconds`, repeated. With a
 * short period every gap is thousands of empty periods to close, the work that must be sliced.
 */
import { writePcap, type CapturedPacket } from './capture-writer.js';
import { ETH_IPV4, PROTO_TCP, PROTO_UDP, ACK, SYN, ethernet, ipv4, tcp, udp } from './packet-builder.js';

export const GAP_T0 = 1_700_000_000;

export interface GapPlan {
  bursts: number;
  packetsPerBurst: number;
  /** Capture seconds from one burst to the next. */
  gapSeconds: number;
}

export function gapPackets(p: GapPlan): CapturedPacket[] {
  const syn = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: PROTO_TCP, payload: tcp({ srcPort: 40000, dstPort: 80, flags: SYN }) }) });
  const ack = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: PROTO_TCP, payload: tcp({ srcPort: 80, dstPort: 40000, flags: ACK }) }) });
  const dns = ethernet({ etherType: ETH_IPV4, payload: ipv4({ src: '10.0.0.3', dst: '10.0.0.4', protocol: PROTO_UDP, payload: udp({ srcPort: 53, dstPort: 5353 }) }) });
  const out: CapturedPacket[] = [];
  for (let b = 0; b < p.bursts; b++) {
    for (let i = 0; i < p.packetsPerBurst; i++) {
      // Spread over the burst's first 50 ms, a different mix in every burst.
      const data = (i + b) % 3 === 0 ? syn : (i + b) % 3 === 1 ? ack : dns;
      const ns = Math.round(b * p.gapSeconds * 1e9) + i * Math.floor(50e6 / p.packetsPerBurst);
      out.push({ data, tsSec: GAP_T0 + Math.floor(ns / 1e9), tsNsec: ns % 1e9 });
    }
  }
  return out;
}

export function writeGapCapture(p: GapPlan): Uint8Array {
  return writePcap(gapPackets(p), { linkType: 1, nanos: true });
}
